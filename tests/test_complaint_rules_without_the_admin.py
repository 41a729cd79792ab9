"""Issue 14, point 2, the copyright desk: the complaint admin only wires its screens to the named moves of
`editorial.copyright.moves`, and the rules hold when those functions are called with no admin at all (a
command, a task, the demo or a test calls them the same way)."""

import ast
import inspect
import textwrap

import pytest

from articles.models import Article
from editorial.copyright import moves
from editorial.copyright.admin import MODERATION_ACTIONS, ComplaintAdmin
from editorial.copyright.moves import ItemDecision
from editorial.copyright.states import AlreadyDecidedError, ComplaintPermissionError
from editorial.copyright.states import ComplaintStatus as S
from editorial.models import Appeal, AuditEvent, ComplaintItem, Measure
from tests.copyright_helpers import officer, received, reject, uphold
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db


def moves_called(function) -> list[str]:
    tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    return [
        ast.unparse(node.func)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and ast.unparse(node.func).startswith("moves.")
    ]


def test_each_action_of_the_complaint_admin_is_one_call_to_a_named_move():
    for action in MODERATION_ACTIONS:
        handler = getattr(ComplaintAdmin, f"_act_{action}")
        called = moves_called(handler)
        assert len(called) == 1, f"{action}: {called}"
        assert called[0].removeprefix("moves.").startswith("complaint_"), called


def test_the_officer_who_decided_cannot_decide_the_appeal_when_the_function_is_called_directly():
    wang, li = officer("wang"), officer("li")
    complaint, _ = received(ArticleFactory())
    reject(complaint, wang)
    appeal = moves.complaint_lodge_appeal(complaint=complaint, by="notifier", reasons="We published it first.")
    item = complaint.items.get()
    reversal = [ItemDecision(item=item.pk, outcome=ComplaintItem.Outcome.UPHELD, measure=Measure.Kind.WITHHOLD_ARTICLE)]
    trail = AuditEvent.objects.count()

    with pytest.raises(ComplaintPermissionError, match="another officer must decide"):
        moves.complaint_decide_appeal(
            appeal=appeal, by=wang, outcome="reversed", reasons="On reflection.", decisions=reversal
        )
    complaint.refresh_from_db()
    assert complaint.status == S.APPEALED and Appeal.objects.get().is_pending
    assert not Measure.objects.exists() and AuditEvent.objects.count() == trail

    moves.complaint_decide_appeal(
        appeal=appeal, by=li, outcome="reversed", reasons="Theirs is older.", decisions=reversal
    )
    complaint.refresh_from_db()
    assert complaint.status == S.UPHELD
    assert Article.objects.get(pk=complaint.items.get().article_id).status == Article.Status.WITHHELD


def test_a_newsroom_editor_cannot_decide_a_complaint_without_the_admin_either():
    complaint, _ = received(ArticleFactory())
    editor = UserFactory(username="desk", roles=["Editor"])
    decisions = [ItemDecision(item=item.pk, outcome=ComplaintItem.Outcome.REJECTED) for item in complaint.items.all()]

    with pytest.raises(ComplaintPermissionError):
        moves.complaint_decide(complaint=complaint, by=editor, decisions=decisions, reasons="Not theirs.")
    complaint.refresh_from_db()
    assert complaint.status == S.RECEIVED and complaint.decided_at is None


def test_a_second_decision_is_refused_by_the_function_and_changes_nothing():
    wang, li = officer("wang"), officer("li")
    complaint, _ = received(ArticleFactory())
    uphold(complaint, wang)

    with pytest.raises(AlreadyDecidedError, match="already decided by Wang"):
        reject(complaint, li)
    complaint.refresh_from_db()
    assert complaint.status == S.UPHELD and complaint.decided_by == wang
    assert Measure.objects.filter(reversed_at=None).count() == 1
