"""Complaint moves that reach beyond the complaint: they act on articles and images too (STYLE.md 4).

Keyword-only functions named `<thing>_<action>`. Each runs in one transaction that first locks the complaint
row (`select_for_update`), checks the move against `editorial.complaints.TRANSITIONS` and the person's role,
changes what it must, records `AuditEvent`s, and queues its mail in the outbox (sent after commit).

- `complaint_decide`: an officer's decision, item by item, with the measure for each upheld item.
- `measure_apply` / `measure_reverse`: withhold an article, remove an image, correct an article; and undo
  each exactly (the text and the files come back byte for byte).
- `counter_notice_file`, `complaint_restore`, `complaints_restore_due`: the affected party's answer and the
  restoration it leads to (at once under the PRC regulations, after 10 business days in the United States).
- `appeal_decide`: another officer confirms, reverses or varies the decision; measures follow.
- `complaint_timers_run`: every deadline that has passed (the `complaint_timers` command and task).
"""

from __future__ import annotations

import hashlib
import html
import logging
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.html import format_html

from articles.models import Article, Correction, Image, private_storage

from . import outbox, takedowns, tasks
from .complaints import (
    AFFECTED_PARTY,
    OFFICER,
    RESTORING_STATES,
    SYSTEM,
    UNDECIDED_STATES,
    AlreadyDecidedError,
    ComplaintError,
    ComplaintPermissionError,
    ComplaintStateError,
    allowed_move,
    business_days_after,
    deadlines,
    require_officer,
)
from .complaints import ComplaintStatus as S
from .models import (
    AffectedParty,
    Appeal,
    AuditEvent,
    Complaint,
    ComplaintItem,
    CounterNotice,
    Measure,
    NotifierSanction,
)
from .newsroom import corrections, revisions, workflow

logger = logging.getLogger(__name__)

Outcome = ComplaintItem.Outcome
MAX_REASONS = 20000
# What replaces a redacted passage when the officer gives no replacement text.
REDACTION_TEXT = "[Passage removed following a copyright complaint.]"
_TEXT_FIELDS = ("title", "dek", "body")

REGIME_PHRASES = {
    Complaint.Regime.US: "under the United States Digital Millennium Copyright Act (17 U.S.C. § 512)",
    Complaint.Regime.PRC: "under the PRC Regulations on the Protection of the Right of Communication through "
    "Information Networks",
    Complaint.Regime.EU: "under the European Union's Digital Services Act",
    Complaint.Regime.GENERAL: "under our copyright policy",
}


# --- what an officer decides --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CorrectionSpec:
    """A correction measure: replace (or redact) one passage and/or add a credit line, with a public note."""

    public_text: str
    find: str = ""
    replace: str = ""
    credit: str = ""
    kind: str = Correction.Kind.LEGAL


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


def _lock(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


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
        locked = _lock(complaint)
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
        locked.apply_move(
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
    complaint.reload_from(locked)
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


# --- measures -----------------------------------------------------------------------------------------------


def measure_apply(*, item: ComplaintItem, kind: str, by, correction: CorrectionSpec | None = None) -> Measure:
    """Apply measure `kind` to exactly the content `item` names, keeping what undoing it needs.

    Call inside the decision's transaction. If the content is already under the same kind of measure (from
    another complaint), the new measure joins it: the content comes back only when the last one is reversed.
    """
    complaint = item.complaint
    with transaction.atomic():
        if kind == Measure.Kind.WITHHOLD_ARTICLE:
            snapshot, public_correction = _withhold(item, by=by, complaint=complaint), None
        elif kind == Measure.Kind.REMOVE_IMAGE:
            snapshot, public_correction = _remove_image(item, by=by, complaint=complaint), None
        elif kind == Measure.Kind.CORRECT:
            snapshot, public_correction = _correct(item, by=by, complaint=complaint, spec=correction)
        else:
            raise ComplaintError(f"Unknown measure {kind!r}.")
        measure = Measure.objects.create(
            item=item,
            kind=kind,
            applied_by=by if getattr(by, "is_authenticated", False) else None,
            snapshot=snapshot,
            correction=public_correction,
        )
        # Keep what it took down from coming back under another article (issue 12, point 7).
        takedowns.takedown_record(measure=measure)
        AuditEvent.record(
            actor=by,
            subject=complaint,
            action="complaint.measure_applied",
            note=measure.get_kind_display(),
            details={"by": OFFICER if by else SYSTEM, "measure": measure.pk, "item": item.pk, "kind": kind},
        )
    return measure


def measure_reverse(*, measure: Measure, by, reason: str) -> Measure:
    """Undo a measure exactly: the article's state and text, the image's files (same bytes), as before.

    While another measure in force still covers the same article or image, that content stays withheld or
    removed (the other measure inherits what restoring needs). A correction whose article was edited since
    is undone only if the change it made can still be found; otherwise ComplaintError says so and nothing
    changes.
    """
    if reason not in Measure.Reversal.values:
        raise ComplaintError("Say why the measure is reversed.")
    with transaction.atomic():
        locked = Measure.objects.select_for_update().select_related("item__complaint").get(pk=measure.pk)
        if locked.reversed_at is not None:
            raise ComplaintStateError(f"“{locked}” was already reversed.")
        complaint = locked.item.complaint
        snapshot = locked.snapshot
        if locked.kind == Measure.Kind.CORRECT:
            _undo_correction(locked, by=by, complaint=complaint)
        else:
            same_target = (
                Q(item__article_id=snapshot.get("article"))
                if locked.kind == Measure.Kind.WITHHOLD_ARTICLE
                else Q(item__image_id=snapshot.get("image"))
            )
            others = (
                Measure.objects.select_for_update()
                .filter(same_target, kind=locked.kind, reversed_at=None)
                .exclude(pk=locked.pk)
                .order_by("applied_at", "pk")
            )
            heir = others.first()
            if heir is not None:
                if not snapshot.get("joined"):
                    heir.snapshot = {**snapshot, "handed_over_from": locked.pk}
                    heir.save(update_fields=["snapshot"])
            elif not snapshot.get("joined"):
                if locked.kind == Measure.Kind.WITHHOLD_ARTICLE:
                    _unwithhold(snapshot, by=by, complaint=complaint)
                else:
                    _restore_image(snapshot, by=by, complaint=complaint)
        locked.reversed_at = timezone.now()
        locked.reversed_by = by if getattr(by, "is_authenticated", False) else None
        locked.reversal_reason = reason
        locked.save(update_fields=["reversed_at", "reversed_by", "reversal_reason"])
        takedowns.takedown_lift(measure=locked, by=by)
        AuditEvent.record(
            actor=by,
            subject=complaint,
            action="complaint.measure_reversed",
            note=locked.get_kind_display(),
            details={
                "by": OFFICER if by else SYSTEM,
                "measure": locked.pk,
                "item": locked.item_id,
                "kind": locked.kind,
                "reason": reason,
            },
        )
    measure.reversed_at, measure.reversal_reason = locked.reversed_at, locked.reversal_reason
    return locked


def withheld_text(complaint: Complaint, at) -> str:
    """What readers see at a withheld article's address (DESIGN.md section 5): what, when, on what kind of
    complaint, that it is not a finding of infringement, and how to answer."""
    return (
        f"On {timezone.localtime(at):%d %B %Y} we withheld this article after a copyright complaint "
        f"(reference {complaint.reference}) {REGIME_PHRASES.get(complaint.regime, REGIME_PHRASES['general'])}.\n"
        "This is not a finding that the article infringes anyone's rights: we withhold content while a complaint "
        "is answered, and the decision can be challenged.\n"
        "If you wrote or supplied this article, you can send a counter-notice through the private link we sent "
        "you, or write to us through our contact page quoting the reference."
    )


def _withhold(item: ComplaintItem, *, by, complaint: Complaint) -> dict:
    article = Article.objects.select_for_update().get(pk=item.article_id)
    if article.status == Article.Status.WITHHELD:
        return {"article": article.pk, "joined": True}
    from_state = article.status
    try:
        workflow.withhold(
            article,
            by=by,
            note=f"Copyright complaint {complaint.reference}, item {item.position}.",
            details={"complaint": complaint.pk, "reference": complaint.reference, "item": item.pk},
            public_note=withheld_text(complaint, timezone.now()),
        )
    except workflow.WorkflowError as error:
        raise ComplaintPermissionError(str(error)) from None
    return {"article": article.pk, "from_state": from_state}


def _unwithhold(snapshot: dict, *, by, complaint: Complaint) -> None:
    article = Article.objects.filter(pk=snapshot.get("article")).first()
    if article is None or article.status != Article.Status.WITHHELD:
        return  # deleted, or restored by hand meanwhile: nothing left to undo
    try:
        workflow.restore(
            article,
            by=by,
            note=f"Copyright complaint {complaint.reference}: measure reversed.",
            details={"complaint": complaint.pk, "reference": complaint.reference},
        )
    except workflow.WorkflowError as error:
        raise ComplaintPermissionError(str(error)) from None


def _image_files(image: Image) -> list[tuple[str, int, object]]:
    """(model, id, FieldFile) for the original and every rendition."""
    return [("image", image.pk, image.file)] + [
        ("rendition", rendition.pk, rendition.file) for rendition in image.renditions.order_by("pk")
    ]


def _remove_image(item: ComplaintItem, *, by, complaint: Complaint) -> dict:
    """Move the original and every rendition to private storage (copied and checked now, deleted from public
    storage once the decision commits) and mark the image removed: readers see a captioned placeholder."""
    image = Image.objects.select_for_update().get(pk=item.image_id)
    if image.removed_at is not None:
        return {"image": image.pk, "joined": True}
    private = private_storage()
    files, copied = [], []
    try:
        for model, pk, field in _image_files(image):
            try:
                with field.storage.open(field.name, "rb") as handle:
                    content = handle.read()
            except FileNotFoundError:
                files.append({"model": model, "id": pk, "name": field.name, "missing": True})
                continue
            kept = private.save(f"withheld/{field.name}", ContentFile(content))
            copied.append(kept)
            files.append({"model": model, "id": pk, "name": field.name, "private": kept, "sha256": _sha256(content)})
    except BaseException:
        for name in copied:
            private.delete(name)
        raise
    public = image.file.storage
    transaction.on_commit(lambda: [public.delete(f["name"]) for f in files if not f.get("missing")])
    now = timezone.now()
    note = f"Removed after copyright complaint {complaint.reference} on {timezone.localtime(now):%d %B %Y}."
    Image.objects.filter(pk=image.pk).update(removed_at=now, removal_note=note[:300])
    AuditEvent.record(
        actor=by,
        subject=image,
        action="image.remove",
        note=note,
        details={"complaint": complaint.pk, "files": len(files)},
    )
    return {"image": image.pk, "files": files}


def _restore_image(snapshot: dict, *, by, complaint: Complaint) -> None:
    """Put every file back at its public name, checked byte for byte, and show the image again."""
    from articles.models import Rendition

    image = Image.objects.select_for_update().filter(pk=snapshot.get("image")).first()
    if image is None:
        return
    private, public = private_storage(), image.file.storage
    restored = []
    try:
        for entry in snapshot.get("files", []):
            if entry.get("missing"):
                continue
            with private.open(entry["private"], "rb") as handle:
                content = handle.read()
            if _sha256(content) != entry["sha256"]:
                raise ComplaintError(
                    f"The kept copy of {entry['name']} does not match its checksum; restore it by hand."
                )
            if public.exists(entry["name"]):
                public.delete(entry["name"])  # a stale copy (e.g. a failed earlier attempt): ours is the original
            name = public.save(entry["name"], ContentFile(content))
            restored.append(name)
            if name != entry["name"]:
                model = Image if entry["model"] == "image" else Rendition
                model.objects.filter(pk=entry["id"]).update(file=name)
    except BaseException:
        for name in restored:
            public.delete(name)
        raise
    kept = [entry["private"] for entry in snapshot.get("files", []) if not entry.get("missing")]
    transaction.on_commit(lambda: [private.delete(name) for name in kept])
    Image.objects.filter(pk=image.pk).update(removed_at=None, removal_note="")
    AuditEvent.record(
        actor=by,
        subject=image,
        action="image.restore",
        note=f"Restored: copyright complaint {complaint.reference}.",
        details={"complaint": complaint.pk, "files": len(restored)},
    )


def _sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _replace_once(body: str, find: str, replacement: str) -> str:
    """`body` with the one occurrence of `find` (as typed, or as stored in HTML) replaced."""
    for candidate in dict.fromkeys([find, html.escape(find, quote=False), html.escape(find)]):
        if candidate and body.count(candidate) == 1:
            return body.replace(candidate, replacement, 1)
        if candidate and body.count(candidate) > 1:
            raise ComplaintError("The passage to replace appears more than once; quote more of it.")
    raise ComplaintError(
        "The passage to replace was not found in the article's text. Copy it exactly as the article shows it."
    )


def _correct(item: ComplaintItem, *, by, complaint: Complaint, spec: CorrectionSpec | None):
    """Edit the article through the revision history (replace or redact a passage, add a credit) and append
    the public correction. Keeps the text before and after, so the edit can be undone exactly."""
    if spec is None:
        raise ComplaintError("A correction needs its details.")
    article = Article.objects.select_for_update().get(pk=item.article_id)
    before = {name: getattr(article, name) for name in _TEXT_FIELDS}
    body = article.body
    replacement = ""
    if spec.find.strip():
        replacement = html.escape(spec.replace.strip() or REDACTION_TEXT, quote=False)
        body = _replace_once(body, spec.find.strip(), replacement)
    credit_html = ""
    if spec.credit.strip():
        credit_html = str(format_html("<p><em>{}</em></p>", spec.credit.strip()))
        body = body + credit_html
    # The text as it is now must be in the history, so that it can always be restored from there by hand.
    revision_before = revisions.revision_at_version(article, article.version) or revisions.record(
        article, author=by, summary="As it was before a copyright correction"
    )
    article.body = body
    article.version += 1
    article.save()
    if article.body == before["body"]:
        raise ComplaintError("The correction would not change the article's text.")
    revision = revisions.record(article, author=by, summary=f"Copyright correction (complaint {complaint.reference})")
    AuditEvent.record(
        actor=by,
        subject=article,
        action="article.copyright_correction",
        from_state=article.status,
        to_state=article.status,
        note=spec.public_text.strip()[:500],
        details={"complaint": complaint.pk, "reference": complaint.reference, "version": article.version},
    )
    try:
        public_correction = corrections.append_correction(article, by=by, kind=spec.kind, text=spec.public_text)
    except workflow.WorkflowError as error:
        raise ComplaintPermissionError(str(error)) from None
    after = {name: getattr(article, name) for name in _TEXT_FIELDS}
    snapshot = {
        "article": article.pk,
        "before": before,
        "after": after,
        "find": spec.find.strip(),
        "replacement": replacement,
        "credit_html": credit_html,
        "revision_before": revision_before.number,
        "revision_after": revision.number,
    }
    return snapshot, public_correction


def _undo_correction(measure: Measure, *, by, complaint: Complaint) -> None:
    """Put the article's text back as it was before the correction, byte for byte, through a new revision,
    with a public note that the change was undone. Later edits by the newsroom are kept when the change can
    be undone on its own; when it cannot, ComplaintError asks for it to be done by hand."""
    snapshot = measure.snapshot
    article = Article.objects.select_for_update().filter(pk=snapshot.get("article")).first()
    if article is None:
        return
    if all(getattr(article, name) == snapshot["after"][name] for name in _TEXT_FIELDS):
        for name in _TEXT_FIELDS:
            setattr(article, name, snapshot["before"][name])
    else:
        body = article.body
        credit, replacement = snapshot.get("credit_html", ""), snapshot.get("replacement", "")
        original = _original_fragment(snapshot)
        if (credit and body.count(credit) != 1) or (replacement and body.count(replacement) != 1) or original is None:
            raise ComplaintError(
                f"“{article}” was edited since the correction and the change cannot be undone on its own. Restore "
                f"the text by hand from revision {snapshot.get('revision_before')} in its history; the measure is "
                "left in force."
            )
        if credit:
            body = body.replace(credit, "", 1)
        if replacement:
            body = body.replace(replacement, original, 1)
        article.body = body
    article.version += 1
    article.save()
    revisions.record(article, author=by, summary=f"Copyright correction undone (complaint {complaint.reference})")
    now = timezone.now()
    note = Correction.objects.create(
        article=article,
        kind=Correction.Kind.CLARIFICATION,
        published_at=now,
        text=f"The change made to this article on {timezone.localtime(measure.applied_at):%d %B %Y} after a "
        "copyright complaint has been undone: the text is again as it was before.",
    )
    corrections.corrected(article, note, by=by)
    AuditEvent.record(
        actor=by,
        subject=article,
        action="article.copyright_correction_undone",
        from_state=article.status,
        to_state=article.status,
        details={"complaint": complaint.pk, "reference": complaint.reference, "version": article.version},
    )


def _original_fragment(snapshot: dict) -> str | None:
    """The exact text the correction replaced, read from the body before it (None if it can't be told)."""
    if not snapshot.get("replacement"):
        return ""
    before, after = snapshot["before"]["body"], snapshot["after"]["body"]
    credit = snapshot.get("credit_html", "")
    if credit and after.endswith(credit):
        after = after[: -len(credit)]
    start = after.find(snapshot["replacement"])
    if start < 0:
        return None
    tail = len(after) - start - len(snapshot["replacement"])
    if after[:start] != before[:start] or after[len(after) - tail :] != before[len(before) - tail :]:
        return None
    return before[start : len(before) - tail]


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
    for email, party in parties.items():
        if email not in concerned and party.pk is None:
            continue
        token = party.new_link_token()
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


# --- counter-notices and restoration ------------------------------------------------------------------------


@dataclass(frozen=True)
class CounterNoticeAnswers:
    """What the affected party's counter-notice form collects."""

    items: list[int]
    name: str
    email: str
    address: str
    phone: str
    explanation: str
    statement_mistake: bool
    statement_jurisdiction: bool
    signature: str


def counter_notice_requirements(regime: str) -> dict[str, str]:
    """The elements a counter-notice must have under `regime`, each with the message shown when it is missing."""
    required = {
        "items": "Choose the content your counter-notice is about.",
        "name": "Give your full name.",
        "address": "Give your postal address.",
        "explanation": "Explain why the content was removed by mistake or does not infringe.",
        "statement_mistake": "The statement of good faith is required.",
        "signature": "Type your full name as a signature.",
    }
    if regime == Complaint.Regime.US:
        # 17 U.S.C. § 512(g)(3): signature; the material and where it was; the statement under penalty of
        # perjury; name, address, telephone; consent to jurisdiction and to service of process.
        required["phone"] = "A telephone number is required under United States law."
        required["statement_jurisdiction"] = (
            "Under United States law you must consent to the court's jurisdiction and accept service of process."
        )
    return required


def counter_notice_file(*, complaint: Complaint, party: AffectedParty, answers: CounterNoticeAnswers) -> CounterNotice:
    """An affected party answers an upheld complaint. Forwarded to the notifier at once.

    Under the PRC regulations the content comes back at once; elsewhere a restore date is set
    (`deadlines(regime).restore_days` business days after receipt) and the timer restores it then, unless
    the notifier reports a court action first or an officer finds the counter-notice invalid.
    """
    for field, message in counter_notice_requirements(complaint.regime).items():
        value = getattr(answers, field)
        if not (value.strip() if isinstance(value, str) else value):
            raise ComplaintError(message)
    with transaction.atomic():
        locked = _lock(complaint)
        allowed_move(locked.status, S.COUNTER_NOTICE, AFFECTED_PARTY)
        theirs = set(party.items.values_list("pk", flat=True))
        in_force = set(
            Measure.objects.filter(item__complaint=locked, reversed_at=None).values_list("item_id", flat=True)
        )
        chosen = [pk for pk in answers.items if pk in theirs and pk in in_force]
        if not chosen or len(chosen) != len(set(answers.items)):
            raise ComplaintError("Choose only the content of yours that a measure is still applied to.")
        notice = CounterNotice.objects.create(
            complaint=locked,
            affected_party=party,
            name=answers.name.strip(),
            email=answers.email.strip() or party.email,
            address=answers.address.strip(),
            phone=answers.phone.strip(),
            explanation=answers.explanation.strip(),
            statement_mistake=answers.statement_mistake,
            statement_jurisdiction=answers.statement_jurisdiction,
            signature=answers.signature.strip(),
        )
        notice.items.set(chosen)
        now = timezone.now()
        days = deadlines(locked.regime).restore_days
        locked.restore_due_at = now if days is None else business_days_after(now, days)
        locked.apply_move(S.COUNTER_NOTICE, by=AFFECTED_PARTY, details={"counter_notice": notice.pk, "public_note": ""})
        notice.forwarded_at = now
        notice.save(update_fields=["forwarded_at"])
        items = list(notice.items.order_by("position"))
        context = {"complaint": locked, "notice": notice, "items": items, "immediate": days is None}
        outbox.queue_message(
            to=locked.notifier_email,
            kind="counter_notice_forwarded",
            template="editorial/email/counter_notice_forwarded.txt",
            context=context,
            related=locked,
        )
        outbox.queue_message(
            to=notice.email,
            kind="counter_notice_received",
            template="editorial/email/counter_notice_received.txt",
            context=context,
            related=locked,
        )
        if days is None:
            notice.valid = True
            notice.save(update_fields=["valid"])
            _restore(locked, by=None, note="PRC regulations: restored on a valid counter-notice.")
        else:
            tasks.schedule(tasks.restore_complaint_content, locked.restore_due_at, locked.pk)
    complaint.reload_from(locked)
    return notice


def complaint_restore(*, complaint: Complaint, by=None, note: str = "") -> Complaint:
    """Put back the content a counter-notice answered: by the timer on the restore date, or by an officer
    (e.g. when a court action ends in the affected party's favour). Every measure on the counter-notice's
    items is reversed exactly; both sides are told."""
    if by is not None:
        require_officer(by, "restore content")
    with transaction.atomic():
        locked = _lock(complaint)
        if by is None and (locked.restore_due_at is None or locked.restore_due_at > timezone.now()):
            raise ComplaintStateError(f"{locked} is not due to be restored yet.")
        _restore(locked, by=by, note=note)
    complaint.reload_from(locked)
    return complaint


def _restore(locked: Complaint, *, by, note: str) -> None:
    allowed_move(locked.status, S.RESTORED, OFFICER if by else SYSTEM)
    notices = list(locked.counter_notices.exclude(valid=False))
    items = {item.pk for notice in notices for item in notice.items.all()}
    reason = Measure.Reversal.COUNTER_NOTICE if locked.status in RESTORING_STATES else Measure.Reversal.OFFICER
    for measure in Measure.objects.filter(item__in=items, reversed_at=None).order_by("pk"):
        measure_reverse(measure=measure, by=by, reason=reason)
    for notice in notices:
        if notice.valid is None:
            notice.valid = True
            notice.save(update_fields=["valid"])
    locked.apply_move(S.RESTORED, by=OFFICER if by else SYSTEM, actor=by, note=note, details={"items": sorted(items)})
    restored = list(locked.items.filter(pk__in=items).order_by("position"))
    for email, name in [(locked.notifier_email, locked.notifier_name)] + [
        (party.email, party.name) for party in locked.affected_parties.all()
    ]:
        outbox.queue_message(
            to=email,
            kind="complaint_restored",
            template="editorial/email/complaint_restored.txt",
            context={"complaint": locked, "name": name, "items": restored},
            related=locked,
        )


def complaints_restore_due(*, pk: int | None = None) -> int:
    """Restore every complaint whose restore date has passed (or just complaint `pk`). Returns how many.

    A restoration that cannot be done (say, the article was rewritten since a correction) is logged and
    recorded on the complaint; it stays at the top of the officers' queue as overdue.
    """
    due = Complaint.objects.restore_due()
    if pk is not None:
        due = due.filter(pk=pk)
    restored = 0
    for complaint in due.only("pk"):
        try:
            complaint_restore(complaint=complaint, by=None, note="The restore date has come.")
        except ComplaintStateError:
            continue  # moved on meanwhile (court action, officer)
        except ComplaintError as error:
            logger.warning("Could not restore complaint %s: %s", complaint.pk, error)
            AuditEvent.record(
                actor=None,
                subject=complaint,
                action="complaint.restore_failed",
                note=str(error),
                details={"by": SYSTEM},
            )
            continue
        restored += 1
    return restored


# --- appeals ------------------------------------------------------------------------------------------------


def appeal_decide(
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
        locked.apply_move(
            target,
            by=OFFICER,
            actor=by,
            note=reasons,
            details={"appeal": current.pk, "outcome": outcome, "public_note": reasons},
        )
        _send_decision(locked, items, appeal=current)
    appeal.outcome, appeal.decided_by, appeal.decided_at = current.outcome, current.decided_by, current.decided_at
    return current


# --- timers -------------------------------------------------------------------------------------------------


def complaint_timers_run() -> dict[str, int]:
    """Everything whose deadline has passed, in order. Safe to run as often as you like (cron, a task)."""
    return {
        "expired": Complaint.objects.expire_unverified(),
        "closed_incomplete": Complaint.objects.close_incomplete_overdue(),
        "restored": complaints_restore_due(),
        "closed": Complaint.objects.close_finished(),
    }
