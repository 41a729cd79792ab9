"""What keeps a takedown down: a fingerprint of every picture removed and every passage taken out by a
correction, so that the same content pasted or uploaded again is refused (issue 12, point 7).

The rows are made and ended by `editorial.copyright.takedowns` only; see there for how pictures and passages are
fingerprinted and matched.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class TakedownFingerprintQuerySet(models.QuerySet):
    def blocking(self) -> TakedownFingerprintQuerySet:
        """Fingerprints that still refuse content: neither released by an officer nor ended with their measure."""
        return self.filter(released_at__isnull=True)


class TakedownFingerprint(models.Model):
    """The fingerprint of one picture or passage a measure took down, which refuses it if it comes back."""

    class Kind(models.TextChoices):
        PICTURE = "picture", "Picture"
        PASSAGE = "passage", "Passage of text"

    class Release(models.TextChoices):
        OFFICER = "officer", "Released by a copyright officer"
        MEASURE_REVERSED = "measure_reversed", "The measure was reversed"

    kind = models.CharField(max_length=10, choices=Kind)
    measure = models.OneToOneField(
        "editorial.Measure",
        on_delete=models.PROTECT,
        related_name="fingerprint",
        help_text="The measure that took the content down; its complaint is named when something is refused.",
    )
    image = models.ForeignKey(
        "articles.Image", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    article = models.ForeignKey(
        "articles.Article", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    # A picture: its difference hash (64 bits across, 64 down) in hexadecimal. A passage: empty.
    picture_hash = models.CharField(max_length=32, blank=True, editable=False)
    # A passage: the hashes of its overlapping runs of words (or of CJK characters).
    shingles = models.JSONField(default=list, blank=True, editable=False)
    excerpt = models.CharField(
        max_length=200, blank=True, editable=False, help_text="The start of the passage, or the picture's caption."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    released_at = models.DateTimeField(null=True, blank=True, editable=False)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    release_reason = models.CharField(max_length=20, choices=Release, blank=True, editable=False)
    release_note = models.TextField(
        blank=True,
        max_length=5000,
        help_text="Why this picture or passage may be used again (e.g. a licence was obtained). Saving with a "
        "note releases it; this cannot be undone here.",
    )

    objects = TakedownFingerprintQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="picture") & ~Q(picture_hash="")) | (Q(kind="passage") & Q(picture_hash="")),
                name="takedown_fingerprint_fits_its_kind",
            ),
            models.CheckConstraint(
                condition=Q(released_at__isnull=True) | ~Q(release_reason=""),
                name="takedown_release_has_a_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} removed after {self.reference}: {self.excerpt or self.pk}"

    @property
    def reference(self) -> str:
        return self.measure.item.complaint.reference or f"complaint {self.measure.item.complaint_id}"

    @property
    def blocking(self) -> bool:
        return self.released_at is None
