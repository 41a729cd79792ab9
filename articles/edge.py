"""The edge cache's vocabulary: surrogate keys naming what a page shows (issue 13).

A public page for anonymous readers is tagged with the keys of everything it shows (`tag`); when one of
those things changes, exactly the pages tagged with its key are purged from the edge (Varnish's `xkey`, a
CDN's `Surrogate-Key`). Views only name keys with the builders below; how the headers are written and how
purges reach the edge live further down this module and in the VCL (config/varnish/default.vcl).
"""

from __future__ import annotations

import logging
import math
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csp import get_nonce
from django.tasks import task_backends
from django.utils import timezone
from django.utils.cache import patch_cache_control

logger = logging.getLogger(__name__)

# Every listing of articles: home, archive, section, tag, editor and initiative pages, search, feeds and
# sitemaps. Purged when an article joins or leaves what readers may see.
LISTINGS = "listings"
# Things every page shows (the sections in the navigation, the footer).
SITE = "site"


def article_key(pk: int) -> str:
    return f"article-{pk}"


def section_key(pk: int) -> str:
    return f"section-{pk}"


def initiative_key(pk: int) -> str:
    return f"initiative-{pk}"


def tag_key(pk: int) -> str:
    return f"tag-{pk}"


def editor_key(pk: int) -> str:
    return f"editor-{pk}"


def image_key(pk: int) -> str:
    return f"image-{pk}"


def tag(request: HttpRequest, *keys: str) -> None:
    """Say that the response to `request` shows the things named by `keys` (call as often as needed)."""
    shown = getattr(request, "surrogate_keys", None)
    if shown is None:
        shown = request.surrogate_keys = set()
    shown.update(keys)


def keys_of(request: HttpRequest) -> set[str]:
    """The keys a view named for its response (empty when it named none)."""
    return set(getattr(request, "surrogate_keys", ()))


# --- Which answers may be shared, and the headers that say so ---

# Query parameters that only tell analytics where a reader came from: no view reads them (the VCL strips
# them too). Any other parameter a view did not declare with `reads()` makes the answer unshared: an
# address nobody links to must not fill a cache.
TRACKING_PARAMS = frozenset({"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "ref"})
TRACKING_PREFIXES = ("utm_",)
# Request headers a shared answer may vary on besides its address (public views answer X-Fragment:
# recommended with a fragment of the page).
VARY_ON = frozenset({"x-fragment"})
# Errors a view may tag: kept briefly, and purged with the article's key when it comes (back) to readers.
ERROR_STATUSES = frozenset({404, 410, 451})
# An old address's permanent redirect (articles/http.py, `moved_response`): kept like a page, and purged with
# the key of the object it leads to when that object changes.
REDIRECT_STATUSES = frozenset({301})


def reads(request: HttpRequest, *params: str) -> None:
    """Say that the view answering `request` reads these query parameters (page, q...)."""
    known = getattr(request, "surrogate_params", None)
    if known is None:
        known = request.surrogate_params = set()
    known.update(params)


def known_query(request: HttpRequest) -> bool:
    """Whether every query parameter is one the view reads (`reads`) or a tracking one."""
    known = getattr(request, "surrogate_params", ())
    return all(name in known or name in TRACKING_PARAMS or name.startswith(TRACKING_PREFIXES) for name in request.GET)


def anonymous_request(request: HttpRequest) -> bool:
    """A safe request that carries no session and no credentials: it may be answered from a shared cache."""
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "authorization" not in request.headers
    )


def shareable(request: HttpRequest, response: HttpResponse) -> bool:
    """Whether `response` is the same for every anonymous reader and may be stored by a shared cache.

    The one rule behind both the edge's headers and the fallback page cache (articles/cache.py): the view
    tagged what the page shows, and nothing personal went into it (no session read or written, no CSRF
    token, no cookie, no CSP nonce, no Vary beyond X-Fragment, nothing private).
    """
    if not anonymous_request(request) or not keys_of(request) or not known_query(request):
        return False
    if response.status_code != 200 and response.status_code not in ERROR_STATUSES | REDIRECT_STATUSES:
        return False
    if response.status_code != 200 and not keys_of(request) - {SITE}:
        return False  # an error or a redirect kept at the edge must be purged when its object changes: its key
    if response.streaming or response.cookies:
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if "private" in cache_control or "no-store" in cache_control or "no-cache" in cache_control:
        return False
    vary = {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}
    if vary - VARY_ON:  # Vary: Cookie is what Django adds when a session or a CSRF token was used
        return False
    session = getattr(request, "session", None)
    if session is not None and (session.accessed or session.modified):
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):  # get_token() was called: a CSRF token is in the page
        return False
    # A CSP nonce in the page would be replayed to every reader (LazyNonce is true once generated).
    return not get_nonce(request)


def shared_seconds(response: HttpResponse, next_due: datetime | None) -> int:
    """How long a shared cache may keep `response`: EDGE_CACHE_SECONDS for a page or a redirect
    (EDGE_ERROR_SECONDS for a tagged 404/410/451), never past the next scheduled publication, when the site
    changes by itself."""
    seconds = settings.EDGE_CACHE_SECONDS if response.status_code in (200, 301) else settings.EDGE_ERROR_SECONDS
    if next_due is not None:
        seconds = min(seconds, max(0, math.floor((next_due - timezone.now()).total_seconds())))
    return seconds


def edge_configured() -> bool:
    return bool(settings.EDGE_PURGE_URLS)


class EdgeHeadersMiddleware:
    """Tell the edge (and any CDN) what it may keep: `Cache-Control: public, s-maxage` and the page's
    surrogate keys (`xkey`, `Surrogate-Key`) on shareable answers, `private, no-store` on other pages.

    With an edge configured, an answer rendered while the content version moved (an edit committed
    meanwhile) is not offered to the edge: the purge after that commit may already have passed it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        watch = edge_configured() and anonymous_request(request)
        before = _version_or_none() if watch else None
        response = self.get_response(request)
        if response.status_code == 304:
            return response  # a browser's revalidation: its headers are the page's
        unchanged = not watch or (before is not None and _version_or_none() == before)
        if unchanged and shareable(request, response):
            keys = " ".join(sorted(keys_of(request) | {SITE}))
            seconds = shared_seconds(response, _next_due(request))
            patch_cache_control(response, public=True, s_maxage=seconds)
            if "max-age" not in response.get("Cache-Control", ""):
                patch_cache_control(response, max_age=0, must_revalidate=True)
            response.headers["xkey"] = keys
            response.headers["Surrogate-Key"] = keys
        elif request.method in ("GET", "HEAD"):
            cache_control = response.get("Cache-Control", "").lower()
            if "no-store" not in cache_control:
                response.headers["Cache-Control"] = "private, no-store"
        return response


def _next_due(request: HttpRequest) -> datetime | None:
    from .models import content_state

    state = getattr(request, "content_state", None) or content_state()  # public views keep the one they read
    return state.next_due


def _version_or_none() -> int | None:
    from .models import content_version

    try:
        return content_version()
    except Exception:  # the cache is away: nothing can be compared, nothing is offered to the edge
        logger.warning("edge: content version unavailable", exc_info=True)
        return None


# --- Purges ---


def purge_after_commit(keys: Iterable[str]) -> None:
    """Purge `keys` from every edge (EDGE_PURGE_URLS) once the current transaction commits; nothing when no
    edge is configured.

    With the database task backend the purge task is enqueued at once, inside the transaction: its row
    commits with the change or not at all, and a worker only sees it after the commit. Other backends
    (the immediate one in development and tests) get it on commit.
    """
    if not edge_configured():
        return
    from .tasks import purge_edge

    keys = sorted(set(keys))
    if task_backends[purge_edge.backend].supports_defer:
        enqueue_purge(keys)
    else:
        transaction.on_commit(lambda: enqueue_purge(keys))


def enqueue_purge(keys: list[str]) -> None:
    from .tasks import purge_edge

    deadline = time.time() + settings.EDGE_CACHE_SECONDS + EDGE_GRACE_SECONDS
    purge_edge.enqueue(keys, deadline=deadline)


# Varnish may serve an expired object this long while it fetches a fresh one (config/varnish/default.vcl).
EDGE_GRACE_SECONDS = 5


def send_purge(url: str, keys: Iterable[str], *, timeout: float = 2.0) -> None:
    """One PURGE of `keys` at one edge (Varnish's xkey: the `xkey-purge` header, keys space-separated).

    Raises OSError (URLError, a timeout, a refused connection) or PurgeRefused on anything but a 2xx.
    """
    if urlsplit(url).scheme not in ("http", "https"):
        raise PurgeRefused(f"EDGE_PURGE_URLS: {url!r} is not an http:// or https:// address")
    request = urllib.request.Request(url, method="PURGE", headers={"xkey-purge": " ".join(keys)})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310 - the scheme is checked above
            status = answer.status
    except urllib.error.HTTPError as error:
        status = error.code
    if not 200 <= status < 300:
        raise PurgeRefused(f"{url} answered {status} to a purge of {' '.join(keys)}")


class PurgeRefused(Exception):
    pass
