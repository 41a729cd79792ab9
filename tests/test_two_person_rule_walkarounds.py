"""The two-person rule cannot be walked around (issue 12, point 1).

Whoever approves or publishes a version wrote, edited and submitted none of it: the audit trail says who did,
not the credit line alone. Each test is one of the ways around the rule found from outside, by role.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from editorial.models import AuditEvent
from editorial.newsroom import permissions, workflow
from tests import _workflow
from tests._workflow import S, change_url, form_data, make_article, messages_of, workflow_url

newsroom = _workflow.newsroom  # the fixture
pytestmark = pytest.mark.django_db


def _add_form(newsroom, *, editor, responsible_editor, title="Port cranes arrive in Gwadar") -> dict:
    return {
        "title": title,
        "slug": "",
        "dek": "Three cranes, unloaded overnight.",
        "body": "<p>The cranes came by sea.</p>",
        "hero_image": "",
        "editor": editor.pk,
        "responsible_editor": responsible_editor.pk,
        "section": "",
        "tags": "ports",
        "language": "en",
        "rights_basis": "original",
        "corrections-TOTAL_FORMS": "0",
        "corrections-INITIAL_FORMS": "0",
        "corrections-MIN_NUM_FORMS": "0",
        "corrections-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }


def _press(client, article, transition, **extra):
    article.refresh_from_db()
    return client.post(
        workflow_url(article), {"transition": transition, "version": article.version, **extra}, follow=True
    )


def test_a_responsible_editor_who_writes_an_article_crediting_someone_else_cannot_publish_it_alone(client, newsroom):
    """Create, credit a colleague as `Edit:` and herself as responsible editor, submit, publish: refused."""
    su = newsroom.reviewer
    client.force_login(su.user)
    response = client.post(
        reverse("admin:articles_article_add"),
        _add_form(newsroom, editor=newsroom.writer.editor, responsible_editor=su.editor),
    )
    assert response.status_code == 302
    article = Article.objects.get(title="Port cranes arrive in Gwadar")
    _press(client, article, "submit")
    article.refresh_from_db()
    assert article.status == S.IN_REVIEW

    for transition in ("publish", "approve"):
        page = _press(client, article, transition)
        assert any("wrote, edited or submitted this version" in m for m in messages_of(page)), messages_of(page)
        article.refresh_from_db()
        assert article.status == S.IN_REVIEW
    assert 'value="publish"' not in page.content.decode()  # not even offered

    # A second responsible editor, who wrote none of it, may.
    client.force_login(newsroom.second_reviewer.user)
    _press(client, article, "publish")
    article.refresh_from_db()
    assert article.status == S.PUBLISHED
    actors = {e.action: e.actor for e in AuditEvent.objects.for_object(article)}
    assert actors["article.create"] == su.user and actors["article.publish"] == newsroom.second_reviewer.user


def test_changing_the_editor_of_ones_own_article_in_review_does_not_let_one_approve_it(client, newsroom):
    su, lin = newsroom.reviewer, newsroom.second_reviewer
    article = make_article(newsroom, S.IN_REVIEW, editor=su.editor, responsible_editor=lin.editor)
    client.force_login(su.user)
    response = client.post(change_url(article), form_data(article, editor=newsroom.writer.editor.pk))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.editor == newsroom.writer.editor  # the credit line now names someone else...
    with pytest.raises(workflow.NotPermitted, match="wrote, edited or submitted this version"):
        workflow.approve(article, by=su.user)  # ...but the trail says who edited it
    with pytest.raises(workflow.NotPermitted):
        workflow.publish(article, by=su.user)
    workflow.approve(article, by=lin.user)
    assert article.status == S.APPROVED


def test_a_credit_line_change_sends_approved_copy_back_to_review_whoever_makes_it(client, newsroom):
    lin = newsroom.second_reviewer
    article = make_article(newsroom, S.APPROVED)
    client.force_login(lin.user)
    client.post(change_url(article), form_data(article, responsible_editor=lin.editor.pk))
    article.refresh_from_db()
    assert article.status == S.IN_REVIEW and article.responsible_editor == lin.editor
    with pytest.raises(workflow.NotPermitted):
        workflow.publish(article, by=lin.user)
    event = AuditEvent.objects.for_object(article).get(action="article.return_to_review")
    assert "Responsible editor" in event.note


def test_the_source_contact_is_content_too(client, newsroom):
    """Who receives counter-notice links is part of what the second person approves."""
    soon = timezone.now() + datetime.timedelta(days=3)
    article = make_article(newsroom, S.SCHEDULED, published_at=soon, first_published_at=soon)
    client.force_login(newsroom.writer.user)
    client.post(change_url(article), form_data(article, source_contact_email="someone-else@example.org"))
    article.refresh_from_db()
    assert article.status == S.IN_REVIEW


def test_submitting_makes_one_an_author_of_the_version(newsroom):
    """A responsible editor who submits someone's draft has handed it on; she cannot also be its reviewer."""
    article = make_article(newsroom, S.DRAFT)
    workflow.submit(article, by=newsroom.reviewer.user)
    with pytest.raises(workflow.NotPermitted):
        workflow.approve(article, by=newsroom.reviewer.user)
    workflow.approve(article, by=newsroom.second_reviewer.user)


def test_restoring_a_revision_makes_one_an_author(client, newsroom):
    article = make_article(newsroom, S.IN_REVIEW)
    client.force_login(newsroom.writer.user)
    client.post(change_url(article), form_data(article, dek="First thoughts."))
    client.post(change_url(article), form_data(article, dek="Second thoughts."))
    first = article.revisions.order_by("number").first()
    client.force_login(newsroom.reviewer.user)
    article.refresh_from_db()
    restore = reverse("admin:articles_article_restore", args=[article.pk, first.number])
    client.post(restore, {"version": article.version})
    article.refresh_from_db()
    assert article.dek == "First thoughts."
    with pytest.raises(workflow.NotPermitted):
        workflow.approve(article, by=newsroom.reviewer.user)


def test_a_save_that_changes_nothing_makes_no_one_an_author(client, newsroom):
    article = make_article(newsroom, S.IN_REVIEW)
    client.force_login(newsroom.reviewer.user)
    client.post(change_url(article), form_data(article))
    workflow.approve(article, by=newsroom.reviewer.user)
    assert article.status == S.APPROVED


def test_an_approval_closes_the_version_so_later_moves_are_free(newsroom):
    """The reviewer who approved may then schedule or publish: she wrote nothing since approving."""
    article = make_article(newsroom, S.IN_REVIEW)
    workflow.approve(article, by=newsroom.reviewer.user)
    workflow.publish(article, by=newsroom.reviewer.user)
    assert article.status == S.PUBLISHED


@pytest.mark.parametrize("role", ["writer", "officer", "nobody"])
def test_roles_without_the_right_to_publish_never_approve(newsroom, role):
    article = make_article(newsroom, S.IN_REVIEW)
    with pytest.raises(workflow.NotPermitted):
        workflow.approve(article, by=getattr(newsroom, role).user)


def test_a_chief_editor_who_wrote_it_needs_the_recorded_override(newsroom):
    chief = newsroom.chief
    article = make_article(newsroom, S.DRAFT, editor=newsroom.writer.editor)
    workflow.submit(article, by=chief.user)
    with pytest.raises(workflow.NotPermitted, match="publish it by override"):
        workflow.publish(article, by=chief.user)
    workflow.override_publish(article, by=chief.user, note="Breaking news; the desk is empty.")
    assert article.status == S.PUBLISHED
    assert AuditEvent.objects.for_object(article).get(action="article.override_publish").details["override"] is True


def test_the_authors_come_from_the_trail_since_the_last_approval(newsroom):
    article = make_article(newsroom, S.DRAFT)
    workflow.submit(article, by=newsroom.writer.user)
    assert permissions.authors_of_version(article) == {newsroom.writer.user.pk}
    workflow.request_changes(article, by=newsroom.reviewer.user, note="Name the port.")
    assert newsroom.reviewer.user.pk not in permissions.authors_of_version(article)  # asking is not writing
    workflow.submit(article, by=newsroom.second_reviewer.user)
    assert permissions.authors_of_version(article) == {newsroom.writer.user.pk, newsroom.second_reviewer.user.pk}
    workflow.approve(article, by=newsroom.reviewer.user)
    assert permissions.authors_of_version(article) == {newsroom.writer.user.pk}  # only the credit line remains
