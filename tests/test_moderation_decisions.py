"""Issue 6, points 1 and 3: the officers' moves follow the one state table, with role checks and an audit
trail; decisions are taken item by item (uphold with a measure, uphold in part, reject, ask for information),
with reasons; the notifier gets the decision and how to appeal, each affected party a statement of reasons
with a private link. Also the builders the other moderation tests share."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article
from editorial.copyright import moves
from editorial.copyright.moves import CorrectionSpec, ItemDecision
from editorial.copyright.states import (
    AlreadyDecidedError,
    ComplaintError,
    ComplaintPermissionError,
    ComplaintStateError,
)
from editorial.copyright.states import ComplaintStatus as S
from editorial.models import AffectedParty, AuditEvent, Complaint, Measure, OutboundMessage
from tests.copyright_helpers import (
    Kind,
    Outcome,
    messages_to,
    officer,
    received,
    reject,
    uphold,
)
from tests.factories import ArticleFactory, EditorFactory, UserFactory

pytestmark = pytest.mark.django_db


# --- builders -----------------------------------------------------------------------------------------------


@pytest.fixture
def editor_with_email():
    return EditorFactory(display_name="Su Suiyue", email="su.suiyue@newsroom.test")


# --- the table and the roles --------------------------------------------------------------------------------


def test_only_a_copyright_officer_may_decide_and_nothing_changes_when_refused():
    complaint, _ = received()
    for person in [
        UserFactory(username="editor", roles=["Editor"]),
        UserFactory(username="chief", roles=["Chief editor"]),
    ]:
        with pytest.raises(ComplaintPermissionError, match="Only a copyright officer"):
            uphold(complaint, person)
    complaint.refresh_from_db()
    assert complaint.status == S.RECEIVED and not Measure.objects.exists()
    assert complaint.items.get().article.status == Article.Status.PUBLISHED


def test_each_move_is_audited_with_who_and_from_which_state_to_which():
    complaint, _ = received()
    wang = officer()
    moves.complaint_start_review(complaint=complaint, actor=wang)
    uphold(complaint, wang)
    events = list(
        AuditEvent.objects.for_object(complaint).order_by("pk").values_list("action", "from_state", "to_state")
    )
    assert ("complaint.start_review", S.RECEIVED, S.IN_REVIEW) in events
    assert ("complaint.decide", S.IN_REVIEW, S.UPHELD) in events
    decide = AuditEvent.objects.for_object(complaint).get(action="complaint.decide")
    assert decide.actor == wang and decide.note.startswith("The photograph is theirs")
    complaint.refresh_from_db()
    assert complaint.assignee == wang and complaint.decided_by == wang


def test_a_move_the_table_does_not_allow_is_refused_with_a_clear_message():
    complaint, _ = received()
    wang = officer()
    moves.complaint_request_information(complaint=complaint, actor=wang, question="Which issue printed it?")
    with pytest.raises(ComplaintStateError, match="Needs information"):
        uphold(complaint, wang)
    with pytest.raises(ComplaintStateError):
        moves.complaint_accept_counter_notice(complaint=complaint, actor=wang)


def test_deciding_a_complaint_someone_already_decided_says_who_and_changes_nothing():
    complaint, _ = received()
    first, second = officer("wang"), officer("li")
    uphold(complaint, first)
    stale = Complaint.objects.get(pk=complaint.pk)
    stale.status = S.IN_REVIEW  # what the second officer's page still shows
    with pytest.raises(AlreadyDecidedError, match="already decided by Wang"):
        reject(stale, second)
    assert Measure.objects.count() == 1
    assert AuditEvent.objects.for_object(complaint).filter(action="complaint.decide").count() == 1


def test_messages_are_stored_in_the_outbox_and_sent_only_after_commit(django_capture_on_commit_callbacks, mailoutbox):
    complaint, _ = received()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        uphold(complaint, officer())
    assert OutboundMessage.objects.filter(kind="complaint_decision").exists()
    assert mailoutbox == [] and callbacks  # nothing sent inside the transaction
    for callback in callbacks:
        callback()
    assert any("Our decision on your copyright complaint" in m.subject for m in mailoutbox)


# --- decisions item by item ---------------------------------------------------------------------------------


def test_each_item_gets_its_own_outcome_and_the_complaint_is_partly_upheld(editor_with_email):
    upheld_article = ArticleFactory(responsible_editor=editor_with_email)
    kept_article = ArticleFactory()
    complaint, _ = received(upheld_article, kept_article)
    first, second = complaint.items.order_by("position")
    moves.complaint_decide(
        complaint=complaint,
        by=officer(),
        decisions=[
            ItemDecision(item=first.pk, outcome=Outcome.UPHELD, measure=Kind.WITHHOLD_ARTICLE),
            ItemDecision(item=second.pk, outcome=Outcome.REJECTED, reasons="Our own reporting; nothing of theirs."),
        ],
        reasons="One article copies their story; the other does not.",
    )
    complaint.refresh_from_db()
    first.refresh_from_db()
    second.refresh_from_db()
    assert complaint.status == S.PARTLY_UPHELD
    assert (first.outcome, second.outcome) == (Outcome.UPHELD, Outcome.REJECTED)
    assert first.reasons == "One article copies their story; the other does not."  # the decision's reasons
    assert second.reasons == "Our own reporting; nothing of theirs."
    upheld_article.refresh_from_db()
    kept_article.refresh_from_db()
    assert upheld_article.status == Article.Status.WITHHELD
    assert kept_article.status == Article.Status.PUBLISHED  # exactly the content decided, nothing more


def test_upholding_in_part_applies_a_lesser_measure_than_asked_for():
    article = ArticleFactory(body="<p>Intro.</p><p>A paragraph copied from the agency's wire story.</p>")
    complaint, _ = received(article, remedy=Complaint.Remedy.REMOVE)
    item = complaint.items.get()
    moves.complaint_decide(
        complaint=complaint,
        by=officer(),
        decisions=[
            ItemDecision(
                item=item.pk,
                outcome=Outcome.PARTLY_UPHELD,
                measure=Kind.CORRECT,
                correction=CorrectionSpec(credit="Source: Lens Agency", public_text="We added the agency's credit."),
            )
        ],
        reasons="Crediting the agency is enough; removing the article is not needed.",
    )
    complaint.refresh_from_db()
    article.refresh_from_db()
    assert complaint.status == S.PARTLY_UPHELD
    assert article.status == Article.Status.PUBLISHED and "Source: Lens Agency" in article.body


@pytest.mark.parametrize(
    ("decision", "message"),
    [
        ({"outcome": Outcome.UPHELD}, "needs a measure"),
        ({"outcome": Outcome.UPHELD, "measure": Kind.REMOVE_IMAGE}, "only a picture can be removed"),
        ({"outcome": Outcome.REJECTED, "measure": Kind.WITHHOLD_ARTICLE}, "gets no measure"),
        ({"outcome": "maybe"}, "choose upheld"),
        ({"outcome": Outcome.UPHELD, "measure": Kind.CORRECT}, "public note"),
    ],
)
def test_an_incomplete_or_mismatched_decision_is_refused_and_nothing_is_applied(decision, message):
    complaint, _ = received()
    item = complaint.items.get()
    with pytest.raises(ComplaintError, match=message):
        moves.complaint_decide(
            complaint=complaint, by=officer(), decisions=[ItemDecision(item=item.pk, **decision)], reasons="Because."
        )
    complaint.refresh_from_db()
    assert complaint.status == S.RECEIVED and not Measure.objects.exists()


def test_every_item_must_be_decided_and_reasons_written():
    complaint, _ = received(ArticleFactory(), ArticleFactory())
    first = complaint.items.order_by("position").first()
    with pytest.raises(ComplaintError, match="item 2 left"):
        moves.complaint_decide(
            complaint=complaint,
            by=officer(),
            decisions=[ItemDecision(item=first.pk, outcome=Outcome.REJECTED)],
            reasons="Because.",
        )
    with pytest.raises(ComplaintError, match="Write the reasons"):
        moves.complaint_decide(complaint=complaint, by=officer(), decisions=[], reasons="   ")


def test_the_notifier_gets_the_decision_with_reasons_and_how_to_appeal():
    complaint, _ = received()
    uphold(complaint, officer())
    message = messages_to(complaint.notifier_email, "complaint_decision")[-1]
    assert complaint.reference in message.subject
    assert "Upheld" in message.body and "Withhold the article" in message.body
    assert "The photograph is theirs and was used unlicensed." in message.body
    complaint.refresh_from_db()
    deadline = timezone.localtime(complaint.appeal_deadline)  # the email gives the site's date
    assert f"appeal until {deadline:%-d %B %Y}" in message.body.replace("\n", " ")
    assert "no automated means" in message.body


def test_affected_parties_get_a_statement_of_reasons_with_a_private_link(client, editor_with_email):
    article = ArticleFactory(
        responsible_editor=editor_with_email,
        original_publisher="Silk Road Wire",
        source_contact_email="Rights@SilkRoadWire.test",
    )
    complaint, _ = received(article)
    uphold(complaint, officer())
    parties = {p.email: p for p in AffectedParty.objects.filter(complaint=complaint)}
    assert set(parties) == {"su.suiyue@newsroom.test", "rights@silkroadwire.test"}
    assert parties["rights@silkroadwire.test"].role == AffectedParty.Role.SOURCE
    for email in parties:
        statement = messages_to(email, "statement_of_reasons")[-1].body
        assert "WHAT WE DID" in statement and "Withhold the article" in statement  # what
        assert "The photograph is theirs and was used unlicensed." in statement  # why
        assert "only" in statement.split("Scope:")[1].splitlines()[0]  # its scope
        assert "No automated means were used" in statement
        assert "counter-notice" in statement and "appeal the decision" in statement  # how to answer
        link = next(line for line in statement.splitlines() if "/answer/?token=" in line).strip()
        page = client.get(link.removeprefix("http://127.0.0.1:8000"))
        assert page.status_code == 200 and "Send a counter-notice" in page.content.decode()


def test_a_rejection_sends_no_statement_to_anyone_but_the_notifier(editor_with_email):
    complaint, _ = received(ArticleFactory(responsible_editor=editor_with_email))
    reject(complaint, officer())
    assert not AffectedParty.objects.exists()
    assert messages_to(complaint.notifier_email, "complaint_decision")
    assert not OutboundMessage.objects.filter(kind="statement_of_reasons").exists()


# --- asking for information ---------------------------------------------------------------------------------


def test_no_reply_by_the_deadline_closes_the_complaint_as_incomplete_by_the_timer(settings):
    settings.COMPLAINT_REPLY_WINDOW_BUSINESS_DAYS = 5
    with time_machine.travel(dt.datetime(2026, 5, 4, 2, 0, tzinfo=dt.UTC), tick=False):  # Monday, 10:00 local
        complaint, _ = received()
        moves.complaint_request_information(
            complaint=complaint, actor=officer(), question="Send the camera's original file, please."
        )
    complaint.refresh_from_db()
    assert timezone.localtime(complaint.reply_due_at).date() == dt.date(2026, 5, 11)
    with time_machine.travel(dt.datetime(2026, 5, 11, 1, 0, tzinfo=dt.UTC), tick=False):  # an hour early
        call_command("complaint_timers", stdout=StringIO())
    complaint.refresh_from_db()
    assert complaint.status == S.NEEDS_INFO
    with time_machine.travel(dt.datetime(2026, 5, 11, 3, 0, tzinfo=dt.UTC), tick=False):
        call_command("complaint_timers", stdout=StringIO())
    complaint.refresh_from_db()
    assert complaint.status == S.CLOSED_INCOMPLETE and complaint.closed_at is not None
    assert not complaint.items.filter(is_open=True).exists()
    assert messages_to(complaint.notifier_email, "complaint_closed_incomplete")


def test_a_late_answer_is_refused_and_closes_the_complaint_even_before_the_timer_runs(client):
    with time_machine.travel(dt.datetime(2026, 5, 4, 2, 0, tzinfo=dt.UTC), tick=False):
        complaint, token = received()
        moves.complaint_request_information(complaint=complaint, actor=officer(), question="Which issue printed it?")
    with time_machine.travel(dt.datetime(2026, 6, 1, 2, 0, tzinfo=dt.UTC), tick=False):
        response = client.post(
            f"/copyright/notices/{complaint.reference}/information/", {"token": token, "text": "Issue 37."}
        )
    assert response.status_code == 409
    assert "closed as incomplete" in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == S.CLOSED_INCOMPLETE and not complaint.replies.filter(author="notifier").exists()


def test_an_answer_in_time_puts_the_complaint_back_in_the_queue_and_the_timer_leaves_it():
    with time_machine.travel(dt.datetime(2026, 5, 4, 2, 0, tzinfo=dt.UTC), tick=False):
        complaint, _ = received()
        moves.complaint_request_information(complaint=complaint, actor=officer(), question="Which issue printed it?")
        moves.complaint_add_information(complaint=complaint, text="Issue 37, page 4.")
    with time_machine.travel(dt.datetime(2026, 7, 1, 2, 0, tzinfo=dt.UTC), tick=False):
        call_command("complaint_timers", stdout=StringIO())
    complaint.refresh_from_db()
    assert complaint.status == S.RECEIVED


# --- one table, one named move each -------------------------------------------------------------------------

# Every move of the table and the named function in editorial.copyright.moves that makes it.
MOVE_MAKERS = {
    "verify": moves.complaint_verify,
    "expire": moves.complaint_expire,
    "start_review": moves.complaint_start_review,
    "return_to_queue": moves.complaint_return_to_queue,
    "request_information": moves.complaint_request_information,
    "reply": moves.complaint_add_information,
    "close_incomplete": moves.complaint_close_incomplete,
    "decide": moves.complaint_decide,
    "withdraw": moves.complaint_withdraw,
    "close_as_misuse": moves.complaint_close_as_misuse,
    "receive_counter_notice": moves.complaint_receive_counter_notice,
    "accept_counter_notice": moves.complaint_accept_counter_notice,
    "refuse_counter_notice": moves.complaint_refuse_counter_notice,
    "restore": moves.complaint_restore,
    "report_court_action": moves.complaint_report_court_action,
    "appeal": moves.complaint_lodge_appeal,
    "decide_appeal": moves.complaint_decide_appeal,
    "close": moves.complaint_close,
}


def test_every_move_in_the_table_is_made_by_one_named_function_in_moves():
    from editorial.copyright.states import TRANSITIONS

    actions = {move.action for targets in TRANSITIONS.values() for move in targets.values()}
    assert actions == set(MOVE_MAKERS)
    for maker in MOVE_MAKERS.values():
        assert maker.__module__.startswith("editorial.copyright.moves."), maker.__qualname__
        assert maker.__name__.startswith("complaint_"), maker.__qualname__
        assert maker.__doc__, f"{maker.__qualname__} says what it does"


def test_the_notifiers_history_names_the_decision_that_was_taken(client):
    rejected, token = received()
    reject(rejected, officer())
    html = client.get(f"/copyright/notices/{rejected.reference}/?token={token}").content.decode()
    assert "We decided: the complaint is rejected." in html
    assert "the complaint is upheld" not in html
