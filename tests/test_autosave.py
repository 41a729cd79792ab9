"""Issue 15, point 3: nothing typed is lost. The form keeps what is typed as an autosaved revision without
touching the article, offers it back after a reload, and a second editor sees who else is editing."""

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from editorial.models import ArticleRevision
from editorial.newsroom import editing, revisions
from tests import _workflow
from tests._workflow import S, change_url, make_article
from tests.copyright_helpers import parse

pytestmark = pytest.mark.django_db
newsroom = _workflow.newsroom  # the fixture
AUTOSAVED = ArticleRevision.State.AUTOSAVED


@pytest.fixture(autouse=True)
def _no_one_editing():
    cache.clear()
    yield
    cache.clear()


def editing_url(article) -> str:
    return reverse("admin:articles_article_editing", args=[article.pk])


def test_an_autosave_keeps_the_typed_words_as_a_revision_and_leaves_the_article_alone(newsroom):
    article = make_article(newsroom, S.APPROVED, title="Dust storm", body="<p>Old words.</p>")
    before = revisions.snapshot(article)
    saved = editing.autosave(article, by=newsroom.writer.user, data={"body": "<p>New words, typed.</p>"})
    assert saved.state == AUTOSAVED and saved.data["body"] == "<p>New words, typed.</p>"
    assert saved.data["title"] == "Dust storm" and "Body" in saved.summary
    article.refresh_from_db()
    assert revisions.snapshot(article) == before  # the words, the status (still approved) and the version


def test_the_live_text_of_a_live_article_is_never_touched(newsroom):
    live = make_article(newsroom, S.PUBLISHED, body="<p>What readers read.</p>")
    editing.autosave(live, by=newsroom.writer.user, data={"body": "<p>Half a new sentence</p>"})
    live.refresh_from_db()
    assert live.body == "<p>What readers read.</p>" and live.status == S.PUBLISHED
    assert editing.pending_change(live) is None  # not even a proposal for review


def test_further_autosaves_replace_the_editors_own_until_something_is_saved(newsroom):
    article = make_article(newsroom, S.DRAFT)
    first = editing.autosave(article, by=newsroom.writer.user, data={"dek": "One."})
    again = editing.autosave(article, by=newsroom.writer.user, data={"dek": "One. Two."})
    assert again.pk == first.pk and again.data["dek"] == "One. Two."
    assert article.revisions.filter(state=AUTOSAVED).count() == 1
    revisions.record(article, author=newsroom.writer.user, summary="Edited: dek")
    later = editing.autosave(article, by=newsroom.writer.user, data={"dek": "Three."})
    assert later.pk != first.pk and later.number > first.number


def test_autosave_refuses_who_may_not_edit_and_what_is_too_long(newsroom):
    article = make_article(newsroom, S.DRAFT)
    with pytest.raises(editing.EditRefused):
        editing.autosave(article, by=newsroom.officer.user, data={"body": "x"})
    with pytest.raises(editing.EditRefused, match="too long"):
        editing.autosave(article, by=newsroom.writer.user, data={"title": "x" * 251})
    with pytest.raises(editing.EditRefused, match="Nothing to autosave"):
        editing.autosave(article, by=newsroom.writer.user, data={})


def test_the_autosave_address_answers_json_and_clear_refusals(client, newsroom):
    article = make_article(newsroom, S.DRAFT)
    client.force_login(newsroom.writer.user)
    answer = client.post(editing_url(article), {"autosave": "1", "body": "<p>Typed.</p>"})
    assert answer.status_code == 200 and answer.json()["revision"] >= 1
    assert client.post(editing_url(article), {"autosave": "1", "title": "x" * 300}).status_code == 400
    assert "error" in client.post(editing_url(article), {"autosave": "1"}).json()
    assert client.get(editing_url(article)).status_code == 405
    assert client.post(reverse("admin:articles_article_editing", args=[987654])).status_code == 404
    client.force_login(newsroom.officer.user)
    assert client.post(editing_url(article), {"autosave": "1", "body": "x"}).status_code == 403
    article.refresh_from_db()
    assert article.body != "<p>Typed.</p>"


def test_after_a_reload_the_form_offers_the_autosaved_text_and_loads_it(client, newsroom):
    article = make_article(newsroom, S.DRAFT, body="<p>Before.</p>")
    client.force_login(newsroom.writer.user)
    client.post(editing_url(article), {"autosave": "1", "body": "<p>Typed before the reload.</p>"})
    page = parse(client.get(change_url(article)).content.decode())
    load = [a for a in page.find_all("a") if a.get("id") == "article-autosave-load"]
    assert load, "no offer to load the autosaved text"
    loaded = client.get(load[0]["href"]).content.decode()
    body = [t for t in parse(loaded).find_all("textarea") if t.get("name") == "body"][0]
    assert "Typed before the reload." in body.text()
    # Someone else's autosave is not offered, and a save ends the offer.
    client.force_login(newsroom.reviewer.user)
    assert "article-autosave-load" not in client.get(change_url(article)).content.decode()


def test_an_autosave_older_than_the_article_is_not_loaded_over_a_later_save(client, newsroom):
    article = make_article(newsroom, S.DRAFT, body="<p>Before.</p>")
    saved = editing.autosave(article, by=newsroom.writer.user, data={"body": "<p>Autosaved.</p>"})
    Article.objects.filter(pk=article.pk).update(version=article.version + 1)
    client.force_login(newsroom.writer.user)
    page = client.get(change_url(article)).content.decode()
    assert "article-autosave-load" not in page and "Compare it with the article" in page
    loaded = client.get(f"{change_url(article)}?autosave={saved.number}").content.decode()
    assert "Autosaved." not in loaded


def test_a_second_editor_sees_who_is_editing_and_since_when(client, newsroom):
    article = make_article(newsroom, S.DRAFT)
    opened = timezone.now().replace(hour=1, minute=30)  # 09:30 in Shanghai
    with time_machine.travel(opened, tick=False):
        client.force_login(newsroom.writer.user)
        client.get(change_url(article))
    with time_machine.travel(opened + datetime.timedelta(seconds=20), tick=False):
        client.force_login(newsroom.reviewer.user)
        said = " ".join(parse(client.get(change_url(article)).content.decode()).text().split())
        assert "Being edited by He since 09:30" in said
        assert client.post(editing_url(article)).json()["others"] == [{"name": "He", "since": "09:30"}]
    with time_machine.travel(opened + datetime.timedelta(seconds=editing.PRESENCE_SECONDS + 10), tick=False):
        # He's page stopped speaking (closed without a save): he no longer counts as editing.
        assert editing.others_editing(article, by=newsroom.reviewer.user) == []
