"""Acceptance 10: pages send Cache-Control, ETag and Last-Modified, answer conditional GETs with 304, and a
cached page changes as soon as an article is published, edited or withdrawn."""

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone

from articles.models import Article, Correction, Initiative, Section, content_state
from tests.factories import ArticleFactory, CorrectionFactory, InitiativeFactory, RenderedImageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return ArticleFactory(title="Harbour opens", tags=["ports"], initiatives=[InitiativeFactory()])


def public_urls(article) -> list[str]:
    initiative = article.initiatives.get()
    return [
        "/",
        "/articles/",
        article.get_absolute_url(),
        article.get_absolute_url() + "recommended/?page=2",
        "/initiatives/",
        initiative.get_absolute_url(),
        article.section.get_absolute_url(),
        "/tags/ports/",
        article.editor.get_absolute_url(),
        "/search/?q=harbour",
        "/feeds/rss/",
        "/feeds/atom/",
        f"/feeds/initiatives/{initiative.slug}/atom/",
        "/feeds/tags/ports/rss/",
        "/sitemap.xml",
        "/sitemap-articles.xml",
        "/sitemap-news.xml",
        "/robots.txt",
    ]


def test_every_public_page_is_cacheable_and_answers_conditional_gets(client, article):
    for url in public_urls(article):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "public" in response["Cache-Control"] and "max-age=0" in response["Cache-Control"], url
        assert "must-revalidate" in response["Cache-Control"], url
        etag, last_modified = response["ETag"], response["Last-Modified"]

        by_etag = client.get(url, headers={"If-None-Match": etag})
        by_date = client.get(url, headers={"If-Modified-Since": last_modified})

        assert by_etag.status_code == 304, url
        assert by_etag.content == b""
        assert by_etag["ETag"] == etag
        assert by_date.status_code == 304, url


def test_each_page_has_its_own_etag(client, article):
    etags = {client.get(url)["ETag"] for url in public_urls(article)}
    assert len(etags) == len(public_urls(article))


def test_a_304_costs_no_query_and_no_rendering(client, article, django_assert_num_queries):
    etag = client.get(article.get_absolute_url())["ETag"]
    with django_assert_num_queries(0):
        assert client.get(article.get_absolute_url(), headers={"If-None-Match": etag}).status_code == 304


def test_a_lost_cache_means_a_new_version_never_a_stale_page(client, article):
    etag = client.get(article.get_absolute_url())["ETag"]
    cache.clear()  # e.g. Redis restarted: we cannot know what changed meanwhile
    assert revalidate(client, article.get_absolute_url(), etag).status_code == 200


def revalidate(client, url, etag):
    return client.get(url, headers={"If-None-Match": etag})


def test_publishing_an_article_changes_the_home_page_at_once(client, article):
    draft = ArticleFactory(title="Fresh news", status=Article.Status.DRAFT, published_at=None, first_published_at=None)
    etag = client.get("/")["ETag"]
    assert revalidate(client, "/", etag).status_code == 304

    draft.status = Article.Status.PUBLISHED
    draft.published_at = draft.first_published_at = timezone.now()
    draft.save()

    response = revalidate(client, "/", etag)
    assert response.status_code == 200
    assert "Fresh news" in response.content.decode()


def test_editing_an_article_changes_its_page_at_once(client, article):
    url = article.get_absolute_url()
    etag = client.get(url)["ETag"]

    article.title = "Harbour opens to the largest ships"
    article.save()

    response = revalidate(client, url, etag)
    assert response.status_code == 200
    assert "Harbour opens to the largest ships" in response.content.decode()


@pytest.mark.parametrize("status", [Article.Status.UNPUBLISHED, Article.Status.WITHHELD])
def test_withdrawing_an_article_changes_every_page_at_once(client, article, status):
    url = article.get_absolute_url()
    etags = {u: client.get(u)["ETag"] for u in ("/", url, "/feeds/rss/")}

    # A bulk update (no save()) must count as much as a save.
    Article.objects.filter(pk=article.pk).update(status=status)

    expected = 451 if status == Article.Status.WITHHELD else 404
    assert revalidate(client, url, etags[url]).status_code == expected
    home = revalidate(client, "/", etags["/"])
    assert home.status_code == 200 and "Harbour opens" not in home.content.decode()
    assert revalidate(client, "/feeds/rss/", etags["/feeds/rss/"]).status_code == 200


@pytest.mark.parametrize(
    "change",
    [
        "correction",
        "image removed",
        "initiative renamed",
        "section renamed",
        "article deleted",
    ],
)
def test_anything_a_reader_sees_changing_changes_the_etag(client, article, change):
    url = article.get_absolute_url()
    etag = client.get(url)["ETag"]

    if change == "correction":
        CorrectionFactory(article=article)
    elif change == "image removed":
        image = RenderedImageFactory()
        etag = client.get(url)["ETag"]
        image.removed_at = timezone.now()
        image.save()
    elif change == "initiative renamed":
        Initiative.objects.filter(pk=article.initiatives.get().pk).update(name="Renamed initiative")
    elif change == "section renamed":
        section = Section.objects.get(pk=article.section_id)
        section.name = "Renamed section"
        section.save()
    elif change == "article deleted":
        Correction.objects.filter(article=article).delete()
        article.delete()

    assert revalidate(client, url, etag).status_code != 304


def test_a_scheduled_article_changes_pages_when_it_comes_due_without_any_save(client, article):
    due = timezone.now() + timezone.timedelta(hours=1)
    ArticleFactory(title="Scheduled story", status=Article.Status.SCHEDULED, published_at=due, first_published_at=due)
    etag = client.get("/")["ETag"]
    assert revalidate(client, "/", etag).status_code == 304

    with time_machine.travel(due + timezone.timedelta(seconds=1)):
        response = revalidate(client, "/", etag)
        assert response.status_code == 200
        assert "Scheduled story" in response.content.decode()


def test_the_content_state_is_reset_again_after_commit(django_capture_on_commit_callbacks, article):
    before = content_state()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        article.title = "Edited"
        article.save()
    assert callbacks, "no reset was queued for after the commit"
    between = content_state()  # a page rendered before the commit would get this token...
    for callback in callbacks:
        callback()
    assert content_state().token not in (before.token, between.token)  # ...and the commit retires it


def test_pages_still_answer_when_the_cache_is_down(client, article, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("cache unavailable")

    monkeypatch.setattr(cache, "get", broken)
    monkeypatch.setattr(cache, "set", broken)
    monkeypatch.setattr(cache, "delete", broken)

    assert client.get(article.get_absolute_url()).status_code == 200
    article.title = "Saved while the cache is down"
    article.save()
    assert "Saved while the cache is down" in client.get(article.get_absolute_url()).content.decode()


def test_a_feed_revalidates_by_date_too(client, article):
    response = client.get("/feeds/rss/")
    assert client.get("/feeds/rss/", headers={"If-Modified-Since": response["Last-Modified"]}).status_code == 304
