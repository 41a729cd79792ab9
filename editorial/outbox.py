"""The outbox: every email is stored as an OutboundMessage first, then sent after commit by a task.

A message that fails stays in the table with its error and is tried again later (with the database task
backend, after a growing delay); after OUTBOX_MAX_ATTEMPTS it is marked "gave up" and waits for an officer
to press "retry" in the admin. Nothing is lost: the stored message is the source of truth, not the queue.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .models import AuditEvent, OutboundMessage

logger = logging.getLogger(__name__)

RETRYABLE = (OutboundMessage.Status.QUEUED, OutboundMessage.Status.FAILED, OutboundMessage.Status.GAVE_UP)


def max_attempts() -> int:
    return getattr(settings, "OUTBOX_MAX_ATTEMPTS", 5)


def retry_delay(attempts: int) -> timedelta:
    """Wait before the next try: the base delay, doubled after each failure (1, 2, 4, 8 minutes...)."""
    base = getattr(settings, "OUTBOX_RETRY_BASE_SECONDS", 60)
    return timedelta(seconds=base * 2 ** max(attempts - 1, 0))


def queue_message(*, to: str, kind: str, template: str, context: dict, related=None) -> OutboundMessage:
    """Store a message rendered from `template` (first line "Subject: ...", then a blank line, then the body)
    and send it after the surrounding transaction commits."""
    rendered = render_to_string(template, {"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL, **context})
    head, _, body = rendered.lstrip().partition("\n\n")
    subject = head.removeprefix("Subject:").strip().replace("\n", " ")
    message = OutboundMessage.objects.create(
        to=to, subject=subject[:250], body=body.strip() + "\n", kind=kind, related=related
    )
    if is_reserved_address(to):
        # Kept, like every message, but never handed to the mail server: nobody can receive it.
        message.status = OutboundMessage.Status.GAVE_UP
        message.last_error = "Not sent: the address is on a domain reserved for examples (RFC 2606), which has no mail."
        message.save(update_fields=["status", "last_error"])
        log_not_sent(message)
        return message
    enqueue_after_commit(message.pk)
    return message


# Domains reserved by RFC 2606 / RFC 6761 that never receive mail: `.invalid`, and the documentation domains.
# (`.test` is reserved too but left out: a test mail server may serve it.) The demo content uses them.
RESERVED_DOMAINS = tuple(
    f"{sep}{domain}" for domain in ("example.com", "example.net", "example.org") for sep in ("@", ".")
) + (".invalid",)


def is_reserved_address(to: str) -> bool:
    """An address on a domain reserved for documentation and examples, which no mailbox can be on."""
    return to.strip().lower().rstrip(".").endswith(RESERVED_DOMAINS)


def log_not_sent(message: OutboundMessage) -> None:
    """Say on the log (the console, in development) that a message was kept but not sent, and why.

    In development the text follows, as the console mailer would have printed it: a newcomer who files a
    demo complaint from an example address can still open its confirmation link."""
    text = f"\n\n{message.body}" if settings.DEBUG else ""
    logger.warning(
        "Message %s to %s not sent: %s is a domain reserved for examples (RFC 2606) and has no mail. "
        "It is kept in the outbox. Subject: %s%s",
        message.pk,
        message.to,
        message.to.rpartition("@")[2],
        message.subject,
        text,
    )


def enqueue_after_commit(message_id: int) -> None:
    from .tasks import send_outbound_message

    # robust: if the queue itself is down the request still succeeds; the message stays queued and visible.
    transaction.on_commit(lambda: send_outbound_message.enqueue(message_id), robust=True)


def deliver(message_id: int) -> str:
    """Try to send one stored message now. Returns its status afterwards.

    The row stays locked while the mail server answers, so two workers never send the same message twice.
    """
    with transaction.atomic():
        message = OutboundMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.status == OutboundMessage.Status.SENT:
            return message.status if message else "missing"
        message.attempts += 1
        try:
            EmailMessage(
                subject=message.subject,
                body=message.body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[message.to],
                headers={"Auto-Submitted": "auto-generated"},
            ).send(using="default")
        except Exception as error:  # any mailer failure: recorded, retried, never raised into a request
            logger.warning("Sending message %s failed (attempt %s): %s", message.pk, message.attempts, error)
            message.last_error = f"{timezone.now():%Y-%m-%d %H:%M:%S} attempt {message.attempts}: {error!r}"[:5000]
            gave_up = message.attempts >= max_attempts()
            message.status = OutboundMessage.Status.GAVE_UP if gave_up else OutboundMessage.Status.FAILED
            message.save(update_fields=["attempts", "last_error", "status"])
            if not gave_up:
                _schedule_retry(message)
        else:
            message.status = OutboundMessage.Status.SENT
            message.sent_at = timezone.now()
            message.save(update_fields=["attempts", "status", "sent_at"])
        return message.status


def _schedule_retry(message: OutboundMessage) -> None:
    from .tasks import send_outbound_message

    if not send_outbound_message.get_backend().supports_defer:
        # The immediate backend can't wait; the message stays "failed" for the admin's retry action.
        return
    run_after = timezone.now() + retry_delay(message.attempts)
    transaction.on_commit(lambda: send_outbound_message.using(run_after=run_after).enqueue(message.pk), robust=True)


def retry(message: OutboundMessage, *, actor) -> bool:
    """Queue a message that failed (or gave up) to be sent again now. Returns False if it was already sent."""
    with transaction.atomic():
        locked = OutboundMessage.objects.select_for_update().get(pk=message.pk)
        if locked.status not in RETRYABLE:
            return False
        previous = locked.status
        locked.status = OutboundMessage.Status.QUEUED
        locked.save(update_fields=["status"])
        AuditEvent.record(
            actor=actor,
            subject=locked,
            action="message.retry",
            from_state=previous,
            to_state=locked.status,
            details={"attempts": locked.attempts},
        )
        enqueue_after_commit(locked.pk)
    return True
