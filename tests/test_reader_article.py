"""Acceptance 2: the article page shows everything a reader needs, credits both editors, and ends with the
standing copyright statement. Also: inline pictures, and the placeholder for a removed image."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from articles.models import Article
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


@pytest.fixture
def article(settings):
    settings.SITE_URL = SITE_URL
    picture = RenderedImageFactory(
        file=image_upload(size=(1200, 800)),
        alt_text="Cranes unloading containers at dusk",
        caption="The new container terminal at night.",
        credit="Photo: Li Wei / Masthead",
    )
    article = ArticleFactory(
        title="Container terminal opens on the coast",
        dek="The port can now take the largest ships.",
        body=f"<p>Work began three years ago.</p><p>[[image:{picture.pk}]]</p><p>Trade is expected to grow.</p>",
        section=SectionFactory(name="Business"),
        editor=EditorFactory(display_name="He Chuanning", native_name="何传宁"),
        responsible_editor=EditorFactory(display_name="Su Suiyue"),
        tags=["ports", "trade"],
        initiatives=[InitiativeFactory(name="Belt and Road Initiative")],
        published_at=timezone.now() - timezone.timedelta(days=1),
    )
    CorrectionFactory(article=article, kind="clarification", text="The terminal has four berths, not five.")
    return article


def page(client, article) -> str:
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_article_page_shows_the_article_and_its_context(client, article):
    html = page(client, article)

    assert "<h1>Container terminal opens on the coast</h1>" in html
    assert '<p class="dek">The port can now take the largest ships.</p>' in html
    assert f'<time datetime="{timezone.localtime(article.published_at).isoformat()}">' in html
    assert "Work began three years ago." in html and "Trade is expected to grow." in html
    assert '<a href="/sections/business/">Business</a>' in html
    assert '<a href="/tags/ports/">ports</a>' in html and '<a href="/tags/trade/">trade</a>' in html
    initiative = article.initiatives.get()
    assert f'<a href="{initiative.get_absolute_url()}">Belt and Road Initiative</a>' in html
    correction = article.corrections.get()
    assert f'id="correction-{correction.pk}"' in html
    assert "<strong>Clarification</strong>" in html
    assert "The terminal has four berths, not five." in html


def test_inline_image_is_a_responsive_figure_with_caption_and_credit(client, article):
    html = page(client, article)
    image = article.inline_images.get()

    body = html.split('<div class="article-body">', 1)[1].split("</div>", 1)[0]
    assert "[[image:" not in body
    assert "<p><figure" not in body  # the figure replaces the marker's paragraph
    figure = re.search(r'<figure class="figure">(.*?)</figure>', body, re.S)[1]
    webp = [r for r in image.renditions.all() if r.format == "webp"]
    jpeg = [r for r in image.renditions.all() if r.format == "jpeg"]
    assert len(webp) == len(jpeg) == 3
    assert '<source type="image/webp" srcset="' in figure
    for rendition in webp + jpeg:
        assert f"{rendition.file.url} {rendition.actual_width}w" in figure
    assert 'width="1200" height="800"' in figure
    assert 'alt="Cranes unloading containers at dusk"' in figure
    assert '<span class="caption">The new container terminal at night.</span>' in figure
    assert '<span class="credit">Photo: Li Wei / Masthead</span>' in figure


def test_credit_line_has_two_labelled_parts_linking_to_the_editors(client, article):
    html = page(client, article)

    credit_line = re.search(r'<p class="credit-line">(.*?)</p>', html, re.S)[1]
    editor_link = f'<a href="{article.editor.get_absolute_url()}">He Chuanning</a>'
    responsible_link = f'<a href="{article.responsible_editor.get_absolute_url()}">Su Suiyue</a>'
    assert f"Edit: {editor_link}" in credit_line
    assert f"Responsible editor: {responsible_link}" in credit_line
    assert credit_line.index("Edit:") < credit_line.index("Responsible editor:")
    assert client.get(article.editor.get_absolute_url()).status_code == 200


def test_article_ends_with_the_copyright_statement_and_its_links(client, article):
    html = page(client, article)

    article_html = re.search(r'<article class="article"[^>]*>(.*?)</article>', html, re.S)[1]
    statement = re.search(r'<aside class="copyright-statement".*?</aside>', article_html, re.S)[0]
    assert article_html.rstrip().endswith("</footer>")
    assert article_html.split("</aside>")[-1].strip() == "</footer>"  # nothing after the statement
    assert "correct the article or take the material down" in statement
    complaint = re.search(r'<a href="(/copyright/notices/new/\?[^"]+)">', statement)[1]
    assert parse_qs(urlsplit(complaint).query) == {"url": [SITE_URL + article.get_absolute_url()]}
    assert "url=https%3A%2F%2Fnews.example%2Farticles%2F" in complaint
    assert '<a href="/contact/">' in statement


def test_every_page_footer_links_to_the_copyright_policy_and_contact(client, article):
    for url in ("/", article.get_absolute_url(), "/search/", "/initiatives/"):
        footer = client.get(url).content.decode().split('<footer class="site-footer">', 1)[1]
        assert '<a href="/copyright/">' in footer
        assert '<a href="/contact/">' in footer


def test_a_removed_image_becomes_a_captioned_placeholder_and_its_file_is_never_named(client, article):
    image = article.inline_images.get()
    file_urls = [image.file.url] + [r.file.url for r in image.renditions.all()]
    article.hero_image = image
    article.save()
    image.removed_at = timezone.now()
    image.save()

    html = page(client, article)

    assert html.count("This image has been removed following a copyright complaint.") == 2  # hero and inline
    for url in file_urls:
        assert url not in html
    assert "Cranes unloading containers at dusk" not in html
    assert "The new container terminal at night." not in html


def test_a_marker_naming_no_image_renders_nothing(client, article):
    Article.objects.filter(pk=article.pk).update(body="<p>Before.</p><p>[[image:999999]]</p><p>After.</p>")

    html = page(client, article)

    assert "[[image:" not in html
    assert "Before." in html and "After." in html


def test_a_marker_inside_a_link_address_stays_as_written(client, article):
    image = article.inline_images.get()
    body = f'<p>See <a href="https://example.com/[[image:{image.pk}]]" title="[[image:{image.pk}]]">this</a>.</p>'
    Article.objects.filter(pk=article.pk).update(body=body)

    html = page(client, article)

    assert f'<a href="https://example.com/[[image:{image.pk}]]" title="[[image:{image.pk}]]"' in html
    assert "<figure" not in html.split('<div class="article-body">', 1)[1].split("</div>", 1)[0]


def test_hostile_text_is_escaped_everywhere(client, settings):
    settings.SITE_URL = SITE_URL
    article = ArticleFactory(
        title='<img src=x onerror="alert(1)">',
        dek="<script>alert(2)</script>",
        body='<p onclick="alert(3)">Hello <script>alert(4)</script><a href="javascript:alert(5)">link</a></p>',
        editor=EditorFactory(display_name="<b>Bold</b>"),
        tags=["<i>tag</i>"],
    )

    html = page(client, article)

    for payload in ("<img src=x", "<script>alert", 'onclick="', "javascript:", "<b>Bold</b>", "<i>tag</i>"):
        assert payload not in html, payload
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html


# A NUL ("%00") is refused with a 400 before any view: tests/test_hostile_requests.py.
@pytest.mark.parametrize("slug", ["no-such-article", "a" * 300, "..%2F..%2Fetc"])
def test_unknown_or_malformed_addresses_are_404(client, slug):
    assert client.get(f"/articles/{slug}/").status_code == 404


def test_a_printable_dark_mode_aware_responsive_stylesheet_is_linked(client, article):
    from pathlib import Path

    from django.contrib.staticfiles import finders

    html = page(client, article)
    assert '<link rel="stylesheet" href="/static/css/site.css">' in html
    css = Path(finders.find("css/site.css")).read_text()
    assert "@media print" in css
    assert "prefers-color-scheme: dark" in css
    assert "@media (max-width" in css or "@media (min-width" in css
    assert "<style" not in html and " style=" not in html  # the CSP forbids inline style


def test_tags_in_any_script_get_working_pages_and_feeds(client):
    import feedparser

    article = ArticleFactory(title="Port news in two languages", tags=["港口", "Côte d'Ivoire", "!!!"])

    html = page(client, article)

    links = dict(re.findall(r'<li><a href="(/tags/[^"]+)">([^<]+)</a></li>', html))
    assert set(links.values()) == {"港口", "Côte d&#x27;Ivoire"}
    assert "<span>!!!</span>" in html  # no letters to make an address from: shown, not linked
    for url in links:
        tag_page = client.get(url)
        assert tag_page.status_code == 200
        assert article.title in tag_page.content.decode()
        feed = feedparser.parse(client.get(url.replace("/tags/", "/feeds/tags/") + "rss/").content)
        assert feed.bozo == 0 and [e.title for e in feed.entries] == [article.title]
    assert client.get("/sitemap-tags.xml").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/feeds/tags/" + "x" * 5000 + "/atom/",
        "/tags/" + "港" * 3000 + "/",
        "/sections/" + "a" * 5000 + "/",
        "/editors/%E2%80%AE/",
    ],
)  # with a NUL ("%00") they are a 400 before any view: tests/test_hostile_requests.py
def test_hostile_addresses_are_404_never_500(client, url):
    assert client.get(url).status_code == 404
