"""Two people acting on complaints at the same moment: the row locks of the transitions keep the record
right. PostgreSQL only (SQLite serialises writers anyway)."""

import pytest

from editorial.copyright import moves
from editorial.copyright.states import ComplaintError
from editorial.copyright.states import ComplaintStatus as S
from editorial.models import AuditEvent, Complaint, ComplaintReferenceCounter
from tests.conftest import requires_postgres
from tests.copyright_helpers import at_once, file_complaint
from tests.factories import ArticleFactory

pytestmark = [requires_postgres, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_clicks_on_the_confirmation_link_confirm_once():
    complaint = file_complaint()
    outcomes = at_once(
        lambda: moves.complaint_verify(complaint=Complaint.objects.get(pk=complaint.pk)),
        lambda: moves.complaint_verify(complaint=Complaint.objects.get(pk=complaint.pk)),
    )
    tokens = [o for o in outcomes if isinstance(o, str)]
    refused = [o for o in outcomes if isinstance(o, ComplaintError)]
    assert len(tokens) == 1 and len(refused) == 1
    complaint.refresh_from_db()
    assert complaint.status == S.RECEIVED
    assert complaint.tracking_token_matches(tokens[0])
    assert AuditEvent.objects.for_object(complaint).filter(action="complaint.verify").count() == 1
    assert ComplaintReferenceCounter.objects.get().last_number == 1  # no number burnt


def test_complaints_confirmed_at_the_same_moment_get_consecutive_references():
    complaints = [file_complaint(ArticleFactory(), notifier_email=f"n{i}@lens.test") for i in range(4)]
    outcomes = at_once(
        *[lambda c=c: moves.complaint_verify(complaint=Complaint.objects.get(pk=c.pk)) for c in complaints]
    )
    assert all(isinstance(o, str) for o in outcomes), outcomes
    references = sorted(Complaint.objects.values_list("reference", flat=True))
    year = references[0][3:7]
    assert references == [f"CN-{year}-{n:06d}" for n in range(1, 5)]


def test_withdrawing_twice_at_once_withdraws_once():
    complaint = file_complaint()
    moves.complaint_verify(complaint=complaint)
    outcomes = at_once(
        lambda: moves.complaint_withdraw(complaint=Complaint.objects.get(pk=complaint.pk)),
        lambda: moves.complaint_withdraw(complaint=Complaint.objects.get(pk=complaint.pk)),
    )
    assert sum(o is None for o in outcomes) == 1
    assert sum(isinstance(o, ComplaintError) for o in outcomes) == 1
    assert AuditEvent.objects.for_object(complaint).filter(action="complaint.withdraw").count() == 1
