"""The editor's desk: each person's queues of articles (the admin's dashboard and changelist filter)."""

from __future__ import annotations

import datetime

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from editorial.models import AuditEvent

from .models import ArticleRevision, Editor

S = Article.Status


QUEUES = {
    "my_drafts": "My drafts",
    "my_review": "Waiting for my review",
    "changes_requested": "Changes requested of me",
    "pending_changes": "Changes to live articles waiting for review",
    "scheduled": "Scheduled",
    "recently_published": "Recently published (7 days)",
}
RECENT_DAYS = 7


def queue_q(key: str, *, editor, now: datetime.datetime | None = None) -> Q:
    """The articles in queue `key` for the person whose Editor profile is `editor` (None: no profile).

    "My" queues are empty for a user without an Editor profile; the shared ones (scheduled, recently
    published) are the whole newsroom's.
    """
    now = now or timezone.now()
    nothing = Q(pk__isnull=True)  # matches no row
    match key:
        case "my_drafts":
            return Q(editor=editor, status=S.DRAFT) if editor else nothing
        case "my_review":
            return Q(responsible_editor=editor, status=S.IN_REVIEW) & ~Q(editor=editor) if editor else nothing
        case "changes_requested":
            return Q(editor=editor, status=S.CHANGES_REQUESTED) if editor else nothing
        case "pending_changes":
            # The whole newsroom's: any responsible editor who did not write the change may publish it.
            return Q(
                Exists(ArticleRevision.objects.filter(article=OuterRef("pk"), state=ArticleRevision.State.PENDING))
            )
        case "scheduled":
            return Q(status=S.SCHEDULED, published_at__gt=now)
        case "recently_published":
            return Q(
                status__in=[S.PUBLISHED, S.SCHEDULED],
                published_at__lte=now,
                published_at__gt=now - datetime.timedelta(days=RECENT_DAYS),
            )
    raise KeyError(key)


def editor_profile(user):
    """The Editor profile of a signed-in user, or None."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Editor.objects.filter(user=user).first()


def queue_counts(user) -> dict[str, int]:
    """How many articles are in each of `user`'s queues, in one query."""
    editor, now = editor_profile(user), timezone.now()
    return Article.objects.aggregate(
        **{key: Count("pk", filter=queue_q(key, editor=editor, now=now)) for key in QUEUES}
    )


def dashboard_queues(user) -> list[dict]:
    """Each queue of `user` with its count and the filtered admin list it links to (one query).

    Only for people who write or edit articles: a copyright officer reads articles but works complaints, so
    their home shows the complaint queue instead (editorial/copyright/queue.py `officer_home`).
    """
    if not user.has_perm("articles.change_article"):
        return []
    counts = queue_counts(user)
    changelist = reverse("admin:articles_article_changelist")
    queues = []
    for key, label in QUEUES.items():
        url = reverse("admin:articles_article_scheduled") if key == "scheduled" else f"{changelist}?queue={key}"
        queues.append({"key": key, "label": label, "count": counts[key], "url": url})
    return queues


def status_label(article: Article) -> str:
    """The article's status as it is true now: a scheduled article whose time has come reads "Published"."""
    if article.status == S.SCHEDULED and article.is_live:
        return S.PUBLISHED.label
    return article.get_status_display()


def withholding(article: Article) -> dict | None:
    """Why, when and by whom a withheld article was withheld, with the complaint's reference (None if not withheld).

    Read from the `article.withhold` audit event the workflow wrote; a copyright measure puts the complaint's
    reference in its details, and an officer's own withholding from the article screen has its note.
    """
    if article.status != S.WITHHELD:
        return None
    event = AuditEvent.objects.for_object(article).filter(action="article.withhold").first()
    if event is None:
        return {"by": "someone", "at": article.withheld_at, "note": "", "reference": "", "public_note": ""}
    details = event.details or {}
    return {
        "by": event.actor_label or "the system, carrying out a recorded decision",
        "at": event.created_at,
        "note": event.note,
        "reference": str(details.get("reference") or ""),
        "complaint_id": details.get("complaint"),
        "public_note": article.withheld_note,
    }
