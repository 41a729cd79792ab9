"""Acceptance 6: /sitemap.xml (an index), /sitemap-news.xml in the Google News format, /robots.txt."""

import xml.etree.ElementTree as ET
from datetime import datetime

import pytest
import time_machine
from django.utils import timezone

from articles.models import Article
from tests.factories import ArticleFactory, EditorFactory, InitiativeFactory, SectionFactory

pytestmark = pytest.mark.django_db

SITE_URL = "https://news.example"
NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE_URL


def xml(client, url) -> ET.Element:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/xml")
    return ET.fromstring(response.content)  # noqa: S314 - our own output, in a test


def locations(client, url) -> list[str]:
    return [loc.text for loc in xml(client, url).iterfind("sm:url/sm:loc", NS)]


def test_index_lists_every_sitemap_with_absolute_urls(client):
    ArticleFactory()
    root = xml(client, "/sitemap.xml")

    assert root.tag == f"{{{NS['sm']}}}sitemapindex"
    listed = [loc.text for loc in root.iterfind("sm:sitemap/sm:loc", NS)]
    assert listed == [
        f"{SITE_URL}/sitemap-{name}.xml"
        for name in ["pages", "articles", "initiatives", "sections", "tags", "editors", "news"]
    ]
    for url in listed:
        xml(client, url.removeprefix(SITE_URL))  # each one answers, and is well formed


def test_sitemaps_list_only_what_readers_may_see(client):
    editor = EditorFactory(display_name="Credited Person")
    hidden_editor = EditorFactory(display_name="Only On Drafts")
    visible = ArticleFactory(title="Visible", tags=["ports"], editor=editor)
    ArticleFactory(title="Draft", status=Article.Status.DRAFT, tags=["secret scoop"], editor=hidden_editor)
    ArticleFactory(
        title="Scheduled", status=Article.Status.SCHEDULED, published_at=timezone.now() + timezone.timedelta(days=1)
    )
    ArticleFactory(title="Withheld", status=Article.Status.WITHHELD)
    initiative = InitiativeFactory()
    section = SectionFactory(name="Culture")

    assert locations(client, "/sitemap-articles.xml") == [SITE_URL + visible.get_absolute_url()]
    assert locations(client, "/sitemap-tags.xml") == [f"{SITE_URL}/tags/ports/"]
    assert SITE_URL + editor.get_absolute_url() in locations(client, "/sitemap-editors.xml")
    assert SITE_URL + hidden_editor.get_absolute_url() not in locations(client, "/sitemap-editors.xml")
    assert SITE_URL + initiative.get_absolute_url() in locations(client, "/sitemap-initiatives.xml")
    assert SITE_URL + section.get_absolute_url() in locations(client, "/sitemap-sections.xml")
    assert locations(client, "/sitemap-pages.xml") == [
        f"{SITE_URL}/",
        f"{SITE_URL}/articles/",
        f"{SITE_URL}/initiatives/",
    ]


def test_article_sitemap_gives_last_modification_dates(client):
    article = ArticleFactory()
    root = xml(client, "/sitemap-articles.xml")
    assert root.find("sm:url/sm:lastmod", NS).text == timezone.localtime(article.modified_at).strftime("%Y-%m-%d")


def test_unknown_sitemap_or_page_is_404(client):
    assert client.get("/sitemap-nothing.xml").status_code == 404
    assert client.get("/sitemap-articles.xml?p=99").status_code == 404
    assert client.get("/sitemap-articles.xml?p=abc").status_code == 404


@time_machine.travel(datetime(2026, 3, 5, 12, 0, tzinfo=timezone.UTC), tick=False)
def test_news_sitemap_has_the_last_two_days_in_google_news_format(client):
    now = timezone.now()
    recent = ArticleFactory(title="Forum opens in Beijing & Astana", published_at=now - timezone.timedelta(hours=5))
    chinese = ArticleFactory(title="论坛开幕", language="zh-hans", published_at=now - timezone.timedelta(hours=40))
    ArticleFactory(title="Three days old", published_at=now - timezone.timedelta(days=3))
    ArticleFactory(title="Draft today", status=Article.Status.DRAFT, published_at=now - timezone.timedelta(hours=1))

    root = xml(client, "/sitemap-news.xml")

    urls = root.findall("sm:url", NS)
    assert [u.find("sm:loc", NS).text for u in urls] == [
        SITE_URL + recent.get_absolute_url(),
        SITE_URL + chinese.get_absolute_url(),
    ]
    first = urls[0].find("news:news", NS)
    assert first.find("news:publication/news:name", NS).text == "Masthead News"
    assert first.find("news:publication/news:language", NS).text == "en"
    assert first.find("news:title", NS).text == "Forum opens in Beijing & Astana"
    published = datetime.fromisoformat(first.find("news:publication_date", NS).text)
    assert published == recent.published_at
    assert urls[1].find("news:news/news:publication/news:language", NS).text == "zh-cn"


def test_robots_txt_names_both_sitemaps(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert f"Sitemap: {SITE_URL}/sitemap.xml" in lines
    assert f"Sitemap: {SITE_URL}/sitemap-news.xml" in lines
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
