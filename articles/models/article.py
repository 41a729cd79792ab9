"""Articles, their one visibility rule (`ArticleQuerySet.published`), and corrections."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.db import connections, models
from django.db.models import Exists, F, FloatField, Func, OuterRef, Q, Subquery, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils import timezone
from taggit.managers import TaggableManager
from taggit.models import Tag, TaggedItem

from ..richtext import INLINE_IMAGE_RE, sanitise_body
from .addresses import KeepsOldAddresses
from .content import PublicContent, PublicContentQuerySet, article_changed, content_changed, unique_slug
from .inline import sync_inline_images, unknown_image_ids, unknown_images_message  # noqa: F401
from .pictures import Image
from .search import (
    _FTS_MATCH_SQL,
    _FTS_RANK_SQL,
    _FTS_SNIPPET_SQL,
    _WORD_RE,
    HIGHLIGHT_START,
    HIGHLIGHT_STOP,
    SEARCH_CONFIG,
    SEARCH_MAX_TERMS,
    SEARCH_RANK_WINDOW,
    SearchVectorColumn,
    clean_search_query,
    fts5_query,
)
from .topics import Initiative, Section


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
            .only(*RECOMMENDATION_FIELDS)
            .annotate(recommendation_score=score)
            .order_by("-recommendation_score", "-published_at", "-pk")[:limit]
        )


# What a recommendation shows of an article, its section and its picture (templates/articles/recommended.html):
# the pool is kept in the cache, so it carries no more than that.
RECOMMENDATION_FIELDS = (
    "title",
    "slug",
    "published_at",
    "status",
    "section__name",
    "section__slug",
    "hero_image__file",
    "hero_image__alt_text",
    "hero_image__width",
    "hero_image__height",
    "hero_image__removed_at",
    "hero_image__focal_point_x",
    "hero_image__focal_point_y",
)


# How many of the newest articles sharing an initiative (and, apart, a tag) the recommendations score: enough
# to fill a pool of 24 with the best-matching ones (docs/decisions.md, performance).
RECOMMENDATION_SCAN = 60


class SubqueryCount(Subquery):
    """How many rows a subquery finds, as an integer expression (0 when none)."""

    template = "(SELECT count(*) FROM (%(subquery)s) _count)"
    output_field = models.IntegerField()


class Article(KeepsOldAddresses, PublicContent, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        APPROVED = "approved", "Approved"
        SCHEDULED = "scheduled", "Scheduled"
        PUBLISHED = "published", "Published"
        UNPUBLISHED = "unpublished", "Unpublished"
        WITHHELD = "withheld", "Withheld (copyright measure)"

    public_since_field = "first_published_at"  # a draft's slug was never public: no old address (addresses.py)
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
        help_text="The article's address: /articles/<slug>/. Made from the headline if left empty (Chinese in "
        "pinyin). Once published, a new slug keeps the old address working: it sends readers on to the new one.",
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
        settings.CREDIT_LINE_MODEL,
        on_delete=models.PROTECT,
        related_name="edited_articles",
        help_text="First name on the credit line: “Edit: …”. The person who wrote or edited the copy.",
    )
    responsible_editor = models.ForeignKey(
        settings.CREDIT_LINE_MODEL,
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
        return reverse("articles:detail", kwargs={"slug": self.slug})

    def clean_fields(self, exclude: Collection[str] | None = None) -> None:
        """Also refuse `[[image:ID]]` markers that name no picture, as an error on the body that keeps the
        editor's text (issue 12, point 4). Here rather than in clean() so that a form without the body
        skips it, as it skips the body's other checks."""
        errors = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if "body" not in (exclude or ()) and "body" not in errors:
            # Checked as save() will store it: sanitising can join a marker split by a stray tag.
            unknown = unknown_image_ids([int(n) for n in INLINE_IMAGE_RE.findall(sanitise_body(self.body))])
            if unknown:
                errors["body"] = [unknown_images_message(unknown)]
        if errors:
            raise ValidationError(errors)

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
        article.listed_when_loaded = None if status is None else status in cls.LIVE_STATUSES
        return article

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.title, max_length=250)
        self.body = sanitise_body(self.body)
        super().save(*args, **kwargs)
        sync_inline_images(self)  # derived from the body, like the sanitised body itself (docs/decisions.md)

    def reader_change(self, pk: int | None = None) -> None:
        """Purge the pages that show this article: those tagged with its key (its page, the pages that
        recommend it or list it), and every listing when it is, was or is about to be live (it comes or
        goes; a draft's edits show nowhere). An instance whose earlier status is unknown (made in memory,
        or loaded without its status) counts as listed.
        """
        was = getattr(self, "listed_when_loaded", None)
        now = self.status in self.LIVE_STATUSES and pk is None  # `pk` is given once it has been deleted
        article_changed(pk or self.pk, listed=was is None or was or now)
        self.listed_when_loaded = now

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


def credit_line_model() -> type[models.Model]:
    """The model of the people on the credit line (`settings.CREDIT_LINE_MODEL`), each with a public page."""
    return Article._meta.get_field("editor").related_model


def private_storage():
    """Storage for files that must never have a public URL (evidence, withheld images)."""
    return storages["private"]


# --- Changes made without a save of ours ---
# Tags and initiatives can be added to a saved article, and tags renamed in taggit's own admin; no model of
# ours is saved then, so these receivers retire the cached pages and ETags that show them. They carry no
# domain logic (STYLE.md 6): they only say that what readers see has changed.


def _relations_changed(sender, instance, action, pk_set=None, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear") or (action != "post_clear" and not pk_set):
        return
    if isinstance(instance, Article):
        status = instance.__dict__.get("status")
        article_changed(instance.pk, listed=status is None or status in Article.LIVE_STATUSES)
    else:  # from the other side (an initiative's or a tag's articles): which articles is not worth working out
        content_changed()


def _tag_changed(sender, instance, **kwargs):
    from ..edge import tag_key

    content_changed(tag_key(instance.pk))


models.signals.m2m_changed.connect(_relations_changed, sender=Article.initiatives.through)
models.signals.m2m_changed.connect(_relations_changed, sender=Article.tags.through)
models.signals.post_save.connect(_tag_changed, sender=Tag)
models.signals.post_delete.connect(_tag_changed, sender=Tag)
