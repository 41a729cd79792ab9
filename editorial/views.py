"""Views shared by the whole site that belong to no desk (the copyright desk's pages are in
`editorial/copyright/views.py`)."""

from django import forms
from django.contrib import admin, messages
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import notifications
from .models import Notification, NotificationKind


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Readiness: 200 when the database and the cache both answer, 503 otherwise. Two tiny round trips."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception as error:  # any failure means not ready
        checks["database"] = f"error: {type(error).__name__}"
    try:
        cache.set("healthz", "1", 5)
        checks["cache"] = "ok" if cache.get("healthz") == "1" else "error: value not kept"
    except Exception as error:
        checks["cache"] = f"error: {type(error).__name__}"
    healthy = all(v == "ok" for v in checks.values())
    return JsonResponse({"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503)


# --- notifications (both desks; the rules are in editorial/notifications.py) --------------------------------


class NotificationPreferencesForm(forms.Form):
    """One choice per kind of event: by email, on the desk, both, or neither."""

    CHOICES = [
        ("both", "Email and desk"),
        ("email", "Email only"),
        ("in_app", "Desk only"),
        ("none", "Neither"),
    ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, preference in notifications.preferences_of(user).items():
            current = {(True, True): "both", (True, False): "email", (False, True): "in_app"}.get(
                (preference.email, preference.in_app), "none"
            )
            self.fields[kind] = forms.ChoiceField(
                label=NotificationKind(kind).label, choices=self.CHOICES, initial=current
            )

    def choices(self) -> dict[str, tuple[bool, bool]]:
        """Each kind's (email, in_app), from the cleaned data."""
        return {
            kind: (value in ("both", "email"), value in ("both", "in_app")) for kind, value in self.cleaned_data.items()
        }


def _back_to_desk(link: str) -> str:
    """A notice's link if it is a page of this site, else the desk (a stored link never sends anyone away)."""
    if link.startswith("/") and url_has_allowed_host_and_scheme(link, allowed_hosts=None):
        return link
    return reverse("admin:index")


@never_cache
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Open one of my notices: it is marked read and leads to what it is about."""
    notice = get_object_or_404(Notification.objects.for_user(request.user), pk=pk)
    notifications.mark_read(request.user, pk=notice.pk)
    return redirect(_back_to_desk(notice.link))


@require_POST
def notifications_mark_read(request: HttpRequest) -> HttpResponse:
    """Mark one notice (`notice` in the form) or all of mine read, and go back to the desk."""
    raw = request.POST.get("notice", "")
    if raw and not raw.isdigit():
        return HttpResponseBadRequest("Which notice? The form sent something that is not a notice's number.")
    changed = notifications.mark_read(request.user, pk=int(raw) if raw else None)
    messages.success(request, f"{changed} notice{'s' if changed != 1 else ''} marked read.")
    return redirect("admin:index")


@never_cache
def notification_preferences(request: HttpRequest) -> HttpResponse:
    """How I want to hear about each kind of event."""
    form = NotificationPreferencesForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            notifications.preferences_save(request.user, form.choices())
            messages.success(request, "Your notification settings are saved.")
            return redirect("editorial:notification_preferences")
        status = 400
    else:
        status = 200
    context = {
        **admin.site.each_context(request),
        "title": "Notification settings",
        "form": form,
        "has_email": bool(notifications.email_address(request.user)),
    }
    return render(request, "editorial/notification_preferences.html", context, status=status)
