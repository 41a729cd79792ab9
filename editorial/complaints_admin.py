"""Back-office screens for copyright complaints (imported by editorial/admin.py).

Complaints are read here; their state changes only through the named transitions of
`editorial.models.complaints` (the moderation screens of part 2 call them). Nothing in a complaint's file
can be deleted from the admin: the record must stay complete.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from . import outbox
from .admin import OutboundMessageAdmin
from .models import (
    AffectedParty,
    Appeal,
    AuditEvent,
    Complaint,
    ComplaintItem,
    ComplaintReply,
    ContactInquiry,
    CounterNotice,
    Evidence,
    Measure,
    NotifierSanction,
    OutboundMessage,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ComplaintItemInline(ReadOnlyInline):
    model = ComplaintItem
    fields = ["position", "kind", "url", "article", "image", "passage", "outcome"]
    readonly_fields = fields


class EvidenceInline(ReadOnlyInline):
    model = Evidence
    fields = ["download", "content_type", "size", "added_by", "uploaded_at", "sha256"]
    readonly_fields = fields

    @admin.display(description="File")
    def download(self, obj: Evidence):
        url = reverse("admin:editorial_complaint_evidence", args=[obj.complaint_id, obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.original_name)


class ComplaintReplyInline(ReadOnlyInline):
    model = ComplaintReply
    fields = ["created_at", "author", "text"]
    readonly_fields = fields


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "status",
        "regime",
        "notifier_name",
        "notifier_email",
        "item_count",
        "created_at",
        "decision_due_at",
        "assignee",
    ]
    list_filter = ["status", "regime", "remedy", "capacity"]
    search_fields = ["reference", "notifier_name", "notifier_email", "notifier_organisation", "items__url"]
    list_select_related = ["assignee"]
    date_hierarchy = "created_at"
    inlines = [ComplaintItemInline, EvidenceInline, ComplaintReplyInline]
    # What an officer may set by hand; everything else changes only through transitions.
    editable_fields = ["regime", "assignee", "decision_due_at"]
    fieldsets = [
        ("Status", {"fields": ["reference", "status", "regime", "assignee", "decision_due_at", "reply_due_at"]}),
        (
            "Notifier",
            {
                "fields": [
                    "notifier_name",
                    "notifier_organisation",
                    "notifier_email",
                    "notifier_phone",
                    "notifier_address",
                    "notifier_country",
                    "capacity",
                    "on_behalf_of",
                ]
            },
        ),
        (
            "The work and the claim",
            {
                "fields": [
                    "work_description",
                    "original_location",
                    "original_published_on",
                    "first_publication_proof",
                    "explanation",
                    "remedy",
                ]
            },
        ),
        (
            "Statements",
            {"fields": ["statement_good_faith", "statement_accuracy", "statement_fair_use", "signature"]},
        ),
        ("Dates", {"fields": ["created_at", "received_at", "decided_at", "restore_due_at", "closed_at"]}),
        ("Audit trail", {"fields": ["audit_trail"]}),
    ]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "assignee":
            from django.contrib.auth import get_user_model
            from django.db.models import Q

            officers = Q(groups__permissions__codename="decide_complaint") | Q(
                user_permissions__codename="decide_complaint"
            )
            kwargs["queryset"] = (
                get_user_model().objects.filter(is_active=True, is_staff=True).filter(officers | Q(is_superuser=True))
            ).distinct()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        every = [f for fieldset in self.fieldsets for f in fieldset[1]["fields"]]
        return [f for f in every if f not in self.editable_fields]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_items=Count("items"))

    @admin.display(description="Items", ordering="_items")
    def item_count(self, obj: Complaint) -> int:
        return obj._items

    @admin.display(description="Audit trail")
    def audit_trail(self, obj: Complaint):
        events = AuditEvent.objects.for_object(obj).order_by("created_at", "pk")
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{} → {}</td><td>{}</td></tr>",
            (
                (
                    timezone.localtime(e.created_at).strftime("%Y-%m-%d %H:%M"),
                    e.actor_label or e.details.get("by", "system"),
                    e.action,
                    e.from_state or "—",
                    e.to_state or "—",
                    e.note,
                )
                for e in events
            ),
        )
        return format_html("<table><tbody>{}</tbody></table>", rows)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "<int:complaint_id>/evidence/<int:evidence_id>/",
                self.admin_site.admin_view(self.evidence_file),
                name="editorial_complaint_evidence",
            ),
            *super().get_urls(),
        ]

    def evidence_file(self, request, complaint_id: int, evidence_id: int):
        """Serve an evidence file from private storage, to officers only, as a download (never rendered)."""
        if not request.user.has_perm("editorial.view_evidence"):
            raise PermissionDenied
        evidence = get_object_or_404(Evidence, pk=evidence_id, complaint_id=complaint_id)
        try:
            handle = evidence.file.open("rb")
        except FileNotFoundError:
            raise Http404("The file is missing from private storage.") from None
        response = FileResponse(
            handle, as_attachment=True, filename=evidence.original_name, content_type=evidence.content_type
        )
        response["Content-Security-Policy"] = "sandbox; default-src 'none'"
        response["Cache-Control"] = "private, no-store"
        return response


class _ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ComplaintItem)
class ComplaintItemAdmin(_ReadOnlyAdmin):
    list_display = ["complaint", "position", "kind", "url", "outcome", "is_open"]
    list_filter = ["kind", "outcome", "is_open"]
    search_fields = ["url", "complaint__reference", "notifier_email"]
    list_select_related = ["complaint"]


@admin.register(Evidence)
class EvidenceAdmin(_ReadOnlyAdmin):
    list_display = ["original_name", "complaint", "content_type", "size", "uploaded_at"]
    list_filter = ["content_type"]
    search_fields = ["original_name", "complaint__reference", "sha256"]
    list_select_related = ["complaint"]
    exclude = ["file"]  # downloaded through the complaint's page, never linked by storage URL


@admin.register(Measure)
class MeasureAdmin(_ReadOnlyAdmin):
    list_display = ["item", "kind", "applied_at", "reversed_at"]
    list_filter = ["kind"]
    list_select_related = ["item"]


@admin.register(AffectedParty)
class AffectedPartyAdmin(_ReadOnlyAdmin):
    list_display = ["name", "role", "complaint", "notified_at"]
    search_fields = ["name", "email", "complaint__reference"]
    list_select_related = ["complaint"]
    exclude = ["token_hash"]


@admin.register(CounterNotice)
class CounterNoticeAdmin(_ReadOnlyAdmin):
    list_display = ["complaint", "name", "created_at", "valid", "forwarded_at"]
    search_fields = ["name", "email", "complaint__reference"]
    list_select_related = ["complaint"]


@admin.register(Appeal)
class AppealAdmin(_ReadOnlyAdmin):
    list_display = ["complaint", "by", "created_at", "outcome", "decided_by"]
    list_filter = ["by", "outcome"]
    list_select_related = ["complaint", "decided_by"]


@admin.register(NotifierSanction)
class NotifierSanctionAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "kind", "starts_at", "ends_at"]
    list_filter = ["kind"]
    search_fields = ["email", "organisation"]
    readonly_fields = ["created_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ContactInquiry)
class ContactInquiryAdmin(admin.ModelAdmin):
    list_display = ["subject", "kind", "name", "email", "organisation", "created_at", "status"]
    list_filter = ["kind", "status", "created_at"]
    search_fields = ["subject", "name", "email", "organisation", "message"]
    date_hierarchy = "created_at"
    readonly_fields = ["kind", "name", "email", "organisation", "subject", "message", "created_at", "handled_by"]
    fields = [*readonly_fields, "status", "internal_note"]
    actions = ["mark_answered"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if "status" in form.changed_data:
            obj.handled_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description="Mark as answered", permissions=["change"])
    def mark_answered(self, request, queryset):
        count = queryset.exclude(status=ContactInquiry.Status.ANSWERED).update(
            status=ContactInquiry.Status.ANSWERED, handled_by=request.user
        )
        self.message_user(request, f"{count} inquiries marked as answered.", messages.SUCCESS)


class RetryableOutboundMessageAdmin(OutboundMessageAdmin):
    """The outbox, with a "retry" action for messages that failed. The message itself is never edited."""

    actions = ["retry_sending"]
    list_display = [*OutboundMessageAdmin.list_display, "last_error_short"]

    @admin.display(description="Last error")
    def last_error_short(self, obj: OutboundMessage) -> str:
        return obj.last_error[:120]

    @admin.action(description="Send again now", permissions=["change"])
    def retry_sending(self, request, queryset):
        retried = sum(outbox.retry(message, actor=request.user) for message in queryset)
        skipped = queryset.count() - retried
        self.message_user(request, f"{retried} message(s) queued to be sent again.", messages.SUCCESS)
        if skipped:
            self.message_user(request, f"{skipped} message(s) were already sent and were left alone.", messages.INFO)


admin.site.unregister(OutboundMessage)
admin.site.register(OutboundMessage, RetryableOutboundMessageAdmin)
