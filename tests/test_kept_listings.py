"""Issue 13, point 2: with the page cache off, listings keep what every reader sees (their cards, rendered
once, the articles they show, their cursors; feed items; an initiative's timeline) under the content
version, so a second reader costs no query; and any change a reader could see retires them at once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from tests.factories import ArticleFactory, InitiativeFactory, MilestoneFactory, SectionFactory

pytestmark = pytest.mark.django_db

LISTINGS = ["home", "archive", "archive_page_2", "initiative", "rss", "atom"]


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def world(client):
    initiative = InitiativeFactory(name="Harbour works")
    section = SectionFactory(name="World")
    now = timezone.now()
    articles = [
        ArticleFactory(
            title=f"Kept listing story {n}",
            section=section,
            tags=["harbours"],
            initiatives=[initiative],
            published_at=now - timedelta(hours=n + 1),
        )
        for n in range(25)
    ]
    MilestoneFactory(initiative=initiative, article=articles[3], title="The harbour opens")
    older = client.get("/articles/").context["page"].older
    assert older
    urls = {
        "home": "/",
        "archive": "/articles/",
        "archive_page_2": f"/articles/?before={older}",
        "initiative": initiative.get_absolute_url(),
        "rss": "/feeds/rss/",
        "atom": "/feeds/atom/",
    }
    return {"articles": articles, "initiative": initiative, "urls": urls}


@pytest.mark.parametrize("name", LISTINGS)
def test_a_second_reader_of_a_listing_costs_no_query(client, world, name, django_assert_num_queries):
    url = world["urls"][name]
    first = client.get(url)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        second = client.get(url)
    assert second.content == first.content
    assert "x-page-cache" not in second.headers  # the page cache is off: this is the origin's own work


@pytest.mark.parametrize("name", LISTINGS)
def test_an_unpublished_article_leaves_every_kept_listing_at_once(client, world, name):
    article = world["articles"][3]  # on page 1 of the archive, in the feeds, named by the timeline
    url = world["urls"][name] if name != "archive_page_2" else world["urls"]["archive"]
    assert article.title in client.get(url).content.decode()
    client.get(url)  # kept

    article.status = Article.Status.UNPUBLISHED
    article.save()

    text = client.get(url).content.decode()
    assert article.title not in text
    assert article.get_absolute_url() not in text
    assert world["articles"][0].title in text  # the control: the listing is still there


def test_a_withheld_article_leaves_kept_listings_and_a_restored_one_comes_back(client, world):
    article = world["articles"][0]
    for url in world["urls"].values():
        client.get(url)  # every listing kept
    article.status = Article.Status.WITHHELD
    article.save()
    for name in ["home", "archive", "initiative", "rss", "atom"]:
        assert article.title not in client.get(world["urls"][name]).content.decode(), name
    article.status = Article.Status.PUBLISHED
    article.save()
    for name in ["home", "archive", "initiative", "rss", "atom"]:
        assert article.title in client.get(world["urls"][name]).content.decode(), name


def test_a_new_article_appears_on_kept_listings_at_once(client, world):
    for url in world["urls"].values():
        client.get(url)
    fresh = ArticleFactory(title="A brand new harbour story", initiatives=[world["initiative"]])
    for name in ["home", "archive", "initiative", "rss", "atom"]:
        assert fresh.title in client.get(world["urls"][name]).content.decode(), name


def test_a_cursor_we_did_not_make_is_still_a_400(client, world):
    assert client.get("/articles/?before=not-a-cursor").status_code == 400
    assert client.get(world["initiative"].get_absolute_url() + "?after=1-x").status_code == 400


def test_an_unknown_initiative_is_still_a_404(client, world):
    assert client.get("/initiatives/no-such-initiative/").status_code == 404
