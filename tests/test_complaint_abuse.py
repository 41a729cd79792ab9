"""Issue 5, point 5: a honeypot, per-address and per-email rate limits with a clear 429 page, and unverified
complaints that expire after a configurable time and are kept."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from editorial.copyright.states import ComplaintStatus as S
from editorial.models import AuditEvent, Complaint, NotifierSanction, OutboundMessage
from editorial.tasks import expire_unverified_complaints
from tests.copyright_helpers import FORM_URL, article_url, file_complaint, form_data, link_from_outbox, path_of
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_a_filled_honeypot_looks_like_success_and_stores_nothing(client):
    response = client.post(FORM_URL, form_data(article_url(ArticleFactory()), website="https://spam.example"))
    assert response.status_code == 302
    assert response["Location"] == "/copyright/notices/new/sent/"
    assert not Complaint.objects.exists() and not OutboundMessage.objects.exists()


def test_the_honeypot_is_hidden_from_people_and_out_of_the_tab_order(client):
    from tests.copyright_helpers import parse

    soup = parse(client.get(FORM_URL).content)
    field = soup.find("input", name="website")
    assert field["tabindex"] == "-1" and field["autocomplete"] == "off"
    wrapper = field.parent
    while wrapper.get("class") != "hp":
        wrapper = wrapper.parent
    assert wrapper["aria-hidden"] == "true"


def test_too_many_posts_from_one_address_get_a_clear_429(client, settings):
    settings.COMPLAINT_RATE_LIMIT_PER_IP = 3
    data = form_data("https://elsewhere.example/x/")  # invalid: nothing is stored, but each post counts
    statuses = [client.post(FORM_URL, data, REMOTE_ADDR="203.0.113.9").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.post(FORM_URL, data, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    html = response.content.decode()
    assert "Too many requests" in html and "Nothing was stored" in html
    # Another address is not affected.
    assert client.post(FORM_URL, data, REMOTE_ADDR="198.51.100.7").status_code == 200


def test_behind_a_proxy_the_forwarded_address_is_counted(client, settings):
    settings.COMPLAINT_RATE_LIMIT_PER_IP = 1
    settings.TRUSTED_PROXY_COUNT = 1
    data = form_data("https://elsewhere.example/x/")
    first = client.post(FORM_URL, data, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    other = client.post(FORM_URL, data, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    again = client.post(FORM_URL, data, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert (first.status_code, other.status_code, again.status_code) == (200, 200, 429)


def test_too_many_confirmed_complaints_from_one_email_get_a_clear_429(client, settings):
    settings.COMPLAINT_RATE_LIMIT_PER_EMAIL = 2
    articles = [ArticleFactory() for _ in range(3)]
    statuses = []
    for n, article in enumerate(articles):
        statuses.append(
            client.post(FORM_URL, form_data(article_url(article)), REMOTE_ADDR=f"203.0.113.{n}").status_code
        )
        if statuses[-1] == 302:
            client.get(path_of(link_from_outbox("complaint_verification", Complaint.objects.latest("pk"))))
    assert statuses == [302, 302, 429]
    assert Complaint.objects.count() == 2


def test_a_suspended_notifier_is_refused_with_a_clear_message(client):
    NotifierSanction.objects.create(
        kind=NotifierSanction.Kind.SUSPENSION,
        email="rights@lens-agency.test",
        reason="Three manifestly unfounded complaints.",
        ends_at=timezone.now() + dt.timedelta(days=90),
    )
    response = client.post(FORM_URL, form_data(article_url(ArticleFactory())))
    assert "are suspended until" in response.content.decode()
    assert not Complaint.objects.exists()


def test_unverified_complaints_expire_after_the_configured_time_and_are_kept(settings):
    settings.COMPLAINT_UNVERIFIED_EXPIRY_HOURS = 48
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False):
        old = file_complaint()
    with time_machine.travel(dt.datetime(2026, 3, 3, 9, 0, tzinfo=dt.UTC), tick=False):
        recent = file_complaint(ArticleFactory(), notifier_email="other@lens.test")
    with time_machine.travel(dt.datetime(2026, 3, 4, 8, 59, tzinfo=dt.UTC), tick=False):
        assert expire_unverified_complaints.enqueue().return_value == 0
    with time_machine.travel(dt.datetime(2026, 3, 4, 9, 1, tzinfo=dt.UTC), tick=False):
        out = StringIO()
        call_command("expire_unverified_complaints", stdout=out)
        assert out.getvalue().strip() == "1 unverified complaint expired."
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.status, recent.status) == (S.EXPIRED, S.UNVERIFIED)
    assert not old.items.get().is_open  # no longer blocks a new complaint about the same article
    event = AuditEvent.objects.for_object(old).get(action="complaint.expire")
    assert (event.from_state, event.to_state) == (S.UNVERIFIED, S.EXPIRED)
    with time_machine.travel(dt.datetime(2026, 3, 6, 9, 1, tzinfo=dt.UTC), tick=False):
        assert expire_unverified_complaints.enqueue().return_value == 1
    assert Complaint.objects.filter(status=S.EXPIRED).count() == 2  # kept, not deleted


def test_a_link_opened_after_expiry_is_refused_and_the_complaint_is_kept(client, settings):
    settings.COMPLAINT_UNVERIFIED_EXPIRY_HOURS = 24
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False):
        complaint = file_complaint()
    link = path_of(link_from_outbox("complaint_verification", complaint))
    with time_machine.travel(dt.datetime(2026, 3, 3, 9, 30, tzinfo=dt.UTC), tick=False):
        response = client.get(link)
    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == S.EXPIRED and complaint.reference is None
    assert client.get(link).status_code == 410  # and stays refused
