"""Project-wide middleware: a Permissions-Policy header, read-replica routing, and a clean 503 when the
database is away.
"""

from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse

from . import routers
from .pages import database_unavailable_response


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
