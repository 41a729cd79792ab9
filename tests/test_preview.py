"""Issue 4, point 6: editors preview a draft as readers will see it; a signed, expiring link lets a person
without an account read one draft and nothing else, and stops working after expiry or after publication."""

import datetime
import re

import pytest
import time_machine
from django.core import signing
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from editorial.models import AuditEvent
from editorial.newsroom import preview, workflow
from tests import _workflow
from tests._workflow import S, change_url, make_article
from tests.factories import InitiativeFactory

pytestmark = pytest.mark.django_db
newsroom = _workflow.newsroom  # the fixture

BANNER = "preview-banner"


@pytest.fixture
def draft(newsroom):
    return make_article(
        newsroom,
        S.DRAFT,
        title="Draft: a port opens on the Caspian",
        body="<p>A paragraph that legal should read before it runs.</p>",
    )


def _share(client, newsroom, article, hours=72) -> str:
    """Make a preview link through the admin, as an editor would, and return its path."""
    client.force_login(newsroom.writer.user)
    response = client.post(reverse("admin:articles_article_preview_link", args=[article.pk]), {"hours": hours})
    assert response.status_code == 200
    link = re.search(r'value="(http://testserver(/preview/[^"]+))"', response.content.decode())
    assert link, "the page shows the link to copy"
    client.logout()
    return link.group(2)


def test_an_editor_previews_a_draft_as_readers_will_see_it(client, newsroom, draft):
    client.force_login(newsroom.writer.user)
    response = client.get(reverse("preview:article", args=[draft.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert BANNER in page and "not published" in page
    assert draft.title in page and "A paragraph that legal should read" in page
    assert "Edit:" in page and "Responsible editor:" in page  # the reader's article template, credit line included
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]
    assert 'rel="canonical"' not in page


def test_the_staff_preview_needs_a_newsroom_login(client, newsroom, draft):
    response = client.get(reverse("preview:article", args=[draft.pk]))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(newsroom.nobody.user)  # staff, but no role: may not view articles
    assert client.get(reverse("preview:article", args=[draft.pk])).status_code in (302, 403)


def test_the_change_form_links_to_the_preview(client, newsroom, draft):
    client.force_login(newsroom.writer.user)
    page = client.get(change_url(draft)).content.decode()
    assert reverse("preview:article", args=[draft.pk]) in page


def test_a_shared_link_opens_the_draft_without_an_account(client, newsroom, draft):
    path = _share(client, newsroom, draft)
    response = client.get(path)
    assert response.status_code == 200
    page = response.content.decode()
    assert draft.title in page and BANNER in page
    assert "back office" not in page  # no way into the admin from a shared preview
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "no-referrer"  # the token never leaks through a followed link
    assert "private" in response["Cache-Control"]


def test_making_a_link_is_recorded(client, newsroom, draft):
    _share(client, newsroom, draft, hours=24)
    event = AuditEvent.objects.for_object(draft).get(action="article.preview_link")
    assert event.actor == newsroom.writer.user and "24 hours" in event.note


def test_a_shared_link_reads_one_draft_and_nothing_else(client, newsroom, draft):
    other = make_article(newsroom, S.DRAFT, title="Another draft nobody outside may read")
    path = _share(client, newsroom, draft)
    token = path.split("/")[2]
    # The token cannot be bent to another article: the signature covers the id.
    payload = signing.TimestampSigner(salt=preview.SALT).unsign_object(token)
    payload["a"] = other.pk
    forged = signing.dumps(payload, key="not-the-site-secret", salt=preview.SALT, compress=True)
    assert client.get(f"/preview/{forged}/").status_code == 404
    # Nor does it open the staff preview of anything.
    assert client.get(reverse("preview:article", args=[other.pk])).status_code == 302
    assert other.title not in client.get(path).content.decode()


# A NUL ("%00") is refused with a 400 before any view: tests/test_hostile_requests.py.
@pytest.mark.parametrize("token", ["nonsense", "a" * 600, "x:y:z", ".eJyrVkosSzJMTEpVslIyNDBQ:1:2"])
def test_a_broken_link_is_a_clear_404(client, token):
    response = client.get(f"/preview/{token}/")
    assert response.status_code == 404
    assert "not valid" in response.content.decode()


def test_a_shared_link_stops_working_after_it_expires(client, newsroom, draft):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        path = _share(client, newsroom, draft, hours=24)
        traveller.shift(datetime.timedelta(hours=23))
        assert client.get(path).status_code == 200
        traveller.shift(datetime.timedelta(hours=2))
        response = client.get(path)
    assert response.status_code == 410
    assert "expired" in response.content.decode()


def test_a_shared_link_stops_working_once_the_article_is_published(client, newsroom, draft):
    path = _share(client, newsroom, draft)
    workflow.submit(draft, by=newsroom.writer.user)
    assert client.get(path).status_code == 200  # still a draft in review: the link works
    workflow.publish(draft, by=newsroom.reviewer.user)
    response = client.get(path)
    assert response.status_code == 410 and "has been published" in response.content.decode()
    # ... and it does not come back if the article is taken down again.
    workflow.unpublish(draft, by=newsroom.reviewer.user, note="Pulled for a fix.")
    assert client.get(path).status_code == 410


def test_a_shared_link_stops_working_once_a_scheduled_article_goes_live(client, newsroom, draft):
    path = _share(client, newsroom, draft)
    workflow.submit(draft, by=newsroom.writer.user)
    workflow.approve(draft, by=newsroom.reviewer.user)
    goes_live = timezone.now() + datetime.timedelta(hours=1)
    workflow.schedule(draft, by=newsroom.reviewer.user, at=goes_live)
    assert client.get(path).status_code == 200
    with time_machine.travel(goes_live + datetime.timedelta(minutes=1), tick=False):
        assert client.get(path).status_code == 410
        workflow.unpublish(draft, by=newsroom.reviewer.user, note="Pulled.")
        assert client.get(path).status_code == 410


def test_a_withheld_article_cannot_be_previewed_by_link(client, newsroom, draft):
    path = _share(client, newsroom, draft)
    workflow.withhold(draft, by=newsroom.officer.user, note="Complaint upheld.")
    assert client.get(path).status_code == 410


def test_no_preview_link_for_a_live_article(client, newsroom):
    live = make_article(newsroom, S.PUBLISHED)
    client.force_login(newsroom.writer.user)
    response = client.post(reverse("admin:articles_article_preview_link", args=[live.pk]), {"hours": 72}, follow=True)
    assert any("share its public address" in str(m) for m in response.context["messages"])
    assert not AuditEvent.objects.for_object(live).filter(action="article.preview_link").exists()


@pytest.mark.parametrize("hours", ["9999", "-1", "soon", ""])
def test_a_link_lives_only_as_long_as_the_admin_offers(client, newsroom, draft, hours):
    client.force_login(newsroom.writer.user)
    response = client.post(
        reverse("admin:articles_article_preview_link", args=[draft.pk]), {"hours": hours}, follow=True
    )
    assert response.status_code == 200
    assert any("how long" in str(m) for m in response.context["messages"])


def test_only_people_who_edit_may_share_a_draft(client, newsroom, draft):
    client.force_login(newsroom.officer.user)  # may view articles, not edit them
    assert (
        client.post(reverse("admin:articles_article_preview_link", args=[draft.pk]), {"hours": 72}).status_code == 403
    )


def test_a_preview_link_only_answers_get(client, newsroom, draft):
    path = _share(client, newsroom, draft)
    assert client.post(path).status_code == 405


def test_the_shared_preview_costs_the_same_with_1_or_20_tags_and_initiatives(client, newsroom):
    counts = []
    for n in (1, 20):
        article = make_article(newsroom, S.DRAFT, title=f"Draft with {n} topics")
        article.tags.add(*[f"topic {k} of {n}" for k in range(n)])
        article.initiatives.add(*InitiativeFactory.create_batch(n))
        path = _share(client, newsroom, article)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200 and f"topic {n - 1} of {n}" in response.content.decode()
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert counts[1] <= 12
