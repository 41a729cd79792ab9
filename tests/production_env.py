"""Run Django in a subprocess with production settings (DEBUG off, the documented variables) and read what
it decided: shared by the production-settings and security-header tests."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The variables docs/deploy.md lists as required in production, with realistic values.
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(60),
    "ALLOWED_HOSTS": "news.example,www.news.example",
    "SITE_URL": "https://news.example",
    "EMAIL_HOST": "smtp.news.example",
    "REDIS_URL": "redis://127.0.0.1:6379/7",
    "DATABASE_URL": "postgres://masthead@db.internal:5432/masthead",
}
# Test-runner variables that a deployment must not have (check --deploy flags DJANGO_ALLOW_ASYNC_UNSAFE).
CLEARED = {
    *PRODUCTION_ENV,
    "CACHE_URL",
    "AWS_STORAGE_BUCKET_NAME",
    "DATABASE_REPLICA_URL",
    "OTP_REQUIRED_FOR_STAFF",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def run_django(args: list[str], extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in CLEARED}
    env.update(PRODUCTION_ENV)
    env.update(extra_env or {})
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def production_settings(extra_env: dict[str, str] | None = None) -> dict:
    code = (
        "import django, json; django.setup(); from django.conf import settings as s;"
        "names = ['DEBUG','SECURE_HSTS_SECONDS','SECURE_HSTS_INCLUDE_SUBDOMAINS','SECURE_HSTS_PRELOAD',"
        "'SECURE_SSL_REDIRECT','SECURE_CONTENT_TYPE_NOSNIFF','SECURE_REFERRER_POLICY','SESSION_COOKIE_SECURE',"
        "'SESSION_COOKIE_HTTPONLY','CSRF_COOKIE_SECURE','CSRF_COOKIE_HTTPONLY','OTP_REQUIRED_FOR_STAFF',"
        "'SECURE_PROXY_SSL_HEADER','X_FRAME_OPTIONS','TASKS'];"
        "print(json.dumps({n: getattr(s, n) for n in names}))"
    )
    result = run_django(["-c", code], extra_env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])
