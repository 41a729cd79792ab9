"""The article review workflow: one table of states and transitions, and one named function per transition.

How an article gets from a draft to readers, and who may move it (DESIGN.md section 4, issue 4):

    draft ──submit──▶ in review ──approve──▶ approved ──schedule──▶ scheduled ──(its time comes)──▶ live
      ▲                  │  │                   │                     │
      │     changes ◀────┘  └──────publish──────┴──────publish────────┘
      │    requested ──submit──▶ in review                 published ──unpublish──▶ unpublished
      └── (any state) ──withhold──▶ withheld ──restore──▶ (the state it was withheld from)

A scheduled article needs no worker: `Article.objects.published()` shows it once `published_at` has passed.

Every transition runs the same way (`_move`): inside `transaction.atomic`, it locks the article row with
`select_for_update`, checks the current state and the actor's role, changes the article, saves it with a new
`version`, keeps a revision and records an `AuditEvent`. Anything refused raises a `WorkflowError` whose
message is written for the person who clicked; nothing is half-changed because the whole move is one
transaction.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone

from articles.models import Article
from editorial import notifications
from editorial.models import AuditEvent

from . import dates, revisions
from .permissions import ACTOR_DESCRIPTIONS, Actor, authors_of_version, is_articles_editor, may_act, wrote_this_version

S = Article.Status

# Notes and comments longer than this are refused rather than stored (a pasted book is a mistake).
MAX_NOTE_LENGTH = 5000


class WorkflowError(Exception):
    """A transition was refused. `str(error)` is the message to show the person who asked for it."""


class WrongState(WorkflowError):
    """The article is not in a state this transition starts from (or someone moved it first)."""


class NotPermitted(WorkflowError):
    """This person may not make this transition on this article."""


class StaleArticle(WorkflowError):
    """The article changed since the page that asked for the transition was loaded."""


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset[str]
    targets: frozenset[str]
    actor: Actor
    needs_note: bool = False
    # Buttons the admin shows in this order; the more drastic ones are styled as such.
    drastic: bool = False
    help: str = ""
    extra: dict = field(default_factory=dict)


_ALL = frozenset(S.values)

# THE table: every article state and every allowed move, with who may make it. Nothing else moves `status`.
TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        Transition(
            "submit",
            "Submit for review",
            frozenset({S.DRAFT, S.CHANGES_REQUESTED, S.UNPUBLISHED}),
            frozenset({S.IN_REVIEW}),
            Actor.EDITOR,
            help="Hand the article to a responsible editor for review.",
        ),
        Transition(
            "request_changes",
            "Request changes",
            frozenset({S.IN_REVIEW, S.APPROVED, S.SCHEDULED}),
            frozenset({S.CHANGES_REQUESTED}),
            Actor.REVIEWER,
            needs_note=True,
            help="Send it back to the editor with a comment saying what to change.",
        ),
        Transition(
            "approve",
            "Approve",
            frozenset({S.IN_REVIEW}),
            frozenset({S.APPROVED}),
            Actor.REVIEWER,
            help="Approve the article as it is now; it can then be scheduled or published.",
        ),
        Transition(
            "schedule",
            "Schedule",
            frozenset({S.APPROVED, S.SCHEDULED}),
            frozenset({S.SCHEDULED}),
            Actor.REVIEWER,
            help="Publish it by itself at a future time (in the site's time zone).",
        ),
        Transition(
            "unschedule",
            "Cancel schedule",
            frozenset({S.SCHEDULED}),
            frozenset({S.APPROVED}),
            Actor.PUBLISHER,
            help="Keep it approved but not scheduled.",
        ),
        Transition(
            "publish",
            "Publish now",
            frozenset({S.IN_REVIEW, S.APPROVED, S.SCHEDULED, S.UNPUBLISHED}),
            frozenset({S.PUBLISHED}),
            Actor.REVIEWER,
            help="Put it live now.",
        ),
        Transition(
            "unpublish",
            "Unpublish",
            frozenset({S.PUBLISHED, S.SCHEDULED}),
            frozenset({S.UNPUBLISHED}),
            Actor.PUBLISHER,
            needs_note=True,
            drastic=True,
            help="Take it off the site (its address answers 404). Say why.",
        ),
        Transition(
            "return_to_review",
            "Return to review",
            frozenset({S.APPROVED, S.SCHEDULED}),
            frozenset({S.IN_REVIEW}),
            Actor.EDITOR,
            help="Approved copy was changed; the change needs a second look. The admin does this by itself.",
        ),
        Transition(
            "override_publish",
            "Publish by override",
            frozenset({S.DRAFT, S.IN_REVIEW, S.CHANGES_REQUESTED, S.APPROVED, S.SCHEDULED, S.UNPUBLISHED}),
            frozenset({S.PUBLISHED, S.SCHEDULED}),
            Actor.CHIEF,
            needs_note=True,
            drastic=True,
            help="Chief editors only: publish without the second person's review. Recorded as an override.",
        ),
        Transition(
            "load",
            "Load at its recorded state",
            frozenset({S.DRAFT}),
            frozenset({S.IN_REVIEW, S.PUBLISHED, S.SCHEDULED}),
            Actor.CHIEF,
            help="The system only: a new article comes in at the state it had where it was written (the demo).",
        ),
        # The copyright measure (issue 6) calls these two; they are exactly reversible.
        Transition(
            "withhold",
            "Withhold (copyright)",
            _ALL - {S.WITHHELD},
            frozenset({S.WITHHELD}),
            Actor.COPYRIGHT,
            needs_note=True,
            drastic=True,
            help="Copyright measure: its address answers 451 and it leaves every listing.",
        ),
        Transition(
            "restore",
            "Restore (copyright)",
            frozenset({S.WITHHELD}),
            _ALL - {S.WITHHELD},
            Actor.COPYRIGHT,
            needs_note=True,
            help="Undo a copyright measure: back to the state it was withheld from.",
        ),
    ]
}


def allowed_targets(state: str) -> set[str]:
    """Every state reachable from `state` in one move."""
    return {target for t in TRANSITIONS.values() if state in t.sources for target in t.targets}


def available_transitions(article: Article, user) -> list[Transition]:
    """The transitions `user` may make on `article` now (what the admin offers as buttons)."""
    authors = authors_of_version(article)
    return [
        t
        for t in TRANSITIONS.values()
        if article.status in t.sources
        and t.name not in {"return_to_review", "load"}  # done by the system, not offered as buttons
        and may_act(user, t.actor, article, authors=authors)
        and not (t.name in {"unschedule", "schedule"} and article.status == S.SCHEDULED and article.is_live)
        and (t.name != "unpublish" or article.is_live)  # before its time, "Cancel schedule" is the move
    ]


def _refusal(t: Transition, user, article: Article) -> str:
    if t.actor == Actor.REVIEWER and user.has_perm("articles.publish_article") and wrote_this_version(user, article):
        who = (
            "this article's editor"
            if is_articles_editor(user, article)
            else "one of the people who wrote, edited or submitted this version"
        )
        message = (
            f"You are {who}, so you cannot {t.label.lower()} it yourself: "
            "a second responsible editor must (the two-person rule)."
        )
        if user.has_perm("articles.override_review"):
            message += " As a chief editor you may publish it by override, with a reason."
        return message
    return f"Only {ACTOR_DESCRIPTIONS[t.actor]} may {t.label.lower()} this article."


def _state_label(state: str) -> str:
    return S(state).label if state in S.values else state


# --- the one way a status changes ---------------------------------------------------------------------------


def _move(
    article: Article,
    name: str,
    *,
    by,
    note: str = "",
    expected_version: int | None = None,
    target: str | None = None,
    change: Callable[[Article], None] | None = None,
    details: dict | None = None,
    action: str | None = None,
    system_allowed: bool = False,
) -> Article:
    """Make transition `name` on `article` for `by`, or raise a `WorkflowError` and change nothing.

    `article` is updated in place from the locked, saved row, so callers holding it see the new state.
    """
    t = TRANSITIONS[name]
    note = (note or "").strip()
    if t.needs_note and not note:
        raise WorkflowError(f"Please write a short note saying why ({t.label.lower()} needs one).")
    if len(note) > MAX_NOTE_LENGTH:
        raise WorkflowError(f"The note is too long: at most {MAX_NOTE_LENGTH} characters, please.")
    if isinstance(by, AnonymousUser):
        by = None
    with transaction.atomic():
        locked = Article.objects.select_for_update().select_related("editor").get(pk=article.pk)
        if expected_version is not None and locked.version != expected_version:
            raise StaleArticle(
                "The article changed since you opened this page (someone saved it or moved it on). "
                "Reload the page, check the changes, and try again."
            )
        if locked.status not in t.sources:
            allowed_from = ", ".join(sorted(_state_label(s) for s in t.sources))
            raise WrongState(
                f"“{locked.title}” is {_state_label(locked.status).lower()}, so it cannot be "
                f"{_past(t)} now. That is possible only from: {allowed_from}."
            )
        if by is None:
            if not system_allowed:
                raise NotPermitted(f"{t.label} needs a signed-in person.")
        elif not may_act(by, t.actor, locked):
            raise NotPermitted(_refusal(t, by, locked))
        from_state = locked.status
        to_state = target or next(iter(t.targets))
        if to_state not in t.targets:
            raise WorkflowError(f"{t.label} cannot lead to {_state_label(to_state).lower()}.")
        if change is not None:
            change(locked)  # sees the article as it was, and may still refuse
        if to_state not in (S.SCHEDULED, S.PUBLISHED, S.WITHHELD) and from_state != S.WITHHELD:
            dates.forget_future_first_publication(locked)
        locked.status = to_state
        locked.version += 1
        locked.save()
        revisions.record(
            locked, author=by, summary=f"{t.label}: {_state_label(from_state)} → {locked.get_status_display()}"
        )
        AuditEvent.record(
            actor=by,
            subject=locked,
            action=action or f"article.{name}",
            from_state=from_state,
            to_state=locked.status,
            note=note,
            details={"version": locked.version, **(details or {})},
        )
    copy_state(locked, article)
    notifications.article_moved(locked, name, by=by, note=note)  # after commit, to whoever the table names
    return article


def _past(t: Transition) -> str:
    return {
        "submit": "submitted for review",
        "request_changes": "sent back for changes",
        "approve": "approved",
        "schedule": "scheduled",
        "unschedule": "unscheduled",
        "publish": "published",
        "unpublish": "unpublished",
        "return_to_review": "returned to review",
        "override_publish": "published by override",
        "withhold": "withheld",
        "restore": "restored",
        "load": "loaded",
    }[t.name]


def copy_state(source: Article, target: Article) -> None:
    """Give the caller's instance `target` the state just saved on the locked row `source`."""
    if source is target:
        return
    for name in (
        "status",
        "published_at",
        "first_published_at",
        "updated_at",
        "version",
        "withheld_at",
        "withheld_note",
    ):
        setattr(target, name, getattr(source, name))


def _check_future(at: datetime.datetime | None) -> datetime.datetime:
    if at is None:
        raise WorkflowError("Choose the date and time it should go live.")
    if timezone.is_naive(at):
        raise WorkflowError("The publication time needs a time zone.")
    if at <= timezone.now():
        raise WorkflowError("The publication time must be in the future; to put it live now, publish it.")
    return at


# --- the named transitions ----------------------------------------------------------------------------------


def submit(article: Article, *, by, note: str = "", expected_version: int | None = None) -> Article:
    """An editor hands a draft (or a revised article) to a responsible editor for review."""
    return _move(article, "submit", by=by, note=note, expected_version=expected_version)


def request_changes(article: Article, *, by, note: str, expected_version: int | None = None) -> Article:
    """A second person sends the article back with a comment the editor sees on the article's page."""
    return _move(article, "request_changes", by=by, note=note, expected_version=expected_version)


def approve(article: Article, *, by, note: str = "", expected_version: int | None = None) -> Article:
    """A responsible editor who is not the article's editor approves it as it is now."""
    return _move(article, "approve", by=by, note=note, expected_version=expected_version)


def schedule(
    article: Article, *, by, at: datetime.datetime, note: str = "", expected_version: int | None = None
) -> Article:
    """Set an approved article to go live at `at`. It appears by itself then: no worker is involved."""
    at = _check_future(at)
    if article.status == S.SCHEDULED and article.is_live:
        raise WrongState("It is already live; unpublish it first if it must come down.")

    def change(a: Article) -> None:
        if a.is_live:
            raise WrongState("It is already live; unpublish it first if it must come down.")
        a.published_at = at
        dates.set_first_publication(a)

    return _move(
        article,
        "schedule",
        by=by,
        note=note,
        expected_version=expected_version,
        change=change,
        details={"publish_at": at.isoformat()},
    )


def unschedule(article: Article, *, by, note: str = "", expected_version: int | None = None) -> Article:
    """Take a scheduled article that has not yet gone live back to approved."""

    def change(a: Article) -> None:
        if a.is_live:
            raise WrongState("It is already live, so there is no schedule to cancel; unpublish it instead.")

    return _move(article, "unschedule", by=by, note=note, expected_version=expected_version, change=change)


def publish(article: Article, *, by, note: str = "", expected_version: int | None = None) -> Article:
    """Put the article live now. From review, this is the second person's approval and publication at once."""
    return _move(article, "publish", by=by, note=note, expected_version=expected_version, change=dates.go_live)


def unpublish(article: Article, *, by, note: str, expected_version: int | None = None) -> Article:
    """Take a live article off the site. Its publication dates are kept for the record.

    A scheduled article whose time has not come is not live: cancelling its schedule is the move for it.
    """

    def change(a: Article) -> None:
        if not a.is_live:
            raise WrongState("It is not live yet, so there is nothing to unpublish; cancel its schedule instead.")

    return _move(article, "unpublish", by=by, note=note, expected_version=expected_version, change=change)


def return_to_review(article: Article, *, by, note: str = "") -> Article:
    """Approved copy was edited: the edit needs the second person again before it goes out."""
    return _move(article, "return_to_review", by=by, note=note)


def override_publish(
    article: Article,
    *,
    by,
    note: str,
    at: datetime.datetime | None = None,
    expected_version: int | None = None,
) -> Article:
    """A chief editor publishes (or schedules, given a future `at`) without a second person's review.

    Recorded as an override, with the reason and with which part of the rule was set aside.
    """
    if at is not None:
        at = _check_future(at)
    article_editor_is_chief = is_articles_editor(by, article) if by is not None else False
    return _move(
        article,
        "override_publish",
        by=by,
        note=note,
        expected_version=expected_version,
        target=S.SCHEDULED if at else S.PUBLISHED,
        change=(lambda a: dates.go_live(a, at)) if at else dates.go_live,
        details={
            "override": True,
            "actor_is_articles_editor": article_editor_is_chief,
            "publish_at": at.isoformat() if at else None,
        },
    )


def withhold(article: Article, *, by, note: str, details: dict | None = None, public_note: str = "") -> Article:
    """Copyright measure: withhold the article (its page answers 451; it leaves every listing).

    `by` may be None when the system acts on a recorded decision (e.g. a timer). `details` should name the
    complaint. `public_note` is what readers see at the article's address instead (RFC 7725's explanation).
    The state it leaves is recorded so that `restore` returns it exactly there.
    """

    def change(a: Article) -> None:
        a.withheld_at = timezone.now()
        a.withheld_note = public_note.strip()

    return _move(article, "withhold", by=by, note=note, details=details, system_allowed=True, change=change)


def restore(article: Article, *, by, note: str, details: dict | None = None) -> Article:
    """Undo `withhold`: the article goes back to the state it was withheld from, with its dates unchanged."""
    last = AuditEvent.objects.for_object(article).filter(action="article.withhold").first()
    back_to = last.from_state if last and last.from_state in S.values and last.from_state != S.WITHHELD else None

    def change(a: Article) -> None:
        a.withheld_at = None
        a.withheld_note = ""

    return _move(
        article,
        "restore",
        by=by,
        note=note,
        target=back_to or S.UNPUBLISHED,
        details=details,
        system_allowed=True,
        change=change,
    )


def load(article: Article, *, state: str, published_at: datetime.datetime | None = None, note: str = "") -> Article:
    """Bring a new draft to the state it had where it was written (the demo's stories): the system only.

    A published story keeps its past publication time as its first; a scheduled one goes live at its time.
    """

    def change(a: Article) -> None:
        a.published_at = published_at
        a.first_published_at = published_at if state == S.PUBLISHED else None

    return _move(article, "load", by=None, note=note, target=state, change=change, system_allowed=True)
