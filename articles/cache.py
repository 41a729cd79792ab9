"""The page cache: whole public pages for anonymous readers, kept until what they show changes (issue 7).

A reader without a session gets the page from the cache (Redis when REDIS_URL is set, local memory
otherwise: settings.CACHES["default"]) without a database query. Editors and anyone else with a session
cookie, every request that is not a GET or HEAD, and any address with a query parameter the page does not
know neither read nor fill it. `settings.PAGE_CACHE_SECONDS` (default 300; 0 switches the cache off) bounds
how long a page is kept.

Pages are retired by what they show, not by address (docs/decisions.md, performance, "Page cache"):

- every page depends on SITE: sections, initiatives, milestones, editors, images and tags, which change
  rarely and may show on any page;
- listing pages (home, archive, initiative, section, tag and editor pages, search, feeds, sitemaps) depend
  on LISTINGS, which changes whenever an article that is, was or is about to be live is saved;
- an article page depends on its own article and on each article of its recommended-reading pool
  (`article(pk)`), so editing, withholding or unpublishing one article retires exactly the article pages
  that show it and leaves every other article page cached;
- an article page also depends on ARRIVALS, which changes when an article joins the recommendable set
  (published, restored, or a live article given another tag or initiative): a new article is the newest
  one and so joins every article's recommendation pool, and which pools a restored one joins is not worth
  working out.

Each dependency has a version in the cache: the value of a site-wide generation counter at its last
change. A page is stored with the generation read *before* it was rendered and served only while none of
its dependencies has a later version, so a page rendered from data an editor was committing meanwhile is
never served once the change has committed.

Each process also keeps the pages it served lately (`local_pages`). With Redis, the versions of a change are
written together with an announcement on the cache's change feed (config/cache.py), and a held page whose
versions were found unchanged is served without asking Redis anything until the process hears of another
change (`feed_epoch`), and at least every 10 seconds.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from functools import partial, wraps
from typing import NamedTuple
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date_safe

logger = logging.getLogger(__name__)

SITE = "site"
LISTINGS = "listings"
ARRIVALS = "arrivals"
# Says what the page cache did with a request: hit, miss (rendered, and kept when it may be) or bypass.
HEADER = "X-Page-Cache"
# Request headers a cached page varies on besides its address (public views answer X-Fragment: recommended
# with a fragment of the page).
VARY_ON = ("X-Fragment",)
# Query parameters that only tell analytics where a reader came from: no view reads them, so the address
# with them shares the page without them. Any other unknown parameter bypasses the cache.
TRACKING_PARAMS = frozenset({"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "ref"})
TRACKING_PREFIXES = ("utm_",)
MAX_HEADER_VALUE = 40

_GENERATION_KEY = "pagecache:generation"
_VERSION_PREFIX = "pagecache:v:"
_PAGE_PREFIX = "pagecache:page:3:"  # 3: the Entry format
_DEPENDENCIES = "_page_cache_dependencies"


def page_cache_seconds() -> int:
    return getattr(settings, "PAGE_CACHE_SECONDS", 300)


class Entry(NamedTuple):
    """A cached page, and what is needed to tell whether it may still be served."""

    generation: int  # the generation counter before the page was rendered
    expires: float  # time.time() after which it is not served (PAGE_CACHE_SECONDS)
    due: float | None  # the next scheduled publication when it was rendered
    dependencies: tuple[str, ...]
    versions: tuple[int, ...]  # the dependencies' versions when it was stored, none later than `generation`
    status: int
    headers: tuple[tuple[str, str], ...]
    content: bytes
    etag: str | None
    last_modified: int | None


class LocalPages:
    """The pages this process served lately, in its own memory, most recently used last.

    A page found here is served only if its dependencies' versions are unchanged in the shared cache, or
    were found unchanged at the change feed's current epoch (nothing announced anywhere since), so it is
    never served after a change another process made. `PAGE_CACHE_LOCAL_ENTRIES` pages at most (default
    500; 0: none). Each page is held with the feed epoch at which its versions were last found unchanged
    (None: not yet checked, or no live feed).
    """

    def __init__(self):
        self._entries: OrderedDict[str, tuple[Entry, int | None]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> tuple[Entry, int | None] | None:
        with self._lock:
            held = self._entries.get(key)
            if held is not None:
                self._entries.move_to_end(key)
            return held

    def put(self, key: str, entry: Entry, checked_at: int | None = None) -> None:
        limit = getattr(settings, "PAGE_CACHE_LOCAL_ENTRIES", 500)
        with self._lock:
            self._entries[key] = (entry, checked_at)
            self._entries.move_to_end(key)
            while len(self._entries) > max(limit, 0):
                self._entries.popitem(last=False)

    def discard(self, key: str) -> None:
        with self._lock:
            self._entries.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def feed_epoch() -> int | None:
    """The shared cache's change-feed epoch while its feed is live (config/cache.py), else None.

    A copy of something read from the shared cache at epoch N may be used again without asking the cache
    while this still answers N: nothing has been announced anywhere since. None (local memory, the feed
    switched off with `PAGE_CACHE_CHANGE_FEED`, or lost): every copy is checked at its source.
    """
    if not getattr(settings, "PAGE_CACHE_CHANGE_FEED", True):
        return None
    feed = getattr(cache, "change_feed", None)
    return feed.epoch() if feed is not None else None


local_pages = LocalPages()


def _after_fork_in_child() -> None:
    # A lock held by another thread at the fork would never be released in the child; its copies are the
    # parent's, checked against nothing the child has heard.
    local_pages._lock = threading.Lock()
    local_pages._entries.clear()


os.register_at_fork(after_in_child=_after_fork_in_child)


def article(pk: int) -> str:
    """The dependency of pages that show the article with this primary key."""
    return f"article:{pk}"


# --- Retiring pages ---


def changed(*names: str) -> None:
    """Retire every cached page that depends on one of `names`.

    Now (so a test, or a request later in the same transaction, sees the change) and again when the
    transaction commits: a page rendered meanwhile from the data before the change read an older
    generation, so the version set at commit retires it.
    """
    names = tuple(dict.fromkeys(names))
    if transaction.get_connection().in_atomic_block:
        _bump(names)
    transaction.on_commit(lambda: _bump(names))


def _bump(names: tuple[str, ...]) -> None:
    try:
        generation = _next_generation()
        versions = {_VERSION_PREFIX + name: generation for name in names}
        write_and_announce = getattr(cache, "set_many_and_announce", None)
        if write_and_announce is not None:  # Redis: the versions and the change feed's message, atomically
            write_and_announce(versions)
        else:
            cache.set_many(versions, timeout=None)
    except Exception:  # a cache outage must not stop an editor's save; pages then expire by their timeout
        logger.warning("page cache: could not retire %s", ", ".join(names), exc_info=True)


def _next_generation() -> int:
    try:
        return cache.incr(_GENERATION_KEY)
    except ValueError:  # first use, or the cache lost the counter: start above any number it ever gave out
        local_pages.clear()
        cache.add(_GENERATION_KEY, _fresh_generation(), timeout=None)
        return cache.incr(_GENERATION_KEY)


def _current_generation() -> int:
    value = cache.get(_GENERATION_KEY)
    if value is None:
        # The shared cache lost everything (a restart, a flush): nothing kept here can be checked any more.
        local_pages.clear()
        cache.add(_GENERATION_KEY, _fresh_generation(), timeout=None)
        value = cache.get(_GENERATION_KEY)
    return value


def _fresh_generation() -> int:
    # Microseconds since 1970: a counter lost and started again begins above the values it reached before
    # (unless the site made more than a million changes a second).
    return time.time_ns() // 1000


# --- What a page shows ---


def shows(request: HttpRequest, *names: str) -> None:
    """Record that the page being rendered for `request` depends on `names` (no-op outside the cache)."""
    dependencies = getattr(request, _DEPENDENCIES, None)
    if dependencies is not None:
        dependencies.update(names)


def shows_articles(request: HttpRequest, articles: Iterable) -> None:
    """Record that the page being rendered shows these articles (model instances)."""
    shows(request, *(article(a.pk) for a in articles))


# --- The view decorator ---


def cached_page(
    view: Callable | None = None, *, params: Iterable[str] = (), listing: bool = True
) -> Callable[..., HttpResponse]:
    """Serve `view`'s successful GET answers to anonymous readers from the page cache.

    `params`: the query parameters the view reads (an address with any other one, tracking parameters
    aside, is not cached). `listing`: whether the page lists articles (it then depends on LISTINGS);
    otherwise it is an article page, depends on ARRIVALS and says which articles it shows with
    `shows_articles()`.
    """
    allowed = frozenset(params)

    def decorator(view):
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            seconds = page_cache_seconds()
            if seconds <= 0:
                return view(request, *args, **kwargs)
            key = page_key(request, allowed)
            if key is None:
                response = view(request, *args, **kwargs)
                response.headers[HEADER] = "bypass"
                return response
            base = (SITE, LISTINGS) if listing else (SITE, ARRIVALS)
            hit = _lookup(request, key, base)
            if hit is not None:
                return hit
            try:
                from .models import content_state

                generation = _current_generation()
                # A page is kept no later than the next scheduled publication: the site changes then by itself.
                next_due = content_state().next_due
            except Exception:
                logger.warning("page cache: cache unavailable", exc_info=True)
                return view(request, *args, **kwargs)
            setattr(request, _DEPENDENCIES, set(base))
            response = view(request, *args, **kwargs)
            response.headers[HEADER] = "miss"
            if request.method == "GET":
                due = next_due.timestamp() if next_due is not None else None
                store = partial(_store, request, key, generation, due, seconds)
                if getattr(response, "is_rendered", True):
                    store(response)
                else:
                    response.add_post_render_callback(store)
            return response

        return wrapped

    return decorator(view) if view is not None else decorator


def page_key(request: HttpRequest, allowed: frozenset[str] = frozenset()) -> str | None:
    """The cache key of the page this request asks for, or None when the request must not use the cache."""
    if request.method not in ("GET", "HEAD"):
        return None
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "authorization" in request.headers:
        return None
    kept = []
    for name, values in request.GET.lists():
        if name in allowed:
            kept.extend((name, value) for value in values)
        elif not (name in TRACKING_PARAMS or name.startswith(TRACKING_PREFIXES)):
            return None
    varies = []
    for header in VARY_ON:
        value = request.headers.get(header, "")
        if len(value) > MAX_HEADER_VALUE:
            return None
        varies.append(value)
    material = "\n".join([request.scheme, request.get_host(), request.path, urlencode(kept), *varies])
    return _PAGE_PREFIX + hashlib.blake2b(material.encode("utf-8", "surrogatepass"), digest_size=20).hexdigest()


def _lookup(request: HttpRequest, key: str, base: tuple[str, ...]) -> HttpResponse | None:
    """The cached page for `key` if none of what it shows has changed since it was rendered.

    A page this process holds whose versions were found unchanged at the change feed's current epoch is
    served without asking the shared cache anything: nothing has been announced since (`feed_epoch`).
    Otherwise a held page costs one round trip, for its dependencies' versions; a page only in the shared
    cache comes with the versions of the dependencies every such page has (`base`) in one round trip, and
    an article page's own articles in a second one.
    """
    now = time.time()
    epoch = feed_epoch()  # read before the versions: a change announced after it moves it
    try:
        held = local_pages.get(key)
        entry = held[0] if held is not None else None
        if entry is not None and _fresh(entry, now):
            if epoch is not None and held[1] == epoch:
                return _respond(request, entry)  # nothing has changed anywhere since it was checked
            versions = cache.get_many([_VERSION_PREFIX + name for name in entry.dependencies])
        else:
            found = cache.get_many([key, *(_VERSION_PREFIX + name for name in base)])
            entry = found.pop(key, None)
            if not isinstance(entry, Entry) or not _fresh(entry, now):
                return None
            rest = [_VERSION_PREFIX + name for name in entry.dependencies if name not in base]
            versions = {**found, **cache.get_many(rest)} if rest else found
    except Exception:
        logger.warning("page cache: cache unavailable", exc_info=True)
        return None
    if not _unchanged(entry, versions):
        local_pages.discard(key)
        return None
    local_pages.put(key, entry, epoch)
    return _respond(request, entry)


def _respond(request: HttpRequest, entry: Entry) -> HttpResponse:
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


def _fresh(entry: Entry, now: float) -> bool:
    return now < entry.expires and (entry.due is None or now < entry.due)


def _unchanged(entry: Entry, versions: dict[str, int]) -> bool:
    """Whether every dependency still has the version it had when the page was stored.

    Equality, not "no later than the page's generation": a version lost and given again after the counter
    itself was lost and restarted (a flush, a clock set back) never passes for the old one.
    """
    pairs = zip(entry.dependencies, entry.versions, strict=True)
    return len(versions) == len(entry.dependencies) and all(
        versions.get(_VERSION_PREFIX + name) == version for name, version in pairs
    )


def _store(request, key, generation, due, seconds, response) -> None:
    if not _cacheable(request, response):
        return
    last_modified = parse_http_date_safe(response["Last-Modified"]) if response.has_header("Last-Modified") else None
    dependencies = tuple(sorted(getattr(request, _DEPENDENCIES)))
    try:
        versions = _versions_of(dependencies)
    except Exception:
        logger.warning("page cache: could not store a page", exc_info=True)
        return
    if versions is None or any(version > generation for version in versions):
        return  # something it shows changed while it was rendered: it may show the old state
    entry = Entry(
        generation=generation,
        expires=time.time() + seconds,
        due=due,
        dependencies=dependencies,
        versions=versions,
        status=response.status_code,
        headers=tuple((name, value) for name, value in response.items() if name.lower() not in _NOT_STORED),
        content=response.content,
        etag=response.get("ETag"),
        last_modified=last_modified,
    )
    try:
        cache.set(key, entry, seconds)
    except Exception:
        logger.warning("page cache: could not store a page", exc_info=True)
        return
    local_pages.put(key, entry)


_NOT_STORED = frozenset({HEADER.lower(), "set-cookie"})


def _versions_of(dependencies: tuple[str, ...]) -> tuple[int, ...] | None:
    """The dependencies' versions, giving each one that has none yet (never changed, or evicted) the current
    generation. `add` never overwrites: a change made meanwhile keeps its own, later, version, and a page
    whose dependency changed while it was rendered is then not stored. None if a version cannot be read.
    """
    names = [_VERSION_PREFIX + name for name in dependencies]
    found = cache.get_many(names)
    missing = [name for name in names if name not in found]
    if missing:
        generation = _current_generation()
        for name in missing:
            cache.add(name, generation, timeout=None)
        found.update(cache.get_many(missing))
    if len(found) != len(names):
        return None
    return tuple(found[name] for name in names)


def _cacheable(request: HttpRequest, response: HttpResponse) -> bool:
    """Whether this answer is the same for every anonymous reader: nothing personal went into it."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if "private" in cache_control or "no-store" in cache_control:
        return False
    vary = {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}
    if vary - {header.lower() for header in VARY_ON}:
        return False
    session = getattr(request, "session", None)
    if session is not None and session.accessed:  # e.g. request.user was read: the page may be personal
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):  # a CSRF token is in the page
        return False
    # A CSP nonce in the page would be replayed to every reader, and would not match their header.
    return not getattr(request, "_csp_nonce", None)
