"""How a public page answers HTTP: conditional GETs against the content state, the page cache and the
edge's tags for every reader page (`public_page`, `reader_view`, `reader_page`), and this site's absolute
addresses."""

from __future__ import annotations

import hashlib
from functools import wraps

from django.conf import settings
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.decorators import classonlymethod
from django.utils.http import http_date

from . import cache as page_cache
from . import edge
from .models import content_state, moved_from

# Sent by static/js/recommendations.js: answer with the recommendations block alone, not the whole page.
FRAGMENT_HEADER = "X-Fragment"


# --- HTTP caching (docs/decisions.md, reader site: "HTTP caching") ---


def public_page(view):
    """Make a public view cacheable and answer conditional GETs with 304 Not Modified.

    The ETag is the site's content state (which changes whenever anything a reader sees is saved, deleted
    or comes due) with the request's path and query; a 304 costs no rendering and at most one query.
    `no-cache`-style revalidation (max-age=0) means a cached copy is checked each time, so a page changes
    as soon as an article is published, edited or withdrawn.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        state = content_state()
        request.content_state = state  # for the view: one read of the cache per request
        edge.tag(request, edge.SITE)  # every page shows the navigation and the footer
        fragment = request.headers.get(FRAGMENT_HEADER, "")
        key = f"{state.token}|{request.get_full_path()}|{fragment}"
        etag = '"' + hashlib.blake2b(key.encode(), digest_size=12).hexdigest() + '"'
        last_modified = int(state.changed_at.timestamp())
        response = get_conditional_response(request, etag=etag, last_modified=last_modified)
        if response is None:
            try:
                response = view(request, *args, **kwargs)
            except Moved as moved:
                response = moved_response(request, moved)
        if response.status_code in (200, 304) and request.method in ("GET", "HEAD"):
            # Ours replace any the view set (feeds set their newest item's date): they are what we compare.
            response.headers["ETag"] = etag
            response.headers["Last-Modified"] = http_date(last_modified)
        patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
        patch_vary_headers(response, [FRAGMENT_HEADER])
        return response

    return wrapped


def reader_view(view=None, *, params=(), listing: bool = True):
    """A public view (`public_page`) served from the page cache to anonymous readers (articles/cache.py).

    `params`: the query parameters the view reads. `listing`: the page lists articles; an article page
    (listing=False) records the articles it shows itself.
    """

    def decorator(view):
        return page_cache.cached_page(public_page(view), params=params, listing=listing)

    return decorator(view) if view is not None else decorator


def reader_page(*, params=(), listing: bool = True):
    """`reader_view` for a class-based view: it wraps the function `as_view()` returns, once, rather than
    `dispatch` (method_decorator would build both wrappers again on every request)."""

    def decorate(cls):
        as_view = cls.as_view

        @classonlymethod
        def wrapped_as_view(klass, **initkwargs):
            return reader_view(as_view.__func__(klass, **initkwargs), params=params, listing=listing)

        cls.as_view = wrapped_as_view
        return cls

    return decorate


# --- Stable addresses (issue 15, point 5; articles/models/addresses.py) ---


class Moved(Exception):  # noqa: N818 - named for what happened, like Http404
    """The object a view looked for left this address: answered with a 301 to the same route at its slug."""

    def __init__(self, obj: models.Model, key: str):
        super().__init__(obj.slug)
        self.slug = obj.slug
        self.key = key


def follow_old_address(queryset: models.QuerySet, slug: str, key) -> None:
    """Raise `Moved` if an object of `queryset` had the address `slug` before; `key(pk)` names it for the edge.

    Called by a view only when no current slug matched, so a page that exists never pays for it.
    """
    moved = moved_from(queryset, slug)
    if moved is not None:
        raise Moved(moved, key(moved.pk))


def moved_response(request: HttpRequest, moved: Moved) -> HttpResponse:
    """301 to the route the reader asked for, at the object's current slug (its get_absolute_url() for a
    page of its own; its feed for a feed), with the same query. Tagged with the object's key, so the edge
    may keep it and a later rename, withholding or deletion purges it."""
    match = request.resolver_match
    url = reverse(match.view_name, args=match.args, kwargs={**match.kwargs, "slug": moved.slug})
    query = request.GET.urlencode()
    edge.tag(request, moved.key)
    return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)


def printable(value: str) -> str:
    """A query-string value without control characters (PostgreSQL refuses NUL in text)."""
    return "".join(ch for ch in value if ch.isprintable()).strip()


def absolute_url(path: str) -> str:
    """An absolute URL on this site (settings.SITE_URL), for feeds, sitemaps, metadata and the complaint link."""
    if not path or path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL + path
