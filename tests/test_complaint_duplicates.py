"""Issue 5, point 7: the same notifier filing the same address again while a complaint is open is told so
and pointed to it; nothing is duplicated, and the database refuses it too."""

import pytest
from django.db import IntegrityError

from editorial.copyright import moves
from editorial.copyright.intake import complaint_file
from editorial.copyright.states import DuplicateComplaintError
from editorial.models import Complaint, ComplaintItem, OutboundMessage
from tests.copyright_helpers import (
    FORM_URL,
    article_target,
    article_url,
    file_complaint,
    form_data,
    notice,
    received_complaint,
)
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_refiling_an_address_of_an_open_complaint_points_to_it_and_stores_nothing(client):
    article, other = ArticleFactory(), ArticleFactory()
    complaint, _ = received_complaint(article)
    urls = f"{article_url(other)}\n{article_url(article)}"
    response = client.post(FORM_URL, form_data(urls, notifier_email="RIGHTS@lens-agency.test"))
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        f"Line 2 ({article_url(article)}): you already have an open complaint about this, {complaint.reference}" in html
    )
    assert "tracking link in our acknowledgement email" in html
    assert Complaint.objects.count() == 1 and ComplaintItem.objects.count() == 1


def test_a_passage_of_the_same_article_is_a_different_target(client):
    article = ArticleFactory(body="<p>Delegates met in Astana on 7 September 2013.</p>")
    received_complaint(article)
    response = client.post(FORM_URL, form_data(f'{article_url(article)} "Delegates met in Astana"'))
    assert response.status_code == 302
    assert Complaint.objects.count() == 2


def test_another_notifier_may_complain_about_the_same_address(client):
    article = ArticleFactory()
    received_complaint(article)
    response = client.post(FORM_URL, form_data(article_url(article), notifier_email="someone-else@agency.test"))
    assert response.status_code == 302
    assert Complaint.objects.count() == 2


def test_once_the_first_complaint_is_withdrawn_the_notifier_may_file_again(client):
    article = ArticleFactory()
    complaint, _ = received_complaint(article)
    moves.complaint_withdraw(complaint=complaint)
    response = client.post(FORM_URL, form_data(article_url(article)))
    assert response.status_code == 302
    assert Complaint.objects.count() == 2


def test_refiling_while_the_first_awaits_confirmation_sends_the_link_again(client, django_capture_on_commit_callbacks):
    article = ArticleFactory()
    waiting = file_complaint(article)
    old_hash = waiting.verification_token_hash
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(FORM_URL, form_data(article_url(article)))
    assert "waiting for you to confirm your email. We have sent the confirmation link again." in (
        response.content.decode()
    )
    assert Complaint.objects.count() == 1
    waiting.refresh_from_db()
    assert waiting.verification_token_hash != old_hash  # the old link no longer works, the new one does
    assert OutboundMessage.objects.filter(kind="complaint_verification").count() == 2


def test_a_race_between_two_identical_filings_is_settled_by_the_database():
    """Two submissions pass the form's check at the same moment: the partial unique constraint refuses the
    second, and nothing of it is stored."""
    article = ArticleFactory()
    file_complaint(article)
    with pytest.raises(DuplicateComplaintError):
        complaint_file(complaint=notice(), targets=[article_target(article)])
    assert Complaint.objects.count() == 1 and ComplaintItem.objects.count() == 1


def test_the_constraint_itself_refuses_a_duplicate_row():
    article = ArticleFactory()
    first = file_complaint(article)
    item = first.items.get()
    item.pk = None
    item.position = 2
    with pytest.raises(IntegrityError):
        item.save()


@pytest.mark.parametrize("spelling", ["rights+again@lens-agency.test", "RIGHTS+2@Lens-Agency.test"])
def test_the_same_mailbox_spelled_another_way_is_the_same_notifier(client, spelling):
    """The form's check and the database's constraint compare the mailbox, not the address as typed."""
    article = ArticleFactory()
    complaint, _ = received_complaint(article)
    response = client.post(FORM_URL, form_data(article_url(article), notifier_email=spelling))
    assert response.status_code == 200
    assert f"you already have an open complaint about this, {complaint.reference}" in response.content.decode()
    assert Complaint.objects.count() == 1
    # Past the form (two filings at once), the constraint refuses it all the same.
    with pytest.raises(DuplicateComplaintError):
        complaint_file(complaint=notice(notifier_email=spelling), targets=[article_target(article)])
    assert Complaint.objects.count() == 1 and ComplaintItem.objects.count() == 1
