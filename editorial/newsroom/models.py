"""The newsroom's two models: the people on the credit line (Editor) and the snapshots of an article
(ArticleRevision). Their app label stays `editorial`: they are loaded by editorial/models/__init__.py."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from articles.edge import editor_key
from articles.fields import PictureField
from articles.models import KeepsOldAddresses, PublicContentQuerySet, content_changed, unique_slug


class EditorQuerySet(PublicContentQuerySet):
    """Bulk writes change the credit lines readers see (and the rows article pages keep) like save() does."""

    def active(self):
        return self.filter(active=True)


class Editor(KeepsOldAddresses, models.Model):
    """A person who can appear on the credit line. Public: each has a page listing their articles."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="editor",
        help_text="The back-office account of this person, if they have one. Credits outlive accounts.",
    )
    display_name = models.CharField(max_length=120, help_text="As printed on the credit line, e.g. “He Chuanning”.")
    native_name = models.CharField(
        max_length=120, blank=True, help_text="The name in its own script, e.g. “何传宁”, shown beside it."
    )
    slug = models.SlugField(max_length=120, unique=True, blank=True, help_text="Used in /editors/<slug>/.")
    title = models.CharField(max_length=120, blank=True, help_text="Job title, e.g. “Senior editor, World desk”.")
    bio = models.TextField(blank=True, help_text="A short public biography, in the third person.")
    photo = PictureField(upload_to="editors/", blank=True, help_text="Optional portrait, square, at least 400 px.")
    email = models.EmailField(blank=True, help_text="Work address for workflow notices. Never shown publicly.")
    active = models.BooleanField(
        default=True, help_text="Inactive editors keep their credits but can't be chosen anew."
    )

    objects = EditorQuerySet.as_manager()

    class Meta:
        ordering = ["display_name"]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.native_name})" if self.native_name else self.display_name

    def get_absolute_url(self) -> str:
        return reverse("articles:editor", kwargs={"slug": self.slug})

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.display_name, max_length=120)
        super().save(*args, **kwargs)
        content_changed(editor_key(self.pk))  # the pages with this name on a credit line, and the profile

    def delete(self, *args, **kwargs):
        pk = self.pk
        result = super().delete(*args, **kwargs)
        content_changed(editor_key(pk))
        return result


class ArticleRevision(models.Model):
    """A snapshot of an article: as it was saved, or as someone proposes to change a live article.

    A *pending* revision is a change to a live article that readers do not see yet: it waits for a responsible
    editor other than its author (editorial/newsroom/editing.py). At most one is pending per article at a time.
    """

    class State(models.TextChoices):
        SAVED = "saved", "saved"
        PENDING = "pending", "pending review"
        ACCEPTED = "accepted", "accepted (published)"
        DISCARDED = "discarded", "discarded"
        SUPERSEDED = "superseded", "replaced by a later proposal"
        # What an editor had typed, kept every 30 seconds of change; never the article itself (editing.autosave).
        AUTOSAVED = "autosaved", "autosaved, not saved"

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
        help_text="Saved: the article was like this. Pending: a proposed change to a live article, not public yet. "
        "Autosaved: what an editor had typed, not saved to the article.",
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
