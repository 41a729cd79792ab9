"""Issue 5, points 2 and 5: the complaint form collects every intake field in steps, and a complaint is
stored unverified until the notifier opens the link we email them."""

import pytest

from editorial.copyright.states import ComplaintStatus as S
from editorial.models import AuditEvent, Complaint, ComplaintItem, OutboundMessage
from tests.copyright_helpers import FORM_URL, INTAKE_FIELDS, article_url, form_data, link_from_outbox, parse, path_of
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_the_form_asks_for_every_intake_field_in_labelled_steps_with_help(client):
    html = client.get(FORM_URL).content.decode()
    soup = parse(html)
    form = soup.find("form", class_="complaint-form")
    names = {element.get("name") for tag in ("input", "textarea", "select") for element in form.find_all(tag)}
    assert set(INTAKE_FIELDS) <= names
    steps = [fieldset for fieldset in form.children if fieldset.tag == "fieldset"]
    legends = [fieldset.find("legend").text().strip() for fieldset in steps]
    assert legends == [
        "1. About you",
        "2. Your authority",
        "3. The original work",
        "4. Where it appears on this site",
        "5. Why it infringes, with evidence",
        "6. What you ask for",
        "7. Statements and signature",
    ]
    # Each field has a visible label, and help text tied to the input for screen readers.
    for name in ["notifier_email", "urls", "original_published_on", "signature"]:
        element = soup.find(name=name)
        assert soup.find("label", for_=element["id"]), name
        described = soup.find(id=element["aria-describedby"].split()[0])
        assert described and described.text().strip(), name
    assert form["enctype"] == "multipart/form-data"


def test_url_parameter_prefills_the_first_address(client):
    article = ArticleFactory()
    html = client.get(FORM_URL, {"url": article_url(article)}).content.decode()
    textarea = parse(html).find("textarea", name="urls")
    assert textarea.text().strip() == article_url(article)


def test_a_script_in_the_url_parameter_is_shown_as_text_not_run(client):
    html = client.get(FORM_URL, {"url": '"></textarea><script>alert(1)</script>'}).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_form_page_is_private_and_cheap(client, django_assert_max_num_queries):
    # The form reads nothing from the database; the budget leaves room for the shared layout.
    with django_assert_max_num_queries(2):
        response = client.get(FORM_URL, {"url": "http://testserver/articles/x/"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_a_valid_complaint_is_stored_unverified_and_a_confirmation_link_is_emailed(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    article = ArticleFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(FORM_URL, form_data(article_url(article)))
    assert response.status_code == 302
    assert response["Location"] == "/copyright/notices/new/sent/"
    complaint = Complaint.objects.get()
    assert complaint.status == S.UNVERIFIED
    assert complaint.reference is None
    assert complaint.regime == Complaint.Regime.PRC
    assert list(complaint.items.values_list("kind", "article")) == [("article", article.pk)]
    assert not Complaint.objects.in_queue().exists()
    # The confirmation link is in the stored message, and was sent.
    message = OutboundMessage.objects.get(kind="complaint_verification")
    assert message.to == "rights@lens-agency.test"
    assert message.status == OutboundMessage.Status.SENT
    assert len(mailoutbox) == 1 and "/copyright/confirm/" in mailoutbox[0].body
    assert AuditEvent.objects.for_object(complaint).get().action == "complaint.filed"
    page = client.get(response["Location"])
    assert "Check your email" in page.content.decode()


def test_opening_the_link_sends_the_complaint_to_the_queue(client, django_capture_on_commit_callbacks):
    article = ArticleFactory()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(FORM_URL, form_data(article_url(article)))
    complaint = Complaint.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(path_of(link_from_outbox("complaint_verification")))
    complaint.refresh_from_db()
    assert complaint.status == S.RECEIVED
    assert list(Complaint.objects.in_queue()) == [complaint]
    assert response.status_code == 302
    assert response["Location"].startswith(f"/copyright/notices/{complaint.reference}/?token=")


@pytest.mark.parametrize("missing", ["statement_good_faith", "statement_accuracy", "statement_fair_use", "signature"])
def test_the_statements_and_the_signature_are_required(client, missing):
    response = client.post(FORM_URL, form_data(article_url(ArticleFactory()), **{missing: None}))
    assert response.status_code == 200
    soup = parse(response.content)
    field = soup.find(name=missing)
    assert field["aria-invalid"] == "true"
    assert soup.find(id=f"{field['id']}_error")
    assert not Complaint.objects.exists()


def test_an_agent_must_say_for_whom(client):
    response = client.post(FORM_URL, form_data(article_url(ArticleFactory()), capacity="agent", on_behalf_of=""))
    assert "Name the rights holder you act for." in response.content.decode()
    assert not Complaint.objects.exists()


def test_a_first_publication_date_in_the_future_is_refused(client):
    response = client.post(FORM_URL, form_data(article_url(ArticleFactory()), original_published_on="2999-01-01"))
    assert "This date is in the future." in response.content.decode()
    assert not Complaint.objects.exists()


def test_an_invalid_form_keeps_everything_typed(client):
    data = form_data(article_url(ArticleFactory()), signature="")
    html = client.post(FORM_URL, data).content.decode()
    soup = parse(html)
    assert soup.find(name="notifier_name")["value"] == "Wang Fang"
    assert soup.find("textarea", name="explanation").text().strip() == data["explanation"]
    assert soup.find("textarea", name="urls").text().strip() == data["urls"]
    assert soup.find(name="statement_accuracy").has_attr("checked")
    assert "Please correct the 1 problem below" in html


def test_the_items_of_a_complaint_keep_their_order(client):
    articles = [ArticleFactory() for _ in range(3)]
    client.post(FORM_URL, form_data("\n".join(article_url(a) for a in reversed(articles))))
    items = ComplaintItem.objects.order_by("position")
    assert [item.article for item in items] == list(reversed(articles))


def test_the_check_your_email_page_reads_nothing_from_the_database(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        assert client.get("/copyright/notices/new/sent/").status_code == 200
