from django.contrib import admin
from django.urls import include, path

from . import views

app_name = "editorial"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    # The desk's notices: behind the admin site's own guard (signed in, staff, second factor when required).
    path(
        "desk/notifications/<int:pk>/",
        admin.site.admin_view(views.notification_open),
        name="notification_open",
    ),
    path(
        "desk/notifications/read/",
        admin.site.admin_view(views.notifications_mark_read),
        name="notifications_mark_read",
    ),
    path(
        "desk/notifications/settings/",
        admin.site.admin_view(views.notification_preferences),
        name="notification_preferences",
    ),
    path("", include("editorial.copyright.urls")),
]
