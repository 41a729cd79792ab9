"""Issue 13: every reader page names, for the edge cache, everything it shows (articles/edge.py `tag`), so a
purge of one article, picture, editor, tag or initiative reaches exactly the pages that show it."""

import pytest

from articles import edge
from articles.models import article_page
from tests.factories import ArticleFactory, EditorFactory, InitiativeFactory, RenderedImageFactory, SectionFactory
from tests.reader_world import build_world

pytestmark = pytest.mark.django_db


def keys(client, url: str) -> set[str]:
    response = client.get(url)
    assert response.status_code == 200, url
    return edge.keys_of(response.wsgi_request)


def test_the_article_page_names_the_article_and_everything_on_it(client):
    world = build_world(3)
    article = world["article"]
    shown = keys(client, article.get_absolute_url())

    page = article_page(article.slug)
    expected = {
        edge.SITE,
        edge.article_key(article.pk),
        edge.section_key(world["section"].pk),
        edge.editor_key(article.editor_id),
        edge.editor_key(article.responsible_editor_id),
        edge.image_key(article.hero_image_id),
        *(edge.tag_key(tag.pk) for tag in article.tags.all()),
        *(edge.initiative_key(initiative.pk) for initiative in article.initiatives.all()),
        *(edge.image_key(image.pk) for image in article.inline_images.all()),
        *(edge.article_key(other.pk) for other in page.recommendations),
    }
    assert len(page.recommendations) == 3
    assert expected <= shown
    # An article page is not a listing: publishing another article does not purge every article page.
    assert edge.LISTINGS not in shown


def test_the_recommended_sets_name_the_article_and_its_whole_pool(client):
    world = build_world(3)
    article = world["article"]
    shown = keys(client, article.get_absolute_url() + "recommended/?page=2")
    pool = article_page(article.slug).recommendations
    assert {edge.SITE, edge.article_key(article.pk), *(edge.article_key(a.pk) for a in pool)} <= shown


def test_a_listing_names_listings_what_it_lists_and_each_article_on_it(client):
    initiative = InitiativeFactory(name="Maritime Silk Road")
    picture = RenderedImageFactory()
    listed = [ArticleFactory(initiatives=[initiative], hero_image=picture) for _ in range(3)]
    elsewhere = ArticleFactory(title="Not about it")
    shown = keys(client, initiative.get_absolute_url())
    assert {
        edge.SITE,
        edge.LISTINGS,
        edge.initiative_key(initiative.pk),
        edge.image_key(picture.pk),
        *(edge.article_key(a.pk) for a in listed),
    } <= shown
    assert edge.article_key(elsewhere.pk) not in shown


@pytest.mark.parametrize("kind", ["section", "editor"])
def test_section_and_editor_pages_name_their_subject(client, kind):
    section, editor = SectionFactory(name="World"), EditorFactory()
    article = ArticleFactory(section=section, editor=editor)
    subject = section if kind == "section" else editor
    key = edge.section_key(section.pk) if kind == "section" else edge.editor_key(editor.pk)
    assert {edge.LISTINGS, key, edge.article_key(article.pk)} <= keys(client, subject.get_absolute_url())


def test_home_archive_feeds_and_search_name_their_articles(client):
    article = ArticleFactory(title="Harbour traffic doubles", tags=["ports"])
    for url in ["/", "/articles/", "/feeds/rss/", "/feeds/atom/", "/search/?q=harbour", "/feeds/tags/ports/rss/"]:
        shown = keys(client, url)
        assert {edge.SITE, edge.LISTINGS, edge.article_key(article.pk)} <= shown, url
    assert edge.tag_key(article.tags.get().pk) in keys(client, "/tags/ports/")


def test_the_initiative_index_and_sitemaps_are_listings(client):
    initiative = InitiativeFactory()
    ArticleFactory(initiatives=[initiative])
    assert {edge.SITE, edge.LISTINGS, edge.initiative_key(initiative.pk)} <= keys(client, "/initiatives/")
    for url in ["/sitemap.xml", "/sitemap-articles.xml", "/sitemap-news.xml"]:
        assert {edge.SITE, edge.LISTINGS} <= keys(client, url), url
