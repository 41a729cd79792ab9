"""What the newsroom publishes and how a reader may see it.

`articles` never imports `editorial`: editors are named here only as strings in foreign keys (STYLE.md 16).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVectorField
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files.storage import storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connections, models, router, transaction
from django.db.models import Count, Exists, Expression, F, FloatField, Func, OuterRef, Q, Subquery, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import slugify
from taggit.managers import TaggableManager
from taggit.models import Tag, TaggedItem

from config.db import prepared_cursor

from . import cache as page_cache
from . import images as image_processing
from .paths import slug_path
from .richtext import INLINE_IMAGE_RE, sanitise_body


def unique_slug(instance: models.Model, value: str, *, field: str = "slug", max_length: int = 200) -> str:
    """Slugify `value`, adding -2, -3, ... until no other row of the model has it."""
    base = slugify(value, allow_unicode=False)[: max_length - 8] or "item"
    candidate, n = base, 2
    manager = type(instance)._default_manager
    while manager.filter(**{field: candidate}).exclude(pk=instance.pk).exists():
        candidate, n = f"{base}-{n}", n + 1
    return candidate


# --- What readers see changed: the site-wide content version behind ETags (docs/decisions.md, reader site) ---

logger = logging.getLogger(__name__)

CONTENT_STATE_KEY = "articles:content-state"


@dataclass(frozen=True)
class ContentState:
    """A token that changes whenever anything a reader can see changes, and since when it holds."""

    token: str
    changed_at: datetime
    # The next scheduled publication still to come: when it passes, the public site changes by itself.
    next_due: datetime | None


# The content state as this process last read it, with the change feed's epoch at that moment.
_held_state: tuple[int, ContentState] | None = None


def content_state() -> ContentState:
    """The current content state, made afresh (one small query) when none is cached or a schedule came due.

    Read from the shared cache, except while the cache's change feed is live and has announced nothing
    since this process last read it (articles/cache.py `feed_epoch`): every change to the state is announced
    after the stored state is forgotten, so the copy held here is then the stored one.
    """
    global _held_state
    now = timezone.now()
    epoch = page_cache.feed_epoch()  # before reading: a change announced meanwhile moves it
    held = _held_state
    if epoch is not None and held is not None and held[0] == epoch and _not_due(held[1], now):
        return held[1]
    try:
        state = cache.get(CONTENT_STATE_KEY)
    except Exception:  # a cache outage must not take the site down: no 304s until it is back
        logger.warning("content state: cache unavailable", exc_info=True)
        state = None
    if isinstance(state, ContentState) and _not_due(state, now):
        _held_state = (epoch, state) if epoch is not None else None
        return state
    next_due = (
        Article.objects.filter(status__in=Article.LIVE_STATUSES, published_at__gt=now)
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    state = ContentState(token=secrets.token_hex(8), changed_at=now, next_due=next_due)
    try:
        # Processes that found it missing at once agree on the first one stored (one ETag, not one per
        # process); one stored before a schedule came due is replaced.
        if not cache.add(CONTENT_STATE_KEY, state, timeout=None):
            stored = cache.get(CONTENT_STATE_KEY)
            if isinstance(stored, ContentState) and _not_due(stored, now):
                state = stored
            else:
                cache.set(CONTENT_STATE_KEY, state, timeout=None)
    except Exception:
        logger.warning("content state: cache unavailable", exc_info=True)
        return state
    _held_state = (epoch, state) if epoch is not None else None
    return state


def _not_due(state: ContentState, now: datetime) -> bool:
    return state.next_due is None or state.next_due > now


def content_changed() -> None:
    """Something any page may show changed (a section, an initiative, an editor, an image...).

    Every public page gets a new ETag and every page in the page cache is retired (articles/cache.py).
    """
    _forget_content_state()
    page_cache.changed(page_cache.SITE)


def article_changed(pk: int, *, listed: bool = True, arrived: bool = False) -> None:
    """The article `pk` changed: its page and the pages recommending it are retired from the page cache;
    with `listed` (it is, was or is about to be live) every listing too, and with `arrived` (it has just
    become recommendable) every article page. Every ETag changes.
    """
    _forget_content_state()
    names = [page_cache.article(pk)]
    if listed or arrived:
        names.append(page_cache.LISTINGS)
    if arrived:
        names.append(page_cache.ARRIVALS)
    page_cache.changed(*names)


def _forget_content_state() -> None:
    """Forget the content state, so every public page gets a new ETag.

    Called now and again after the transaction commits: a page rendered in between (from data not yet
    committed) cannot keep the new token, and many-to-many changes saved after the model (tags and
    initiatives in the admin) are covered by the second call.
    """

    def forget():
        try:
            cache.delete(CONTENT_STATE_KEY)
        except Exception:
            logger.warning("content state: could not reset the cache", exc_info=True)

    forget()
    transaction.on_commit(forget)


class PublicContentQuerySet(models.QuerySet):
    """Bulk writes change what readers see as much as save() does."""

    def update(self, **kwargs):
        rows = super().update(**kwargs)
        content_changed()
        return rows

    def delete(self):
        result = super().delete()
        content_changed()
        return result

    def bulk_create(self, *args, **kwargs):
        objs = super().bulk_create(*args, **kwargs)
        content_changed()
        return objs

    def bulk_update(self, *args, **kwargs):
        rows = super().bulk_update(*args, **kwargs)
        content_changed()
        return rows


class PublicContent:
    """Mixin for models readers see: saving or deleting one changes what the site shows (`reader_change`)."""

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.reader_change()

    def delete(self, *args, **kwargs):
        pk = self.pk
        result = super().delete(*args, **kwargs)
        self.reader_change(pk)
        return result

    def reader_change(self, pk: int | None = None) -> None:
        """What readers may see changed because of this object: by default, anything anywhere."""
        content_changed()


class Section(PublicContent, models.Model):
    name = models.CharField(max_length=80, unique=True, help_text="As shown in the site's navigation, e.g. “World”.")
    slug = models.SlugField(max_length=80, unique=True, help_text="Used in the section's address: /sections/<slug>/.")
    description = models.TextField(blank=True, help_text="One or two sentences shown at the top of the section page.")
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first in the navigation.")

    objects = PublicContentQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return slug_path("articles:section", self.slug)

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.name, max_length=80)
        super().save(*args, **kwargs)


class Initiative(PublicContent, models.Model):
    name = models.CharField(max_length=160, unique=True, help_text="Full name, e.g. “Belt and Road Initiative”.")
    short_name = models.CharField(
        max_length=60, blank=True, help_text="Optional short form for tight spaces, e.g. “BRI”."
    )
    slug = models.SlugField(max_length=160, unique=True, help_text="Used in the initiative's address.")
    summary = models.CharField(max_length=300, help_text="One sentence shown on cards and in search results.")
    description = models.TextField(blank=True, help_text="The longer introduction on the initiative's own page.")
    launched_on = models.DateField(null=True, blank=True, help_text="The date the initiative was first put forward.")
    launched_at = models.CharField(
        max_length=200, blank=True, help_text="Where or on what occasion it was launched, e.g. “Astana, Kazakhstan”."
    )
    logo = models.ImageField(upload_to="initiatives/", blank=True, help_text="Optional square logo, at least 400 px.")
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first on the initiatives page.")

    objects = PublicContentQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return slug_path("articles:initiative", self.slug)

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.name, max_length=160)
        super().save(*args, **kwargs)


class Milestone(PublicContent, models.Model):
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="milestones")
    date = models.DateField(help_text="When it happened.")
    place = models.CharField(
        max_length=200, blank=True, help_text="Where, e.g. “United Nations Headquarters, New York”."
    )
    title = models.CharField(max_length=200, help_text="A short headline for the timeline.")
    summary = models.TextField(blank=True, help_text="Two or three sentences on what happened and why it matters.")
    article = models.ForeignKey(
        "Article",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="milestones",
        help_text="Optional: our article about this milestone.",
    )

    objects = PublicContentQuerySet.as_manager()

    class Meta:
        ordering = ["initiative", "date", "pk"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.title}"

    def get_absolute_url(self) -> str:
        return f"{self.initiative.get_absolute_url()}#milestone-{self.pk}"


class ImageQuerySet(PublicContentQuerySet):
    def visible(self) -> ImageQuerySet:
        """Images a reader may see: not removed by a copyright measure."""
        return self.filter(removed_at__isnull=True)


def image_upload_to(instance: Image, filename: str) -> str:
    return f"images/{timezone.now():%Y/%m}/{filename}"


def rendition_upload_to(instance: Rendition, filename: str) -> str:
    return f"renditions/{instance.image_id}/{filename}"


class Image(PublicContent, models.Model):
    class Licence(models.TextChoices):
        OWN = "own", "Our own work (staff photographer or agency we own)"
        AGENCY = "agency", "Licensed from an agency"
        PERMISSION = "permission", "Reproduced with the holder's permission"
        CC_BY = "cc-by", "Creative Commons Attribution"
        CC_BY_SA = "cc-by-sa", "Creative Commons Attribution-ShareAlike"
        PUBLIC_DOMAIN = "public-domain", "Public domain"
        HANDOUT = "handout", "Handout / press release"

    file = models.ImageField(
        upload_to=image_upload_to,
        width_field="width",
        height_field="height",
        max_length=255,
        help_text="JPEG, PNG or WebP. Location data and other metadata are removed on upload.",
    )
    alt_text = models.CharField(
        max_length=300, help_text="Describe the picture for readers who cannot see it. Required."
    )
    caption = models.CharField(max_length=500, blank=True, help_text="Shown under the picture.")
    credit = models.CharField(
        max_length=200, help_text="Who took or made it, as printed: e.g. “Photo: Li Wei / Xinhua”."
    )
    copyright_holder = models.CharField(max_length=200, blank=True, help_text="Who owns the rights, if not the credit.")
    licence = models.CharField(
        max_length=20, choices=Licence, default=Licence.OWN, help_text="On what terms we use it."
    )
    source_url = models.URLField(max_length=500, blank=True, help_text="Where the picture came from, if outside.")
    width = models.PositiveIntegerField(editable=False, default=0)
    height = models.PositiveIntegerField(editable=False, default=0)
    focal_point_x = models.FloatField(
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="Optional: horizontal centre of interest, 0 (left) to 1 (right), kept when cropping.",
    )
    focal_point_y = models.FloatField(
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="Optional: vertical centre of interest, 0 (top) to 1 (bottom).",
    )
    sha256 = models.CharField(max_length=64, editable=False, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set by a copyright measure (editorial); the file then lives in private storage until restored.
    removed_at = models.DateTimeField(null=True, blank=True, editable=False)
    removal_note = models.CharField(max_length=300, blank=True, editable=False)

    objects = ImageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(focal_point_x__isnull=True) | Q(focal_point_x__gte=0, focal_point_x__lte=1),
                name="image_focal_x_in_range",
            ),
            models.CheckConstraint(
                condition=Q(focal_point_y__isnull=True) | Q(focal_point_y__gte=0, focal_point_y__lte=1),
                name="image_focal_y_in_range",
            ),
            models.CheckConstraint(condition=~Q(alt_text=""), name="image_alt_text_required"),
        ]

    def __str__(self) -> str:
        return self.caption[:60] or self.alt_text[:60] or f"Image {self.pk}"

    def get_absolute_url(self) -> str:
        return self.file.url if self.file else ""

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None

    def save(self, *args, **kwargs):
        # A new upload is cleaned (checked, EXIF stripped, orientation applied) before it is stored.
        if self.file and not getattr(self.file, "_committed", True):
            cleaned, _ = image_processing.clean_upload(self.file.file, name=self.file.name)
            self.sha256 = hashlib.sha256(cleaned.read()).hexdigest()
            cleaned.seek(0)
            self.file.save(cleaned.name, cleaned, save=False)
        super().save(*args, **kwargs)

    def make_renditions(self) -> list[Rendition]:
        """Make every configured rendition that is missing; existing ones are reused, never remade."""
        have = {(r.width, r.format) for r in self.renditions.all()}
        made = []
        for width in settings.IMAGE_RENDITION_WIDTHS:
            for fmt in image_processing.RENDITION_FORMATS:
                if (width, fmt) in have:
                    continue
                with self.file.open("rb") as source:
                    content, w, h = image_processing.render_rendition(source, width=width, fmt=fmt)
                ext = "jpg" if fmt == "jpeg" else fmt
                rendition = Rendition(image=self, width=width, format=fmt, actual_width=w, actual_height=h)
                rendition.file.save(f"{self.pk}-{width}.{ext}", content, save=False)
                rendition.save()
                made.append(rendition)
        return made

    def srcset(self, fmt: str = "jpeg") -> str:
        """`srcset` from prefetched renditions (no query when `renditions` was prefetched)."""
        parts = sorted({r.actual_width: r.file.url for r in self.renditions.all() if r.format == fmt}.items())
        return ", ".join(f"{url} {w}w" for w, url in parts)


class Rendition(PublicContent, models.Model):
    image = models.ForeignKey(Image, on_delete=models.CASCADE, related_name="renditions")
    width = models.PositiveIntegerField(help_text="The target width this rendition was made for.")
    format = models.CharField(max_length=8, choices=[("webp", "WebP"), ("jpeg", "JPEG"), ("avif", "AVIF")])
    file = models.ImageField(upload_to=rendition_upload_to, max_length=255)
    actual_width = models.PositiveIntegerField()
    actual_height = models.PositiveIntegerField()

    objects = PublicContentQuerySet.as_manager()

    class Meta:
        ordering = ["image", "format", "width"]
        constraints = [models.UniqueConstraint(fields=["image", "width", "format"], name="unique_rendition")]

    def __str__(self) -> str:
        return f"{self.image_id} @ {self.width}px {self.format}"


# --- Search (STYLE.md 7). The vendor-specific schema is made by migration 0003. ---

SEARCH_CONFIG = "english"
# How many of the most recent matching articles a search ranks (issue 7: a bounded cost at any size).
SEARCH_RANK_WINDOW = 500
SEARCH_MAX_CHARS = 256
SEARCH_MAX_TERMS = 16
# Private-use characters mark highlighted words in snippets; the template turns them into <mark>.
HIGHLIGHT_START, HIGHLIGHT_STOP = "\ue000", "\ue001"
_WORD_RE = re.compile(r"\w+")


def clean_search_query(q: str) -> str:
    """The reader's query as we search it: no control characters, at most SEARCH_MAX_CHARS long."""
    q = "".join(ch if ch.isprintable() else " " for ch in (q or ""))
    return " ".join(q.split())[:SEARCH_MAX_CHARS].strip()


def is_searchable(q: str) -> bool:
    """Whether a query has anything to look for (a word or a number, not only punctuation)."""
    return bool(_WORD_RE.search(q or ""))


def fts5_query(q: str) -> str:
    """Translate web-search syntax (words, "a phrase", -word, OR) into a safe SQLite FTS5 expression.

    Every term is rebuilt from its word characters and double-quoted, so nothing a reader types can
    reach FTS5 as syntax. Returns "" when no word is left to look for (only punctuation, or only words to
    exclude); search() uses that on every database to answer such queries with nothing.
    """
    positives: list[str] = []
    negatives: list[str] = []
    join_next_with_or = False
    for match in re.finditer(r'(-?)"([^"]*)"?|(\S+)', q):
        negate, phrase, word = match.group(1), match.group(2), match.group(3)
        if word is not None:
            if word.upper() == "OR" and positives:
                join_next_with_or = True
                continue
            negate, phrase = ("-", word[1:]) if word.startswith("-") else ("", word)
        words = _WORD_RE.findall(phrase or "")
        if not words:
            continue
        term = '"' + " ".join(words) + '"'
        if negate:
            negatives.append(term)
        elif join_next_with_or:
            positives[-1] = f"({positives[-1]} OR {term})"
            join_next_with_or = False
        else:
            positives.append(term)
        if len(positives) + len(negatives) >= SEARCH_MAX_TERMS:
            break
    if not positives:
        return ""
    expression = " AND ".join(positives)
    if negatives:
        expression = f"({expression}) NOT ({' OR '.join(negatives)})"
    return expression


_FTS_MATCH_SQL = "SELECT rowid FROM articles_article_fts WHERE articles_article_fts MATCH %s"
_FTS_ONE_ROW = "FROM articles_article_fts WHERE articles_article_fts MATCH %s AND rowid = articles_article.id"
# bm25 is lower for better matches; the columns are weighted title 10, standfirst 4, body 1.
_FTS_RANK_SQL = "SELECT -bm25(articles_article_fts, 10.0, 4.0, 1.0) " + _FTS_ONE_ROW
_FTS_SNIPPET_SQL = "SELECT snippet(articles_article_fts, -1, %s, %s, ' … ', 24) " + _FTS_ONE_ROW


class SearchVectorColumn(Expression):
    """The `search_vector` column PostgreSQL keeps itself (a generated column, migration 0003).

    It is not a model field, so it is never selected with an article or written on save.
    """

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection):
        alias = compiler.query.get_initial_alias()
        return f"{compiler.quote_name(alias)}.{connection.ops.quote_name('search_vector')}", []


class ArticleQuerySet(PublicContentQuerySet):
    def published(self, *, now: datetime | None = None) -> ArticleQuerySet:
        """The one rule for what a reader may see.

        Published or scheduled, with a publication time that has come (so a scheduled article appears by
        itself, with no worker), and not withheld. Views, feeds, sitemaps, search and recommendations all
        start here. `now`: the time to judge by (default: the present).
        """
        return self.filter(
            status__in=Article.LIVE_STATUSES,
            published_at__isnull=False,
            published_at__lte=now or timezone.now(),
        )

    def for_listing(self) -> ArticleQuerySet:
        """What a card in a listing needs, in a constant number of queries (the body is left behind)."""
        return self.select_related("section", "hero_image").prefetch_related("hero_image__renditions").defer("body")

    def tagged(self, tag=None, *, slug: str | None = None) -> ArticleQuerySet:
        """Articles carrying `tag` (or the tag with `slug`).

        A semi-join, not a join: for a tag thousands of articles carry, the database walks the newest
        articles and stops after a page, instead of joining every tagging and sorting them (27 ms at 100,000
        articles); for a rare tag it starts from the tag's index, whichever its statistics favour.
        """
        taggings = TaggedItem.objects.filter(
            content_type_id=ContentType.objects.get_for_model(Article).pk, object_id=OuterRef("pk")
        )
        taggings = taggings.filter(tag=tag) if tag is not None else taggings.filter(tag__slug=slug)
        return self.filter(Exists(taggings))

    def in_initiative(self, initiative=None, *, slug: str | None = None) -> ArticleQuerySet:
        """Articles about `initiative` (or the initiative with `slug`): a semi-join, as in `tagged`."""
        links = Article.initiatives.through.objects.filter(article_id=OuterRef("pk"))
        links = links.filter(initiative=initiative) if initiative is not None else links.filter(initiative__slug=slug)
        return self.filter(Exists(links))

    def older_than(self, published_at: datetime, pk: int) -> ArticleQuerySet:
        """Keyset step in the newest-first order: the articles after (published_at, pk). Never an OFFSET."""
        from django.db.models.fields.tuple_lookups import Tuple, TupleLessThan

        return self.filter(TupleLessThan(Tuple(F("published_at"), F("pk")), (published_at, pk)))

    def newer_than(self, published_at: datetime, pk: int) -> ArticleQuerySet:
        """Keyset step backwards: the articles before (published_at, pk) in the newest-first order."""
        from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan

        return self.filter(TupleGreaterThan(Tuple(F("published_at"), F("pk")), (published_at, pk)))

    def search(self, q: str) -> ArticleQuerySet:
        """Articles matching a reader's query, best first, with `search_rank` and `search_snippet`.

        Web-search syntax ("a phrase", -word, OR). On PostgreSQL: the generated `search_vector` column and
        its GIN index, ranked with title over standfirst over body. On SQLite: the FTS5 table the
        triggers of migration 0003 keep. Elsewhere: a plain substring match. Order: rank, then newest id.
        `search_snippet` is plain text (HTML-escaped) with HIGHLIGHT_START/STOP around matched words.
        """
        q = clean_search_query(q)
        if not fts5_query(q):  # nothing to look for, or only words to exclude: no results, as on the web
            return self.none().annotate(
                search_rank=Value(0.0, FloatField()), search_snippet=Value("", models.TextField())
            )
        vendor = connections[self.db].vendor
        if vendor == "postgresql":
            qs = self._search_postgresql(q)
        elif vendor == "sqlite":
            qs = self._search_sqlite(q)
        else:
            qs = self._search_fallback(q)
        return qs.order_by("-search_rank", "-pk")

    def _search_postgresql(self, q: str) -> ArticleQuerySet:
        query = SearchQuery(q, search_type="websearch", config=SEARCH_CONFIG)
        # The snippet comes from the standfirst and the body's text (tags and image markers removed).
        text = Func(
            Concat(F("dek"), Value(" "), F("body"), output_field=models.TextField()),
            Value(r"<[^>]*>|\[\[image:\d+\]\]"),
            Value(" "),
            Value("g"),
            function="regexp_replace",
        )
        matching = self.alias(search_match=SearchVectorColumn()).filter(search_match=query)
        return self._most_recent(matching).annotate(
            # float8, so a rank read back from a page link compares equal to the one in the database.
            search_rank=Cast(SearchRank(SearchVectorColumn(), query), FloatField()),
            search_snippet=SearchHeadline(
                text,
                query,
                config=SEARCH_CONFIG,
                start_sel=HIGHLIGHT_START,
                stop_sel=HIGHLIGHT_STOP,
                max_words=30,
                min_words=12,
                max_fragments=2,
                fragment_delimiter=" … ",
            ),
        )

    def _search_sqlite(self, q: str) -> ArticleQuerySet:
        expression = fts5_query(q)
        # The SQL is constant; the reader's words only ever travel as bound parameters.
        matching = self.filter(pk__in=RawSQL(_FTS_MATCH_SQL, [expression]))  # noqa: S611
        return self._most_recent(matching).annotate(
            search_rank=RawSQL(_FTS_RANK_SQL, [expression], output_field=FloatField()),  # noqa: S611
            search_snippet=RawSQL(  # noqa: S611
                _FTS_SNIPPET_SQL, [HIGHLIGHT_START, HIGHLIGHT_STOP, expression], output_field=models.TextField()
            ),
        )

    def _search_fallback(self, q: str) -> ArticleQuerySet:
        words = _WORD_RE.findall(q)[:SEARCH_MAX_TERMS]
        condition = Q()
        for word in words:
            condition &= Q(title__icontains=word) | Q(dek__icontains=word) | Q(body__icontains=word)
        return self._most_recent(self.filter(condition)).annotate(
            search_rank=Value(0.0, FloatField()), search_snippet=F("dek")
        )

    def _most_recent(self, matching: ArticleQuerySet) -> ArticleQuerySet:
        """The SEARCH_RANK_WINDOW most recent of `matching`, to be ranked.

        Ranking reads every candidate's search vector, so a word most articles contain would cost a read of
        most of the archive. The window bounds that: the database finds the newest matches by walking the
        publication-date index for common words and through the GIN index for rarer ones, whichever its
        statistics say is cheaper (docs/decisions.md, performance).
        """
        return self.filter(pk__in=matching.order_by("-published_at", "-pk").values("pk")[:SEARCH_RANK_WINDOW])

    def recommended_for(self, article: Article, *, limit: int = 24) -> list[Article]:
        """The pool of "Recommended reading" for `article`, best first, in one query.

        Published articles sharing the most initiatives (counted twice) and tags with it come first, then
        the most recent; never the article itself. Only the newest few hundred articles sharing something,
        plus the newest `limit`, are scored, so the cost does not grow with the archive. Reads the
        article's initiatives and tags from its prefetch cache when they were prefetched.

        Each candidate list walks the newest articles with an index and stops when it has enough, and
        each candidate is scored by two small correlated counts, instead of joining every article to every
        tag (issue 7: that join cost 6 ms at 2,000 articles and grew with the archive).
        """
        initiative_ids = [initiative.pk for initiative in article.initiatives.all()]
        tag_ids = [tag.pk for tag in article.tags.all()]
        candidates = self.published().exclude(pk=article.pk).order_by("-published_at", "-pk")
        pools = [candidates.values("pk")[:limit]]
        score = Value(0)
        if initiative_ids:
            sharing = Article.initiatives.through.objects.filter(
                article_id=OuterRef("pk"), initiative_id__in=initiative_ids
            )
            pools.append(candidates.filter(Exists(sharing)).values("pk")[:RECOMMENDATION_SCAN])
            score = score + 2 * SubqueryCount(sharing)
        if tag_ids:
            sharing = TaggedItem.objects.filter(
                content_type_id=ContentType.objects.get_for_model(Article).pk,
                object_id=OuterRef("pk"),
                tag_id__in=tag_ids,
            )
            pools.append(candidates.filter(Exists(sharing)).values("pk")[:RECOMMENDATION_SCAN])
            score = score + SubqueryCount(sharing)
        if connections[self.db].features.supports_slicing_ordering_in_compound:  # PostgreSQL
            pool = Q(pk__in=pools[0].union(*pools[1:]) if len(pools) > 1 else pools[0])
        else:  # SQLite takes no LIMIT inside a UNION
            pool = Q()
            for part in pools:
                pool |= Q(pk__in=part)
        return list(
            self.filter(pool)
            .select_related("section", "hero_image")
            .defer("body")
            .annotate(recommendation_score=score)
            .order_by("-recommendation_score", "-published_at", "-pk")[:limit]
        )


# How many of the newest articles sharing an initiative (and, apart, a tag) the recommendations score: enough
# to fill a pool of 24 with the best-matching ones (docs/decisions.md, performance).
RECOMMENDATION_SCAN = 60


class _KeptHere:
    """What `kept()` found lately, in this process's memory: keyed by the content state's token, so never
    stale either, and a round trip to the shared cache saved. The newest `KEPT_LOCAL_ENTRIES` (default
    2,000), each for `READER_MEMO_SECONDS` at most, like the shared copy."""

    def __init__(self):
        self._values: OrderedDict[str, tuple[float, object]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str):
        with self._lock:
            held = self._values.get(key)
            if held is None:
                return None
            if held[0] <= time.monotonic():
                del self._values[key]
                return None
            self._values.move_to_end(key)
            return held[1]

    def put(self, key: str, value, seconds: float) -> None:
        limit = getattr(settings, "KEPT_LOCAL_ENTRIES", 2000)
        with self._lock:
            self._values[key] = (time.monotonic() + seconds, value)
            while len(self._values) > max(limit, 0):
                self._values.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()

    def forked(self) -> None:
        self._lock = threading.Lock()
        self._values.clear()


kept_here = _KeptHere()


def _after_fork_in_child() -> None:
    global _held_state
    _held_state = None
    kept_here.forked()


os.register_at_fork(after_in_child=_after_fork_in_child)


def kept(name: str, compute, *, state: ContentState | None = None):
    """`compute()`, kept in the cache for as long as nothing a reader sees changes.

    For what is the same for every reader and costs a walk over many articles: it is stored under the
    content state's token (pass `state` when it is at hand), which changes whenever anything a reader can
    see is saved or comes due, so it is never stale. `READER_MEMO_SECONDS` (default 600; 0: never kept)
    bounds how long it stays in the shared cache; each process also keeps what it used lately (`kept_here`).
    A cache outage only means computing it each time. The value must not be changed by its users.
    """
    seconds = getattr(settings, "READER_MEMO_SECONDS", 600)
    if seconds <= 0:
        return compute()
    try:
        key = f"articles:kept:{name}:{(state or content_state()).token}"
        value = kept_here.get(key)
        if value is not None:
            return value
        value = cache.get(key)
    except Exception:
        logger.warning("kept %s: cache unavailable", name, exc_info=True)
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(key, value, seconds)
        except Exception:
            logger.warning("kept %s: cache unavailable", name, exc_info=True)
    kept_here.put(key, value, seconds)
    return value


def recommendation_pool(article: Article, *, state: ContentState | None = None) -> Sequence[Article]:
    """`Article.objects.recommended_for(article)`, kept until anything a reader sees changes (`kept`).

    The pool is the costliest part of an article page (an index walk over other articles) and the same for
    every reader. What is kept is the columns a recommendation shows, not model instances, which cost more
    to unpickle than the page spends on anything else.
    """
    computed = []

    def compute():
        computed.extend(Article.objects.recommended_for(article))
        return [_pool_row(item) for item in computed]

    rows = kept(f"recommended:{_POOL_FORMAT}:{article.pk}", compute, state=state)
    return computed or RecommendationPool(rows, article._state.db)


def initiatives_with_counts(*, state: ContentState | None = None) -> list[Initiative]:
    """Every initiative with `article_count`, how many published articles it has, kept until anything a
    reader sees changes (counting reads every article about each initiative: 120 ms at 100,000 articles)."""

    names = _attnames(Initiative)

    def compute():
        published = Article.objects.published()
        counted = Initiative.objects.annotate(article_count=Count("articles", filter=Q(articles__in=published)))
        return [(*(getattr(i, name) for name in names), i.article_count) for i in counted]

    # Kept as rows, so that each request gets instances of its own.
    initiatives = []
    for *values, count in kept("initiatives-with-counts:2", compute, state=state):
        initiative = Initiative.from_db(router.db_for_read(Initiative), names, values)
        initiative.article_count = count
        initiatives.append(initiative)
    return initiatives


# What a recommendation shows of an article, its section and its picture (templates/articles/recommended.html).
# The format is part of the cache key, so a deploy that changes it never reads the old one.
_POOL_FORMAT = 1
_POOL_ARTICLE = ("id", "title", "slug", "section_id", "hero_image_id", "published_at", "recommendation_score")
_POOL_SECTION = ("id", "name", "slug")
_POOL_IMAGE = ("id", "file", "alt_text", "width", "height", "removed_at")


def _pool_row(article: Article) -> tuple:
    section, image = article.section, article.hero_image
    return (
        tuple(getattr(article, name) for name in _POOL_ARTICLE),
        tuple(getattr(section, name) for name in _POOL_SECTION) if section else None,
        tuple(getattr(image, name).name if name == "file" else getattr(image, name) for name in _POOL_IMAGE)
        if image
        else None,
    )


class RecommendationPool(Sequence):
    """A memoised pool: each article is built from its kept columns only when a page shows it."""

    def __init__(self, rows: list[tuple], db: str | None):
        self._rows, self._db, self._built = rows, db, {}

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        index = range(len(self))[index]
        if index not in self._built:
            self._built[index] = _pool_article(self._rows[index], self._db)
        return self._built[index]

    @property
    def ids(self) -> list[int]:
        return [row[0][0] for row in self._rows]


def _pool_article(row: tuple, db: str | None) -> Article:
    values, section, image = row
    article = Article.from_db(db, _POOL_ARTICLE[:-1], values[:-1])
    article.recommendation_score = values[-1]
    article._state.fields_cache["section"] = Section.from_db(db, _POOL_SECTION, section) if section else None
    article._state.fields_cache["hero_image"] = Image.from_db(db, _POOL_IMAGE, image) if image else None
    return article


class SubqueryCount(Subquery):
    """How many rows a subquery finds, as an integer expression (0 when none)."""

    template = "(SELECT count(*) FROM (%(subquery)s) _count)"
    output_field = models.IntegerField()


def recommendation_set(pool: list, page: int, size: int = 4) -> tuple[list, int, int]:
    """Set number `page` (from 1) of `pool` cut into sets of `size`.

    Sets do not repeat until the pool is used up; the last one is filled from the start of the pool, and
    after it the sets begin again. Returns (the set, the number of the next set, how many sets there are).
    """
    if not pool:
        return [], 1, 0
    count = -(-len(pool) // size)
    index = (max(page, 1) - 1) % count
    start = index * size
    chosen = [pool[(start + i) % len(pool)] for i in range(min(size, len(pool)))]
    return chosen, (index + 1) % count + 1, count


class Article(PublicContent, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        APPROVED = "approved", "Approved"
        SCHEDULED = "scheduled", "Scheduled"
        PUBLISHED = "published", "Published"
        UNPUBLISHED = "unpublished", "Unpublished"
        WITHHELD = "withheld", "Withheld (copyright measure)"

    # The statuses under which an article is live once its publication time has come.
    LIVE_STATUSES = (Status.PUBLISHED, Status.SCHEDULED)

    class RightsBasis(models.TextChoices):
        ORIGINAL = "original", "Original reporting"
        PERMISSION = "permission", "Reproduced with permission"
        QUOTED = "quoted", "Quoted (fair use / right to quote)"

    title = models.CharField(max_length=250, help_text="The headline as readers see it.")
    slug = models.SlugField(
        max_length=250,
        unique=True,
        blank=True,
        help_text="The article's address: /articles/<slug>/. Made from the headline if left empty; "
        "do not change it once published.",
    )
    dek = models.TextField(
        "standfirst",
        max_length=600,
        blank=True,
        help_text="One or two sentences under the headline that say what the story is and why it matters.",
    )
    body = models.TextField(
        blank=True,
        help_text="The story. Paragraphs, headings, quotes, lists and links; put [[image:ID]] on its own line "
        "to place an image from the library. Anything else is removed on save.",
    )
    section = models.ForeignKey(
        Section,
        on_delete=models.PROTECT,
        related_name="articles",
        null=True,
        blank=True,
        help_text="Where the article sits in the site's navigation.",
    )
    initiatives = models.ManyToManyField(
        Initiative, related_name="articles", blank=True, help_text="The programmes this story is about."
    )
    tags = TaggableManager(blank=True, help_text="Topics, people and places; separate with commas.")
    hero_image = models.ForeignKey(
        Image,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hero_of",
        help_text="The lead picture shown at the top and in listings and link previews.",
    )
    inline_images = models.ManyToManyField(
        Image,
        related_name="inline_in",
        blank=True,
        editable=False,
        help_text="Images placed in the body; kept in step with the body on save.",
    )
    language = models.CharField(max_length=10, choices=settings.LANGUAGES, default="en")
    editor = models.ForeignKey(
        "editorial.Editor",
        on_delete=models.PROTECT,
        related_name="edited_articles",
        help_text="First name on the credit line: “Edit: …”. The person who wrote or edited the copy.",
    )
    responsible_editor = models.ForeignKey(
        "editorial.Editor",
        on_delete=models.PROTECT,
        related_name="responsible_for_articles",
        help_text="Second name on the credit line: “Responsible editor: …”. Must not be the editor.",
    )
    original_publisher = models.CharField(
        max_length=200, blank=True, help_text="If reproduced: who published it first."
    )
    original_url = models.URLField(max_length=500, blank=True, help_text="If reproduced: where it was first published.")
    source_contact_email = models.EmailField(
        blank=True, help_text="If reproduced: whom to tell about a copyright complaint. Never shown publicly."
    )
    rights_basis = models.CharField(
        max_length=20,
        choices=RightsBasis,
        default=RightsBasis.ORIGINAL,
        help_text="On what basis we publish this text.",
    )
    status = models.CharField(max_length=20, choices=Status, default=Status.DRAFT, editable=False, db_index=True)
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        db_index=True,
        help_text="When it goes (or went) live. A future time schedules the article.",
    )
    first_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    featured = models.BooleanField(default=False, help_text="Show on the home page's lead slot.")
    # Optimistic locking: each save increments it, and a form holding an older number is refused.
    version = models.PositiveIntegerField(default=1, editable=False)
    # Set by a copyright measure (editorial) while the article is withheld, like Image.removed_at: its address
    # then answers 451 with this text instead of the article (RFC 7725).
    withheld_at = models.DateTimeField(null=True, blank=True, editable=False)
    withheld_note = models.TextField(
        blank=True,
        editable=False,
        help_text="Shown at the article's address while it is withheld: what was done, when, on what kind of "
        "complaint, that it is not a finding of infringement, and how to counter-notify.",
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "-published_at", "-id"], name="article_listing_idx"),
            # The home page's lead slot: without it, finding the few featured articles read the whole archive
            # (43 ms at 100,000 articles; docs/decisions.md, performance).
            models.Index(fields=["-published_at", "-id"], condition=Q(featured=True), name="article_featured_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(editor=models.F("responsible_editor")),
                name="article_two_person_credit",
                violation_error_message="The responsible editor must be a different person from the editor.",
            ),
            models.CheckConstraint(
                condition=Q(first_published_at__isnull=True) | Q(published_at__isnull=False),
                name="article_first_published_needs_published",
            ),
        ]
        permissions = [
            ("publish_article", "Can approve, schedule, publish and unpublish articles"),
            ("override_review", "Can override the two-person review rule (chief editor)"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return slug_path("articles:detail", self.slug)

    def clean(self):
        super().clean()
        if self.editor_id and self.editor_id == self.responsible_editor_id:
            raise ValidationError(
                {"responsible_editor": "The responsible editor must be a different person from the editor."}
            )

    @classmethod
    def from_db(cls, db, field_names, values, *, fetch_mode=None):
        article = super().from_db(db, field_names, values, fetch_mode=fetch_mode)
        # Whether readers could see it (or it was scheduled) as loaded: saving it then changes every listing.
        status = article.__dict__.get("status")
        article._listed_as_loaded = None if status is None else status in cls.LIVE_STATUSES
        return article

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.title, max_length=250)
        self.body = sanitise_body(self.body)
        super().save(*args, **kwargs)
        self.inline_images.set(self.inline_image_ids())

    def reader_change(self, pk: int | None = None) -> None:
        """Retire the pages that show this article (articles/cache.py).

        Listings only when it is, was or is about to be live: a draft's edits show nowhere. Every article
        page when it has just gone (or is about to go) live: it may join any recommendation pool. An
        instance whose earlier status is unknown (made in memory, or loaded without its status) counts as
        listed.
        """
        was = getattr(self, "_listed_as_loaded", None)
        now = self.status in self.LIVE_STATUSES and pk is None  # `pk` is given once it has been deleted
        article_changed(pk or self.pk, listed=was is None or was or now, arrived=now and not was)
        self._listed_as_loaded = now

    def inline_image_ids(self) -> list[int]:
        return [int(n) for n in INLINE_IMAGE_RE.findall(self.body)]

    @property
    def modified_at(self):
        """When readers last saw a change: the later of the last save and the publication time."""
        if self.published_at is None:
            return self.updated_at
        return max(self.updated_at, self.published_at)

    @property
    def is_live(self) -> bool:
        return (
            self.status in (self.Status.PUBLISHED, self.Status.SCHEDULED)
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )


class Correction(PublicContent, models.Model):
    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction"
        CLARIFICATION = "clarification", "Clarification"
        LEGAL = "legal", "Legal notice"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.CORRECTION)
    text = models.TextField(help_text="What was wrong and what is right now, in plain words. Shown publicly.")
    published_at = models.DateTimeField(default=timezone.now, help_text="The date shown beside the correction.")

    objects = PublicContentQuerySet.as_manager()

    class Meta:
        ordering = ["article", "published_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to “{self.article}” on {self.published_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return f"{self.article.get_absolute_url()}#correction-{self.pk}"

    def reader_change(self, pk: int | None = None) -> None:
        # A correction shows on its article's page only.
        article_changed(self.article_id, listed=False)


def private_storage():
    """Storage for files that must never have a public URL (evidence, withheld images)."""
    return storages["private"]


# --- One published article by its slug, with its hero picture: the article page's query, compiled once ---

_SLUG_MARK = "\x00slug"
_NOW_MARK = datetime(1970, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
_compiled = threading.local()  # per thread: converters belong to the thread's own connection


@dataclass(frozen=True)
class _CompiledLookup:
    sql: str
    params: tuple
    slug_at: int
    now_at: int
    article: tuple[list[int], list[str]]  # positions in the row, and the attribute names they fill
    image: tuple[list[int], list[str]]
    converters: dict


def published_article(slug: str, *, using: str | None = None) -> Article | None:
    """`Article.objects.published().select_related("hero_image").filter(slug=slug).first()`, without
    building and compiling the query on every call.

    The article page asks this once per request, and the ORM spends longer building the query and turning
    it into SQL than the database takes to answer it (docs/performance.md). So the query is built and
    compiled once per database and thread from `published()` itself, which stays the one visibility rule,
    with markers in place of the slug and the current time; each call puts the real values in their
    places, runs the same SQL through Django's cursor (so it is logged and counted like any query) and
    builds the article and its picture from the row exactly as the ORM would, converters included. The
    answers are the ORM's (tests/test_article_lookup.py).
    """
    using = using or router.db_for_read(Article)
    cache_by_key = getattr(_compiled, "lookups", None)
    if cache_by_key is None:
        cache_by_key = _compiled.lookups = {}
    key = (using, ArticleQuerySet.published)  # compiled again if the rule itself is replaced (tests do)
    lookup = cache_by_key.get(key)
    if lookup is None:
        lookup = cache_by_key[key] = _compile_lookup(using)
    connection = connections[using]
    values = list(lookup.params)
    values[lookup.slug_at] = slug
    values[lookup.now_at] = connection.ops.adapt_datetimefield_value(timezone.now())
    with prepared_cursor(connection) as cursor:
        cursor.execute(lookup.sql, values)
        row = cursor.fetchone()
    if row is None:
        return None
    row = list(row)
    for position, (converters, expression) in lookup.converters.items():
        for converter in converters:
            row[position] = converter(row[position], expression, connection)
    positions, names = lookup.article
    article = Article.from_db(using, names, [row[i] for i in positions])
    positions, names = lookup.image
    image_values = [row[i] for i in positions]
    image = Image.from_db(using, names, image_values) if image_values[names.index("id")] is not None else None
    Article._meta.get_field("hero_image").set_cached_value(article, image)
    return article


def _compile_lookup(using: str) -> _CompiledLookup:
    connection = connections[using]
    queryset = (
        Article.objects.using(using)
        .published(now=_NOW_MARK)
        .select_related("hero_image")
        .filter(slug=_SLUG_MARK)
        .order_by()[:1]
    )
    compiler = queryset.query.get_compiler(using)
    sql, params = compiler.as_sql()
    params = tuple(params)
    marked_now = connection.ops.adapt_datetimefield_value(_NOW_MARK)
    slug_at = [i for i, value in enumerate(params) if value == _SLUG_MARK]
    now_at = [i for i, value in enumerate(params) if value == marked_now]
    (image_info,) = compiler.klass_info["related_klass_infos"]
    if len(slug_at) != 1 or len(now_at) != 1 or image_info["model"] is not Image:
        raise ImproperlyConfigured(f"published_article: cannot place the slug and the time in {sql!r}")

    def columns(info) -> tuple[list[int], list[str]]:
        positions = list(info["select_fields"])
        return positions, [compiler.select[i][0].target.attname for i in positions]

    return _CompiledLookup(
        sql=sql,
        params=params,
        slug_at=slug_at[0],
        now_at=now_at[0],
        article=columns(compiler.klass_info),
        image=columns(image_info),
        converters=compiler.get_converters([column for column, _, _ in compiler.select]),
    )


# --- Sections and editors: a handful of rows every article page shows, kept instead of joined ---


def site_people_and_sections(*, state: ContentState | None = None) -> tuple[dict, dict]:
    """Every section and editor as a row of column values by primary key, kept until anything a reader
    sees changes (`kept`: saving a section or an editor changes the content state).

    An article page takes its section and both editors of its credit line from here rather than joining
    three more rows into its query: the join costs more to compile and plan than the article itself does
    to fetch (docs/performance.md).
    """
    from editorial.models import Editor

    def compute():
        return (
            {row[0]: row for row in Section._base_manager.values_list(*_attnames(Section))},
            {row[0]: row for row in Editor._base_manager.values_list(*_attnames(Editor))},
        )

    return kept("people-and-sections:1", compute, state=state)


def attach_people_and_section(article: Article, *, state: ContentState | None = None) -> None:
    """Give `article` its section, editor and responsible editor from the kept rows, as `select_related`
    would have. One not found there (saved after they were read) is left to load on first use."""
    from editorial.models import Editor

    sections, editors = site_people_and_sections(state=state)
    db = article._state.db
    for name, model, rows in (
        ("section", Section, sections),
        ("editor", Editor, editors),
        ("responsible_editor", Editor, editors),
    ):
        field = Article._meta.get_field(name)
        pk = getattr(article, field.attname)
        if pk is None:
            field.set_cached_value(article, None)
        elif pk in rows:
            field.set_cached_value(article, model.from_db(db, _attnames(model), rows[pk]))


def _attnames(model: type[models.Model]) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields]


# --- What an article page shows besides the article (issue 7: one query instead of four) ---


def load_page_relations(article: Article) -> None:
    """Fetch the article's tags, initiatives and corrections in one query, and the images its body places
    (a second query, only when it places one), into its prefetch cache: `article.tags.all()`,
    `article.initiatives.all()`, `article.corrections.all()` and `article.inline_images.all()` then cost
    nothing more, exactly as after `prefetch_related`.

    Plain SQL, the same on PostgreSQL and SQLite: the ORM's four prefetches cost more in Python than the
    database spends answering them (issue 7). Tags and initiatives come with their name and slug only (the
    rest is deferred): what a page shows of them.
    """
    db = article._state.db or router.db_for_read(Article, instance=article)
    connection = connections[db]
    q = connection.ops.quote_name
    tagged = TaggedItem._meta
    initiatives_through = Article.initiatives.through._meta
    # Corrections first: the date in their fifth column gives that column its type in the union. Only names
    # from the models' own metadata go into the text; every value is a parameter.
    sql = (
        f"SELECT 3, c.{q('id')}, c.{q('kind')}, c.{q('text')}, c.{q('published_at')}, c.{q('id')} "  # noqa: S608
        f"FROM {q(Correction._meta.db_table)} c WHERE c.{q('article_id')} = %s "
        f"UNION ALL SELECT 1, t.{q('id')}, t.{q('name')}, t.{q('slug')}, NULL, 0 "
        f"FROM {q(Tag._meta.db_table)} t INNER JOIN {q(tagged.db_table)} i ON i.{q('tag_id')} = t.{q('id')} "
        f"WHERE i.{q('content_type_id')} = %s AND i.{q('object_id')} = %s "
        f"UNION ALL SELECT 2, n.{q('id')}, n.{q('name')}, n.{q('slug')}, NULL, n.{q('order')} "
        f"FROM {q(Initiative._meta.db_table)} n INNER JOIN {q(initiatives_through.db_table)} r "
        f"ON r.{q('initiative_id')} = n.{q('id')} WHERE r.{q('article_id')} = %s"
    )
    content_type = ContentType.objects.db_manager(db).get_for_model(Article).pk
    with prepared_cursor(connection) as cursor:
        cursor.execute(sql, [article.pk, content_type, article.pk, article.pk])
        rows = cursor.fetchall()
    tags, initiatives, corrections = [], [], []
    for row, pk, a, b, at, rank in rows:
        if row == 1:
            tags.append(Tag.from_db(db, ["id", "name", "slug"], [pk, a, b]))
        elif row == 2:
            initiatives.append((rank, a, Initiative.from_db(db, ["id", "name", "slug"], [pk, a, b])))
        else:
            at = _database_datetime(at, connection)
            fields = ["id", "article_id", "kind", "text", "published_at"]
            corrections.append((at, rank, Correction.from_db(db, fields, [pk, article.pk, a, b, at])))
    tags.sort(key=lambda tag: tag.name)
    inline = article.inline_image_ids()
    images = list(Image.objects.using(db).filter(pk__in=inline)) if inline else []
    _set_prefetched(article, "tags", Tag, tags)
    _set_prefetched(article, "initiatives", Initiative, [i for *_, i in sorted(initiatives, key=lambda t: t[:2])])
    _set_prefetched(article, "corrections", Correction, [c for *_, c in sorted(corrections, key=lambda t: t[:2])])
    _set_prefetched(article, "inline_images", Image, images)


def _database_datetime(value, connection) -> datetime:
    # PostgreSQL answers with an aware datetime; SQLite with text in UTC, which the ORM would have parsed.
    if isinstance(value, str):
        value = parse_datetime(value)
        if settings.USE_TZ and timezone.is_naive(value):
            value = timezone.make_aware(value, UTC)
    return value


def _set_prefetched(instance: models.Model, name: str, model: type[models.Model], objects: list) -> None:
    # What prefetch_related leaves behind: a queryset already holding its results, under the relation's name.
    queryset = model._default_manager.all()
    queryset._result_cache = objects
    queryset._prefetch_done = True
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[name] = queryset


# --- Changes made without a save of ours ---
# Tags and initiatives can be added to a saved article, and tags renamed in taggit's own admin; no model of
# ours is saved then, so these receivers retire the cached pages and ETags that show them. They carry no
# domain logic (STYLE.md 6): they only say that what readers see has changed.


def _relations_changed(sender, instance, action, pk_set=None, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear") or (action != "post_clear" and not pk_set):
        return
    if isinstance(instance, Article):
        status = instance.__dict__.get("status")
        live = status is None or status in Article.LIVE_STATUSES
        # A new tag or initiative may bring it into other articles' recommendations.
        article_changed(instance.pk, listed=live, arrived=live and action == "post_add")
    else:  # from the other side (an initiative's or a tag's articles): which articles is not worth working out
        content_changed()


def _tag_changed(sender, **kwargs):
    content_changed()


models.signals.m2m_changed.connect(_relations_changed, sender=Article.initiatives.through)
models.signals.m2m_changed.connect(_relations_changed, sender=Article.tags.through)
models.signals.post_save.connect(_tag_changed, sender=Tag)
models.signals.post_delete.connect(_tag_changed, sender=Tag)
