"""Evidence files: what the public may send (how many, how large, which kinds), checked by content, and the
bound on one request's files that is enforced while the request is read (FILE_UPLOAD_HANDLERS).

Django reads a multipart form the first time anything asks for `request.POST` or `request.FILES`, which a
middleware does before any view runs, spooling large files to disk. A view cannot bound that, so
`RequestUploadLimit` is the first upload handler: outside the admin, once the files of a request pass
COMPLAINT_UPLOAD_MAX_REQUEST_BYTES every further file is skipped unread, and `upload_refused()` lets the view
say why. `evidence_refusal` is the one rule for how much evidence a complaint may hold.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import warnings
from dataclasses import dataclass
from typing import IO

from django import forms
from django.conf import settings
from django.core.files import File
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.db import transaction
from django.db.models import Sum
from django.http import HttpRequest
from django.urls import Resolver404, resolve
from PIL import Image as PILImage

from editorial.models import Complaint, Evidence

from .states import ComplaintError
from .states import ComplaintStatus as S

# --- limits on what the public may send ----------------------------------------------------------------------


class EvidenceLimitError(ComplaintError):
    """The files would take a complaint's evidence past what it may hold. The message says how much fits."""


@dataclass(frozen=True)
class EvidenceLimits:
    """How much evidence the public may send (issue 12, point 3), from the COMPLAINT_EVIDENCE_* settings."""

    files: int  # files in one sending
    file_bytes: int  # one file
    request_bytes: int  # all files in one request, refused while it is read (RequestUploadLimit below)
    unconfirmed_bytes: int  # one complaint, until its email is confirmed
    complaint_bytes: int  # one complaint, in all, whenever sent
    unconfirmed_site_bytes: int  # every unconfirmed complaint together


def evidence_limits() -> EvidenceLimits:
    mb = 1024 * 1024
    return EvidenceLimits(
        files=getattr(settings, "COMPLAINT_EVIDENCE_MAX_FILES", 10),
        file_bytes=getattr(settings, "COMPLAINT_EVIDENCE_MAX_BYTES", 10 * mb),
        request_bytes=getattr(settings, "COMPLAINT_UPLOAD_MAX_REQUEST_BYTES", 20 * mb),
        unconfirmed_bytes=getattr(settings, "COMPLAINT_EVIDENCE_UNCONFIRMED_MAX_BYTES", 10 * mb),
        complaint_bytes=getattr(settings, "COMPLAINT_EVIDENCE_COMPLAINT_MAX_BYTES", 50 * mb),
        unconfirmed_site_bytes=getattr(settings, "COMPLAINT_EVIDENCE_UNCONFIRMED_SITE_MAX_BYTES", 2048 * mb),
    )


def megabytes(size: int) -> str:
    """A size for people: "10 MB", "2.5 MB", "0.1 MB"."""
    return f"{size / 1_048_576:.1f}".removesuffix(".0") + " MB"


def evidence_refusal(complaint: Complaint, sizes: list[int]) -> str:
    """Why new files of these sizes (bytes) cannot be added to this complaint; "" when they can.

    The one rule for how much evidence anyone may store (issue 12, point 3): until the email is confirmed,
    COMPLAINT_EVIDENCE_UNCONFIRMED_MAX_BYTES per complaint and COMPLAINT_EVIDENCE_UNCONFIRMED_SITE_MAX_BYTES
    for all unconfirmed complaints together (so many anonymous filings cannot fill the disk either);
    afterwards COMPLAINT_EVIDENCE_COMPLAINT_MAX_BYTES per complaint, counting what it already holds.
    """
    adding = sum(sizes)
    if not adding:
        return ""
    limits = evidence_limits()
    held = (complaint.evidence.aggregate(total=Sum("size"))["total"] or 0) if complaint.pk else 0
    if complaint.status == S.UNVERIFIED:
        bound = min(limits.unconfirmed_bytes, limits.complaint_bytes)
        if held + adding > bound:
            return (
                f"Files sent before you confirm your email may total at most {megabytes(bound)}; yours total "
                f"{megabytes(held + adding)}. Send fewer now: once you have confirmed, you can add the rest "
                f"on your complaint's page (up to {megabytes(limits.complaint_bytes)} in all)."
            )
        waiting = Evidence.objects.filter(complaint__status=S.UNVERIFIED, purged_at__isnull=True)
        if (waiting.aggregate(total=Sum("size"))["total"] or 0) + adding > limits.unconfirmed_site_bytes:
            return (
                "We cannot take files with unconfirmed complaints just now. Send the complaint without them: "
                "once you have confirmed your email, you can add them on your complaint's page."
            )
        return ""
    if held + adding > limits.complaint_bytes:
        room = max(0, limits.complaint_bytes - held)
        return (
            f"A complaint's files may total at most {megabytes(limits.complaint_bytes)}. This one holds "
            f"{megabytes(held)} already, so {megabytes(room)} more can be added; these files total "
            f"{megabytes(adding)}."
        )
    return ""


def check_evidence_room(complaint: Complaint, uploads: list) -> None:
    """Raise EvidenceLimitError when these checked uploads would take this complaint's evidence past what
    it may hold (see `evidence_refusal`). Call under the complaint's row lock, or before it is saved."""
    refusal = evidence_refusal(complaint, [upload.size for upload in uploads])
    if refusal:
        raise EvidenceLimitError(refusal)


def purge_evidence_after_commit(complaint: Complaint) -> None:
    # After commit: a rolled-back expiry must not have lost the files.
    pk = complaint.pk
    transaction.on_commit(lambda: Evidence.objects.filter(complaint_id=pk).purge(), robust=True)


# --- evidence files -----------------------------------------------------------------------------------------

_IMAGE_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}
ACCEPTED_EVIDENCE = "PDF, PNG, JPEG, WebP or plain text"
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class CheckedFile:
    """An uploaded evidence file that passed the checks: the file (the upload itself, never read whole; or
    bytes), the type read from its content, its size and SHA-256 (worked out here for bytes)."""

    name: str
    content: File | bytes
    content_type: str
    size: int = 0
    sha256: str = ""

    def __post_init__(self):
        if isinstance(self.content, bytes):
            object.__setattr__(self, "size", len(self.content))
            object.__setattr__(self, "sha256", hashlib.sha256(self.content).hexdigest())


def evidence_max_files() -> int:
    return evidence_limits().files


def evidence_max_bytes() -> int:
    return evidence_limits().file_bytes


def _chunks(stream: IO[bytes]):
    stream.seek(0)
    while chunk := stream.read(_CHUNK):
        yield chunk


def sniff_evidence(content: bytes | IO[bytes]) -> str | None:
    """The type of a file read from its content: a PDF, an image Pillow recognises, or UTF-8 text without NULs.
    None for anything else, whatever the file's name says. Reads a file in chunks, never whole."""
    stream = io.BytesIO(content) if isinstance(content, bytes) else content
    stream.seek(0)
    head = stream.read(16)
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        stream.seek(0)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", PILImage.DecompressionBombWarning)
                with PILImage.open(stream) as img:
                    fmt = img.format
                    img.verify()
        except Exception:  # Pillow raises many kinds for a damaged or hostile file
            return None
        return _IMAGE_TYPES.get(fmt)
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for chunk in _chunks(stream):
            if b"\x00" in chunk:
                return None
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return None
    return "text/plain"


def _sha256(upload: File) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    return digest.hexdigest()


def evidence_help(*, public: bool) -> str:
    """The limits in words, from the settings that enforce them."""
    limits = evidence_limits()
    each = f"up to {limits.files} files of {megabytes(limits.file_bytes)} each"
    if public:
        return (
            f"{ACCEPTED_EVIDENCE}; {each}, {megabytes(min(limits.unconfirmed_bytes, limits.request_bytes))} in "
            "all until you confirm your email. Afterwards you can add more on your complaint's page, up to "
            f"{megabytes(limits.complaint_bytes)} in all. Kept privately for our officers; never published."
        )
    return (
        f"{ACCEPTED_EVIDENCE}; {each}, {megabytes(limits.request_bytes)} at a time and "
        f"{megabytes(limits.complaint_bytes)} in all for the complaint."
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Several files at once, each checked by content and size; the count is limited too.

    Files are read in chunks to check and hash them, and stored by the storage from the upload itself, so a
    worker never holds a whole file in memory (issue 12, point 3).
    """

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault(
            "accept", ".pdf,.png,.jpg,.jpeg,.webp,.txt,application/pdf,image/png,image/jpeg,image/webp,text/plain"
        )

    def clean(self, data, initial=None):
        uploads = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not uploads:
            return []
        if len(uploads) > evidence_max_files():
            raise forms.ValidationError(
                f"You can attach at most {evidence_max_files()} files; you chose {len(uploads)}.", code="too_many"
            )
        checked, problems = [], []
        limit = evidence_max_bytes()
        for upload in uploads:
            name = str(getattr(upload, "name", "") or "file")[:200]
            size = getattr(upload, "size", None)
            if size is None or not hasattr(upload, "chunks"):
                problems.append(f"“{name}” could not be read; please choose it again.")
                continue
            if size == 0:
                problems.append(f"“{name}” is empty.")
                continue
            if size > limit:
                problems.append(f"“{name}” is {size / 1_048_576:.1f} MB; each file may be at most {megabytes(limit)}.")
                continue
            content_type = sniff_evidence(upload)
            if content_type is None:
                problems.append(
                    f"“{name}” is not a {ACCEPTED_EVIDENCE} file. We check what the file contains, not its name."
                )
                continue
            checked.append(
                CheckedFile(name=name, content=upload, content_type=content_type, size=size, sha256=_sha256(upload))
            )
        if problems:
            raise forms.ValidationError(problems)
        return checked


# --- the bound on one request's files ---


def _applies(request: HttpRequest) -> bool:
    """Everywhere but the admin, whose staff upload pictures under IMAGE_MAX_UPLOAD_BYTES."""
    try:
        return "admin" not in resolve(request.path_info).namespaces
    except Resolver404:
        return True


class RequestUploadLimit(FileUploadHandler):
    """Skip every file of a public request once its files total more than COMPLAINT_UPLOAD_MAX_REQUEST_BYTES."""

    def __init__(self, request: HttpRequest | None = None):
        super().__init__(request)
        self.limit = evidence_limits().request_bytes if request is not None and _applies(request) else None
        self.received = 0
        self.refused_size: int | None = None

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if self.limit is not None and content_length > self.limit:
            self.refused_size = content_length  # known before a byte is read: skip every file
        return None

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        if self.refused_size is not None:
            raise SkipFile

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.limit is not None and self.received > self.limit:
            self.refused_size = max(self.refused_size or 0, self.received)
            raise SkipFile  # Django closes and deletes the part written so far
        return raw_data

    def file_complete(self, file_size: int):
        return None  # the next handler makes the file


def upload_refused(request: HttpRequest) -> int | None:
    """The size (bytes, at least) of this request's files if they were refused for being too large, else None.

    Call after the form has been read. Any file it still lists must be ignored: the set is incomplete."""
    for handler in request.upload_handlers:
        if isinstance(handler, RequestUploadLimit):
            return handler.refused_size
    return None
