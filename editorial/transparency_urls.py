"""Routes of the public transparency report and the decision exports (mounted by editorial/urls.py)."""

urlpatterns: list = []
