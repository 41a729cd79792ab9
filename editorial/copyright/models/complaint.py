"""The complaint: the notice, its state and deadlines, and what the notifier and the officers read of it.

Its life is the table `editorial.copyright.states.TRANSITIONS`; every move is a `complaint_<move>` function in
`editorial.copyright.moves`, the only code that changes `status`. What it names and carries (items, replies,
evidence) is in `items.py`; measures, counter-notices, appeals and sanctions have their own modules.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Case, F, Q, Value, When
from django.db.models.lookups import LessThan
from django.urls import reverse
from django.utils import timezone

from editorial.copyright.deadlines import deadlines
from editorial.copyright.identity import NotifierIdentity, hash_token, notifier_identity
from editorial.copyright.states import (
    DECIDED_STATES,
    PUBLIC_EVENTS,
    PUBLIC_STATUS,
    RESTORING_STATES,
    TERMINAL_STATES,
    UNDECIDED_STATES,
    ComplaintStatus,
    public_line,
)
from editorial.copyright.states import ComplaintStatus as S
from editorial.models.audit import AuditEvent

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

    def by_notifier(self, identity: NotifierIdentity) -> ComplaintQuerySet:
        """Complaints of this notifier: the same mailbox, or the same organisation if one is named, compared
        on their normalised identity (`editorial.copyright.identity`)."""
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
    # The notifier's normalised identity (editorial.copyright.identity), kept for indexed comparisons: suspensions,
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

    @property
    def reply_overdue(self) -> bool:
        """The query-time rule: information was asked for and the deadline has passed (closed, or about to be)."""
        return self.status == S.NEEDS_INFO and self.reply_due_at is not None and self.reply_due_at <= timezone.now()

    def state_from_items(self) -> str:
        """The decision state its items' outcomes add up to: all upheld, none, or some."""
        outcomes = set(self.items.values_list("outcome", flat=True))
        if outcomes == {self.items.model.Outcome.UPHELD}:
            return S.UPHELD
        if outcomes <= {self.items.model.Outcome.REJECTED}:
            return S.REJECTED
        return S.PARTLY_UPHELD
