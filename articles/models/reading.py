"""What reader pages load, and what is kept between requests (issue 7, docs/performance.md)."""

from __future__ import annotations

import functools
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, models, router
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from taggit.models import Tag, TaggedItem

from config.db import prepared_cursor

from .article import Article, ArticleQuerySet, Correction
from .content import ContentState, content_state
from .pictures import Image
from .topics import Initiative, Section

logger = logging.getLogger(__name__)


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
_POOL_IMAGE = ("id", "file", "alt_text", "width", "height", "removed_at", "focal_point_x", "focal_point_y")


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
    Editor = apps.get_model("editorial", "Editor")  # by name: articles never imports editorial (STYLE.md 16)

    def compute():
        return (
            {row[0]: row for row in Section._base_manager.values_list(*_attnames(Section))},
            {row[0]: row for row in Editor._base_manager.values_list(*_attnames(Editor))},
        )

    return kept("people-and-sections:1", compute, state=state)


def attach_people_and_section(article: Article, *, state: ContentState | None = None) -> None:
    """Give `article` its section, editor and responsible editor from the kept rows, as `select_related`
    would have. One not found there (saved after they were read) is left to load on first use."""
    Editor = apps.get_model("editorial", "Editor")  # by name: articles never imports editorial (STYLE.md 16)
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


@functools.cache
def _attnames(model: type[models.Model]) -> tuple[str, ...]:
    return tuple(field.attname for field in model._meta.concrete_fields)


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
    # PostgreSQL answers with an aware datetime. SQLite answers in UTC without saying so: text, or, when the
    # driver parses the column's declared type, a naive datetime (issue 12, point 9: the correction's time
    # then lost its zone in JSON-LD and <time datetime>). Either is made aware here, as the ORM would.
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and settings.USE_TZ and timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value


def _set_prefetched(instance: models.Model, name: str, model: type[models.Model], objects: list) -> None:
    # What prefetch_related leaves behind: a queryset already holding its results, under the relation's name.
    queryset = model._default_manager.all()
    queryset._result_cache = objects
    queryset._prefetch_done = True
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[name] = queryset
