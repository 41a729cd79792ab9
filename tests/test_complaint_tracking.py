"""Issue 5, point 6: after confirming, the notifier gets a reference and a private tracking page reached with
an unguessable token (stored hashed, compared in constant time); without it, a 404 that reveals nothing.
The page shows the status, the history meant for them and the deadlines, and lets them add information,
withdraw, or (later) appeal."""

import datetime as dt
import hmac

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from editorial.copyright import moves
from editorial.copyright.evidence import CheckedFile
from editorial.copyright.identity import hash_token
from editorial.copyright.states import ComplaintStateError
from editorial.copyright.states import ComplaintStatus as S
from editorial.models import AuditEvent, Complaint, ComplaintReply, Evidence, OutboundMessage
from tests.copyright_helpers import file_complaint, link_from_outbox, parse, path_of, received_complaint
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db


def tracking(complaint: Complaint, token: str) -> str:
    return f"/copyright/notices/{complaint.reference}/?token={token}"


def test_confirming_gives_a_yearly_sequential_reference_and_a_working_tracking_link(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with time_machine.travel(dt.datetime(2026, 5, 4, 10, 0, tzinfo=dt.UTC), tick=False):
        first, second = file_complaint(), file_complaint(ArticleFactory(), notifier_email="b@lens.test")
        with django_capture_on_commit_callbacks(execute=True):
            response = client.get(path_of(link_from_outbox("complaint_verification", first)))
            client.get(path_of(link_from_outbox("complaint_verification", second)))
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.reference, second.reference) == ("CN-2026-000001", "CN-2026-000002")
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "Complaint CN-2026-000001" in html
    assert "Received: waiting for an officer" in html
    # The acknowledgement carries the reference and the same private link.
    ack = OutboundMessage.objects.get(kind="complaint_acknowledgement", object_id=str(first.pk))
    assert "CN-2026-000001" in ack.subject and ack.status == OutboundMessage.Status.SENT
    assert client.get(path_of(link_from_outbox("complaint_acknowledgement", first))).status_code == 200
    assert any("CN-2026-000001" in m.subject for m in mailoutbox)


def test_a_new_year_starts_a_new_sequence():
    with time_machine.travel(dt.datetime(2026, 12, 31, 10, 0, tzinfo=dt.UTC), tick=False):
        old, _ = received_complaint()
    with time_machine.travel(dt.datetime(2027, 1, 2, 10, 0, tzinfo=dt.UTC), tick=False):
        new, _ = received_complaint(ArticleFactory(), notifier_email="b@lens.test")
    assert (old.reference, new.reference) == ("CN-2026-000001", "CN-2027-000001")


def test_the_token_is_long_random_and_stored_only_as_a_hash():
    complaint, token = received_complaint()
    assert len(token) >= 43  # 256 bits
    complaint.refresh_from_db()
    assert complaint.tracking_token_hash == hash_token(token) != token


def test_the_token_is_compared_in_constant_time(client, monkeypatch):
    complaint, token = received_complaint()
    calls = []

    def spy(a, b):
        calls.append((a, b))
        return hmac_compare(a, b)

    hmac_compare = hmac.compare_digest
    monkeypatch.setattr(hmac, "compare_digest", spy)
    assert client.get(tracking(complaint, token)).status_code == 200
    assert calls == [(complaint.tracking_token_hash, hash_token(token))]


def test_a_wrong_or_missing_token_is_a_404_that_reveals_nothing(client):
    complaint, token = received_complaint()
    other, other_token = received_complaint(ArticleFactory(), notifier_email="b@lens.test")
    missing_complaint = client.get("/copyright/notices/CN-2026-999999/?token=" + token)
    for response in [
        client.get(f"/copyright/notices/{complaint.reference}/"),
        client.get(tracking(complaint, "x" * 43)),
        client.get(tracking(complaint, token[:-1])),
        client.get(tracking(complaint, other_token)),
        client.get(f"/copyright/notices/{complaint.reference}/?token={token}&token="),
        client.post(f"/copyright/notices/{complaint.reference}/withdraw/", {"confirm": "on", "token": other_token}),
        client.post(f"/copyright/notices/{complaint.reference}/information/", {"text": "hi", "token": ""}),
    ]:
        assert response.status_code == 404
        body = response.content.decode().replace(complaint.reference, "CN-2026-999999")
        assert body == missing_complaint.content.decode()
        assert "Wang Fang" not in body and "Received" not in body
    complaint.refresh_from_db()
    assert complaint.status == S.RECEIVED and not complaint.replies.exists()


def test_the_tracking_page_shows_status_deadlines_and_the_history_meant_for_the_notifier(client, settings):
    settings.COMPLAINT_DECISION_BUSINESS_DAYS = 1
    with time_machine.travel(dt.datetime(2026, 5, 8, 2, 0, tzinfo=dt.UTC), tick=False):  # a Friday
        complaint, token = received_complaint()
    # Something officers do that is not meant for the notifier.
    AuditEvent.record(
        actor=UserFactory(),
        subject=complaint,
        action="complaint.internal_note",
        note="Check the photographer's archive first.",
    )
    html = client.get(tracking(complaint, token)).content.decode()
    soup = parse(html)
    deadlines = soup.find("dl", class_="deadlines").text()
    assert "Our first decision is due by" in deadlines and "11 May 2026" in deadlines  # next business day
    history = [li.text() for li in soup.find("ol", class_="history").find_all("li")]
    assert len(history) == 2
    assert "You sent the complaint" in history[0]
    assert "You confirmed your email address" in history[1]
    assert "photographer's archive" not in html
    assert complaint.items.get().article.title in html


def test_the_tracking_page_is_private(client):
    complaint, token = received_complaint()
    response = client.get(tracking(complaint, token))
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "same-origin"  # the token never leaves in a Referer header
    assert "noindex" in response["X-Robots-Tag"]


def test_the_notifier_adds_information_with_a_file(client, django_capture_on_commit_callbacks):
    complaint, token = received_complaint()
    response = client.post(
        f"/copyright/notices/{complaint.reference}/information/",
        {
            "token": token,
            "text": "The original negative is in our archive, frame 12.",
            "evidence": [SimpleUploadedFile("frame.txt", b"Frame 12, roll 4, 7 September 2013.")],
        },
    )
    assert response.status_code == 302 and response["Location"] == tracking(complaint, token)
    reply = ComplaintReply.objects.get(complaint=complaint, author="notifier")
    assert reply.text.startswith("The original negative")
    assert Evidence.objects.get(reply=reply).content_type == "text/plain"
    html = client.get(response["Location"]).content.decode()
    assert "Thank you: we added your information" in html
    assert "You added information." in html and "frame.txt" in html


def test_answering_a_request_for_information_puts_the_complaint_back_in_the_queue(client):
    complaint, token = received_complaint()
    officer = UserFactory(roles=["Copyright officer"])
    moves.complaint_request_information(
        complaint=complaint, actor=officer, question="Which issue of your magazine printed the picture?"
    )
    html = client.get(tracking(complaint, token)).content.decode()
    assert "We need more information from you" in html
    assert "Your answer is due by" in html
    assert "Which issue of your magazine printed the picture?" in html  # the question is meant for them
    assert "Answer our question" in html
    client.post(f"/copyright/notices/{complaint.reference}/information/", {"token": token, "text": "Issue 37, page 4."})
    complaint.refresh_from_db()
    assert complaint.status == S.RECEIVED and complaint.reply_due_at is None
    event = AuditEvent.objects.for_object(complaint).get(action="complaint.reply")
    assert (event.from_state, event.to_state) == (S.NEEDS_INFO, S.RECEIVED)
    assert "You sent the information we asked for." in client.get(tracking(complaint, token)).content.decode()


def test_an_empty_message_is_refused(client):
    complaint, token = received_complaint()
    response = client.post(f"/copyright/notices/{complaint.reference}/information/", {"token": token, "text": " "})
    assert response.status_code == 200
    assert "Write a message or attach a file." in response.content.decode()
    assert not complaint.replies.exists()


def test_the_notifier_withdraws_before_a_decision(client, django_capture_on_commit_callbacks):
    complaint, token = received_complaint()
    url = f"/copyright/notices/{complaint.reference}/withdraw/"
    unconfirmed = client.post(url, {"token": token})
    assert "Tick the box to confirm" in unconfirmed.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"token": token, "confirm": "on", "reason": "We settled with the agency."})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == S.WITHDRAWN and complaint.closed_at is not None
    assert not complaint.items.get().is_open
    event = AuditEvent.objects.for_object(complaint).get(action="complaint.withdraw")
    assert event.note == "We settled with the agency." and event.details["by"] == "notifier"
    assert OutboundMessage.objects.get(kind="complaint_withdrawn").status == OutboundMessage.Status.SENT
    html = client.get(tracking(complaint, token)).content.decode()
    assert "Withdrawn by you" in html and "You withdrew the complaint." in html
    assert "Withdraw the complaint</button>" not in html and "Add information" not in html
    # Acting again is refused clearly, and changes nothing.
    again = client.post(url, {"token": token, "confirm": "on"})
    assert again.status_code == 409
    late = client.post(f"/copyright/notices/{complaint.reference}/information/", {"token": token, "text": "More."})
    assert late.status_code == 409 and "be added to a complaint that is" in late.content.decode()
    assert AuditEvent.objects.for_object(complaint).filter(action="complaint.withdraw").count() == 1


def test_a_decided_complaint_can_no_longer_be_withdrawn():
    complaint, _ = received_complaint()
    Complaint.objects.filter(pk=complaint.pk).update(status=S.UPHELD, decided_at=timezone.now())
    complaint.refresh_from_db()
    with pytest.raises(ComplaintStateError):
        moves.complaint_withdraw(complaint=complaint)


def test_the_appeal_is_shown_but_not_yet_possible(client):
    complaint, token = received_complaint()
    soup = parse(client.get(tracking(complaint, token)).content)
    button = [b for b in soup.find_all("button") if "Appeal" in b.text()][0]
    assert button.has_attr("disabled")
    assert "You can appeal once we have decided" in soup.find(id=button["aria-describedby"]).text()


def test_opening_the_confirmation_link_twice_shows_the_reference_without_a_new_token(client):
    complaint = file_complaint()
    link = path_of(link_from_outbox("complaint_verification", complaint))
    client.get(link)
    complaint.refresh_from_db()
    token_hash = complaint.tracking_token_hash
    response = client.get(link)
    assert response.status_code == 200
    assert f"Its reference is <strong>{complaint.reference}</strong>" in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.tracking_token_hash == token_hash


def test_an_unknown_confirmation_link_is_a_404(client):
    assert client.get("/copyright/confirm/" + "a" * 43 + "/").status_code == 404


def test_the_tracking_page_costs_the_same_queries_with_one_or_twenty_items(client, django_assert_max_num_queries):
    small, small_token = received_complaint()
    big, big_token = received_complaint(*[ArticleFactory() for _ in range(20)], notifier_email="big@lens.test")
    for complaint, n in [(small, 0), *[(big, n) for n in range(20)]]:
        moves.complaint_add_information(
            complaint=complaint,
            text=f"Detail {n}",
            evidence=[CheckedFile(name=f"f{n}.txt", content=b"words", content_type="text/plain")],
        )
    counts = []
    for complaint, token in [(small, small_token), (big, big_token)]:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(tracking(complaint, token)).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(counts[1]):
        client.get(tracking(big, big_token))
    assert counts[1] <= 8


def test_the_confirmation_link_costs_the_same_queries_with_one_or_twenty_items(client):
    received_complaint(notifier_email="first@lens.test")  # the year's first reference also makes its counter
    small = file_complaint(ArticleFactory())
    big = file_complaint(*[ArticleFactory() for _ in range(20)], notifier_email="big@lens.test")
    counts = []
    for complaint in (small, big):
        link = path_of(link_from_outbox("complaint_verification", complaint))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(link).status_code == 302
        counts.append(len(captured))
    assert counts[0] == counts[1]
