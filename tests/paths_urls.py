"""A URLconf that mounts the reader site under /en/, for tests/test_paths.py."""

from django.urls import include, path

urlpatterns = [path("en/", include("articles.urls"))]
