"""Who counts as whom for an article: the actors of the workflow's table and the two-person rule.

The workflow (workflow.py) asks `may_act` before every move; the admin asks it to decide which buttons to show.
"""

from __future__ import annotations

from enum import StrEnum

from articles.models import Article
from editorial.models import AuditEvent

from .roles import ROLE_CHIEF_EDITOR, ROLE_COPYRIGHT_OFFICER


class Actor(StrEnum):
    """Who may make a transition. `may_act` below says what each one means."""

    EDITOR = "editor"
    REVIEWER = "reviewer"
    PUBLISHER = "publisher"
    CHIEF = "chief editor"
    COPYRIGHT = "copyright officer"


ACTOR_DESCRIPTIONS = {
    Actor.EDITOR: "an editor (anyone who may edit articles)",
    Actor.REVIEWER: "a responsible editor who did not write, edit or submit this version",
    Actor.PUBLISHER: "a responsible editor",
    Actor.CHIEF: "a chief editor",
    Actor.COPYRIGHT: "a copyright officer or chief editor",
}


def _in_group(user, *names: str) -> bool:
    if user.is_superuser:
        return True
    cached = getattr(user, "workflow_groups_cached", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user.workflow_groups_cached = cached
    return bool(cached & set(names))


def is_articles_editor(user, article: Article) -> bool:
    """Whether `user` is the person credited as `Edit:` on this article (the first of the two persons)."""
    return user.pk is not None and article.editor.user_id == user.pk


# What puts words into a version of an article (writing), and what closes a version off (a second person's
# approval). Whoever did one of the first since the last of the second wrote the version now up for approval.
WRITING_ACTIONS = frozenset(
    {
        "article.create",
        "article.edit",
        "article.submit",
        "article.restore_revision",
        "article.propose_change",
    }
)
APPROVING_ACTIONS = frozenset(
    {"article.approve", "article.publish", "article.override_publish", "article.approve_change"}
)


def authors_of_version(article: Article) -> set[int]:
    """User ids of everyone who wrote, edited or submitted the version of `article` that is up for approval.

    The two-person rule (issue 12): the credit line alone is not enough, because anyone who may edit can
    change it. The audit trail says who created, edited, restored or submitted the article since a second
    person last approved it; the credited editor counts too. A save that changed nothing is not writing.
    """
    authors = {article.editor.user_id} if article.editor_id and article.editor.user_id else set()
    events = (
        AuditEvent.objects.for_object(article)
        .filter(action__in=WRITING_ACTIONS | APPROVING_ACTIONS)
        .values_list("action", "actor_id", "details")
    )
    for action, actor_id, details in events:  # newest first
        if action in APPROVING_ACTIONS:
            break
        if action == "article.edit" and not (details or {}).get("fields"):
            continue
        if actor_id is not None:
            authors.add(actor_id)
    return authors


def wrote_this_version(user, article: Article, authors: set[int] | None = None) -> bool:
    """Whether `user` is one of the people who wrote, edited or submitted the version up for approval."""
    if user.pk is None:
        return False
    return user.pk in (authors if authors is not None else authors_of_version(article))


def may_act(user, actor: Actor, article: Article, *, authors: set[int] | None = None) -> bool:
    """Whether `user` counts as `actor` for this article (`authors`: `authors_of_version`, if known)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    match actor:
        case Actor.EDITOR:
            return user.has_perm("articles.change_article")
        case Actor.PUBLISHER:
            return user.has_perm("articles.publish_article")
        case Actor.REVIEWER:
            # The two-person rule: whoever approves, sends back or publishes did not write this version.
            return user.has_perm("articles.publish_article") and not wrote_this_version(user, article, authors)
        case Actor.CHIEF:
            return user.has_perm("articles.override_review")
        case Actor.COPYRIGHT:
            return _in_group(user, ROLE_COPYRIGHT_OFFICER, ROLE_CHIEF_EDITOR)
    return False
