from django.urls import include, path, register_converter

from . import views

app_name = "editorial"


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

urlpatterns = [
    path("copyright/transparency/", include("editorial.transparency_urls")),
    path("healthz", views.healthz, name="healthz"),
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
