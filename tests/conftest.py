import os
import shutil

import pytest
from django.db import connection


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Serialized-rollback tests first among the transactional ones, whatever order the files come in.

    pytest-django already runs transactional tests after the others. A transactional test's flush makes the
    content types again under new ids; a serialized-rollback test after it would restore the old rows over
    them and collide (PostgreSQL). Run first, it restores what the migrations made.
    """

    def marker(item):
        return item.get_closest_marker("django_db")

    def transactional(item) -> bool:
        db = marker(item)
        return bool(db and db.kwargs.get("transaction")) or bool(
            {"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ()))
        )

    def serialized(item) -> bool:
        db = marker(item)
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


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


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
