"""Acceptance 7: each article carries NewsArticle JSON-LD, Open Graph and article:* tags, a canonical link and
max-image-preview:large. Read back the way a crawler reads them: parse the HTML, collect <meta>/<link>,
json-decode every ld+json block."""

import json
from collections import defaultdict
from datetime import datetime
from html.parser import HTMLParser

import pytest

from tests.factories import (
    ArticleFactory,
    CorrectionFactory,
    EditorFactory,
    InitiativeFactory,
    RenderedImageFactory,
    SectionFactory,
    image_upload,
)

pytestmark = pytest.mark.django_db

SITE_URL = "https://news.example"


class CrawlerView(HTMLParser):
    """What a search engine's crawler takes from a page's markup."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.meta = defaultdict(list)
        self.links = defaultdict(list)
        self.json_ld = []
        self._in_ld = False
        self._buffer = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta":
            key = attrs.get("property") or attrs.get("name")
            if key:
                self.meta[key].append(attrs.get("content"))
        elif tag == "link":
            self.links[attrs.get("rel")].append(attrs.get("href"))
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_ld, self._buffer = True, []

    def handle_data(self, data):
        if self._in_ld:
            self._buffer.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._in_ld:
            self.json_ld.append(json.loads("".join(self._buffer)))
            self._in_ld = False


def crawl(client, url) -> CrawlerView:
    response = client.get(url)
    assert response.status_code == 200
    view = CrawlerView()
    view.feed(response.content.decode())
    return view


@pytest.fixture
def article(settings):
    settings.SITE_URL = SITE_URL
    hero = RenderedImageFactory(file=image_upload(size=(1800, 1200)), alt_text="Delegates at the opening session")
    article = ArticleFactory(
        title="Forum on global development opens in Beijing </script><b>",
        dek="Delegates from forty countries discuss a shared agenda & next steps.",
        section=SectionFactory(name="World"),
        editor=EditorFactory(display_name="He Chuanning", title="Editor, World desk"),
        responsible_editor=EditorFactory(display_name="Su Suiyue"),
        hero_image=hero,
        tags=["development", "diplomacy"],
        initiatives=[InitiativeFactory(name="Global Development Initiative")],
        language="en",
        original_url="https://origin.example/story",
    )
    CorrectionFactory(article=article, text="An earlier version misnamed the venue.")
    return article


def test_news_article_json_ld_matches_the_article(client, article):
    page = crawl(client, article.get_absolute_url())

    [data] = page.json_ld
    url = SITE_URL + article.get_absolute_url()
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == article.title
    assert data["description"] == article.dek
    assert data["mainEntityOfPage"]["@id"] == url
    assert datetime.fromisoformat(data["datePublished"]) == article.published_at
    assert datetime.fromisoformat(data["dateModified"]) == article.modified_at
    assert [(a["@type"], a["name"], a["url"]) for a in data["author"]] == [
        ("Person", "He Chuanning", SITE_URL + article.editor.get_absolute_url()),
        ("Person", "Su Suiyue", SITE_URL + article.responsible_editor.get_absolute_url()),
    ]
    assert data["publisher"] == {"@type": "Organization", "name": "Masthead News", "url": SITE_URL + "/"}
    assert data["articleSection"] == "World"
    assert sorted(data["keywords"]) == ["development", "diplomacy"]
    assert data["inLanguage"] == "en"
    largest = max((r for r in article.hero_image.renditions.all() if r.format == "jpeg"), key=lambda r: r.actual_width)
    assert data["image"] == [SITE_URL + largest.file.url]
    assert largest.actual_width == 1600
    [correction] = data["correction"]
    assert correction["@type"] == "CorrectionComment"
    assert correction["text"] == "An earlier version misnamed the venue."


def test_json_ld_cannot_break_out_of_its_script_block(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    block = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "</script>" not in block and "<b>" not in block
    assert "\\u003C/script\\u003E" in block


def test_json_ld_has_no_correction_when_there_is_none(client, settings):
    settings.SITE_URL = SITE_URL
    article = ArticleFactory()
    [data] = crawl(client, article.get_absolute_url()).json_ld
    assert "correction" not in data
    assert "image" not in data


def test_open_graph_and_article_tags_match_the_article(client, article):
    meta = crawl(client, article.get_absolute_url()).meta
    url = SITE_URL + article.get_absolute_url()

    assert meta["og:type"] == ["article"]
    assert meta["og:title"] == [article.title]
    assert meta["og:description"] == [article.dek]
    assert meta["og:url"] == [url]
    assert meta["og:site_name"] == ["Masthead News"]
    assert meta["og:image"][0].startswith(SITE_URL + "/media/renditions/")
    assert meta["og:image:width"] == ["1600"]
    assert meta["og:image:height"] == ["1067"]
    assert meta["og:image:alt"] == ["Delegates at the opening session"]
    assert datetime.fromisoformat(meta["article:published_time"][0]) == article.published_at
    assert datetime.fromisoformat(meta["article:modified_time"][0]) == article.modified_at
    assert meta["article:section"] == ["World"]
    assert sorted(meta["article:tag"]) == ["development", "diplomacy"]
    assert meta["article:author"] == [
        SITE_URL + article.editor.get_absolute_url(),
        SITE_URL + article.responsible_editor.get_absolute_url(),
    ]
    assert meta["twitter:card"] == ["summary_large_image"]
    assert meta["description"] == [article.dek]


def test_canonical_link_and_large_image_previews(client, article):
    page = crawl(client, article.get_absolute_url() + "?utm_source=newsletter")

    assert page.links["canonical"] == [SITE_URL + article.get_absolute_url()]
    assert page.meta["robots"] == ["max-image-preview:large"]


def test_a_removed_hero_image_is_offered_to_nobody(client, article):
    from django.utils import timezone

    article.hero_image.removed_at = timezone.now()
    article.hero_image.save()

    page = crawl(client, article.get_absolute_url())
    assert "og:image" not in page.meta
    assert "image" not in page.json_ld[0]
    assert page.meta["twitter:card"] == ["summary"]


def test_favicon_ico_leads_to_the_sites_icon_without_a_query(client, django_assert_num_queries):
    """Pages that name no icon (the back office's) make the browser ask for /favicon.ico: no 404."""
    with django_assert_num_queries(0):
        response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/img/favicon.svg"
    assert client.get(response["Location"]).status_code == 200
