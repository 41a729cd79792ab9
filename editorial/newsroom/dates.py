"""When an article goes live: the publication times a move sets (workflow.py calls these inside its moves)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from articles.models import Article


def go_live(article: Article, at: datetime.datetime | None = None) -> None:
    """Set the publication time for going live now, or at `at` (or keep an earlier time when republishing)."""
    now = timezone.now()
    if at is not None:
        article.published_at = at
    elif article.published_at is None or article.published_at > now:
        article.published_at = now
    set_first_publication(article)


def set_first_publication(article: Article) -> None:
    """`first_published_at` is when the article first went (or, scheduled, will go) live; once past, it stays."""
    if article.first_published_at is None or article.first_published_at > timezone.now():
        article.first_published_at = article.published_at


def forget_future_first_publication(article: Article) -> None:
    """A schedule that never came to pass leaves no first publication behind."""
    if article.first_published_at is not None and article.first_published_at > timezone.now():
        article.first_published_at = None
