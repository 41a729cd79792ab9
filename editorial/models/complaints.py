"""Copyright complaints (DESIGN.md section 5): the notice, what it names, its evidence and everything after.

The whole life of a complaint is the table `editorial.complaints.TRANSITIONS`: every state, the states it
may move to, and who may make each move. Each move is a named method on `Complaint` that locks the row,
checks the table, changes the state, writes an `AuditEvent` and queues its mail after commit. Nobody
assigns `status` by hand.

The moves that touch only the complaint are methods here (verify, expire, withdraw, request information,
the notifier's reply, assign, review, close, appeal, court action, counter-notice checks). Those that also
act on articles and images (decide, apply and reverse measures, receive a counter-notice, restore, decide an
appeal) are functions in `editorial.services`. Measures, affected parties, counter-notices, appeals and
sanctions are in `editorial.models.measures`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.files.storage import Storage
from django.db import IntegrityError, models, transaction
from django.db.models import Case, F, Q, Sum, Value, When
from django.db.models.lookups import LessThan
from django.urls import reverse
from django.utils import timezone

from articles.models import private_storage
from editorial.complaints import (
    AFFECTED_PARTY,
    DECIDED_STATES,
    NOTIFIER,
    OFFICER,
    PUBLIC_EVENTS,
    PUBLIC_STATUS,
    RESTORING_STATES,
    SYSTEM,
    TERMINAL_STATES,
    UNDECIDED_STATES,
    Actor,
    ComplaintError,
    ComplaintStateError,
    ComplaintStatus,
    DuplicateComplaintError,
    Move,
    VerificationExpiredError,
    allowed_move,
    business_days_after,
    deadlines,
    hash_token,
    new_token,
    public_line,
    require_officer,
)
from editorial.complaints import ComplaintStatus as S
from editorial.identity import NotifierIdentity, notifier_identity

from .audit import AuditEvent
from .measures import AffectedParty, Appeal, NotifierSanction

# --- limits on what the public may send ----------------------------------------------------------------------


class EvidenceLimitError(ComplaintError):
    """The files would take a complaint's evidence past what it may hold. The message says how much fits."""


@dataclass(frozen=True)
class EvidenceLimits:
    """How much evidence the public may send (issue 12, point 3), from the COMPLAINT_EVIDENCE_* settings."""

    files: int  # files in one sending
    file_bytes: int  # one file
    request_bytes: int  # all files in one request, refused while it is read (editorial.uploads)
    unconfirmed_bytes: int  # one complaint, until its email is confirmed
    complaint_bytes: int  # one complaint, in all, whenever sent
    unconfirmed_site_bytes: int  # every unconfirmed complaint together


def evidence_limits() -> EvidenceLimits:
    mb = 1024 * 1024
    return EvidenceLimits(
        files=getattr(settings, "COMPLAINT_EVIDENCE_MAX_FILES", 10),
        file_bytes=getattr(settings, "COMPLAINT_EVIDENCE_MAX_BYTES", 10 * mb),
        request_bytes=getattr(settings, "COMPLAINT_UPLOAD_MAX_REQUEST_BYTES", 20 * mb),
        unconfirmed_bytes=getattr(settings, "COMPLAINT_EVIDENCE_UNCONFIRMED_MAX_BYTES", 10 * mb),
        complaint_bytes=getattr(settings, "COMPLAINT_EVIDENCE_COMPLAINT_MAX_BYTES", 50 * mb),
        unconfirmed_site_bytes=getattr(settings, "COMPLAINT_EVIDENCE_UNCONFIRMED_SITE_MAX_BYTES", 2048 * mb),
    )


def megabytes(size: int) -> str:
    """A size for people: "10 MB", "2.5 MB", "0.1 MB"."""
    return f"{size / 1_048_576:.1f}".removesuffix(".0") + " MB"


# --- the complaint --------------------------------------------------------------------------------------------


def complaint_deadline() -> Case:
    """The next date someone must act by on a complaint, as an expression (see ComplaintQuerySet.with_deadline)."""
    return Case(
        When(status__in=[S.RECEIVED, S.IN_REVIEW, S.APPEALED], then=F("decision_due_at")),
        When(status=S.NEEDS_INFO, then=F("reply_due_at")),
        When(status__in=list(RESTORING_STATES), then=F("restore_due_at")),
        default=None,
        output_field=models.DateTimeField(),
    )


def queue_ordering(now=None) -> list:
    """The officers' queue order (overdue first, then by deadline, then newest) without annotations.

    Django's admin orders querysets it builds itself (the choices of a complaint field on another screen)
    by ComplaintAdmin.get_ordering(), so the order must not name `with_deadline()`'s annotations: it did,
    and the sanction form answered 500 (issue 12, point 4).
    """
    deadline = complaint_deadline()
    overdue = Case(
        When(LessThan(deadline, Value(now or timezone.now())), then=True),
        default=False,
        output_field=models.BooleanField(),
    )
    return [overdue.desc(), deadline.asc(nulls_last=True), "-created_at", "-pk"]


class ComplaintQuerySet(models.QuerySet):
    def open(self) -> ComplaintQuerySet:
        return self.exclude(status__in=TERMINAL_STATES)

    def in_queue(self) -> ComplaintQuerySet:
        """Complaints the officers work: confirmed and not finished."""
        return self.exclude(status__in=TERMINAL_STATES | {S.UNVERIFIED})

    def with_deadline(self, now=None) -> ComplaintQuerySet:
        """Annotate `deadline`, the next date someone must act by, and `overdue`.

        Before a decision (and during an appeal): the officers' decision. While information is requested:
        the notifier's reply. After a counter-notice: the restoration. Otherwise none.
        """
        now = now or timezone.now()
        return self.annotate(deadline=complaint_deadline()).annotate(
            overdue=Case(When(deadline__lt=now, then=True), default=False, output_field=models.BooleanField())
        )

    def queue_order(self, now=None) -> ComplaintQuerySet:
        """The officers' queue: overdue first, then by deadline (soonest first), then those with none."""
        return self.with_deadline(now).order_by(
            F("overdue").desc(), F("deadline").asc(nulls_last=True), "-created_at", "-pk"
        )

    def reply_overdue(self, now=None) -> ComplaintQuerySet:
        """Waiting for the notifier's information past the reply deadline (to be closed as incomplete)."""
        return self.filter(status=S.NEEDS_INFO, reply_due_at__lte=now or timezone.now())

    def restore_due(self, now=None) -> ComplaintQuerySet:
        """After a counter-notice, with the restoration date passed and no court action reported."""
        return self.filter(status__in=list(RESTORING_STATES), restore_due_at__lte=now or timezone.now())

    def finished(self, now=None) -> ComplaintQuerySet:
        """Decided (or restored) complaints whose appeal window has passed with no appeal pending: to close."""
        now = now or timezone.now()
        window = timedelta(days=getattr(settings, "COMPLAINT_APPEAL_WINDOW_DAYS", 183))
        return self.filter(status__in=[*DECIDED_STATES, S.RESTORED], last_decided_at__lte=now - window)

    def close_incomplete_overdue(self) -> int:
        """Close every complaint whose reply deadline has passed as incomplete. Returns how many."""
        closed = 0
        for complaint in self.reply_overdue().only("pk"):
            try:
                complaint.close_incomplete()
            except ComplaintStateError:
                continue  # answered meanwhile
            closed += 1
        return closed

    def close_finished(self) -> int:
        """Close decided complaints whose appeal window has passed. Returns how many."""
        closed = 0
        for complaint in self.finished().only("pk"):
            try:
                complaint.close(note="The appeal window has passed.")
            except ComplaintStateError:
                continue
            closed += 1
        return closed

    def by_notifier(self, identity: NotifierIdentity) -> ComplaintQuerySet:
        """Complaints of this notifier: the same mailbox, or the same organisation if one is named, compared
        on their normalised identity (`editorial.identity`)."""
        match = Q(notifier_email_key=identity.email)
        if identity.organisation:
            match |= Q(notifier_organisation_key=identity.organisation)
        return self.filter(match)

    def history_of(self, complaint: Complaint) -> ComplaintQuerySet:
        """The same notifier's other confirmed complaints (by email, or by organisation), newest first."""
        identity = notifier_identity(email=complaint.notifier_email, organisation=complaint.notifier_organisation)
        return (
            self.by_notifier(identity)
            .filter(reference__isnull=False)
            .exclude(pk=complaint.pk)
            .order_by("-created_at", "-pk")
        )

    def email_limit_reached(self, email: str, now=None) -> bool:
        """Whether this mailbox has confirmed COMPLAINT_RATE_LIMIT_PER_EMAIL complaints within the rate-limit
        window (COMPLAINT_RATE_LIMIT_WINDOW_SECONDS).

        Only confirmed complaints count: anyone can type a victim's address into the form, but only its owner
        can confirm, so filings alone must not lock the real rights holder out (issue 12, point 8). The public
        views check it when a complaint is filed and again when its link is opened, so unconfirmed filings
        cannot be saved up and confirmed past the limit. Sub-addresses and look-alike spellings count as the
        same mailbox.
        """
        now = now or timezone.now()
        window = timedelta(seconds=getattr(settings, "COMPLAINT_RATE_LIMIT_WINDOW_SECONDS", 3600))
        limit = getattr(settings, "COMPLAINT_RATE_LIMIT_PER_EMAIL", 5)
        key = notifier_identity(email=email).email
        return self.filter(notifier_email_key=key, received_at__gt=now - window).count() >= limit

    def unverified_past_expiry(self, now=None) -> ComplaintQuerySet:
        """Unverified complaints older than COMPLAINT_UNVERIFIED_EXPIRY_HOURS."""
        now = now or timezone.now()
        hours = getattr(settings, "COMPLAINT_UNVERIFIED_EXPIRY_HOURS", 72)
        return self.filter(status=S.UNVERIFIED, created_at__lte=now - timedelta(hours=hours))

    def expire_unverified(self) -> int:
        """Mark every unverified complaint past its expiry as expired (kept, never deleted), and delete the
        evidence files of expired complaints. Returns how many complaints expired."""
        expired = 0
        for complaint in self.unverified_past_expiry().only("pk"):
            try:
                complaint.expire()
            except ComplaintStateError:
                continue  # confirmed meanwhile
            expired += 1
        # Catches files that a failed deletion, or an expiry from before files were purged, left behind.
        Evidence.objects.filter(complaint__status=S.EXPIRED).purge()
        return expired


class ComplaintReferenceCounter(models.Model):
    """The last reference number given out in a year, so references count up with no gaps and no races."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"

    @classmethod
    def next_reference(cls, year: int) -> str:
        """`CN-<year>-<six digits>`, the next in the year. Call inside a transaction."""
        try:
            with transaction.atomic():
                cls.objects.get_or_create(year=year)
        except IntegrityError:
            pass  # made by a concurrent first complaint of the year
        counter = cls.objects.select_for_update().get(year=year)
        counter.last_number = F("last_number") + 1
        counter.save(update_fields=["last_number"])
        counter.refresh_from_db(fields=["last_number"])
        return f"CN-{year}-{counter.last_number:06d}"


class Complaint(models.Model):
    """A copyright complaint (a notice) from a rights holder or their agent about content on this site."""

    Status = ComplaintStatus

    class Regime(models.TextChoices):
        GENERAL = "general", "Not sure / general (we apply our own policy)"
        US = "us", "United States (DMCA, 17 U.S.C. § 512)"
        PRC = "prc", "People's Republic of China (Regulations on the Right of Communication through Networks)"
        EU = "eu", "European Union (Digital Services Act)"

    class Capacity(models.TextChoices):
        RIGHTS_HOLDER = "rights_holder", "I own the rights in the work"
        AGENT = "agent", "I am authorised to act for the rights holder"

    class Remedy(models.TextChoices):
        CREDIT = "credit", "Credit the source correctly"
        CORRECT = "correct", "Correct the content (for example remove a passage)"
        REMOVE = "remove", "Remove the content"

    reference = models.CharField(
        max_length=20,
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text="Given when the notifier confirms their email, e.g. CN-2026-000042.",
    )
    status = models.CharField(
        max_length=20, choices=ComplaintStatus, default=ComplaintStatus.UNVERIFIED, editable=False, db_index=True
    )
    regime = models.CharField(
        max_length=10,
        choices=Regime,
        default=Regime.GENERAL,
        help_text="The law the notifier relies on; it sets the deadlines. Officers may correct it.",
    )

    # The notifier
    notifier_name = models.CharField("full name", max_length=200)
    notifier_organisation = models.CharField("organisation", max_length=200, blank=True)
    notifier_email = models.EmailField(
        "email", max_length=254, db_index=True, help_text="Stored in lower case; confirmed by a link."
    )
    notifier_phone = models.CharField("phone", max_length=40, blank=True)
    notifier_address = models.TextField("postal address", max_length=1000)
    notifier_country = models.CharField("country", max_length=100)
    # The notifier's normalised identity (editorial.identity), kept for indexed comparisons: suspensions,
    # misuse counts, history and the per-email limit compare these, never what was typed.
    notifier_email_key = models.CharField(max_length=254, editable=False, db_index=True, default="")
    notifier_organisation_key = models.CharField(max_length=200, editable=False, db_index=True, blank=True, default="")
    capacity = models.CharField(max_length=20, choices=Capacity)
    on_behalf_of = models.CharField(
        max_length=200, blank=True, help_text="The rights holder an agent acts for. Required for agents."
    )

    # The work
    work_description = models.TextField(max_length=5000, help_text="What the original work is.")
    original_location = models.TextField(max_length=2000, help_text="Where the original can be seen.")
    original_published_on = models.DateField(
        help_text="When the notifier says the original was first published. Compare it with our own date."
    )
    first_publication_proof = models.TextField(max_length=5000, help_text="How first publication can be checked.")
    explanation = models.TextField(max_length=20000, help_text="Why the notifier thinks our use infringes.")
    remedy = models.CharField(max_length=10, choices=Remedy)

    # Sworn statements and signature
    statement_good_faith = models.BooleanField(default=False)
    statement_accuracy = models.BooleanField(default=False)
    statement_fair_use = models.BooleanField(default=False)
    signature = models.CharField(max_length=200, help_text="The notifier's typed full name, as a signature.")

    # Private links: only the SHA-256 of each token is kept.
    verification_token_hash = models.CharField(max_length=64, unique=True, editable=False)
    tracking_token_hash = models.CharField(max_length=64, blank=True, editable=False)

    # Dates
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    received_at = models.DateTimeField(null=True, blank=True, editable=False, help_text="When the email was confirmed.")
    decision_due_at = models.DateTimeField(
        null=True, blank=True, help_text="When the next decision is due (the first one, or an appeal's)."
    )
    reply_due_at = models.DateTimeField(
        null=True, blank=True, help_text="While information is requested: the notifier's reply deadline."
    )
    decided_at = models.DateTimeField(null=True, blank=True, editable=False, help_text="The first decision.")
    last_decided_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="The latest decision (an appeal's): appeals run from it."
    )
    restore_due_at = models.DateTimeField(
        null=True, blank=True, help_text="After a valid counter-notice: when the content comes back."
    )
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)

    # Handling (the officers' side, used by the moderation workflow)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_complaints",
        help_text="The officer working on it.",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    decision_reasons = models.TextField(blank=True, help_text="The reasons given to the notifier and affected party.")
    manifestly_unfounded = models.BooleanField(
        default=False,
        editable=False,
        help_text="Rejected as manifestly unfounded: counts towards a warning, then a suspension of the notifier.",
    )

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ComplaintStatus.values), name="complaint_status_known"),
            models.CheckConstraint(
                condition=Q(statement_good_faith=True, statement_accuracy=True, statement_fair_use=True)
                & ~Q(signature=""),
                name="complaint_statements_and_signature",
                violation_error_message="All three statements and a typed signature are required.",
            ),
            models.CheckConstraint(
                condition=~Q(capacity="agent") | ~Q(on_behalf_of=""),
                name="complaint_agent_names_principal",
            ),
            # A reference exactly when the email has been confirmed.
            models.CheckConstraint(
                condition=(Q(status__in=["unverified", "expired"]) & Q(reference__isnull=True))
                | (~Q(status__in=["unverified", "expired"]) & Q(reference__isnull=False)),
                name="complaint_reference_once_verified",
            ),
        ]
        permissions = [
            ("decide_complaint", "Can work complaints: ask for information, decide, apply and reverse measures"),
        ]

    def __str__(self) -> str:
        return self.reference or f"Unconfirmed complaint #{self.pk}"

    def get_absolute_url(self) -> str:
        """The tracking page. It answers 404 without the token, so this is safe to show anywhere."""
        if not self.reference:
            return ""
        return reverse("editorial:complaint_tracking", kwargs={"reference": self.reference})

    def save(self, *args, **kwargs):
        self.notifier_email = self.notifier_email.strip().lower()
        identity = notifier_identity(email=self.notifier_email, organisation=self.notifier_organisation)
        self.notifier_email_key, self.notifier_organisation_key = identity.email, identity.organisation
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"notifier_email", "notifier_organisation"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "notifier_email_key", "notifier_organisation_key"}
        super().save(*args, **kwargs)

    # -- reading ------------------------------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self.status not in TERMINAL_STATES

    @property
    def accepts_information(self) -> bool:
        return self.status in UNDECIDED_STATES and not self.reply_overdue

    @property
    def may_withdraw(self) -> bool:
        return self.status in UNDECIDED_STATES

    @property
    def appeal_deadline(self):
        """Appeals are open until this moment (6 months after the latest decision)."""
        decided = self.last_decided_at or self.decided_at
        if decided is None:
            return None
        return decided + timedelta(days=getattr(settings, "COMPLAINT_APPEAL_WINDOW_DAYS", 183))

    def may_appeal(self, by: str, *, now=None) -> bool:
        """Whether `by` (notifier or affected party) may appeal now: after a decision, within the window,
        once per side. Reads `appeals` (prefetch it on lists)."""
        if self.status not in DECIDED_STATES or self.appeal_deadline is None:
            return False
        if (now or timezone.now()) > self.appeal_deadline:
            return False
        return not any(appeal.by == by for appeal in self.appeals.all())

    @property
    def deadlines(self):
        return deadlines(self.regime)

    @property
    def expires_at(self):
        """For an unverified complaint: when its confirmation link stops working."""
        if self.status != S.UNVERIFIED or self.created_at is None:
            return None
        return self.created_at + timedelta(hours=getattr(settings, "COMPLAINT_UNVERIFIED_EXPIRY_HOURS", 72))

    def public_status(self) -> str:
        if self.reply_overdue:  # the timer has not run yet: the rule holds all the same
            return PUBLIC_STATUS[S.CLOSED_INCOMPLETE]
        return PUBLIC_STATUS.get(self.status, self.get_status_display())

    def public_history(self) -> list[tuple]:
        """(when, what) lines of the audit trail meant for the notifier, oldest first. One query."""
        events = (
            AuditEvent.objects.for_object(self)
            .filter(action__in=list(PUBLIC_EVENTS))
            .order_by("created_at", "pk")
            .only("created_at", "action", "to_state", "details")
        )
        return [
            (event.created_at, public_line(event.action, event.to_state), event.details.get("public_note", ""))
            for event in events
        ]

    def tracking_token_matches(self, token: str | None) -> bool:
        import hmac

        if not token or not self.tracking_token_hash:
            return False
        return hmac.compare_digest(self.tracking_token_hash, hash_token(token))

    def tracking_url(self, token: str) -> str:
        return f"{settings.SITE_URL}{self.get_absolute_url()}?token={token}"

    # -- filing (not a move: it creates the complaint in its first state) ----------------------------------

    @classmethod
    def file(cls, *, complaint: Complaint, targets: list, evidence: list | None = None) -> Complaint:
        """Store a new complaint as unverified with its items and evidence, and email the confirmation link.

        `complaint` is an unsaved instance with the notifier's answers; `targets` are resolved URLs
        (`editorial.complaints.ResolvedURL`); `evidence` are checked uploads (`editorial.forms.CheckedFile`).
        All or nothing: a duplicate of an open complaint raises DuplicateComplaintError and stores nothing,
        files included.
        """
        from editorial import outbox

        token = new_token()
        complaint.status = S.UNVERIFIED
        complaint.verification_token_hash = hash_token(token)
        stored_files: list[str] = []
        try:
            with transaction.atomic():
                complaint.check_evidence_room(evidence or [])
                complaint.save()
                items = [
                    ComplaintItem(
                        complaint=complaint,
                        position=position,
                        url=target.url,
                        kind=target.kind,
                        article=target.article,
                        image=target.image,
                        passage=target.passage,
                        target_key=target.key,
                        notifier_email=complaint.notifier_email,
                    )
                    for position, target in enumerate(targets, start=1)
                ]
                try:
                    with transaction.atomic():
                        ComplaintItem.objects.bulk_create(items, batch_size=500)
                except IntegrityError:
                    # Lost a race with the same notifier filing the same address: the constraint decides.
                    raise DuplicateComplaintError(
                        "You already have an open complaint about one of these addresses."
                    ) from None
                for upload in evidence or []:
                    record = Evidence.store(complaint=complaint, upload=upload, added_by=NOTIFIER)
                    stored_files.append(record.file.name)
                AuditEvent.record(
                    actor=None,
                    subject=complaint,
                    action="complaint.filed",
                    to_state=S.UNVERIFIED,
                    details={"by": NOTIFIER, "items": len(items), "evidence": len(stored_files)},
                )
                outbox.queue_message(
                    to=complaint.notifier_email,
                    kind="complaint_verification",
                    template="editorial/email/complaint_verification.txt",
                    context={
                        "complaint": complaint,
                        "items": items,
                        "confirm_url": settings.SITE_URL
                        + reverse("editorial:complaint_verify", kwargs={"token": token}),
                    },
                    related=complaint,
                )
        except BaseException:
            storage = private_storage()
            for name in stored_files:
                storage.delete(name)
            raise
        return complaint

    def resend_verification(self) -> bool:
        """Email a fresh confirmation link for an unverified complaint; the old link stops working.

        Returns False (and sends nothing) when the complaint is no longer unverified.
        """
        from editorial import outbox

        token = new_token()
        with transaction.atomic():
            locked = self._locked()
            if locked.status != S.UNVERIFIED:
                return False
            locked.verification_token_hash = hash_token(token)
            locked.save(update_fields=["verification_token_hash", "updated_at"])
            AuditEvent.record(
                actor=None, subject=locked, action="complaint.verification_resent", details={"by": NOTIFIER}
            )
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
        self.reload_from(locked)
        return True

    # -- moves ----------------------------------------------------------------------------------------------

    def _locked(self) -> Complaint:
        return type(self).objects.select_for_update().get(pk=self.pk)

    def apply_move(self, target: str, *, by: str, actor=None, note: str = "", details: dict | None = None) -> Move:
        """On a locked row: check the table, change the state, keep items' open flag in step, audit."""
        move_ = allowed_move(self.status, target, by)
        source = self.status
        self.status = target
        if target in TERMINAL_STATES and self.closed_at is None:
            self.closed_at = timezone.now()
        self.save()
        if (source in TERMINAL_STATES) != (target in TERMINAL_STATES):
            self.items.update(is_open=target not in TERMINAL_STATES)
        AuditEvent.record(
            actor=actor,
            subject=self,
            action=f"complaint.{move_.action}",
            from_state=source,
            to_state=target,
            note=note,
            details={"by": by, **(details or {})},
        )
        return move_

    def reload_from(self, locked: Complaint) -> None:
        for field in self._meta.concrete_fields:
            setattr(self, field.attname, getattr(locked, field.attname))

    def verify(self) -> str:
        """unverified -> received: the notifier opened the link. Gives the reference and the tracking token.

        Returns the tracking token (the only time it exists in clear). Raises VerificationExpiredError, and
        marks the complaint expired, when the link is opened after the expiry time.
        """
        from editorial import outbox

        with transaction.atomic():
            locked = self._locked()
            if locked.status == S.UNVERIFIED and locked.expires_at <= timezone.now():
                locked.apply_move(S.EXPIRED, by=SYSTEM, note="The confirmation link was opened after it expired.")
                locked.purge_evidence_after_commit()
                expired = True
            else:
                expired = False
                now = timezone.now()
                locked.status_check(S.RECEIVED, by=NOTIFIER)
                locked.reference = ComplaintReferenceCounter.next_reference(timezone.localdate(now).year)
                token = new_token()
                locked.tracking_token_hash = hash_token(token)
                locked.received_at = now
                locked.decision_due_at = business_days_after(now, deadlines(locked.regime).decision_days)
                locked.apply_move(S.RECEIVED, by=NOTIFIER, details={"reference": locked.reference})
                outbox.queue_message(
                    to=locked.notifier_email,
                    kind="complaint_acknowledgement",
                    template="editorial/email/complaint_acknowledgement.txt",
                    context={"complaint": locked, "tracking_url": locked.tracking_url(token)},
                    related=locked,
                )
        self.reload_from(locked)
        if expired:
            raise VerificationExpiredError(
                "This confirmation link has expired. The complaint was kept but not sent to our officers; "
                "please file it again."
            )
        return token

    def status_check(self, target: str, *, by: str) -> Move:
        """Raise ComplaintStateError now, before any work, if the move isn't allowed."""
        return allowed_move(self.status, target, by)

    def expire(self) -> None:
        """unverified -> expired: never confirmed in time. Kept, not deleted; its items stop blocking new ones.

        Its evidence files are deleted once the expiry commits; their rows stay (name, size, SHA-256, when the
        file went), so the record shows what was sent without the site keeping an anonymous upload.
        """
        with transaction.atomic():
            locked = self._locked()
            locked.apply_move(S.EXPIRED, by=SYSTEM)
            locked.purge_evidence_after_commit()
        self.reload_from(locked)

    def purge_evidence_after_commit(self) -> None:
        # After commit: a rolled-back expiry must not have lost the files.
        pk = self.pk
        transaction.on_commit(lambda: Evidence.objects.filter(complaint_id=pk).purge(), robust=True)

    def check_evidence_room(self, uploads: list) -> None:
        """Raise EvidenceLimitError when these checked uploads would take this complaint's evidence past what
        it may hold (see `evidence_refusal`). Call under the complaint's row lock, or before it is saved."""
        refusal = self.evidence_refusal([upload.size for upload in uploads])
        if refusal:
            raise EvidenceLimitError(refusal)

    def evidence_refusal(self, sizes: list[int]) -> str:
        """Why new files of these sizes (bytes) cannot be added to this complaint; "" when they can.

        The one rule for how much evidence anyone may store (issue 12, point 3): until the email is confirmed,
        COMPLAINT_EVIDENCE_UNCONFIRMED_MAX_BYTES per complaint and COMPLAINT_EVIDENCE_UNCONFIRMED_SITE_MAX_BYTES
        for all unconfirmed complaints together (so many anonymous filings cannot fill the disk either);
        afterwards COMPLAINT_EVIDENCE_COMPLAINT_MAX_BYTES per complaint, counting what it already holds.
        """
        adding = sum(sizes)
        if not adding:
            return ""
        limits = evidence_limits()
        held = (self.evidence.aggregate(total=Sum("size"))["total"] or 0) if self.pk else 0
        if self.status == S.UNVERIFIED:
            bound = min(limits.unconfirmed_bytes, limits.complaint_bytes)
            if held + adding > bound:
                return (
                    f"Files sent before you confirm your email may total at most {megabytes(bound)}; yours total "
                    f"{megabytes(held + adding)}. Send fewer now: once you have confirmed, you can add the rest "
                    f"on your complaint's page (up to {megabytes(limits.complaint_bytes)} in all)."
                )
            waiting = Evidence.objects.filter(complaint__status=S.UNVERIFIED, purged_at__isnull=True)
            if (waiting.aggregate(total=Sum("size"))["total"] or 0) + adding > limits.unconfirmed_site_bytes:
                return (
                    "We cannot take files with unconfirmed complaints just now. Send the complaint without them: "
                    "once you have confirmed your email, you can add them on your complaint's page."
                )
            return ""
        if held + adding > limits.complaint_bytes:
            room = max(0, limits.complaint_bytes - held)
            return (
                f"A complaint's files may total at most {megabytes(limits.complaint_bytes)}. This one holds "
                f"{megabytes(held)} already, so {megabytes(room)} more can be added; these files total "
                f"{megabytes(adding)}."
            )
        return ""

    def withdraw(self, *, reason: str = "") -> None:
        """received / needs info / in review -> withdrawn, by the notifier, before any decision."""
        from editorial import outbox

        with transaction.atomic():
            locked = self._locked()
            locked.apply_move(S.WITHDRAWN, by=NOTIFIER, note=reason, details={"public_note": ""})
            outbox.queue_message(
                to=locked.notifier_email,
                kind="complaint_withdrawn",
                template="editorial/email/complaint_withdrawn.txt",
                context={"complaint": locked},
                related=locked,
            )
        self.reload_from(locked)

    def request_information(self, *, actor, question: str, reply_days: int | None = None) -> None:
        """received / in review -> needs info, by an officer: the question is emailed and shown to the notifier.

        Without an answer by the reply deadline the complaint is closed as incomplete: by a task deferred to
        that moment, by the `complaint_timers` command, and at the latest when the notifier tries to answer.
        """
        from editorial import outbox, tasks

        require_officer(actor, "ask a notifier for information")
        question = question.strip()
        if not question:
            raise ComplaintError("Write the question the notifier should answer.")
        if len(question) > 20000:
            raise ComplaintError("The question is too long: at most 20,000 characters.")
        if reply_days is not None and not 1 <= reply_days <= 60:
            raise ComplaintError("Give the notifier between 1 and 60 business days to answer.")
        with transaction.atomic():
            locked = self._locked()
            days = reply_days or deadlines(locked.regime).reply_days
            locked.reply_due_at = business_days_after(timezone.now(), days)
            if locked.assignee_id is None:
                locked.assignee = actor
            locked.apply_move(S.NEEDS_INFO, by=OFFICER, actor=actor, note=question, details={"public_note": question})
            ComplaintReply.objects.create(complaint=locked, author=OFFICER, text=question)
            outbox.queue_message(
                to=locked.notifier_email,
                kind="complaint_information_request",
                template="editorial/email/complaint_information_request.txt",
                context={"complaint": locked, "question": question},
                related=locked,
            )
            tasks.schedule(tasks.close_incomplete_complaint, locked.reply_due_at, locked.pk)
        self.reload_from(locked)

    @property
    def reply_overdue(self) -> bool:
        """The query-time rule: information was asked for and the deadline has passed (closed, or about to be)."""
        return self.status == S.NEEDS_INFO and self.reply_due_at is not None and self.reply_due_at <= timezone.now()

    def add_information(self, *, text: str, evidence: list | None = None) -> ComplaintReply:
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
                locked = self._locked()
                if locked.reply_overdue:
                    late = True
                    locked.record_closed_incomplete(actor=None)
                else:
                    if locked.status not in UNDECIDED_STATES:
                        raise ComplaintStateError(
                            f"Information can't be added to a complaint that is “{locked.public_status()}”."
                        )
                    locked.check_evidence_room(evidence or [])
                    reply = ComplaintReply.objects.create(complaint=locked, author=NOTIFIER, text=text)
                    for upload in evidence or []:
                        record = Evidence.store(complaint=locked, upload=upload, added_by=NOTIFIER, reply=reply)
                        stored_files.append(record.file.name)
                    details = {"by": NOTIFIER, "reply": reply.pk, "evidence": len(stored_files)}
                    if locked.status == S.NEEDS_INFO:
                        locked.reply_due_at = None
                        locked.apply_move(S.RECEIVED, by=NOTIFIER, details=details)
                    else:
                        AuditEvent.record(
                            actor=None, subject=locked, action="complaint.information_added", details=details
                        )
        except BaseException:
            storage = private_storage()
            for name in stored_files:
                storage.delete(name)
            raise
        self.reload_from(locked)
        if late:
            raise ComplaintStateError(
                f"The deadline for your answer passed on {timezone.localtime(locked.reply_due_at):%d %B %Y, %H:%M}, "
                "so the complaint is closed as incomplete. You may file a new complaint with the information."
            )
        return reply

    # -- the officers' moves (those that touch only the complaint; decisions and measures: editorial.services)

    def assign(self, *, actor, to=None) -> None:
        """Give the complaint to an officer: by default the one asking ("assign to me"). Recorded, not a move."""
        from editorial.complaints import ComplaintPermissionError, is_officer

        require_officer(actor, "assign complaints")
        to = to or actor
        if not is_officer(to):
            raise ComplaintPermissionError("A complaint can only be assigned to a copyright officer.")
        with transaction.atomic():
            locked = self._locked()
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
        self.reload_from(locked)

    def start_review(self, *, actor) -> None:
        """received -> in review, by an officer (who becomes its assignee if it has none)."""
        require_officer(actor, "review complaints")
        with transaction.atomic():
            locked = self._locked()
            if locked.assignee_id is None:
                locked.assignee = actor
            locked.apply_move(S.IN_REVIEW, by=OFFICER, actor=actor)
        self.reload_from(locked)

    def return_to_queue(self, *, actor, note: str = "") -> None:
        """in review -> received: the officer puts it back for someone else."""
        require_officer(actor, "review complaints")
        with transaction.atomic():
            locked = self._locked()
            locked.assignee = None
            locked.apply_move(S.RECEIVED, by=OFFICER, actor=actor, note=note)
        self.reload_from(locked)

    def close_incomplete(self, *, actor=None) -> None:
        """needs info -> closed incomplete: by the timer once the reply deadline has passed, or by an officer."""
        if actor is not None:
            require_officer(actor, "close a complaint")
        with transaction.atomic():
            locked = self._locked()
            locked.record_closed_incomplete(actor=actor)
        self.reload_from(locked)

    def record_closed_incomplete(self, *, actor) -> None:
        from editorial import outbox

        if actor is None and not self.reply_overdue:
            raise ComplaintStateError("The notifier's reply deadline has not passed.")
        self.apply_move(S.CLOSED_INCOMPLETE, by=OFFICER if actor else SYSTEM, actor=actor)
        outbox.queue_message(
            to=self.notifier_email,
            kind="complaint_closed_incomplete",
            template="editorial/email/complaint_closed_incomplete.txt",
            context={"complaint": self},
            related=self,
        )

    def close(self, *, actor=None, note: str = "") -> None:
        """Decided, restored or held -> closed: by an officer, or by the timer once the appeal window has passed
        with nothing pending. Measures in force stay in force."""
        if actor is not None:
            require_officer(actor, "close a complaint")
        with transaction.atomic():
            locked = self._locked()
            if actor is None and (locked.appeal_deadline is None or locked.appeal_deadline > timezone.now()):
                raise ComplaintStateError("The appeal window is still open.")
            locked.apply_move(S.CLOSED, by=OFFICER if actor else SYSTEM, actor=actor, note=note)
        self.reload_from(locked)

    def close_as_misuse(self, *, actor, reasons: str) -> None:
        """Close as a misuse of the procedure (before a decision, or after rejecting it): every item is
        rejected, the complaint counts as manifestly unfounded, and the notifier may be warned or suspended."""
        from editorial import outbox

        require_officer(actor, "close a complaint as misuse")
        reasons = reasons.strip()
        if not reasons:
            raise ComplaintError("Write why the complaint is a misuse of the procedure; the notifier reads it.")
        with transaction.atomic():
            locked = self._locked()
            locked.status_check(S.CLOSED_MISUSE, by=OFFICER)
            now = timezone.now()
            locked.manifestly_unfounded = True
            locked.decided_at = locked.decided_at or now
            locked.decided_by = locked.decided_by or actor
            locked.last_decided_at = now
            locked.decision_reasons = reasons
            locked.items.filter(outcome=ComplaintItem.Outcome.PENDING).update(
                outcome=ComplaintItem.Outcome.REJECTED, reasons=reasons, decided_at=now, decided_by=actor
            )
            locked.apply_move(S.CLOSED_MISUSE, by=OFFICER, actor=actor, note=reasons, details={"public_note": reasons})
            outbox.queue_message(
                to=locked.notifier_email,
                kind="complaint_closed_misuse",
                template="editorial/email/complaint_closed_misuse.txt",
                context={"complaint": locked, "reasons": reasons},
                related=locked,
            )
            NotifierSanction.objects.record_misuse(locked, by=actor)
        self.reload_from(locked)

    def lodge_appeal(self, *, by: str, reasons: str, affected_party: AffectedParty | None = None) -> Appeal:
        """Decided -> appealed, by the notifier (tracking link) or an affected party (their private link).

        Within COMPLAINT_APPEAL_WINDOW_DAYS of the latest decision, once per side. Another officer than the
        one who made the decision must decide it (checked again by a database constraint).
        """
        from editorial import outbox

        if by not in (NOTIFIER, AFFECTED_PARTY) or (by == AFFECTED_PARTY) != (affected_party is not None):
            raise ComplaintError("An appeal is lodged by the notifier or by an affected party.")
        reasons = reasons.strip()
        if not reasons:
            raise ComplaintError("Say why the decision should change.")
        if len(reasons) > 20000:
            raise ComplaintError("Your reasons are too long: at most 20,000 characters.")
        with transaction.atomic():
            locked = self._locked()
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
            locked.apply_move(S.APPEALED, by=by, note=reasons, details={"appeal": appeal.pk, "public_note": ""})
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
        self.reload_from(locked)
        return appeal

    def report_court_action(self, *, by: str, details: str, actor=None) -> None:
        """After a counter-notice: the notifier says they have started a court action. The content stays down
        (litigation hold) until an officer restores it or closes the complaint."""
        from editorial import outbox

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
            locked = self._locked()
            locked.restore_due_at = None
            locked.apply_move(S.LITIGATION_HOLD, by=by, actor=actor, note=details)
            ComplaintReply.objects.create(complaint=locked, author=by, text=f"Court action: {details}")
            for party in locked.affected_parties.all():
                outbox.queue_message(
                    to=party.email,
                    kind="complaint_litigation_hold",
                    template="editorial/email/complaint_litigation_hold.txt",
                    context={"complaint": locked, "name": party.name, "details": details},
                    related=locked,
                )
        self.reload_from(locked)

    def accept_counter_notice(self, *, actor) -> None:
        """counter-notice -> restore pending: an officer finds the counter-notice valid; the restore date set on
        receipt stands (the law's clock runs from receipt)."""
        require_officer(actor, "check counter-notices")
        with transaction.atomic():
            locked = self._locked()
            notice = locked.counter_notices.order_by("-created_at", "-pk").first()
            locked.apply_move(
                S.RESTORE_PENDING, by=OFFICER, actor=actor, details={"counter_notice": notice and notice.pk}
            )
            if notice is not None:
                notice.valid = True
                notice.save(update_fields=["valid"])
        self.reload_from(locked)

    def refuse_counter_notice(self, *, actor, reasons: str) -> None:
        """counter-notice -> the decision it answered: the counter-notice lacks what the law requires."""
        from editorial import outbox

        require_officer(actor, "check counter-notices")
        reasons = reasons.strip()
        if not reasons:
            raise ComplaintError("Write what the counter-notice lacks; its sender reads it.")
        with transaction.atomic():
            locked = self._locked()
            notice = locked.counter_notices.select_related("affected_party").order_by("-created_at", "-pk").first()
            locked.restore_due_at = None
            locked.apply_move(
                locked.state_from_items(), by=OFFICER, actor=actor, note=reasons, details={"public_note": ""}
            )
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
        self.reload_from(locked)

    def state_from_items(self) -> str:
        """The decision state its items' outcomes add up to: all upheld, none, or some."""
        outcomes = set(self.items.values_list("outcome", flat=True))
        if outcomes == {ComplaintItem.Outcome.UPHELD}:
            return S.UPHELD
        if outcomes <= {ComplaintItem.Outcome.REJECTED}:
            return S.REJECTED
        return S.PARTLY_UPHELD


class ComplaintItemQuerySet(models.QuerySet):
    def barred_renotice(self, *, email: str, organisation: str, keys) -> ComplaintItemQuerySet:
        """Items of this notifier (by email or organisation) about these targets that a valid counter-notice
        restored under the PRC regulations: the same work may not be notified again."""
        notifier = Complaint.objects.by_notifier(notifier_identity(email=email, organisation=organisation))
        return self.filter(
            complaint__in=notifier.values("pk"),
            target_key__in=list(keys),
            complaint__regime=Complaint.Regime.PRC,
            measures__reversal_reason="counter_notice",
        ).distinct()


class ComplaintItem(models.Model):
    """One thing a complaint names on this site: a whole article, one image, or a passage of an article."""

    class Kind(models.TextChoices):
        ARTICLE = "article", "The whole article"
        IMAGE = "image", "An image"
        PASSAGE = "passage", "A passage of an article"

    class Outcome(models.TextChoices):
        PENDING = "pending", "Not decided yet"
        UPHELD = "upheld", "Upheld"
        PARTLY_UPHELD = "partly_upheld", "Upheld in part (a lesser measure than asked for)"
        REJECTED = "rejected", "Rejected"

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(help_text="Its line in the notifier's list, from 1.")
    url = models.CharField(max_length=2000, help_text="The address as the notifier gave it.")
    kind = models.CharField(max_length=10, choices=Kind)
    article = models.ForeignKey(
        "articles.Article",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="complaint_items",
        help_text="The article named (for a passage, the article it is in).",
    )
    image = models.ForeignKey(
        "articles.Image", on_delete=models.SET_NULL, null=True, blank=True, related_name="complaint_items"
    )
    passage = models.TextField(blank=True, max_length=5000, help_text="The quoted passage, for a passage.")
    # What the item names, e.g. "article:12", "image:7" or "passage:12:<hash>": one open complaint each
    # per notifier. The notifier's email and whether the complaint is open are copied here so that the
    # database itself can refuse a duplicate (a partial unique constraint sees only this table).
    target_key = models.CharField(max_length=100, editable=False)
    notifier_email = models.EmailField(max_length=254, editable=False)
    is_open = models.BooleanField(default=True, editable=False)

    objects = ComplaintItemQuerySet.as_manager()

    # The decision on this item (moderation workflow)
    outcome = models.CharField(max_length=20, choices=Outcome, default=Outcome.PENDING)
    reasons = models.TextField(blank=True, help_text="Why: shown to the notifier and the affected party.")
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )

    class Meta:
        ordering = ["complaint", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["notifier_email", "target_key"],
                condition=Q(is_open=True),
                name="one_open_complaint_per_notifier_and_target",
                violation_error_message="This notifier already has an open complaint about this content.",
            ),
            models.UniqueConstraint(fields=["complaint", "position"], name="complaint_item_position_unique"),
            models.CheckConstraint(condition=~Q(kind="passage") | ~Q(passage=""), name="complaint_item_passage_quoted"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.url[:100]}"

    def get_absolute_url(self) -> str:
        return self.url


class PrivateStorage(Storage):
    """The "private" storage (no URL), looked up in STORAGES at each use rather than once at import.

    A FileField evaluates a storage callable once, when the model class is made; a proxy keeps evidence
    following the configured private storage (and each test's temporary folder)."""

    @staticmethod
    def _target() -> Storage:
        return private_storage()

    def open(self, name, mode="rb"):
        return self._target().open(name, mode)

    def save(self, name, content, max_length=None):
        return self._target().save(name, content, max_length=max_length)

    # Storage.open() and save() call these; both are delegated above, so these only say the same.
    def _open(self, name, mode="rb"):
        return self._target().open(name, mode)

    def _save(self, name, content):
        return self._target().save(name, content)

    def get_valid_name(self, name):
        return self._target().get_valid_name(name)

    def get_available_name(self, name, max_length=None):
        return self._target().get_available_name(name, max_length=max_length)

    def generate_filename(self, filename):
        return self._target().generate_filename(filename)

    def path(self, name):
        return self._target().path(name)

    def delete(self, name):
        return self._target().delete(name)

    def exists(self, name):
        return self._target().exists(name)

    def listdir(self, path):
        return self._target().listdir(path)

    def size(self, name):
        return self._target().size(name)

    def url(self, name):
        # FileSystemStorage would fall back to MEDIA_URL: private files must have no address at all.
        raise ValueError("Private files have no URL; officers download them through the admin.")

    def get_accessed_time(self, name):
        return self._target().get_accessed_time(name)

    def get_created_time(self, name):
        return self._target().get_created_time(name)

    def get_modified_time(self, name):
        return self._target().get_modified_time(name)


_evidence_storage = PrivateStorage()


def evidence_storage() -> Storage:
    return _evidence_storage


def evidence_upload_to(instance: Evidence, filename: str) -> str:
    return f"evidence/{timezone.now():%Y/%m}/{filename}"


class ComplaintReply(models.Model):
    """A message in the complaint's file: an officer's question or information added by a party."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="replies")
    author = models.CharField(max_length=20, choices=Actor)
    text = models.TextField(max_length=20000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["complaint", "created_at", "pk"]
        verbose_name_plural = "complaint replies"

    def __str__(self) -> str:
        return f"{self.get_author_display()} on {self.created_at:%Y-%m-%d %H:%M}"


class EvidenceQuerySet(models.QuerySet):
    def purge(self) -> int:
        """Delete these evidence files from private storage and keep their rows, marked with when the file
        went. Each row is marked only once its file is gone, so a failure part-way is finished by the next
        run. Returns how many files were deleted."""
        storage = evidence_storage()
        purged = 0
        for evidence in self.filter(purged_at__isnull=True).only("pk", "file"):
            storage.delete(evidence.file.name)
            self.model.objects.filter(pk=evidence.pk).update(purged_at=timezone.now())
            purged += 1
        return purged


class Evidence(models.Model):
    """A file sent with a complaint. Stored in private storage: it never has a public address.

    The files of a complaint that expired unconfirmed are deleted (`purged_at`); the row stays as the record
    of what was sent: its name, type, size and SHA-256.
    """

    class ContentType(models.TextChoices):
        PDF = "application/pdf", "PDF"
        PNG = "image/png", "PNG image"
        JPEG = "image/jpeg", "JPEG image"
        WEBP = "image/webp", "WebP image"
        TEXT = "text/plain", "Plain text"

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="evidence")
    reply = models.ForeignKey(ComplaintReply, on_delete=models.CASCADE, null=True, blank=True, related_name="evidence")
    added_by = models.CharField(max_length=20, choices=Actor, default=Actor.NOTIFIER)
    file = models.FileField(upload_to=evidence_upload_to, storage=evidence_storage, max_length=255)
    original_name = models.CharField(max_length=255, help_text="The file's name on the sender's computer.")
    content_type = models.CharField(
        max_length=40, choices=ContentType, help_text="What the file is, read from its content (not its name)."
    )
    size = models.PositiveIntegerField(help_text="In bytes.")
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    purged_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the file was deleted because the complaint expired unconfirmed; the details stay.",
    )

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        ordering = ["complaint", "uploaded_at", "pk"]
        verbose_name_plural = "evidence"

    def __str__(self) -> str:
        return self.original_name

    @classmethod
    def store(cls, *, complaint: Complaint, upload, added_by: str, reply: ComplaintReply | None = None) -> Evidence:
        """Save a checked upload (`editorial.forms.CheckedFile`) to private storage under a random name.

        The storage copies the upload in chunks (or moves Django's temporary file): never read whole.
        """
        import secrets

        from django.core.files.base import ContentFile

        ext = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}.get(
            upload.content_type, "txt"
        )
        record = cls(
            complaint=complaint,
            reply=reply,
            added_by=added_by,
            original_name=upload.name[:255],
            content_type=upload.content_type,
            size=upload.size,
            sha256=upload.sha256,
        )
        content = ContentFile(upload.content) if isinstance(upload.content, bytes) else upload.content
        record.file.save(f"{secrets.token_hex(16)}.{ext}", content, save=False)
        record.save()
        return record


class ContactInquiry(models.Model):
    """A message from the public contact form: a copyright question or a website-cooperation proposal."""

    class Kind(models.TextChoices):
        COPYRIGHT = "copyright", "A copyright question"
        COOPERATION = "cooperation", "Website cooperation"

    class Status(models.TextChoices):
        NEW = "new", "New"
        ANSWERED = "answered", "Answered"
        CLOSED = "closed", "Closed without answer"

    kind = models.CharField("about", max_length=12, choices=Kind)
    name = models.CharField(max_length=200)
    email = models.EmailField(max_length=254)
    organisation = models.CharField(max_length=200, blank=True)
    subject = models.CharField(max_length=200)
    message = models.TextField(max_length=10000)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.NEW, db_index=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    internal_note = models.TextField(blank=True, help_text="For the newsroom only; never sent.")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "contact inquiries"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject[:80]}"
