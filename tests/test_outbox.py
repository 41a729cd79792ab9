"""Issue 5, point 8: every email is stored as an OutboundMessage first and sent after commit by a background
task with retries; a failed send stays visible and retryable in the admin. Mail goes through MAILERS."""

import datetime as dt
import smtplib

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import transaction
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from editorial import outbox
from editorial.models import AuditEvent, OutboundMessage
from tests.copyright_helpers import FORM_URL, article_url, file_complaint, form_data
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)


class FlakyBackend(LocmemBackend):
    """A mail server that refuses the first `failures` messages, then accepts (into mail.outbox)."""

    failures = 0

    def send_messages(self, messages):
        if FlakyBackend.failures > 0:
            FlakyBackend.failures -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


@pytest.fixture
def flaky_mail(settings):
    settings.MAILERS = {"default": {"BACKEND": "tests.test_outbox.FlakyBackend"}}
    yield FlakyBackend
    FlakyBackend.failures = 0


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker() -> None:
    """What `manage.py db_worker --batch` does: run every task that is due, then stop.

    The test runs inside one transaction that never commits, so the retries a task schedules after its
    commit are captured and run here, as they would be in the worker's own transactions; and the worker
    must not close that transaction's connection between tasks (it would on PostgreSQL)."""
    from unittest import mock

    from django.test import TestCase

    with (
        TestCase.captureOnCommitCallbacks(execute=True),
        mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"),
    ):
        _worker().run()


def _worker() -> Worker:
    return Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )


@pytest.fixture
def complaint():
    # Filed outside any captured commit: its own confirmation email stays queued and out of the way.
    return file_complaint()


def queue(complaint) -> OutboundMessage:
    return outbox.queue_message(
        to="rights@lens-agency.test",
        kind="test",
        template="editorial/email/complaint_withdrawn.txt",
        context={"complaint": complaint},
        related=complaint,
    )


def test_a_message_is_stored_before_it_is_sent_and_sent_only_after_commit(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(FORM_URL, form_data(article_url(ArticleFactory())))
    assert response.status_code == 302
    message = OutboundMessage.objects.get()
    assert message.status == OutboundMessage.Status.QUEUED
    assert message.to == "rights@lens-agency.test"
    assert message.subject == "Confirm your copyright complaint to Masthead News"
    assert "/copyright/confirm/" in message.body
    assert message.related.notifier_email == "rights@lens-agency.test"
    assert mail.outbox == []  # nothing leaves before the transaction commits
    for callback in callbacks:
        callback()
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.SENT and message.attempts == 1 and message.sent_at
    [sent] = mail.outbox
    assert (sent.to, sent.subject, sent.body) == ([message.to], message.subject, message.body)


def test_a_rolled_back_transaction_sends_nothing(complaint, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                queue(complaint)
                raise RuntimeError("the filing failed after the message was queued")
        except RuntimeError:
            pass
    assert not OutboundMessage.objects.filter(kind="test").exists()
    assert mail.outbox == []


def test_a_message_that_fails_is_retried_later_by_the_worker_and_then_sent(
    complaint, flaky_mail, database_tasks, django_capture_on_commit_callbacks, settings
):
    settings.OUTBOX_RETRY_BASE_SECONDS = 60
    flaky_mail.failures = 2
    with time_machine.travel(T0, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            message = queue(complaint)
        assert DBTaskResult.objects.count() == 1  # enqueued, not yet run
        run_worker()
        message.refresh_from_db()
        assert message.status == OutboundMessage.Status.FAILED
        assert message.attempts == 1
        assert "SMTPServerDisconnected" in message.last_error
        retry = DBTaskResult.objects.ready().first()
        assert retry is None  # the retry waits for its delay
        run_worker()
        message.refresh_from_db()
        assert message.attempts == 1
    with time_machine.travel(T0 + dt.timedelta(seconds=61), tick=False):
        run_worker()
        message.refresh_from_db()
        assert (message.status, message.attempts) == (OutboundMessage.Status.FAILED, 2)
    with time_machine.travel(T0 + dt.timedelta(seconds=61 + 119), tick=False):
        run_worker()  # the second delay is twice the first
        message.refresh_from_db()
        assert message.attempts == 2
    with time_machine.travel(T0 + dt.timedelta(seconds=61 + 121), tick=False):
        run_worker()
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboundMessage.Status.SENT, 3)
    assert [m.subject for m in mail.outbox] == [message.subject]  # sent exactly once


def test_after_the_last_attempt_the_message_gives_up_and_stays_visible(
    complaint, flaky_mail, database_tasks, django_capture_on_commit_callbacks, settings
):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    settings.OUTBOX_RETRY_BASE_SECONDS = 1
    flaky_mail.failures = 10
    with time_machine.travel(T0, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            message = queue(complaint)
        run_worker()
    with time_machine.travel(T0 + dt.timedelta(seconds=5), tick=False):
        run_worker()
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboundMessage.Status.GAVE_UP, 2)
    assert not DBTaskResult.objects.filter(status="READY").exists()  # nothing more is scheduled
    assert mail.outbox == []


def test_a_failing_mail_server_never_breaks_the_request(client, flaky_mail, django_capture_on_commit_callbacks):
    flaky_mail.failures = 1
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(FORM_URL, form_data(article_url(ArticleFactory())))
    assert response.status_code == 302
    message = OutboundMessage.objects.get()
    assert message.status == OutboundMessage.Status.FAILED  # kept, with its error, for a retry


def test_sending_twice_sends_once(complaint):
    message = queue(complaint)
    assert outbox.deliver(message.pk) == OutboundMessage.Status.SENT
    assert outbox.deliver(message.pk) == OutboundMessage.Status.SENT
    assert len(mail.outbox) == 1


def test_an_officer_sees_failed_messages_in_the_admin_and_sends_them_again(
    complaint, client, flaky_mail, django_capture_on_commit_callbacks
):
    flaky_mail.failures = 1
    with django_capture_on_commit_callbacks(execute=True):
        message = queue(complaint)
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.FAILED
    officer = UserFactory(username="officer", roles=["Copyright officer"])
    client.force_login(officer)
    changelist = client.get("/admin/editorial/outboundmessage/", {"status__exact": "failed"})
    html = changelist.content.decode()
    assert message.subject in html and "SMTPServerDisconnected" in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/editorial/outboundmessage/",
            {"action": "retry_sending", "_selected_action": [message.pk]},
            follow=True,
        )
    assert "1 message(s) queued to be sent again." in response.content.decode()
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.SENT and message.attempts == 2
    event = AuditEvent.objects.for_object(message).get()
    assert (event.action, event.actor, event.from_state) == ("message.retry", officer, "failed")


def test_a_role_without_the_outbox_change_permission_cannot_retry(
    complaint, client, flaky_mail, django_capture_on_commit_callbacks
):
    flaky_mail.failures = 1
    with django_capture_on_commit_callbacks(execute=True):
        message = queue(complaint)
    client.force_login(UserFactory(username="chief", roles=["Chief editor"]))
    response = client.post(
        "/admin/editorial/outboundmessage/", {"action": "retry_sending", "_selected_action": [message.pk]}
    )
    assert response.status_code in (200, 302, 403)
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.FAILED and message.attempts == 1
