"""Acceptance 1: only what a reader may see is visible. Drafts, scheduled, unpublished and withheld articles
answer 404 and appear in no listing, feed, sitemap, search result or recommendation; one QuerySet method,
Article.objects.published(), decides."""

import pytest
import time_machine
from django.utils import timezone

from articles.models import Article, ArticleQuerySet
from tests.factories import ArticleFactory, EditorFactory, InitiativeFactory, MilestoneFactory, SectionFactory

pytestmark = pytest.mark.django_db

HIDDEN_TITLE = "Hidden harbour story"


@pytest.fixture
def world():
    section = SectionFactory(name="World")
    editor, responsible = EditorFactory(), EditorFactory()
    initiative = InitiativeFactory(name="Belt and Road Initiative")
    common = {
        "section": section,
        "editor": editor,
        "responsible_editor": responsible,
        "tags": ["harbours"],
        "initiatives": [initiative],
    }
    visible = ArticleFactory(title="Visible harbour story", **common)
    reader = ArticleFactory(title="Another harbour story", **common)
    return {"common": common, "visible": visible, "reader": reader, "initiative": initiative}


def surfaces(client, world) -> dict[str, str]:
    """Every public place an article can appear, as the text a reader or crawler receives."""
    common, initiative = world["common"], world["initiative"]
    urls = {
        "home": "/",
        "archive": "/articles/",
        "section": common["section"].get_absolute_url(),
        "tag": "/tags/harbours/",
        "editor": common["editor"].get_absolute_url(),
        "initiative": initiative.get_absolute_url(),
        "search": "/search/?q=harbour",
        "rss": "/feeds/rss/",
        "atom": "/feeds/atom/",
        "initiative_feed": f"/feeds/initiatives/{initiative.slug}/rss/",
        "tag_feed": "/feeds/tags/harbours/atom/",
        "sitemap_articles": "/sitemap-articles.xml",
        "sitemap_news": "/sitemap-news.xml",
        "recommendations": world["reader"].get_absolute_url(),
        "change_it": world["reader"].get_absolute_url() + "recommended/?page=1",
    }
    texts = {}
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, url
        texts[name] = response.content.decode()
    return texts


HIDDEN_KINDS = {
    "draft": {"status": Article.Status.DRAFT, "published_at": None, "first_published_at": None},
    "in review": {"status": Article.Status.IN_REVIEW, "published_at": None, "first_published_at": None},
    "approved": {"status": Article.Status.APPROVED, "published_at": None, "first_published_at": None},
    "scheduled": {"status": Article.Status.SCHEDULED, "published_at": "future"},
    "published in the future": {"status": Article.Status.PUBLISHED, "published_at": "future"},
    "unpublished": {"status": Article.Status.UNPUBLISHED},
    "withheld": {"status": Article.Status.WITHHELD},
}


@pytest.mark.parametrize("kind", list(HIDDEN_KINDS))
def test_hidden_articles_are_404_and_appear_nowhere(client, world, kind):
    fields = dict(HIDDEN_KINDS[kind])
    if fields.get("published_at") == "future":
        fields["published_at"] = fields["first_published_at"] = timezone.now() + timezone.timedelta(hours=2)
    hidden = ArticleFactory(title=HIDDEN_TITLE, **world["common"], **fields)
    MilestoneFactory(initiative=world["initiative"], article=hidden, title="Milestone of the hidden story")

    # A withheld article that was public answers 451 Unavailable For Legal Reasons with a placeholder
    # (RFC 7725); every other hidden kind is simply not there.
    expected = 451 if kind == "withheld" else 404
    assert client.get(hidden.get_absolute_url()).status_code == expected
    assert client.get(hidden.get_absolute_url() + "recommended/").status_code == expected
    for name, text in surfaces(client, world).items():
        assert HIDDEN_TITLE not in text, name
        assert hidden.slug not in text, name
    # The control: the same surfaces do show a published article with the same section, tag, editor...
    for name, text in surfaces(client, world).items():
        assert world["visible"].get_absolute_url() in text, name


def test_a_scheduled_article_appears_by_itself_when_its_time_comes(client, world):
    due = timezone.now() + timezone.timedelta(hours=2)
    scheduled = ArticleFactory(
        title=HIDDEN_TITLE, status=Article.Status.SCHEDULED, published_at=due, first_published_at=due, **world["common"]
    )
    assert client.get(scheduled.get_absolute_url()).status_code == 404

    with time_machine.travel(due + timezone.timedelta(minutes=1)):
        assert client.get(scheduled.get_absolute_url()).status_code == 200
        assert HIDDEN_TITLE in client.get("/").content.decode()


def test_one_queryset_method_decides_for_every_surface(client, world, monkeypatch):
    """Narrow published() alone, and every page, feed, sitemap, search and recommendation follows."""
    embargoed = ArticleFactory(title=HIDDEN_TITLE, **world["common"])
    original = ArticleQuerySet.published

    def published_but_embargoed(self, **kwargs):
        return original(self, **kwargs).exclude(title=HIDDEN_TITLE)

    before = surfaces(client, world)
    for name, text in before.items():
        assert embargoed.get_absolute_url() in text, name

    monkeypatch.setattr(ArticleQuerySet, "published", published_but_embargoed)
    from django.core.cache import cache

    cache.clear()
    after = surfaces(client, world)
    for name, text in after.items():
        assert embargoed.get_absolute_url() not in text, name
        assert world["visible"].get_absolute_url() in text, name
    assert client.get(embargoed.get_absolute_url()).status_code == 404
