"""Project-wide middleware: a Permissions-Policy header, a 400 for characters the database cannot store,
read-replica routing, and a clean 503 when the database is away.
"""

from collections.abc import Callable, Iterator

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse

from . import routers
from .pages import bad_characters_response, database_unavailable_response
from .text import has_unstorable_characters


class PermissionsPolicyMiddleware:
    """Send `Permissions-Policy` (settings.PERMISSIONS_POLICY): a news site needs no camera, microphone,
    location or payment API, so a script injected despite the CSP cannot ask for them either."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        policy = getattr(settings, "PERMISSIONS_POLICY", {})
        self.header = ", ".join(f"{feature}=({' '.join(allow)})" for feature, allow in policy.items())

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


class UnstorableCharactersMiddleware:
    """Refuse with a 400 any request whose address, query, headers or form holds a character that
    PostgreSQL cannot store (config/text.py), before any view, form or log of ours could try to save it.

    Checked: the path, every query-string key and value, the HTTP headers, and for a POSTed form
    (URL-encoded or multipart) every field name and value and every uploaded file's name and content type.
    Other bodies (JSON, XML) are left unread for the view to parse and validate. A view therefore cannot
    swap `request.upload_handlers`: configure FILE_UPLOAD_HANDLERS instead (CsrfViewMiddleware reads the
    form just as early). Issue 12, point 4.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if any(has_unstorable_characters(text) for text in submitted_text(request)):
            return bad_characters_response(request)
        return self.get_response(request)


def submitted_text(request: HttpRequest) -> Iterator[str]:
    """Every piece of text a client chose in this request (see UnstorableCharactersMiddleware)."""
    yield request.path
    yield request.path_info
    yield from request.headers.keys()
    yield from request.headers.values()
    for key, values in request.GET.lists():
        yield key
        yield from values
    # request.POST is empty without reading the body unless this is a POST of a form.
    if request.method == "POST":
        for key, values in request.POST.lists():
            yield key
            yield from values
        for key, files in request.FILES.lists():
            yield key
            for upload in files:
                yield upload.name or ""
                yield upload.content_type or ""


class ReplicaRoutingMiddleware:
    """Let the database router send this request's reads of public content to the replica.

    Only safe methods outside the back office qualify: a POST, the admin and the preview always read the
    primary, so nobody acts on data a replica has not caught up with yet. See config/routers.py.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        eligible = request.method in {"GET", "HEAD", "OPTIONS"} and not request.path_info.startswith(
            routers.PRIMARY_ONLY_PATHS
        )
        token = routers.public_reads.set(eligible)
        try:
            return self.get_response(request)
        finally:
            routers.public_reads.reset(token)


class DatabaseUnavailableMiddleware:
    """Turn a lost database connection into a short 503 page with Retry-After instead of a 500.

    During a restart or a failover the connection fails with OperationalError or InterfaceError; Django
    drops the broken connection at the end of the request (CONN_HEALTH_CHECKS), so the next request after
    the database is back succeeds without a restart of the app. A form posted meanwhile is refused whole:
    its transaction never committed. config.urls.handler500 covers the same errors raised outside views.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, OperationalError | InterfaceError):
            return database_unavailable_response(request, exception)
        return None
