from django.conf import settings
from django.db import models


class ArticleRevision(models.Model):
    """A snapshot of an article: as it was saved, or as someone proposes to change a live article.

    A *pending* revision is a change to a live article that readers do not see yet: it waits for a responsible
    editor other than its author (editorial/editing.py). At most one is pending per article at a time.
    """

    class State(models.TextChoices):
        SAVED = "saved", "saved"
        PENDING = "pending", "pending review"
        ACCEPTED = "accepted", "accepted (published)"
        DISCARDED = "discarded", "discarded"
        SUPERSEDED = "superseded", "replaced by a later proposal"

    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(help_text="1 for the first save, counting up.")
    created_at = models.DateTimeField(auto_now_add=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    summary = models.CharField(max_length=300, blank=True, help_text="What changed, in a few words.")
    data = models.JSONField(help_text="The article's fields at this revision.")
    state = models.CharField(
        max_length=12,
        choices=State.choices,
        default=State.SAVED,
        help_text="Saved: the article was like this. Pending: a proposed change to a live article, not public yet.",
    )

    class Meta:
        ordering = ["article", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="unique_revision_number"),
            models.UniqueConstraint(
                fields=["article"], condition=models.Q(state="pending"), name="one_pending_revision_per_article"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article} — revision {self.number}"

    @property
    def is_pending(self) -> bool:
        return self.state == self.State.PENDING
