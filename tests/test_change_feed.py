"""The change feed (config/cache.py) and what it lets the page cache skip (issue 7, points 3 and 4).

Every process listens on the Redis cache's change channel. While its feed is live and has heard nothing,
the pages and the content state it holds are served without asking Redis; any change announced anywhere
(or a lost connection, or a silent server) makes it check them again. These tests use the real Redis on
127.0.0.1:6379 (database 7, a key prefix of their own) and skip, saying why, when it is not there; the last
ones serve the site from real gunicorn workers and change an article from this process.
"""

import os
import signal
import time
import uuid
import warnings
from pathlib import Path

import pytest
import redis
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache, caches
from django.db import connection

from articles import cache as page_cache
from articles import models as article_models
from articles.models import Article, content_state
from config import cache as shared_cache
from tests.conftest import requires_postgres
from tests.factories import ArticleFactory, InitiativeFactory
from tests.load.loadtest import LOOPBACK, Http, free_port, serve_gunicorn, stop
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
    shared_cache.stop_feeds()
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(match=f"{prefix}:*"))
    if keys:
        client.delete(*keys)
    page_cache.local_pages.clear()


@pytest.fixture
def one_hold(monkeypatch):
    """Keep the feed's clock inside one HOLD_SECONDS period, so that only what is heard moves the epoch."""
    now = time.monotonic()
    monkeypatch.setattr(shared_cache, "_clock", lambda: now)


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


def heard(feed) -> int | None:
    """The part of the epoch that only what the feed hears moves (not the passing of HOLD_SECONDS)."""
    epoch = feed.epoch()
    return None if epoch is None else epoch[0]


def settled(feed) -> int:
    """The epoch once the feed is quiet: messages of changes made before (an article saved by a fixture)
    arrive on the listener's thread a moment later and would move it under a test's feet."""
    deadline = time.monotonic() + 10
    last, since = heard(feed), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.05)
        now = heard(feed)
        if now != last or now is None:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= 0.5:
            return now
    raise AssertionError("the change feed never went quiet")


def test_the_feed_is_live_and_still_while_nothing_changes(redis_site):
    before = settled(redis_site)
    assert before is not None
    time.sleep(shared_cache.POLL_SECONDS * 1.5)  # a ping and a reading of the counter in between
    assert heard(redis_site) == before


def test_a_message_from_another_process_moves_the_epoch(redis_site, other_process, monkeypatch):
    before = settled(redis_site)
    monkeypatch.setattr(redis_site, "moved", lambda: None)  # only the message itself can move it
    other_process.publish(redis_site.channel, b"a stamp")
    assert eventually(lambda: heard(redis_site) not in (before, None), 2)


def test_a_message_lost_on_the_way_is_caught_by_the_counter(redis_site, other_process):
    """Another process wrote a change but its message never arrived (a proxy dropped it): the stamp it
    left under the counter still tells, at the listener's next reading."""
    before = settled(redis_site)
    other_process.set(redis_site.counter, b"a stamp nobody heard")
    assert eventually(lambda: heard(redis_site) not in (before, None), shared_cache.POLL_SECONDS * 3)


def test_the_values_and_the_announcement_are_written_together(redis_site, other_process):
    listener = other_process.pubsub()
    listener.subscribe(redis_site.channel)
    assert listener.get_message(timeout=2)["type"] == "subscribe"
    cache.set_many_and_announce({"pagecache:v:article:7": 12345})
    message = listener.get_message(timeout=2)
    # Whoever hears the message finds the value already there, and the stamp it carries under the counter.
    assert cache.get("pagecache:v:article:7") == 12345
    assert message["data"] == other_process.get(redis_site.counter)
    listener.close()


def test_the_same_change_moves_the_epoch_once_when_heard(redis_site, other_process):
    """The message and the counter's next reading carry the same stamp: a change heard on the channel is
    not counted again by the poll (every copy would be checked twice)."""
    before = settled(redis_site)
    with other_process.pipeline(transaction=True) as announcement:  # as set_many_and_announce does
        announcement.set(redis_site.counter, b"one change")
        announcement.publish(redis_site.channel, b"one change")
        announcement.execute()
    assert eventually(lambda: heard(redis_site) not in (before, None), 2)
    after = heard(redis_site)
    time.sleep(shared_cache.POLL_SECONDS * 1.5)  # a reading of the counter in between
    assert heard(redis_site) == after


def test_the_process_that_announces_moves_at_once(redis_site):
    epoch = redis_site.epoch()
    cache.announce_change()
    assert redis_site.epoch() != epoch


def test_a_lost_connection_stops_the_feed_until_it_is_back(redis_site, other_process):
    """Kills every subscriber on this Redis: other listeners (a developer's `make run`) reconnect too."""
    epoch = redis_site.epoch()
    for client in other_process.client_list(_type="pubsub"):
        other_process.client_kill_filter(_id=client["id"])
    assert eventually(lambda: redis_site.epoch() is None, 2)
    assert redis_site.wait_until_live(shared_cache.POLL_SECONDS * 5)
    assert redis_site.epoch() != epoch  # whatever was held before the gap is checked again


def test_a_server_that_stops_answering_makes_the_feed_stale(redis_site, monkeypatch):
    later = time.monotonic() + shared_cache.STALE_AFTER + 1  # nothing heard since (the thread keeps real time)
    monkeypatch.setattr(shared_cache, "_clock", lambda: later)
    assert redis_site.epoch() is None


def test_nothing_is_used_unchecked_for_longer_than_the_hold(redis_site, monkeypatch):
    epoch = redis_site.epoch()
    later = time.monotonic() + shared_cache.HOLD_SECONDS
    with redis_site._lock:
        redis_site._heard_at = later  # still live then
    monkeypatch.setattr(shared_cache, "_clock", lambda: later)
    assert redis_site.epoch() not in (epoch, None)


def test_a_forked_process_trusts_nothing_its_parent_held(redis_site):
    """gunicorn forks its workers: the child gets fresh locks (one held by the parent's listener at the fork
    would never be released) and neither the parent's copies nor its epoch."""
    page_cache.local_pages.put("held-by-the-parent", "entry", redis_site.epoch())
    redis_site._lock.acquire()  # as if the parent's listener were holding it at the fork
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # forking a process with threads
            pid = os.fork()
        if pid == 0:  # the child: answer through the exit code, never return into pytest
            ok = redis_site.epoch() is None and page_cache.local_pages.get("held-by-the-parent") is None
            os._exit(0 if ok else 1)
    finally:
        redis_site._lock.release()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            assert os.waitstatus_to_exitcode(status) == 0
            return
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    pytest.fail("the forked child hung on a lock its parent held")


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
    client, redis_site, article, calls_to_the_cache, one_hold
):
    settled(redis_site)  # the article's own announcement has been heard
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


def test_a_change_made_elsewhere_is_heard_and_the_page_checked_again(
    client, redis_site, article, monkeypatch, calls_to_the_cache
):
    url = article.get_absolute_url()
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    before = settled(redis_site)
    # Another app server withdraws the article: this process learns of it only through the message.
    monkeypatch.setattr(redis_site, "moved", lambda: None)
    Article.objects.filter(pk=article.pk).update(status=Article.Status.UNPUBLISHED)
    assert eventually(lambda: heard(redis_site) not in (before, None), 2)
    calls_to_the_cache.clear()
    assert client.get(url).status_code == 404
    assert "get_many" in calls_to_the_cache  # the held page was checked, and found changed


def test_the_content_state_is_held_until_a_change_is_heard(redis_site, calls_to_the_cache, monkeypatch, db, one_hold):
    settled(redis_site)
    first = content_state()
    calls_to_the_cache.clear()
    assert content_state() == first
    assert calls_to_the_cache == []
    before = settled(redis_site)
    monkeypatch.setattr(redis_site, "moved", lambda: None)  # learnt through the message alone
    article_models.content_changed()
    assert eventually(lambda: heard(redis_site) not in (before, None), 2)
    assert content_state().token != first.token


def test_a_held_content_state_still_expires_when_a_schedule_comes_due(redis_site, calls_to_the_cache, db, one_hold):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    due = timezone.now() + timedelta(minutes=5)
    ArticleFactory(published_at=due)
    settled(redis_site)
    first = content_state()
    assert first.next_due == due
    calls_to_the_cache.clear()
    assert content_state() == first and calls_to_the_cache == []  # held until then
    with time_machine.travel(due + timedelta(seconds=1), tick=False):
        assert content_state().token != first.token  # no change was announced: the schedule itself
        assert redis_site.epoch() is not None


# --- Real processes: two gunicorn workers and an editor in this one ---


@pytest.fixture
def served_site(redis_site, transactional_db, tmp_path, settings):
    """The site under gunicorn (two sync workers) on the test database and this test's Redis prefix."""
    # A transactional test that ran before flushed the tables, content types included, and they were made
    # again with new ids; the process-wide ContentType cache would still hand out the old ones.
    ContentType.objects.clear_cache()
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
    server = serve_gunicorn(env, port, 2, tmp_path / "gunicorn.log")
    try:
        yield Http(port)
    finally:
        stop(server)
        ContentType.objects.clear_cache()


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
    for _ in range(20):  # and from then on, whichever worker answers
        assert served_site.request("GET", url)[0] == 404
