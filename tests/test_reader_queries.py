"""Acceptance 9: every public page runs the same number of queries with 1 or with 20 tags, images,
initiatives, corrections and recommendations; the article page at most 8.

Each count includes the one query that rebuilds the site's content state after a change (the cache is
cold at the start of each test, as on the first request after an article is saved).
"""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    ArticleFactory,
)
from tests.reader_world import SIZES, build_world, page_urls

pytestmark = pytest.mark.django_db

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
            assert body.count('<figure class="embed embed-video">') == n  # embeds
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
