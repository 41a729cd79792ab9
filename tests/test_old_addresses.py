"""Issue 15, point 5: stable addresses. A renamed slug keeps its old address, answered with one 301 to where
the page is now (articles, sections, initiatives, tags, editors); a withheld article's old address answers
what its current one does (451) and an article readers may not see is never redirected to (404). Chinese
headlines get readable pinyin slugs, never `item`."""

import pytest
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, OldAddress, readable_slug
from editorial.newsroom import editing, revisions, workflow
from tests import _workflow
from tests._workflow import S, make_article
from tests.factories import ArticleFactory, EditorFactory, InitiativeFactory, SectionFactory

newsroom = _workflow.newsroom  # the fixture
pytestmark = pytest.mark.django_db


def rename(obj, slug: str):
    """What the admin does: load the object, change its slug, save it."""
    fresh = type(obj).objects.get(pk=obj.pk)
    fresh.slug = slug
    fresh.save()
    return fresh


def assert_moved(client, old_url: str, new_url: str, key: str):
    response = client.get(old_url)
    assert response.status_code == 301, (old_url, response.status_code)
    assert response["Location"] == new_url
    # Shareable at the edge, and tagged so that a later change of the object purges it.
    assert "public" in response["Cache-Control"] and "s-maxage" in response["Cache-Control"]
    assert key in response["xkey"].split()
    assert client.get(new_url).status_code == 200


def test_a_published_articles_old_address_leads_to_its_new_one(client):
    article = ArticleFactory(title="Harbour opens", slug="harbour-opens")
    renamed = rename(article, "new-harbour-opens")
    assert_moved(client, "/articles/harbour-opens/", renamed.get_absolute_url(), f"article-{article.pk}")
    # The recommended sets follow too, at the same route.
    response = client.get("/articles/harbour-opens/recommended/?page=2")
    assert response.status_code == 301
    assert response["Location"] == "/articles/new-harbour-opens/recommended/?page=2"


def test_a_chain_of_renames_answers_every_old_address_with_one_hop_to_the_last(client):
    article = ArticleFactory(slug="a-first")
    rename(article, "b-second")
    last = rename(article, "c-third")
    for old in ("a-first", "b-second"):
        response = client.get(f"/articles/{old}/")
        assert response.status_code == 301
        assert response["Location"] == last.get_absolute_url() == "/articles/c-third/"


def test_taking_an_old_slug_back_makes_it_current_again(client):
    article = ArticleFactory(slug="first-name")
    rename(article, "second-name")
    rename(article, "first-name")
    assert client.get("/articles/first-name/").status_code == 200
    assert client.get("/articles/second-name/")["Location"] == "/articles/first-name/"
    assert not OldAddress.objects.filter(slug="first-name").exists()


def test_a_drafts_renamed_slug_leaves_nothing_behind(client):
    draft = ArticleFactory(slug="draft-one", status=Article.Status.DRAFT, published_at=None, first_published_at=None)
    rename(draft, "draft-two")
    assert not OldAddress.objects.exists()
    assert client.get("/articles/draft-one/").status_code == 404


def test_a_withheld_articles_old_address_answers_451_like_its_current_one(client, django_capture_on_commit_callbacks):
    article = ArticleFactory(slug="before-complaint")
    renamed = rename(article, "after-rename")
    workflow.withhold(renamed, by=None, note="complaint", public_note="Withheld after a copyright complaint.")
    current = client.get("/articles/after-rename/")
    old = client.get("/articles/before-complaint/")
    assert current.status_code == old.status_code == 451
    assert "Location" not in old
    assert b"Withheld after a copyright complaint." in old.content


@pytest.mark.parametrize("status", [Article.Status.UNPUBLISHED, Article.Status.DRAFT])
def test_an_article_readers_may_not_see_is_never_redirected_to(client, status):
    article = ArticleFactory(slug="was-live")
    rename(article, "now-hidden")
    Article.objects.filter(pk=article.pk).update(status=status)
    response = client.get("/articles/was-live/")
    assert response.status_code == 404
    assert "Location" not in response


def test_a_renamed_article_not_live_yet_is_not_redirected_to_until_its_time(client):
    article = ArticleFactory(slug="soon-old")
    rename(article, "soon-new")
    later = timezone.now() + timezone.timedelta(hours=2)
    Article.objects.filter(pk=article.pk).update(status=Article.Status.SCHEDULED, published_at=later)
    assert client.get("/articles/soon-old/").status_code == 404


def test_a_current_slug_wins_over_another_articles_old_address(client):
    first = ArticleFactory(slug="contested")
    rename(first, "moved-away")
    second = ArticleFactory(slug="contested")
    response = client.get("/articles/contested/")
    assert response.status_code == 200
    assert second.title.encode() in response.content


@pytest.mark.parametrize(
    ("factory", "prefix", "key"),
    [
        (InitiativeFactory, "/initiatives/", "initiative"),
        (SectionFactory, "/sections/", "section"),
        (EditorFactory, "/editors/", "editor"),
    ],
)
def test_initiatives_sections_and_editors_keep_their_old_addresses(client, factory, prefix, key):
    subject = factory(slug="old-name")
    field = {"initiative": "initiatives", "section": "section", "editor": "editor"}[key]
    ArticleFactory(**{field: [subject] if key == "initiative" else subject})
    renamed = rename(subject, "new-name")
    assert_moved(client, f"{prefix}old-name/", renamed.get_absolute_url(), f"{key}-{subject.pk}")
    # A listing's query comes along.
    response = client.get(f"{prefix}old-name/?before=x")
    assert response["Location"] == f"{prefix}new-name/?before=x"


def test_a_renamed_tag_keeps_its_old_page_and_feed(client):
    ArticleFactory(tags=["harbours"])
    tag = Tag.objects.get(slug="harbours")
    tag.name, tag.slug = "Ports", "ports"
    tag.save()  # as in taggit's admin
    assert_moved(client, "/tags/harbours/", "/tags/ports/", f"tag-{tag.pk}")
    feed = client.get("/feeds/tags/harbours/rss/")
    assert feed.status_code == 301 and feed["Location"] == "/feeds/tags/ports/rss/"


def test_an_initiatives_old_feed_address_leads_to_its_feed(client):
    initiative = InitiativeFactory(slug="bri")
    ArticleFactory(initiatives=[initiative])
    rename(initiative, "belt-and-road")
    response = client.get("/feeds/initiatives/bri/atom/")
    assert response.status_code == 301 and response["Location"] == "/feeds/initiatives/belt-and-road/atom/"


def test_a_chinese_headline_gets_a_readable_pinyin_slug_never_item():
    article = ArticleFactory(title="一带一路倡议十周年", slug="")
    again = ArticleFactory(title="一带一路倡议十周年", slug="")
    assert article.slug == "yi-dai-yi-lu-chang-yi-shi-zhou-nian"
    assert again.slug == "yi-dai-yi-lu-chang-yi-shi-zhou-nian-2"
    assert readable_slug("重庆 2024: Belt and Road") == "chong-qing-2024-belt-and-road"
    editor = EditorFactory(display_name="何传宁", slug="")
    assert editor.slug == "he-chuan-ning"
    assert InitiativeFactory(name="全球发展倡议", slug="").slug == "quan-qiu-fa-zhan-chang-yi"


def test_a_headline_with_no_letters_to_spell_is_named_by_its_kind_not_item():
    assert ArticleFactory(title="★★★", slug="").slug == "article"


def test_a_new_article_never_takes_over_an_old_address_by_itself(client):
    first = ArticleFactory(title="Port deal", slug="")
    rename(first, "port-deal-signed")
    second = ArticleFactory(title="Port deal", slug="")
    assert second.slug == "port-deal-2"
    assert client.get("/articles/port-deal/")["Location"] == "/articles/port-deal-signed/"


@pytest.mark.parametrize(
    "path",
    [
        "/articles/x'%20OR%201=1--/",
        "/articles/" + "a" * 400 + "/",
        "/tags/%00harbours/",
        "/tags/" + "t" * 300 + "/",
        "/tags/%E2%80%AEharbours/",
        "/editors/..%2F..%2Fetc/",
        "/initiatives/nope/",
    ],
)
def test_hostile_or_unknown_slugs_stay_4xx_never_a_redirect(client, path):
    article = ArticleFactory(slug="real", tags=["harbours"])
    rename(article, "real-2")
    response = client.get(path)
    assert response.status_code in (400, 404)  # a NUL is refused before any view (config/middleware.py)
    assert "Location" not in response


def test_a_live_articles_rename_held_for_review_keeps_the_old_address_once_published(client, newsroom):
    """A live article's new slug waits as a pending change (editorial/newsroom/editing.py); the save that
    publishes it is what records the old address, so no path renames without keeping it."""
    live = make_article(newsroom, S.PUBLISHED, title="Harbour story")
    old_url = live.get_absolute_url()
    pending = editing.propose_change(
        live, by=newsroom.writer.user, data={**revisions.snapshot(live), "slug": "renamed"}
    )
    assert client.get(old_url).status_code == 200  # nothing moves before review
    editing.approve_change(live, by=newsroom.second_reviewer.user, number=pending.number)
    assert client.get(old_url)["Location"] == "/articles/renamed/"
