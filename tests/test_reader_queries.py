"""Acceptance 9: every public page runs the same number of queries with 1 or with 20 tags, images,
initiatives, corrections and recommendations; the article page at most 8.

Each count includes the one query that rebuilds the site's content state after a change (the cache is
cold at the start of each test, as on the first request after an article is saved).
"""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from tests.factories import (
    ArticleFactory,
    CorrectionFactory,
    EditorFactory,
    InitiativeFactory,
    MilestoneFactory,
    RenderedImageFactory,
    SectionFactory,
    tag_names,
)

pytestmark = pytest.mark.django_db

SIZES = [1, 20]


def build_world(n: int) -> dict:
    """One article with n of everything, and n other published articles like it (plus hidden ones)."""
    section = SectionFactory(name="World")
    editor, responsible = EditorFactory(), EditorFactory()
    initiatives = [InitiativeFactory() for _ in range(n)]
    tags = tag_names(n, prefix="shipping")
    images = [RenderedImageFactory() for _ in range(n)]
    body = "".join(f"<p>Paragraph {i}.</p><p>[[image:{image.pk}]]</p>" for i, image in enumerate(images))
    article = ArticleFactory(
        title="Harbour traffic doubles",
        body=body,
        section=section,
        editor=editor,
        responsible_editor=responsible,
        hero_image=RenderedImageFactory(),
        tags=tags,
        initiatives=initiatives,
    )
    for _ in range(n):
        CorrectionFactory(article=article)
    others = [
        ArticleFactory(
            title=f"Harbour report {i}",
            section=section,
            editor=editor,
            responsible_editor=responsible,
            hero_image=RenderedImageFactory(),
            tags=tags,
            initiatives=initiatives,
            featured=i % 2 == 0,
        )
        for i in range(n)
    ]
    for i, initiative in enumerate(initiatives):
        MilestoneFactory(initiative=initiative, article=others[i])
        MilestoneFactory(initiative=initiative)
    # Hidden articles must cost nothing either.
    ArticleFactory(title="Harbour draft", status=Article.Status.DRAFT, tags=tags, initiatives=initiatives)
    ArticleFactory(
        title="Harbour scheduled",
        status=Article.Status.SCHEDULED,
        published_at=timezone.now() + timezone.timedelta(days=1),
        tags=tags,
    )
    return {
        "article": article,
        "section": section,
        "editor": editor,
        "initiative": initiatives[0],
        "tag": "shipping-0",
    }


def page_urls(world: dict) -> dict[str, str]:
    article, initiative, tag = world["article"], world["initiative"], world["tag"]
    return {
        "home": "/",
        "archive": "/articles/",
        "article": article.get_absolute_url(),
        "recommended": article.get_absolute_url() + "recommended/?page=2",
        "initiatives": "/initiatives/",
        "initiative": initiative.get_absolute_url(),
        "section": world["section"].get_absolute_url(),
        "tag": f"/tags/{tag}/",
        "editor": world["editor"].get_absolute_url(),
        "search": "/search/?q=harbour",
        "search_filtered": f"/search/?q=harbour&initiative={initiative.slug}&tag={tag}",
        "feed_rss": "/feeds/rss/",
        "feed_atom": "/feeds/atom/",
        "feed_initiative": f"/feeds/initiatives/{initiative.slug}/rss/",
        "feed_tag": f"/feeds/tags/{tag}/atom/",
        "sitemap_index": "/sitemap.xml",
        "sitemap_articles": "/sitemap-articles.xml",
        "sitemap_tags": "/sitemap-tags.xml",
        "sitemap_editors": "/sitemap-editors.xml",
        "sitemap_news": "/sitemap-news.xml",
        "robots": "/robots.txt",
    }


# The number of queries each page runs, whatever n is.
EXPECTED = {
    "home": 6,
    "archive": 3,
    "article": 8,  # cold; another reader a moment later: none (test_performance_budgets.py)
    "recommended": 8,  # what the article page loads (kept, and shared with it), which holds the pool
    "initiatives": 2,
    "initiative": 5,
    "section": 4,
    "tag": 4,
    "editor": 4,
    "search": 4,
    "search_filtered": 4,
    "feed_rss": 3,
    "feed_atom": 3,
    "feed_initiative": 4,
    "feed_tag": 5,
    "sitemap_index": 7,
    "sitemap_articles": 3,
    "sitemap_tags": 3,
    "sitemap_editors": 3,
    "sitemap_news": 2,
    "robots": 1,
}


@pytest.mark.parametrize("n", SIZES)
def test_every_page_runs_a_constant_number_of_queries(client, n):
    urls = page_urls(build_world(n))
    counts = {}
    for page, url in urls.items():
        cache.clear()  # cold content state, as on the first request after a change
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[page] = len(queries)
        if page == "article":
            # The page really shows the n related things it was counted with.
            body = response.content.decode()
            assert body.count('<figure class="figure">') == n  # inline images
            assert body.count('id="correction-') == n
            assert body.count('href="/tags/shipping-') == n
            assert body.count('href="/initiatives/initiative-') >= n
            assert body.count('class="recommended-item"') == min(n, 4)
    assert counts == EXPECTED


@pytest.mark.parametrize("n", SIZES)
def test_article_page_stays_within_eight_queries(client, django_assert_max_num_queries, n):
    world = build_world(n)
    with django_assert_max_num_queries(8):
        assert client.get(world["article"].get_absolute_url()).status_code == 200


def test_a_deep_archive_page_costs_what_the_first_page_costs(client, django_assert_num_queries):
    world = build_world(20)
    for i in range(45):
        ArticleFactory(title=f"Older story {i}", section=world["section"])
    first = client.get("/articles/")
    cursor = first.context["page"].older
    second = client.get(f"/articles/?before={cursor}")
    deep_cursor = second.context["page"].older
    assert deep_cursor
    cache.clear()
    with django_assert_num_queries(EXPECTED["archive"]):
        deep = client.get(f"/articles/?before={deep_cursor}")
    assert deep.status_code == 200
    assert len(deep.context["articles"]) == 20
