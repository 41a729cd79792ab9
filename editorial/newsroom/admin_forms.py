"""The article admin's form, inline and list filters (editorial/newsroom/admin.py uses them)."""

import datetime
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from articles.models import Article, Correction
from editorial.copyright import takedowns
from editorial.models import AuditEvent

from . import desk, editing, revisions, workflow
from .rich_text import body_field
from .widgets import TagAutocompleteWidget


def site_time(value: datetime.datetime | None) -> str:
    """A time as the newsroom reads it: in the site's time zone, with the zone named."""
    if value is None:
        return "—"
    zone = ZoneInfo(settings.TIME_ZONE)
    return f"{timezone.localtime(value, zone):%Y-%m-%d %H:%M} {settings.TIME_ZONE}"


def parse_site_time(raw: str) -> datetime.datetime:
    """Parse `2026-12-01T09:30` (a datetime-local input) as a time in the site's time zone."""
    raw = (raw or "").strip()
    if not raw:
        raise workflow.WorkflowError("Choose the date and time it should go live.")
    try:
        value = datetime.datetime.fromisoformat(raw[:40])
    except ValueError:
        raise workflow.WorkflowError(
            "The publication time was not understood: give it as YYYY-MM-DD HH:MM, in the site's time zone."
        ) from None
    if timezone.is_naive(value):
        value = timezone.make_aware(value, ZoneInfo(settings.TIME_ZONE))
    return value


class ArticleAdminForm(forms.ModelForm):
    """The change form carries the version it was loaded at; a stale one is refused, showing what changed."""

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)
    # The pending change (of a live article) the form was opened on, 0 for none: a change proposed meanwhile
    # by someone else is a conflict, as a save is.
    loaded_draft = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)
    body = body_field(
        "The story: paragraphs, headings (Ctrl+Alt+2 to 4), bold (Ctrl+B), italic (Ctrl+I), links, lists and "
        "quotes. To place a picture, use the picture button: choose one from the library or upload a new one."
    )

    class Meta:
        model = Article
        fields = [
            "title",
            "slug",
            "dek",
            "body",
            "hero_image",
            "editor",
            "responsible_editor",
            "section",
            "initiatives",
            "tags",
            "language",
            "featured",
            "rights_basis",
            "original_publisher",
            "original_url",
            "source_contact_email",
        ]
        widgets = {"tags": TagAutocompleteWidget}
        # The admin renders help text as HTML, so the model's "<slug>" would vanish (issue 12, point 9).
        help_texts = {
            "slug": "The article's address: /articles/&lt;slug&gt;/. Made from the headline if left empty "
            "(Chinese in pinyin). Once published, a new slug keeps the old address working: readers and search "
            "engines following it are sent on to the new one (a permanent redirect)."
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict = None
        self.locked_version = None
        self.held = None
        self.pending = editing.pending_change(self.instance) if self.instance.pk else None
        if self.instance.pk and not self.is_bound:
            self.initial["loaded_version"] = self.instance.version
            self.initial["loaded_draft"] = self.pending.number if self.pending else 0
            if self.pending is not None:  # the editor goes on from the pending text, not the live one
                self.initial.update(editing.form_initial(self.pending.data))

    def clean_body(self):
        body = self.cleaned_data.get("body") or ""
        # A passage removed by a copyright correction is not pasted back in (issue 12, point 7).
        refused = takedowns.refused_passage(body, article=self.instance if self.instance.pk else None)
        if refused:
            raise ValidationError(refused, code="removed_passage")
        return body

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None:
            return cleaned
        loaded = cleaned.get("loaded_version")
        if loaded is None:
            raise ValidationError(
                "This form did not say which version of the article it was opened at, so saving it could "
                "overwrite someone else's work. Reload the page and make your changes again."
            )
        # Locked until the admin's transaction ends, so nobody saves between this check and our save.
        current = (
            Article.objects.select_for_update().filter(pk=self.instance.pk).values_list("version", flat=True).first()
        )
        if current is None:
            raise ValidationError("This article has been deleted meanwhile.")
        if loaded != current:
            self.conflict = self._describe_conflict(loaded)
            raise ValidationError(self.conflict["message"], code="conflict")
        if (cleaned.get("loaded_draft") or 0) != (self.pending.number if self.pending else 0):
            who = self.pending.author if self.pending else None
            raise ValidationError(
                "A change to this live article was proposed, published or discarded while you were editing "
                f"(last by {who.get_full_name() or who.get_username() if who else 'someone else'}). Your changes "
                "have NOT been saved. Copy your edits, reload the page, and apply them to what it shows now.",
                code="conflict",
            )
        self.locked_version = current
        return cleaned

    def _describe_conflict(self, loaded: int) -> dict:
        fresh = Article.objects.select_related("section", "hero_image", "editor", "responsible_editor").get(
            pk=self.instance.pk
        )
        now = revisions.snapshot(fresh)
        then = revisions.revision_at_version(fresh, loaded)
        latest = fresh.revisions.select_related("author").first()
        fields = revisions.changed_fields(then.data, now) if then else []
        fields = [name for name in fields if name != "status"] + (["status"] if "status" in fields else [])
        who = ""
        if latest is not None:
            by = latest.author.get_full_name() or latest.author.get_username() if latest.author else "the system"
            who = f" (last saved by {by}, {site_time(latest.created_at)})"
        labels = ", ".join(revisions.FIELD_LABELS[name] for name in fields) or "see the article's history"
        message = format_html(
            "Someone else saved this article while you were editing it{}. Your changes have NOT been saved, and "
            "nothing was overwritten. Changed since you opened it: {}. Copy your edits, reload the page, and "
            "apply them to the current version.",
            who,
            labels,
        )
        compare_url = ""
        if then and latest and then.number != latest.number:
            compare_url = (
                reverse("admin:articles_article_compare", args=[fresh.pk]) + f"?a={then.number}&b={latest.number}"
            )
        return {
            "message": message,
            "fields": [revisions.FIELD_LABELS[name] for name in fields],
            "diffs": revisions.compare(then.data, now) if then else [],
            "compare_url": compare_url,
        }


class CorrectionInline(admin.StackedInline):
    """Corrections are appended by responsible editors (the roles give editors only view access)."""

    model = Correction
    extra = 0
    fields = ["kind", "published_at", "text"]
    verbose_name = "public correction"


class QueueFilter(admin.SimpleListFilter):
    """The dashboard's queues, one click from the admin's front page."""

    title = "queue"
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return list(desk.QUEUES.items())

    def queryset(self, request, queryset):
        if self.value() in desk.QUEUES:
            return queryset.filter(desk.queue_q(self.value(), editor=desk.editor_profile(request.user)))
        return queryset


class AuditArticleFilter(admin.SimpleListFilter):
    """Filter the trail by article (`?article=<id>`; the article's page links here)."""

    title = "article"
    parameter_name = "article"

    def lookups(self, request, model_admin):
        choices = {}
        selected = self.value()
        if selected and selected.isdigit():
            article = Article.objects.filter(pk=int(selected)).only("title").first()
            if article is not None:
                choices[str(article.pk)] = article.title[:80]
        recent = (
            AuditEvent.objects.filter(content_type=ContentType.objects.get_for_model(Article))
            .order_by("-created_at")
            .values_list("object_id", "object_repr")[:200]
        )
        for object_id, label in recent:
            if len(choices) >= 20:
                break
            choices.setdefault(object_id, label[:80])
        return list(choices.items())

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if not value.isdigit():
            return queryset.none()
        return queryset.filter(content_type=ContentType.objects.get_for_model(Article), object_id=value)
