"""Reader-facing pages. Every article queryset starts from Article.objects.published() (STYLE.md 1).

Each page answers conditional GETs (`public_page`), lists with keyset pagination (`keyset_page`, never an
OFFSET) and runs a fixed number of queries whatever the number of tags, images or initiatives.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import wraps
from typing import NamedTuple
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.decorators import classonlymethod
from django.utils.http import http_date
from django.views.generic import DetailView, ListView, TemplateView
from taggit.models import Tag

from . import cache as page_cache
from . import edge
from .models import (
    SEARCH_MAX_CHARS,
    Article,
    ArticlePage,
    Initiative,
    Milestone,
    Section,
    article_page,
    clean_search_query,
    content_state,
    credit_line_model,
    initiatives_with_counts,
    is_searchable,
    recommendation_set,
    shared_by_readers,
)

PAGE_SIZE = 20
HOME_LATEST = 12
RECOMMENDATION_SET_SIZE = 4
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
            response = view(request, *args, **kwargs)
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


# --- Pages ---


@dataclass
class HomePage:
    """What the home page shows, the same for every reader: featured and latest cards, rendered once."""

    featured: list[Shown]
    latest: list[Shown]
    featured_cards: str
    latest_cards: str
    initiatives: list[Initiative]
    sections: list[Section]


def load_home_page() -> HomePage:
    published = Article.objects.published().for_listing().prefetch_related(None)
    featured = list(published.filter(featured=True)[:3])
    latest = list(published.exclude(pk__in=[a.pk for a in featured])[:HOME_LATEST])
    pictures = [a.hero_image for a in featured + latest if a.hero_image is not None]
    prefetch_related_objects(pictures, "renditions")
    return HomePage(
        featured=shown(featured),
        latest=shown(latest),
        featured_cards=render_cards(featured, lead_first=True),
        latest_cards=render_cards(latest),
        initiatives=list(Initiative.objects.all()),
        sections=list(Section.objects.all()),
    )


@reader_page()
class HomeView(TemplateView):
    template_name = "articles/home.html"

    def get_context_data(self, **kwargs):
        home = shared_by_readers(
            f"home:{reader_key(self.request)}",
            load_home_page,
            state=getattr(self.request, "content_state", None),
        )
        tag_listing(
            self.request,
            home.featured + home.latest,
            *(edge.initiative_key(i.pk) for i in home.initiatives),
            *(edge.section_key(s.pk) for s in home.sections),
        )
        return super().get_context_data(home=home, **kwargs)


@reader_page(params=KEYSET_PARAMS)
class ArchiveView(KeysetListMixin, ListView):
    template_name = "articles/archive.html"
    context_object_name = "articles"
    card_level = 2

    def get_queryset(self):
        return Article.objects.published().for_listing()


class ArticleQuerysetMixin:
    def get_object(self, queryset=None):
        """The article at this address if a reader may see it, with all its page shows (`article_page`);
        `Withheld` if a copyright measure withholds a published article (answered with 451); else 404.

        This is the one step that decides what an article URL answers, before the article is rendered.
        """
        slug = self.kwargs[self.slug_url_kwarg]
        self.page = article_page(slug, state=getattr(self.request, "content_state", None))
        if self.page is None:
            raise_withheld(slug)
            raise Http404("No published article at this address.")
        return self.page.article

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Withheld as withheld:
            return withheld_response(request, withheld.article)


def raise_withheld(slug: str | None) -> None:
    """Raise `Withheld` if the article with this slug was public and a copyright measure withholds it."""
    withheld = (
        Article.objects.filter(
            slug=slug,
            status=Article.Status.WITHHELD,
            first_published_at__isnull=False,  # never public: nothing to explain, it stays a 404
        )
        .only("title", "slug", "withheld_at", "withheld_note")
        .first()
    )
    if withheld is not None:
        raise Withheld(withheld)


class Withheld(Exception):
    """The article exists but a copyright measure withholds it."""

    def __init__(self, article: Article):
        super().__init__(article.slug)
        self.article = article


def withheld_response(request: HttpRequest, article: Article) -> HttpResponse:
    """HTTP 451 Unavailable For Legal Reasons (RFC 7725) with the placeholder explaining what was done and how
    to answer; the `blocked-by` link names this site, which withholds it."""
    edge.tag(request, edge.article_key(article.pk))  # purged when it is restored
    response = render(request, "articles/withheld.html", {"article": article}, status=451)
    response["Link"] = f'<{settings.SITE_URL}/>; rel="blocked-by"'
    return response


def recommendation_page(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")[:9]))
    except ValueError:
        return 1


@reader_page(listing=False)
class ArticleDetailView(ArticleQuerysetMixin, DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_context_data(self, **kwargs):
        article = self.object
        recommendations = Recommendations(self.page, page=1)
        edge.tag(
            self.request,
            edge.article_key(article.pk),
            edge.editor_key(article.editor_id),
            edge.editor_key(article.responsible_editor_id),
            *([edge.section_key(article.section_id)] if article.section_id else []),
            *(edge.tag_key(tag.pk) for tag in article.tags.all()),
            *(edge.initiative_key(initiative.pk) for initiative in article.initiatives.all()),
            *(edge.image_key(picture.pk) for picture in self.page.pictures),
        )
        recommendations.tag(self.request)
        return super().get_context_data(
            recommendations=recommendations,
            complaint_url=reverse(settings.COPYRIGHT_COMPLAINT_URL_NAME)
            + "?"
            + urlencode({"url": absolute_url(article.get_absolute_url())}),
            **kwargs,
        )


class Recommendations:
    """One set of "Recommended reading" for an article, and the link to the next set."""

    def __init__(self, article_page: ArticlePage, *, page: int):
        self.pool = article_page.recommendations
        self.pool_ids = [item.pk for item in self.pool]
        self.article = article_page.article
        self.items, self.next_page, self.set_count = recommendation_set(self.pool, page, RECOMMENDATION_SET_SIZE)
        self.page = page

    @property
    def pictures(self):
        return [a.hero_image for a in self.items if a.hero_image is not None]

    @property
    def can_change(self) -> bool:
        return self.set_count > 1

    def tag(self, request: HttpRequest) -> None:
        """Name, for the edge cache, every article of the pool (any of them changing changes the sets) and
        the pictures shown."""
        edge.tag(request, *(edge.article_key(pk) for pk in self.pool_ids))
        edge.tag(request, *(edge.image_key(picture.pk) for picture in self.pictures))


@reader_page(params=("page",), listing=False)
class RecommendedView(ArticleQuerysetMixin, DetailView):
    """The "Change it" set: a page of its own without JavaScript, the block alone when fetched by script."""

    template_name = "articles/recommended.html"
    context_object_name = "article"

    def get_template_names(self):
        if self.request.headers.get(FRAGMENT_HEADER) == "recommended":
            return ["articles/recommended.html#recommended"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        recommendations = Recommendations(self.page, page=recommendation_page(self.request))
        edge.tag(self.request, edge.article_key(self.object.pk))
        recommendations.tag(self.request)
        return super().get_context_data(recommendations=recommendations, **kwargs)


@reader_page()
class InitiativeIndexView(ListView):
    template_name = "articles/initiative_index.html"
    context_object_name = "initiatives"

    def get_queryset(self):
        initiatives = initiatives_with_counts(state=getattr(self.request, "content_state", None))
        edge.tag(self.request, edge.LISTINGS, *(edge.initiative_key(i.pk) for i in initiatives))
        return initiatives


def load_initiative(slug: str) -> Initiative | None:
    """The initiative at `slug` with its timeline, or None."""
    live_articles = Article.objects.published().filter(pk=OuterRef("article_id"))
    milestones = Milestone.objects.annotate(
        # Only a published article is linked from the timeline; a draft stays unnamed.
        live_article_slug=Subquery(live_articles.values("slug")),
        live_article_title=Subquery(live_articles.values("title")),
    ).order_by("date", "pk")
    return Initiative.objects.prefetch_related(Prefetch("milestones", queryset=milestones)).filter(slug=slug).first()


@reader_page(params=KEYSET_PARAMS)
class InitiativeDetailView(KeysetListMixin, ListView):
    template_name = "articles/initiative_detail.html"
    context_object_name = "articles"

    def get_queryset(self):
        slug = self.kwargs["slug"]
        self.initiative = shared_by_readers(
            f"initiative:{reader_key(self.request, slug)}",
            lambda: load_initiative(slug),
            state=getattr(self.request, "content_state", None),
        )
        if self.initiative is None:
            raise Http404("No initiative at this address.")
        return Article.objects.published().for_listing().in_initiative(self.initiative)

    def listed_keys(self) -> list[str]:
        # The timeline links the published articles its milestones name.
        linked = [edge.article_key(m.article_id) for m in self.initiative.milestones.all() if m.live_article_slug]
        return [edge.initiative_key(self.initiative.pk), *linked]

    def get_context_data(self, **kwargs):
        return super().get_context_data(initiative=self.initiative, **kwargs)


class SubjectListingView(KeysetListMixin, ListView):
    """Articles about one subject (a section, a tag, an editor), newest first."""

    template_name = "articles/listing.html"
    context_object_name = "articles"

    def get_subject(self):
        raise NotImplementedError

    def filter_articles(self, queryset):
        raise NotImplementedError

    def get_queryset(self):
        self.subject = self.get_subject()
        return self.filter_articles(Article.objects.published().for_listing())

    def get_context_data(self, **kwargs):
        return super().get_context_data(subject=self.subject, **kwargs)


@reader_page(params=KEYSET_PARAMS)
class SectionView(SubjectListingView):
    template_name = "articles/section.html"

    def get_subject(self):
        return get_object_or_404(Section, slug=self.kwargs["slug"])

    def filter_articles(self, queryset):
        return queryset.filter(section=self.subject)

    def listed_keys(self) -> list[str]:
        return [edge.section_key(self.subject.pk)]


@reader_page(params=KEYSET_PARAMS)
class TagView(SubjectListingView):
    template_name = "articles/tag.html"

    def get_subject(self):
        return get_tag_or_404(self.kwargs["slug"])

    def filter_articles(self, queryset):
        return queryset.tagged(self.subject)

    def listed_keys(self) -> list[str]:
        return [edge.tag_key(self.subject.pk)]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # A tag only drafts carry could name an unpublished story: it has no public page.
        if not context["page"].items and not self.request.GET.keys() & {"before", "after"}:
            raise Http404("No published article carries this tag.")
        return context


@reader_page(params=KEYSET_PARAMS)
class EditorView(SubjectListingView):
    template_name = "articles/editor.html"

    def get_subject(self):
        Editor = credit_line_model()
        return get_object_or_404(Editor, slug=self.kwargs["slug"])

    def filter_articles(self, queryset):
        return queryset.filter(Q(editor=self.subject) | Q(responsible_editor=self.subject))

    def listed_keys(self) -> list[str]:
        return [edge.editor_key(self.subject.pk)]


# --- Search ---

_RANK_CURSOR_RE = re.compile(r"^(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)_(\d{1,18})$")


# The search page offers the tags most used by the newest this many published articles: counting every
# tagging in the archive cost 180 ms at 100,000 articles and grew with it (docs/decisions.md, performance).
FACET_TAG_WINDOW = 2000


def facet_tags(limit: int = 40):
    """The `limit` tags most used by recent published articles, most used first."""
    recent = Article.objects.published().order_by("-published_at", "-pk").values("pk")[:FACET_TAG_WINDOW]
    return Tag.objects.filter(article__in=recent).annotate(uses=Count("article")).order_by("-uses", "name")[:limit]


@reader_page(params=("q", "initiative", "tag", "after"))
class SearchView(TemplateView):
    template_name = "articles/search.html"

    def get(self, request, *args, **kwargs):
        raw = request.GET.get("q", "")
        q = clean_search_query(raw)
        context = {
            "q": q,
            "too_long": len(raw) > SEARCH_MAX_CHARS,
            "max_chars": SEARCH_MAX_CHARS,
            "initiative": printable(request.GET.get("initiative", ""))[:160],
            "tag": printable(request.GET.get("tag", ""))[:100],
            "initiatives": list(Initiative.objects.all()),
            "tags": facet_tags(),
            "searched": is_searchable(q),
        }
        edge.tag(request, edge.LISTINGS, *(edge.initiative_key(i.pk) for i in context["initiatives"]))
        if not context["searched"]:
            return self.render_to_response(self.get_context_data(**context))
        # Filters first: the search ranks the most recent matches among what they leave.
        results = Article.objects.published()
        if context["initiative"]:
            results = results.in_initiative(slug=context["initiative"])
        if context["tag"]:
            results = results.tagged(slug=context["tag"])
        results = results.search(q).select_related("section").defer("body")
        cursor = request.GET.get("after", "")
        if cursor:
            match = _RANK_CURSOR_RE.match(cursor)
            if not match:
                return bad_cursor_response(request)
            rank, pk = float(match[1]), int(match[2])
            results = results.filter(Q(search_rank__lt=rank) | Q(search_rank=rank, pk__lt=pk))
        rows = list(results[: PAGE_SIZE + 1])
        items = rows[:PAGE_SIZE]
        more = None
        if len(rows) > PAGE_SIZE:
            last = items[-1]
            more = f"{last.search_rank!r}_{last.pk}"
        tag_listing(request, items)
        context.update(results=items, more=more, continued=bool(cursor))
        return self.render_to_response(self.get_context_data(**context))


# --- Crawlers ---


@reader_view
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /preview/",
        "Disallow: /search/",
        "Disallow: /copyright/notices/",
        "",
        f"Sitemap: {absolute_url('/sitemap.xml')}",
        f"Sitemap: {absolute_url('/sitemap-news.xml')}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


# --- Helpers ---


def get_tag_or_404(slug: str) -> Tag:
    """The tag with this slug. Tag routes take any text (see urls.py), so refuse what no slug can be."""
    if slug != printable(slug) or len(slug) > 100:
        raise Http404("No such tag.")
    return get_object_or_404(Tag, slug=slug)


def printable(value: str) -> str:
    """A query-string value without control characters (PostgreSQL refuses NUL in text)."""
    return "".join(ch for ch in value if ch.isprintable()).strip()


def absolute_url(path: str) -> str:
    """An absolute URL on this site (settings.SITE_URL), for feeds, sitemaps, metadata and the complaint link."""
    if path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL + path
