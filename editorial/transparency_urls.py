"""Routes of the public transparency report and the decision exports (mounted by editorial/urls.py at
/copyright/transparency/, inside the `editorial` namespace)."""

from django.contrib import admin
from django.urls import path, re_path

from . import transparency_views as views

# The exports are for officers: the admin site's own guard (signed in, staff, verified by a second factor
# when OTP_REQUIRED_FOR_STAFF is on) sends anyone else to the sign-in page; the view then checks the
# permission to read complaints.
_REFERENCE = r"(?P<reference>CN-[0-9]{4}-[0-9]{6})"

urlpatterns = [
    path("", views.transparency_report, name="transparency"),
    path("report.csv", views.transparency_csv, name="transparency_csv"),
    path("report.json", views.transparency_json, name="transparency_json"),
    re_path(
        rf"^decisions/{_REFERENCE}\.lumen\.json$",
        admin.site.admin_view(views.decision_lumen),
        name="decision_lumen",
    ),
    re_path(
        rf"^decisions/{_REFERENCE}\.dsa\.json$",
        admin.site.admin_view(views.decision_dsa),
        name="decision_dsa",
    ),
]
