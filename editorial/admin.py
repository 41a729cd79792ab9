"""The back office's shared screens (the outbox) and the site's titles. Each desk registers its own screens:
the newsroom's in editorial/newsroom/admin.py, the copyright desk's in editorial/copyright/admin.py (which imports
OutboundMessageAdmin from here)."""

from django.contrib import admin

from .models import OutboundMessage


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
from .newsroom import admin as newsroom_admin  # noqa: E402, F401, I001  (registers the newsroom's screens)
from .copyright import admin as copyright_admin  # noqa: E402, F401  (registers the complaint screens)
