"""/healthz: 200 only when the database and the cache answer, 503 otherwise, and cheap (issue 8, point 7)."""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def closed_port() -> int:
    """A loopback port with nobody listening (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.django_db
def test_ready_when_database_and_cache_answer(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]  # a proxy must never answer for it
    assert "sessionid" not in response.cookies


@pytest.mark.django_db
def test_unavailable_when_the_cache_does_not_answer(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["database"] == "ok"
    assert body["cache"].startswith("error")


def test_unavailable_when_the_database_does_not_answer():
    """A real refused connection: the app started against a PostgreSQL port where nothing listens."""
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "CACHE_URL"}}
    env.update(
        {
            "DEBUG": "1",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{closed_port()}/masthead",
            "DJANGO_SETTINGS_MODULE": "config.settings",
        }
    )
    code = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "r = Client().get('/healthz')\n"
        "print(r.status_code, r.content.decode())"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    status, _, body = result.stdout.strip().splitlines()[-1].partition(" ")
    assert status == "503"
    assert '"database": "error: OperationalError"' in body
    assert '"cache": "ok"' in body


def test_during_a_database_outage_pages_answer_with_a_clean_503():
    """Readers get a short 503 page with Retry-After, not a 500; a form post is told it was not saved."""
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "CACHE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(
        {
            "DEBUG": "0",
            "SECRET_KEY": "outage-test-" + "k" * 50,
            "ALLOWED_HOSTS": "testserver",
            "SITE_URL": "https://news.example",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{closed_port()}/masthead",
            "DJANGO_SETTINGS_MODULE": "config.settings",
        }
    )
    code = (
        "import django, json; django.setup()\n"
        "from django.test import Client\n"
        "c = Client(raise_request_exception=False)\n"
        "out = []\n"
        "form = {'username': 'someone', 'password': 'something long enough'}\n"
        "for method, url in [('get', '/'), ('get', '/articles/'), ('post', '/admin/login/')]:\n"
        "    r = getattr(c, method)(url, form, secure=True) if method == 'post' else c.get(url, secure=True)\n"
        "    out.append([r.status_code, r.get('Retry-After'), r.content.decode()])\n"
        "print(json.dumps(out))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr

    pages = json.loads(result.stdout.strip().splitlines()[-1])
    for status, retry_after, html in pages:
        assert status == 503
        assert retry_after == "10"
        assert "Temporarily unavailable" in html
        assert "Traceback" not in html and "OperationalError" not in html
    assert "not saved" in pages[2][2]
    assert "not saved" not in pages[0][2]
