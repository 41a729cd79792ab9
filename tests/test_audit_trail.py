"""Issue 4, point 9: the audit trail is readable in the admin (filter by article, user, action) and nobody,
superusers included, can edit or delete an entry from the admin."""

import pytest
from django.urls import reverse

from editorial.models import AuditEvent
from editorial.models.audit import AppendOnlyError
from editorial.newsroom import workflow
from tests import _workflow
from tests._workflow import S, make_article

pytestmark = pytest.mark.django_db
newsroom = _workflow.newsroom  # the fixture

CHANGELIST = "admin:editorial_auditevent_changelist"


@pytest.fixture
def trail(newsroom):
    """Two articles moved by two people."""
    first = make_article(newsroom, S.DRAFT, title="Grain corridor reopens")
    second = make_article(newsroom, S.DRAFT, title="Ocean treaty signed")
    workflow.submit(first, by=newsroom.writer.user, note="First submission")
    workflow.submit(second, by=newsroom.writer.user, note="Second submission")
    workflow.approve(first, by=newsroom.reviewer.user, note="Approved by Su")
    return first, second


def test_a_responsible_editor_reads_the_trail(client, newsroom, trail):
    client.force_login(newsroom.reviewer.user)
    page = client.get(reverse(CHANGELIST)).content.decode()
    assert "article.submit" in page and "article.approve" in page and "Approved by Su" in page


def test_filter_by_article(client, newsroom, trail):
    first, second = trail
    client.force_login(newsroom.reviewer.user)
    page = client.get(reverse(CHANGELIST), {"article": first.pk}).content.decode()
    assert "First submission" in page and "Approved by Su" in page
    assert "Second submission" not in page


def test_filter_by_user(client, newsroom, trail):
    client.force_login(newsroom.reviewer.user)
    page = client.get(reverse(CHANGELIST), {"actor__id__exact": newsroom.reviewer.user.pk}).content.decode()
    assert "Approved by Su" in page and "First submission" not in page


def test_filter_by_action(client, newsroom, trail):
    client.force_login(newsroom.reviewer.user)
    page = client.get(reverse(CHANGELIST), {"action": "article.submit"}).content.decode()
    assert "First submission" in page and "Second submission" in page and "Approved by Su" not in page


def test_the_filters_are_offered_in_the_sidebar(client, newsroom, trail):
    client.force_login(newsroom.reviewer.user)
    page = client.get(reverse(CHANGELIST)).content.decode()
    assert "By article" in page and "By actor" in page and "By action" in page
    assert "Grain corridor reopens" in page  # an article to pick


def test_the_article_page_links_to_its_trail(client, newsroom, trail):
    first, _ = trail
    client.force_login(newsroom.reviewer.user)
    page = client.get(reverse("admin:articles_article_change", args=[first.pk])).content.decode()
    assert f"{reverse(CHANGELIST)}?article={first.pk}" in page


@pytest.mark.parametrize("value", ["abc", "-1", "9" * 40, "<script>"])
def test_a_nonsense_article_filter_is_not_an_error(client, newsroom, trail, value):
    client.force_login(newsroom.reviewer.user)
    assert client.get(reverse(CHANGELIST), {"article": value}).status_code == 200


def test_an_entry_is_readable_but_not_editable_even_by_a_superuser(client, trail, admin_user):
    event = AuditEvent.objects.filter(action="article.approve").get()
    client.force_login(admin_user)
    url = reverse("admin:editorial_auditevent_change", args=[event.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Approved by Su" in page.content.decode() and 'name="note"' not in page.content.decode()
    assert client.post(url, {"note": "rewritten", "action": "article.publish"}).status_code == 403
    event.refresh_from_db()
    assert event.note == "Approved by Su"


def test_nobody_can_delete_or_add_an_entry_from_the_admin(client, trail, admin_user):
    event = AuditEvent.objects.filter(action="article.approve").get()
    client.force_login(admin_user)
    assert (
        client.post(reverse("admin:editorial_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    )
    assert client.get(reverse("admin:editorial_auditevent_add")).status_code == 403
    # No bulk "delete selected" either.
    page = client.get(reverse(CHANGELIST)).content.decode()
    assert "delete_selected" not in page
    response = client.post(reverse(CHANGELIST), {"action": "delete_selected", "_selected_action": [event.pk]})
    assert response.status_code in (200, 302)
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_model_itself_refuses_changes(trail):
    event = AuditEvent.objects.first()
    event.note = "tampered"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.update(note="tampered")


def test_an_editor_without_the_permission_cannot_read_the_trail(client, newsroom, trail):
    client.force_login(newsroom.writer.user)  # the Editor role has no view_auditevent
    assert client.get(reverse(CHANGELIST)).status_code == 403
