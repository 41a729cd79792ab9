"""Images and their renditions."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, router, transaction
from django.db.models import Q
from django.utils import timezone

from .. import edge
from .. import images as image_processing
from ..fields import PictureField, unguessable_folder
from .content import PublicContent, PublicContentQuerySet


class ImageQuerySet(PublicContentQuerySet):
    def visible(self) -> ImageQuerySet:
        """Images a reader may see: not removed by a copyright measure."""
        return self.filter(removed_at__isnull=True)


def image_upload_to(instance: Image, filename: str) -> str:
    # `filename` already starts with PictureField's random folder: images/2026/05/<random>/harbour.jpg.
    return f"images/{timezone.now():%Y/%m}/{filename}"


def rendition_upload_to(instance: Rendition, filename: str) -> str:
    """renditions/<random>/<width>.<ext>: nothing in it counts, so a picture of an article still under
    embargo cannot be found by trying ids (issue 12, point 6). The name is stored, so pages and caches that
    already link a rendition keep a stable address."""
    return f"renditions/{unguessable_folder()}/{filename}"


class Image(PublicContent, models.Model):
    class Licence(models.TextChoices):
        OWN = "own", "Our own work (staff photographer or agency we own)"
        AGENCY = "agency", "Licensed from an agency"
        PERMISSION = "permission", "Reproduced with the holder's permission"
        CC_BY = "cc-by", "Creative Commons Attribution"
        CC_BY_SA = "cc-by-sa", "Creative Commons Attribution-ShareAlike"
        PUBLIC_DOMAIN = "public-domain", "Public domain"
        HANDOUT = "handout", "Handout / press release"

    file = PictureField(
        upload_to=image_upload_to,
        width_field="width",
        height_field="height",
        sha256_field="sha256",
        max_length=255,
        help_text="JPEG, PNG or WebP. Location data and other metadata are removed on upload.",
    )
    alt_text = models.CharField(
        max_length=300, help_text="Describe the picture for readers who cannot see it. Required."
    )
    caption = models.CharField(max_length=500, blank=True, help_text="Shown under the picture.")
    credit = models.CharField(
        max_length=200, help_text="Who took or made it, as printed: e.g. “Photo: Li Wei / Xinhua”."
    )
    copyright_holder = models.CharField(max_length=200, blank=True, help_text="Who owns the rights, if not the credit.")
    licence = models.CharField(
        max_length=20, choices=Licence, default=Licence.OWN, help_text="On what terms we use it."
    )
    source_url = models.URLField(max_length=500, blank=True, help_text="Where the picture came from, if outside.")
    width = models.PositiveIntegerField(editable=False, default=0)
    height = models.PositiveIntegerField(editable=False, default=0)
    focal_point_x = models.FloatField(
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="Optional: horizontal centre of interest, 0 (left) to 1 (right), kept when cropping.",
    )
    focal_point_y = models.FloatField(
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="Optional: vertical centre of interest, 0 (top) to 1 (bottom).",
    )
    sha256 = models.CharField(max_length=64, editable=False, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set by a copyright measure (editorial); the file then lives in private storage until restored.
    removed_at = models.DateTimeField(null=True, blank=True, editable=False)
    removal_note = models.CharField(max_length=300, blank=True, editable=False)

    objects = ImageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(focal_point_x__isnull=True) | Q(focal_point_x__gte=0, focal_point_x__lte=1),
                name="image_focal_x_in_range",
            ),
            models.CheckConstraint(
                condition=Q(focal_point_y__isnull=True) | Q(focal_point_y__gte=0, focal_point_y__lte=1),
                name="image_focal_y_in_range",
            ),
            models.CheckConstraint(condition=~Q(alt_text=""), name="image_alt_text_required"),
        ]

    def __str__(self) -> str:
        return self.caption[:60] or self.alt_text[:60] or f"Image {self.pk}"

    def get_absolute_url(self) -> str:
        return self.file.url if self.file else ""

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None

    def surrogate_keys(self, pk: int | None = None) -> tuple[str, ...]:
        return (edge.image_key(pk or self.pk),)

    def save(self, *args, **kwargs):
        # A new upload is cleaned by PictureField as it is stored; here only its renditions go stale. Before
        # the save, a new upload still carries its own name, so any difference from the row means a new file.
        replacing = self.pk is not None and self.file.name != self._stored_file_name()
        super().save(*args, **kwargs)
        if replacing:
            self.discard_renditions()

    def _stored_file_name(self) -> str:
        return Image.objects.filter(pk=self.pk).values_list("file", flat=True).first() or ""

    def discard_renditions(self) -> None:
        """Delete the renditions of a replaced file; their files go once the transaction commits."""
        stale = list(Rendition.objects.filter(image=self))
        if not stale:
            return
        Rendition.objects.filter(pk__in=[r.pk for r in stale]).delete()
        storage = self.file.storage
        names = [r.file.name for r in stale if r.file]
        using = router.db_for_write(Image, instance=self)
        transaction.on_commit(lambda: [storage.delete(name) for name in names], using=using)

    def make_renditions(self) -> list[Rendition]:
        """Make every configured rendition that is missing; existing ones are reused, never remade."""
        have = {(r.width, r.format) for r in self.renditions.all()}
        made = []
        for width in settings.IMAGE_RENDITION_WIDTHS:
            for fmt in image_processing.RENDITION_FORMATS:
                if (width, fmt) in have:
                    continue
                with self.file.open("rb") as source:
                    content, w, h = image_processing.render_rendition(source, width=width, fmt=fmt)
                ext = "jpg" if fmt == "jpeg" else fmt
                rendition = Rendition(image=self, width=width, format=fmt, actual_width=w, actual_height=h)
                rendition.file.save(f"{width}.{ext}", content, save=False)
                rendition.save()
                made.append(rendition)
        return made

    def srcset(self, fmt: str = "jpeg") -> str:
        """`srcset` from prefetched renditions (no query when `renditions` was prefetched)."""
        parts = sorted({r.actual_width: r.file.url for r in self.renditions.all() if r.format == fmt}.items())
        return ", ".join(f"{url} {w}w" for w, url in parts)


class Rendition(PublicContent, models.Model):
    image = models.ForeignKey(Image, on_delete=models.CASCADE, related_name="renditions")
    width = models.PositiveIntegerField(help_text="The target width this rendition was made for.")
    format = models.CharField(max_length=8, choices=[("webp", "WebP"), ("jpeg", "JPEG"), ("avif", "AVIF")])
    file = models.ImageField(upload_to=rendition_upload_to, max_length=255)
    actual_width = models.PositiveIntegerField()
    actual_height = models.PositiveIntegerField()

    objects = PublicContentQuerySet.as_manager()

    class Meta:
        ordering = ["image", "format", "width"]
        constraints = [models.UniqueConstraint(fields=["image", "width", "format"], name="unique_rendition")]

    def __str__(self) -> str:
        return f"{self.image_id} @ {self.width}px {self.format}"

    def surrogate_keys(self, pk: int | None = None) -> tuple[str, ...]:
        return (edge.image_key(self.image_id),)
