from django.conf import settings
from django.db import models


class ArticleRevision(models.Model):
    """A snapshot of an article as it was saved: text, images, tags, initiatives and credits."""

    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(help_text="1 for the first save, counting up.")
    created_at = models.DateTimeField(auto_now_add=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    summary = models.CharField(max_length=300, blank=True, help_text="What changed, in a few words.")
    data = models.JSONField(help_text="The article's fields at this revision.")

    class Meta:
        ordering = ["article", "-number"]
        constraints = [models.UniqueConstraint(fields=["article", "number"], name="unique_revision_number")]

    def __str__(self) -> str:
        return f"{self.article} — revision {self.number}"
