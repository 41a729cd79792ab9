"""The shared cache on the real Redis (issue 8, point 3).

REDIS_URL (or CACHE_URL) switches Django's own Redis cache on. These tests talk to the Redis on
127.0.0.1:6379, database 7, under a key prefix of their own, and skip (saying why) when it is not there.
They delete only their own keys (by prefix, with SCAN), never the database: it may be shared. The last
one runs the rest of the suite's cache, rate-limit and invalidation tests again with REDIS_URL set.
"""

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

import pytest
import redis
from django.core.cache import caches

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/7")


def redis_is_up() -> bool:
    parsed = urlparse(REDIS_URL)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or 6379), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


pytestmark = pytest.mark.skipif(not redis_is_up(), reason=f"no Redis answering at {REDIS_URL} (CI starts one)")


def redis_cache_settings(prefix: str) -> dict:
    return {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": prefix,
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }


@pytest.fixture
def redis_cache(settings):
    """The default cache pointed at the real Redis, plus a second cache object playing another app server."""
    prefix = f"masthead-test-{uuid.uuid4().hex[:12]}"
    settings.CACHES = {"default": redis_cache_settings(prefix), "other_server": redis_cache_settings(prefix)}
    yield caches["default"]
    with redis.Redis.from_url(REDIS_URL) as client:
        keys = list(client.scan_iter(match=f"{prefix}:*"))
        if keys:
            client.delete(*keys)


def test_settings_choose_redis_from_either_variable():
    code = (
        'import django; django.setup(); from django.core.cache import caches; print(type(caches["default"]).__name__)'
    )
    for variable in ("REDIS_URL", "CACHE_URL"):
        env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "CACHE_URL"}}
        env.update({"DEBUG": "1", variable: REDIS_URL, "DJANGO_SETTINGS_MODULE": "config.settings"})
        result = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
        )
        assert result.stdout.strip() == "RedisCache", result.stderr


def test_the_suite_never_empties_a_shared_redis_database(redis_cache):
    """Someone else's key in the same database outlives the suite's own cache clearing (tests/conftest.py)."""
    from tests.conftest import clear_test_cache

    with redis.Redis.from_url(REDIS_URL) as client:
        client.set("someone-else:key", "kept", ex=60)
        redis_cache.set("ours", "gone", 60)
        clear_test_cache()
        assert redis_cache.get("ours") is None
        assert client.get("someone-else:key") == b"kept"
        client.delete("someone-else:key")


def test_values_are_shared_between_app_servers(redis_cache):
    redis_cache.set("front-page", {"lead": "Belt and Road at ten"}, 30)
    assert caches["other_server"].get("front-page") == {"lead": "Belt and Road at ten"}
    caches["other_server"].delete("front-page")
    assert redis_cache.get("front-page") is None


def test_values_expire(redis_cache):
    redis_cache.set("short-lived", "x", 1)
    assert redis_cache.get("short-lived") == "x"
    time.sleep(1.2)
    assert redis_cache.get("short-lived") is None


def test_counters_are_atomic_across_servers(redis_cache):
    """The rate limit's pattern: add the key with its window once, then increment from any server."""
    assert redis_cache.add("ratelimit:complaint:abc", 0, 60) is True
    assert caches["other_server"].add("ratelimit:complaint:abc", 0, 60) is False  # the window is not reset
    for n in range(1, 11):
        server = redis_cache if n % 2 else caches["other_server"]
        assert server.incr("ratelimit:complaint:abc") == n
    key = redis_cache.make_and_validate_key("ratelimit:complaint:abc")
    with redis.Redis.from_url(REDIS_URL) as client:
        assert 0 < client.ttl(key) <= 60  # incr kept the window


def test_invalidation_reaches_every_server(redis_cache):
    redis_cache.set_many({"page:/": "old home", "page:/articles/": "old archive"}, 300)
    assert caches["other_server"].get_many(["page:/", "page:/articles/"]) == {
        "page:/": "old home",
        "page:/articles/": "old archive",
    }
    caches["other_server"].delete_many(["page:/", "page:/articles/"])
    assert redis_cache.get("page:/") is None and redis_cache.get("page:/articles/") is None


@pytest.mark.django_db
def test_healthz_uses_the_real_redis(client, redis_cache):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["cache"] == "ok"


def test_the_suites_cache_rate_limit_and_invalidation_tests_pass_on_redis():
    """Re-run every other test about caching, rate limits or invalidation with REDIS_URL set.

    A separate database name keeps this run off the parent run's test database.
    """
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "CACHE_URL", "SQLITE_FILE_TESTS"}}
    env.update({"REDIS_URL": REDIS_URL, "CACHE_KEY_PREFIX": f"masthead-suite-{uuid.uuid4().hex[:8]}", "DEBUG": "1"})
    database_url = os.environ.get("DATABASE_URL", "")
    if database_url.startswith(("postgres://", "postgresql://")):
        env["DATABASE_URL"] = database_url.rstrip("/") + "_redis"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-m",
            "not browser",
            "-k",
            "cache or rate or invalidat or healthz or conditional or etag or too_many or limit or abuse",
            "--ignore",
            str(Path(__file__)),
            "--ignore",
            str(ROOT / "tests" / "load"),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=540,
        check=False,
    )
    if result.returncode == 5:
        pytest.skip("no other cache, rate-limit or invalidation tests exist yet")
    tail = "\n".join(result.stdout.splitlines()[-30:])
    assert result.returncode == 0, tail + result.stderr[-2000:]
    assert " passed" in tail
