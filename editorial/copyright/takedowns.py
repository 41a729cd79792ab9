"""Takedowns stay down (issue 12, point 7): the copyright desk's block list of removed pictures and passages.

When a measure removes a picture, or a correction takes a passage out of an article, a fingerprint of what
was taken down is kept (`takedown_record`, called by `services.measure_apply`). The same picture uploaded
again, re-encoded, resized or re-compressed, is refused by `refuse_removed_picture`, which the image pipeline
runs on every upload (settings.IMAGE_UPLOAD_CHECKS: `articles` never imports this module); the same passage
pasted into an article is refused by `refused_passage`, which the article form calls. The refusal names the
complaint. A fingerprint stops blocking when its measure is reversed (`takedown_lift`, called by
`services.measure_reverse`) or when a copyright officer releases it (`takedown_release`).

Pictures are fingerprinted with a difference hash (dHash, across and down, 128 bits), written here with Pillow
alone (see docs/decisions.md); passages with the hashes of overlapping runs of four words, where Chinese,
Japanese and Korean text, which has no spaces, counts pairs of characters as words.
"""

from __future__ import annotations

import hashlib
import html
import logging
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from PIL import ExifTags, ImageOps
from PIL import Image as PILImage

from articles.models import Article, private_storage
from editorial.models import AuditEvent, Measure, TakedownFingerprint

from .states import ComplaintError, ComplaintStateError, require_officer

logger = logging.getLogger(__name__)

Kind = TakedownFingerprint.Kind

# dHash of an 9x8 (across) and an 8x9 (down) greyscale thumbnail: 64 + 64 bits.
HASH_SIDE = 8
# Re-encoding, halving or converting a picture moves a few bits; unrelated pictures differ by about half
# of them (64). Up to this many differing bits is "the same picture".
PICTURE_MATCH_BITS = 16
# Runs of this many words (or CJK character pairs) make a passage's shingles.
SHINGLE_SIZE = 4
# This share of a removed passage's shingles found in a text means the passage is there (light edits to a
# twenty-word passage keep more than half of them).
PASSAGE_MATCH_SHARE = 0.5
# Shorter passages are ordinary phrases that any article may contain: they are not blocked.
MIN_PASSAGE_WORDS = 6

_TAG = re.compile(r"<[^>]*>")
_WORD = re.compile(r"\w+")
_CJK = (
    "\u3040-\u30ff"  # hiragana, katakana
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # Han
    "\uac00-\ud7af"  # Hangul syllables
    "\U00020000-\U0003134f"  # Han, supplementary planes
)
_CJK_OR_NOT = re.compile(f"[{_CJK}]+|[^{_CJK}]+")
_IS_CJK = re.compile(f"[{_CJK}]")


# --- pictures -----------------------------------------------------------------------------------------------


def picture_fingerprint(picture: PILImage.Image) -> str:
    """The difference hash of a decoded picture, as 32 hexadecimal digits.

    Each bit says whether a cell of a tiny greyscale copy is darker than its neighbour (to the right for the
    first 64 bits, below for the last 64), so it survives re-encoding, resizing and re-compression but not
    cropping. The picture is turned upright first: an upload may carry an EXIF orientation that the stored
    (cleaned) file has applied to its pixels.
    """
    orientation = picture.getexif().get(ExifTags.Base.Orientation, 1)
    upright = ImageOps.exif_transpose(picture) if orientation != 1 else picture
    grey = upright.convert("L")
    across = grey.resize((HASH_SIDE + 1, HASH_SIDE), PILImage.Resampling.LANCZOS, reducing_gap=3.0).tobytes()
    down = grey.resize((HASH_SIDE, HASH_SIDE + 1), PILImage.Resampling.LANCZOS, reducing_gap=3.0).tobytes()
    bits = 0
    for row in range(HASH_SIDE):
        for col in range(HASH_SIDE):
            left = across[row * (HASH_SIDE + 1) + col]
            bits = bits << 1 | (left < across[row * (HASH_SIDE + 1) + col + 1])
    for row in range(HASH_SIDE):
        for col in range(HASH_SIDE):
            bits = bits << 1 | (down[row * HASH_SIDE + col] < down[(row + 1) * HASH_SIDE + col])
    return f"{bits:032x}"


def picture_distance(first: str, second: str) -> int:
    """How many of the 128 bits two picture fingerprints differ in."""
    return (int(first, 16) ^ int(second, 16)).bit_count()


def is_recognisable_picture(picture_hash: str) -> bool:
    """Whether a fingerprint says enough to recognise the picture. A plain or evenly shaded picture (a flat
    colour, a gradient) hashes to nearly all zeros or all ones, like every other plain picture: blocking it
    would refuse them all."""
    ones = int(picture_hash, 16).bit_count()
    return PICTURE_MATCH_BITS < ones < 2 * HASH_SIDE * HASH_SIDE - PICTURE_MATCH_BITS


def matching_pictures(picture: PILImage.Image) -> list[TakedownFingerprint]:
    """The fingerprints in force that this picture matches, closest first."""
    candidate = picture_fingerprint(picture)
    found = []
    for fingerprint in (
        TakedownFingerprint.objects.blocking()
        .filter(kind=Kind.PICTURE)
        .select_related("measure__item__complaint")
        .order_by("created_at", "pk")
    ):
        if not is_recognisable_picture(fingerprint.picture_hash):
            continue
        distance = picture_distance(candidate, fingerprint.picture_hash)
        if distance <= PICTURE_MATCH_BITS:
            found.append((distance, fingerprint))
    return [fingerprint for _, fingerprint in sorted(found, key=lambda pair: pair[0])]


def refuse_removed_picture(picture: PILImage.Image) -> None:
    """Refuse an upload that is a picture removed after a copyright complaint (an IMAGE_UPLOAD_CHECKS check).

    Raises ValidationError naming the complaint; a copyright officer can release the picture.
    """
    matches = matching_pictures(picture)
    if not matches:
        return
    references = _references(matches)
    raise ValidationError(
        f"This picture was removed after copyright complaint {references}, and this file is the same picture "
        "(re-encoded, resized or converted). It cannot be used again unless a copyright officer releases it "
        "(Newsroom › Takedown fingerprints).",
        code="taken_down",
    )


def _original_picture(measure: Measure) -> PILImage.Image | None:
    """The removed picture's original file, read from the private copy a removal keeps. A measure that joined
    an earlier removal of the same picture has no files of its own: the measure in force that has them does."""
    holders = [measure] + list(
        Measure.objects.filter(item__image_id=measure.item.image_id, kind=Measure.Kind.REMOVE_IMAGE, reversed_at=None)
        .exclude(pk=measure.pk)
        .order_by("applied_at", "pk")
    )
    for holder in holders:
        for entry in holder.snapshot.get("files", []):
            if entry.get("model") == "image" and entry.get("private"):
                try:
                    with private_storage().open(entry["private"], "rb") as handle, PILImage.open(handle) as picture:
                        picture.load()
                        return picture.copy()
                except (OSError, SyntaxError, ValueError) as error:
                    logger.warning("Cannot fingerprint %s: %s", entry["private"], error)
    return None


# --- passages -----------------------------------------------------------------------------------------------


def _tokens(text: str) -> list[str]:
    """The words of a text or HTML fragment, normalised: tags dropped, entities decoded, Unicode compatibility
    forms folded (full-width letters), case folded, punctuation ignored. A run of CJK characters gives its
    overlapping pairs of characters (a single character stands alone)."""
    plain = html.unescape(_TAG.sub(" ", text))
    plain = unicodedata.normalize("NFKC", plain).casefold()
    tokens: list[str] = []
    for word in _WORD.findall(plain):
        for part in _CJK_OR_NOT.findall(word):
            if _IS_CJK.match(part):
                tokens.extend([part] if len(part) == 1 else [part[i : i + 2] for i in range(len(part) - 1)])
            else:
                tokens.append(part)
    return tokens


def _shingle_hashes(tokens: list[str]) -> set[str]:
    size = min(SHINGLE_SIZE, len(tokens))
    return {
        hashlib.blake2b("\x1f".join(tokens[i : i + size]).encode(), digest_size=8).hexdigest()
        for i in range(len(tokens) - size + 1)
    }


def passage_shingles(passage: str) -> list[str]:
    """The fingerprint of a removed passage (text or HTML): the sorted hashes of its overlapping runs of four
    words. Empty when the passage is too short to tell from ordinary writing (fewer than six words, or about
    twelve CJK characters)."""
    tokens = _tokens(passage)
    words = sum(0.5 if _IS_CJK.match(token) else 1 for token in tokens)
    if words < MIN_PASSAGE_WORDS:
        return []
    return sorted(_shingle_hashes(tokens))


def _contains_passage(text_shingles: set[str], fingerprint: TakedownFingerprint) -> bool:
    passage = set(fingerprint.shingles)
    return bool(passage) and len(passage & text_shingles) >= PASSAGE_MATCH_SHARE * len(passage)


def refused_passage(body_html: str, *, article: Article | None = None) -> str | None:
    """The message for an editor whose article text contains a passage removed by a copyright correction
    (naming the complaint), or None when the text may be saved.

    The passage is found through light edits (a changed word, other punctuation or spacing, HTML). With
    `article`, a passage its saved text already held is not held against it: the rule is about pasting a
    removed passage in, and the article a correction took it from no longer holds it.
    """
    text_shingles = _shingle_hashes(_tokens(body_html or ""))
    if not text_shingles:
        return None
    fingerprints = list(
        TakedownFingerprint.objects.blocking()
        .filter(kind=Kind.PASSAGE)
        .select_related("measure__item__complaint")
        .order_by("created_at", "pk")
    )
    found = [fingerprint for fingerprint in fingerprints if _contains_passage(text_shingles, fingerprint)]
    if found and article is not None and article.pk is not None:
        saved = Article.objects.filter(pk=article.pk).values_list("body", flat=True).first() or ""
        saved_shingles = _shingle_hashes(_tokens(saved))
        found = [fingerprint for fingerprint in found if not _contains_passage(saved_shingles, fingerprint)]
    if not found:
        return None
    excerpts = "; ".join(f"“{fingerprint.excerpt}”" for fingerprint in found)
    return (
        f"This text contains a passage removed after copyright complaint {_references(found)}: {excerpts}. "
        "Take it out, or ask a copyright officer to release it (Newsroom › Takedown fingerprints)."
    )


# --- recording, lifting and releasing -----------------------------------------------------------------------


def takedown_record(*, measure: Measure) -> TakedownFingerprint | None:
    """Keep the fingerprint of what `measure` took down: the picture it removed, or the passage a correction
    took out. Call inside the measure's transaction. None for a measure that takes nothing down (withholding an
    article, a correction that only adds a credit) or a picture whose kept file cannot be read."""
    item = measure.item
    if measure.kind == Measure.Kind.REMOVE_IMAGE:
        picture = _original_picture(measure)
        if picture is None:
            return None
        return TakedownFingerprint.objects.create(
            kind=Kind.PICTURE,
            measure=measure,
            image_id=item.image_id,
            picture_hash=picture_fingerprint(picture),
            excerpt=str(item.image)[:200] if item.image_id else "",
        )
    if measure.kind == Measure.Kind.CORRECT and measure.snapshot.get("find"):
        passage = measure.snapshot["find"]
        excerpt = " ".join(html.unescape(_TAG.sub(" ", passage)).split())
        return TakedownFingerprint.objects.create(
            kind=Kind.PASSAGE,
            measure=measure,
            article_id=item.article_id,
            shingles=passage_shingles(passage),
            excerpt=excerpt if len(excerpt) <= 200 else excerpt[:199] + "…",
        )
    return None


def takedowns_fingerprint_missing() -> tuple[int, int]:
    """Fingerprint the measures in force that have none: pictures removed and passages corrected before
    fingerprints were kept. Returns (fingerprinted, could not be: a picture whose kept file is unreadable, or
    a correction that takes nothing out). Each is recorded in its complaint's audit trail. Safe to run twice,
    and beside officers at work: each measure is locked and looked at again (still in force, still without a
    fingerprint) before it is fingerprinted."""
    kinds = [Measure.Kind.REMOVE_IMAGE, Measure.Kind.CORRECT]
    missing = Measure.objects.filter(reversed_at__isnull=True, kind__in=kinds, fingerprint__isnull=True)
    made = skipped = 0
    for pk in missing.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            locked = (
                Measure.objects.select_for_update(of=("self",))
                .select_related("item__complaint", "item__image")
                .filter(pk=pk, reversed_at__isnull=True, fingerprint__isnull=True)
                .first()
            )
            if locked is None:
                continue
            fingerprint = takedown_record(measure=locked)
            if fingerprint is None:
                skipped += 1
                continue
            made += 1
            AuditEvent.record(
                actor=None,
                subject=locked.item.complaint,
                action="complaint.takedown_fingerprinted",
                note="Fingerprinted afterwards (manage.py takedown_fingerprints): taken down before fingerprints.",
                details={"fingerprint": fingerprint.pk, "kind": fingerprint.kind, "measure": locked.pk},
            )
    return made, skipped


def takedown_lift(*, measure: Measure, by) -> int:
    """The measure was reversed, so what it took down may be used again: end its fingerprint. Call inside the
    reversal's transaction. (A picture still removed by another complaint stays blocked by that one's.)"""
    return (
        TakedownFingerprint.objects.blocking()
        .filter(measure=measure)
        .update(
            released_at=timezone.now(),
            released_by=by if getattr(by, "is_authenticated", False) else None,
            release_reason=TakedownFingerprint.Release.MEASURE_REVERSED,
        )
    )


def takedown_release(*, fingerprint: TakedownFingerprint, by, note: str) -> TakedownFingerprint:
    """A copyright officer lets a removed picture or passage be used again (a licence was obtained, the
    complaint was withdrawn...), with the reason, recorded in the complaint's audit trail. The measure itself
    stays as it is: the content it took down is not put back."""
    require_officer(by, "release a removed picture or passage")
    note = (note or "").strip()
    if not note:
        raise ComplaintError("Say why this picture or passage may be used again.")
    if len(note) > 5000:
        raise ComplaintError("The reason is too long: at most 5,000 characters.")
    with transaction.atomic():
        locked = (
            TakedownFingerprint.objects.select_for_update(of=("self",))
            .select_related("measure__item__complaint")
            .get(pk=fingerprint.pk)
        )
        if not locked.blocking:
            raise ComplaintStateError(
                f"This fingerprint no longer blocks anything ({locked.get_release_reason_display().lower()})."
            )
        locked.released_at = timezone.now()
        locked.released_by = by
        locked.release_reason = TakedownFingerprint.Release.OFFICER
        locked.release_note = note
        locked.save(update_fields=["released_at", "released_by", "release_reason", "release_note"])
        AuditEvent.record(
            actor=by,
            subject=locked.measure.item.complaint,
            action="complaint.takedown_released",
            note=note,
            details={
                "fingerprint": locked.pk,
                "kind": locked.kind,
                "measure": locked.measure_id,
                "image": locked.image_id,
                "article": locked.article_id,
            },
        )
    fingerprint.released_at, fingerprint.released_by = locked.released_at, locked.released_by
    fingerprint.release_reason, fingerprint.release_note = locked.release_reason, locked.release_note
    return locked


def _references(fingerprints: list[TakedownFingerprint]) -> str:
    return ", ".join(dict.fromkeys(fingerprint.reference for fingerprint in fingerprints))
