"""Listings: keyset pagination (never an OFFSET) and the cards every reader of a listing sees, kept under
the content version (docs/decisions.md, reader site: "Pagination"; plain origin: "Listings kept under the
content version")."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone, translation

from . import edge
from .models import Article, shared_by_readers

PAGE_SIZE = 20


def tag_listing(request: HttpRequest, articles, *subjects: str) -> None:
    """Name, for the edge cache, a listing of `articles` (and the `subjects` it lists: an initiative, a
    tag...): every article shown and its picture, and `LISTINGS`, which changes when an article comes or goes."""
    edge.tag(request, edge.LISTINGS, *subjects)
    for article in articles:
        edge.tag(request, edge.article_key(article.pk))
        if article.hero_image_id is not None:
            edge.tag(request, edge.image_key(article.hero_image_id))


# The query parameters of keyset-paginated listings.
KEYSET_PARAMS = ("before", "after")


# --- Keyset pagination (docs/decisions.md, reader site: "Pagination") ---

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_CURSOR_RE = re.compile(r"^(-?\d{1,18})-(\d{1,18})$")


class BadCursor(ValueError):
    pass


def encode_cursor(article: Article) -> str:
    """`<microseconds since 1970>-<id>`: exact, short, and the same whatever the time zone."""
    return f"{(article.published_at - _EPOCH) // timedelta(microseconds=1)}-{article.pk}"


def decode_cursor(value: str) -> tuple[datetime, int]:
    match = _CURSOR_RE.match(value or "")
    if not match:
        raise BadCursor(value)
    try:
        return _EPOCH + timedelta(microseconds=int(match[1])), int(match[2])
    except OverflowError:
        raise BadCursor(value) from None


@dataclass
class KeysetPage:
    items: list
    older: str | None  # cursor for the next page (older articles), if there is one
    newer: str | None  # cursor for the previous page (newer articles), if this is not the first page


def keyset_page(request: HttpRequest, queryset, *, size: int = PAGE_SIZE) -> KeysetPage:
    """One page of `queryset` in newest-first order, from the `before` or `after` cursor in the query string.

    Costs the same on page 1 and page 10,000: each step is an indexed range, never an OFFSET. A link to
    older articles shows the same articles however many are published in the meantime. Raises BadCursor
    for a cursor we did not make.
    """
    before, after = request.GET.get("before"), request.GET.get("after")
    if after:
        rows = list(queryset.newer_than(*decode_cursor(after)).order_by("published_at", "pk")[: size + 1])
        if len(rows) > size:
            items = rows[:size][::-1]
            return KeysetPage(items, older=encode_cursor(items[-1]), newer=encode_cursor(items[0]))
        before = None  # fewer than a page left before the cursor: that is the first page
    if before:
        rows = list(queryset.older_than(*decode_cursor(before)).order_by("-published_at", "-pk")[: size + 1])
        items = rows[:size]
        older = encode_cursor(items[-1]) if len(rows) > size else None
        newer = encode_cursor(items[0]) if items else None
        return KeysetPage(items, older=older, newer=newer)
    rows = list(queryset.order_by("-published_at", "-pk")[: size + 1])
    items = rows[:size]
    return KeysetPage(items, older=encode_cursor(items[-1]) if len(rows) > size else None, newer=None)


# --- Listings kept for every reader (docs/decisions.md, "Listings kept under the content version") ---


class Shown(NamedTuple):
    """An article a listing shows, as the edge cache names it (`tag_listing`)."""

    pk: int
    hero_image_id: int | None


@dataclass
class CardsPage:
    """One keyset page as every reader sees it: its cards rendered once (`render_cards`), the articles it
    shows (for the edge cache) and its cursors. Kept whole, so a reader after the first costs no query
    and no card rendering."""

    items: list[Shown]
    older: str | None
    newer: str | None
    cards: str


def render_cards(articles: list[Article], *, level: int = 3, lead_first: bool = False) -> str:
    """The cards of `articles` (articles/_card.html), for a kept listing. They show nothing that depends on
    the reader or the request, only on the articles and the language and time zone (in every key)."""
    return render_to_string("articles/_cards.html", {"articles": articles, "level": level, "lead_first": lead_first})


def shown(articles: list[Article]) -> list[Shown]:
    return [Shown(a.pk, a.hero_image_id) for a in articles]


def reader_key(request: HttpRequest, *parts: str) -> str:
    """The part of a kept listing's key that is not the content version (`shared_by_readers` adds it):
    `parts`, the language and time zone the cards' dates are written in, as a short digest."""
    material = "\n".join([*parts, translation.get_language() or "", timezone.get_current_timezone_name()])
    return hashlib.blake2b(material.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def bad_cursor_response(request: HttpRequest) -> HttpResponse:
    return render(request, "articles/bad_request.html", {"path": request.path}, status=400)


class KeysetListMixin:
    """A ListView whose object list is one keyset page of `get_queryset()`, kept for every reader until
    anything a reader sees changes (`shared_by_readers`, keyed by the path and the cursor): `page` is a
    `CardsPage`, `articles` the articles it shows (`Shown`), and the template prints `page.cards`."""

    page_size = PAGE_SIZE
    card_level = 3  # the cards' heading level

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except BadCursor:
            return bad_cursor_response(request)

    def get_context_data(self, **kwargs):
        request = self.request
        queryset = self.object_list
        for name in KEYSET_PARAMS:  # a cursor we did not make is a 400 (BadCursor), never a kept value
            if request.GET.get(name):
                decode_cursor(request.GET[name])

        def compute() -> CardsPage:
            page = keyset_page(request, queryset, size=self.page_size)
            cards = render_cards(page.items, level=self.card_level)
            return CardsPage(shown(page.items), older=page.older, newer=page.newer, cards=cards)

        key = reader_key(request, request.path, request.GET.get("before", ""), request.GET.get("after", ""))
        page = shared_by_readers(f"cards:{key}", compute, state=getattr(request, "content_state", None))
        tag_listing(request, page.items, *self.listed_keys())
        kwargs.setdefault("page", page)
        kwargs["object_list"] = page.items
        return super().get_context_data(**kwargs)

    def listed_keys(self) -> list[str]:
        """The edge-cache keys of what the listing is about (an initiative, a section...)."""
        return []
