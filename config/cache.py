"""The shared cache: Django's Redis backend with a reused client and a change feed (docs/performance.md).

A reused client. Django's own `RedisCacheClient.get_client()` builds a new `redis.Redis` object on every
cache call. The connection pool behind it is shared, so no connection is opened, but building the client
costs about a tenth of a millisecond: more than the round trip to Redis on loopback, paid on every reader
page. A `redis.Redis` is safe to share between threads (each command borrows a connection from the pool)
and its pool notices a fork and starts afresh, so one per pool is enough.

The change feed. Every process keeps copies of what it read from the shared cache (the page cache's pages,
the content state) and needs to know, without asking Redis on every request, whether anything changed
since. `RedisCache.set_many_and_announce()` writes values and announces the change in one Redis
transaction: the values, a stamp under the feed's counter key, and the stamp published on the feed's
channel (the cache's key prefix and version are in both names). Each process listens on that channel in a
daemon thread. `ChangeFeed.epoch()` answers a token while the feed is live and None when it is not: a copy
taken at epoch E may be used without a round trip only while `epoch()` still answers E.

- Every message, every reconnection and every loss of the feed moves the epoch, so a copy is never used
  across a gap in what was heard; so does the passing of `HOLD_SECONDS`, which bounds how long anything is
  used unchecked whatever happens to a message (a change announced by a process that died half way, a
  proxy that drops a message).
- The feed is live only while the subscription answers a ping at least every `STALE_AFTER` seconds. A
  Redis that vanishes without closing the connection is noticed within that time; one that restarts or
  closes it, at once.
- The listener also reads the counter every `POLL_SECONDS`: a stamp it has not heard on the channel moves
  the epoch too.
- The process that announces moves its own epoch at once, not when its message comes back.
- Forking (gunicorn's workers, `--preload` or not) gives the child a feed of its own: fresh locks, no
  copies, a listener started on first use.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import secrets
import threading
import time

from django.core.cache.backends import redis as django_redis

logger = logging.getLogger(__name__)

CHANNEL = "changes"
COUNTER = "changes:stamp"
POLL_SECONDS = 1.0  # how often the listener pings the subscription and reads the counter
STALE_AFTER = 3.0  # no answer for this long: the feed is not live
HOLD_SECONDS = 10.0  # the longest anything is used unchecked, whatever the feed says

_clock = time.monotonic


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    """settings.CACHES backend `config.cache.RedisCache`: options as for Django's, plus the change feed."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient

    @property
    def change_feed(self) -> ChangeFeed:
        return feed_for(self)

    def set_many_and_announce(self, data: dict) -> None:
        """`set_many(data, timeout=None)` and the announcement of it, in one transaction: every process
        hears of the change if and only if the values were written."""
        feed = self.change_feed
        stamp = secrets.token_hex(8)
        client = self._cache.get_client(write=True)
        pipeline = client.pipeline(transaction=True)
        if data:
            serializer = self._cache._serializer
            pipeline.mset({self.make_and_validate_key(k): serializer.dumps(v) for k, v in data.items()})
        pipeline.set(feed.counter, stamp)
        pipeline.publish(feed.channel, stamp)
        pipeline.execute()
        feed.moved()  # this process knows at once, not when its message comes back

    def announce_change(self) -> None:
        """Tell every process that something it may hold a copy of has changed."""
        self.set_many_and_announce({})

    def clear(self):
        cleared = super().clear()
        self.announce_change()
        return cleared


# Epochs are drawn from one counter for every feed in the process, so no two feeds (a test's caches under
# different key prefixes) ever answer the same epoch for different histories.
_epochs = itertools.count(1)
_feeds: dict[tuple, ChangeFeed] = {}
_feeds_lock = threading.Lock()


def feed_for(cache: RedisCache) -> ChangeFeed:
    """One feed per Redis server and key prefix per process, however many cache objects point there."""
    identity = (tuple(cache._servers), cache.key_prefix)
    with _feeds_lock:
        feed = _feeds.get(identity)
        if feed is None:
            feed = _feeds[identity] = ChangeFeed(
                cache._cache, channel=cache.make_key(CHANNEL), counter=cache.make_key(COUNTER)
            )
        return feed


def stop_feeds() -> None:
    """Stop every listener of this process and forget the feeds (tests, between caches)."""
    global _feeds
    with _feeds_lock:
        feeds, _feeds = list(_feeds.values()), {}
    for feed in feeds:
        feed.stop()


class ChangeFeed:
    """What this process has heard of changes announced anywhere (see the module's docstring)."""

    def __init__(self, client: RedisCacheClient, *, channel: str, counter: str):
        self._client = client
        self.channel = channel
        self.counter = counter
        self._lock = threading.Lock()
        self._epoch = next(_epochs)
        self._live = False
        self._heard_at = float("-inf")
        self._pid = None
        self._stopped = False

    def epoch(self) -> tuple[int, int] | None:
        """The current epoch while the feed is live; None when copies must be checked against Redis."""
        if self._pid != os.getpid():
            self._start()
            return None
        now = _clock()
        with self._lock:
            if self._live and now - self._heard_at < STALE_AFTER:
                return (self._epoch, int(now // HOLD_SECONDS))
            return None

    def moved(self) -> None:
        with self._lock:
            self._epoch = next(_epochs)

    @property
    def live(self) -> bool:
        return self.epoch() is not None

    def wait_until_live(self, timeout: float = 5.0) -> bool:
        """For tests and start-up checks: whether the feed became live within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.live:
                return True
            time.sleep(0.01)
        return False

    def stop(self) -> None:
        """Stop listening (the thread ends within `POLL_SECONDS`); the feed is not live from now on."""
        with self._lock:
            self._stopped = True
            self._live = False
            self._epoch = next(_epochs)

    def forked(self) -> None:
        """In a child process just forked: nothing the parent held or heard is trusted."""
        self._lock = threading.Lock()
        self._pid = None
        self._live = False
        self._epoch = next(_epochs)

    def _start(self) -> None:
        with self._lock:
            if self._pid == os.getpid() or self._stopped:
                return
            # A new process (first use, or a fork of one that listened): its own listener, a fresh start.
            self._pid = os.getpid()
            self._live = False
            self._epoch = next(_epochs)
        threading.Thread(target=self._listen, name="masthead-change-feed", daemon=True).start()

    def _listening(self, pid: int) -> bool:
        return self._pid == pid and not self._stopped

    def _listen(self) -> None:
        pid = os.getpid()
        failures = 0
        while self._listening(pid):
            pubsub = None
            try:
                client = self._client.get_client(write=False)
                pubsub = client.pubsub()
                pubsub.subscribe(self.channel)
                self._follow(pubsub, client, pid)
            except Exception:
                failures = 1 if self._live else failures + 1
                if failures == 1:  # once per outage, not once a second
                    logger.warning(
                        "change feed %s lost: copies are checked against the cache until it is back",
                        self.channel,
                        exc_info=True,
                    )
            finally:
                self._lose()
                if pubsub is not None:
                    with contextlib.suppress(Exception):  # the connection is gone already
                        pubsub.close()
            if self._listening(pid):
                time.sleep(min(POLL_SECONDS * failures, 10) if failures else POLL_SECONDS)

    def _follow(self, pubsub, client, pid: int) -> None:
        heard = None  # the last stamp heard on the channel or read from the counter
        next_poll = 0.0
        while self._listening(pid):
            now = time.monotonic()
            if now >= next_poll:
                pubsub.ping()
                stamp = client.get(self.counter)
                if stamp != heard:  # a change not heard on the channel (or the first reading): check again
                    heard = stamp
                    self.moved()
                next_poll = now + POLL_SECONDS
            message = pubsub.get_message(timeout=max(0.0, next_poll - time.monotonic()))
            if message is None:
                continue
            with self._lock:
                self._heard_at = time.monotonic()
                if message["type"] == "message":
                    heard = message["data"]
                    self._epoch = next(_epochs)
                elif message["type"] == "subscribe":
                    self._epoch = next(_epochs)
                    self._live = True

    def _lose(self) -> None:
        with self._lock:
            self._live = False
            self._epoch = next(_epochs)


def _after_fork_in_child() -> None:
    global _feeds_lock
    _feeds_lock = threading.Lock()
    for feed in _feeds.values():
        feed.forked()


os.register_at_fork(after_in_child=_after_fork_in_child)
