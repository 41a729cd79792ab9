"""A bound on the files one public request may carry, enforced while the request is read (issue 12, point 3).

Django reads a multipart form the first time anything asks for `request.POST` or `request.FILES`, which a
middleware does before any view runs (config.middleware checks every field), spooling each file larger
than FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file. A view cannot bound that, so this handler is the first
of FILE_UPLOAD_HANDLERS: outside the admin, once the files of a request pass
COMPLAINT_UPLOAD_MAX_REQUEST_BYTES (or its declared length already does), every further file is skipped
unread and unwritten. The text fields are still read, so the form comes back with what the person typed
and `upload_refused()` lets the view say why the files were not taken.
"""

from __future__ import annotations

from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest
from django.urls import Resolver404, resolve


def _applies(request: HttpRequest) -> bool:
    """Everywhere but the admin, whose staff upload pictures under IMAGE_MAX_UPLOAD_BYTES."""
    try:
        return "admin" not in resolve(request.path_info).namespaces
    except Resolver404:
        return True


class RequestUploadLimit(FileUploadHandler):
    """Skip every file of a public request once its files total more than COMPLAINT_UPLOAD_MAX_REQUEST_BYTES."""

    def __init__(self, request: HttpRequest | None = None):
        from .models.complaints import evidence_limits

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
