"""Sections, initiatives and their milestones."""

from __future__ import annotations

from django.db import models
from django.urls import reverse

from .. import edge
from ..fields import PictureField
from .addresses import KeepsOldAddresses
from .content import PublicContent, PublicContentQuerySet, unique_slug


class Topic(KeepsOldAddresses, PublicContent, models.Model):
    """What sections and initiatives share: a name, a slug made from it, an order, and a page of their own
    at the URL named `route` (each keeps its own fields, so their help texts speak of each)."""

    route = ""

    objects = PublicContentQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse(self.route, kwargs={"slug": self.slug})

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.name, max_length=self._meta.get_field("slug").max_length)
        super().save(*args, **kwargs)


class Section(Topic):
    route = "articles:section"

    name = models.CharField(max_length=80, unique=True, help_text="As shown in the site's navigation, e.g. “World”.")
    slug = models.SlugField(
        max_length=80,
        unique=True,
        help_text="Used in the section's address: /sections/<slug>/. A new slug keeps the old address working.",
    )
    description = models.TextField(blank=True, help_text="One or two sentences shown at the top of the section page.")
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first in the navigation.")

    def surrogate_keys(self, pk: int | None = None) -> tuple[str, ...]:
        # Every page shows the sections in its navigation.
        return (edge.section_key(pk or self.pk), edge.SITE)


class Initiative(Topic):
    route = "articles:initiative"

    name = models.CharField(max_length=160, unique=True, help_text="Full name, e.g. “Belt and Road Initiative”.")
    short_name = models.CharField(
        max_length=60, blank=True, help_text="Optional short form for tight spaces, e.g. “BRI”."
    )
    slug = models.SlugField(
        max_length=160,
        unique=True,
        help_text="Used in the initiative's address. A new slug keeps the old address working: it leads here.",
    )
    summary = models.CharField(max_length=300, help_text="One sentence shown on cards and in search results.")
    description = models.TextField(blank=True, help_text="The longer introduction on the initiative's own page.")
    launched_on = models.DateField(null=True, blank=True, help_text="The date the initiative was first put forward.")
    launched_at = models.CharField(
        max_length=200, blank=True, help_text="Where or on what occasion it was launched, e.g. “Astana, Kazakhstan”."
    )
    logo = PictureField(upload_to="initiatives/", blank=True, help_text="Optional square logo, at least 400 px.")
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first on the initiatives page.")

    def surrogate_keys(self, pk: int | None = None) -> tuple[str, ...]:
        return (edge.initiative_key(pk or self.pk),)


class Milestone(PublicContent, models.Model):
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="milestones")
    date = models.DateField(help_text="When it happened.")
    place = models.CharField(
        max_length=200, blank=True, help_text="Where, e.g. “United Nations Headquarters, New York”."
    )
    title = models.CharField(max_length=200, help_text="A short headline for the timeline.")
    summary = models.TextField(blank=True, help_text="Two or three sentences on what happened and why it matters.")
    article = models.ForeignKey(
        "Article",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="milestones",
        help_text="Optional: our article about this milestone.",
    )

    objects = PublicContentQuerySet.as_manager()

    class Meta:
        ordering = ["initiative", "date", "pk"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.title}"

    def get_absolute_url(self) -> str:
        return f"{self.initiative.get_absolute_url()}#milestone-{self.pk}"

    def surrogate_keys(self, pk: int | None = None) -> tuple[str, ...]:
        # A milestone shows on its initiative's timeline only.
        return (edge.initiative_key(self.initiative_id),)
