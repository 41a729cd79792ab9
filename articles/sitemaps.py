"""Sitemaps for crawlers: an index at /sitemap.xml, one sitemap per kind of page, and a Google News sitemap.

Locations are absolute on settings.SITE_URL. The views are small wrappers around Django's sitemap
templates so the index, too, names SITE_URL rather than whatever host the request used.
"""

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import SitemapIndexItem
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import Exists, Max, OuterRef
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from . import edge
from .http import absolute_url
from .models import Article, Initiative, Section, credit_line_model

# Google News takes articles from the last two days, at most 1,000 per sitemap.
NEWS_WINDOW = timedelta(days=2)
NEWS_LIMIT = 1000
# Google News names languages by ISO 639 code, with two exceptions for Chinese.
NEWS_LANGUAGES = {"zh-hans": "zh-cn", "zh-hant": "zh-tw"}


class SiteSitemap(Sitemap):
    """Locations on settings.SITE_URL."""

    limit = 10_000

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class ArticleSitemap(SiteSitemap):
    changefreq = "daily"

    def items(self):
        return Article.objects.published().only("slug", "published_at", "updated_at").order_by("-published_at", "-pk")

    def lastmod(self, article: Article):
        return article.modified_at

    def get_latest_lastmod(self):
        return Article.objects.published().aggregate(latest=Max("updated_at"))["latest"]


class InitiativeSitemap(SiteSitemap):
    changefreq = "weekly"

    def items(self):
        return Initiative.objects.only("slug").order_by("pk")


class SectionSitemap(SiteSitemap):
    changefreq = "hourly"

    def items(self):
        return Section.objects.only("slug").order_by("pk")


class TagSitemap(SiteSitemap):
    changefreq = "daily"

    def items(self):
        # Only tags a published article carries have a public page.
        published = Article.objects.published()
        return Tag.objects.filter(article__in=published).exclude(slug="").distinct().only("slug").order_by("pk")

    def location(self, tag: Tag) -> str:
        return reverse("articles:tag", kwargs={"slug": tag.slug})


class EditorSitemap(SiteSitemap):
    changefreq = "weekly"

    def items(self):
        Editor = credit_line_model()
        published = Article.objects.published()
        # Two EXISTS probes per editor, not a join of every article twice and a DISTINCT over the result:
        # the join took minutes at 100,000 articles (docs/performance.md).
        return (
            Editor.objects.filter(
                Exists(published.filter(editor=OuterRef("pk")))
                | Exists(published.filter(responsible_editor=OuterRef("pk")))
            )
            .only("slug")
            .order_by("pk")
        )


class PageSitemap(SiteSitemap):
    changefreq = "hourly"

    def items(self):
        return ["articles:home", "articles:archive", "articles:initiatives"]

    def location(self, name: str) -> str:
        return reverse(name)


SITEMAPS = {
    "pages": PageSitemap,
    "articles": ArticleSitemap,
    "initiatives": InitiativeSitemap,
    "sections": SectionSitemap,
    "tags": TagSitemap,
    "editors": EditorSitemap,
}


def index(request):
    """The sitemap index: every section's sitemap (and its further pages), plus the news sitemap.

    Sitemaps are named for the edge cache as listings only: one may name 10,000 articles, too many for a
    header, and what it shows of an article (its address and date) changes with the listings anyway.
    """
    edge.tag(request, edge.LISTINGS)
    entries = []
    for name, sitemap_class in SITEMAPS.items():
        sitemap = sitemap_class()
        location = absolute_url(reverse("articles:sitemap-section", kwargs={"section": name}))
        lastmod = sitemap.get_latest_lastmod()
        entries.append(SitemapIndexItem(location, lastmod))
        for page in range(2, sitemap.paginator.num_pages + 1):
            entries.append(SitemapIndexItem(f"{location}?p={page}", lastmod))
    entries.append(SitemapIndexItem(absolute_url(reverse("articles:sitemap-news"))))
    return TemplateResponse(request, "sitemap_index.xml", {"sitemaps": entries}, content_type="application/xml")


def section(request, section: str):
    edge.tag(request, edge.LISTINGS)
    sitemap_class = SITEMAPS.get(section)
    if sitemap_class is None:
        raise Http404("No such sitemap.")
    try:
        urls = sitemap_class().get_urls(page=request.GET.get("p", 1))
    except (EmptyPage, PageNotAnInteger):
        raise Http404("No such sitemap page.") from None
    return TemplateResponse(request, "sitemap.xml", {"urlset": urls}, content_type="application/xml")


def news(request):
    """Google News sitemap: articles published in the last two days."""
    edge.tag(request, edge.LISTINGS)
    since = timezone.now() - NEWS_WINDOW
    articles = (
        Article.objects.published()
        .filter(published_at__gte=since)
        .only("slug", "title", "published_at", "language")
        .order_by("-published_at", "-pk")[:NEWS_LIMIT]
    )
    entries = [
        {
            "location": absolute_url(article.get_absolute_url()),
            "title": article.title,
            "published_at": article.published_at,
            "language": NEWS_LANGUAGES.get(article.language, article.language),
        }
        for article in articles
    ]
    return TemplateResponse(
        request,
        "articles/sitemap_news.xml",
        {"entries": entries, "publication": settings.SITE_NAME},
        content_type="application/xml",
    )
