"""Background work of the editorial app, run by Django's tasks framework (django-tasks-db in production)."""

from django.tasks import task


@task()
def send_outbound_message(message_id: int) -> str:
    """Send one stored email; a failure is recorded on the message and retried later (see `outbox`)."""
    from .outbox import deliver

    return deliver(message_id)


@task()
def expire_unverified_complaints() -> int:
    """Mark unverified complaints past COMPLAINT_UNVERIFIED_EXPIRY_HOURS as expired. Returns how many."""
    from .models import Complaint

    return Complaint.objects.expire_unverified()
