"""`published_article()`: the article page's query compiled once gives exactly what the ORM gives (issue 7).

The article and its hero picture, field by field and with the same Python types (converters included, which
matters on SQLite), for every state an article can be in; one query; the visibility rule of `published()`
with the time of each call, not of the first one; and any slug, hostile ones included, as a parameter.
"""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.models import Article, Image, published_article
from tests.conftest import requires_postgres
from tests.factories import ArticleFactory, ImageFactory

pytestmark = pytest.mark.django_db


def through_the_orm(slug: str) -> Article | None:
    return Article.objects.published().select_related("hero_image").filter(slug=slug).first()


def values(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in type(instance)._meta.concrete_fields}


def assert_same(found: Article | None, expected: Article | None) -> None:
    assert (found is None) == (expected is None)
    if expected is None:
        return
    assert values(found) == values(expected)
    assert {k: type(v) for k, v in values(found).items()} == {k: type(v) for k, v in values(expected).items()}
    assert found._state.db == expected._state.db and not found._state.adding
    if expected.hero_image is None:
        assert found.hero_image is None
    else:
        assert values(found.hero_image) == values(expected.hero_image)
        assert found.hero_image.file.url == expected.hero_image.file.url


@pytest.fixture
def articles():
    now = timezone.now()
    return {
        "with a picture": ArticleFactory(hero_image=ImageFactory()),
        "without one": ArticleFactory(hero_image=None),
        "scheduled": ArticleFactory(status=Article.Status.SCHEDULED, published_at=now + timedelta(hours=1)),
        "withheld": ArticleFactory(status=Article.Status.WITHHELD, withheld_at=now),
        "draft": ArticleFactory(status=Article.Status.DRAFT, published_at=None, first_published_at=None),
        "unpublished": ArticleFactory(status=Article.Status.UNPUBLISHED),
    }


@pytest.mark.parametrize("state", ["with a picture", "without one", "scheduled", "withheld", "draft", "unpublished"])
def test_every_state_gives_what_the_orm_gives(articles, state):
    slug = articles[state].slug
    assert_same(published_article(slug), through_the_orm(slug))
    assert (published_article(slug) is not None) == (state in ("with a picture", "without one"))


def test_one_query_with_the_picture_joined(articles):
    with CaptureQueriesContext(connection) as queries:
        article = published_article(articles["with a picture"].slug)
        article.hero_image.alt_text  # noqa: B018 - no second query for the picture
    assert len(queries) == 1


def test_the_time_is_that_of_each_call_not_of_the_first(articles):
    scheduled = articles["scheduled"]
    assert published_article(scheduled.slug) is None  # compiles the query now
    with time_machine.travel(scheduled.published_at + timedelta(seconds=1)):
        assert_same(published_article(scheduled.slug), through_the_orm(scheduled.slug))
        assert published_article(scheduled.slug) is not None


@requires_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_each_thread_compiles_its_own_and_gets_the_same():
    """Another thread has its own connection, and so its own compiled query and converters.

    Transactional (the other thread must see the article) with serialized rollback: a plain transactional
    test's flush would make the content types again under new ids before the serialized-rollback tests that
    follow (test_article_workflow) restore the old ones, which then collide."""
    slug = ArticleFactory(hero_image=ImageFactory()).slug
    here = published_article(slug)
    there = []

    def read_there():
        try:
            there.append(values(published_article(slug)))
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=read_there)
    thread.start()
    thread.join()
    assert there == [values(here)]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(slug=st.text(max_size=300).filter(lambda text: "\x00" not in text))  # PostgreSQL text refuses NUL
def test_any_slug_is_only_ever_a_value(articles, slug):
    assert_same(published_article(slug), through_the_orm(slug))
    assert Article.objects.count() == len(articles) and Image.objects.count() == 1
