"""Issue 4, point 1: one table of article states and transitions; each transition is a named function that
checks state and role, changes the article atomically under a row lock, and records an AuditEvent; a refused
transition is a clear message in the admin, never a 500 and never a half-change."""

import threading

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from editorial.models import ArticleRevision, AuditEvent
from editorial.newsroom import permissions, workflow
from tests import _workflow
from tests._workflow import S, change_url, make_article, messages_of, workflow_url
from tests.conftest import requires_postgres

pytestmark = pytest.mark.django_db
newsroom = _workflow.newsroom  # the fixture


def test_the_table_lists_every_state_and_who_may_make_each_move():
    states_in_table = set()
    for t in workflow.TRANSITIONS.values():
        states_in_table |= t.sources | t.targets
        assert isinstance(t.actor, permissions.Actor)
        assert callable(getattr(workflow, t.name)), f"{t.name} has no named function"
    assert states_in_table == set(Article.Status.values)
    assert set(Article.Status.values) == {
        "draft",
        "in_review",
        "changes_requested",
        "approved",
        "scheduled",
        "published",
        "unpublished",
        "withheld",
    }
    # The review path, as the table says it.
    assert workflow.allowed_targets(S.DRAFT) == {S.IN_REVIEW, S.PUBLISHED, S.SCHEDULED, S.WITHHELD}
    assert workflow.allowed_targets(S.IN_REVIEW) >= {S.APPROVED, S.CHANGES_REQUESTED, S.PUBLISHED}
    # Sent back for changes, it returns through review; only a chief editor's override (or a measure) skips it.
    assert workflow.allowed_targets(S.CHANGES_REQUESTED) == {S.IN_REVIEW, S.PUBLISHED, S.SCHEDULED, S.WITHHELD}
    assert workflow.TRANSITIONS["approve"].actor == permissions.Actor.REVIEWER
    assert workflow.TRANSITIONS["submit"].actor == permissions.Actor.EDITOR
    assert workflow.TRANSITIONS["override_publish"].actor == permissions.Actor.CHIEF
    assert workflow.TRANSITIONS["withhold"].actor == permissions.Actor.COPYRIGHT


def test_a_draft_goes_through_review_to_the_reader(newsroom, client):
    article = make_article(newsroom)
    workflow.submit(article, by=newsroom.writer.user, note="Ready for a read.")
    workflow.approve(article, by=newsroom.reviewer.user)
    workflow.publish(article, by=newsroom.reviewer.user)

    article.refresh_from_db()
    assert article.status == S.PUBLISHED and article.is_live
    assert article.first_published_at == article.published_at
    assert client.get(article.get_absolute_url()).status_code == 200
    trail = list(AuditEvent.objects.for_object(article).order_by("created_at", "pk"))
    assert [(e.action, e.from_state, e.to_state, e.actor) for e in trail] == [
        ("article.submit", S.DRAFT, S.IN_REVIEW, newsroom.writer.user),
        ("article.approve", S.IN_REVIEW, S.APPROVED, newsroom.reviewer.user),
        ("article.publish", S.APPROVED, S.PUBLISHED, newsroom.reviewer.user),
    ]
    assert trail[0].note == "Ready for a read."
    assert all(e.created_at is not None for e in trail)


def test_a_transition_from_the_wrong_state_is_refused_and_changes_nothing(newsroom):
    article = make_article(newsroom)
    version = article.version
    with pytest.raises(workflow.WrongState, match="cannot be approved now"):
        workflow.approve(article, by=newsroom.reviewer.user)
    article.refresh_from_db()
    assert article.status == S.DRAFT and article.version == version
    assert not AuditEvent.objects.for_object(article).exists()
    assert not ArticleRevision.objects.filter(article=article).exists()


def test_a_failure_half_way_leaves_no_half_change(newsroom, monkeypatch):
    article = make_article(newsroom, S.IN_REVIEW)

    def broken(**kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(AuditEvent, "record", broken)
    with pytest.raises(RuntimeError):
        workflow.publish(article, by=newsroom.reviewer.user)
    article.refresh_from_db()
    assert article.status == S.IN_REVIEW
    assert article.published_at is None
    assert not ArticleRevision.objects.filter(article=article).exists()


def test_notes_that_are_required_or_too_long_are_refused(newsroom):
    article = make_article(newsroom, S.PUBLISHED)
    with pytest.raises(workflow.WorkflowError, match="note"):
        workflow.unpublish(article, by=newsroom.reviewer.user, note="   ")
    with pytest.raises(workflow.WorkflowError, match="too long"):
        workflow.unpublish(article, by=newsroom.reviewer.user, note="x" * 5001)
    article.refresh_from_db()
    assert article.status == S.PUBLISHED


def test_unpublish_takes_the_article_off_the_site_and_keeps_its_dates(newsroom, client):
    article = make_article(newsroom, S.PUBLISHED)
    first = article.first_published_at
    workflow.unpublish(article, by=newsroom.reviewer.user, note="Legal asked us to take it down for now.")
    article.refresh_from_db()
    assert article.status == S.UNPUBLISHED and article.first_published_at == first
    assert client.get(article.get_absolute_url()).status_code == 404


def test_withhold_and_restore_return_exactly_to_the_previous_state(newsroom):
    article = make_article(newsroom, S.PUBLISHED)
    published_at = article.published_at
    workflow.withhold(article, by=newsroom.officer.user, note="Complaint CN-2026-000001", details={"complaint": 1})
    article.refresh_from_db()
    assert article.status == S.WITHHELD
    assert not Article.objects.published().filter(pk=article.pk).exists()
    workflow.restore(article, by=None, note="Counter-notice period ended")  # the system may restore on a timer
    article.refresh_from_db()
    assert article.status == S.PUBLISHED and article.published_at == published_at
    restore_event = AuditEvent.objects.for_object(article).get(action="article.restore")
    assert restore_event.actor is None and restore_event.actor_label == ""


def test_the_system_cannot_make_ordinary_transitions(newsroom):
    article = make_article(newsroom, S.IN_REVIEW)
    with pytest.raises(workflow.NotPermitted):
        workflow.approve(article, by=None)


@pytest.mark.skipif("not connection.features.has_select_for_update", reason="the database has no row locks")
def test_transitions_lock_the_article_row(newsroom):
    article = make_article(newsroom)
    with CaptureQueriesContext(connection) as queries:
        workflow.submit(article, by=newsroom.writer.user)
    assert any("FOR UPDATE" in q["sql"] for q in queries.captured_queries)


# --- in the admin ---------------------------------------------------------------------------------------------


def test_the_admin_shows_only_the_buttons_this_person_may_press(newsroom, client):
    article = make_article(newsroom, S.IN_REVIEW)
    client.force_login(newsroom.reviewer.user)
    page = client.get(change_url(article)).content.decode()
    assert 'value="approve"' in page and 'value="request_changes"' in page and 'value="publish"' in page
    assert 'value="submit"' not in page and 'value="override_publish"' not in page

    client.force_login(newsroom.writer.user)
    page = client.get(change_url(article)).content.decode()
    assert 'value="approve"' not in page and 'value="publish"' not in page


def test_pressing_a_button_makes_the_transition(newsroom, client):
    article = make_article(newsroom, S.IN_REVIEW)
    client.force_login(newsroom.reviewer.user)
    response = client.post(workflow_url(article), {"transition": "approve", "version": article.version}, follow=True)
    assert response.status_code == 200
    assert any("is now approved" in m for m in messages_of(response))
    article.refresh_from_db()
    assert article.status == S.APPROVED


@pytest.mark.parametrize(
    ("who", "post", "expected"),
    [
        ("writer", {"transition": "approve"}, "Only a responsible editor who did not write, edit or submit"),
        ("reviewer", {"transition": "submit"}, "cannot be submitted for review now"),
        ("reviewer", {"transition": "request_changes", "note": ""}, "write a short note"),
        ("reviewer", {"transition": "teleport"}, "does not exist"),
        ("reviewer", {"transition": "return_to_review"}, "does not exist"),
        ("reviewer", {"transition": "approve", "version": "not a number"}, "reload it"),
        ("reviewer", {"transition": "approve", "version": "0"}, "changed since you opened"),
        ("reviewer", {"transition": "approve", "note": "x" * 6000}, "too long"),
        ("officer", {"transition": "publish"}, "Only a responsible editor"),
        ("nobody", {"transition": "approve"}, None),  # no access to articles at all: 403
    ],
)
def test_a_refused_button_is_a_clear_message_not_an_error(newsroom, client, who, post, expected):
    article = make_article(newsroom, S.IN_REVIEW)
    before = (article.status, article.version)
    client.force_login(getattr(newsroom, who).user)
    data = {"version": article.version, **post}
    response = client.post(workflow_url(article), data, follow=True)
    if expected is None:
        assert response.status_code == 403
    else:
        assert response.status_code == 200
        assert any(expected in m for m in messages_of(response)), messages_of(response)
    article.refresh_from_db()
    assert (article.status, article.version) == before
    assert not AuditEvent.objects.for_object(article).exists()


def test_workflow_buttons_only_answer_post(newsroom, client):
    article = make_article(newsroom, S.IN_REVIEW)
    client.force_login(newsroom.reviewer.user)
    assert client.get(workflow_url(article)).status_code == 405


def test_a_button_for_a_missing_article_is_not_an_error(newsroom, client):
    client.force_login(newsroom.reviewer.user)
    response = client.post("/admin/articles/article/999999/workflow/", {"transition": "approve", "version": 1})
    assert response.status_code == 302


@requires_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize(
    ("second", "kwargs"),
    [
        # Two reviewers press "Approve" at once: the second finds it approved already.
        ("approve", {}),
        # One approves while the other sends it back, both from the page they loaded (as the admin does).
        ("request_changes", {"note": "Fix the figures.", "expected_version": "loaded"}),
    ],
)
def test_two_reviewers_acting_at_once_cannot_both_win(newsroom, second, kwargs):
    article = make_article(newsroom, S.IN_REVIEW)
    loaded = article.version
    barrier = threading.Barrier(2)
    outcomes = []

    def act(fn, user, **kwargs):
        try:
            barrier.wait(timeout=10)
            fn(Article.objects.get(pk=article.pk), by=user, **kwargs)
            outcomes.append("ok")
        except workflow.WorkflowError as refused:
            outcomes.append(str(refused))
        finally:
            connections.close_all()

    if kwargs.get("expected_version") == "loaded":
        kwargs = {**kwargs, "expected_version": loaded}
    threads = [
        threading.Thread(
            target=act,
            args=(workflow.approve, newsroom.reviewer.user),
            kwargs={"expected_version": loaded} if "expected_version" in kwargs else {},
        ),
        threading.Thread(target=act, args=(getattr(workflow, second), newsroom.second_reviewer.user), kwargs=kwargs),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("ok") == 1, outcomes
    refusal = next(o for o in outcomes if o != "ok")
    assert "cannot be approved now" in refusal or "changed since you opened" in refusal
    assert AuditEvent.objects.for_object(article).count() == 1


def test_publishing_from_review_sets_the_publication_time(newsroom):
    article = make_article(newsroom, S.IN_REVIEW)
    before = timezone.now()
    workflow.publish(article, by=newsroom.reviewer.user)
    assert article.published_at >= before and article.first_published_at == article.published_at
