"""What follows a decision: the measures applied to content, the people who may answer them, their
counter-notices and appeals, and the sanctions against notifiers who misuse the procedure.

The moves that create or change these rows are named functions in `editorial.services` (they act on
articles and images too) or methods on `Complaint`; nothing here sends mail or changes a state by itself,
except `NotifierSanction.objects.record_misuse`, the one place that decides on a warning or a suspension.
"""

from __future__ import annotations

import hmac
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from editorial.complaints import AFFECTED_PARTY, NOTIFIER, Actor, hash_token, new_token
from editorial.identity import notifier_identity

from .audit import AuditEvent


class Measure(models.Model):
    """What was done to one item after a decision, with what is needed to undo it exactly."""

    class Kind(models.TextChoices):
        WITHHOLD_ARTICLE = "withhold_article", "Withhold the article (HTTP 451)"
        REMOVE_IMAGE = "remove_image", "Remove the image everywhere"
        CORRECT = "correct", "Correct the article (credit or redact) with a public correction"

    class Reversal(models.TextChoices):
        COUNTER_NOTICE = "counter_notice", "Restored after a valid counter-notice"
        APPEAL = "appeal", "Reversed on appeal"
        OFFICER = "officer", "Restored by an officer (e.g. a court action ended)"

    item = models.ForeignKey("editorial.ComplaintItem", on_delete=models.PROTECT, related_name="measures")
    kind = models.CharField(max_length=20, choices=Kind)
    applied_at = models.DateTimeField(default=timezone.now)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # What restoration needs: the article's previous status, the image's file names and checksums, the
    # article's text before a correction...
    snapshot = models.JSONField(default=dict, blank=True)
    correction = models.ForeignKey(
        "articles.Correction", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reversed_at = models.DateTimeField(null=True, blank=True)
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reversal_reason = models.CharField(max_length=20, choices=Reversal, blank=True)

    class Meta:
        ordering = ["-applied_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reversed_at__isnull=True) | Q(reversed_at__gte=F("applied_at")),
                name="measure_reversed_after_applied",
            ),
            # One measure in force per item.
            models.UniqueConstraint(fields=["item"], condition=Q(reversed_at__isnull=True), name="one_live_measure"),
            models.CheckConstraint(
                condition=Q(reversed_at__isnull=True) | ~Q(reversal_reason=""), name="measure_reversal_has_a_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.item}"

    @property
    def in_force(self) -> bool:
        return self.reversed_at is None

    def scope(self) -> str:
        """What exactly the measure touches, in a sentence for the statement of reasons."""
        item = self.item
        match self.kind:
            case self.Kind.WITHHOLD_ARTICLE:
                return f"The article “{item.article}” only; its address answers with an explanation instead."
            case self.Kind.REMOVE_IMAGE:
                return f"The picture “{item.image}” only, everywhere it appears; the articles stay online."
            case _:
                return f"An edit to the article “{item.article}”, with a public correction; it stays online."


class AffectedParty(models.Model):
    """Someone whose content a complaint targets and who may answer it through a private link."""

    class Role(models.TextChoices):
        RESPONSIBLE_EDITOR = "responsible_editor", "The article's responsible editor"
        SOURCE = "source", "The original source or author"

    complaint = models.ForeignKey("editorial.Complaint", on_delete=models.CASCADE, related_name="affected_parties")
    role = models.CharField(max_length=20, choices=Role)
    name = models.CharField(max_length=200)
    email = models.EmailField(max_length=254)
    items = models.ManyToManyField(
        "editorial.ComplaintItem", related_name="affected_parties", blank=True, help_text="What of theirs is concerned."
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["complaint", "pk"]
        verbose_name_plural = "affected parties"
        constraints = [models.UniqueConstraint(fields=["complaint", "email"], name="one_affected_party_per_email")]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    def token_matches(self, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(self.token_hash, hash_token(token))

    def new_link_token(self) -> str:
        """A fresh private link for this party (the previous one stops working). Saved by the caller."""
        token = new_token()
        self.token_hash = hash_token(token)
        return token

    def answer_url(self, token: str) -> str:
        from django.urls import reverse

        path = reverse("editorial:complaint_answer", kwargs={"reference": self.complaint.reference})
        return f"{settings.SITE_URL}{path}?token={token}"


class CounterNotice(models.Model):
    """The affected party's answer to an upheld complaint, with the elements the regime requires."""

    complaint = models.ForeignKey("editorial.Complaint", on_delete=models.CASCADE, related_name="counter_notices")
    affected_party = models.ForeignKey(AffectedParty, on_delete=models.PROTECT, related_name="counter_notices")
    items = models.ManyToManyField("editorial.ComplaintItem", related_name="counter_notices")
    name = models.CharField(max_length=200)
    email = models.EmailField(max_length=254)
    address = models.TextField(max_length=1000)
    phone = models.CharField(max_length=40, blank=True)
    explanation = models.TextField(max_length=20000)
    statement_mistake = models.BooleanField(
        default=False, help_text="Under penalty of perjury: removed by mistake or misidentification."
    )
    statement_jurisdiction = models.BooleanField(
        default=False, help_text="Consents to the court's jurisdiction and accepts service of process (US)."
    )
    signature = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    valid = models.BooleanField(null=True, blank=True, help_text="The officer's finding; empty until checked.")
    forwarded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["complaint", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(statement_mistake=True) & ~Q(signature=""), name="counter_notice_statement_and_signature"
            )
        ]

    def __str__(self) -> str:
        return f"Counter-notice to {self.complaint} by {self.name}"


class Appeal(models.Model):
    """An appeal of a decision by either side, decided by an officer other than the one who made it.

    Each side may appeal once per complaint; the appeal's decision is final within our procedure (the
    courts remain open to both sides).
    """

    class Outcome(models.TextChoices):
        PENDING = "pending", "Not decided yet"
        CONFIRMED = "confirmed", "Decision confirmed"
        REVERSED = "reversed", "Decision reversed"
        VARIED = "varied", "Decision changed in part"

    complaint = models.ForeignKey("editorial.Complaint", on_delete=models.CASCADE, related_name="appeals")
    by = models.CharField(
        max_length=20, choices=[(NOTIFIER, Actor.NOTIFIER.label), (AFFECTED_PARTY, Actor.AFFECTED_PARTY.label)]
    )
    affected_party = models.ForeignKey(
        AffectedParty, on_delete=models.PROTECT, null=True, blank=True, related_name="appeals"
    )
    reasons = models.TextField(max_length=20000)
    created_at = models.DateTimeField(auto_now_add=True)
    original_decider = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(max_length=10, choices=Outcome, default=Outcome.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reasons = models.TextField(blank=True)

    class Meta:
        ordering = ["complaint", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True)
                | Q(original_decider__isnull=True)
                | ~Q(decided_by=F("original_decider")),
                name="appeal_decided_by_another_officer",
                violation_error_message="An appeal must be decided by a different officer.",
            ),
            models.UniqueConstraint(fields=["complaint", "by"], name="one_appeal_per_side"),
        ]

    def __str__(self) -> str:
        return f"Appeal of {self.complaint} by the {self.get_by_display().lower()}"

    @property
    def is_pending(self) -> bool:
        return self.outcome == self.Outcome.PENDING


class NotifierSanctionQuerySet(models.QuerySet):
    def in_force(self, now=None) -> NotifierSanctionQuerySet:
        now = now or timezone.now()
        return self.filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now), starts_at__lte=now)

    def matching(self, *, email: str, organisation: str = "") -> NotifierSanctionQuerySet:
        """Sanctions against this email, or against this organisation if one is named, compared on the
        normalised identity (`editorial.identity`): `bad+2@…`, "Acme  Ltd." or a Cyrillic "А" is no way back in."""
        identity = notifier_identity(email=email, organisation=organisation)
        match = Q(email_key=identity.email)
        if identity.organisation:
            match |= Q(organisation_key=identity.organisation)
        return self.filter(match)

    def suspension_for(self, *, email: str, organisation: str = "", now=None) -> NotifierSanction | None:
        """The suspension in force for this email, or for this organisation if one is named."""
        return (
            self.matching(email=email, organisation=organisation)
            .in_force(now)
            .filter(kind=NotifierSanction.Kind.SUSPENSION)
            .order_by("-ends_at")
            .first()
        )

    def record_misuse(self, complaint, *, by=None) -> NotifierSanction | None:
        """A complaint of this notifier was found manifestly unfounded: warn them, or suspend them if they
        were warned already. Returns the new sanction, if any. Call inside the decision's transaction.

        Counted by email and by organisation, over COMPLAINT_MISUSE_WINDOW_DAYS (and never across an earlier
        suspension: once it ends, the count starts again).
        """
        from django.apps import apps

        from editorial import outbox

        Complaint = apps.get_model("editorial", "Complaint")
        now = timezone.now()
        email, organisation = complaint.notifier_email, complaint.notifier_organisation.strip()
        if self.suspension_for(email=email, organisation=organisation, now=now):
            return None
        earlier = self.matching(email=email, organisation=organisation)
        since = now - timedelta(days=getattr(settings, "COMPLAINT_MISUSE_WINDOW_DAYS", 365))
        last_end = earlier.filter(kind=NotifierSanction.Kind.SUSPENSION).order_by("-ends_at").first()
        if last_end is not None and last_end.ends_at > since:
            since = last_end.ends_at
        notifier = Complaint.objects.by_notifier(notifier_identity(email=email, organisation=organisation))
        unfounded = notifier.filter(manifestly_unfounded=True, last_decided_at__gte=since)
        count = unfounded.count()
        warned = earlier.filter(kind=NotifierSanction.Kind.WARNING, starts_at__gte=since).exists()
        warn_at = getattr(settings, "COMPLAINT_MISUSE_WARNING_THRESHOLD", 2)
        suspend_at = getattr(settings, "COMPLAINT_MISUSE_SUSPENSION_THRESHOLD", 3)
        references = ", ".join(sorted(unfounded.exclude(reference=None).values_list("reference", flat=True)))
        if warned and count >= suspend_at:
            kind, days = NotifierSanction.Kind.SUSPENSION, getattr(settings, "COMPLAINT_SUSPENSION_DAYS", 90)
        elif not warned and count >= warn_at:
            kind, days = NotifierSanction.Kind.WARNING, None
        else:
            return None
        sanction = self.create(
            kind=kind,
            email=email,
            organisation=organisation,
            reason=f"{count} complaints rejected as manifestly unfounded since {since:%Y-%m-%d}: {references}.",
            complaint=complaint,
            starts_at=now,
            ends_at=now + timedelta(days=days) if days else None,
            created_by=by if getattr(by, "is_authenticated", False) else None,
        )
        AuditEvent.record(
            actor=by,
            subject=complaint,
            action=f"complaint.notifier_{kind}",
            details={
                "sanction": sanction.pk,
                "count": count,
                "ends_at": sanction.ends_at and sanction.ends_at.isoformat(),
            },
        )
        outbox.queue_message(
            to=email,
            kind=f"notifier_{kind}",
            template=f"editorial/email/notifier_{kind}.txt",
            context={"complaint": complaint, "sanction": sanction, "count": count, "threshold": suspend_at},
            related=complaint,
        )
        return sanction


class NotifierSanction(models.Model):
    """A warning or a suspension of a notifier who filed repeated manifestly unfounded complaints."""

    class Kind(models.TextChoices):
        WARNING = "warning", "Warning"
        SUSPENSION = "suspension", "Suspension"

    kind = models.CharField(max_length=12, choices=Kind)
    email = models.EmailField(max_length=254, db_index=True)
    organisation = models.CharField(max_length=200, blank=True)
    # Normalised (editorial.identity): what `matching` compares.
    email_key = models.CharField(max_length=254, editable=False, db_index=True, default="")
    organisation_key = models.CharField(max_length=200, editable=False, db_index=True, blank=True, default="")
    reason = models.TextField(help_text="Which complaints, and why they were manifestly unfounded.")
    complaint = models.ForeignKey(
        "editorial.Complaint", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    starts_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField(null=True, blank=True, help_text="For a suspension: when it ends.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = NotifierSanctionQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="warning") | (Q(ends_at__isnull=False) & Q(ends_at__gt=F("starts_at"))),
                name="suspension_has_an_end_after_its_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.email}"

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        identity = notifier_identity(email=self.email, organisation=self.organisation)
        self.email_key, self.organisation_key = identity.email, identity.organisation
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"email", "organisation"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "email_key", "organisation_key"}
        super().save(*args, **kwargs)
