"""Issue 6, point 5: the affected party answers through its private link with the elements the regime
requires; the counter-notice is forwarded to the notifier; the restore date is computed (United States: 10
business days after receipt, unless the notifier reports a court action; PRC: at once, and the same notifier
may not complain again about the same work); restoration happens on time by itself."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article
from editorial.copyright import moves
from editorial.copyright.states import ComplaintStatus as S
from editorial.models import AuditEvent, Complaint, CounterNotice, Measure, OutboundMessage
from tests.copyright_helpers import (
    EDITOR_EMAIL,
    answer_link,
    article_fields,
    article_url,
    form_data,
    messages_to,
    officer,
    parse,
    received,
    uphold,
)
from tests.factories import ArticleFactory, EditorFactory

pytestmark = pytest.mark.django_db

MONDAY = dt.datetime(2026, 5, 4, 2, 0, tzinfo=dt.UTC)  # 10:00 in the site's time zone


def counter_notice_data(token: str, item_ids, **overrides) -> dict:
    data = {
        "token": token,
        "items": [str(pk) for pk in item_ids],
        "name": "Su Suiyue",
        "email": EDITOR_EMAIL,
        "address": "1 Newsroom Street, Beijing",
        "phone": "+86 10 5555 0199",
        "explanation": "The picture is our staff photographer's own; the negatives are in our archive.",
        "statement_mistake": "on",
        "statement_jurisdiction": "on",
        "signature": "Su Suiyue",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def withheld_complaint(regime: str) -> tuple[Complaint, str, Article, dict]:
    """An upheld complaint under `regime` that withheld an article, its tracking token, the article, and the
    article's fields before the measure."""
    article = ArticleFactory(responsible_editor=EditorFactory(display_name="Su Suiyue", email=EDITOR_EMAIL))
    before = article_fields(article)
    complaint, token = received(article, regime=regime)
    uphold(complaint, officer())
    article.refresh_from_db()
    assert article.status == Article.Status.WITHHELD
    return complaint, token, article, before


def send_counter_notice(client, complaint, **overrides):
    path, token = answer_link()
    items = list(complaint.items.values_list("pk", flat=True))
    return client.post(f"{path}counter-notice/", counter_notice_data(token, items, **overrides))


def run_timers():
    call_command("complaint_timers", stdout=StringIO())


@pytest.mark.parametrize(
    ("regime", "setting", "days", "phrase"),
    [
        ("us", "COMPLAINT_US_RESTORE_BUSINESS_DAYS", 12, "12 business days"),
        ("eu", "COMPLAINT_RESTORE_BUSINESS_DAYS", 7, "7 business days"),
        ("prc", "COMPLAINT_RESTORE_BUSINESS_DAYS", 7, "at once"),
    ],
)
def test_the_affected_party_is_told_the_restore_window_that_applies(client, settings, regime, setting, days, phrase):
    """The statement of reasons and the answer page give the configured window, not a fixed ten days."""
    setattr(settings, setting, days)
    withheld_complaint(regime)
    body = OutboundMessage.objects.filter(to=EDITOR_EMAIL, kind="statement_of_reasons").latest("pk").body
    assert phrase in body and "10 business days" not in body
    path, token = answer_link()
    page = client.get(path, {"token": token}).content.decode()
    if regime == "prc":
        assert "as soon as we receive a valid counter-notice" in page
    else:
        assert f"within {phrase}" in page and "10 business days" not in page


# --- United States ------------------------------------------------------------------------------------------


def test_a_us_counter_notice_is_forwarded_and_the_content_comes_back_by_itself_after_10_business_days(client):
    with time_machine.travel(MONDAY, tick=False):
        complaint, _, article, before = withheld_complaint("us")
        response = send_counter_notice(client, complaint)
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == S.COUNTER_NOTICE
    assert timezone.localtime(complaint.restore_due_at) == timezone.localtime(MONDAY) + dt.timedelta(days=14)
    notice = CounterNotice.objects.get()
    assert notice.forwarded_at is not None
    forwarded = messages_to(complaint.notifier_email, "counter_notice_forwarded")[-1].body
    for element in [
        "Su Suiyue",
        "1 Newsroom Street, Beijing",
        "+86 10 5555 0199",
        "penalty of perjury",
        "consent to the jurisdiction",
        "service of process",
        complaint.items.get().url,
        "18 May 2026",
    ]:
        assert element in forwarded, element
    assert messages_to(EDITOR_EMAIL, "counter_notice_received")

    with time_machine.travel(MONDAY + dt.timedelta(days=14, hours=-1), tick=False):  # the day, an hour early
        run_timers()
    assert Article.objects.get(pk=article.pk).status == Article.Status.WITHHELD

    with time_machine.travel(MONDAY + dt.timedelta(days=14, minutes=1), tick=False):
        run_timers()
    complaint.refresh_from_db()
    assert complaint.status == S.RESTORED
    assert article_fields(article) == before
    assert client.get(article.get_absolute_url()).status_code == 200
    assert Measure.objects.get().reversal_reason == Measure.Reversal.COUNTER_NOTICE
    assert messages_to(complaint.notifier_email, "complaint_restored")
    assert CounterNotice.objects.get().valid is True


def ready_tasks(path: str):
    from django_tasks_db.models import DBTaskResult

    return list(DBTaskResult.objects.ready().filter(task_path=path))


def test_a_task_deferred_to_the_restore_date_restores_on_time_without_the_command(
    client, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    path = "editorial.tasks.restore_complaint_content"
    with time_machine.travel(MONDAY, tick=False):
        complaint, _, article, before = withheld_complaint("us")
        with django_capture_on_commit_callbacks(execute=True):
            send_counter_notice(client, complaint)
        complaint.refresh_from_db()
        assert ready_tasks(path) == []  # enqueued, but not before its time
    from django_tasks_db.models import DBTaskResult

    (queued,) = DBTaskResult.objects.filter(task_path=path)
    assert queued.run_after == complaint.restore_due_at and queued.args_kwargs["args"] == [complaint.pk]
    with time_machine.travel(MONDAY + dt.timedelta(days=14, minutes=1), tick=False):
        (due,) = ready_tasks(path)  # what a worker picks up now
        assert due.task.call(*due.args_kwargs["args"]) is True
    assert article_fields(article) == before
    assert due.task.call(*due.args_kwargs["args"]) is False  # running it again does nothing


def test_a_reported_court_action_holds_the_content_past_the_restore_date(client):
    with time_machine.travel(MONDAY, tick=False):
        complaint, tracking_token, article, _ = withheld_complaint("us")
        send_counter_notice(client, complaint)
        page = client.get(f"/copyright/notices/{complaint.reference}/?token={tracking_token}").content.decode()
        assert "Report a court action" in page
        response = client.post(
            f"/copyright/notices/{complaint.reference}/court-action/",
            {
                "token": tracking_token,
                "details": "Beijing Internet Court, case (2026) Jing 0491 Min Chu 1234",
                "confirm": "on",
            },
        )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == S.LITIGATION_HOLD and complaint.restore_due_at is None
    assert "Beijing Internet Court" in messages_to(EDITOR_EMAIL, "complaint_litigation_hold")[-1].body
    with time_machine.travel(MONDAY + dt.timedelta(days=60), tick=False):
        run_timers()
    assert Article.objects.get(pk=article.pk).status == Article.Status.WITHHELD
    # When the court action ends in the affected party's favour, an officer restores it.
    from editorial.copyright import moves

    moves.complaint_restore(complaint=complaint, by=officer("li"), note="The court dismissed the action.")
    assert Article.objects.get(pk=article.pk).status == Article.Status.PUBLISHED
    assert Measure.objects.get().reversal_reason == Measure.Reversal.OFFICER


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ({"phone": ""}, "A telephone number is required under United States law."),
        ({"statement_jurisdiction": None}, "consent to the court"),
        ({"statement_mistake": None}, "statement of good faith is required"),
        ({"signature": ""}, "Type your full name as a signature."),
        ({"address": ""}, "Give your postal address."),
        ({"items": []}, "Choose the content your counter-notice is about."),
    ],
)
def test_a_us_counter_notice_without_an_element_the_law_requires_is_refused_clearly(client, missing, message):
    complaint, _, article, _ = withheld_complaint("us")
    response = send_counter_notice(client, complaint, **missing)
    assert response.status_code == 400
    assert message in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == S.UPHELD and not CounterNotice.objects.exists()


def test_an_officer_may_refuse_an_invalid_counter_notice_and_the_decision_stands(client):
    with time_machine.travel(MONDAY, tick=False):
        complaint, _, article, _ = withheld_complaint("us")
        send_counter_notice(client, complaint, explanation="No.")
        complaint.refresh_from_db()
        moves.complaint_refuse_counter_notice(
            complaint=complaint, actor=officer("li"), reasons="It gives no reason at all."
        )
    complaint.refresh_from_db()
    assert complaint.status == S.UPHELD and complaint.restore_due_at is None
    assert CounterNotice.objects.get().valid is False
    assert "It gives no reason at all." in messages_to(EDITOR_EMAIL, "counter_notice_refused")[-1].body
    with time_machine.travel(MONDAY + dt.timedelta(days=30), tick=False):
        run_timers()
    assert Article.objects.get(pk=article.pk).status == Article.Status.WITHHELD


# --- PRC ----------------------------------------------------------------------------------------------------


def test_a_prc_counter_notice_restores_at_once_and_bars_a_new_complaint_about_the_same_work(client):
    complaint, _, article, before = withheld_complaint("prc")
    response = send_counter_notice(client, complaint, phone="", statement_jurisdiction=None)  # not required there
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == S.RESTORED
    assert article_fields(article) == before
    events = list(AuditEvent.objects.for_object(complaint).values_list("action", flat=True))
    assert "complaint.receive_counter_notice" in events and "complaint.restore" in events
    assert "back online now" in messages_to(complaint.notifier_email, "counter_notice_forwarded")[-1].body

    refused = client.post("/copyright/notices/new/", form_data(article_url(article)))
    assert refused.status_code == 200
    assert "we cannot accept a new complaint about the same work" in refused.content.decode()
    assert Complaint.objects.count() == 1
    # The same notifier about other content, or someone else about this one, is not barred.
    other = client.post(
        "/copyright/notices/new/",
        form_data(article_url(article), notifier_email="else@x.test", notifier_organisation=""),
    )
    assert other.status_code == 302


# --- the private page ---------------------------------------------------------------------------------------


def test_the_private_link_opens_only_its_own_page(client):
    complaint, _, _, _ = withheld_complaint("us")
    path, token = answer_link()
    assert client.get(f"{path}?token={token}").status_code == 200
    assert client.get(f"{path}?token={token[:-1]}x").status_code == 404
    assert client.get(path).status_code == 404
    other, _ = received(ArticleFactory(), notifier_email="someone@else.test")
    assert client.get(f"/copyright/notices/{other.reference}/answer/?token={token}").status_code == 404
    response = client.get(f"{path}?token={token}")
    assert "no-store" in response["Cache-Control"] and response["X-Robots-Tag"] == "noindex, nofollow"


def test_a_counter_notice_cannot_name_content_that_is_not_theirs_or_not_withheld(client):
    complaint, _, _, _ = withheld_complaint("us")
    other, _ = received(ArticleFactory(), notifier_email="someone@else.test")
    path, token = answer_link()
    response = client.post(f"{path}counter-notice/", counter_notice_data(token, [other.items.get().pk]))
    assert response.status_code == 400 and not CounterNotice.objects.exists()


def test_a_second_counter_notice_while_the_first_runs_is_refused(client):
    complaint, _, _, _ = withheld_complaint("us")
    send_counter_notice(client, complaint)
    response = send_counter_notice(client, complaint)
    assert response.status_code in (400, 409)
    assert CounterNotice.objects.count() == 1


def test_hostile_input_on_the_counter_notice_is_refused_with_a_4xx_and_stored_nowhere(client):
    complaint, _, _, _ = withheld_complaint("us")
    for hostile in [
        {"explanation": "x" * 20001},
        {"name": "<script>alert(1)</script>" * 20},
        {"items": ["not-a-number"]},
        {"email": "not an email"},
    ]:
        response = send_counter_notice(client, complaint, **hostile)
        assert response.status_code == 400, hostile
    assert not CounterNotice.objects.exists()
    response = send_counter_notice(client, complaint, explanation="<script>alert('x')</script> our own picture")
    assert response.status_code == 302
    page = client.get("{}?token={}".format(*answer_link())).content.decode()
    assert "<script>alert" not in page


def test_the_answer_page_costs_the_same_queries_with_one_or_twenty_items(client, django_assert_max_num_queries):
    editor = EditorFactory(display_name="Su Suiyue", email=EDITOR_EMAIL)
    small, _ = received(ArticleFactory(responsible_editor=editor))
    uphold(small, officer())
    small_link = "{}?token={}".format(*answer_link())
    big, _ = received(*[ArticleFactory(responsible_editor=editor) for _ in range(20)], notifier_email="b@lens.test")
    uphold(big, officer())
    big_link = "{}?token={}".format(*answer_link())
    with django_assert_max_num_queries(12) as captured:
        assert client.get(small_link).status_code == 200
    with django_assert_max_num_queries(len(captured)):
        page = parse(client.get(big_link).content)
    assert len(page.find("ol", class_="items").find_all("li")) == 20
