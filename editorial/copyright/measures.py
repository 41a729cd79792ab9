"""Measures: what a decision does to the content, exactly and reversibly (withhold an article, remove an image,
correct an article), and the undoing of each (the text and the files come back byte for byte). These are
the copyright desk's only reach into `articles`; the moves in `moves/` call them inside their transaction.
"""

from __future__ import annotations

import hashlib
import html
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.html import format_html

from articles.models import Article, Correction, Image, private_storage
from editorial.copyright import takedowns
from editorial.copyright.states import OFFICER, SYSTEM, ComplaintError, ComplaintPermissionError, ComplaintStateError
from editorial.models import AuditEvent, Complaint, ComplaintItem, Measure
from editorial.newsroom import corrections, revisions, workflow

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


@dataclass(frozen=True)
class CorrectionSpec:
    """A correction measure: replace (or redact) one passage and/or add a credit line, with a public note."""

    public_text: str
    find: str = ""
    replace: str = ""
    credit: str = ""
    kind: str = Correction.Kind.LEGAL


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
