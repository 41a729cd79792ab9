"""Reader-facing pages. Every article queryset starts from Article.objects.published() (STYLE.md 1).

Each page answers conditional GETs (articles/http.py), lists with keyset pagination (articles/listings.py,
never an OFFSET) and runs a fixed number of queries whatever the number of tags, images or initiatives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.generic import DetailView, ListView, TemplateView
from taggit.models import Tag

from . import edge
from .http import FRAGMENT_HEADER, Moved, absolute_url, follow_old_address, printable, reader_page, reader_view
from .listings import (
    KEYSET_PARAMS,
    PAGE_SIZE,
    KeysetListMixin,
    Shown,
    bad_cursor_response,
    reader_key,
    render_cards,
    shown,
    tag_listing,
)
from .models import (
    SEARCH_MAX_CHARS,
    Article,
    ArticlePage,
    Initiative,
    Milestone,
    Section,
    article_page,
    clean_search_query,
    credit_line_model,
    initiatives_with_counts,
    is_searchable,
    moved_from,
    recommendation_set,
    shared_by_readers,
)

HOME_LATEST = 12
RECOMMENDATION_SET_SIZE = 4


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
        `Withheld` if a copyright measure withholds a published article (answered with 451); `Moved` (301) if
        the slug is an old address of an article a reader may see; else 404.

        This is the one step that decides what an article URL answers, before the article is rendered.
        """
        slug = self.kwargs[self.slug_url_kwarg]
        self.page = article_page(slug, state=getattr(self.request, "content_state", None))
        if self.page is None:
            raise_withheld(slug)
            follow_old_article_address(self.request, slug)
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


def follow_old_article_address(request: HttpRequest, slug: str) -> None:
    """If `slug` is an old address of an article, answer it as the article's current address would be: a 301
    to it when a reader may see it, its 451 when withheld; an article readers may not see is never
    redirected to (the old address stays a 404, tagged so that it is purged when the article comes back)."""
    article = moved_from(
        Article.objects.only(
            "title", "slug", "status", "published_at", "first_published_at", "withheld_at", "withheld_note"
        ),
        slug,
    )
    if article is None:
        return
    if article.is_live:
        raise Moved(article, edge.article_key(article.pk))
    if article.status == Article.Status.WITHHELD and article.first_published_at is not None:
        raise Withheld(article)
    edge.tag(request, edge.article_key(article.pk))


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
            follow_old_address(Initiative.objects.all(), slug, edge.initiative_key)
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
        return get_or_follow(Section.objects.all(), self.kwargs["slug"], edge.section_key)

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
        return get_or_follow(credit_line_model().objects.all(), self.kwargs["slug"], edge.editor_key)

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
    return get_or_follow(Tag.objects.all(), slug, edge.tag_key)


def get_or_follow(queryset, slug: str, key):
    """The object of `queryset` at `slug`; else `Moved` to where it went if `slug` is an old address of one
    (`key(pk)` names it for the edge); else 404."""
    found = queryset.filter(slug=slug).first()
    if found is None:
        follow_old_address(queryset, slug, key)
        raise Http404(f"No {queryset.model._meta.verbose_name} at this address.")
    return found
