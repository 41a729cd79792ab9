"""Issue 7: the budgets the speed depends on, as counts and behaviour (never timings: `make bench` measures).

- the article page's queries, cold and warm, constant with 1 or 20 of everything;
- the article page's data and recommendation pool are kept between readers (Django's cache, keyed by the
  content state) and follow every change at once;
- search ranks a bounded window of the newest matches; the search page's tag list counts recent articles;
- readers never cause writes, image work or search-vector upkeep (point 5);
- the bench's bare-Django reference views are what they claim (one query, none).
"""

import ast
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import articles.images
import articles.models.article
from articles import views
from articles.models import Article, Image, article_page, initiatives_with_counts
from tests.factories import ArticleFactory, ImageFactory, InitiativeFactory
from tests.reader_world import SIZES, build_world, page_urls

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[1]


def queries_for(client, url: str) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured), [q["sql"] for q in captured]


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    # These budgets are for rendering the page; the page cache is tested in test_page_cache.py.
    settings.PAGE_CACHE_SECONDS = 0


# --- The article page ---


@pytest.mark.parametrize("n", SIZES)
def test_the_article_page_runs_eight_queries_cold_and_none_warm_whatever_it_shows(client, n):
    """Cold: the content state; the article with its credit line, section and hero picture; its tags,
    initiatives and corrections (one query each); its inline pictures; its recommendations; the renditions
    of every picture on the page. Warm (another reader a moment later): none, the page's data is kept in
    the cache under the content state (articles/models/reading.py)."""
    url = build_world(n)["article"].get_absolute_url()
    cache.clear()
    cold, _ = queries_for(client, url)
    warm, _ = queries_for(client, url)
    assert (cold, warm) == (8, 0)


def test_an_article_without_pictures_or_inline_images_asks_for_neither(client):
    article = ArticleFactory(tags=["ports"], hero_image=None)
    cache.clear()
    _, statements = queries_for(client, article.get_absolute_url())
    assert len(statements) == 6  # state, article, tags, initiatives, corrections, recommendations
    assert not any('FROM "articles_rendition"' in sql or "articles_article_inline_images" in sql for sql in statements)


def test_the_page_shows_the_related_things_read_in_one_query(client):
    world = build_world(3)
    article = world["article"]
    body = client.get(article.get_absolute_url()).content.decode()
    for tag in article.tags.all():
        assert f'href="/tags/{tag.slug}/"' in body
    for initiative in article.initiatives.all():
        assert initiative.get_absolute_url() in body
    for correction in article.corrections.all():
        assert f'id="correction-{correction.pk}"' in body
    assert body.count('<figure class="figure">') == 3  # the inline images


# --- Recommendations are kept, and follow changes ---


def test_the_recommendation_pool_is_computed_once_for_every_reader(client, django_assert_num_queries):
    slug = build_world(3)["article"].slug
    first = [a.pk for a in article_page(slug).recommendations]
    with django_assert_num_queries(0):
        again = article_page(slug).recommendations
        assert [a.pk for a in again] == first
        assert again[0].section.name and again[0].get_absolute_url()
        assert again[0].hero_image.srcset()  # renditions kept with it


def test_kept_recommendations_change_as_soon_as_an_article_is_published(client):
    world = build_world(3)
    url = world["article"].get_absolute_url()
    client.get(url)
    newcomer = ArticleFactory(title="Harbour works finish early", tags=world["article"].tags.names()[:3])
    assert newcomer.title in client.get(url).content.decode()


def test_kept_recommendations_drop_an_article_as_soon_as_it_is_withdrawn(client):
    world = build_world(3)
    url = world["article"].get_absolute_url()
    first = article_page(world["article"].slug).recommendations[0]
    assert f">{first.title}<" in client.get(url).content.decode()
    Article.objects.filter(pk=first.pk).update(status=Article.Status.UNPUBLISHED)
    assert f">{first.title}<" not in client.get(url).content.decode()


def test_recommendations_can_be_computed_every_time(client, settings):
    settings.READER_MEMO_SECONDS = 0
    world = build_world(1)
    url = world["article"].get_absolute_url()
    client.get(url)
    assert queries_for(client, url)[0] == 7  # the warm four, the recommendations, the sections and editors


def test_initiative_counts_are_kept_and_follow_a_publication_at_once(client, django_assert_num_queries):
    initiative = InitiativeFactory(name="Global Development Initiative")
    ArticleFactory(initiatives=[initiative])
    assert "1 article<" in client.get("/initiatives/").content.decode()
    with django_assert_num_queries(0):
        assert [i.article_count for i in initiatives_with_counts()] == [1]
    ArticleFactory(initiatives=[initiative])
    assert [i.article_count for i in initiatives_with_counts()] == [2]


# --- Search ---


def test_search_ranks_the_newest_matches_within_its_window(client, monkeypatch):
    monkeypatch.setattr(articles.models.article, "SEARCH_RANK_WINDOW", 3)
    now = timezone.now()
    for days in range(5):
        ArticleFactory(title=f"Harbour bulletin {days}", published_at=now - timezone.timedelta(days=days + 1))
    found = list(Article.objects.published().search("harbour"))
    assert sorted(a.title for a in found) == ["Harbour bulletin 0", "Harbour bulletin 1", "Harbour bulletin 2"]


def test_search_filters_apply_before_the_window(client, monkeypatch):
    monkeypatch.setattr(articles.models.article, "SEARCH_RANK_WINDOW", 1)
    now = timezone.now()
    ArticleFactory(title="Harbour news, tagged", tags=["ports"], published_at=now - timezone.timedelta(days=3))
    ArticleFactory(title="Harbour news, newer", published_at=now - timezone.timedelta(days=1))
    body = client.get("/search/?q=harbour&tag=ports").content.decode()
    assert "Harbour news, tagged" in body


def test_the_search_page_offers_the_tags_of_recent_articles(client, monkeypatch):
    monkeypatch.setattr(views, "FACET_TAG_WINDOW", 2)
    now = timezone.now()
    ArticleFactory(tags=["old topic"], published_at=now - timezone.timedelta(days=30))
    ArticleFactory(tags=["fresh topic"], published_at=now - timezone.timedelta(hours=2))
    ArticleFactory(tags=["fresh topic", "second topic"], published_at=now - timezone.timedelta(hours=1))
    names = [tag.name for tag in views.facet_tags()]
    assert names == ["fresh topic", "second topic"]


# --- Readers never cause writes, image work or search upkeep (point 5) ---


def test_serving_readers_never_writes_to_the_database(client):
    world = build_world(3)
    for url in page_urls(world).values():
        cache.clear()  # cold: the most work a page ever does
        _, statements = queries_for(client, url)
        writes = [sql for sql in statements if not sql.lstrip().upper().startswith(("SELECT", "WITH", "("))]
        assert writes == [], url


def test_no_reader_page_makes_or_cleans_images(client, monkeypatch):
    world = build_world(3)
    ArticleFactory(title="Waiting for renditions", hero_image=ImageFactory())  # its renditions are not made yet

    def refuse(*args, **kwargs):
        raise AssertionError("image work on a reader's request")

    monkeypatch.setattr(Image, "make_renditions", refuse)
    monkeypatch.setattr(articles.images, "render_rendition", refuse)
    monkeypatch.setattr(articles.images, "clean_upload", refuse)
    for url in [*page_urls(world).values(), "/articles/waiting-for-renditions/"]:
        cache.clear()
        assert client.get(url).status_code == 200, url


def test_reader_code_never_calls_image_processing():
    """The modules that answer readers name no rendition or upload work at all."""
    forbidden = {"make_renditions", "render_rendition", "clean_upload"}
    for module in ("articles/views.py", "articles/feeds.py", "articles/sitemaps.py", "articles/templatetags/reader.py"):
        tree = ast.parse((ROOT / module).read_text())
        names = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
        names |= {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
        assert not names & forbidden, module


# --- The bench's reference views ---


@pytest.mark.urls("tests.benchmarks.urls")
def test_the_bench_reference_views_are_one_query_and_none(client, django_assert_num_queries):
    article = ArticleFactory(title="Harbour opens", body="<p>The new quay opened.</p>")
    with django_assert_num_queries(0):
        constant = client.get("/bench/constant/")
    with django_assert_num_queries(1):
        bare = client.get(f"/bench/articles/{article.pk}/")
    assert constant.status_code == bare.status_code == 200
    assert "Harbour opens" in bare.content.decode() and "<p>The new quay opened.</p>" in bare.content.decode()
    assert client.get("/bench/articles/999999/").status_code == 404
    assert client.get(article.get_absolute_url()).status_code == 200  # the whole site is served too


def test_the_bench_links_every_seeded_article_to_an_initiative():
    from tests.benchmarks.bench import link_initiatives
    from tests.factories import InitiativeFactory

    InitiativeFactory(), InitiativeFactory()
    articles_ = [ArticleFactory() for _ in range(3)]
    assert link_initiatives() == 3
    assert all(a.initiatives.count() == 1 for a in articles_)
    assert link_initiatives() == 0
