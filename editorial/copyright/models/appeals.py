"""Appeals against a decision (lodged and decided by the moves in `editorial.copyright.moves`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from editorial.copyright.states import AFFECTED_PARTY, NOTIFIER, Actor

from .counter_notices import AffectedParty


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
