"""A measure: what a decision did to an article or an image, and what undoing it needs (see ..measures)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone


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
