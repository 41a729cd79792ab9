"""Issue 6, point 9: each decision exports as a Lumen-style JSON record and as DSA statements of reasons with
the EU Transparency Database API's field names and values, for officers only."""

import json
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from editorial.copyright.states import ComplaintStatus as S
from editorial.models import Complaint, ComplaintItem, Measure
from editorial.newsroom.roles import ROLE_CHIEF_EDITOR, ROLE_COPYRIGHT_OFFICER, ROLE_EDITOR
from tests.copyright_helpers import (
    SECRET_ADDRESS,
    SECRET_EMAIL,
    SECRET_NAME,
    SECRET_ORGANISATION,
    SECRET_PHONE,
    complaint,
    local,
    measure,
)
from tests.factories import ArticleFactory, ImageFactory, UserFactory

UPHELD, REJECTED = ComplaintItem.Outcome.UPHELD, ComplaintItem.Outcome.REJECTED

pytestmark = pytest.mark.django_db

# Every attribute the Transparency Database requires for a visibility restriction on illegal content.
DSA_REQUIRED = {
    "decision_visibility",
    "decision_ground",
    "illegal_content_legal_ground",
    "illegal_content_explanation",
    "content_type",
    "category",
    "territorial_scope",
    "content_date",
    "application_date",
    "decision_facts",
    "source_type",
    "automated_detection",
    "automated_decision",
    "puid",
}
# The values the API accepts for the attributes we fill (its documented lists).
DSA_VISIBILITIES = {
    "DECISION_VISIBILITY_CONTENT_REMOVED",
    "DECISION_VISIBILITY_CONTENT_DISABLED",
    "DECISION_VISIBILITY_CONTENT_DEMOTED",
    "DECISION_VISIBILITY_OTHER",
}
EEA = {
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IS", "IT", "LI", "LT",
    "LU", "LV", "MT", "NL", "NO", "PL", "PT", "RO", "SE", "SI", "SK",
}  # fmt: skip
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def secret_notifier() -> dict:
    return {
        "notifier_name": SECRET_NAME,
        "notifier_email": SECRET_EMAIL,
        "notifier_organisation": SECRET_ORGANISATION,
        "notifier_phone": SECRET_PHONE,
        "notifier_address": SECRET_ADDRESS,
    }


@pytest.fixture
def officer(client):
    user = UserFactory(username="officer", roles=[ROLE_COPYRIGHT_OFFICER])
    client.force_login(user)
    return user


def image_item(of: Complaint, *, position: int, outcome: str, reasons: str) -> ComplaintItem:
    image = ImageFactory()
    return ComplaintItem.objects.create(
        complaint=of,
        position=position,
        url=image.file.url,
        kind=ComplaintItem.Kind.IMAGE,
        image=image,
        target_key=f"image:{image.pk}",
        notifier_key=of.notifier_email_key,
        outcome=outcome,
        reasons=reasons,
        decided_at=of.decided_at,
    )


def upheld_eu_complaint() -> Complaint:
    """An EU complaint upheld on an article (withheld, later restored) and on an image (removed)."""
    article = ArticleFactory(published_at=local(2024, 11, 5, 8), language="fr")
    decided = local(2025, 2, 3, 13)
    record = complaint(
        regime=Complaint.Regime.EU,
        received_at=local(2025, 2, 3, 9),
        decided_at=decided,
        outcomes=(UPHELD,),
        articles=[article],
        reasons="The article reproduces the notifier's report in full, beyond any quotation exception.",
        **secret_notifier(),
    )
    image_item(record, position=2, outcome=UPHELD, reasons="The picture is the notifier's; we held no licence.")
    first, second = record.items.order_by("position")
    measure(first, Measure.Kind.WITHHOLD_ARTICLE, applied_at=decided, reversed_at=local(2025, 2, 20, 10))
    measure(second, Measure.Kind.REMOVE_IMAGE, applied_at=decided + timedelta(minutes=5))
    return record


def export(client, record: Complaint, kind: str):
    return client.get(f"/copyright/transparency/decisions/{record.reference}.{kind}.json")


# --- DSA statements of reasons ------------------------------------------------------------------------------------


def test_each_measure_becomes_a_statement_of_reasons_with_the_databases_field_names_and_values(client, officer):
    record = upheld_eu_complaint()
    article_item, image = record.items.order_by("position")
    withheld, removed = (item.measures.get() for item in (article_item, image))

    response = export(client, record, "dsa")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert f'filename="{record.reference}.dsa.json"' in response["Content-Disposition"]
    statements = json.loads(response.content)["statements"]
    assert len(statements) == 2
    for statement in statements:
        assert set(statement) >= DSA_REQUIRED
        assert statement["decision_ground"] == "DECISION_GROUND_ILLEGAL_CONTENT"
        assert statement["category"] == "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS"
        assert statement["category_specification"] == ["KEYWORD_COPYRIGHT_INFRINGEMENT"]
        assert statement["source_type"] == "SOURCE_ARTICLE_16"
        assert statement["automated_detection"] == "No"
        assert statement["automated_decision"] == "AUTOMATED_DECISION_NOT_AUTOMATED"
        assert set(statement["decision_visibility"]) <= DSA_VISIBILITIES
        assert set(statement["territorial_scope"]) == EEA
        assert "Regulation (EU) 2022/2065" in statement["illegal_content_legal_ground"]
        assert re.fullmatch(r"[A-Za-z0-9_-]{1,500}", statement["puid"])
        assert ISO_DATE.fullmatch(statement["application_date"])
        assert ISO_DATE.fullmatch(statement["content_date"])
        assert len(statement["decision_facts"]) <= 5000
        assert len(statement["illegal_content_explanation"]) <= 2000
        assert len(statement["illegal_content_legal_ground"]) <= 500
    assert statements[0]["puid"] != statements[1]["puid"]

    article_statement, image_statement = statements
    assert article_statement["puid"] == f"{record.reference}-1-{withheld.pk}"
    assert article_statement["decision_visibility"] == ["DECISION_VISIBILITY_CONTENT_DISABLED"]
    assert article_statement["content_type"] == ["CONTENT_TYPE_TEXT"]
    assert article_statement["content_language"] == "FR"
    assert article_statement["content_date"] == "2024-11-05"  # our first publication, in the site's time zone
    assert article_statement["application_date"] == "2025-02-03"
    assert article_statement["end_date_visibility_restriction"] == "2025-02-20"  # restored then
    assert article_statement["illegal_content_explanation"] == article_item.reasons
    assert "withheld the whole article" in article_statement["decision_facts"]
    assert "undone on 2025-02-20 (restored after a valid counter-notice)" in article_statement["decision_facts"]

    assert image_statement["puid"] == f"{record.reference}-2-{removed.pk}"
    assert image_statement["decision_visibility"] == ["DECISION_VISIBILITY_CONTENT_REMOVED"]
    assert image_statement["content_type"] == ["CONTENT_TYPE_IMAGE"]
    assert image_statement["content_date"] == timezone.localdate(image.image.created_at).isoformat()
    assert image_statement["end_date_visibility_restriction"] is None  # still in force
    assert image_statement["illegal_content_explanation"] == image.reasons


def test_a_correction_is_an_other_restriction_that_says_what_was_done(client, officer):
    record = complaint(received_at=local(2025, 3, 3, 9), decided_at=local(2025, 3, 3, 12), outcomes=(UPHELD,))
    measure(record.items.get(), Measure.Kind.CORRECT, applied_at=local(2025, 3, 3, 12))
    statement = json.loads(export(client, record, "dsa").content)["statements"][0]
    assert statement["decision_visibility"] == ["DECISION_VISIBILITY_OTHER"]
    assert "correction" in statement["decision_visibility_other"]
    assert len(statement["decision_visibility_other"]) <= 500
    assert "17 U.S.C. § 512" in statement["illegal_content_legal_ground"]


def test_the_statements_carry_no_personal_data_of_the_notifier(client, officer):
    record = upheld_eu_complaint()
    body = export(client, record, "dsa").content.decode()
    for secret in [SECRET_NAME, SECRET_EMAIL, SECRET_ORGANISATION, SECRET_PHONE, SECRET_ADDRESS, "Marchbank"]:
        assert secret not in body
    assert json.loads(body)["statements"][0]["decision_facts"].startswith("A copyright notice (European Union")


def test_a_decision_that_restricted_nothing_has_no_statement_of_reasons(client, officer):
    rejected = complaint(received_at=local(2025, 3, 3, 9), decided_at=local(2025, 3, 3, 12), outcomes=(REJECTED,))
    response = export(client, rejected, "dsa")
    assert response.status_code == 409
    assert "statement of reasons is due only for a restriction" in json.loads(response.content)["error"]
    undecided = complaint(received_at=local(2025, 3, 4, 9))
    for kind in ("dsa", "lumen"):
        response = export(client, undecided, kind)
        assert response.status_code == 409
        assert "has not been decided yet" in json.loads(response.content)["error"]


# --- Lumen-style record -------------------------------------------------------------------------------------------


def test_the_lumen_record_describes_the_notice_the_works_and_the_action_taken(client, officer, settings):
    record = upheld_eu_complaint()
    response = export(client, record, "lumen")
    assert response.status_code == 200
    assert f'filename="{record.reference}.lumen.json"' in response["Content-Disposition"]
    notice = json.loads(response.content)["notice"]
    assert notice["id"] == record.reference
    assert notice["type"] == "International"
    assert notice["topics"] == ["Copyright"]
    assert notice["recipient_name"] == settings.SITE_NAME
    assert notice["sender_name"] == SECRET_ORGANISATION  # Lumen publishes who sent a notice...
    assert notice["principal_name"] == SECRET_ORGANISATION
    assert notice["date_received"] == record.received_at.isoformat()
    assert notice["date_decided"] == record.decided_at.isoformat()
    assert notice["action_taken"] == "Yes"
    assert notice["jurisdictions"] == ["United States"]
    (work,) = notice["works"]
    assert work["description"] == record.work_description
    assert work["copyrighted_urls"] == [{"url": "https://brightwater.test/harbour-dawn"}]
    article_item, image = record.items.order_by("position")
    urls = work["infringing_urls"]
    assert [u["url"] for u in urls] == [article_item.url, f"{settings.SITE_URL}{image.url}"]
    assert [u["outcome"] for u in urls] == ["upheld", "upheld"]
    assert urls[0]["measures"][0]["kind"] == "withhold_article"
    assert urls[0]["measures"][0]["reversed_at"] == "2025-02-20T10:00:00+08:00"
    assert urls[0]["measures"][0]["reversal_reason"] == "counter_notice"
    body = response.content.decode()
    for private in [SECRET_EMAIL, SECRET_PHONE, SECRET_ADDRESS]:  # ...but never how to reach them
        assert private not in body


@pytest.mark.parametrize(
    ("outcomes", "expected"), [((UPHELD,), "Yes"), ((UPHELD, REJECTED), "Partial"), ((REJECTED,), "No")]
)
def test_lumen_action_taken_follows_the_items_outcomes(client, officer, outcomes, expected):
    record = complaint(received_at=local(2025, 3, 3, 9), decided_at=local(2025, 3, 3, 12), outcomes=outcomes)
    notice = json.loads(export(client, record, "lumen").content)["notice"]
    assert notice["action_taken"] == expected
    assert notice["type"] == "Dmca"  # a US notice


def test_an_agents_notice_names_the_rights_holder_as_principal(client, officer):
    record = complaint(
        received_at=local(2025, 3, 3, 9),
        decided_at=local(2025, 3, 3, 12),
        outcomes=(UPHELD,),
        capacity=Complaint.Capacity.AGENT,
        on_behalf_of="Harbour Light Photographers' Cooperative",
        notifier_organisation="",
        notifier_name="Ada Brightwater",
    )
    notice = json.loads(export(client, record, "lumen").content)["notice"]
    assert notice["sender_name"] == "Ada Brightwater"
    assert notice["principal_name"] == "Harbour Light Photographers' Cooperative"


# --- who may export -----------------------------------------------------------------------------------------------


def test_exports_are_for_officers_and_chief_editors_only(client, settings):
    record = upheld_eu_complaint()
    for kind in ("lumen", "dsa"):
        response = export(client, record, kind)
        assert response.status_code == 302  # readers are sent to the back-office sign-in
        assert response["Location"].startswith("/admin/login/")

    client.force_login(UserFactory(username="desk", roles=[ROLE_EDITOR]))
    assert export(client, record, "lumen").status_code == 403
    assert export(client, record, "dsa").status_code == 403

    client.force_login(UserFactory(username="chief", roles=[ROLE_CHIEF_EDITOR]))
    assert export(client, record, "lumen").status_code == 200

    client.force_login(UserFactory(username="officer", roles=[ROLE_COPYRIGHT_OFFICER]))
    response = export(client, record, "dsa")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_an_officer_without_a_second_factor_is_sent_to_sign_in_when_one_is_required(client, officer, settings):
    settings.OTP_REQUIRED_FOR_STAFF = True
    response = export(client, upheld_eu_complaint(), "lumen")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_unknown_or_malformed_references_are_not_found(client, officer):
    assert client.get("/copyright/transparency/decisions/CN-2025-999999.lumen.json").status_code == 404
    assert client.get("/copyright/transparency/decisions/CN-25-1.dsa.json").status_code == 404
    assert client.get("/copyright/transparency/decisions/../../etc/passwd.dsa.json").status_code == 404
    assert client.get("/copyright/transparency/decisions/CN-2025-000001.xml").status_code == 404
    record = upheld_eu_complaint()
    assert client.post(f"/copyright/transparency/decisions/{record.reference}.dsa.json").status_code == 405


def test_an_export_costs_the_same_queries_with_one_or_twenty_items(client, officer):
    def decided(n: int) -> Complaint:
        record = complaint(
            received_at=local(2025, 3, 3, 9), decided_at=local(2025, 3, 3, 12), outcomes=(UPHELD,) * n, status=S.UPHELD
        )
        for item in record.items.all():
            measure(item, Measure.Kind.WITHHOLD_ARTICLE, applied_at=local(2025, 3, 3, 12))
        return record

    one, twenty = decided(1), decided(20)
    for kind in ("lumen", "dsa"):
        with CaptureQueriesContext(connection) as small:
            assert export(client, one, kind).status_code == 200
        with CaptureQueriesContext(connection) as large:
            response = export(client, twenty, kind)
        assert response.status_code == 200
        assert len(large) == len(small)
    assert len(json.loads(response.content)["statements"]) == 20
