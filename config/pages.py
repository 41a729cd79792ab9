"""Pages that must render when the database cannot: the 503 during an outage, the login lockout, and the
400 for a request carrying characters the database cannot store.

They are built here from escaped strings, not from templates that might pull in context processors, the
session or a query.
"""

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.utils.html import format_html

logger = logging.getLogger("masthead.availability")

RETRY_AFTER_SECONDS = 10


def _stylesheet() -> str:
    try:
        return static("css/site.css")
    except ValueError:  # no collectstatic manifest yet: the page still renders, unstyled
        return ""


def _page(*, title: str, heading: str, paragraphs: list[str], status: int) -> HttpResponse:
    body = format_html(
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<title>{} — {}</title><link rel="stylesheet" href="{}"></head>'
        '<body><main id="main" class="notice"><h1>{}</h1>{}</main></body></html>',
        title,
        settings.SITE_NAME,
        _stylesheet(),
        heading,
        format_html("".join("<p>{}</p>" for _ in paragraphs), *paragraphs),
    )
    response = HttpResponse(body, status=status, content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


def database_unavailable_response(request: HttpRequest, exception: BaseException) -> HttpResponse:
    logger.warning("Database unavailable for %s %s: %s", request.method, request.path, exception)
    paragraphs = ["The site is briefly unavailable while its database restarts. Please try again in a few seconds."]
    if request.method == "POST":
        paragraphs.append("What you sent was not saved. Nothing was half-recorded: please submit it again.")
    response = _page(
        title="Temporarily unavailable", heading="Temporarily unavailable", paragraphs=paragraphs, status=503
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a database outage raised outside a view (e.g. in middleware) still gets the 503 page."""
    exception = sys.exc_info()[1]
    if isinstance(exception, OperationalError | InterfaceError):
        return database_unavailable_response(request, exception)
    return _page(
        title="Server error",
        heading="Something went wrong",
        paragraphs=["The error has been logged. Please try again later."],
        status=500,
    )


def login_locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' lockout page (AXES_LOCKOUT_CALLABLE): says what happened and what to do."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return _page(
        title="Sign-in locked",
        heading="Too many failed sign-in attempts",
        paragraphs=[
            f"Sign-in for this account from your address is locked for {minutes} minutes after "
            f"{settings.AXES_FAILURE_LIMIT} failed attempts.",
            "Try again later, or ask a chief editor to unlock it (Axes › Access attempts in the back office).",
        ],
        status=429,
    )


# The 400 below is sent by a middleware that runs before Django's CSP and frame-options middleware, so it
# carries its own headers: a policy for a page that loads one stylesheet and nothing else.
BAD_CHARACTERS_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)


def bad_characters_response(request: HttpRequest) -> HttpResponse:
    """The 400 for an address, form or header holding a NUL or another character text cannot hold.

    It never echoes what was sent (that is the part we cannot handle) and is never cached: the same address
    without the character is a different, valid request.
    """
    paragraphs = [
        "The address, form or file name you sent contains a character we cannot accept (for example a null "
        "character, which a damaged link or a copied control code can carry).",
        "Remove it and try again.",
    ]
    if request.method == "POST":
        paragraphs.append("Nothing you sent was saved.")
    response = _page(title="Bad request", heading="We couldn’t read that request", paragraphs=paragraphs, status=400)
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = BAD_CHARACTERS_CSP
    response["X-Frame-Options"] = "DENY"
    return response


def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, which a browser asks for on pages that name no icon (the back office's): the site's."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))
