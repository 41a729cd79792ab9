"""Issue 15, point 4: people are told. Each kind of event reaches exactly its people, by email (through the
outbox) and on the desk, as each chose; the person who acted is never told; a person without an address
hears on the desk only; the choices form refuses what it does not offer."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from editorial.copyright import moves
from editorial.copyright.moves import CorrectionSpec
from editorial.models import Appeal, Notification, NotificationKind, NotificationPreference, OutboundMessage
from editorial.newsroom import editing, workflow
from tests import _workflow
from tests._workflow import S, make_article
from tests.copyright_helpers import Kind, officer, received, uphold

pytestmark = pytest.mark.django_db
newsroom = _workflow.newsroom  # the fixture
K = NotificationKind


def told(kind: str) -> dict[str, set[str]]:
    """Who heard about `kind`: on the desk (usernames), by stored email and by email sent (addresses)."""
    return {
        "desk": set(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True)),
        "stored": set(OutboundMessage.objects.filter(kind=f"notification_{kind}").values_list("to", flat=True)),
        "sent": {to for message in mail.outbox for to in message.to if message.subject.startswith("“")}
        if kind in WORKFLOW_KINDS
        else set(),
    }


WORKFLOW_KINDS = {K.SUBMITTED, K.CHANGES_REQUESTED, K.APPROVED, K.PUBLISHED, K.SCHEDULED}


def only(kind: str, *usernames: str) -> None:
    found = told(kind)
    assert found["desk"] == set(usernames), found
    assert found["stored"] == {f"{name}@newsroom.test" for name in usernames}, found


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run a move and what waits for its commit (the notices, then the outbox's sending)."""

    def go(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return go


# --- the newsroom's moves -----------------------------------------------------------------------------------


def test_submitting_tells_the_responsible_editor_only_by_email_and_on_the_desk(newsroom, run):
    article = make_article(newsroom, S.DRAFT, title="Harbour strike")
    run(workflow.submit, article, by=newsroom.writer.user)
    only(K.SUBMITTED, "su")
    sent = [m for m in mail.outbox if m.to == ["su@newsroom.test"]]
    assert len(sent) == 1 and "Harbour strike" in sent[0].subject and "/admin/articles/article/" in sent[0].body
    notice = Notification.objects.get()
    assert notice.link == reverse("admin:articles_article_change", args=[article.pk])


def test_changes_requested_and_approval_tell_the_editor(newsroom, run):
    article = make_article(newsroom, S.IN_REVIEW)
    run(workflow.request_changes, article, by=newsroom.reviewer.user, note="Check the figures in paragraph 2.")
    only(K.CHANGES_REQUESTED, "he")
    assert "Check the figures in paragraph 2." in Notification.objects.get(kind=K.CHANGES_REQUESTED).body
    second = make_article(newsroom, S.IN_REVIEW)
    run(workflow.approve, second, by=newsroom.reviewer.user)
    only(K.APPROVED, "he")


def test_publishing_and_scheduling_tell_both_credited_people_but_not_the_one_who_acted(newsroom, run):
    article = make_article(newsroom, S.APPROVED)
    run(workflow.publish, article, by=newsroom.second_reviewer.user)
    only(K.PUBLISHED, "he", "su")
    mine = make_article(newsroom, S.APPROVED)
    run(workflow.schedule, mine, by=newsroom.reviewer.user, at=timezone.now() + dt.timedelta(days=1))
    only(K.SCHEDULED, "he")  # su scheduled it: only the other credited person hears
    assert "goes live on" in Notification.objects.get(kind=K.SCHEDULED).body


def test_a_refused_move_tells_nobody(newsroom, run):
    article = make_article(newsroom, S.DRAFT)
    with pytest.raises(workflow.WorkflowError):
        run(workflow.approve, article, by=newsroom.reviewer.user)
    assert not Notification.objects.exists() and not OutboundMessage.objects.exists()


def test_a_change_to_a_live_article_asks_its_responsible_editor(newsroom, run):
    article = make_article(newsroom, S.PUBLISHED, title="Port opens")
    data = {"title": "Port opens at last", "dek": article.dek, "body": article.body}
    run(editing.propose_change, article, by=newsroom.writer.user, data=data)
    only(K.CHANGE_PENDING, "su")


# --- choices, addresses ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("email", "in_app", "desk", "stored"),
    [(True, False, set(), {"su@newsroom.test"}), (False, True, {"su"}, set()), (False, False, set(), set())],
)
def test_each_person_s_choice_is_honoured(newsroom, run, email, in_app, desk, stored):
    NotificationPreference.objects.create(user=newsroom.reviewer.user, kind=K.SUBMITTED, email=email, in_app=in_app)
    run(workflow.submit, make_article(newsroom, S.DRAFT), by=newsroom.writer.user)
    found = told(K.SUBMITTED)
    assert (found["desk"], found["stored"]) == (desk, stored)


def test_a_choice_for_one_kind_leaves_the_others_as_they_were(newsroom, run):
    NotificationPreference.objects.create(user=newsroom.writer.user, kind=K.APPROVED, email=False, in_app=False)
    run(workflow.request_changes, make_article(newsroom, S.IN_REVIEW), by=newsroom.reviewer.user, note="More.")
    only(K.CHANGES_REQUESTED, "he")


def test_a_person_without_an_address_is_told_on_the_desk_only(newsroom, run):
    newsroom.reviewer.user.email = ""
    newsroom.reviewer.user.save()
    run(workflow.submit, make_article(newsroom, S.DRAFT), by=newsroom.writer.user)
    assert told(K.SUBMITTED) == {"desk": {"su"}, "stored": set(), "sent": set()}


def test_the_newsroom_work_address_is_preferred_to_the_account_s(newsroom, run):
    newsroom.reviewer.editor.email = "desk.su@newsroom.test"
    newsroom.reviewer.editor.save()
    run(workflow.submit, make_article(newsroom, S.DRAFT), by=newsroom.writer.user)
    assert told(K.SUBMITTED)["stored"] == {"desk.su@newsroom.test"}


# --- the copyright desk -------------------------------------------------------------------------------------


@pytest.fixture
def officers(newsroom):
    return newsroom.officer.user, officer("li")


def test_a_new_complaint_tells_every_copyright_officer(newsroom, officers, run):
    complaint, _ = run(received, make_article(newsroom, S.PUBLISHED))
    only(K.NEW_COMPLAINT, "wang", "li")
    assert complaint.reference in Notification.objects.filter(kind=K.NEW_COMPLAINT).first().subject


def test_a_withheld_article_tells_its_editor_responsible_editor_and_chief_with_reference_reasons_and_link(
    newsroom, officers, run
):
    newsroom.reviewer.editor.email = "su@newsroom.test"  # the responsible editor's work address: a party
    newsroom.reviewer.editor.save()
    article = make_article(newsroom, S.PUBLISHED, title="Hall photo")
    complaint, _ = run(received, article)
    run(uphold, complaint, officers[0])
    only(K.WITHHELD, "he", "su", "zhao")
    body = Notification.objects.filter(kind=K.WITHHELD).first().body
    assert complaint.reference in body
    assert "The photograph is theirs and was used unlicensed." in body
    assert f"/copyright/notices/{complaint.reference}/answer/?token=" in body
    # The link is the live one: the same as in the statement of reasons the responsible editor received.
    statement = OutboundMessage.objects.filter(kind="statement_of_reasons", to="su@newsroom.test").get()
    link = next(line for line in body.splitlines() if "/answer/?token=" in line).split(": ", 1)[1]
    assert link in statement.body


def test_a_correction_after_a_complaint_tells_the_same_people(newsroom, officers, run):
    complaint, _ = run(received, make_article(newsroom, S.PUBLISHED))
    spec = CorrectionSpec(public_text="We added the photographer's credit.", credit="Photo: Lens Agency")
    run(uphold, complaint, officers[0], kind=Kind.CORRECT, correction=spec)
    only(K.CORRECTED, "he", "su", "zhao")
    assert not Notification.objects.filter(kind=K.WITHHELD).exists()


def test_an_appeal_tells_the_other_officers_and_its_reversal_restores_and_tells_the_newsroom(newsroom, officers, run):
    wang, li = officers
    complaint, _ = run(received, make_article(newsroom, S.PUBLISHED))
    run(uphold, complaint, wang)
    Notification.objects.all().delete()
    OutboundMessage.objects.all().delete()
    appeal = run(moves.complaint_lodge_appeal, complaint=complaint, by="notifier", reasons="Not only the photo.")
    only(K.APPEAL_FILED, "li")  # wang decided: another officer must decide the appeal
    run(
        moves.complaint_decide_appeal,
        appeal=appeal,
        by=li,
        outcome=Appeal.Outcome.REVERSED,
        reasons="The photograph was licensed after all.",
    )
    only(K.RESTORED, "he", "su", "zhao")
    assert "The photograph was licensed after all." in Notification.objects.filter(kind=K.RESTORED).first().body


def test_officers_are_warned_once_of_a_decision_due_within_24_hours(newsroom, officers, run):
    complaint, _ = run(received, make_article(newsroom, S.PUBLISHED))
    complaint.refresh_from_db()
    with time_machine.travel(complaint.decision_due_at - dt.timedelta(hours=30)):
        assert run(moves.complaint_timers_run)["deadline_warnings"] == 0
    with time_machine.travel(complaint.decision_due_at - dt.timedelta(hours=20)):
        assert run(moves.complaint_timers_run)["deadline_warnings"] == 1
        assert run(moves.complaint_timers_run)["deadline_warnings"] == 0
    only(K.COMPLAINT_DEADLINE, "wang", "li")


# --- the desk -----------------------------------------------------------------------------------------------


def test_the_desk_lists_my_notices_unread_first_and_opening_one_marks_it_read(client, newsroom, run):
    first = make_article(newsroom, S.DRAFT, title="First story")
    second = make_article(newsroom, S.DRAFT, title="Second story")
    run(workflow.submit, first, by=newsroom.writer.user)
    run(workflow.submit, second, by=newsroom.writer.user)
    client.force_login(newsroom.reviewer.user)
    page = client.get(reverse("admin:index")).content.decode()
    assert "Notifications" in page and "2 unread" in page
    notice = Notification.objects.get(subject__contains="First story")
    response = client.get(notice.get_absolute_url())
    assert response.status_code == 302 and response["Location"] == notice.link
    page = client.get(reverse("admin:index")).content.decode()
    assert "1 unread" in page and page.index("Second story") < page.index("First story")
    client.post(reverse("editorial:notifications_mark_read"))
    assert not Notification.objects.unread().exists()


def test_nobody_opens_or_marks_another_person_s_notice(client, newsroom, run):
    run(workflow.submit, make_article(newsroom, S.DRAFT), by=newsroom.writer.user)
    notice = Notification.objects.get()
    client.force_login(newsroom.writer.user)
    assert client.get(notice.get_absolute_url()).status_code == 404
    client.post(reverse("editorial:notifications_mark_read"), {"notice": notice.pk})
    notice.refresh_from_db()
    assert notice.read_at is None
    assert client.post(reverse("editorial:notifications_mark_read"), {"notice": "1 OR 1=1"}).status_code == 400


def test_the_desk_costs_the_same_with_1_or_15_notices(client, newsroom):
    client.force_login(newsroom.reviewer.user)
    counts = []
    for n in (1, 14):
        Notification.objects.bulk_create(
            Notification(recipient=newsroom.reviewer.user, kind=K.SUBMITTED, subject=f"Story {i}", link="/admin/")
            for i in range(n)
        )
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("admin:index")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_the_choices_form_saves_each_kind(client, newsroom):
    client.force_login(newsroom.reviewer.user)
    url = reverse("editorial:notification_preferences")
    page = client.get(url)
    assert page.status_code == 200 and "Notification settings" in page.content.decode()
    data = {kind: "both" for kind in K.values} | {K.SUBMITTED: "email", K.PUBLISHED: "none"}
    assert client.post(url, data).status_code == 302
    saved = {p.kind: (p.email, p.in_app) for p in NotificationPreference.objects.filter(user=newsroom.reviewer.user)}
    assert saved[K.SUBMITTED] == (True, False) and saved[K.PUBLISHED] == (False, False)
    assert saved[K.APPROVED] == (True, True)


@pytest.mark.parametrize("value", ["<script>alert(1)</script>", "", "email'; DROP TABLE x;--", "x" * 10000])
def test_hostile_input_to_the_choices_form_is_a_form_error(client, newsroom, value):
    client.force_login(newsroom.reviewer.user)
    data = {kind: "both" for kind in K.values} | {K.SUBMITTED: value, "not_a_kind": "email"}
    response = client.post(reverse("editorial:notification_preferences"), data)
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode() or "This field is required" in response.content.decode()
    assert not NotificationPreference.objects.exists()
