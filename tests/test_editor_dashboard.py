"""Issue 4, point 8: an editor's dashboard on the admin's front page: my drafts, waiting for my review, changes
requested, scheduled, recently published; each with its count, one click away."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests import _workflow
from tests._workflow import S, make_article, make_person

pytestmark = pytest.mark.django_db
newsroom = _workflow.newsroom  # the fixture


def queues(page: str) -> dict[str, tuple[int, str]]:
    """Each queue on the dashboard: its count and where its link goes."""
    found = re.findall(
        r'<a href="([^"]+)"><span class="editor-dashboard__count">(\d+)</span> '
        r'<span class="editor-dashboard__label">([^<]+)</span></a>',
        page,
    )
    return {label: (int(count), href.replace("&amp;", "&")) for href, count, label in found}


@pytest.fixture
def desk(newsroom):
    """Articles in every queue, for He Chuanning (the writer) and Su Suiyue (the reviewer)."""
    now = timezone.now()
    other = make_person("other", "Editor", display_name="Someone Else")
    made = {
        "my_draft": make_article(newsroom, S.DRAFT, title="He's draft"),
        "someone_elses_draft": make_article(newsroom, S.DRAFT, title="Another's draft", editor=other.editor),
        "in_review": make_article(newsroom, S.IN_REVIEW, title="Waiting for Su"),
        "in_review_for_lin": make_article(
            newsroom, S.IN_REVIEW, title="Waiting for Lin", responsible_editor=newsroom.second_reviewer.editor
        ),
        "changes": make_article(newsroom, S.CHANGES_REQUESTED, title="Back to He"),
        "scheduled": make_article(
            newsroom, S.SCHEDULED, title="Tomorrow's story", published_at=now + datetime.timedelta(days=1)
        ),
        "recent": make_article(newsroom, S.PUBLISHED, title="Out this morning"),
        "old": make_article(
            newsroom,
            S.PUBLISHED,
            title="Out last month",
            published_at=now - datetime.timedelta(days=30),
            first_published_at=now - datetime.timedelta(days=30),
        ),
    }
    return made


def test_the_writer_sees_their_queues_with_counts(client, newsroom, desk):
    client.force_login(newsroom.writer.user)
    found = queues(client.get(reverse("admin:index")).content.decode())
    assert {label: count for label, (count, _) in found.items()} == {
        "My drafts": 1,
        "Waiting for my review": 0,
        "Changes requested of me": 1,
        "Changes to live articles waiting for review": 0,
        "Scheduled": 1,
        "Recently published (7 days)": 1,
    }


def test_a_change_to_a_live_article_waits_on_everyones_desk(client, newsroom, desk):
    from editorial.newsroom import editing, revisions
    from tests._workflow import S, make_article

    live = make_article(newsroom, S.PUBLISHED, title="Live and being changed")
    editing.propose_change(live, by=newsroom.writer.user, data={**revisions.snapshot(live), "dek": "New words."})
    client.force_login(newsroom.second_reviewer.user)
    count, href = queues(client.get(reverse("admin:index")).content.decode())[
        "Changes to live articles waiting for review"
    ]
    assert count == 1
    assert "Live and being changed" in client.get(href).content.decode()


def test_the_reviewer_sees_what_waits_for_them(client, newsroom, desk):
    client.force_login(newsroom.reviewer.user)
    found = queues(client.get(reverse("admin:index")).content.decode())
    assert found["Waiting for my review"][0] == 1
    assert found["My drafts"][0] == 0


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("My drafts", ["He's draft"]),
        ("Changes requested of me", ["Back to He"]),
        ("Scheduled", ["Tomorrow's story"]),
        ("Recently published (7 days)", ["Out this morning"]),
    ],
)
def test_each_queue_is_one_click_away(client, newsroom, desk, label, expected):
    client.force_login(newsroom.writer.user)
    _, href = queues(client.get(reverse("admin:index")).content.decode())[label]
    page = client.get(href).content.decode()
    titles = {a.title for a in desk.values()}
    shown = sorted(t for t in titles if t.replace("'", "&#x27;") in page)
    assert shown == expected


def test_waiting_for_my_review_is_one_click_away(client, newsroom, desk):
    client.force_login(newsroom.reviewer.user)
    _, href = queues(client.get(reverse("admin:index")).content.decode())["Waiting for my review"]
    page = client.get(href).content.decode()
    assert "Waiting for Su" in page and "Waiting for Lin" not in page


def test_an_account_without_an_editor_profile_sees_empty_personal_queues(client, newsroom, desk):
    person = make_person("visitor", "Chief editor", profile=False)
    client.force_login(person.user)
    found = queues(client.get(reverse("admin:index")).content.decode())
    assert found["My drafts"][0] == 0 and found["Scheduled"][0] == 1


def test_people_who_cannot_see_articles_get_no_dashboard(client, newsroom, desk):
    client.force_login(newsroom.nobody.user)
    assert queues(client.get(reverse("admin:index")).content.decode()) == {}


def test_the_dashboard_costs_the_same_with_1_or_20_articles_per_queue(client, newsroom):
    client.force_login(newsroom.writer.user)
    counts = []
    for n in (1, 19):
        for _ in range(n):
            make_article(newsroom, S.DRAFT)
            make_article(newsroom, S.CHANGES_REQUESTED)
            make_article(newsroom, S.PUBLISHED)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("admin:index")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
