"""Issue 5, point 1: /contact/ takes copyright questions and website-cooperation inquiries into the admin."""

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from editorial.models import ContactInquiry
from tests.copyright_helpers import parse
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def inquiry(**overrides) -> dict:
    data = {
        "kind": "cooperation",
        "name": "Li Na",
        "email": "li.na@portnews.test",
        "organisation": "Port News",
        "subject": "Sharing our coverage of the Gwadar port",
        "message": "We would like to exchange articles about port investment with your desk.",
        "website": "",
    }
    data.update(overrides)
    return data


def test_the_contact_form_offers_both_kinds_and_points_complaints_to_the_form(client):
    soup = parse(client.get("/contact/", {"about": "copyright"}).content)
    kinds = {i["value"]: i.has_attr("checked") for i in soup.find_all("input", name="kind")}
    assert kinds == {"copyright": True, "cooperation": False}
    assert "/copyright/notices/new/" in {a.get("href") for a in soup.find_all("a")}


@pytest.mark.parametrize("kind", ["copyright", "cooperation"])
def test_an_inquiry_is_stored_for_the_newsroom(client, kind):
    response = client.post("/contact/", inquiry(kind=kind))
    assert response.status_code == 302
    assert "Thank you" in client.get(response["Location"]).content.decode()
    stored = ContactInquiry.objects.get()
    assert (stored.kind, stored.email, stored.status) == (kind, "li.na@portnews.test", "new")


@pytest.mark.parametrize("role", ["Copyright officer", "Chief editor"])
def test_officers_and_the_chief_editor_find_inquiries_in_the_admin_and_mark_them_answered(client, role):
    client.post("/contact/", inquiry())
    stored = ContactInquiry.objects.get()
    user = UserFactory(username=role.replace(" ", "-").lower(), roles=[role])
    client.force_login(user)
    changelist = client.get("/admin/editorial/contactinquiry/", {"kind__exact": "cooperation"})
    assert changelist.status_code == 200 and stored.subject in changelist.content.decode()
    assert client.get(f"/admin/editorial/contactinquiry/{stored.pk}/change/").status_code == 200
    client.post("/admin/editorial/contactinquiry/", {"action": "mark_answered", "_selected_action": [stored.pk]})
    stored.refresh_from_db()
    assert (stored.status, stored.handled_by) == ("answered", user)


def test_an_editor_does_not_see_inquiries(client):
    client.force_login(UserFactory(username="editor", roles=["Editor"]))
    assert client.get("/admin/editorial/contactinquiry/").status_code == 403


def test_missing_fields_are_errors_and_nothing_is_stored(client):
    response = client.post("/contact/", inquiry(email="not an address", message=""))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter a valid email address." in html and "This field is required." in html
    assert not ContactInquiry.objects.exists()


def test_the_honeypot_and_the_rate_limit_keep_robots_out(client, settings):
    client.post("/contact/", inquiry(website="https://spam.example"))
    assert not ContactInquiry.objects.exists()
    settings.CONTACT_RATE_LIMIT_PER_IP = 2
    statuses = [client.post("/contact/", inquiry(), REMOTE_ADDR="203.0.113.5").status_code for _ in range(3)]
    assert statuses == [302, 302, 429]
    assert ContactInquiry.objects.count() == 2


@hypothesis_settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    fields=st.dictionaries(
        st.sampled_from(["kind", "name", "email", "organisation", "subject", "message", "website", "other"]),
        st.one_of(st.text(max_size=300), st.just("\x00"), st.just("<script>alert(1)</script>"), st.just("x" * 20000)),
    )
)
def test_hostile_input_gets_a_form_or_a_clear_refusal_never_an_error(client, fields):
    cache.clear()  # each example is a fresh visitor, not a rate-limited one
    response = client.post("/contact/", fields, REMOTE_ADDR="198.51.100.1")
    assert response.status_code in (200, 302, 400)
    if response.status_code == 200:
        assert "<script>alert(1)</script>" not in response.content.decode()
    for stored in ContactInquiry.objects.all():
        assert "\x00" not in stored.message and stored.email
    ContactInquiry.objects.all().delete()


def test_the_contact_pages_read_nothing_from_the_database(client, django_assert_max_num_queries):
    # The shared layout may read a little; the contact form and its thank-you page nothing.
    with django_assert_max_num_queries(2):
        assert client.get("/contact/").status_code == 200
    with django_assert_max_num_queries(2):
        assert client.get("/contact/sent/").status_code == 200
