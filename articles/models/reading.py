"""What reader pages share between requests, through Django's cache framework (issue 13, docs/decisions.md).

What is the same for every reader is kept: an article page's article with everything it shows (its
credit line, section, tags, initiatives, corrections, pictures and their renditions) and its recommendation
pool, and the initiatives' article counts. Each is built with ordinary querysets on a miss and stored under the
content state's token, which changes whenever anything a reader can see changes or comes due, so a kept value
is never stale and nothing has to be purged. Model instances are kept as they are (Django pickles them with
what was prefetched), so a page reads them exactly as it would have read them from the database.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Prefetch, Q, prefetch_related_objects

from .article import Article
from .content import ContentState, content_state
from .corrections import Correction
from .pictures import Image
from .topics import Initiative

logger = logging.getLogger(__name__)


def shared_by_readers[T](name: str, compute: Callable[[], T], *, state: ContentState | None = None) -> T:
    """`compute()`, kept in the cache until anything a reader sees changes (`cache.get_or_set` under the
    content state's token). `READER_MEMO_SECONDS` (default 600; 0: never kept) bounds how long. A cache
    outage only means computing it each time."""
    seconds = getattr(settings, "READER_MEMO_SECONDS", 600)
    if seconds <= 0:
        return compute()
    key = f"articles:shared:{name}:{(state or content_state()).token}"
    try:
        return cache.get_or_set(key, compute, seconds)
    except Exception:  # the cache is down (Redis unreachable): the page is still served
        logger.warning("%s: cache unavailable", name, exc_info=True)
        return compute()


@dataclass
class ArticlePage:
    """What an article page shows: the article, loaded with everything on it, and its recommendation pool."""

    article: Article
    recommendations: list[Article]

    @property
    def pictures(self) -> list[Image]:
        """The hero and inline pictures of the article (not the recommendations')."""
        inline = list(self.article.inline_images.all()) if self.article.inline_image_ids() else []
        return [p for p in [self.article.hero_image, *inline] if p is not None]


def article_page(slug: str, *, state: ContentState | None = None) -> ArticlePage | None:
    """The published article at `slug` with all an article page shows, or None; kept until anything a reader
    sees changes (`shared_by_readers`), so another reader a moment later costs no query.

    On a miss: the article with its credit line, section and hero picture (one query), its tags, initiatives
    and corrections (one query each), the pictures its body places (only if it places one), its
    recommendations (`recommended_for`, one query) and the renditions of every picture on the page (one).
    """
    digest = hashlib.blake2b(slug.encode(), digest_size=16).hexdigest()  # any length, any character
    return shared_by_readers(f"article-page:{digest}", lambda: load_article_page(slug), state=state)


def load_article_page(slug: str) -> ArticlePage | None:
    article = (
        Article.objects.published()
        .select_related("section", "editor", "responsible_editor", "hero_image")
        .prefetch_related(
            "tags",  # taggit's relation takes no queryset of ours
            Prefetch("initiatives", queryset=Initiative.objects.only("name", "slug", "order")),
            Prefetch("corrections", queryset=Correction.objects.order_by("published_at", "pk")),
        )
        .filter(slug=slug)
        .first()
    )
    if article is None:
        return None
    return page_for(article)


def page_for(article: Article) -> ArticlePage:
    """What the page of `article` (loaded with its credit line, section, hero, tags, initiatives and
    corrections) shows: its placed pictures, its recommendations and every picture's renditions. A preview
    builds a draft's page with it too."""
    if article.inline_image_ids():  # most articles place no picture in their text: no query for them
        prefetch_related_objects([article], "inline_images")
    page = ArticlePage(article, Article.objects.recommended_for(article))
    pictures = page.pictures + [a.hero_image for a in page.recommendations if a.hero_image is not None]
    prefetch_related_objects(pictures, "renditions")
    return page


def initiatives_with_counts(*, state: ContentState | None = None) -> list[Initiative]:
    """Every initiative with `article_count`, how many published articles it has, kept until anything a
    reader sees changes (counting reads every article about each initiative: 120 ms at 100,000 articles)."""

    def compute() -> list[Initiative]:
        published = Article.objects.published()
        return list(Initiative.objects.annotate(article_count=Count("articles", filter=Q(articles__in=published))))

    return shared_by_readers("initiatives-with-counts", compute, state=state)


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
