"""Issue 6, point 2: the officers' queue in the admin (overdue first, then by deadline, shown as "due in 5 h" /
"overdue by 2 d"; assign to me; filters by state, regime and assignee) and each complaint's page (its items
with a live preview, our first-publication date beside the date the notifier claims, the notifier's history,
the audit trail), with the moves an officer may make from there."""

import datetime as dt
import re

import pytest
import time_machine
from django.utils import timezone

from articles.models import Article
from editorial.copyright import moves
from editorial.copyright.states import ComplaintStatus as S
from editorial.models import Appeal, Complaint
from tests.copyright_helpers import officer, received, reject, uphold
from tests.factories import ArticleFactory, RenderedImageFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 5, 6, 2, 0, tzinfo=dt.UTC)  # a Wednesday, 10:00 in the site's time zone
QUEUE = "/admin/editorial/complaint/"


def page_of(complaint) -> str:
    return f"/admin/editorial/complaint/{complaint.pk}/change/"


def act(complaint, action: str) -> str:
    return f"/admin/editorial/complaint/{complaint.pk}/act/{action}/"


def references_in(html: str) -> list[str]:
    return list(dict.fromkeys(re.findall(r"CN-\d{4}-\d{6}", html)))


def due_at(complaint, when) -> Complaint:
    Complaint.objects.filter(pk=complaint.pk).update(decision_due_at=when)
    return complaint


@pytest.fixture
def wang(client):
    user = officer("wang")
    client.force_login(user)
    return user


def test_the_queue_lists_overdue_first_then_by_deadline_with_readable_labels(client, wang):
    with time_machine.travel(NOW, tick=False):
        later = due_at(received(ArticleFactory(), notifier_email="a@x.test")[0], NOW + dt.timedelta(days=3))
        soon = due_at(received(ArticleFactory(), notifier_email="b@x.test")[0], NOW + dt.timedelta(hours=5))
        long_overdue = due_at(received(ArticleFactory(), notifier_email="c@x.test")[0], NOW - dt.timedelta(days=2))
        just_overdue = due_at(received(ArticleFactory(), notifier_email="d@x.test")[0], NOW - dt.timedelta(hours=3))
        decided, _ = received(ArticleFactory(), notifier_email="e@x.test")
        reject(decided, wang)
        html = client.get(QUEUE).content.decode()
    assert references_in(html) == [
        long_overdue.reference,
        just_overdue.reference,
        soon.reference,
        later.reference,
        decided.reference,
    ]
    assert "overdue by 2 d" in html and "overdue by 3 h" in html
    assert "due in 5 h" in html and "due in 3 d" in html
    assert html.count('class="due overdue"') == 2


def test_the_queue_leaves_out_finished_and_unconfirmed_complaints_unless_asked(client, wang):
    open_one, _ = received(ArticleFactory(), notifier_email="a@x.test")
    withdrawn, _ = received(ArticleFactory(), notifier_email="b@x.test")
    moves.complaint_withdraw(complaint=withdrawn)
    html = client.get(QUEUE).content.decode()
    assert open_one.reference in html and withdrawn.reference not in html
    assert withdrawn.reference in client.get(QUEUE, {"queue": "all"}).content.decode()


def test_filters_by_state_regime_and_assignee(client, wang):
    us, _ = received(ArticleFactory(), notifier_email="a@x.test", regime="us")
    prc, _ = received(ArticleFactory(), notifier_email="b@x.test", regime="prc")
    moves.complaint_start_review(complaint=prc, actor=wang)
    mine = client.get(QUEUE, {"assignee": "me"}).content.decode()
    assert prc.reference in mine and us.reference not in mine
    unassigned = client.get(QUEUE, {"assignee": "none"}).content.decode()
    assert us.reference in unassigned and prc.reference not in unassigned
    assert references_in(client.get(QUEUE, {"regime__exact": "us"}).content.decode()) == [us.reference]
    assert references_in(client.get(QUEUE, {"status__exact": "in_review"}).content.decode()) == [prc.reference]
    assert references_in(client.get(QUEUE, {"assignee": str(wang.pk)}).content.decode()) == [prc.reference]


def test_assign_to_me_from_the_page_and_from_the_list(client, wang):
    first, _ = received(ArticleFactory(), notifier_email="a@x.test")
    second, _ = received(ArticleFactory(), notifier_email="b@x.test")
    assert "Assign to me" in client.get(page_of(first)).content.decode()
    response = client.post(act(first, "assign"))
    assert response.status_code == 302 and response["Location"] == page_of(first)
    first.refresh_from_db()
    assert first.assignee == wang
    client.post(QUEUE, {"action": "assign_to_me", "_selected_action": [second.pk]})
    second.refresh_from_db()
    assert second.assignee == wang
    assert first.assignee == wang


def test_the_complaint_page_previews_each_item_and_compares_the_dates(client, wang):
    article = ArticleFactory(
        title="Cranes at the new port",
        dek="A terminal opens on the coast.",
        first_published_at=timezone.now() - dt.timedelta(days=900),
        published_at=timezone.now() - dt.timedelta(days=900),
    )
    picture = RenderedImageFactory(caption="Harbour lights")
    complaint, _ = received(article, picture, original_published_on=(timezone.now() - dt.timedelta(days=30)).date())
    html = client.get(page_of(complaint)).content.decode()
    assert "Cranes at the new port" in html and "A terminal opens on the coast." in html
    assert f'href="{article.get_absolute_url()}"' in html
    rendition = picture.renditions.filter(format="jpeg").first()
    assert f'src="{rendition.file.url}"' in html
    assert f"{timezone.localtime(article.first_published_at):%Y-%m-%d}" in html  # ours
    assert f"{complaint.original_published_on:%Y-%m-%d}" in html  # theirs
    # Our article is 900 days older than the "original"; the picture joined our library only now.
    assert html.count("Ours is earlier than the original they claim") == 1


def test_a_later_first_publication_of_ours_raises_no_warning(client, wang):
    complaint, _ = received(ArticleFactory(), original_published_on=dt.date(2013, 9, 8))
    assert "Ours is earlier" not in client.get(page_of(complaint)).content.decode()


def test_the_complaint_page_shows_the_notifiers_history_and_the_audit_trail(client, wang):
    earlier, _ = received(ArticleFactory(), notifier_email="a@lens-agency.test")
    reject(earlier, wang, manifestly_unfounded=True)
    colleague, _ = received(ArticleFactory(), notifier_email="b@lens-agency.test")  # same organisation
    stranger, _ = received(ArticleFactory(), notifier_email="c@else.test", notifier_organisation="Elsewhere")
    current, _ = received(ArticleFactory(), notifier_email="a@lens-agency.test")
    html = client.get(page_of(current)).content.decode()
    history = html.split("The notifier&#x27;s earlier complaints")[1].split("The work and the claim")[0]
    assert earlier.reference in history and "manifestly unfounded" in history and "Rejected" in history
    assert colleague.reference in history
    assert stranger.reference not in history
    assert "complaint.verify" in html.split("Audit trail")[-1]


def test_an_officer_decides_from_the_page_and_the_measure_is_applied(client, wang):
    article = ArticleFactory()
    complaint, _ = received(article)
    item = complaint.items.get()
    response = client.post(
        act(complaint, "decide"),
        {
            f"item-{item.pk}-outcome": "upheld",
            f"item-{item.pk}-measure": "withhold_article",
            "reasons": "Their photograph, used without a licence.",
        },
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    article.refresh_from_db()
    assert complaint.status == S.UPHELD and article.status == Article.Status.WITHHELD
    messages = [str(m) for m in client.get(page_of(complaint)).context["messages"]]
    assert any("is decided: upheld" in m for m in messages)


def test_a_refused_decision_says_why_and_keeps_what_the_officer_typed(client, wang):
    complaint, _ = received(ArticleFactory())
    item = complaint.items.get()
    client.post(
        act(complaint, "decide"),
        {f"item-{item.pk}-outcome": "upheld", f"item-{item.pk}-measure": "", "reasons": "My careful reasoning."},
    )
    page = client.get(page_of(complaint))
    html = page.content.decode()
    assert any("needs a measure" in str(m) for m in page.context["messages"])
    assert "My careful reasoning." in html
    complaint.refresh_from_db()
    assert complaint.status == S.RECEIVED


def test_a_second_officer_on_a_stale_page_is_told_it_is_already_decided(client, wang):
    complaint, _ = received(ArticleFactory())
    item = complaint.items.get()
    uphold(complaint, officer("li"))
    client.post(
        act(complaint, "decide"),
        {f"item-{item.pk}-outcome": "rejected", "reasons": "I disagree."},
    )
    messages = [str(m) for m in client.get(page_of(complaint)).context["messages"]]
    assert any("already decided by Li" in m for m in messages)
    complaint.refresh_from_db()
    assert complaint.status == S.UPHELD


def test_requesting_information_from_the_page(client, wang):
    complaint, _ = received(ArticleFactory())
    client.post(act(complaint, "request_information"), {"question": "Which issue printed it?", "reply_days": "3"})
    complaint.refresh_from_db()
    assert complaint.status == S.NEEDS_INFO and complaint.reply_due_at is not None


def test_the_officer_who_decided_cannot_decide_the_appeal_from_the_page(client, wang):
    complaint, _ = received(ArticleFactory())
    reject(complaint, wang)
    moves.complaint_lodge_appeal(complaint=complaint, by="notifier", reasons="Please look again.")
    html = client.get(page_of(complaint)).content.decode()
    assert "another officer must decide it" in html and "Decide the appeal" not in html
    client.post(act(complaint, "decide_appeal"), {"outcome": "confirmed", "reasons": "Fine."})
    assert Appeal.objects.get().is_pending
    li = officer("li")
    client.force_login(li)
    assert "Decide the appeal" in client.get(page_of(complaint)).content.decode()
    client.post(act(complaint, "decide_appeal"), {"outcome": "confirmed", "reasons": "The rejection stands."})
    appeal = Appeal.objects.get()
    assert appeal.outcome == Appeal.Outcome.CONFIRMED and appeal.decided_by == li


def test_the_chief_editor_sees_the_file_but_cannot_act(client):
    complaint, _ = received(ArticleFactory())
    client.force_login(UserFactory(username="chief", roles=["Chief editor"]))
    html = client.get(page_of(complaint)).content.decode()
    assert complaint.reference in html and "Record the decision" not in html
    assert client.post(act(complaint, "assign")).status_code == 403
    complaint.refresh_from_db()
    assert complaint.assignee is None


def test_actions_answer_only_posts_and_known_names(client, wang):
    complaint, _ = received(ArticleFactory())
    assert client.get(act(complaint, "assign")).status_code == 405
    assert client.post(act(complaint, "delete_everything")).status_code == 404
    assert client.post("/admin/editorial/complaint/999999/act/assign/").status_code == 404
