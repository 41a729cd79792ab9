"""Issue 4, point 7: a responsible editor appends a correction (correction, clarification or legal) from the
admin; it shows on the article with its date and in its JSON-LD, and the article's dateModified changes."""

import datetime
import json
import re

import pytest
import time_machine

from articles.models import Article, Correction
from editorial.models import AuditEvent
from editorial.newsroom import corrections, workflow
from tests import _workflow
from tests._workflow import S, change_url, form_data, make_article

pytestmark = pytest.mark.django_db
newsroom = _workflow.newsroom  # the fixture

UTC = datetime.UTC
PUBLISHED = datetime.datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
CORRECTED = datetime.datetime(2026, 12, 3, 6, 30, tzinfo=UTC)


def json_ld(page: str) -> dict:
    """The NewsArticle JSON-LD, read the way a crawler reads it."""
    for block in re.findall(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', page, re.S):
        data = json.loads(block)
        if data.get("@type") == "NewsArticle":
            return data
    raise AssertionError("no NewsArticle JSON-LD on the page")


def with_correction(article: Article, kind: str, text: str, when: datetime.datetime) -> dict:
    local = when.astimezone(datetime.timezone(datetime.timedelta(hours=8)))  # the admin's inputs are in Shanghai time
    return form_data(
        article,
        **{
            "corrections-TOTAL_FORMS": str(article.corrections.count() + 1),
            f"corrections-{article.corrections.count()}-kind": kind,
            f"corrections-{article.corrections.count()}-published_at_0": local.strftime("%Y-%m-%d"),
            f"corrections-{article.corrections.count()}-published_at_1": local.strftime("%H:%M:%S"),
            f"corrections-{article.corrections.count()}-text": text,
        },
    )


@pytest.fixture(autouse=True)
def _after_the_correction():
    """These tests happen in December 2026; each may travel further within it."""
    with time_machine.travel(CORRECTED + datetime.timedelta(hours=1), tick=False):
        yield


@pytest.fixture
def published(newsroom):
    with time_machine.travel(PUBLISHED, tick=False):
        return make_article(
            newsroom, S.PUBLISHED, title="A summit in Astana", published_at=PUBLISHED, first_published_at=PUBLISHED
        )


def test_a_responsible_editor_appends_a_correction_readers_see(client, newsroom, published):
    with time_machine.travel(PUBLISHED + datetime.timedelta(minutes=5), tick=False):
        before = json_ld(client.get(published.get_absolute_url()).content.decode())
    assert "correction" not in before

    client.force_login(newsroom.reviewer.user)
    with time_machine.travel(CORRECTED, tick=False):
        text = "An earlier version gave the wrong date for the summit; it opened on 3 December."
        response = client.post(change_url(published), with_correction(published, "correction", text, CORRECTED))
        assert response.status_code == 302
        client.logout()
        page = client.get(published.get_absolute_url()).content.decode()

    correction = Correction.objects.get(article=published)
    assert correction.kind == "correction" and correction.published_at == CORRECTED
    assert text in page and "3 December 2026" in page  # shown with its date (site time zone)
    data = json_ld(page)
    assert data["correction"][0]["text"] == text
    assert data["correction"][0]["datePublished"].startswith("2026-12-03")
    assert data["dateModified"] != before["dateModified"]
    assert datetime.datetime.fromisoformat(data["dateModified"]) == CORRECTED
    published.refresh_from_db()
    assert published.updated_at == CORRECTED


@pytest.mark.parametrize(("kind", "label"), [("clarification", "Clarification"), ("legal", "Legal notice")])
def test_each_kind_of_correction_is_labelled(client, newsroom, published, kind, label):
    client.force_login(newsroom.reviewer.user)
    client.post(change_url(published), with_correction(published, kind, "Wording made clearer.", CORRECTED))
    client.logout()
    page = client.get(published.get_absolute_url()).content.decode()
    assert f"<strong>{label}</strong>" in page


def test_appending_a_correction_is_recorded(client, newsroom, published):
    client.force_login(newsroom.reviewer.user)
    client.post(change_url(published), with_correction(published, "legal", "A passage was removed.", CORRECTED))
    event = AuditEvent.objects.for_object(published).get(action="article.correction")
    assert event.actor == newsroom.reviewer.user and event.note == "A passage was removed."
    assert event.details["kind"] == "legal"


def test_an_editor_cannot_append_a_correction(client, newsroom, published):
    client.force_login(newsroom.writer.user)
    page = client.get(change_url(published)).content.decode()
    assert "Add another public correction" not in page
    client.post(change_url(published), with_correction(published, "correction", "Sneaked in.", CORRECTED))
    assert not Correction.objects.filter(article=published).exists()


def test_append_correction_is_one_call_for_other_features(newsroom, published):
    """The copyright measure "correct" (issue 6) appends a correction the same way."""
    version = published.version
    with time_machine.travel(CORRECTED, tick=False):
        correction = corrections.append_correction(
            published, by=newsroom.officer.user, kind="legal", text="The source is now credited."
        )
    published.refresh_from_db()
    assert correction.article == published and published.updated_at == CORRECTED
    assert published.version == version + 1


@pytest.mark.parametrize(
    ("who", "kind", "text", "error"),
    [
        ("writer", "correction", "Fine text.", workflow.NotPermitted),
        ("nobody", "correction", "Fine text.", workflow.NotPermitted),
        ("reviewer", "correction", "   ", workflow.WorkflowError),
        ("reviewer", "apology", "Fine text.", workflow.WorkflowError),
        ("reviewer", "correction", "x" * 5001, workflow.WorkflowError),
    ],
)
def test_a_bad_correction_is_refused_and_stores_nothing(newsroom, published, who, kind, text, error):
    with pytest.raises(error):
        corrections.append_correction(published, by=getattr(newsroom, who).user, kind=kind, text=text)
    assert not Correction.objects.filter(article=published).exists()
    assert not AuditEvent.objects.for_object(published).exists()
