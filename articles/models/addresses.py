"""Stable addresses (issue 15, point 5): the slugs an object had before, each answered with a 301 to where it
is now.

One table for every kind of page with a slug (articles, sections, initiatives, tags, the people on the credit
line), keyed by content type, so `articles` keeps the editors' old addresses without naming the app they
live in. An old address is written when a slug changes on save (a derived record, like the sanitised body),
so every path that renames (the admin, an accepted pending change, a restored revision, a command) keeps it.
Views look old addresses up only when the current slugs found nothing: a page that exists pays nothing.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from taggit.models import Tag


class OldAddress(models.Model):
    """A slug an object no longer has. Its old address answers 301 to its current one."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    slug = models.CharField(max_length=250, help_text="The slug the object had before it was renamed.")
    created_at = models.DateTimeField(auto_now_add=True, help_text="When the object left this address.")

    class Meta:
        ordering = ["content_type", "slug"]
        verbose_name_plural = "old addresses"
        constraints = [
            # An address leads to one place: the object that left it last.
            models.UniqueConstraint(fields=["content_type", "slug"], name="one_old_address_per_slug"),
        ]
        indexes = [models.Index(fields=["content_type", "object_id"], name="old_address_object_idx")]

    def __str__(self) -> str:
        return f"{self.content_type.model} {self.slug} → {self.object_id}"


def keep_old_address(instance: models.Model, old_slug: str | None) -> None:
    """`instance` was saved with a new slug: its `old_slug` now leads to it, and its new slug is no one's old
    address any more (a current slug always wins, so a record there would only shadow it).

    Every earlier address of the object still names the object, not a slug, so a chain A -> B -> C answers
    A and B with one hop to C.
    """
    new_slug = instance.slug
    if not old_slug or old_slug == new_slug or instance.pk is None:
        return
    content_type = ContentType.objects.get_for_model(instance)
    OldAddress.objects.filter(content_type=content_type, slug=new_slug).delete()
    OldAddress.objects.update_or_create(content_type=content_type, slug=old_slug, defaults={"object_id": instance.pk})


def old_address_taken(model: type[models.Model], slug: str) -> bool:
    """Whether `slug` is an old address of some object of `model` (a new object should not take it over)."""
    return OldAddress.objects.filter(content_type=ContentType.objects.get_for_model(model), slug=slug).exists()


def moved_from(queryset: models.QuerySet, slug: str) -> models.Model | None:
    """The object of `queryset` that had the address `slug` before, or None. One query; only on a miss."""
    content_type = ContentType.objects.get_for_model(queryset.model)
    earlier = OldAddress.objects.filter(content_type=content_type, slug=slug).values("object_id")
    return queryset.filter(pk__in=earlier).first()


class KeepsOldAddresses:
    """Mixin for a model with a public slug: saving it with a new slug keeps the old one as an old address
    (`keep_old_address`) when `had_public_address()` says readers could have known it."""

    # The field whose value says the object has been public (None: every saved object has a page).
    public_since_field: str | None = None

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        instance.slug_when_loaded = instance.__dict__.get("slug")
        return instance

    def had_public_address(self) -> bool:
        """Whether the slug as loaded was ever a public address."""
        return self.public_since_field is None or getattr(self, self.public_since_field) is not None

    def save(self, *args, **kwargs):
        old_slug = getattr(self, "slug_when_loaded", None)
        public = old_slug is not None and self.had_public_address()
        super().save(*args, **kwargs)
        if public:
            keep_old_address(self, old_slug)
        self.slug_when_loaded = self.slug


# --- Tags ---


def _tag_slug_before(sender, instance, raw=False, **kwargs):
    # Taggit's Tag is not ours to extend: its slug before a rename is read here, only when a tag is saved.
    if instance.pk is not None and not raw:
        instance.slug_when_loaded = Tag.objects.filter(pk=instance.pk).values_list("slug", flat=True).first()


def _tag_renamed(sender, instance, raw=False, **kwargs):
    # A derived record, as for our own models (addresses.KeepsOldAddresses): the old tag page leads here.
    if not raw:
        keep_old_address(instance, getattr(instance, "slug_when_loaded", None))
        instance.slug_when_loaded = instance.slug


models.signals.pre_save.connect(_tag_slug_before, sender=Tag)
models.signals.post_save.connect(_tag_renamed, sender=Tag)
