"""The moves the clock makes: every deadline that has passed (the `complaint_timers` command and task)."""

from __future__ import annotations

from editorial import notifications
from editorial.copyright.states import ComplaintStateError
from editorial.copyright.states import ComplaintStatus as S
from editorial.models import Complaint, Evidence

from .notifier import complaint_expire
from .officer import complaint_close, complaint_close_incomplete
from .restoration import complaints_restore_due


def complaints_expire_unverified() -> int:
    """Mark every unverified complaint past its expiry as expired (kept, never deleted), and delete the
    evidence files of expired complaints. Returns how many complaints expired."""
    expired = 0
    for complaint in Complaint.objects.unverified_past_expiry().only("pk"):
        try:
            complaint_expire(complaint=complaint)
        except ComplaintStateError:
            continue  # confirmed meanwhile
        expired += 1
    # Catches files that a failed deletion, or an expiry from before files were purged, left behind.
    Evidence.objects.filter(complaint__status=S.EXPIRED).purge()
    return expired


def complaints_close_incomplete_overdue() -> int:
    """Close every complaint whose reply deadline has passed as incomplete. Returns how many."""
    closed = 0
    for complaint in Complaint.objects.reply_overdue().only("pk"):
        try:
            complaint_close_incomplete(complaint=complaint)
        except ComplaintStateError:
            continue  # answered meanwhile
        closed += 1
    return closed


def complaints_close_finished() -> int:
    """Close decided complaints whose appeal window has passed. Returns how many."""
    closed = 0
    for complaint in Complaint.objects.finished().only("pk"):
        try:
            complaint_close(complaint=complaint, note="The appeal window has passed.")
        except ComplaintStateError:
            continue
        closed += 1
    return closed


# --- timers -------------------------------------------------------------------------------------------------


def complaint_timers_run() -> dict[str, int]:
    """Everything whose deadline has passed, in order. Safe to run as often as you like (cron, a task)."""
    return {
        "expired": complaints_expire_unverified(),
        "closed_incomplete": complaints_close_incomplete_overdue(),
        "restored": complaints_restore_due(),
        "closed": complaints_close_finished(),
        "deadline_warnings": notifications.complaint_deadlines_warn(),
    }
