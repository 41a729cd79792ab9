"""Issue 6, point 1: two officers deciding the same complaint at the same moment, from two threads with their
own database connections: exactly one decision lands, the other is told it was already decided. PostgreSQL
only (SQLite serialises writers anyway)."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from articles.models import Article
from editorial.copyright import moves
from editorial.copyright.moves import ItemDecision
from editorial.copyright.states import AlreadyDecidedError
from editorial.copyright.states import ComplaintStatus as S
from editorial.models import AffectedParty, Appeal, AuditEvent, Complaint, CounterNotice, Measure, OutboundMessage
from editorial.newsroom.roles import sync_roles
from tests.conftest import requires_postgres
from tests.copyright_helpers import Kind, Outcome, at_once, officer, received, reject
from tests.factories import ArticleFactory

pytestmark = [requires_postgres, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fresh_content_types_and_roles():
    """Transactional tests flush the tables, content types, permissions and role groups included; the
    process-wide ContentType cache would hand out ids that no longer exist (see
    tests/test_complaint_concurrency.py), and the officers need their group back."""
    ContentType.objects.clear_cache()
    sync_roles()
    yield
    ContentType.objects.clear_cache()


def decide(complaint_pk: int, by, outcome: str):
    complaint = Complaint.objects.get(pk=complaint_pk)
    decisions = [
        ItemDecision(item=item.pk, outcome=outcome, measure=Kind.WITHHOLD_ARTICLE if outcome == Outcome.UPHELD else "")
        for item in complaint.items.all()
    ]
    return moves.complaint_decide(complaint=complaint, by=by, decisions=decisions, reasons=f"{by.username} decides.")


def test_two_officers_deciding_at_once_make_exactly_one_decision():
    article = ArticleFactory()
    complaint, _ = received(article)
    wang, li = officer("wang"), officer("li")

    outcomes = at_once(
        lambda: decide(complaint.pk, wang, Outcome.UPHELD),
        lambda: decide(complaint.pk, li, Outcome.REJECTED),
    )

    landed = [o for o in outcomes if isinstance(o, Complaint)]
    refused = [o for o in outcomes if isinstance(o, AlreadyDecidedError)]
    assert len(landed) == 1 and len(refused) == 1, outcomes
    assert "already decided by" in str(refused[0]) and "Nothing was changed" in str(refused[0])
    complaint.refresh_from_db()
    assert AuditEvent.objects.for_object(complaint).filter(action="complaint.decide").count() == 1
    assert OutboundMessage.objects.filter(kind="complaint_decision").count() == 1
    article.refresh_from_db()
    if complaint.status == S.UPHELD:
        assert complaint.decided_by == wang and article.status == Article.Status.WITHHELD
        assert Measure.objects.count() == 1
    else:
        assert complaint.status == S.REJECTED and complaint.decided_by == li
        assert article.status == Article.Status.PUBLISHED and not Measure.objects.exists()


def test_two_officers_deciding_one_appeal_at_once_decide_it_once():
    complaint, _ = received(ArticleFactory())
    reject(complaint, officer("wang"))
    appeal = moves.complaint_lodge_appeal(complaint=complaint, by="notifier", reasons="Please look again.")
    li, zhao = officer("li"), officer("zhao")

    outcomes = at_once(
        lambda: moves.complaint_decide_appeal(
            appeal=Appeal.objects.get(pk=appeal.pk), by=li, outcome=Appeal.Outcome.CONFIRMED, reasons="Stands."
        ),
        lambda: moves.complaint_decide_appeal(
            appeal=Appeal.objects.get(pk=appeal.pk), by=zhao, outcome=Appeal.Outcome.CONFIRMED, reasons="Stands."
        ),
    )

    assert sum(isinstance(o, Appeal) for o in outcomes) == 1, outcomes
    assert sum(isinstance(o, AlreadyDecidedError) for o in outcomes) == 1, outcomes
    assert AuditEvent.objects.for_object(complaint).filter(action="complaint.decide_appeal").count() == 1


def test_the_timer_and_an_officer_restoring_at_once_restore_once():
    article = ArticleFactory()
    complaint, _ = received(article, regime="us")
    decide(complaint.pk, officer("wang"), Outcome.UPHELD)
    Complaint.objects.filter(pk=complaint.pk).update(status=S.RESTORE_PENDING)
    # The counter-notice's items: the restoration reverses the measures on them.
    party = AffectedParty.objects.create(
        complaint=complaint, role="source", name="Source", email="s@x.test", token_hash="x"
    )
    notice = CounterNotice.objects.create(
        complaint=complaint,
        affected_party=party,
        name="Source",
        email="s@x.test",
        address="1 Road",
        explanation="Ours.",
        statement_mistake=True,
        signature="Source",
    )
    notice.items.set(complaint.items.all())
    Complaint.objects.filter(pk=complaint.pk).update(restore_due_at=timezone.now() - dt.timedelta(minutes=1))
    li = officer("li")

    outcomes = at_once(
        lambda: moves.complaints_restore_due(),
        lambda: moves.complaint_restore(complaint=Complaint.objects.get(pk=complaint.pk), by=li),
    )

    complaint.refresh_from_db()
    assert complaint.status == S.RESTORED, outcomes
    assert AuditEvent.objects.for_object(complaint).filter(action="complaint.restore").count() == 1
    assert Measure.objects.get().reversed_at is not None
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
