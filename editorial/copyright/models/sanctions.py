"""Warnings and suspensions of notifiers who misuse the procedure.

`NotifierSanction.objects.record_misuse` is the one place that decides on a warning or a suspension.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from editorial.copyright.identity import notifier_identity
from editorial.models.audit import AuditEvent


class NotifierSanctionQuerySet(models.QuerySet):
    def in_force(self, now=None) -> NotifierSanctionQuerySet:
        now = now or timezone.now()
        return self.filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now), starts_at__lte=now)

    def matching(self, *, email: str, organisation: str = "") -> NotifierSanctionQuerySet:
        """Sanctions against this email, or against this organisation if one is named, compared on the
        normalised identity (`editorial.copyright.identity`): `bad+2@…`, "Acme  Ltd." or a Cyrillic "А" is no way
        back in."""
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
    # Normalised (editorial.copyright.identity): what `matching` compares.
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
