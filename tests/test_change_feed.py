"""The change feed (config/cache.py) and what it lets the page cache skip (issue 7, points 3 and 4).

Every process listens on the Redis cache's change channel. While its feed is live and has heard nothing,
the pages and the content state it holds are served without asking Redis; any change announced anywhere
(or a lost connection, or a silent server) makes it check them again. These tests use the real Redis on
127.0.0.1:6379 (database 7, a key prefix of their own) and skip, saying why, when it is not there; the last
ones serve the site from real gunicorn workers and change an article from this process.
"""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.core.cache import cache, caches
from django.db import connection

from articles import cache as page_cache
from articles import models as article_models
from articles.models import Article, content_state
from config import cache as shared_cache
from tests.conftest import requires_postgres
from tests.factories import ArticleFactory, InitiativeFactory
from tests.load.loadtest import LOOPBACK, Http, free_port
from tests.test_cache_redis import REDIS_URL, redis_cache_settings, redis_is_up

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(not redis_is_up(), reason=f"no Redis answering at {REDIS_URL} (CI starts one)")


def eventually(condition, seconds: float = 5.0) -> bool:
    """Whether `condition()` became true within `seconds` (the feed is heard on another thread)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return False


@pytest.fixture
def redis_site(settings):
    """The default cache on the real Redis under a fresh prefix, its change feed live."""
    prefix = f"masthead-feed-{uuid.uuid4().hex[:12]}"
    settings.CACHES = {"default": redis_cache_settings(prefix)}
    page_cache.local_pages.clear()
    feed = cache.change_feed
    feed.epoch()  # starts the listener
    assert feed.wait_until_live(), "the change feed did not come up"
    yield feed
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(match=f"{prefix}:*"))
    if keys:
        client.delete(*keys)
    page_cache.local_pages.clear()


@pytest.fixture
def other_process():
    """A connection of its own to the same Redis: what another app server sends looks like this."""
    return redis.Redis.from_url(REDIS_URL)


@pytest.fixture
def calls_to_the_cache(redis_site, monkeypatch):
    """Every call this process makes to the shared cache's reads, recorded."""
    calls = []
    backend = caches["default"]
    for method in ("get", "get_many"):
        original = getattr(backend, method)
        monkeypatch.setattr(backend, method, lambda *a, _m=method, _o=original, **k: calls.append(_m) or _o(*a, **k))
    return calls


# --- The feed itself ---


def test_the_feed_is_live_and_still_while_nothing_changes(redis_site):
    epoch = redis_site.epoch()
    assert epoch is not None
    time.sleep(shared_cache.POLL_SECONDS * 1.5)  # a ping and a reading of the counter in between
    assert redis_site.epoch() == epoch


def test_an_announcement_from_another_process_moves_the_epoch(redis_site, other_process):
    epoch = redis_site.epoch()
    other_process.publish(redis_site.channel, b"changed")
    assert eventually(lambda: redis_site.epoch() not in (epoch, None), 2)


def test_an_announcement_that_was_never_sent_is_caught_by_the_counter(redis_site, other_process):
    """Another process wrote a change and died before publishing: the counter it incremented still tells."""
    epoch = redis_site.epoch()
    other_process.incr(redis_site.counter)
    assert eventually(lambda: redis_site.epoch() not in (epoch, None), shared_cache.POLL_SECONDS * 3)


def test_the_process_that_announces_moves_at_once(redis_site):
    epoch = redis_site.epoch()
    cache.announce_change()
    assert redis_site.epoch() != epoch


def test_a_lost_connection_stops_the_feed_until_it_is_back(redis_site, other_process):
    epoch = redis_site.epoch()
    for client in other_process.client_list(_type="pubsub"):
        other_process.client_kill_filter(_id=client["id"])
    assert eventually(lambda: redis_site.epoch() is None, 2)
    assert redis_site.wait_until_live(shared_cache.POLL_SECONDS * 5)
    assert redis_site.epoch() != epoch  # whatever was held before the gap is checked again


def test_a_server_that_stops_answering_makes_the_feed_stale(redis_site):
    with redis_site._lock:
        redis_site._heard_at = time.monotonic() - shared_cache.STALE_AFTER - 1
    assert redis_site.epoch() is None


def test_flushing_the_cache_is_announced(redis_site):
    epoch = redis_site.epoch()
    cache.clear()
    assert redis_site.epoch() != epoch


def test_local_memory_has_no_feed():
    assert page_cache.feed_epoch() is None  # the suite's default cache: every copy is checked


# --- What the page cache and the content state skip while it is live ---


@pytest.fixture
def article(db):
    return ArticleFactory(title="Harbour opens", tags=["ports"], initiatives=[InitiativeFactory()])


def test_a_held_page_is_served_without_asking_the_cache_while_nothing_changes(
    client, redis_site, article, calls_to_the_cache
):
    url = article.get_absolute_url()
    client.get(url)  # rendered and stored
    assert client.get(url)["X-Page-Cache"] == "hit"  # checked once
    calls_to_the_cache.clear()
    response = client.get(url)
    assert response["X-Page-Cache"] == "hit"
    assert calls_to_the_cache == []


def test_without_the_feed_every_hit_asks_the_cache(client, redis_site, article, calls_to_the_cache, settings):
    settings.PAGE_CACHE_CHANGE_FEED = False
    url = article.get_absolute_url()
    client.get(url)
    client.get(url)
    calls_to_the_cache.clear()
    assert client.get(url)["X-Page-Cache"] == "hit"
    assert "get_many" in calls_to_the_cache


def test_a_change_made_elsewhere_is_heard_and_the_page_checked_again(client, redis_site, article, monkeypatch):
    url = article.get_absolute_url()
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    before = redis_site.epoch()
    # Another app server withdraws the article: this process learns of it only through Redis.
    with monkeypatch.context() as patched:
        patched.setattr(redis_site, "moved", lambda: None)
        Article.objects.filter(pk=article.pk).update(status=Article.Status.UNPUBLISHED)
        assert redis_site.epoch() == before  # not told directly
    assert eventually(lambda: redis_site.epoch() not in (before, None), 2)
    assert client.get(url).status_code == 404


def test_the_content_state_is_held_until_a_change_is_heard(redis_site, calls_to_the_cache, monkeypatch, db):
    first = content_state()
    calls_to_the_cache.clear()
    assert content_state() == first
    assert calls_to_the_cache == []
    before = redis_site.epoch()
    with monkeypatch.context() as patched:
        patched.setattr(redis_site, "moved", lambda: None)
        article_models.content_changed()
    assert eventually(lambda: redis_site.epoch() not in (before, None), 2)
    assert content_state().token != first.token


def test_a_held_content_state_still_expires_when_a_schedule_comes_due(redis_site, db):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    due = timezone.now() + timedelta(minutes=5)
    ArticleFactory(published_at=due)
    first = content_state()
    assert first.next_due == due
    with time_machine.travel(due + timedelta(seconds=1), tick=False):
        assert content_state().token != first.token  # no change was announced: the schedule itself
        assert redis_site.epoch() is not None


# --- Real processes: two gunicorn workers and an editor in this one ---


@pytest.fixture
def served_site(redis_site, transactional_db, tmp_path, settings):
    """The site under gunicorn (two sync workers) on the test database and this test's Redis prefix."""
    db = connection.settings_dict
    database_url = f"postgres://{db['USER']}@{db['HOST'] or LOOPBACK}:{db['PORT'] or 5432}/{db['NAME']}"
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"CACHE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "1",
            "DATABASE_URL": database_url,
            "DATABASE_CONN_MAX_AGE": "0",
            "REDIS_URL": REDIS_URL,
            "CACHE_KEY_PREFIX": settings.CACHES["default"]["KEY_PREFIX"],
            "ALLOWED_HOSTS": f"{LOOPBACK},localhost",
            "MEDIA_ROOT": str(tmp_path / "media"),
            "PRIVATE_MEDIA_ROOT": str(tmp_path / "private"),
        }
    )
    log = tmp_path / "gunicorn.log"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"{LOOPBACK}:{port}",
            "--workers",
            "2",
            "--worker-class",
            "sync",
            "--timeout",
            "30",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    http = Http(port)
    try:
        assert eventually(lambda: _answers(http), 60), log.read_text()[-3000:]
        yield http
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


def _answers(http: Http) -> bool:
    try:
        return http.request("GET", "/healthz")[0] == 200
    except OSError:
        return False


def _mget_calls(client: redis.Redis) -> int:
    return client.info("commandstats").get("cmdstat_mget", {}).get("calls", 0)


@requires_postgres
def test_gunicorn_workers_serve_held_pages_without_redis_and_drop_them_when_an_editor_withdraws_one(
    served_site, other_process
):
    article = ArticleFactory(title="Harbour opens", tags=["ports"], initiatives=[InitiativeFactory()])
    url = article.get_absolute_url()
    # Warm both workers: each renders or fetches the page once, then checks it once.
    for _ in range(20):
        status, headers, _ = served_site.request("GET", url)
        assert status == 200
    assert headers.get("X-Page-Cache") == "hit"

    mgets = _mget_calls(other_process)
    for _ in range(50):
        status, headers, _ = served_site.request("GET", url)
        assert (status, headers.get("X-Page-Cache")) == (200, "hit")
    # Fifty hits asked Redis for no versions (a few calls of other tests' or processes' may land meanwhile).
    assert _mget_calls(other_process) - mgets < 10

    article.status = Article.Status.UNPUBLISHED
    article.save()  # in this process: versions written, then announced
    assert eventually(lambda: served_site.request("GET", url)[0] == 404, shared_cache.STALE_AFTER)
    for _ in range(20):  # and every worker, not just the one that answered first
        assert served_site.request("GET", url)[0] == 404
