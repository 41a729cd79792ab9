from django.urls import path

from . import views

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("articles/", views.ArchiveView.as_view(), name="archive"),
    path("articles/<slug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path("initiatives/", views.InitiativeIndexView.as_view(), name="initiatives"),
    path("initiatives/<slug:slug>/", views.InitiativeDetailView.as_view(), name="initiative"),
    path("sections/<slug:slug>/", views.SectionView.as_view(), name="section"),
    path("tags/<slug:slug>/", views.TagView.as_view(), name="tag"),
    path("editors/<slug:slug>/", views.EditorView.as_view(), name="editor"),
]
