"""Public corrections appended to an article (appended through editorial's newsroom, shown on its page)."""

from django.db import models
from django.utils import timezone

from .article import Article
from .content import PublicContent, PublicContentQuerySet, article_changed


class Correction(PublicContent, models.Model):
    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction"
        CLARIFICATION = "clarification", "Clarification"
        LEGAL = "legal", "Legal notice"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.CORRECTION)
    text = models.TextField(help_text="What was wrong and what is right now, in plain words. Shown publicly.")
    published_at = models.DateTimeField(default=timezone.now, help_text="The date shown beside the correction.")

    objects = PublicContentQuerySet.as_manager()

    class Meta:
        ordering = ["article", "published_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to “{self.article}” on {self.published_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return f"{self.article.get_absolute_url()}#correction-{self.pk}"

    def reader_change(self, pk: int | None = None) -> None:
        # A correction shows on its article's page only.
        article_changed(self.article_id, listed=False)
