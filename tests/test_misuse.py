"""Issue 6, point 7: a notifier (by email and by organisation) whose complaints are repeatedly rejected as
manifestly unfounded is warned, then suspended for a configurable period; a suspended notifier's new
complaint is refused with a clear message; the policy page says so."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from editorial.copyright import moves
from editorial.copyright.moves import ItemDecision, complaint_decide_appeal
from editorial.copyright.states import ComplaintError
from editorial.copyright.states import ComplaintStatus as S
from editorial.models import Appeal, Complaint, NotifierSanction
from tests.copyright_helpers import (
    LENS,
    Kind,
    Outcome,
    article_url,
    form_data,
    messages_to,
    officer,
    received,
    reject,
    unfounded,
)
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _thresholds(settings):
    settings.COMPLAINT_MISUSE_WARNING_THRESHOLD = 2
    settings.COMPLAINT_MISUSE_SUSPENSION_THRESHOLD = 3
    settings.COMPLAINT_SUSPENSION_DAYS = 90


def test_repeated_manifestly_unfounded_complaints_bring_a_warning_then_a_suspension():
    unfounded()
    assert not NotifierSanction.objects.exists()
    second = unfounded()
    warning = NotifierSanction.objects.get()
    assert warning.kind == NotifierSanction.Kind.WARNING and warning.complaint == second
    assert "warning" in messages_to("rights@lens-agency.test", "notifier_warning")[-1].subject.lower()

    third = unfounded()
    suspension = NotifierSanction.objects.get(kind=NotifierSanction.Kind.SUSPENSION)
    assert suspension.complaint == third and suspension.organisation == LENS
    assert suspension.ends_at - suspension.starts_at == dt.timedelta(days=90)
    body = messages_to("rights@lens-agency.test", "notifier_suspension")[-1].body
    assert f"{timezone.localtime(suspension.ends_at):%-d %B %Y}" in body


def test_a_suspended_notifier_is_refused_at_the_form_with_the_end_date_then_welcome_again(client):
    with time_machine.travel(dt.datetime(2026, 5, 4, 2, 0, tzinfo=dt.UTC), tick=False):
        for _ in range(3):
            unfounded()
        new_article = ArticleFactory()
        response = client.post("/copyright/notices/new/", form_data(article_url(new_article)))
    assert response.status_code == 200
    html = response.content.decode()
    assert "suspended until 02 August 2026" in html and "manifestly unfounded" in html
    assert not Complaint.objects.filter(items__article=new_article).exists()
    with time_machine.travel(dt.datetime(2026, 8, 3, 2, 0, tzinfo=dt.UTC), tick=False):
        response = client.post("/copyright/notices/new/", form_data(article_url(new_article)))
    assert response.status_code == 302


def test_the_organisation_counts_across_its_people_and_is_suspended_as_a_whole(client):
    unfounded(email="a@lens-agency.test")
    unfounded(email="b@lens-agency.test", organisation="lens agency")  # the same organisation, any case
    assert NotifierSanction.objects.get().kind == NotifierSanction.Kind.WARNING
    unfounded(email="c@lens-agency.test")
    assert NotifierSanction.objects.filter(kind=NotifierSanction.Kind.SUSPENSION).exists()
    response = client.post(
        "/copyright/notices/new/",
        form_data(article_url(ArticleFactory()), notifier_email="d@lens-agency.test", notifier_organisation=LENS),
    )
    assert "are suspended until" in response.content.decode()
    # Another person of no organisation is not affected.
    other = client.post(
        "/copyright/notices/new/",
        form_data(article_url(ArticleFactory()), notifier_email="solo@photo.test", notifier_organisation=""),
    )
    assert other.status_code == 302


def test_the_suspension_period_and_thresholds_are_settings(settings):
    settings.COMPLAINT_SUSPENSION_DAYS = 30
    settings.COMPLAINT_MISUSE_WARNING_THRESHOLD = 1
    settings.COMPLAINT_MISUSE_SUSPENSION_THRESHOLD = 2
    unfounded()
    assert NotifierSanction.objects.get().kind == NotifierSanction.Kind.WARNING
    unfounded()
    suspension = NotifierSanction.objects.get(kind=NotifierSanction.Kind.SUSPENSION)
    assert suspension.ends_at - suspension.starts_at == dt.timedelta(days=30)


def test_ordinary_rejections_do_not_count_and_a_suspension_always_follows_a_warning(settings):
    settings.COMPLAINT_MISUSE_WARNING_THRESHOLD = 3
    settings.COMPLAINT_MISUSE_SUSPENSION_THRESHOLD = 1  # even so, nobody is suspended without a warning first
    for _ in range(3):
        complaint, _ = received(ArticleFactory())
        reject(complaint, officer())
    assert not NotifierSanction.objects.exists()
    unfounded()
    unfounded()
    assert not NotifierSanction.objects.exists()
    unfounded()
    assert list(NotifierSanction.objects.values_list("kind", flat=True)) == [NotifierSanction.Kind.WARNING]


def test_closing_a_complaint_as_misuse_counts_and_tells_the_notifier_why():
    unfounded()
    complaint, token = received(ArticleFactory())
    moves.complaint_close_as_misuse(
        complaint=complaint, actor=officer(), reasons="The same picture, the fourth time, with a forged date."
    )
    complaint.refresh_from_db()
    assert complaint.status == S.CLOSED_MISUSE and complaint.manifestly_unfounded
    assert complaint.items.get().outcome == Outcome.REJECTED
    assert "forged date" in messages_to(complaint.notifier_email, "complaint_closed_misuse")[-1].body
    assert NotifierSanction.objects.get().kind == NotifierSanction.Kind.WARNING


def test_only_an_all_rejected_decision_can_be_manifestly_unfounded():
    complaint, _ = received(ArticleFactory())
    with pytest.raises(ComplaintError, match="rejected on every item"):
        moves.complaint_decide(
            complaint=complaint,
            by=officer(),
            decisions=[
                ItemDecision(item=complaint.items.get().pk, outcome=Outcome.UPHELD, measure=Kind.WITHHOLD_ARTICLE)
            ],
            reasons="Both.",
            manifestly_unfounded=True,
        )


def test_a_rejection_reversed_on_appeal_no_longer_counts():
    first = unfounded()
    appeal = moves.complaint_lodge_appeal(
        complaint=first, by="notifier", reasons="Our registration certificate is attached."
    )
    complaint_decide_appeal(
        appeal=appeal,
        by=officer("li"),
        outcome=Appeal.Outcome.REVERSED,
        reasons="The certificate settles it.",
        decisions=[ItemDecision(item=first.items.get().pk, outcome=Outcome.UPHELD, measure=Kind.WITHHOLD_ARTICLE)],
    )
    first.refresh_from_db()
    assert not first.manifestly_unfounded
    unfounded()
    assert not NotifierSanction.objects.exists()  # one unfounded complaint left: no warning


def test_the_policy_page_states_the_rule_with_the_configured_numbers(client, settings):
    settings.COMPLAINT_SUSPENSION_DAYS = 45
    settings.COMPLAINT_MISUSE_WARNING_THRESHOLD = 2
    settings.COMPLAINT_MISUSE_SUSPENSION_THRESHOLD = 4
    html = " ".join(client.get("/copyright/").content.decode().split())
    assert "first warned, then suspended" in html
    assert "after 2 complaints rejected as manifestly unfounded" in html
    assert "the count reaches 4" in html and "for 45 days" in html
