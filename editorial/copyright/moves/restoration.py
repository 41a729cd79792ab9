"""After a decision: the affected party's counter-notice and the restoration it leads to (at once under the PRC
regulations, after 10 business days in the United States), by the timer or by an officer."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from editorial import notifications, outbox, tasks
from editorial.copyright.deadlines import business_days_after, deadlines
from editorial.copyright.measures import measure_reverse
from editorial.copyright.states import (
    AFFECTED_PARTY,
    OFFICER,
    RESTORING_STATES,
    SYSTEM,
    ComplaintError,
    ComplaintStateError,
    allowed_move,
    require_officer,
)
from editorial.copyright.states import ComplaintStatus as S
from editorial.models import (
    AffectedParty,
    AuditEvent,
    Complaint,
    ComplaintItem,
    CounterNotice,
    Measure,
)

from .step import lock, reload, step

logger = logging.getLogger(__name__)
Outcome = ComplaintItem.Outcome
MAX_REASONS = 20000


# --- counter-notices and restoration ------------------------------------------------------------------------


@dataclass(frozen=True)
class CounterNoticeAnswers:
    """What the affected party's counter-notice form collects."""

    items: list[int]
    name: str
    email: str
    address: str
    phone: str
    explanation: str
    statement_mistake: bool
    statement_jurisdiction: bool
    signature: str


def counter_notice_requirements(regime: str) -> dict[str, str]:
    """The elements a counter-notice must have under `regime`, each with the message shown when it is missing."""
    required = {
        "items": "Choose the content your counter-notice is about.",
        "name": "Give your full name.",
        "address": "Give your postal address.",
        "explanation": "Explain why the content was removed by mistake or does not infringe.",
        "statement_mistake": "The statement of good faith is required.",
        "signature": "Type your full name as a signature.",
    }
    if regime == Complaint.Regime.US:
        # 17 U.S.C. § 512(g)(3): signature; the material and where it was; the statement under penalty of
        # perjury; name, address, telephone; consent to jurisdiction and to service of process.
        required["phone"] = "A telephone number is required under United States law."
        required["statement_jurisdiction"] = (
            "Under United States law you must consent to the court's jurisdiction and accept service of process."
        )
    return required


def complaint_receive_counter_notice(
    *, complaint: Complaint, party: AffectedParty, answers: CounterNoticeAnswers
) -> CounterNotice:
    """An affected party answers an upheld complaint. Forwarded to the notifier at once.

    Under the PRC regulations the content comes back at once; elsewhere a restore date is set
    (`deadlines(regime).restore_days` business days after receipt) and the timer restores it then, unless
    the notifier reports a court action first or an officer finds the counter-notice invalid.
    """
    for field, message in counter_notice_requirements(complaint.regime).items():
        value = getattr(answers, field)
        if not (value.strip() if isinstance(value, str) else value):
            raise ComplaintError(message)
    with transaction.atomic():
        locked = lock(complaint)
        allowed_move(locked.status, S.COUNTER_NOTICE, AFFECTED_PARTY)
        theirs = set(party.items.values_list("pk", flat=True))
        in_force = set(
            Measure.objects.filter(item__complaint=locked, reversed_at=None).values_list("item_id", flat=True)
        )
        chosen = [pk for pk in answers.items if pk in theirs and pk in in_force]
        if not chosen or len(chosen) != len(set(answers.items)):
            raise ComplaintError("Choose only the content of yours that a measure is still applied to.")
        notice = CounterNotice.objects.create(
            complaint=locked,
            affected_party=party,
            name=answers.name.strip(),
            email=answers.email.strip() or party.email,
            address=answers.address.strip(),
            phone=answers.phone.strip(),
            explanation=answers.explanation.strip(),
            statement_mistake=answers.statement_mistake,
            statement_jurisdiction=answers.statement_jurisdiction,
            signature=answers.signature.strip(),
        )
        notice.items.set(chosen)
        now = timezone.now()
        days = deadlines(locked.regime).restore_days
        locked.restore_due_at = now if days is None else business_days_after(now, days)
        step(locked, S.COUNTER_NOTICE, by=AFFECTED_PARTY, details={"counter_notice": notice.pk, "public_note": ""})
        notice.forwarded_at = now
        notice.save(update_fields=["forwarded_at"])
        items = list(notice.items.order_by("position"))
        context = {"complaint": locked, "notice": notice, "items": items, "immediate": days is None}
        outbox.queue_message(
            to=locked.notifier_email,
            kind="counter_notice_forwarded",
            template="editorial/email/counter_notice_forwarded.txt",
            context=context,
            related=locked,
        )
        outbox.queue_message(
            to=notice.email,
            kind="counter_notice_received",
            template="editorial/email/counter_notice_received.txt",
            context=context,
            related=locked,
        )
        if days is None:
            notice.valid = True
            notice.save(update_fields=["valid"])
            _restore(locked, by=None, note="PRC regulations: restored on a valid counter-notice.")
        else:
            tasks.schedule(tasks.restore_complaint_content, locked.restore_due_at, locked.pk)
    reload(complaint, locked)
    return notice


def complaint_restore(*, complaint: Complaint, by=None, note: str = "") -> Complaint:
    """Put back the content a counter-notice answered: by the timer on the restore date, or by an officer
    (e.g. when a court action ends in the affected party's favour). Every measure on the counter-notice's
    items is reversed exactly; both sides are told."""
    if by is not None:
        require_officer(by, "restore content")
    with transaction.atomic():
        locked = lock(complaint)
        if by is None and (locked.restore_due_at is None or locked.restore_due_at > timezone.now()):
            raise ComplaintStateError(f"{locked} is not due to be restored yet.")
        _restore(locked, by=by, note=note)
    reload(complaint, locked)
    return complaint


def _restore(locked: Complaint, *, by, note: str) -> None:
    allowed_move(locked.status, S.RESTORED, OFFICER if by else SYSTEM)
    notices = list(locked.counter_notices.exclude(valid=False))
    items = {item.pk for notice in notices for item in notice.items.all()}
    reason = Measure.Reversal.COUNTER_NOTICE if locked.status in RESTORING_STATES else Measure.Reversal.OFFICER
    since = timezone.now()
    for measure in Measure.objects.filter(item__in=items, reversed_at=None).order_by("pk"):
        measure_reverse(measure=measure, by=by, reason=reason)
    for notice in notices:
        if notice.valid is None:
            notice.valid = True
            notice.save(update_fields=["valid"])
    step(locked, S.RESTORED, by=OFFICER if by else SYSTEM, actor=by, note=note, details={"items": sorted(items)})
    restored = list(locked.items.filter(pk__in=items).order_by("position"))
    for email, name in [(locked.notifier_email, locked.notifier_name)] + [
        (party.email, party.name) for party in locked.affected_parties.all()
    ]:
        outbox.queue_message(
            to=email,
            kind="complaint_restored",
            template="editorial/email/complaint_restored.txt",
            context={"complaint": locked, "name": name, "items": restored},
            related=locked,
        )
    notifications.complaint_measures_told(
        complaint=locked,
        since=since,
        reasons=note or "A counter-notice answered the complaint and the time to go to court has passed.",
        answer_links={},
        by=by,
    )


def complaints_restore_due(*, pk: int | None = None) -> int:
    """Restore every complaint whose restore date has passed (or just complaint `pk`). Returns how many.

    A restoration that cannot be done (say, the article was rewritten since a correction) is logged and
    recorded on the complaint; it stays at the top of the officers' queue as overdue.
    """
    due = Complaint.objects.restore_due()
    if pk is not None:
        due = due.filter(pk=pk)
    restored = 0
    for complaint in due.only("pk"):
        try:
            complaint_restore(complaint=complaint, by=None, note="The restore date has come.")
        except ComplaintStateError:
            continue  # moved on meanwhile (court action, officer)
        except ComplaintError as error:
            logger.warning("Could not restore complaint %s: %s", complaint.pk, error)
            AuditEvent.record(
                actor=None,
                subject=complaint,
                action="complaint.restore_failed",
                note=str(error),
                details={"by": SYSTEM},
            )
            continue
        restored += 1
    return restored
