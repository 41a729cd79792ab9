from django.urls import path

from . import views

app_name = "editorial"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
]
