"""Issue 6, point 6: either side may appeal within 6 months of a decision (the notifier from the tracking
page, the affected party from its private link); an officer other than the one who decided reviews it (the
database refuses it too); a reversal undoes or applies the measure exactly."""

import datetime as dt

import pytest
import time_machine
from django.db import IntegrityError, transaction

from articles.models import Article
from editorial.copyright import moves
from editorial.copyright.moves import ItemDecision
from editorial.copyright.states import ComplaintError, ComplaintPermissionError, ComplaintStateError
from editorial.copyright.states import ComplaintStatus as S
from editorial.models import Appeal, AuditEvent, Measure
from tests.copyright_helpers import (
    EDITOR_EMAIL,
    Kind,
    Outcome,
    answer_link,
    article_fields,
    messages_to,
    officer,
    parse,
    received,
    reject,
    uphold,
)
from tests.factories import ArticleFactory, EditorFactory

pytestmark = pytest.mark.django_db

MONDAY = dt.datetime(2026, 5, 4, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def article():
    return ArticleFactory(responsible_editor=EditorFactory(display_name="Su Suiyue", email=EDITOR_EMAIL))


@pytest.fixture
def wang():
    return officer("wang")


@pytest.fixture
def li():
    return officer("li")


def tracking(complaint, token) -> str:
    return f"/copyright/notices/{complaint.reference}/?token={token}"


def test_the_notifier_appeals_a_rejection_and_another_officer_reverses_it_applying_the_measure(
    client, article, wang, li
):
    complaint, token = received(article)
    reject(complaint, wang)
    page = parse(client.get(tracking(complaint, token)).content)
    button = [b for b in page.find_all("button") if "Appeal" in b.text()][0]
    assert not button.has_attr("disabled")

    response = client.post(
        f"/copyright/notices/{complaint.reference}/appeal/",
        {"token": token, "reasons": "Our archive shows we published the photograph in 2012."},
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    appeal = Appeal.objects.get()
    assert complaint.status == S.APPEALED and appeal.by == "notifier" and appeal.original_decider == wang
    assert messages_to(complaint.notifier_email, "complaint_appeal_lodged")

    with pytest.raises(ComplaintPermissionError, match="another officer must decide"):
        moves.complaint_decide_appeal(
            appeal=appeal, by=wang, outcome=Appeal.Outcome.CONFIRMED, reasons="I stand by it."
        )

    moves.complaint_decide_appeal(
        appeal=appeal,
        by=li,
        outcome=Appeal.Outcome.REVERSED,
        reasons="The archive proves their earlier publication.",
        decisions=[ItemDecision(item=complaint.items.get().pk, outcome=Outcome.UPHELD, measure=Kind.WITHHOLD_ARTICLE)],
    )
    complaint.refresh_from_db()
    appeal.refresh_from_db()
    assert complaint.status == S.UPHELD
    assert (appeal.outcome, appeal.decided_by) == (Appeal.Outcome.REVERSED, li)
    article.refresh_from_db()
    assert article.status == Article.Status.WITHHELD
    assert (
        "The appeal on your copyright complaint"
        in messages_to(complaint.notifier_email, "complaint_appeal_decision")[-1].subject
    )
    statement = messages_to(EDITOR_EMAIL, "statement_of_reasons")[-1].body
    assert "The archive proves their earlier publication." in statement and "/answer/?token=" in statement


def test_the_affected_party_appeals_and_a_reversal_restores_the_article_exactly(client, article, wang, li):
    before = article_fields(article)
    complaint, token = received(article)
    uphold(complaint, wang)
    path, party_token = answer_link()
    page = client.get(f"{path}?token={party_token}").content.decode()
    assert "Appeal the decision" in page
    response = client.post(f"{path}appeal/", {"token": party_token, "reasons": "The picture is our own work."})
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert appeal.by == "affected_party" and appeal.affected_party.email == EDITOR_EMAIL
    assert "the decision was appealed" in messages_to(complaint.notifier_email, "complaint_appeal_lodged")[-1].subject

    moves.complaint_decide_appeal(
        appeal=appeal, by=li, outcome=Appeal.Outcome.REVERSED, reasons="It is their own picture."
    )

    complaint.refresh_from_db()
    assert complaint.status == S.REJECTED
    assert article_fields(article) == before
    assert Measure.objects.get().reversal_reason == Measure.Reversal.APPEAL
    assert client.get(article.get_absolute_url()).status_code == 200


def test_a_confirmed_appeal_leaves_the_decision_and_its_measure_as_they_were(article, wang, li):
    complaint, _ = received(article)
    uphold(complaint, wang)
    appeal = moves.complaint_lodge_appeal(complaint=complaint, by="notifier", reasons="Remove it from the archive too.")
    moves.complaint_decide_appeal(
        appeal=appeal, by=li, outcome=Appeal.Outcome.CONFIRMED, reasons="The measure suffices."
    )
    complaint.refresh_from_db()
    assert complaint.status == S.UPHELD and Measure.objects.get().in_force
    article.refresh_from_db()
    assert article.status == Article.Status.WITHHELD
    assert AuditEvent.objects.for_object(complaint).filter(action="complaint.decide_appeal").get().actor == li


def test_appeals_close_six_months_after_the_decision(client, article, wang):
    with time_machine.travel(MONDAY, tick=False):
        complaint, token = received(article)
        reject(complaint, wang)
    complaint.refresh_from_db()
    assert complaint.appeal_deadline.date() == (MONDAY + dt.timedelta(days=183)).date()
    with time_machine.travel(MONDAY + dt.timedelta(days=182), tick=False):
        assert complaint.may_appeal("notifier")
    with time_machine.travel(MONDAY + dt.timedelta(days=184), tick=False):
        html = client.get(tracking(complaint, token)).content.decode()
        assert "can no longer be appealed" in html
        response = client.post(
            f"/copyright/notices/{complaint.reference}/appeal/", {"token": token, "reasons": "Late, but please."}
        )
    assert response.status_code == 409
    assert "The time to appeal ended on" in response.content.decode()
    assert not Appeal.objects.exists()


def test_the_timer_closes_a_decided_complaint_once_the_appeal_window_has_passed(article, wang):
    from io import StringIO

    from django.core.management import call_command

    with time_machine.travel(MONDAY, tick=False):
        complaint, _ = received(article)
        uphold(complaint, wang)
    with time_machine.travel(MONDAY + dt.timedelta(days=184), tick=False):
        call_command("complaint_timers", stdout=StringIO())
    complaint.refresh_from_db()
    assert complaint.status == S.CLOSED
    article.refresh_from_db()
    assert article.status == Article.Status.WITHHELD  # closing the file keeps the measure in force


def test_each_side_appeals_once(article, wang, li):
    complaint, _ = received(article)
    uphold(complaint, wang)
    appeal = moves.complaint_lodge_appeal(complaint=complaint, by="notifier", reasons="Remove it everywhere.")
    moves.complaint_decide_appeal(
        appeal=appeal, by=li, outcome=Appeal.Outcome.CONFIRMED, reasons="The measure suffices."
    )
    with pytest.raises(ComplaintStateError, match="already appealed"):
        moves.complaint_lodge_appeal(complaint=complaint, by="notifier", reasons="Again.")


def test_an_appeal_cannot_be_lodged_before_a_decision(article):
    complaint, _ = received(article)
    with pytest.raises(ComplaintStateError):
        moves.complaint_lodge_appeal(complaint=complaint, by="notifier", reasons="Too early.")


def test_the_database_refuses_an_appeal_decided_by_the_officer_who_made_the_decision(article, wang):
    complaint, _ = received(article)
    reject(complaint, wang)
    appeal = moves.complaint_lodge_appeal(complaint=complaint, by="notifier", reasons="Please look again.")
    with pytest.raises(IntegrityError), transaction.atomic():
        Appeal.objects.filter(pk=appeal.pk).update(decided_by=wang, outcome=Appeal.Outcome.CONFIRMED)


def test_reversing_a_rejection_needs_the_measures_and_a_second_decision_of_the_same_appeal_is_refused(
    article, wang, li
):
    complaint, _ = received(article)
    reject(complaint, wang)
    appeal = moves.complaint_lodge_appeal(complaint=complaint, by="notifier", reasons="Please look again.")
    with pytest.raises(ComplaintError, match="say which measure applies"):
        moves.complaint_decide_appeal(appeal=appeal, by=li, outcome=Appeal.Outcome.REVERSED, reasons="They are right.")
    moves.complaint_decide_appeal(
        appeal=appeal, by=li, outcome=Appeal.Outcome.CONFIRMED, reasons="The rejection stands."
    )
    with pytest.raises(ComplaintStateError, match="already decided by Li"):
        moves.complaint_decide_appeal(
            appeal=appeal, by=officer("zhao"), outcome=Appeal.Outcome.CONFIRMED, reasons="Same."
        )


def test_hostile_input_on_the_appeal_forms_gets_a_4xx_and_stores_nothing(client, article, wang):
    complaint, token = received(article)
    uphold(complaint, wang)
    appeal_url = f"/copyright/notices/{complaint.reference}/appeal/"
    assert client.post(appeal_url, {"token": token, "reasons": "x" * 20001}).status_code == 400
    assert client.post(appeal_url, {"token": token, "reasons": "   "}).status_code == 400
    assert client.post(appeal_url, {"token": "wrong" * 10, "reasons": "Look again."}).status_code == 404
    assert client.post(appeal_url, {"reasons": "Look again."}).status_code == 404
    path, party_token = answer_link()
    assert client.post(f"{path}appeal/", {"token": party_token + "x", "reasons": "Mine."}).status_code == 404
    court = f"/copyright/notices/{complaint.reference}/court-action/"
    assert client.post(court, {"token": token, "details": "x" * 5001, "confirm": "on"}).status_code == 400
    assert not Appeal.objects.exists()
    complaint.refresh_from_db()
    assert complaint.status == S.UPHELD


def test_malformed_decisions_in_the_admin_are_refused_with_a_message_not_an_error(client, article, wang):
    complaint, _ = received(article)
    client.force_login(wang)
    item = complaint.items.get()
    for data in [
        {f"item-{item.pk}-outcome": "obliterate", "reasons": "Because."},
        {f"item-{item.pk}-outcome": "upheld", f"item-{item.pk}-measure": "remove_image", "reasons": "Because."},
        {f"item-{item.pk}-outcome": "upheld", f"item-{item.pk}-measure": "withhold_article", "reasons": "x" * 20001},
        {},
    ]:
        response = client.post(f"/admin/editorial/complaint/{complaint.pk}/act/decide/", data)
        assert response.status_code == 302, data
    complaint.refresh_from_db()
    assert complaint.status == S.RECEIVED and not Measure.objects.exists()


def test_the_tracking_page_after_a_decision_costs_the_same_queries_with_one_or_twenty_items(
    client, wang, django_assert_max_num_queries
):
    small, small_token = received(ArticleFactory(), notifier_email="small@lens.test")
    big, big_token = received(*[ArticleFactory() for _ in range(20)], notifier_email="big@lens.test")
    for complaint in (small, big):
        uphold(complaint, wang)
    with django_assert_max_num_queries(10) as captured:
        assert "Appeal the decision" in client.get(tracking(small, small_token)).content.decode()
    with django_assert_max_num_queries(len(captured)):
        assert client.get(tracking(big, big_token)).status_code == 200
