"""The copyright desk's record screens: items, evidence, measures, parties, counter-notices and appeals (read
only: the moves write them), sanctions, contact messages, the outbox with a retry, and the block list of
removed pictures and passages (its release is `takedowns.takedown_release`, checked and audited the same way
from everywhere)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html

from editorial import outbox
from editorial.admin import OutboundMessageAdmin
from editorial.models import (
    AffectedParty,
    Appeal,
    ComplaintItem,
    ContactInquiry,
    CounterNotice,
    Evidence,
    Measure,
    NotifierSanction,
    OutboundMessage,
    TakedownFingerprint,
)
from editorial.readonly_admin import ReadOnlyAdminMixin

from .states import ComplaintError, is_officer
from .takedowns import is_recognisable_picture, takedown_release


class _ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    pass


@admin.register(ComplaintItem)
class ComplaintItemAdmin(_ReadOnlyAdmin):
    list_display = ["complaint", "position", "kind", "url", "outcome", "is_open"]
    list_filter = ["kind", "outcome", "is_open"]
    search_fields = ["url", "complaint__reference", "complaint__notifier_email"]
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


class ReleaseForm(forms.ModelForm):
    class Meta:
        model = TakedownFingerprint
        fields = ["release_note"]
        labels = {"release_note": "Release: why it may be used again"}

    def clean_release_note(self) -> str:
        note = self.cleaned_data["release_note"].strip()
        if not note:
            raise forms.ValidationError("Write why this picture or passage may be used again: saving releases it.")
        return note


@admin.register(TakedownFingerprint)
class TakedownFingerprintAdmin(admin.ModelAdmin):
    form = ReleaseForm
    list_display = ["kind", "complaint", "excerpt", "created_at", "status"]
    list_filter = ["kind", ("released_at", admin.EmptyFieldListFilter)]
    search_fields = ["excerpt", "measure__item__complaint__reference"]
    list_select_related = ["measure__item__complaint"]
    date_hierarchy = "created_at"
    fields = ["kind", "complaint", "excerpt", "recognisable", "created_at", "status", "release_note"]
    readonly_fields = ["kind", "complaint", "excerpt", "recognisable", "created_at", "status"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        # Only a copyright officer releases, and a released fingerprint stays released (read-only).
        allowed = super().has_change_permission(request, obj) and is_officer(request.user)
        return allowed and (obj is None or obj.blocking)

    def save_model(self, request, obj, form, change):
        try:
            takedown_release(fingerprint=obj, by=request.user, note=form.cleaned_data["release_note"])
        except ComplaintError as error:
            messages.error(request, str(error))

    @admin.display(description="Complaint")
    def complaint(self, obj: TakedownFingerprint):
        complaint = obj.measure.item.complaint
        url = reverse("admin:editorial_complaint_change", args=[complaint.pk])
        return format_html('<a href="{}">{}</a>', url, obj.reference)

    @admin.display(description="Recognisable", boolean=True)
    def recognisable(self, obj: TakedownFingerprint) -> bool:
        # Too plain a picture or too short a passage is kept on record but refuses nothing.
        if obj.kind == TakedownFingerprint.Kind.PICTURE:
            return is_recognisable_picture(obj.picture_hash)
        return bool(obj.shingles)

    @admin.display(description="Status")
    def status(self, obj: TakedownFingerprint) -> str:
        if obj.blocking:
            return "Refusing uploads and pastes"
        return f"{obj.get_release_reason_display()} on {obj.released_at:%Y-%m-%d}"
