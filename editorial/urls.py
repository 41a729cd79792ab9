from django.urls import include, path

from . import views

app_name = "editorial"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("", include("editorial.copyright.urls")),
]
