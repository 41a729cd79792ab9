"""Preview routes for unpublished articles (mounted at /preview/ in config/urls.py)."""

from django.urls import path

from . import preview

app_name = "preview"

urlpatterns = [
    path("articles/<int:pk>/", preview.staff_preview, name="article"),
    path("<str:token>/", preview.shared_preview, name="shared"),
]
