"""Complaint builders shared by the complaint tests, and the invariants the database itself keeps."""

import re

import pytest
from django.db import IntegrityError, transaction

from editorial.copyright import moves
from editorial.copyright.identity import hash_token
from editorial.copyright.states import TERMINAL_STATES, TRANSITIONS
from editorial.copyright.states import ComplaintStatus as S
from editorial.models import Complaint, ComplaintItem
from tests.copyright_helpers import NOTIFIER_EMAIL, file_complaint, received_complaint
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


# --- the state table ----------------------------------------------------------------------------------------


def test_the_state_table_lists_every_state_and_only_known_states():
    assert set(TRANSITIONS) == set(S.values)
    for source, targets in TRANSITIONS.items():
        assert set(targets) <= set(S.values), source
        for target, move in targets.items():
            assert move.by, f"{source} -> {target} says nobody may make it"


def test_terminal_states_are_the_ends_of_the_process():
    assert {S.EXPIRED, S.WITHDRAWN, S.CLOSED, S.CLOSED_INCOMPLETE, S.CLOSED_MISUSE} == TERMINAL_STATES


def test_every_state_can_be_reached_from_unverified():
    reached, frontier = {S.UNVERIFIED}, [S.UNVERIFIED]
    while frontier:
        for target in TRANSITIONS[frontier.pop()]:
            if target not in reached:
                reached.add(target)
                frontier.append(target)
    assert reached == set(S.values)


# --- database invariants ------------------------------------------------------------------------------------


def test_a_complaint_without_its_statements_or_signature_is_refused_by_the_database():
    article = ArticleFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        file_complaint(article, statement_fair_use=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        file_complaint(article, signature="")
    assert not Complaint.objects.exists()


def test_an_agent_must_name_the_rights_holder_in_the_database_too():
    with pytest.raises(IntegrityError), transaction.atomic():
        file_complaint(capacity=Complaint.Capacity.AGENT, on_behalf_of="")


def test_the_database_refuses_a_second_open_complaint_by_the_same_notifier_about_the_same_article():
    article = ArticleFactory()
    first = file_complaint(article)
    duplicate = ComplaintItem(
        complaint=file_complaint(ArticleFactory()),
        position=2,
        url="http://testserver/x/",
        kind="article",
        article=article,
        target_key=f"article:{article.pk}",
        notifier_key=NOTIFIER_EMAIL,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()
    # Once the first is no longer open, the same notifier may complain about it again.
    moves.complaint_expire(complaint=first)
    duplicate.save()
    assert ComplaintItem.objects.filter(target_key=f"article:{article.pk}", is_open=True).count() == 1


def test_a_reference_exists_exactly_once_the_email_is_confirmed():
    complaint = file_complaint()
    assert complaint.reference is None
    with pytest.raises(IntegrityError), transaction.atomic():
        Complaint.objects.filter(pk=complaint.pk).update(reference="CN-2026-999999")
    moves.complaint_verify(complaint=complaint)
    assert re.fullmatch(r"CN-\d{4}-\d{6}", complaint.reference)


def test_references_are_unique_in_the_database():
    first, _ = received_complaint()
    second, _ = received_complaint(notifier_email="other@lens-agency.test")
    with pytest.raises(IntegrityError), transaction.atomic():
        Complaint.objects.filter(pk=second.pk).update(reference=first.reference)


def test_notifier_email_is_stored_in_lower_case_so_duplicates_are_caught_whatever_the_case():
    complaint = file_complaint(notifier_email="Rights@Lens-Agency.TEST")
    assert complaint.notifier_email == NOTIFIER_EMAIL
    assert complaint.items.get().notifier_key == NOTIFIER_EMAIL


def test_tokens_are_stored_only_as_their_hash():
    complaint, token = received_complaint()
    stored = Complaint.objects.filter(pk=complaint.pk).values().get()
    assert token not in {str(v) for v in stored.values()}
    assert stored["tracking_token_hash"] == hash_token(token)


# --- reading pages in tests (no HTML library in the test stack) ---------------------------------------------
