from django.urls import path

from . import feeds, sitemaps, views

app_name = "articles"

# Tag slugs keep non-Latin letters (taggit slugifies with allow_unicode), so tag routes take any text.

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("articles/", views.ArchiveView.as_view(), name="archive"),
    path("articles/<slug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path("articles/<slug:slug>/recommended/", views.RecommendedView.as_view(), name="recommended"),
    path("initiatives/", views.InitiativeIndexView.as_view(), name="initiatives"),
    path("initiatives/<slug:slug>/", views.InitiativeDetailView.as_view(), name="initiative"),
    path("sections/<slug:slug>/", views.SectionView.as_view(), name="section"),
    path("tags/<str:slug>/", views.TagView.as_view(), name="tag"),
    path("editors/<slug:slug>/", views.EditorView.as_view(), name="editor"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("feeds/rss/", views.reader_view(feeds.LatestRssFeed()), name="feed-rss"),
    path("feeds/atom/", views.reader_view(feeds.LatestAtomFeed()), name="feed-atom"),
    path("feeds/initiatives/<slug:slug>/rss/", views.reader_view(feeds.InitiativeRssFeed()), name="initiative-rss"),
    path("feeds/initiatives/<slug:slug>/atom/", views.reader_view(feeds.InitiativeAtomFeed()), name="initiative-atom"),
    path("feeds/tags/<str:slug>/rss/", views.reader_view(feeds.TagRssFeed()), name="tag-rss"),
    path("feeds/tags/<str:slug>/atom/", views.reader_view(feeds.TagAtomFeed()), name="tag-atom"),
    path("sitemap.xml", views.reader_view(sitemaps.index), name="sitemap"),
    path("sitemap-news.xml", views.reader_view(sitemaps.news), name="sitemap-news"),
    path("sitemap-<slug:section>.xml", views.reader_view(sitemaps.section, params=("p",)), name="sitemap-section"),
    path("robots.txt", views.robots_txt, name="robots"),
]
