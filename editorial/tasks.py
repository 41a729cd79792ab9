"""Background work of the editorial app, run by Django's tasks framework (django-tasks-db in production).

The complaint timers run two ways, so that each deadline is kept even if one of them fails: a task deferred
to the deadline itself (`schedule`, when the backend can defer), and `run_complaint_timers`, which the
`complaint_timers` command runs from cron and which catches up on anything due. Each timer checks the state
again when it runs, so running one twice, or late, does no harm.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.tasks import task

logger = logging.getLogger(__name__)


def schedule(the_task, when, *args) -> None:
    """Enqueue `the_task(*args)` to run at `when`, after the current transaction commits.

    With a backend that cannot defer (the immediate one, in development), nothing is enqueued: running the
    timer now would be too early, and `complaint_timers` catches it up instead.
    """
    if when is None or not the_task.get_backend().supports_defer:
        return
    transaction.on_commit(lambda: the_task.using(run_after=when).enqueue(*args), robust=True)


@task()
def send_outbound_message(message_id: int) -> str:
    """Send one stored email; a failure is recorded on the message and retried later (see `outbox`)."""
    from .outbox import deliver

    return deliver(message_id)


@task()
def expire_unverified_complaints() -> int:
    """Mark unverified complaints past COMPLAINT_UNVERIFIED_EXPIRY_HOURS as expired. Returns how many."""
    from .copyright import moves

    return moves.complaints_expire_unverified()


@task()
def close_incomplete_complaint(complaint_id: int) -> bool:
    """At the reply deadline: close the complaint as incomplete if the notifier has still not answered."""
    from .copyright import moves
    from .copyright.states import ComplaintStateError
    from .models import Complaint

    complaint = Complaint.objects.filter(pk=complaint_id).first()
    if complaint is None or not complaint.reply_overdue:
        return False
    try:
        moves.complaint_close_incomplete(complaint=complaint)
    except ComplaintStateError:
        return False
    return True


@task()
def restore_complaint_content(complaint_id: int) -> bool:
    """At the restore date after a counter-notice: put the content back, unless a court action was reported."""
    from .copyright.moves import complaints_restore_due

    return complaints_restore_due(pk=complaint_id) > 0


@task()
def run_complaint_timers() -> dict[str, int]:
    """Every complaint deadline that has passed: expire, close as incomplete, restore, close when finished."""
    from .copyright.moves import complaint_timers_run

    return complaint_timers_run()
