"""The newsroom's back office: editors, articles (the screens are in admin_views.py), revisions and the
audit trail. Registered on import by editorial/admin.py, which Django's admin autodiscovery loads."""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from taggit.models import Tag

from articles.admin import thumbnail_html
from articles.models import Article, Correction
from editorial.models import AuditEvent
from editorial.readonly_admin import ReadOnlyAdminMixin

from . import corrections, desk, editing, revisions
from .admin_forms import ArticleAdminForm, AuditArticleFilter, CorrectionInline, QueueFilter
from .admin_views import ArticleScreens
from .models import ArticleRevision, Editor


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


@admin.register(Article)
class ArticleAdmin(ArticleScreens, admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = [
        "title",
        "status_label",
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
    # Status and publication time move only through the workflow buttons (editorial/newsroom/workflow.py).
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
        js = ["editorial/autosave.js"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("hero_image__renditions")

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        revision = self._autosave_to_load(request, obj)
        if revision is None:
            return form
        initial = editing.form_initial(revision.data)

        class FromAutosave(form):
            """The form opened on the editor's autosaved text (`?autosave=<number>`), not the article's."""

            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                if not self.is_bound:
                    self.initial.update(initial)

        return FromAutosave

    @admin.display(description="Status", ordering="status")
    def status_label(self, obj: Article) -> str:
        return desk.status_label(obj)

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
        # The rules of a save live in editorial/newsroom/editing.py; this only wires the form to them.
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
        editing.stop_editing(article, by=request.user)
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
            corrections.corrected(article, correction, by=request.user, changed=existed)
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
            path("<path:object_id>/editing/", wrap(self.editing_view), name="articles_article_editing"),
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
        if article is not None and self.has_change_permission(request, article):
            extra_context["editing"] = self._editing_context(request, article)
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(ArticleRevision)
class ArticleRevisionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["article", "number", "author", "created_at", "summary"]
    list_select_related = ["article", "author"]
    search_fields = ["article__title", "summary"]
    readonly_fields = ["article", "number", "author", "created_at", "summary", "data"]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
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
