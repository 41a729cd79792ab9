"""The content state behind every ETag, and what makes a model public content: saving one changes it."""

from __future__ import annotations

import logging
import os
import secrets
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify

from .. import cache as page_cache


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
    from .article import Article  # the article module builds on this one

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


def _after_fork_in_child() -> None:
    # A child process (gunicorn's workers) has heard nothing yet: it reads the state afresh.
    global _held_state
    _held_state = None


os.register_at_fork(after_in_child=_after_fork_in_child)


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
