"""The officers' moves that touch only the complaint: assign, review, ask for information, close, close as
misuse, check a counter-notice. Decisions and appeals, which also act on articles, are in `decisions.py`."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from editorial import outbox, tasks
from editorial.copyright.deadlines import business_days_after, deadlines
from editorial.copyright.states import (
    OFFICER,
    SYSTEM,
    TERMINAL_STATES,
    ComplaintError,
    ComplaintPermissionError,
    ComplaintStateError,
    allowed_move,
    is_officer,
    require_officer,
)
from editorial.copyright.states import ComplaintStatus as S
from editorial.models import (
    AuditEvent,
    Complaint,
    ComplaintItem,
    ComplaintReply,
    NotifierSanction,
)

from .step import lock, reload, step


def complaint_assign(*, complaint: Complaint, actor, to=None) -> None:
    """Give the complaint to an officer: by default the one asking ("assign to me"). Recorded, not a move."""

    require_officer(actor, "assign complaints")
    to = to or actor
    if not is_officer(to):
        raise ComplaintPermissionError("A complaint can only be assigned to a copyright officer.")
    with transaction.atomic():
        locked = lock(complaint)
        if locked.status in TERMINAL_STATES or locked.status == S.UNVERIFIED:
            raise ComplaintStateError(f"{locked} is “{locked.get_status_display()}”: there is nothing to assign.")
        previous = locked.assignee_id
        locked.assignee = to
        locked.save(update_fields=["assignee", "updated_at"])
        AuditEvent.record(
            actor=actor,
            subject=locked,
            action="complaint.assign",
            details={"by": OFFICER, "from": previous, "to": to.pk, "to_name": to.get_full_name() or str(to)},
        )
    reload(complaint, locked)


def complaint_start_review(*, complaint: Complaint, actor) -> None:
    """received -> in review, by an officer (who becomes its assignee if it has none)."""
    require_officer(actor, "review complaints")
    with transaction.atomic():
        locked = lock(complaint)
        if locked.assignee_id is None:
            locked.assignee = actor
        step(locked, S.IN_REVIEW, by=OFFICER, actor=actor)
    reload(complaint, locked)


def complaint_return_to_queue(*, complaint: Complaint, actor, note: str = "") -> None:
    """in review -> received: the officer puts it back for someone else."""
    require_officer(actor, "review complaints")
    with transaction.atomic():
        locked = lock(complaint)
        locked.assignee = None
        step(locked, S.RECEIVED, by=OFFICER, actor=actor, note=note)
    reload(complaint, locked)


def complaint_request_information(*, complaint: Complaint, actor, question: str, reply_days: int | None = None) -> None:
    """received / in review -> needs info, by an officer: the question is emailed and shown to the notifier.

    Without an answer by the reply deadline the complaint is closed as incomplete: by a task deferred to
    that moment, by the `complaint_timers` command, and at the latest when the notifier tries to answer.
    """

    require_officer(actor, "ask a notifier for information")
    question = question.strip()
    if not question:
        raise ComplaintError("Write the question the notifier should answer.")
    if len(question) > 20000:
        raise ComplaintError("The question is too long: at most 20,000 characters.")
    if reply_days is not None and not 1 <= reply_days <= 60:
        raise ComplaintError("Give the notifier between 1 and 60 business days to answer.")
    with transaction.atomic():
        locked = lock(complaint)
        days = reply_days or deadlines(locked.regime).reply_days
        locked.reply_due_at = business_days_after(timezone.now(), days)
        if locked.assignee_id is None:
            locked.assignee = actor
        step(locked, S.NEEDS_INFO, by=OFFICER, actor=actor, note=question, details={"public_note": question})
        ComplaintReply.objects.create(complaint=locked, author=OFFICER, text=question)
        outbox.queue_message(
            to=locked.notifier_email,
            kind="complaint_information_request",
            template="editorial/email/complaint_information_request.txt",
            context={"complaint": locked, "question": question},
            related=locked,
        )
        tasks.schedule(tasks.close_incomplete_complaint, locked.reply_due_at, locked.pk)
    reload(complaint, locked)


def complaint_close_incomplete(*, complaint: Complaint, actor=None) -> None:
    """needs info -> closed incomplete: by the timer once the reply deadline has passed, or by an officer."""
    if actor is not None:
        require_officer(actor, "close a complaint")
    with transaction.atomic():
        locked = lock(complaint)
        record_closed_incomplete(locked, actor=actor)
    reload(complaint, locked)


def record_closed_incomplete(locked: Complaint, *, actor) -> None:
    """needs info -> closed incomplete, on a row the caller has locked: the timer, an officer, or the
    notifier's answer that came too late."""
    if actor is None and not locked.reply_overdue:
        raise ComplaintStateError("The notifier's reply deadline has not passed.")
    step(locked, S.CLOSED_INCOMPLETE, by=OFFICER if actor else SYSTEM, actor=actor)
    outbox.queue_message(
        to=locked.notifier_email,
        kind="complaint_closed_incomplete",
        template="editorial/email/complaint_closed_incomplete.txt",
        context={"complaint": locked},
        related=locked,
    )


def complaint_close(*, complaint: Complaint, actor=None, note: str = "") -> None:
    """Decided, restored or held -> closed: by an officer, or by the timer once the appeal window has passed
    with nothing pending. Measures in force stay in force."""
    if actor is not None:
        require_officer(actor, "close a complaint")
    with transaction.atomic():
        locked = lock(complaint)
        if actor is None and (locked.appeal_deadline is None or locked.appeal_deadline > timezone.now()):
            raise ComplaintStateError("The appeal window is still open.")
        step(locked, S.CLOSED, by=OFFICER if actor else SYSTEM, actor=actor, note=note)
    reload(complaint, locked)


def complaint_close_as_misuse(*, complaint: Complaint, actor, reasons: str) -> None:
    """Close as a misuse of the procedure (before a decision, or after rejecting it): every item is
    rejected, the complaint counts as manifestly unfounded, and the notifier may be warned or suspended."""

    require_officer(actor, "close a complaint as misuse")
    reasons = reasons.strip()
    if not reasons:
        raise ComplaintError("Write why the complaint is a misuse of the procedure; the notifier reads it.")
    with transaction.atomic():
        locked = lock(complaint)
        allowed_move(locked.status, S.CLOSED_MISUSE, OFFICER)
        now = timezone.now()
        locked.manifestly_unfounded = True
        locked.decided_at = locked.decided_at or now
        locked.decided_by = locked.decided_by or actor
        locked.last_decided_at = now
        locked.decision_reasons = reasons
        locked.items.filter(outcome=ComplaintItem.Outcome.PENDING).update(
            outcome=ComplaintItem.Outcome.REJECTED, reasons=reasons, decided_at=now, decided_by=actor
        )
        step(locked, S.CLOSED_MISUSE, by=OFFICER, actor=actor, note=reasons, details={"public_note": reasons})
        outbox.queue_message(
            to=locked.notifier_email,
            kind="complaint_closed_misuse",
            template="editorial/email/complaint_closed_misuse.txt",
            context={"complaint": locked, "reasons": reasons},
            related=locked,
        )
        NotifierSanction.objects.record_misuse(locked, by=actor)
    reload(complaint, locked)


def complaint_accept_counter_notice(*, complaint: Complaint, actor) -> None:
    """counter-notice -> restore pending: an officer finds the counter-notice valid; the restore date set on
    receipt stands (the law's clock runs from receipt)."""
    require_officer(actor, "check counter-notices")
    with transaction.atomic():
        locked = lock(complaint)
        notice = locked.counter_notices.order_by("-created_at", "-pk").first()
        step(locked, S.RESTORE_PENDING, by=OFFICER, actor=actor, details={"counter_notice": notice and notice.pk})
        if notice is not None:
            notice.valid = True
            notice.save(update_fields=["valid"])
    reload(complaint, locked)


def complaint_refuse_counter_notice(*, complaint: Complaint, actor, reasons: str) -> None:
    """counter-notice -> the decision it answered: the counter-notice lacks what the law requires."""

    require_officer(actor, "check counter-notices")
    reasons = reasons.strip()
    if not reasons:
        raise ComplaintError("Write what the counter-notice lacks; its sender reads it.")
    with transaction.atomic():
        locked = lock(complaint)
        notice = locked.counter_notices.select_related("affected_party").order_by("-created_at", "-pk").first()
        locked.restore_due_at = None
        step(locked, locked.state_from_items(), by=OFFICER, actor=actor, note=reasons, details={"public_note": ""})
        if notice is not None:
            notice.valid = False
            notice.save(update_fields=["valid"])
            outbox.queue_message(
                to=notice.email,
                kind="counter_notice_refused",
                template="editorial/email/counter_notice_refused.txt",
                context={"complaint": locked, "notice": notice, "reasons": reasons},
                related=locked,
            )
    reload(complaint, locked)
