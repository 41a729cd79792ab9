"""Settings come from the environment; production misconfiguration stops start-up naming the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def start(env_overrides: dict[str, str]) -> subprocess.CompletedProcess:
    cleared = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "SITE_URL"}
    env = {k: v for k, v in os.environ.items() if k not in cleared}
    env.update(env_overrides)
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


PRODUCTION = {"DEBUG": "0", "SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "news.example", "SITE_URL": "https://news.example"}


def test_production_settings_start_when_everything_is_set():
    result = start(PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL"])
def test_missing_required_variable_stops_start_up_naming_it(missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = start(env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr.splitlines()[-1]


@pytest.mark.parametrize("url", ["postgres//nohost", "not a url at all", "mysql2://"])
def test_malformed_database_url_stops_start_up_naming_it(url):
    result = start({**PRODUCTION, "DATABASE_URL": url})
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr.splitlines()[-1]


def test_debug_must_be_a_boolean():
    result = start({**PRODUCTION, "DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DEBUG" in result.stderr.splitlines()[-1]


def test_development_defaults_need_nothing_set():
    result = start({"DEBUG": "1"})
    assert result.returncode == 0, result.stderr


def test_redis_url_switches_the_cache_backend():
    code = (
        "import django; django.setup(); from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    )
    env = {
        **os.environ,
        "DEBUG": "1",
        "REDIS_URL": "redis://127.0.0.1:6379/3",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "django.core.cache.backends.redis.RedisCache", result.stderr
