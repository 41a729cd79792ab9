"""The content version and state behind every ETag and cached page, and what makes a model public content:
saving one changes the pages that show it (and purges them from the edge)."""

from __future__ import annotations

import logging
import secrets
import time
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify
from pypinyin import lazy_pinyin


def unique_slug(instance: models.Model, value: str, *, field: str = "slug", max_length: int = 200) -> str:
    """A readable ASCII slug of `value` (Chinese in pinyin), adding -2, -3, ... until no other row of the model
    has it, now or as an old address (a new page never takes over a link that still leads somewhere)."""
    from .addresses import old_address_taken  # addresses builds on content types, loaded after this module

    base = readable_slug(value)[: max_length - 8].strip("-") or instance._meta.model_name
    candidate, n = base, 2
    manager = instance._meta.default_manager
    while manager.filter(**{field: candidate}).exclude(pk=instance.pk).exists() or old_address_taken(
        type(instance), candidate
    ):
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def readable_slug(value: str) -> str:
    """`value` as an ASCII slug, with Chinese characters in toneless pinyin, one syllable a word:
    “一带一路倡议十周年” gives yi-dai-yi-lu-chang-yi-shi-zhou-nian (docs/decisions.md, stable addresses)."""
    return slugify(" ".join(lazy_pinyin(value)), allow_unicode=False)


# --- What readers see changed: one content version, the content state behind ETags, and purges ---
#
# Every change a reader could see goes through `content_changed(*keys)`: the one function that, after the
# transaction commits, moves the content version (retiring every ETag and every page of the fallback page
# cache, articles/cache.py) and purges exactly `keys` from the edge (articles/edge.py, a durable task).
# Models name their keys in `reader_change` (the surrogate-key vocabulary of articles/edge.py).

logger = logging.getLogger(__name__)

CONTENT_VERSION_KEY = "articles:content-version"
CONTENT_STATE_PREFIX = "articles:content-state:"
# A content state is kept at most this long (a new version leaves the old one behind in the cache).
STATE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class ContentState:
    """A token that changes whenever anything a reader can see changes, and since when it holds."""

    token: str
    changed_at: datetime
    # The next scheduled publication still to come: when it passes, the public site changes by itself.
    next_due: datetime | None


def content_version() -> int:
    """The site-wide content version: moved by every change readers could see, and by a schedule coming due.

    Kept in the shared cache. Lost (an eviction, a restart), it starts again above any value it had, so a
    page or state stored under an old version is never taken for a current one.
    """
    version = cache.get(CONTENT_VERSION_KEY)
    if version is None:
        cache.add(CONTENT_VERSION_KEY, _fresh_version(), timeout=None)
        version = cache.get(CONTENT_VERSION_KEY)
    if version is None:  # a cache that keeps nothing (DummyCache): every request is a new version
        return _fresh_version()
    return version


def bump_content_version() -> None:
    """Move the content version: every ETag and every page the fallback page cache holds is retired."""
    try:
        cache.incr(CONTENT_VERSION_KEY)
    except ValueError:  # lost: start above where it was
        cache.add(CONTENT_VERSION_KEY, _fresh_version(), timeout=None)
    except Exception:  # a cache outage must not stop an editor's save; pages then expire by their timeout
        logger.warning("content version: could not move it", exc_info=True)


def _fresh_version() -> int:
    # Microseconds since 1970: a version lost and started again begins above the values it reached before.
    return time.time_ns() // 1000


def content_state() -> ContentState:
    """The current content state: its token is the content version, `next_due` the next scheduled
    publication. One small query when the cache holds no state for the current version; a schedule that
    has come due moves the version (once, whichever process notices first)."""
    now = timezone.now()
    try:
        version = content_version()
        state = cache.get(f"{CONTENT_STATE_PREFIX}{version}")
        if isinstance(state, ContentState) and state.next_due is not None and state.next_due <= now:
            # What readers see changed by itself: a new version for everyone, moved by one process.
            if cache.add(f"{CONTENT_STATE_PREFIX}{version}:due", True, timeout=60):
                bump_content_version()
            version, state = content_version(), None
    except Exception:  # a cache outage must not take the site down: no 304s until it is back
        logger.warning("content state: cache unavailable", exc_info=True)
        return ContentState(token=secrets.token_hex(8), changed_at=now, next_due=_next_due(now))
    if isinstance(state, ContentState):
        return state
    state = ContentState(token=f"{version:x}", changed_at=now, next_due=_next_due(now))
    try:
        # Processes that found it missing at once agree on the first one stored (one Last-Modified).
        if not cache.add(f"{CONTENT_STATE_PREFIX}{version}", state, timeout=STATE_SECONDS):
            stored = cache.get(f"{CONTENT_STATE_PREFIX}{version}")
            state = stored if isinstance(stored, ContentState) else state
    except Exception:
        logger.warning("content state: cache unavailable", exc_info=True)
    return state


def _next_due(now: datetime) -> datetime | None:
    from .article import Article  # the article module builds on this one

    return (
        Article.objects.filter(status__in=Article.LIVE_STATUSES, published_at__gt=now)
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )


def content_changed(*keys: str) -> None:
    """What readers see changed on the pages tagged with `keys` (articles/edge.py); none: on every page.

    The content version moves now (a request later in the same transaction, or a test, sees the change)
    and again once the transaction commits: a page rendered meanwhile from the data before the change was
    stored under the version in between, which the commit retires. The edge purges `keys` after the commit
    (`edge.purge_after_commit`: nothing when no edge is configured).
    """
    from .. import edge  # edge builds on the models' vocabulary, not the other way round

    keys = tuple(dict.fromkeys(keys)) or (edge.SITE,)
    if transaction.get_connection().in_atomic_block:
        bump_content_version()
    transaction.on_commit(bump_content_version)
    edge.purge_after_commit(keys)


def article_changed(pk: int, *, listed: bool = True) -> None:
    """The article `pk` changed: its page and the pages showing it (recommendations tag it too); with
    `listed` (it is, was or is about to be live) every listing."""
    from .. import edge

    content_changed(edge.article_key(pk), *([edge.LISTINGS] if listed else []))


class PublicContentQuerySet(models.QuerySet):
    """Bulk writes change what readers see as much as save() does; which rows is not worth working out,
    so they count as a change on every page."""

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
    """Mixin for models readers see: saving or deleting one changes the pages that show it (`reader_change`)."""

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.reader_change()

    def delete(self, *args, **kwargs):
        pk = self.pk
        result = super().delete(*args, **kwargs)
        self.reader_change(pk)
        return result

    def surrogate_keys(self, pk: int | None = None) -> tuple[str, ...]:
        """The keys of the pages that show this object (articles/edge.py); by default every page."""
        from .. import edge

        return (edge.SITE,)

    def reader_change(self, pk: int | None = None) -> None:
        """What readers may see changed because of this object: the pages tagged with its keys."""
        content_changed(*self.surrogate_keys(pk))
