"""The newsroom's back office: editors, the article workflow (buttons, history, diffs, previews, the
scheduled list), revisions and the audit trail. Complaint screens live in complaints_admin.py."""

import datetime
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from taggit.models import Tag

from articles.admin import thumbnail_html
from articles.models import Article, Correction

from . import editing, preview, revisions, workflow
from .copyright import takedowns
from .models import ArticleRevision, AuditEvent, Editor, OutboundMessage
from .widgets import TagAutocompleteWidget


@admin.register(Editor)
class EditorAdmin(admin.ModelAdmin):
    list_display = ["display_name", "native_name", "title", "user", "active", "credited"]
    list_filter = ["active"]
    search_fields = ["display_name", "native_name", "title", "user__username", "user__email"]
    prepopulated_fields = {"slug": ["display_name"]}
    autocomplete_fields = ["user"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("user")
            .annotate(
                credited_count=Count("edited_articles", distinct=True)
                + Count("responsible_for_articles", distinct=True)
            )
            .order_by("display_name")
        )

    @admin.display(description="Credited on", ordering="credited_count")
    def credited(self, obj: Editor) -> int:
        return obj.credited_count

    def get_search_results(self, request, queryset, search_term):
        # The credit-line autocomplete offers only people who may be credited now.
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if request.path.endswith("/autocomplete/"):
            queryset = queryset.filter(active=True)
        return queryset, may_have_duplicates


# --- articles: the workflow's back office -------------------------------------------------------------------


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


def _revision_number(raw: str) -> int:
    """A revision number from a query string; ValueError for anything else (including absurdly long ones)."""
    if not raw.isdigit() or len(raw) > 9:
        raise ValueError(raw)
    return int(raw)


class ArticleAdminForm(forms.ModelForm):
    """The change form carries the version it was loaded at; a stale one is refused, showing what changed."""

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)
    # The pending change (of a live article) the form was opened on, 0 for none: a change proposed meanwhile
    # by someone else is a conflict, as a save is.
    loaded_draft = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

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
            "slug": "The article's address: /articles/&lt;slug&gt;/. Made from the headline if left empty; "
            "do not change it once published."
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
        return list(workflow.QUEUES.items())

    def queryset(self, request, queryset):
        if self.value() in workflow.QUEUES:
            return queryset.filter(workflow.queue_q(self.value(), editor=workflow.editor_profile(request.user)))
        return queryset


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = [
        "title",
        "status",
        "section",
        "editor",
        "responsible_editor",
        "publication",
        "featured",
        "hero",
    ]
    list_filter = [QueueFilter, "status", "featured", "section", "initiatives", "language", "rights_basis"]
    search_fields = ["title", "dek", "slug", "editor__display_name", "responsible_editor__display_name"]
    autocomplete_fields = ["editor", "responsible_editor", "initiatives", "section", "hero_image"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_at"
    # Status and publication time move only through the workflow buttons (editorial/workflow.py).
    readonly_fields = ["status", "published_at", "first_published_at", "created_at", "updated_at", "version"]
    list_select_related = ["section", "editor", "responsible_editor", "hero_image"]
    inlines = [CorrectionInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "dek", "body", "hero_image"]}),
        ("Credit line", {"fields": ["editor", "responsible_editor"]}),
        ("Filing", {"fields": ["section", "initiatives", "tags", "language", "featured"]}),
        (
            "Source and rights",
            {
                "fields": ["rights_basis", "original_publisher", "original_url", "source_contact_email"],
                "classes": ["collapse"],
            },
        ),
        (
            "Status",
            {"fields": ["status", "published_at", "first_published_at", "created_at", "updated_at", "version"]},
        ),
    ]

    class Media:
        css = {"all": ["editorial/workflow.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("hero_image__renditions")

    @admin.display(description="Picture")
    def hero(self, obj: Article):
        return thumbnail_html(obj.hero_image, size=60)

    @admin.display(description=f"Publication ({settings.TIME_ZONE})", ordering="published_at")
    def publication(self, obj: Article) -> str:
        if obj.published_at is None:
            return "—"
        return f"{timezone.localtime(obj.published_at, ZoneInfo(settings.TIME_ZONE)):%Y-%m-%d %H:%M}"

    # --- saving: version check (in the form), revision, audit, and the two-person rule after approval ------

    def save_model(self, request, obj, form, change):
        # The rules of a save live in editorial/editing.py; this only wires the form to them.
        if change:
            old = revisions.snapshot(Article.objects.get(pk=obj.pk))
            new = editing.proposed_snapshot(obj, form.cleaned_data)
            if editing.must_hold(obj, by=request.user, old=old, new=new):
                form.held = request.article_change_held = editing.propose_change(obj, by=request.user, data=new)
                return
            if form.locked_version is not None:
                obj.version = form.locked_version + 1
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        if form.held is not None:
            for formset in formsets:
                self.save_formset(request, form, formset, change)
            return
        super().save_related(request, form, formsets, change)
        article = form.instance
        before = article.status
        editing.record_edit(
            article,
            by=request.user,
            fields=sorted(set(form.changed_data) - {"loaded_version", "loaded_draft"}),
            created=not change,
        )
        if article.status != before:
            messages.warning(
                request,
                "You changed approved copy, so the article has gone back to review: "
                "a responsible editor must approve it again.",
            )

    def response_change(self, request, obj):
        form_held = getattr(request, "article_change_held", None)
        if form_held is not None:
            messages.info(
                request,
                "This article is live, so your change is held for review: readers go on seeing the live text "
                "until a responsible editor who did not write the change publishes it.",
            )
            return redirect(self._change_url(obj))
        return super().response_change(request, obj)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Correction:
            return super().save_formset(request, form, formset, change)
        saved = formset.save()
        article = form.instance
        for correction in saved:
            existed = any(correction is obj for obj, _ in formset.changed_objects)
            workflow.corrected(article, correction, by=request.user, changed=existed)
        for correction in formset.deleted_objects:
            AuditEvent.record(
                actor=request.user,
                subject=article,
                action="article.correction_deleted",
                from_state=article.status,
                to_state=article.status,
                note=correction.text[:500],
                details={"correction": correction.pk, "kind": correction.kind},
            )

    # --- extra screens --------------------------------------------------------------------------------------

    def get_urls(self):
        urls = super().get_urls()

        def wrap(view):
            return self.admin_site.admin_view(view)

        return [
            path("scheduled/", wrap(self.scheduled_view), name="articles_article_scheduled"),
            path("tag-suggestions/", wrap(self.tag_suggestions_view), name="articles_article_tag_suggestions"),
            path("<path:object_id>/workflow/", wrap(self.workflow_view), name="articles_article_workflow"),
            path("<path:object_id>/preview-link/", wrap(self.preview_link_view), name="articles_article_preview_link"),
            path(
                "<path:object_id>/pending-change/",
                wrap(self.pending_change_view),
                name="articles_article_pending_change",
            ),
            path("<path:object_id>/revisions/compare/", wrap(self.compare_view), name="articles_article_compare"),
            path(
                "<path:object_id>/revisions/<int:number>/restore/",
                wrap(self.restore_view),
                name="articles_article_restore",
            ),
        ] + urls

    def tag_suggestions_view(self, request):
        """Existing tags containing what the editor typed, most used first (JSON for the tag widget)."""
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        fragment = request.GET.get("q", "")[:100].split(",")[-1].strip()
        names = []
        if fragment:
            names = list(
                Tag.objects.filter(name__icontains=fragment)
                .annotate(uses=Count("taggit_taggeditem_items"))
                .order_by("-uses", "name")
                .values_list("name", flat=True)[:10]
            )
        return JsonResponse({"results": names})

    def get_object(self, request, object_id, from_field=None):
        # An id past the database's integer range is simply not an article (SQLite would raise OverflowError).
        if from_field is None and (len(str(object_id)) > 18):
            return None
        return super().get_object(request, object_id, from_field)

    def _article_or_none(self, request, object_id):
        article = self.get_object(request, unquote(object_id))
        if article is not None and not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        return article

    def _change_url(self, article: Article) -> str:
        return reverse("admin:articles_article_change", args=[article.pk])

    def change_view(self, request, object_id, form_url="", extra_context=None):
        article = self.get_object(request, unquote(object_id))
        extra_context = extra_context or {}
        if article is not None and self.has_view_or_change_permission(request, article):
            extra_context["workflow"] = self._workflow_context(request, article)
        return super().change_view(request, object_id, form_url, extra_context)

    def _workflow_context(self, request, article: Article) -> dict:
        available = workflow.available_transitions(article, request.user)
        last_request = (
            AuditEvent.objects.for_object(article).filter(action="article.request_changes").first()
            if article.status == Article.Status.CHANGES_REQUESTED
            else None
        )
        default_at = article.published_at if article.published_at and article.published_at > timezone.now() else None
        return {
            "transitions": available,
            "needs_time": any(t.name in ("schedule", "override_publish") for t in available),
            "default_at": (
                f"{timezone.localtime(default_at, ZoneInfo(settings.TIME_ZONE)):%Y-%m-%dT%H:%M}" if default_at else ""
            ),
            "time_zone": settings.TIME_ZONE,
            "scheduled_for": site_time(article.published_at) if article.status == Article.Status.SCHEDULED else "",
            "is_live": article.is_live,
            "last_request": last_request,
            "preview_url": preview.preview_url(article),
            "can_share": request.user.has_perm("articles.change_article") and not article.is_live,
            "durations": [(h, f"{h // 24} day{'s' if h > 24 else ''}") for h in preview.DURATIONS_HOURS],
            "default_hours": preview.DEFAULT_HOURS,
            "audit_url": reverse("admin:editorial_auditevent_changelist") + f"?article={article.pk}",
            "history_url": reverse("admin:articles_article_history", args=[article.pk]),
            "transition_table": workflow.TRANSITIONS,
            "pending": self._pending_context(request, article),
        }

    def _pending_context(self, request, article: Article) -> dict | None:
        pending = editing.pending_change(article)
        if pending is None:
            return None
        may_publish = request.user.has_perm("articles.publish_article")
        live = revisions.snapshot(article)
        return {
            "revision": pending,
            "diffs": revisions.compare(live, {**pending.data, "status": live["status"]}),
            "can_publish": may_publish and not workflow.wrote_this_version(request.user, article),
            "can_discard": may_publish or pending.author_id == request.user.pk,
            "author_label": (pending.author.get_full_name() or pending.author.get_username())
            if pending.author
            else "someone",
        }

    def pending_change_view(self, request, object_id):
        """Publish or discard the change waiting on a live article (editorial/editing.py decides who may)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._article_or_none(request, object_id)
        if article is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        number = request.POST.get("number", "")
        action = request.POST.get("action", "")
        if not number.isdigit() or len(number) > 9 or action not in ("publish", "discard"):
            messages.error(request, "The page was incomplete; reload it and try again.")
            return redirect(self._change_url(article))
        try:
            if action == "publish":
                editing.approve_change(article, by=request.user, number=int(number), note=request.POST.get("note", ""))
                messages.success(request, f"The change is live: “{article.title}” now reads as revision {number}.")
            else:
                editing.discard_change(article, by=request.user, number=int(number), note=request.POST.get("note", ""))
                messages.success(request, "The change was discarded; the live article is unchanged.")
        except workflow.WorkflowError as refused:
            messages.error(request, str(refused))
        return redirect(self._change_url(article))

    def workflow_view(self, request, object_id):
        """One workflow button was pressed: make the transition or say clearly why not."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._article_or_none(request, object_id)
        if article is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        name = request.POST.get("transition", "")
        transition = workflow.TRANSITIONS.get(name)
        if transition is None or name == "return_to_review":
            messages.error(request, "That workflow action does not exist.")
            return redirect(self._change_url(article))
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            messages.error(request, "The page was incomplete; reload it and try again.")
            return redirect(self._change_url(article))
        note = request.POST.get("note", "")
        common = {"by": request.user, "note": note}
        try:
            match name:
                case "schedule":
                    result = workflow.schedule(
                        article, at=parse_site_time(request.POST.get("publish_at")), expected_version=version, **common
                    )
                case "override_publish":
                    raw_at = request.POST.get("publish_at", "").strip()
                    at = parse_site_time(raw_at) if raw_at and request.POST.get("override_when") == "at" else None
                    result = workflow.override_publish(article, at=at, expected_version=version, **common)
                case "withhold" | "restore":
                    result = getattr(workflow, name)(article, details={"via": "article admin"}, **common)
                case _:
                    result = getattr(workflow, name)(article, expected_version=version, **common)
        except workflow.WorkflowError as refused:
            messages.error(request, str(refused))
        else:
            message = f"“{result.title}” is now {result.get_status_display().lower()}."
            if result.status == Article.Status.SCHEDULED:
                message += f" It goes live at {site_time(result.published_at)}."
            if name == "override_publish":
                message += " Recorded as a chief editor's override."
            messages.success(request, message)
        return redirect(self._change_url(article))

    def preview_link_view(self, request, object_id):
        """Make a signed, expiring preview link for someone without an account."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._article_or_none(request, object_id)
        if article is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not request.user.has_perm("articles.change_article"):
            raise PermissionDenied
        if article.is_live:
            messages.error(request, "This article is live: share its public address instead of a preview link.")
            return redirect(self._change_url(article))
        try:
            hours = int(request.POST.get("hours", preview.DEFAULT_HOURS))
            link, expires = preview.make_link(article, by=request.user, hours=hours)
        except ValueError:
            messages.error(request, "Choose how long the link should work.")
            return redirect(self._change_url(article))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": f"Preview link: {article.title}",
            "link": request.build_absolute_uri(link),
            "expires": site_time(expires),
            "change_url": self._change_url(article),
        }
        response = TemplateResponse(request, "admin/articles/article/preview_link.html", context)
        response["Cache-Control"] = "private, no-store"
        return response

    def scheduled_view(self, request):
        """What is scheduled, soonest first, in the site's time zone."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        now = timezone.now()
        articles = list(
            Article.objects.filter(workflow.queue_q("scheduled", editor=None, now=now))
            .select_related("editor", "responsible_editor", "section")
            .order_by("published_at", "pk")
        )
        for article in articles:
            article.site_time = site_time(article.published_at)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Scheduled articles",
            "articles": articles,
            "time_zone": settings.TIME_ZONE,
            "now": site_time(now),
        }
        return TemplateResponse(request, "admin/articles/article/scheduled.html", context)

    def history_view(self, request, object_id, extra_context=None):
        """Every revision of the article, with who saved it and why, and its workflow trail."""
        article = self._article_or_none(request, object_id)
        if article is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        revision_list = list(article.revisions.select_related("author").order_by("-number")[:500])
        events = list(AuditEvent.objects.for_object(article).select_related("actor")[:200])
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "object": article,
            "title": f"History: {article.title}",
            "revisions": revision_list,
            "events": events,
            "can_restore": self.has_change_permission(request, article),
            "compare_url": reverse("admin:articles_article_compare", args=[article.pk]),
            "change_url": self._change_url(article),
            "time_zone": settings.TIME_ZONE,
        }
        return TemplateResponse(request, "admin/articles/article/history.html", context)

    def compare_view(self, request, object_id):
        """A readable diff between any two revisions (`?a=` older, `?b=` newer; `b` may be `current`)."""
        article = self._article_or_none(request, object_id)
        if article is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        try:
            a = _revision_number(request.GET.get("a", ""))
            b_raw = request.GET.get("b", "")
            b = None if b_raw == "current" else _revision_number(b_raw)
        except ValueError:
            messages.error(request, "Choose two revisions to compare.")
            return redirect(reverse("admin:articles_article_history", args=[article.pk]))
        if b is not None and b < a:
            a, b = b, a
        found = {r.number: r for r in article.revisions.select_related("author").filter(number__in=[a, b or a])}
        if a not in found or (b is not None and b not in found):
            messages.error(request, "One of those revisions does not exist.")
            return redirect(reverse("admin:articles_article_history", args=[article.pk]))
        old = found[a]
        new_data = found[b].data if b is not None else revisions.snapshot(article)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": f"Changes to “{article.title}”",
            "old": old,
            "new": found.get(b),
            "diffs": revisions.compare(old.data, new_data),
            "history_url": reverse("admin:articles_article_history", args=[article.pk]),
            "change_url": self._change_url(article),
        }
        return TemplateResponse(request, "admin/articles/article/compare.html", context)

    def restore_view(self, request, object_id, number):
        """Confirm (GET) and restore (POST) an earlier revision; restoring makes a new revision."""
        article = self._article_or_none(request, object_id)
        if article is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        revision = article.revisions.filter(number=number).first() if number < 2**31 else None
        if revision is None:
            messages.error(request, f"Revision {number} does not exist.")
            return redirect(reverse("admin:articles_article_history", args=[article.pk]))
        if request.method == "POST":
            try:
                version = int(request.POST.get("version", ""))
            except ValueError:
                version = -1
            try:
                new, held = editing.restore(article, revision, by=request.user, expected_version=version)
            except (revisions.RestoreError, workflow.WorkflowError) as refused:
                messages.error(request, str(refused))
                return redirect(reverse("admin:articles_article_history", args=[article.pk]))
            if held:
                messages.info(
                    request,
                    f"The article is live, so restoring revision {number} is held for review as revision "
                    f"{new.number}: a responsible editor who did not propose it must publish it.",
                )
                return redirect(self._change_url(article))
            if Article.objects.filter(pk=article.pk, status=Article.Status.IN_REVIEW).exists() and article.status in (
                Article.Status.APPROVED,
                Article.Status.SCHEDULED,
            ):
                messages.warning(request, "Restoring changed approved copy, so it has gone back to review.")
            messages.success(request, f"Revision {number} restored, as new revision {new.number}.")
            return redirect(self._change_url(article))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": f"Restore revision {number} of “{article.title}”?",
            "revision": revision,
            "diffs": revisions.compare(revisions.snapshot(article), revision.data),
            "history_url": reverse("admin:articles_article_history", args=[article.pk]),
        }
        return TemplateResponse(request, "admin/articles/article/restore.html", context)


@admin.register(ArticleRevision)
class ArticleRevisionAdmin(admin.ModelAdmin):
    list_display = ["article", "number", "author", "created_at", "summary"]
    list_select_related = ["article", "author"]
    search_fields = ["article__title", "summary"]
    readonly_fields = ["article", "number", "author", "created_at", "summary", "data"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only for everyone, superusers included: the record must not be editable from here."""

    list_display = ["created_at", "actor_label", "action", "object_repr", "from_state", "to_state", "short_note"]
    list_filter = [
        AuditArticleFilter,
        ("actor", admin.RelatedOnlyFieldListFilter),
        "action",
        "content_type",
        "created_at",
    ]
    search_fields = ["object_repr", "actor_label", "note", "object_id"]
    date_hierarchy = "created_at"
    list_select_related = ["content_type"]
    readonly_fields = [
        "created_at",
        "actor",
        "actor_label",
        "action",
        "content_type",
        "object_id",
        "object_repr",
        "from_state",
        "to_state",
        "note",
        "details",
    ]

    @admin.display(description="Note")
    def short_note(self, obj: AuditEvent) -> str:
        return obj.note[:120]

    def get_actions(self, request, action_location=None):
        return {}  # not even "delete selected": the audit trail is append-only

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OutboundMessage)
class OutboundMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "to", "subject", "kind", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["to", "subject"]
    readonly_fields = [
        "created_at",
        "to",
        "subject",
        "body",
        "kind",
        "content_type",
        "object_id",
        "status",
        "attempts",
        "last_error",
        "sent_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.site_header = "Masthead back office"
admin.site.site_title = "Masthead"
admin.site.index_title = "Newsroom"
from .copyright import admin as copyright_admin  # noqa: E402, F401  (registers the complaint screens)
