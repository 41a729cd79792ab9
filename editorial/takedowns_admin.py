"""Back-office screen of the copyright desk's block list (imported by complaints_admin.py).

Officers see every removed picture and passage that still refuses uploads and pastes, and release one by
writing why; the release itself is `editorial.takedowns.takedown_release`, so it is checked and audited the
same way from anywhere.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html

from .complaints import ComplaintError, is_officer
from .models import TakedownFingerprint
from .takedowns import is_recognisable_picture, takedown_release


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
