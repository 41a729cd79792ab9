import os
import shutil
import uuid

import pytest
from django.db import connection


def transactional(item) -> bool:
    """Whether a test commits for real (and its database is flushed after it), rather than rolling back."""
    db = item.get_closest_marker("django_db")
    return bool(db and db.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ()))
    )


@pytest.fixture(autouse=True)
def _fresh_content_types(request):
    """A transactional test that ran before flushed the tables, content types included, and they were made
    again with new ids; the process-wide ContentType cache would still hand out the old ones (the audit
    trail's foreign key then fails on PostgreSQL). Only transactional tests clear it: the others keep their
    query counts."""
    if not transactional(request.node):
        yield
        return
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    yield
    ContentType.objects.clear_cache()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Serialized-rollback tests first among the transactional ones, whatever order the files come in.

    pytest-django already runs transactional tests after the others. A transactional test's flush makes the
    content types again under new ids; a serialized-rollback test after it would restore the old rows over
    them and collide (PostgreSQL). Run first, it restores what the migrations made.

    Under pytest-xdist (`make test`) each worker has a test database of its own and runs its share in this
    order: `--dist load` hands out tests from the front of the collection. Not `loadfile` or `loadscope`:
    they send a module's transactional tests along with its others, ahead of other modules' plain tests,
    which would then find the roles the data migration made flushed away (docs/decisions.md).
    """

    def serialized(item) -> bool:
        db = item.get_closest_marker("django_db")
        return bool(db and db.kwargs.get("serialized_rollback"))

    first = next((i for i, item in enumerate(items) if transactional(item)), None)
    if first is not None:
        tail = items[first:]
        items[first:] = [item for item in tail if serialized(item)] + [item for item in tail if not serialized(item)]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Every test writes uploads to its own folders, never to the developer's media.

    Django resets its storages when STORAGES changes (the setting_changed signal).
    """
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media", "base_url": "/media/"},
        },
        "private": {
            "BACKEND": "config.storage.PrivateFileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private-media", "base_url": None},
        },
    }
    yield


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """The production hasher costs seconds per test; tests that check hashing itself override this."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_configure(config):
    """A Redis cache (REDIS_URL set) gets a key prefix of this run's own: the suite may share the server, and
    even the database, with a developer's site or another run, and only ever deletes its own keys."""
    from django.conf import settings

    default = settings.CACHES["default"]
    if default["BACKEND"].endswith(".RedisCache"):
        default["KEY_PREFIX"] = f"{default.get('KEY_PREFIX') or 'masthead'}-test-{uuid.uuid4().hex[:12]}"


def clear_test_cache() -> None:
    """Empty the default cache: local memory by `clear()`; Redis by deleting this run's keys (its prefix,
    found with SCAN), never by FLUSHDB, which would empty a database others may be using."""
    from django.conf import settings
    from django.core.cache import cache

    default = settings.CACHES["default"]
    if not default["BACKEND"].endswith(".RedisCache"):
        cache.clear()
        return
    import redis

    locations = default["LOCATION"] if isinstance(default["LOCATION"], list) else [default["LOCATION"]]
    client = redis.Redis.from_url(locations[0])
    try:
        for batch in _batches(client.scan_iter(match=f"{default['KEY_PREFIX']}:*", count=500), 500):
            client.delete(*batch)
    finally:
        client.close()


def _batches(items, size):
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


@pytest.fixture(autouse=True)
def _clear_cache():
    clear_test_cache()
    yield
    clear_test_cache()


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


requires_postgres = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").split(":", 1)[0] not in {"postgres", "postgresql", "pgsql"},
    reason="needs PostgreSQL: set DATABASE_URL=postgres://... (CI does)",
)

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright; never a downloaded browser."""
    if not CHROMIUM:
        pytest.skip("no system chromium found (apt-get install chromium); CI installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def own_pages(browser):
    """`own_pages(n)`: n browser pages, each in a context of its own (cookies, session), as n people at n
    computers, 1280 px wide; closed after the test."""
    contexts = []

    def open_pages(count: int) -> list:
        contexts.extend(browser.new_context(viewport={"width": 1280, "height": 900}) for _ in range(count))
        return [context.new_page() for context in contexts[-count:]]

    yield open_pages
    for context in contexts:
        context.close()
