from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from config.pages import favicon

urlpatterns = [
    path("favicon.ico", favicon),
    path("admin/", admin.site.urls),
    path("preview/", include("editorial.newsroom.preview_urls")),
    path("", include("editorial.urls")),
    path("", include("articles.urls")),
]

# A database outage raised outside a view still gets the 503 page, not a 500 (config/pages.py).
handler500 = "config.pages.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
