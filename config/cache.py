"""The shared cache: Django's Redis backend with a reused client and a change feed (docs/performance.md).

A reused client. Django's own `RedisCacheClient.get_client()` builds a new `redis.Redis` object on every
cache call. The connection pool behind it is shared, so no connection is opened, but building the client
costs about a tenth of a millisecond: more than the round trip to Redis on loopback, paid on every reader
page. A `redis.Redis` is safe to share between threads (each command borrows a connection from the pool)
and its pool notices a fork and starts afresh, so one per pool is enough.

The change feed. Every process keeps copies of what it read from the shared cache (the page cache's pages,
the content state) and needs to know, without asking Redis on every request, whether anything changed
since. `RedisCache.announce_change()` publishes on a Redis channel of the cache's own (its key prefix and
database are in the name); each process listens on that channel in a daemon thread and counts what it
hears. `ChangeFeed.epoch()` is that count while the feed is live, or None when it is not: a copy taken at
epoch N may be used without a round trip only while `epoch()` still answers N.

- Every message, every reconnection and every loss of the feed moves the epoch, so a copy is never used
  across a gap in what was heard.
- The feed is live only while the subscription answers a ping at least every `STALE_AFTER` seconds. A
  Redis that vanishes without closing the connection is noticed within that time; one that restarts or
  closes it, at once.
- A message published while the listener was connected is delivered (Redis drops a subscriber rather
  than a message). A change whose announcement never went out (the publisher died between writing and
  publishing) is still heard within `POLL_SECONDS`: the listener also watches a counter every
  announcement increments.
- The process that announces moves its own epoch at once, not when its message comes back.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import threading
import time

from django.core.cache.backends import redis as django_redis

logger = logging.getLogger(__name__)

CHANNEL = "changes"
COUNTER = "changes:count"
POLL_SECONDS = 1.0  # how often the listener pings the subscription and reads the counter
STALE_AFTER = 3.0  # no answer for this long: the feed is not live


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

    def announce_change(self) -> None:
        """Tell every process that something it may hold a copy of has changed (after writing the change)."""
        feed = self.change_feed
        feed.moved()  # this process knows at once
        client = self._cache.get_client(write=True)
        pipeline = client.pipeline(transaction=True)
        pipeline.incr(feed.counter)
        pipeline.publish(feed.channel, b"changed")
        pipeline.execute()

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

    def epoch(self) -> int | None:
        """The current epoch while the feed is live; None when copies must be checked against Redis."""
        if self._pid != os.getpid():
            self._start()
            return None
        with self._lock:
            if self._live and time.monotonic() - self._heard_at < STALE_AFTER:
                return self._epoch
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

    def _start(self) -> None:
        with self._lock:
            if self._pid == os.getpid():
                return
            # A new process (first use, or a fork of one that listened): its own listener, a fresh start.
            self._pid = os.getpid()
            self._live = False
            self._epoch = next(_epochs)
        threading.Thread(target=self._listen, name="masthead-change-feed", daemon=True).start()

    def _listen(self) -> None:
        pid = os.getpid()
        failures = 0
        while self._pid == pid:
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
            time.sleep(min(POLL_SECONDS * failures, 10) if failures else POLL_SECONDS)

    def _follow(self, pubsub, client, pid: int) -> None:
        counted = None
        next_poll = 0.0
        while self._pid == pid:
            now = time.monotonic()
            if now >= next_poll:
                pubsub.ping()
                count = client.get(self.counter)
                if count != counted:  # an announcement not heard (or the first reading): copies are checked
                    counted = count
                    self.moved()
                next_poll = now + POLL_SECONDS
            message = pubsub.get_message(timeout=max(0.0, next_poll - time.monotonic()))
            if message is None:
                continue
            with self._lock:
                self._heard_at = time.monotonic()
                if message["type"] == "message":
                    self._epoch = next(_epochs)
                elif message["type"] == "subscribe":
                    self._epoch = next(_epochs)
                    self._live = True

    def _lose(self) -> None:
        with self._lock:
            self._live = False
            self._epoch = next(_epochs)
