"""Acceptance 8: archive and listings use keyset pagination: no OFFSET, stable links, deep pages as cheap as the
first."""

import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from tests.conftest import requires_postgres
from tests.factories import ArticleFactory, EditorFactory, InitiativeFactory, SectionFactory

pytestmark = pytest.mark.django_db

CARD_RE = re.compile(r'<h\d class="card-title"><a href="/articles/([^/]+)/">')


def slugs(response) -> list[str]:
    return CARD_RE.findall(response.content.decode())


def link(response, rel: str) -> str | None:
    match = re.search(rf'<a rel="{rel}" href="([^"]+)">', response.content.decode())
    return unescape(match[1]) if match else None


@pytest.fixture
def archive():
    now = timezone.now()
    # Pairs share a publication time, so the id breaks ties: the cursor must hold both.
    return [
        ArticleFactory(title=f"Story {i:02d}", published_at=now - timezone.timedelta(hours=i // 2 + 1))
        for i in range(45)
    ]


def newest_first(articles) -> list[str]:
    return [a.slug for a in sorted(articles, key=lambda a: (a.published_at, a.pk), reverse=True)]


def test_pages_walk_the_archive_newest_first_without_offset(client, archive):
    expected = newest_first(archive)
    seen, url = [], "/articles/"
    with CaptureQueriesContext(connection) as queries:
        while url:
            response = client.get(url if url.startswith("/") else "/articles/" + url)
            assert response.status_code == 200
            seen += slugs(response)
            url = link(response, "next")
    assert seen == expected
    assert not any("OFFSET" in q["sql"].upper() for q in queries.captured_queries)


def test_a_page_link_shows_the_same_articles_after_new_ones_are_published(client, archive):
    first = client.get("/articles/")
    older = link(first, "next")
    second_before = slugs(client.get("/articles/" + older))

    for i in range(3):
        ArticleFactory(title=f"Breaking {i}")

    assert slugs(client.get("/articles/" + older)) == second_before
    assert len(second_before) == 20


def test_newer_link_leads_back(client, archive):
    first = client.get("/articles/")
    second = client.get("/articles/" + link(first, "next"))
    third = client.get("/articles/" + link(second, "next"))

    back_to_second = client.get("/articles/" + link(third, "prev"))
    back_to_first = client.get("/articles/" + link(back_to_second, "prev"))

    assert slugs(back_to_second) == slugs(second)
    assert slugs(back_to_first) == slugs(first)
    assert link(first, "prev") is None
    assert link(third, "next") is None
    assert len(slugs(third)) == 5


def test_listings_by_section_tag_editor_and_initiative_are_paginated_the_same_way(client):
    section, editor, initiative = SectionFactory(name="World"), EditorFactory(), InitiativeFactory()
    for _ in range(25):
        ArticleFactory(section=section, editor=editor, tags=["ports"], initiatives=[initiative])
    for url in (section.get_absolute_url(), "/tags/ports/", editor.get_absolute_url(), initiative.get_absolute_url()):
        first = client.get(url)
        second = client.get(url + link(first, "next"))
        assert len(slugs(first)) == 20 and len(slugs(second)) == 5, url
        assert set(slugs(first)).isdisjoint(slugs(second))


@pytest.mark.parametrize(
    "query",
    [
        "before=xx",
        "after=1-",
        "before=1.5-2",
        "before=999999999999999999-1",
        "after=-999999999999999999-1",
        "before=" + "9" * 5000,
    ],
)
def test_a_malformed_page_link_is_a_clear_400(client, archive, query):
    section = SectionFactory(name="Sport")
    for url in ("/articles/", section.get_absolute_url()):
        response = client.get(f"{url}?{query}")
        assert response.status_code == 400
        assert "couldn't read that page link" in response.content.decode()


def test_a_cursor_past_the_end_is_an_empty_page_not_an_error(client, archive):
    response = client.get("/articles/?before=0-1")
    assert response.status_code == 200
    assert slugs(response) == []


@requires_postgres
def test_a_deep_page_is_an_index_range_scan(archive):
    Article.objects.bulk_create(
        [
            Article(
                title=f"Filler {i}",
                slug=f"filler-{i}",
                editor=archive[0].editor,
                responsible_editor=archive[0].responsible_editor,
                status=Article.Status.PUBLISHED,
                published_at=timezone.now() - timezone.timedelta(minutes=i),
            )
            for i in range(2000)
        ]
    )
    cursor_article = Article.objects.published().order_by("-published_at", "-pk")[1500]
    deep = (
        Article.objects.published()
        .for_listing()
        .older_than(cursor_article.published_at, cursor_article.pk)
        .order_by("-published_at", "-pk")[:21]
    )
    sql, params = deep.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_article")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Seq Scan on articles_article" not in plan, plan
    assert "Index" in plan and "published_at" in plan, plan
