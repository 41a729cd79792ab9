"""The moves a notifier makes (and an affected party's appeal): confirm, add information, withdraw, appeal,
report a court action; and the system's expiry of a complaint never confirmed."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from articles.models import private_storage
from editorial import notifications, outbox
from editorial.copyright.deadlines import business_days_after, deadlines
from editorial.copyright.evidence import check_evidence_room, purge_evidence_after_commit
from editorial.copyright.identity import hash_token, new_token
from editorial.copyright.states import (
    AFFECTED_PARTY,
    DECIDED_STATES,
    NOTIFIER,
    OFFICER,
    SYSTEM,
    UNDECIDED_STATES,
    ComplaintError,
    ComplaintStateError,
    VerificationExpiredError,
    allowed_move,
    require_officer,
)
from editorial.copyright.states import ComplaintStatus as S
from editorial.models import (
    AffectedParty,
    Appeal,
    AuditEvent,
    Complaint,
    ComplaintReferenceCounter,
    ComplaintReply,
    Evidence,
)

from .officer import record_closed_incomplete
from .step import lock, reload, step


def complaint_verify(*, complaint: Complaint) -> str:
    """unverified -> received: the notifier opened the link. Gives the reference and the tracking token.

    Returns the tracking token (the only time it exists in clear). Raises VerificationExpiredError, and
    marks the complaint expired, when the link is opened after the expiry time.
    """

    with transaction.atomic():
        locked = lock(complaint)
        if locked.status == S.UNVERIFIED and locked.expires_at <= timezone.now():
            step(locked, S.EXPIRED, by=SYSTEM, note="The confirmation link was opened after it expired.")
            purge_evidence_after_commit(locked)
            expired = True
        else:
            expired = False
            now = timezone.now()
            allowed_move(locked.status, S.RECEIVED, NOTIFIER)
            locked.reference = ComplaintReferenceCounter.next_reference(timezone.localdate(now).year)
            token = new_token()
            locked.tracking_token_hash = hash_token(token)
            locked.received_at = now
            locked.decision_due_at = business_days_after(now, deadlines(locked.regime).decision_days)
            step(locked, S.RECEIVED, by=NOTIFIER, details={"reference": locked.reference})
            outbox.queue_message(
                to=locked.notifier_email,
                kind="complaint_acknowledgement",
                template="editorial/email/complaint_acknowledgement.txt",
                context={"complaint": locked, "tracking_url": locked.tracking_url(token)},
                related=locked,
            )
            notifications.complaint_received(locked)
    reload(complaint, locked)
    if expired:
        raise VerificationExpiredError(
            "This confirmation link has expired. The complaint was kept but not sent to our officers; "
            "please file it again."
        )
    return token


def complaint_expire(*, complaint: Complaint) -> None:
    """unverified -> expired: never confirmed in time. Kept, not deleted; its items stop blocking new ones.

    Its evidence files are deleted once the expiry commits; their rows stay (name, size, SHA-256, when the
    file went), so the record shows what was sent without the site keeping an anonymous upload.
    """
    with transaction.atomic():
        locked = lock(complaint)
        step(locked, S.EXPIRED, by=SYSTEM)
        purge_evidence_after_commit(locked)
    reload(complaint, locked)


def complaint_resend_verification(*, complaint: Complaint) -> bool:
    """Email a fresh confirmation link for an unverified complaint; the old link stops working.

    Returns False (and sends nothing) when the complaint is no longer unverified.
    """

    token = new_token()
    with transaction.atomic():
        locked = lock(complaint)
        if locked.status != S.UNVERIFIED:
            return False
        locked.verification_token_hash = hash_token(token)
        locked.save(update_fields=["verification_token_hash", "updated_at"])
        AuditEvent.record(actor=None, subject=locked, action="complaint.verification_resent", details={"by": NOTIFIER})
        outbox.queue_message(
            to=locked.notifier_email,
            kind="complaint_verification",
            template="editorial/email/complaint_verification.txt",
            context={
                "complaint": locked,
                "items": list(locked.items.all()),
                "confirm_url": settings.SITE_URL + reverse("editorial:complaint_verify", kwargs={"token": token}),
            },
            related=locked,
        )
    reload(complaint, locked)
    return True


def complaint_withdraw(*, complaint: Complaint, reason: str = "") -> None:
    """received / needs info / in review -> withdrawn, by the notifier, before any decision."""

    with transaction.atomic():
        locked = lock(complaint)
        step(locked, S.WITHDRAWN, by=NOTIFIER, note=reason, details={"public_note": ""})
        outbox.queue_message(
            to=locked.notifier_email,
            kind="complaint_withdrawn",
            template="editorial/email/complaint_withdrawn.txt",
            context={"complaint": locked},
            related=locked,
        )
    reload(complaint, locked)


def complaint_add_information(*, complaint: Complaint, text: str, evidence: list | None = None) -> ComplaintReply:
    """The notifier adds information. While information is requested this is the reply: needs info -> received.

    An answer that comes after the reply deadline closes the complaint as incomplete (if the timer has
    not already) and is refused with a message saying so.
    """
    if not text.strip() and not evidence:
        raise ComplaintError("Write something or attach a file.")
    stored_files: list[str] = []
    late = False
    try:
        with transaction.atomic():
            locked = lock(complaint)
            if locked.reply_overdue:
                late = True
                record_closed_incomplete(locked, actor=None)
            else:
                if locked.status not in UNDECIDED_STATES:
                    raise ComplaintStateError(
                        f"Information can't be added to a complaint that is “{locked.public_status()}”."
                    )
                check_evidence_room(locked, evidence or [])
                reply = ComplaintReply.objects.create(complaint=locked, author=NOTIFIER, text=text)
                for upload in evidence or []:
                    record = Evidence.store(complaint=locked, upload=upload, added_by=NOTIFIER, reply=reply)
                    stored_files.append(record.file.name)
                details = {"by": NOTIFIER, "reply": reply.pk, "evidence": len(stored_files)}
                if locked.status == S.NEEDS_INFO:
                    locked.reply_due_at = None
                    step(locked, S.RECEIVED, by=NOTIFIER, details=details)
                else:
                    AuditEvent.record(actor=None, subject=locked, action="complaint.information_added", details=details)
    except BaseException:
        storage = private_storage()
        for name in stored_files:
            storage.delete(name)
        raise
    reload(complaint, locked)
    if late:
        raise ComplaintStateError(
            f"The deadline for your answer passed on {timezone.localtime(locked.reply_due_at):%d %B %Y, %H:%M}, "
            "so the complaint is closed as incomplete. You may file a new complaint with the information."
        )
    return reply


def complaint_lodge_appeal(
    *, complaint: Complaint, by: str, reasons: str, affected_party: AffectedParty | None = None
) -> Appeal:
    """Decided -> appealed, by the notifier (tracking link) or an affected party (their private link).

    Within COMPLAINT_APPEAL_WINDOW_DAYS of the latest decision, once per side. Another officer than the
    one who made the decision must decide it (checked again by a database constraint).
    """

    if by not in (NOTIFIER, AFFECTED_PARTY) or (by == AFFECTED_PARTY) != (affected_party is not None):
        raise ComplaintError("An appeal is lodged by the notifier or by an affected party.")
    reasons = reasons.strip()
    if not reasons:
        raise ComplaintError("Say why the decision should change.")
    if len(reasons) > 20000:
        raise ComplaintError("Your reasons are too long: at most 20,000 characters.")
    with transaction.atomic():
        locked = lock(complaint)
        if locked.status not in DECIDED_STATES:
            raise ComplaintStateError(f"A complaint that is “{locked.public_status()}” cannot be appealed now.")
        if locked.appeal_deadline is None or timezone.now() > locked.appeal_deadline:
            raise ComplaintStateError(
                f"The time to appeal ended on {timezone.localtime(locked.appeal_deadline):%d %B %Y}."
            )
        if locked.appeals.filter(by=by).exists():
            raise ComplaintStateError("You have already appealed this complaint; the appeal's decision is final.")
        latest = locked.appeals.exclude(decided_by=None).order_by("-decided_at").first()
        appeal = Appeal.objects.create(
            complaint=locked,
            by=by,
            affected_party=affected_party,
            reasons=reasons,
            original_decider_id=latest.decided_by_id if latest else locked.decided_by_id,
        )
        locked.decision_due_at = business_days_after(timezone.now(), deadlines(locked.regime).appeal_decision_days)
        step(locked, S.APPEALED, by=by, note=reasons, details={"appeal": appeal.pk, "public_note": ""})
        recipients = [(locked.notifier_email, locked.notifier_name, NOTIFIER)] + [
            (party.email, party.name, AFFECTED_PARTY) for party in locked.affected_parties.all()
        ]
        for email, name, role in recipients:
            outbox.queue_message(
                to=email,
                kind="complaint_appeal_lodged",
                template="editorial/email/complaint_appeal_lodged.txt",
                context={"complaint": locked, "appeal": appeal, "name": name, "theirs": role == by},
                related=locked,
            )
        notifications.appeal_filed(locked, decided_by_id=appeal.original_decider_id)
    reload(complaint, locked)
    return appeal


def complaint_report_court_action(*, complaint: Complaint, by: str, details: str, actor=None) -> None:
    """After a counter-notice: the notifier says they have started a court action. The content stays down
    (litigation hold) until an officer restores it or closes the complaint."""

    if by == OFFICER:
        require_officer(actor, "record a court action")
    elif by != NOTIFIER:
        raise ComplaintError("A court action is reported by the notifier or recorded by an officer.")
    details = details.strip()
    if not details:
        raise ComplaintError("Name the court, the case number and the date the action was filed.")
    if len(details) > 5000:
        raise ComplaintError("The details are too long: at most 5,000 characters.")
    with transaction.atomic():
        locked = lock(complaint)
        locked.restore_due_at = None
        step(locked, S.LITIGATION_HOLD, by=by, actor=actor, note=details)
        ComplaintReply.objects.create(complaint=locked, author=by, text=f"Court action: {details}")
        for party in locked.affected_parties.all():
            outbox.queue_message(
                to=party.email,
                kind="complaint_litigation_hold",
                template="editorial/email/complaint_litigation_hold.txt",
                context={"complaint": locked, "name": party.name, "details": details},
                related=locked,
            )
    reload(complaint, locked)
