"""The fallback page cache: whole public pages on Django's cache framework, for a site without an edge.

With Varnish (or a CDN) in front, the edge keeps the pages (articles/edge.py, docs/deploy.md). Without one
(`make run`, a small site on one machine) this middleware keeps them in the shared cache instead, by the
same rule: only what `edge.shareable()` allows (a page its view tagged, for an anonymous GET or HEAD, that
read no session, used no CSRF token, set no cookie, and had no query parameter the view does not read).

Every page is stored with the content version read before it was rendered (articles/models/content.py);
any change a reader could see moves that version after it commits, so every stored page is retired at
once, and a page rendered while an edit committed is never served. A page is kept at most
PAGE_CACHE_SECONDS (0 switches the cache off; default 300 without an edge, 0 with one) and never past the
next scheduled publication. One cache round trip per hit, no threads, nothing held in the process.
`X-Page-Cache` says hit, miss (rendered; kept when it may be) or bypass (a request that may not use it).
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterable
from functools import wraps
from typing import NamedTuple
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date_safe

from . import edge

logger = logging.getLogger(__name__)

HEADER = "X-Page-Cache"
PAGE_PREFIX = "pagecache:page:4:"  # 4: the Entry format
MAX_HEADER_VALUE = 40
# Paths that are never public pages: not worth a cache lookup.
NEVER = ("/admin/", "/preview/")


class Entry(NamedTuple):
    version: int  # the content version read before the page was rendered
    expires: float  # time.time() after which it is not served
    status: int
    headers: tuple[tuple[str, str], ...]
    content: bytes
    etag: str | None
    last_modified: int | None


def page_cache_seconds() -> int:
    return settings.PAGE_CACHE_SECONDS


def page_key(request: HttpRequest) -> str | None:
    """The cache key of the page this request asks for, or None when it must not use the page cache."""
    if not edge.anonymous_request(request) or request.path.startswith(NEVER):
        return None
    kept = sorted(
        (name, value)
        for name, values in request.GET.lists()
        if not (name in edge.TRACKING_PARAMS or name.startswith(edge.TRACKING_PREFIXES))
        for value in values
    )
    fragment = request.headers.get("X-Fragment", "")
    if len(fragment) > MAX_HEADER_VALUE:
        return None
    material = "\n".join([request.scheme, request.get_host(), request.path, urlencode(kept), fragment])
    return PAGE_PREFIX + hashlib.blake2b(material.encode("utf-8", "surrogatepass"), digest_size=20).hexdigest()


class PageCacheMiddleware:
    """Serve shareable pages from the shared cache (see the module's docstring). After SessionMiddleware
    (it reads whether the session was touched) and before the middleware that add headers to a fresh page
    (CSP, X-Frame-Options): a stored page keeps the headers it was sent with."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        seconds = page_cache_seconds()
        key = page_key(request) if seconds > 0 else None
        if key is None:
            response = self.get_response(request)
            if seconds > 0:
                response.headers[HEADER] = "bypass"
            return response
        from .models import CONTENT_VERSION_KEY, content_version

        try:
            found = cache.get_many([CONTENT_VERSION_KEY, key])
            version = found.get(CONTENT_VERSION_KEY)
            entry = found.get(key)
            if version is None:
                version = content_version()
        except Exception:
            logger.warning("page cache: cache unavailable", exc_info=True)
            return self.get_response(request)
        if isinstance(entry, Entry) and entry.version == version and time.time() < entry.expires:
            return respond(request, entry)
        response = self.get_response(request)
        response.headers[HEADER] = "miss"
        if request.method == "GET" and response.status_code == 200 and edge.shareable(request, response):
            if getattr(response, "is_rendered", True):
                store(request, key, version, seconds, response)
            else:
                response.add_post_render_callback(lambda r: store(request, key, version, seconds, r))
        return response


def respond(request: HttpRequest, entry: Entry) -> HttpResponse:
    response = get_conditional_response(request, etag=entry.etag, last_modified=entry.last_modified)
    if response is None:
        response = HttpResponse(entry.content, status=entry.status)
        for name, value in entry.headers:
            response.headers[name] = value
    else:
        for name, value in entry.headers:
            if name.lower() in ("etag", "last-modified", "cache-control", "vary"):
                response.headers[name] = value
    response.headers[HEADER] = "hit"
    return response


def store(request: HttpRequest, key: str, version: int, seconds: int, response: HttpResponse) -> None:
    from .models import content_state

    try:
        lifetime = min(seconds, edge.shared_seconds(response, content_state().next_due))
        if lifetime <= 0:
            return
        last_modified = response.get("Last-Modified")
        entry = Entry(
            version=version,
            expires=time.time() + lifetime,
            status=response.status_code,
            headers=tuple((name, value) for name, value in response.items() if name.lower() != HEADER.lower()),
            content=response.content,
            etag=response.get("ETag"),
            last_modified=parse_http_date_safe(last_modified) if last_modified else None,
        )
        cache.set(key, entry, lifetime)
    except Exception:
        logger.warning("page cache: could not store a page", exc_info=True)


# --- For views that do not name their keys themselves yet (articles/views.py) ---


def article(pk: int) -> str:
    return edge.article_key(pk)


def shows(request: HttpRequest, *keys: str) -> None:
    edge.tag(request, *keys)


def shows_articles(request: HttpRequest, articles: Iterable) -> None:
    edge.tag(request, *(edge.article_key(a.pk) for a in articles))


def cached_page(
    view: Callable | None = None, *, params: Iterable[str] = (), listing: bool = True
) -> Callable[..., HttpResponse]:
    """Declare what a reader view shows and reads: LISTINGS for a listing (an article page tags its own
    articles with `shows`), and the query parameters it reads (`edge.reads`). Caching itself is done by
    PageCacheMiddleware and the edge."""
    params = tuple(params)

    def decorator(view):
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            edge.reads(request, *params)
            edge.tag(request, edge.SITE, *([edge.LISTINGS] if listing else []))
            return view(request, *args, **kwargs)

        return wrapped

    return decorator(view) if view is not None else decorator
