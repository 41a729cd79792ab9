from django.contrib import admin
from django.db.models import Count

from articles.admin import thumbnail_html
from articles.models import Article, Correction

from .models import ArticleRevision, AuditEvent, Editor, OutboundMessage


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
                _credited=Count("edited_articles", distinct=True) + Count("responsible_for_articles", distinct=True)
            )
            .order_by("display_name")
        )

    @admin.display(description="Credited on", ordering="_credited")
    def credited(self, obj: Editor) -> int:
        return obj._credited

    def get_search_results(self, request, queryset, search_term):
        # The credit-line autocomplete offers only people who may be credited now.
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if request.path.endswith("/autocomplete/"):
            queryset = queryset.filter(active=True)
        return queryset, may_have_duplicates


class CorrectionInline(admin.StackedInline):
    model = Correction
    extra = 0
    fields = ["kind", "published_at", "text"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "section", "editor", "responsible_editor", "published_at", "featured", "hero"]
    list_filter = ["status", "featured", "section", "initiatives", "language", "rights_basis"]
    search_fields = ["title", "dek", "slug", "editor__display_name", "responsible_editor__display_name"]
    autocomplete_fields = ["editor", "responsible_editor", "initiatives", "section", "hero_image"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_at"
    readonly_fields = ["status", "first_published_at", "created_at", "updated_at", "version"]
    list_select_related = ["section", "editor", "responsible_editor", "hero_image"]
    inlines = [CorrectionInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "dek", "body", "hero_image"]}),
        ("Credit line", {"fields": ["editor", "responsible_editor"]}),
        ("Filing", {"fields": ["section", "initiatives", "tags", "language", "featured", "published_at"]}),
        (
            "Source and rights",
            {
                "fields": ["rights_basis", "original_publisher", "original_url", "source_contact_email"],
                "classes": ["collapse"],
            },
        ),
        ("Status", {"fields": ["status", "first_published_at", "created_at", "updated_at", "version"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("hero_image__renditions")

    @admin.display(description="Picture")
    def hero(self, obj: Article):
        return thumbnail_html(obj.hero_image, size=60)


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


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only for everyone, superusers included: the record must not be editable from here."""

    list_display = ["created_at", "actor_label", "action", "object_repr", "from_state", "to_state"]
    list_filter = ["action", "content_type", "created_at"]
    search_fields = ["object_repr", "actor_label", "note", "object_id"]
    date_hierarchy = "created_at"

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
from . import complaints_admin  # noqa: E402, F401  (registers the complaint screens)
