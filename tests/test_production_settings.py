"""Production settings: `check --deploy` is clean with the documented variables, and the security settings
that only apply with DEBUG off are really on (issue 8, point 1)."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

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
_CLEARED = {
    *PRODUCTION_ENV,
    "CACHE_URL",
    "AWS_STORAGE_BUCKET_NAME",
    "DATABASE_REPLICA_URL",
    "OTP_REQUIRED_FOR_STAFF",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def run_django(args: list[str], extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in _CLEARED}
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


def test_check_deploy_reports_nothing_with_the_documented_variables():
    result = run_django(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_is_also_clean_with_object_storage_and_a_replica():
    result = run_django(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        {
            "AWS_STORAGE_BUCKET_NAME": "masthead-media",
            "AWS_PRIVATE_STORAGE_BUCKET_NAME": "masthead-private",
            "DATABASE_REPLICA_URL": "postgres://masthead@replica.internal:5432/masthead",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_would_catch_a_missing_mail_server():
    """Without EMAIL_HOST the console backend is in use, which --deploy refuses: the check has teeth."""
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "EMAIL_HOST"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env={**{k: v for k, v in os.environ.items() if k not in _CLEARED}, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "mail.E001" in result.stdout + result.stderr


def test_security_settings_are_on_in_production():
    values = production_settings()
    assert values["DEBUG"] is False
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert values["SECURE_REFERRER_POLICY"] == "strict-origin-when-cross-origin"
    assert values["SESSION_COOKIE_SECURE"] is True and values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["CSRF_COOKIE_SECURE"] is True and values["CSRF_COOKIE_HTTPONLY"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["OTP_REQUIRED_FOR_STAFF"] is True
    assert values["TASKS"]["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"


def test_second_factor_can_be_switched_off_explicitly():
    assert production_settings({"OTP_REQUIRED_FOR_STAFF": "0"})["OTP_REQUIRED_FOR_STAFF"] is False


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DATABASE_REPLICA_URL", "not a url"),
        ("DATABASE_REPLICA_URL", "sqlite:///replica.db"),
        ("LOGIN_FAILURE_LIMIT", "many"),
        ("TASKS_LEASE_SECONDS", "an hour"),
    ],
)
def test_a_wrong_value_stops_start_up_naming_the_variable(variable, value):
    result = run_django(["-c", "import django; django.setup()"], {variable: value})
    assert result.returncode != 0
    assert variable in result.stderr.strip().splitlines()[-1]
