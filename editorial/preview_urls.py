"""Preview routes for drafts (editorial workflow)."""

app_name = "preview"

urlpatterns: list = []
