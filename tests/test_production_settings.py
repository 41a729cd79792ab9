"""Production settings: `check --deploy` is clean with the documented variables, and the security settings
that only apply with DEBUG off are really on (issue 8, point 1)."""

import os
import subprocess
import sys

import pytest

from tests.production_env import CLEARED, PRODUCTION_ENV, ROOT, production_settings, run_django


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
        env={**{k: v for k, v in os.environ.items() if k not in CLEARED}, **env},
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
