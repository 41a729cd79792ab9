"""The copyright desk's public routes: the policy, complaints, answers, contact, the transparency report and
the decision exports. Included by editorial/urls.py without a namespace of its own, so every name stays
`editorial:<name>` (templates and tests use them)."""

from django.contrib import admin
from django.urls import include, path, re_path, register_converter

from . import transparency_views, views


class ReferenceConverter:
    """A complaint reference, e.g. CN-2026-000042."""

    regex = r"CN-[0-9]{4}-[0-9]{6}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class TokenConverter:
    """A URL-safe token as made by secrets.token_urlsafe."""

    regex = r"[A-Za-z0-9_-]{20,100}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ReferenceConverter, "reference")
register_converter(TokenConverter, "token")

# The exports are for officers: the admin site's own guard (signed in, staff, verified by a second factor
# when OTP_REQUIRED_FOR_STAFF is on) sends anyone else to the sign-in page; the view then checks the
# permission to read complaints.
_REFERENCE = r"(?P<reference>CN-[0-9]{4}-[0-9]{6})"

transparency_patterns = [
    path("", transparency_views.transparency_report, name="transparency"),
    path("report.csv", transparency_views.transparency_csv, name="transparency_csv"),
    path("report.json", transparency_views.transparency_json, name="transparency_json"),
    re_path(
        rf"^decisions/{_REFERENCE}\.lumen\.json$",
        admin.site.admin_view(transparency_views.decision_lumen),
        name="decision_lumen",
    ),
    re_path(
        rf"^decisions/{_REFERENCE}\.dsa\.json$",
        admin.site.admin_view(transparency_views.decision_dsa),
        name="decision_dsa",
    ),
]

urlpatterns = [
    path("copyright/transparency/", include(transparency_patterns)),
    path("copyright/", views.copyright_policy, name="copyright_policy"),
    path("copyright/notices/new/", views.complaint_new, name="complaint_new"),
    path("copyright/notices/new/sent/", views.complaint_filed, name="complaint_filed"),
    path("copyright/confirm/<token:token>/", views.complaint_verify, name="complaint_verify"),
    path("copyright/notices/<reference:reference>/", views.complaint_tracking, name="complaint_tracking"),
    path(
        "copyright/notices/<reference:reference>/information/",
        views.complaint_add_information,
        name="complaint_add_information",
    ),
    path("copyright/notices/<reference:reference>/withdraw/", views.complaint_withdraw, name="complaint_withdraw"),
    path("copyright/notices/<reference:reference>/appeal/", views.complaint_appeal, name="complaint_appeal"),
    path(
        "copyright/notices/<reference:reference>/court-action/",
        views.complaint_court_action,
        name="complaint_court_action",
    ),
    path("copyright/notices/<reference:reference>/answer/", views.complaint_answer, name="complaint_answer"),
    path(
        "copyright/notices/<reference:reference>/answer/counter-notice/",
        views.complaint_counter_notice,
        name="complaint_counter_notice",
    ),
    path(
        "copyright/notices/<reference:reference>/answer/appeal/",
        views.complaint_answer_appeal,
        name="complaint_answer_appeal",
    ),
    path("contact/", views.contact, name="contact"),
    path("contact/sent/", views.contact_sent, name="contact_sent"),
]
