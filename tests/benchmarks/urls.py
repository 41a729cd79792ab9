"""The bench URLconf: the whole site, plus two bare-Django reference views that mark the limit.

- /bench/constant/: a constant response, the cost of Django's request cycle and our middleware alone;
- /bench/articles/<pk>/: one article fetched by primary key (one query) through a minimal template.

Both go through the same middleware as the site, so a page's ratio to them measures what our own code
costs, on whatever machine the benchmark runs.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template import engines
from django.urls import path

from articles.models import Article
from config import urls as site_urls

ARTICLE = engines["django"].from_string(
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ article.title }}</title></head>'
    "<body><h1>{{ article.title }}</h1><p>{{ article.dek }}</p>{{ article.body|safe }}</body></html>"
)


def constant(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"Bare Django answers.\n", content_type="text/plain; charset=utf-8")


def article(request: HttpRequest, pk: int) -> HttpResponse:
    # The body was sanitised when it was saved, as on the real article page.
    return HttpResponse(ARTICLE.render({"article": get_object_or_404(Article, pk=pk)}))


urlpatterns = [
    path("bench/constant/", constant, name="bench-constant"),
    path("bench/articles/<int:pk>/", article, name="bench-article"),
    *site_urls.urlpatterns,
]

handler500 = site_urls.handler500
