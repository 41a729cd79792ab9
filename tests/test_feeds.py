"""Acceptance 5: RSS 2.0 and Atom feeds for the site, each initiative and each tag, read by a real parser."""

import re
from html import unescape

import feedparser
import pytest
from django.utils import timezone

from articles.models import Article
from tests.factories import ArticleFactory, EditorFactory, InitiativeFactory

pytestmark = pytest.mark.django_db

SITE_URL = "https://news.example"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE_URL


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    return response, feed


@pytest.fixture
def content():
    bri = InitiativeFactory(name="Belt and Road Initiative")
    editor = EditorFactory(display_name="He Chuanning")
    responsible = EditorFactory(display_name="Su Suiyue")
    railway = ArticleFactory(
        title="Railway line reaches the coast & the port",
        dek="A freight link opens <with> ceremony.",
        initiatives=[bri],
        tags=["rail", "trade"],
        editor=editor,
        responsible_editor=responsible,
    )
    school = ArticleFactory(title="Skills school opens", tags=["education"])
    ArticleFactory(title="Draft about rail", status=Article.Status.DRAFT, initiatives=[bri], tags=["rail"])
    ArticleFactory(
        title="Scheduled about rail",
        status=Article.Status.SCHEDULED,
        published_at=timezone.now() + timezone.timedelta(hours=3),
        initiatives=[bri],
        tags=["rail"],
    )
    return {"bri": bri, "railway": railway, "school": school}


@pytest.mark.parametrize(("url", "version"), [("/feeds/rss/", "rss20"), ("/feeds/atom/", "atom10")])
def test_site_feeds_list_published_articles_newest_first(client, content, url, version):
    response, feed = parse(client, url)

    assert feed.version == version
    assert feed.feed.title == "Masthead News"
    assert [entry.title for entry in feed.entries] == [
        "Skills school opens",
        "Railway line reaches the coast & the port",
    ]
    railway = feed.entries[1]
    assert railway.link == SITE_URL + content["railway"].get_absolute_url()
    assert unescape(railway.summary) == "A freight link opens <with> ceremony."
    assert {tag.term for tag in railway.tags} >= {"rail", "trade"}
    assert "He Chuanning" in railway.author and "Su Suiyue" in railway.author
    assert railway.published_parsed is not None


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_initiative_feed_has_only_that_initiatives_published_articles(client, content, kind):
    _, feed = parse(client, f"/feeds/initiatives/{content['bri'].slug}/{kind}/")

    assert feed.feed.title.startswith("Belt and Road Initiative")
    assert [entry.title for entry in feed.entries] == ["Railway line reaches the coast & the port"]


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_tag_feed_has_only_that_tags_published_articles(client, content, kind):
    _, feed = parse(client, f"/feeds/tags/rail/{kind}/")

    assert [entry.title for entry in feed.entries] == ["Railway line reaches the coast & the port"]
    assert feed.feed.link == SITE_URL + "/tags/rail/"


def test_feeds_for_unknown_or_unpublished_subjects_are_404(client, content):
    ArticleFactory(title="Only a draft", status=Article.Status.DRAFT, tags=["secret scoop"])

    assert client.get("/feeds/initiatives/no-such-thing/rss/").status_code == 404
    assert client.get("/feeds/tags/no-such-tag/atom/").status_code == 404
    assert client.get("/feeds/tags/secret-scoop/rss/").status_code == 404


def test_pages_name_their_feeds_with_link_rel_alternate(client, content):
    home = client.get("/").content.decode()
    initiative = client.get(content["bri"].get_absolute_url()).content.decode()
    tag = client.get("/tags/rail/").content.decode()
    article = client.get(content["railway"].get_absolute_url()).content.decode()

    for html in (home, initiative, tag, article):
        assert (
            '<link rel="alternate" type="application/rss+xml" title="Masthead News (RSS)" href="/feeds/rss/">' in html
        )
        assert (
            '<link rel="alternate" type="application/atom+xml" title="Masthead News (Atom)" href="/feeds/atom/">'
            in html
        )
    slug = content["bri"].slug
    assert f'title="Belt and Road Initiative (RSS)" href="/feeds/initiatives/{slug}/rss/"' in initiative
    assert 'type="application/atom+xml" title="rail (Atom)" href="/feeds/tags/rail/atom/"' in tag


def test_the_alternate_links_lead_to_feeds_that_parse(client, content):
    html = client.get(content["bri"].get_absolute_url()).content.decode()

    hrefs = re.findall(r'<link rel="alternate" type="application/(?:rss|atom)\+xml" title="[^"]*" href="([^"]+)"', html)
    assert len(hrefs) == 4
    for href in hrefs:
        parse(client, href)
