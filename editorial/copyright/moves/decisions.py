"""An officer's decision on a complaint, and another officer's decision on an appeal: item by item, with the
measure for each upheld item (`editorial.copyright.measures`), the notifier and the affected parties told."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from articles.models import Article, Correction
from editorial import notifications, outbox
from editorial.copyright.deadlines import deadlines
from editorial.copyright.measures import REGIME_PHRASES, CorrectionSpec, measure_apply, measure_reverse
from editorial.copyright.states import (
    OFFICER,
    UNDECIDED_STATES,
    AlreadyDecidedError,
    ComplaintError,
    ComplaintPermissionError,
    ComplaintStateError,
    allowed_move,
    require_officer,
)
from editorial.copyright.states import ComplaintStatus as S
from editorial.models import (
    AffectedParty,
    Appeal,
    Complaint,
    ComplaintItem,
    Measure,
    NotifierSanction,
)

from .step import lock, reload, step

logger = logging.getLogger(__name__)
Outcome = ComplaintItem.Outcome
MAX_REASONS = 20000


@dataclass(frozen=True)
class ItemDecision:
    """The decision on one item: its outcome, the measure for an upheld item, and the reasons (optional
    per item: the decision's reasons apply where an item has none of its own)."""

    item: int
    outcome: str
    measure: str = ""
    reasons: str = ""
    correction: CorrectionSpec | None = None


def _clean_reasons(reasons: str, *, what: str = "the reasons for the decision") -> str:
    reasons = (reasons or "").strip()
    if not reasons:
        raise ComplaintError(f"Write {what}: the notifier and the affected party read them.")
    if len(reasons) > MAX_REASONS:
        raise ComplaintError(f"The reasons are too long: at most {MAX_REASONS:,} characters.")
    return reasons


def _check_decisions(items: list[ComplaintItem], decisions: list[ItemDecision]) -> dict[int, ItemDecision]:
    """Every item decided exactly once, each upheld item with a measure that fits it; ComplaintError if not."""
    by_item = {item.pk: item for item in items}
    plan: dict[int, ItemDecision] = {}
    for decision in decisions:
        item = by_item.get(decision.item)
        if item is None:
            raise ComplaintError("A decision names an item that is not part of this complaint.")
        if decision.item in plan:
            raise ComplaintError(f"Item {item.position} is decided twice.")
        label = f"Item {item.position}"
        if decision.outcome not in (Outcome.UPHELD, Outcome.PARTLY_UPHELD, Outcome.REJECTED):
            raise ComplaintError(f"{label}: choose upheld, upheld in part or rejected.")
        if len(decision.reasons) > MAX_REASONS:
            raise ComplaintError(f"{label}: the reasons are too long (at most {MAX_REASONS:,} characters).")
        if decision.outcome == Outcome.REJECTED:
            if decision.measure:
                raise ComplaintError(f"{label}: a rejected item gets no measure.")
        else:
            _check_measure(item, decision, label)
        plan[decision.item] = decision
    missing = [str(item.position) for item in items if item.pk not in plan]
    if missing:
        raise ComplaintError(f"Decide every item: item{'s' if len(missing) > 1 else ''} {', '.join(missing)} left.")
    return plan


def _check_measure(item: ComplaintItem, decision: ItemDecision, label: str) -> None:
    kind = decision.measure
    if not kind:
        raise ComplaintError(f"{label}: an upheld item needs a measure (withhold, remove or correct).")
    if kind not in Measure.Kind.values:
        raise ComplaintError(f"{label}: unknown measure.")
    if kind == Measure.Kind.REMOVE_IMAGE and item.image_id is None:
        raise ComplaintError(f"{label}: only a picture can be removed; this item names an article.")
    if kind in (Measure.Kind.WITHHOLD_ARTICLE, Measure.Kind.CORRECT) and item.article_id is None:
        raise ComplaintError(f"{label}: this item names a picture (or content that no longer exists), not an article.")
    if kind == Measure.Kind.CORRECT:
        spec = decision.correction
        if spec is None or not spec.public_text.strip():
            raise ComplaintError(f"{label}: a correction needs the public note readers will see.")
        if not spec.find.strip() and not spec.credit.strip():
            raise ComplaintError(f"{label}: say which passage to replace or redact, or the credit to add.")
        if spec.kind not in Correction.Kind.values:
            raise ComplaintError(f"{label}: choose correction, clarification or legal notice.")
        if max(len(spec.find), len(spec.replace), len(spec.credit), len(spec.public_text)) > 5000:
            raise ComplaintError(f"{label}: the correction's texts may be at most 5,000 characters each.")


def _outcome_state(plan: dict[int, ItemDecision]) -> str:
    outcomes = {decision.outcome for decision in plan.values()}
    if outcomes == {Outcome.UPHELD}:
        return S.UPHELD
    if outcomes == {Outcome.REJECTED}:
        return S.REJECTED
    return S.PARTLY_UPHELD


def _person(user) -> str:
    if user is None:
        return "the system"
    return user.get_full_name() or user.get_username()


def complaint_decide(
    *,
    complaint: Complaint,
    by,
    decisions: list[ItemDecision],
    reasons: str,
    manifestly_unfounded: bool = False,
) -> Complaint:
    """An officer decides a complaint (received or in review): each item upheld (with a measure), upheld in
    part (a lesser measure than asked for) or rejected, with reasons.

    The measures are applied at once; the notifier gets the decision and how to appeal, and each affected
    party a statement of reasons with a private link to answer. A rejection "as manifestly unfounded" counts
    towards warning, then suspending, the notifier. If someone decided first, AlreadyDecidedError says who.
    """
    require_officer(by, "decide complaints")
    reasons = _clean_reasons(reasons)
    with transaction.atomic():
        locked = lock(complaint)
        if locked.status not in UNDECIDED_STATES:
            if locked.decided_at is not None:
                raise AlreadyDecidedError(
                    f"{locked} was already decided by {_person(locked.decided_by)} on "
                    f"{timezone.localtime(locked.decided_at):%d %B %Y at %H:%M} ({locked.get_status_display()}). "
                    "Nothing was changed; reload the page to see that decision."
                )
            raise ComplaintStateError(f"{locked} is “{locked.get_status_display()}”, so it cannot be decided now.")
        items = list(locked.items.select_related("article__responsible_editor", "image").order_by("position"))
        plan = _check_decisions(items, decisions)
        target = _outcome_state(plan)
        if manifestly_unfounded and target != S.REJECTED:
            raise ComplaintError("Only a complaint rejected on every item can be manifestly unfounded.")
        allowed_move(locked.status, target, OFFICER)
        now = timezone.now()
        for item in items:
            _decide_item(item, plan[item.pk], by=by, now=now, default_reasons=reasons)
        locked.decided_at = locked.last_decided_at = now
        locked.decided_by = by
        locked.decision_reasons = reasons
        locked.manifestly_unfounded = manifestly_unfounded
        if locked.assignee_id is None:
            locked.assignee = by
        step(
            locked,
            target,
            by=OFFICER,
            actor=by,
            note=reasons,
            details={
                "public_note": "",
                "manifestly_unfounded": manifestly_unfounded,
                "items": {str(item.position): item.outcome for item in items},
            },
        )
        _send_decision(locked, items)
        if manifestly_unfounded:
            NotifierSanction.objects.record_misuse(locked, by=by)
    reload(complaint, locked)
    return complaint


def _decide_item(
    item: ComplaintItem, decision: ItemDecision, *, by, now, default_reasons: str, reversal=Measure.Reversal.APPEAL
) -> None:
    """Set one item's outcome, reversing a measure that no longer fits and applying the one that now does."""
    live = item.measures.filter(reversed_at=None).first()
    wanted = decision.measure if decision.outcome != Outcome.REJECTED else ""
    if live is not None and live.kind != wanted:
        measure_reverse(measure=live, by=by, reason=reversal)
        live = None
    if wanted and live is None:
        measure_apply(item=item, kind=wanted, by=by, correction=decision.correction)
    item.outcome = decision.outcome
    item.reasons = decision.reasons.strip() or default_reasons
    item.decided_at = now
    item.decided_by = by
    item.save(update_fields=["outcome", "reasons", "decided_at", "decided_by"])


# --- appeals ------------------------------------------------------------------------------------------------


def complaint_decide_appeal(
    *,
    appeal: Appeal,
    by,
    outcome: str,
    reasons: str,
    decisions: list[ItemDecision] | None = None,
) -> Appeal:
    """Another officer decides an appeal: confirm the decision, reverse it, or vary it item by item.

    A reversal of an upheld complaint needs no item decisions (every item is rejected and its measure
    undone); reversing a rejection, or varying, needs them (which measure applies to which item). Both sides
    are told; the measures follow the new decision exactly.
    """
    require_officer(by, "decide appeals")
    reasons = _clean_reasons(reasons, what="the reasons for the appeal's decision")
    if outcome not in (Appeal.Outcome.CONFIRMED, Appeal.Outcome.REVERSED, Appeal.Outcome.VARIED):
        raise ComplaintError("Choose to confirm, reverse or vary the decision.")
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=appeal.complaint_id)
        current = Appeal.objects.select_for_update().get(pk=appeal.pk)
        if not current.is_pending or locked.status != S.APPEALED:
            raise AlreadyDecidedError(
                f"This appeal was already decided by {_person(current.decided_by)}"
                + (f" on {timezone.localtime(current.decided_at):%d %B %Y at %H:%M}" if current.decided_at else "")
                + ". Nothing was changed; reload the page."
            )
        if current.original_decider_id is not None and current.original_decider_id == by.pk:
            raise ComplaintPermissionError(
                "You made the decision under appeal; another officer must decide the appeal."
            )
        items = list(locked.items.select_related("article__responsible_editor", "image").order_by("position"))
        now = timezone.now()
        if outcome == Appeal.Outcome.CONFIRMED:
            if decisions:
                raise ComplaintError("Confirming the decision changes no item; to change some, vary it.")
        else:
            if not decisions:
                if outcome == Appeal.Outcome.VARIED or any(item.outcome == Outcome.REJECTED for item in items):
                    raise ComplaintError("Decide each item: say which measure applies where the decision changes.")
                decisions = [ItemDecision(item=item.pk, outcome=Outcome.REJECTED) for item in items]
            plan = _check_decisions(items, decisions)
            for item in items:
                _decide_item(item, plan[item.pk], by=by, now=now, default_reasons=reasons)
        target = locked.state_from_items()
        current.outcome = outcome
        current.decided_by = by
        current.decided_at = now
        current.decision_reasons = reasons
        current.save(update_fields=["outcome", "decided_by", "decided_at", "decision_reasons"])
        locked.last_decided_at = now
        if target != S.REJECTED:
            locked.manifestly_unfounded = False
        step(
            locked,
            target,
            by=OFFICER,
            actor=by,
            note=reasons,
            details={"appeal": current.pk, "outcome": outcome, "public_note": reasons},
        )
        _send_decision(locked, items, appeal=current)
    appeal.outcome, appeal.decided_by, appeal.decided_at = current.outcome, current.decided_by, current.decided_at
    return current


# --- telling people -----------------------------------------------------------------------------------------


def _parties_for(item: ComplaintItem) -> list[tuple[str, str, str]]:
    """(role, name, email) of whoever must hear about a measure on `item`: the responsible editor of each
    article concerned, and the original source where the article names a contact."""
    if item.article_id is not None:
        articles = [item.article]
    else:
        articles = list(
            Article.objects.filter(Q(hero_image=item.image_id) | Q(inline_images=item.image_id))
            .select_related("responsible_editor")
            .distinct()
        )
    found = []
    for article in articles:
        editor = article.responsible_editor
        if editor.email:
            found.append((AffectedParty.Role.RESPONSIBLE_EDITOR, editor.display_name, editor.email))
        if article.source_contact_email:
            found.append(
                (
                    AffectedParty.Role.SOURCE,
                    article.original_publisher or "The original source",
                    article.source_contact_email,
                )
            )
    return found


def _send_decision(complaint: Complaint, items: list[ComplaintItem], *, appeal: Appeal | None = None) -> None:
    """The decision to the notifier (with how to appeal) and a statement of reasons to each affected party,
    each with a fresh private link. A party whose measures were all reversed hears about that too."""
    live = {
        measure.item_id: measure
        for measure in Measure.objects.filter(item__complaint=complaint, reversed_at=None).select_related("item")
    }
    decided = [(item, live.get(item.pk)) for item in items]
    outbox.queue_message(
        to=complaint.notifier_email,
        kind="complaint_appeal_decision" if appeal else "complaint_decision",
        template="editorial/email/complaint_decision.txt",
        context={"complaint": complaint, "decided": decided, "appeal": appeal},
        related=complaint,
    )
    parties: dict[str, AffectedParty] = {party.email: party for party in complaint.affected_parties.all()}
    concerned: dict[str, set[int]] = {}
    for item in items:
        if item.pk not in live:
            continue
        for role, name, email in _parties_for(item):
            email = email.strip().lower()
            concerned.setdefault(email, set()).add(item.pk)
            if email not in parties:
                parties[email] = AffectedParty(complaint=complaint, role=role, name=name[:200], email=email)
    now = timezone.now()
    answer_links = {}
    for email, party in parties.items():
        if email not in concerned and party.pk is None:
            continue
        token = party.new_link_token()
        answer_links[email] = party.answer_url(token)
        party.notified_at = now
        party.save()
        if email in concerned:
            party.items.add(*concerned[email])
        their_items = set(party.items.values_list("pk", flat=True))
        theirs = [(item, measure) for item, measure in decided if item.pk in their_items]
        outbox.queue_message(
            to=party.email,
            kind="statement_of_reasons",
            template="editorial/email/statement_of_reasons.txt",
            context={
                "complaint": complaint,
                "party": party,
                "decided": theirs,
                "appeal": appeal,
                "answer_url": party.answer_url(token),
                "regime_phrase": REGIME_PHRASES.get(complaint.regime, REGIME_PHRASES["general"]),
                "restore_days": deadlines(complaint.regime).restore_days,
            },
            related=complaint,
        )
    notifications.complaint_measures_told(
        complaint=complaint,
        since=complaint.last_decided_at,
        reasons=appeal.decision_reasons if appeal else complaint.decision_reasons,
        answer_links=answer_links,
        by=appeal.decided_by if appeal else complaint.decided_by,
    )
