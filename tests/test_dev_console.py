"""Issue 12, point 9: what a newcomer sees on the console of `make run`.

The development server's links name the address it serves; mail is printed decoded, so a confirmation link
is one clickable line; a message that is not sent says so; Django's log lines print once; the demo's own
notices, mailed while it loads, do not bury the demo's passwords.
"""

import io
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.core.mail import EmailMessage
from django.core.management import call_command

from config.mail import ConsoleEmailBackend
from config.management.commands.runserver import served_site_url
from editorial.models import OutboundMessage
from editorial.newsroom.roles import sync_roles
from editorial.outbox import queue_message
from tests.factories import ArticleFactory

ROOT = Path(__file__).resolve().parent.parent
LONG_LINK = "http://127.0.0.1:8101/copyright/confirm/" + "Ab3-x_" * 16 + "/"


def development_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "REDIS_URL", "CACHE_URL", "EMAIL_HOST"}}
    return {**env, "DEBUG": "1", "PYTHONUNBUFFERED": "1", **extra}


def run_manage(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=development_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )


def test_console_mail_shows_a_long_link_on_one_line_and_the_subject_decoded():
    stream = io.StringIO()
    backend = ConsoleEmailBackend(stream=stream)
    message = EmailMessage(
        subject="Confirm your complaint — 请确认",
        body=f"Open this link to confirm your complaint:\n\n{LONG_LINK}\n\nThe link works for 72 hours.\n",
        from_email="Masthead News <newsroom@masthead.invalid>",
        to=["rights@lens-agency.test"],
    )
    assert backend.send_messages([message]) == 1

    printed = stream.getvalue()
    assert LONG_LINK in printed.splitlines()
    assert "Subject: Confirm your complaint — 请确认" in printed
    assert "To: rights@lens-agency.test" in printed
    assert "=\n" not in printed and "=?utf-8?" not in printed


def test_djangos_console_mail_would_break_that_link():
    """Why config/mail.py exists: the stock backend prints the wire format."""
    from django.core.mail.backends.console import EmailBackend

    stream = io.StringIO()
    EmailBackend(stream=stream).send_messages(
        [EmailMessage(subject="Confirm — 请确认", body=f"{LONG_LINK}\n", to=["rights@lens-agency.test"])]
    )
    assert LONG_LINK not in stream.getvalue().splitlines()


def test_development_mail_is_printed_decoded():
    """In `make run`'s settings (pytest's own swap in a memory mailer), sending mail prints it readable."""
    code = (
        "from django.core.mail import send_mail; "
        f"send_mail('Confirm — 请确认', 'Open this link:\\n\\n{LONG_LINK}\\n', None, ['rights@lens-agency.test'])"
    )
    result = run_manage("shell", "-v0", "-c", code)
    assert LONG_LINK in result.stdout.splitlines()
    assert "Subject: Confirm — 请确认" in result.stdout


@pytest.mark.django_db
def test_a_message_to_a_reserved_domain_is_kept_and_the_log_says_it_was_not_sent(caplog, settings):
    settings.DEBUG = True
    with caplog.at_level("WARNING", logger="editorial.outbox"):
        message = queue_message(
            to="someone@example.com",
            kind="complaint_verification",
            template="editorial/email/complaint_verification.txt",
            context={"confirm_url": LONG_LINK, "expiry_hours": 72, "items": []},
            related=ArticleFactory(),
        )
    assert message.status == OutboundMessage.Status.GAVE_UP
    said = caplog.text
    assert f"Message {message.pk} to someone@example.com not sent" in said
    assert "example.com is a domain reserved for examples" in said
    assert LONG_LINK in said  # in development the newcomer can still open the link


@pytest.mark.django_db
def test_in_production_the_not_sent_note_leaves_the_links_out(caplog, settings):
    settings.DEBUG = False
    with caplog.at_level("WARNING", logger="editorial.outbox"):
        queue_message(
            to="someone@demo.invalid",
            kind="complaint_verification",
            template="editorial/email/complaint_verification.txt",
            context={"confirm_url": LONG_LINK, "expiry_hours": 72, "items": []},
            related=ArticleFactory(),
        )
    assert "to someone@demo.invalid not sent" in caplog.text
    assert LONG_LINK not in caplog.text


def test_django_log_lines_print_once():
    result = run_manage(
        "shell", "-v0", "-c", "import logging; logging.getLogger('django.request').warning('Not Found: /printed-once/')"
    )
    assert (result.stdout + result.stderr).count("Not Found: /printed-once/") == 1


@pytest.mark.parametrize(
    ("addr", "expected"),
    [
        ("127.0.0.1", "http://127.0.0.1:8101"),
        ("0.0.0.0", "http://127.0.0.1:8101"),  # noqa: S104
        ("0", "http://127.0.0.1:8101"),
        ("localhost", "http://localhost:8101"),
        ("::1", "http://[::1]:8101"),
        ("::", "http://[::1]:8101"),
    ],
)
def test_the_served_address_as_a_link(addr, expected):
    assert served_site_url("http", addr, "8101") == expected


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_runserver_on_another_port_links_to_that_port(tmp_path):
    env = development_env(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        MEDIA_ROOT=str(tmp_path / "media"),
        PRIVATE_MEDIA_ROOT=str(tmp_path / "private"),
        DJANGO_RUNSERVER_HIDE_WARNING="true",
    )
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=120)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/robots.txt", timeout=5) as response:  # noqa: S310
                    robots = response.read().decode()
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:  # noqa: S310
                    home = response.read().decode()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.3)
    finally:
        server.terminate()
        output = server.communicate(timeout=10)[0]
    site = f"http://127.0.0.1:{port}"
    assert f"Sitemap: {site}/sitemap.xml" in robots
    assert f'<link rel="canonical" href="{site}/">' in home
    assert f"SITE_URL={site}" in output
    assert "127.0.0.1:8000" not in robots + home


@pytest.mark.django_db(transaction=True)
def test_the_demos_own_mail_does_not_bury_the_passwords_under_make_run(settings, tmp_path, capsys, caplog):
    """Loading commits as `make run` does, so each notice is mailed as it is made: none reaches the console."""
    settings.MAILERS = {"default": {"BACKEND": "config.mail.ConsoleEmailBackend"}}
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.DEBUG = True  # the command refuses to run without it
    sync_roles()  # a transactional test that ran before flushed the role groups a migration made
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    output = out.getvalue()
    assert OutboundMessage.objects.filter(status=OutboundMessage.Status.SENT).exists()  # really sent while loading
    assert "Subject:" not in capsys.readouterr().out
    mailed = OutboundMessage.objects.count()
    assert f"Loading the demo mailed {mailed} notices; they were not printed here." in output
    noisy = {"django.tasks", "editorial.outbox"}  # a task's start and end, a note per example address
    assert not [record for record in caplog.records if record.name in noisy]
    assert "Demo accounts. The passwords are shown only this once" in output  # still shown, not buried
