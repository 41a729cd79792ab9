"""Issue 4, point 2: an editor submits; a responsible editor who is not the article's editor approves,
requests changes (with a comment the editor sees) or publishes; a chief editor may override, recorded as such.
Every role is tried on every transition."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from editorial.models import AuditEvent
from editorial.newsroom import workflow
from tests import _workflow
from tests._workflow import S, change_url, make_article, make_person

pytestmark = pytest.mark.django_db
newsroom = _workflow.newsroom  # the fixture

# Where each transition starts from, and what it needs besides the person.
SETUP = {
    "submit": (S.DRAFT, {}),
    "request_changes": (S.IN_REVIEW, {"note": "The second paragraph needs a source."}),
    "approve": (S.IN_REVIEW, {}),
    "schedule": (S.APPROVED, {"at": "future"}),
    "unschedule": (S.SCHEDULED, {}),
    "publish": (S.APPROVED, {}),
    "unpublish": (S.PUBLISHED, {"note": "Taken down pending a check."}),
    "override_publish": (S.IN_REVIEW, {"note": "Breaking news; the second reader is away."}),
    "withhold": (S.PUBLISHED, {"note": "Complaint CN-2026-000007 upheld."}),
    "restore": (S.WITHHELD, {"note": "Counter-notice accepted."}),
}

# Who may make each move. "writer" is the article's editor (Editor role); "reviewer" is credited as its
# responsible editor; "second_reviewer" is another responsible editor; "reviewer_as_editor" is a responsible
# editor credited as this article's editor; "chief_as_editor" likewise for a chief editor.
ALLOWED = {
    "submit": {"writer", "reviewer", "second_reviewer", "chief", "reviewer_as_editor", "chief_as_editor"},
    "request_changes": {"reviewer", "second_reviewer", "chief"},
    "approve": {"reviewer", "second_reviewer", "chief"},
    "schedule": {"reviewer", "second_reviewer", "chief"},
    "unschedule": {"reviewer", "second_reviewer", "chief", "reviewer_as_editor", "chief_as_editor"},
    "publish": {"reviewer", "second_reviewer", "chief"},
    "unpublish": {"reviewer", "second_reviewer", "chief", "reviewer_as_editor", "chief_as_editor"},
    "override_publish": {"chief", "chief_as_editor"},
    "withhold": {"officer", "chief", "chief_as_editor"},
    "restore": {"officer", "chief", "chief_as_editor"},
}
PEOPLE = [
    "writer",
    "reviewer",
    "second_reviewer",
    "chief",
    "officer",
    "nobody",
    "reviewer_as_editor",
    "chief_as_editor",
    "inactive_reviewer",
]


def _article_and_actor(newsroom, who: str, status: str):
    kwargs = {}
    if status == S.SCHEDULED:
        kwargs["published_at"] = timezone.now() + datetime.timedelta(days=1)
    if who == "reviewer_as_editor":
        actor = newsroom.second_reviewer
        kwargs["editor"] = actor.editor
    elif who == "chief_as_editor":
        actor = newsroom.chief
        kwargs["editor"] = actor.editor
    elif who == "inactive_reviewer":
        actor = newsroom.second_reviewer
        actor.user.is_active = False
        actor.user.save()
    else:
        actor = getattr(newsroom, who)
    return make_article(newsroom, status, **kwargs), actor.user


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize("name", list(SETUP))
def test_who_may_make_each_transition(newsroom, name, who):
    status, extra = SETUP[name]
    article, user = _article_and_actor(newsroom, who, status)
    kwargs = dict(extra)
    if kwargs.get("at") == "future":
        kwargs["at"] = timezone.now() + datetime.timedelta(hours=3)
    if who in ALLOWED[name]:
        getattr(workflow, name)(article, by=user, **kwargs)
        article.refresh_from_db()
        assert article.status in workflow.TRANSITIONS[name].targets
        event = AuditEvent.objects.for_object(article).get()
        assert event.actor == user and event.from_state == status
    else:
        with pytest.raises(workflow.NotPermitted):
            getattr(workflow, name)(article, by=user, **kwargs)
        article.refresh_from_db()
        assert article.status == status
        assert not AuditEvent.objects.for_object(article).exists()


def test_every_transition_and_role_is_covered():
    # return_to_review is made by the edit itself, load by the demo loader: neither is a person's button.
    assert set(SETUP) == set(workflow.TRANSITIONS) - {"return_to_review", "load"}


def test_the_articles_own_editor_is_told_why_they_cannot_approve(newsroom):
    article, user = _article_and_actor(newsroom, "reviewer_as_editor", S.IN_REVIEW)
    with pytest.raises(workflow.NotPermitted, match="two-person rule"):
        workflow.approve(article, by=user)


def test_a_chief_editor_on_their_own_article_is_pointed_to_the_override(newsroom, client):
    article, user = _article_and_actor(newsroom, "chief_as_editor", S.IN_REVIEW)
    with pytest.raises(workflow.NotPermitted, match="by override"):
        workflow.publish(article, by=user)
    client.force_login(user)
    page = client.get(change_url(article)).content.decode()
    assert 'value="override_publish"' in page and 'value="publish"' not in page


def test_the_override_is_recorded_as_such(newsroom, client):
    article, chief = _article_and_actor(newsroom, "chief_as_editor", S.DRAFT)
    workflow.override_publish(article, by=chief, note="Breaking news; nobody else on shift.")
    article.refresh_from_db()
    assert article.is_live
    event = AuditEvent.objects.for_object(article).get()
    assert event.action == "article.override_publish"
    assert event.details["override"] is True and event.details["actor_is_articles_editor"] is True
    assert event.note == "Breaking news; nobody else on shift."
    client.force_login(newsroom.reviewer.user)
    history = client.get(reverse("admin:articles_article_history", args=[article.pk])).content.decode()
    assert "article.override_publish <strong>(override)</strong>" in history


def test_an_override_needs_a_reason(newsroom):
    article = make_article(newsroom, S.DRAFT)
    with pytest.raises(workflow.WorkflowError, match="note"):
        workflow.override_publish(article, by=newsroom.chief.user, note="")


def test_an_override_can_schedule(newsroom):
    article = make_article(newsroom, S.DRAFT)
    at = timezone.now() + datetime.timedelta(hours=5)
    workflow.override_publish(article, by=newsroom.chief.user, note="Embargoed release.", at=at)
    article.refresh_from_db()
    assert article.status == S.SCHEDULED and article.published_at == at and not article.is_live


def test_the_editor_sees_the_comment_when_changes_are_requested(newsroom, client):
    article = make_article(newsroom, S.IN_REVIEW)
    client.force_login(newsroom.reviewer.user)
    client.post(
        reverse("admin:articles_article_workflow", args=[article.pk]),
        {"transition": "request_changes", "version": article.version, "note": "Name the source of the <b>figures</b>."},
    )
    client.force_login(newsroom.writer.user)
    page = client.get(change_url(article)).content.decode()
    assert "Changes requested" in page
    assert "Name the source of the &lt;b&gt;figures&lt;/b&gt;." in page
    assert 'value="submit"' in page  # and the editor can send it back once fixed


def test_a_user_without_an_editor_profile_may_review(newsroom):
    """Credits compare Editor profiles; an account without one is never the article's editor."""
    person = make_person("night", "Responsible editor", profile=False)
    article = make_article(newsroom, S.IN_REVIEW)
    workflow.approve(article, by=person.user)
    article.refresh_from_db()
    assert article.status == S.APPROVED


def test_editing_approved_copy_sends_it_back_to_review(newsroom, client):
    from tests._workflow import form_data

    article = make_article(newsroom, S.APPROVED)
    client.force_login(newsroom.writer.user)
    response = client.post(change_url(article), form_data(article, body="<p>A sentence added after approval.</p>"))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == S.IN_REVIEW
    assert AuditEvent.objects.for_object(article).filter(action="article.return_to_review").exists()


def test_a_reviewer_fixing_approved_copy_sends_it_back_and_cannot_approve_her_own_fix(newsroom, client):
    """Her fix is words nobody else has seen: a second responsible editor must approve it (issue 12)."""
    from tests._workflow import form_data

    article = make_article(newsroom, S.APPROVED)
    client.force_login(newsroom.reviewer.user)
    client.post(change_url(article), form_data(article, dek="A tighter standfirst."))
    article.refresh_from_db()
    assert article.status == S.IN_REVIEW and article.dek == "A tighter standfirst."
    with pytest.raises(workflow.NotPermitted, match="wrote, edited or submitted this version"):
        workflow.approve(article, by=newsroom.reviewer.user)
    workflow.approve(article, by=newsroom.second_reviewer.user)
    assert article.status == S.APPROVED


def test_a_chief_editor_overrides_from_the_admin_with_a_reason(client, newsroom):
    article = make_article(newsroom, S.DRAFT, editor=newsroom.chief.editor)
    client.force_login(newsroom.chief.user)
    url = reverse("admin:articles_article_workflow", args=[article.pk])
    refused = client.post(url, {"transition": "override_publish", "version": article.version, "note": ""}, follow=True)
    assert any("note" in str(m) for m in refused.context["messages"])
    at = (timezone.localtime(timezone.now()) + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        url,
        {
            "transition": "override_publish",
            "version": article.version,
            "note": "Embargo lifts on Thursday.",
            "override_when": "at",
            "publish_at": at,
        },
        follow=True,
    )
    assert any("Recorded as a chief editor's override" in str(m) for m in response.context["messages"])
    article.refresh_from_db()
    assert article.status == S.SCHEDULED
