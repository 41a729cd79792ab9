"""Live articles are not changed behind the reviewer's back (issue 12, point 2).

A change to a live article's words, pictures, credit line or source contact waits, as a pending revision
that readers do not see, until a responsible editor who did not write it publishes it. The credited
responsible editor's own small fixes go live at once, recorded. The rule is `editorial/newsroom/editing.py`; the
admin only wires the form to it, so most tests go through the admin as a person would, and some call the
functions directly.
"""

import pytest
from django.urls import reverse

from editorial.models import ArticleRevision, AuditEvent
from editorial.newsroom import editing, revisions, workflow
from tests import _workflow
from tests._workflow import S, change_url, form_data, make_article, messages_of

newsroom = _workflow.newsroom  # the fixture
pytestmark = pytest.mark.django_db

NEW_DEK = "A rewritten standfirst that no responsible editor has read."


def _public_text(client, article) -> str:
    client.logout()
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def _pending_url(article):
    return reverse("admin:articles_article_pending_change", args=[article.pk])


def test_an_editors_change_to_a_live_article_waits_for_review(client, newsroom):
    article = make_article(newsroom, S.PUBLISHED)
    old_dek = article.dek
    _public_text(client, article)  # the page as readers have it (and any cache of it)
    client.force_login(newsroom.writer.user)
    response = client.post(
        change_url(article),
        form_data(
            article,
            dek=NEW_DEK,
            editor=newsroom.second_reviewer.editor.pk,
            responsible_editor=newsroom.chief.editor.pk,
            source_contact_email="attacker@example.org",
        ),
        follow=True,
    )
    assert any("held for review" in m for m in messages_of(response))
    article.refresh_from_db()
    assert article.dek == old_dek
    assert article.editor == newsroom.writer.editor and article.responsible_editor == newsroom.reviewer.editor
    assert article.source_contact_email == ""
    page = _public_text(client, article)
    assert NEW_DEK not in page and newsroom.chief.editor.display_name not in page

    pending = editing.pending_change(article)
    assert pending.author == newsroom.writer.user
    assert pending.data["dek"] == NEW_DEK and pending.data["source_contact_email"] == "attacker@example.org"
    assert pending.data["responsible_editor"]["id"] == newsroom.chief.editor.pk


def test_a_second_responsible_editor_publishes_the_pending_change(client, newsroom):
    article = make_article(newsroom, S.PUBLISHED)
    client.force_login(newsroom.writer.user)
    client.post(change_url(article), form_data(article, dek=NEW_DEK, tags="rail, ports"))
    pending = editing.pending_change(article)

    client.force_login(newsroom.reviewer.user)
    page = client.get(change_url(article)).content.decode()
    assert "A change waits for review" in page and 'value="publish"' in page
    response = client.post(_pending_url(article), {"action": "publish", "number": pending.number}, follow=True)
    assert any("The change is live" in m for m in messages_of(response)), messages_of(response)

    article.refresh_from_db()
    assert article.dek == NEW_DEK and sorted(article.tags.names()) == ["ports", "rail"]
    assert article.status == S.PUBLISHED
    assert NEW_DEK in _public_text(client, article)
    pending.refresh_from_db()
    assert pending.state == ArticleRevision.State.ACCEPTED
    event = AuditEvent.objects.for_object(article).get(action="article.approve_change")
    assert event.actor == newsroom.reviewer.user and event.details["revision"] == pending.number


def test_the_author_of_a_change_cannot_publish_it(client, newsroom):
    """A responsible editor who is not credited on the article proposes; she cannot be her own second person."""
    lin = newsroom.second_reviewer
    article = make_article(newsroom, S.PUBLISHED)
    client.force_login(lin.user)
    client.post(change_url(article), form_data(article, dek=NEW_DEK))
    pending = editing.pending_change(article)
    assert pending is not None  # not the credited responsible editor: even a small fix waits

    page = client.get(change_url(article)).content.decode()
    assert 'value="publish"' not in page and "A responsible editor who did not write this change" in page
    response = client.post(_pending_url(article), {"action": "publish", "number": pending.number}, follow=True)
    assert any("two-person rule" in m for m in messages_of(response))
    article.refresh_from_db()
    assert article.dek != NEW_DEK
    with pytest.raises(workflow.WorkflowError):
        editing.approve_change(article, by=lin.user, number=pending.number)
    editing.approve_change(article, by=newsroom.reviewer.user, number=pending.number)
    article.refresh_from_db()
    assert article.dek == NEW_DEK


def test_the_credited_responsible_editors_small_fix_goes_live_at_once_and_is_recorded(client, newsroom):
    article = make_article(newsroom, S.PUBLISHED, dek="The port opened in Gwadr on Monday.")
    client.force_login(newsroom.reviewer.user)
    client.post(change_url(article), form_data(article, dek="The port opened in Gwadar on Monday."))
    article.refresh_from_db()
    assert article.dek == "The port opened in Gwadar on Monday."
    assert editing.pending_change(article) is None
    assert "Gwadar on Monday" in _public_text(client, article)
    event = AuditEvent.objects.for_object(article).get(action="article.live_fix")
    assert event.actor == newsroom.reviewer.user and event.details["fields"] == ["dek"]
    assert article.revisions.first().summary.startswith("Small fix, live at once")


@pytest.mark.parametrize(
    "change",
    [
        {"body": "<p>" + " ".join(f"new{n}" for n in range(60)) + "</p>"},  # a rewrite, not a fix
        {"editor": "second_reviewer"},  # the credit line
        {"source_contact_email": "someone@example.org"},  # who receives counter-notice links
        {"hero_image": "new"},  # a picture
    ],
    ids=["rewrite", "credit line", "source contact", "picture"],
)
def test_what_is_not_a_small_fix_waits_even_for_the_credited_responsible_editor(client, newsroom, change):
    from tests.factories import ImageFactory

    article = make_article(newsroom, S.PUBLISHED)
    before = revisions.snapshot(article)
    if change.get("editor"):
        change = {"editor": newsroom.second_reviewer.editor.pk}
    if change.get("hero_image"):
        change = {"hero_image": ImageFactory().pk}
    client.force_login(newsroom.reviewer.user)
    client.post(change_url(article), form_data(article, **change))
    article.refresh_from_db()
    assert revisions.changed_fields(before, revisions.snapshot(article)) == []
    assert editing.pending_change(article).author == newsroom.reviewer.user


def test_a_withheld_article_is_guarded_too(client, newsroom):
    """Restoring a withheld article puts it back live, so a change to it must not skip the second person."""
    article = make_article(newsroom, S.PUBLISHED)
    workflow.withhold(article, by=newsroom.officer.user, note="Complaint CN-2026-000042.")
    client.force_login(newsroom.writer.user)
    client.post(change_url(article), form_data(article, dek=NEW_DEK))
    article.refresh_from_db()
    assert article.dek != NEW_DEK and editing.pending_change(article) is not None
    workflow.restore(article, by=newsroom.officer.user, note="Counter-notice accepted.")
    assert article.status == S.PUBLISHED and NEW_DEK not in _public_text(client, article)


def test_a_second_edit_goes_on_from_the_pending_text_and_both_authors_are_kept(client, newsroom):
    lin = newsroom.second_reviewer
    article = make_article(newsroom, S.PUBLISHED)
    client.force_login(newsroom.writer.user)
    client.post(change_url(article), form_data(article, dek=NEW_DEK))
    first = editing.pending_change(article)

    client.force_login(lin.user)
    form = client.get(change_url(article)).context["adminform"].form
    assert form.initial["dek"] == NEW_DEK  # she edits the proposal, not the live text
    data = form_data(article, dek=NEW_DEK, title="A sharper headline", loaded_draft=first.number)
    client.post(change_url(article), data)
    second = editing.pending_change(article)
    assert second.number > first.number and second.data["dek"] == NEW_DEK
    assert second.data["title"] == "A sharper headline"
    first.refresh_from_db()
    assert first.state == ArticleRevision.State.SUPERSEDED

    for author in (newsroom.writer.user, lin.user):
        with pytest.raises(workflow.WorkflowError):
            editing.approve_change(article, by=author, number=second.number)
    editing.approve_change(article, by=newsroom.reviewer.user, number=second.number)
    article.refresh_from_db()
    assert (article.title, article.dek) == ("A sharper headline", NEW_DEK)


def test_a_proposal_made_meanwhile_is_an_edit_conflict_not_an_overwrite(client, newsroom):
    article = make_article(newsroom, S.PUBLISHED)
    client.force_login(newsroom.writer.user)
    stale = form_data(article, title="Opened before anyone proposed anything")  # loaded_draft 0
    client.post(change_url(article), form_data(article, dek=NEW_DEK))
    response = client.post(change_url(article), stale)
    assert response.status_code == 200
    assert "NOT been saved" in response.content.decode()
    assert editing.pending_change(article).data["dek"] == NEW_DEK


def test_discarding_a_change_leaves_the_live_article_and_keeps_the_text_in_history(client, newsroom):
    article = make_article(newsroom, S.PUBLISHED)
    client.force_login(newsroom.writer.user)
    client.post(change_url(article), form_data(article, dek=NEW_DEK))
    pending = editing.pending_change(article)
    client.force_login(newsroom.reviewer.user)
    refused = client.post(_pending_url(article), {"action": "discard", "number": pending.number}, follow=True)
    assert any("note" in m for m in messages_of(refused))
    client.post(_pending_url(article), {"action": "discard", "number": pending.number, "note": "Not our style."})
    pending.refresh_from_db()
    assert pending.state == ArticleRevision.State.DISCARDED
    article.refresh_from_db()
    assert article.dek != NEW_DEK and editing.pending_change(article) is None
    assert AuditEvent.objects.for_object(article).get(action="article.discard_change").note == "Not our style."


def test_restoring_an_old_revision_of_a_live_article_is_held_too(client, newsroom):
    article = make_article(newsroom, S.PUBLISHED, dek="The first standfirst.")
    revisions.record(article, author=newsroom.writer.user, summary="Created")
    article.dek = "The standfirst as published."
    article.save()
    client.force_login(newsroom.writer.user)
    article.refresh_from_db()
    restore = reverse("admin:articles_article_restore", args=[article.pk, 1])
    response = client.post(restore, {"version": article.version}, follow=True)
    assert any("held for review" in m for m in messages_of(response))
    article.refresh_from_db()
    assert article.dek == "The standfirst as published."
    assert editing.pending_change(article).data["dek"] == "The first standfirst."


def test_the_rule_holds_without_the_admin(newsroom):
    """Any other path (a command, a task) calls the same functions and gets the same answers."""
    article = make_article(newsroom, S.PUBLISHED)
    old = revisions.snapshot(article)
    new = {**old, "dek": NEW_DEK}
    assert editing.must_hold(article, by=newsroom.writer.user, old=old, new=new)
    assert editing.must_hold(article, by=newsroom.second_reviewer.user, old=old, new=new)
    assert not editing.must_hold(article, by=newsroom.reviewer.user, old=old, new=new)  # credited, small
    assert editing.must_hold(article, by=newsroom.reviewer.user, old=old, new={**new, "source_contact_email": "x@y.z"})
    draft = make_article(newsroom, S.DRAFT)
    assert not editing.must_hold(draft, by=newsroom.writer.user, old=old, new=new)

    pending = editing.propose_change(article, by=newsroom.writer.user, data=new)
    assert editing.must_hold(article, by=newsroom.reviewer.user, old=old, new=new)  # a change is pending
    with pytest.raises(workflow.WorkflowError, match="no longer waiting"):
        editing.approve_change(article, by=newsroom.reviewer.user, number=pending.number + 1)
    editing.approve_change(article, by=newsroom.reviewer.user, number=pending.number)
    article.refresh_from_db()
    assert article.dek == NEW_DEK


def test_only_one_change_is_pending_per_article_in_the_database(newsroom):
    from django.db import IntegrityError, transaction

    article = make_article(newsroom, S.PUBLISHED)
    editing.propose_change(article, by=newsroom.writer.user, data=revisions.snapshot(article))
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleRevision.objects.create(article=article, number=99, data={}, state=ArticleRevision.State.PENDING)


def test_small_fix_counts_words_and_chinese_characters():
    old = {"title": "港口", "dek": "", "body": "<p>The port opened on Monday.</p>"}
    assert editing.words_changed(old, {**old, "body": "<p>The port opened on Tuesday.</p>"}) == 1
    assert editing.words_changed(old, {**old, "title": "瓜达尔港口"}) == 3
