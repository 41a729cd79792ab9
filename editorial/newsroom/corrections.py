"""Public corrections: appended to an article and recorded like a move, but not a change of state."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from articles.models import Article, Correction
from editorial.models import AuditEvent

from .permissions import Actor, may_act
from .workflow import MAX_NOTE_LENGTH, NotPermitted, WorkflowError, copy_state


def append_correction(
    article: Article, *, by, kind: str, text: str, published_at: datetime.datetime | None = None
) -> Correction:
    """Append a public correction. The article's `updated_at` (its dateModified) moves with it."""
    if not may_act(by, Actor.PUBLISHER, article) and not may_act(by, Actor.COPYRIGHT, article):
        raise NotPermitted("Only a responsible editor (or a copyright officer) may append a correction.")
    text = (text or "").strip()
    if not text:
        raise WorkflowError("Write what was wrong and what is right now.")
    if len(text) > MAX_NOTE_LENGTH:
        raise WorkflowError(f"The correction is too long: at most {MAX_NOTE_LENGTH} characters, please.")
    if kind not in Correction.Kind.values:
        raise WorkflowError("Choose correction, clarification or legal notice.")
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        correction = Correction.objects.create(
            article=locked, kind=kind, text=text, published_at=published_at or timezone.now()
        )
        corrected(locked, correction, by=by)
    copy_state(locked, article)
    return correction


def corrected(article: Article, correction: Correction, *, by, changed: bool = False) -> None:
    """Record that `correction` was appended (or changed) and move the article's dateModified.

    Called inside the caller's transaction, with the article locked (the admin's inline does this too).
    """
    Article.objects.filter(pk=article.pk).update(updated_at=timezone.now(), version=F("version") + 1)
    article.refresh_from_db(fields=["updated_at", "version"])
    AuditEvent.record(
        actor=by,
        subject=article,
        action="article.correction_changed" if changed else "article.correction",
        from_state=article.status,
        to_state=article.status,
        note=correction.text[:500],
        details={"correction": correction.pk, "kind": correction.kind, "version": article.version},
    )
