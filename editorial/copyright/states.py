"""The complaint's states and the one table of moves between them (DESIGN.md section 5).

`TRANSITIONS` lists every state of a complaint, the states it may move to, and who may make each move.
The moves themselves are the `complaint_<move>` functions of `editorial.copyright.moves`; each locks the row,
asks `allowed_move()`, changes the state (through `moves.step.step`, the one line that writes `status`),
records an `AuditEvent` and queues its mail after commit. The table lives apart from the moves because the
models need the states for their field choices and the moves need the models.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

# --- who may act -------------------------------------------------------------------------------------------


class Actor(models.TextChoices):
    NOTIFIER = "notifier", "Notifier (the rights holder or their agent)"
    AFFECTED_PARTY = "affected_party", "Affected party (the source or author of the content)"
    OFFICER = "officer", "Copyright officer"
    SYSTEM = "system", "The system (a timer)"


NOTIFIER, AFFECTED_PARTY, OFFICER, SYSTEM = Actor.NOTIFIER, Actor.AFFECTED_PARTY, Actor.OFFICER, Actor.SYSTEM


class ComplaintError(Exception):
    """A move the complaint's state or the rules don't allow. The message is fit to show the person."""


class ComplaintStateError(ComplaintError):
    pass


class DuplicateComplaintError(ComplaintError):
    pass


class VerificationExpiredError(ComplaintError):
    pass


class AlreadyDecidedError(ComplaintStateError):
    """Someone else decided (or moved) the complaint first: the second decision changes nothing."""


class ComplaintPermissionError(ComplaintError):
    """The person may not make this move (not an officer, or the officer who made the decision appealed)."""


# --- the states and the one table of moves ------------------------------------------------------------------


class ComplaintStatus(models.TextChoices):
    UNVERIFIED = "unverified", "Unverified (waiting for the notifier to confirm their email)"
    EXPIRED = "expired", "Expired (never confirmed)"
    RECEIVED = "received", "Received (in the queue)"
    NEEDS_INFO = "needs_info", "Needs information from the notifier"
    CLOSED_INCOMPLETE = "closed_incomplete", "Closed as incomplete"
    IN_REVIEW = "in_review", "In review"
    UPHELD = "upheld", "Upheld (measure applied)"
    PARTLY_UPHELD = "partly_upheld", "Partly upheld"
    REJECTED = "rejected", "Rejected"
    COUNTER_NOTICE = "counter_notice", "Counter-notice received"
    RESTORE_PENDING = "restore_pending", "Restore pending"
    RESTORED = "restored", "Restored"
    LITIGATION_HOLD = "litigation_hold", "Litigation hold"
    APPEALED = "appealed", "Appealed (reviewed again by another officer)"
    WITHDRAWN = "withdrawn", "Withdrawn by the notifier"
    CLOSED = "closed", "Closed"
    CLOSED_MISUSE = "closed_misuse", "Closed as misuse"


@dataclass(frozen=True)
class Move:
    """One allowed move: its name (the method and the audit action), who may make it, and the line the
    notifier reads in their history ("" keeps it out of their history)."""

    action: str
    by: frozenset[str]
    public: str = ""


def move(action: str, *by: str, public: str = "") -> Move:
    return Move(action=action, by=frozenset(by), public=public)


S = ComplaintStatus
_DECIDE = "decide"
_DECIDED = {
    S.UPHELD: move(_DECIDE, OFFICER, public="We decided: the complaint is upheld."),
    S.PARTLY_UPHELD: move(_DECIDE, OFFICER, public="We decided: the complaint is upheld in part."),
    S.REJECTED: move(_DECIDE, OFFICER, public="We decided: the complaint is rejected."),
}
_WITHDRAW = move("withdraw", NOTIFIER, public="You withdrew the complaint.")
_MISUSE = move("close_as_misuse", OFFICER, public="We closed the complaint as a misuse of the procedure.")
_APPEAL = move("appeal", NOTIFIER, AFFECTED_PARTY, public="An appeal was lodged; another officer will review it.")
# Closed by an officer, or by the timer once the appeal window has passed with nothing left to do.
_CLOSE = move("close", OFFICER, SYSTEM, public="The complaint is closed.")
_COUNTER_NOTICE = move(
    "receive_counter_notice", AFFECTED_PARTY, public="The other side sent a counter-notice; we forwarded it to you."
)
_RESTORE = move("restore", SYSTEM, OFFICER, public="The content was restored after a valid counter-notice.")
_COURT_ACTION = move(
    "report_court_action", NOTIFIER, OFFICER, public="A court action was reported; the content stays down."
)

# state -> {next state: the move}. Terminal states map to {}.
TRANSITIONS: dict[str, dict[str, Move]] = {
    S.UNVERIFIED: {
        S.RECEIVED: move("verify", NOTIFIER, public="You confirmed your email address; the complaint is in our queue."),
        S.EXPIRED: move("expire", SYSTEM),
    },
    S.EXPIRED: {},
    S.RECEIVED: {
        S.IN_REVIEW: move("start_review", OFFICER, public="An officer started reviewing the complaint."),
        S.NEEDS_INFO: move("request_information", OFFICER, public="We asked you for more information."),
        **_DECIDED,
        S.WITHDRAWN: _WITHDRAW,
        S.CLOSED_MISUSE: _MISUSE,
    },
    S.NEEDS_INFO: {
        S.RECEIVED: move("reply", NOTIFIER, public="You sent the information we asked for."),
        S.CLOSED_INCOMPLETE: move(
            "close_incomplete",
            SYSTEM,
            OFFICER,
            public="We closed the complaint: the information we asked for did not arrive in time.",
        ),
        S.WITHDRAWN: _WITHDRAW,
        S.CLOSED_MISUSE: _MISUSE,
    },
    S.CLOSED_INCOMPLETE: {},
    S.IN_REVIEW: {
        S.RECEIVED: move("return_to_queue", OFFICER),
        S.NEEDS_INFO: move("request_information", OFFICER, public="We asked you for more information."),
        **_DECIDED,
        S.WITHDRAWN: _WITHDRAW,
        S.CLOSED_MISUSE: _MISUSE,
    },
    S.UPHELD: {
        S.COUNTER_NOTICE: _COUNTER_NOTICE,
        S.APPEALED: _APPEAL,
        S.CLOSED: _CLOSE,
    },
    S.PARTLY_UPHELD: {
        S.COUNTER_NOTICE: _COUNTER_NOTICE,
        S.APPEALED: _APPEAL,
        S.CLOSED: _CLOSE,
    },
    S.REJECTED: {
        S.APPEALED: _APPEAL,
        S.CLOSED_MISUSE: _MISUSE,
        S.CLOSED: _CLOSE,
    },
    S.COUNTER_NOTICE: {
        # An officer confirms the counter-notice is valid; the restore date set on receipt stands.
        S.RESTORE_PENDING: move(
            "accept_counter_notice",
            OFFICER,
            public="The counter-notice is valid; the content will be restored "
            "unless you tell us you have started a court action.",
        ),
        # PRC: a valid counter-notice restores at once. Elsewhere the timer restores on the date set on
        # receipt, even if no officer has looked at it by then (the law's clock runs from receipt).
        S.RESTORED: _RESTORE,
        S.LITIGATION_HOLD: _COURT_ACTION,
        # An invalid counter-notice leaves the decision as it was.
        S.UPHELD: move(
            "refuse_counter_notice", OFFICER, public="The counter-notice was not valid; the decision stands."
        ),
        S.PARTLY_UPHELD: move(
            "refuse_counter_notice", OFFICER, public="The counter-notice was not valid; the decision stands."
        ),
    },
    S.RESTORE_PENDING: {
        S.RESTORED: _RESTORE,
        S.LITIGATION_HOLD: _COURT_ACTION,
    },
    S.LITIGATION_HOLD: {
        S.RESTORED: move("restore", OFFICER, public="The content was restored."),
        S.CLOSED: _CLOSE,
    },
    S.RESTORED: {S.CLOSED: _CLOSE},
    S.APPEALED: {
        # Decided by an officer other than the one who made the decision appealed (Appeal's check constraint).
        S.UPHELD: move("decide_appeal", OFFICER, public="The appeal was decided: the complaint is upheld."),
        S.PARTLY_UPHELD: move("decide_appeal", OFFICER, public="The appeal was decided: upheld in part."),
        S.REJECTED: move("decide_appeal", OFFICER, public="The appeal was decided: the complaint is rejected."),
    },
    S.WITHDRAWN: {},
    S.CLOSED: {},
    S.CLOSED_MISUSE: {},
}

TERMINAL_STATES = frozenset(state for state, moves in TRANSITIONS.items() if not moves)
# Before a decision: the notifier may still add information or withdraw.
UNDECIDED_STATES = frozenset({S.RECEIVED, S.NEEDS_INFO, S.IN_REVIEW})
DECIDED_STATES = frozenset({S.UPHELD, S.PARTLY_UPHELD, S.REJECTED})
# After a counter-notice, before the content is back (or held for a court).
RESTORING_STATES = frozenset({S.COUNTER_NOTICE, S.RESTORE_PENDING})

# Events that are not moves but belong in the notifier's history.
PUBLIC_EVENTS = {
    "complaint.filed": "You sent the complaint; we emailed you a link to confirm your address.",
    "complaint.information_added": "You added information.",
}
# A move's line depends on where it led (a decision may uphold or reject): (audit action, state) -> line.
PUBLIC_MOVES: dict[tuple[str, str], str] = {}
for _moves in TRANSITIONS.values():
    for _target, _move in _moves.items():
        if _move.public:
            PUBLIC_EVENTS.setdefault(f"complaint.{_move.action}", _move.public)
            PUBLIC_MOVES[(f"complaint.{_move.action}", _target)] = _move.public


def public_line(action: str, to_state: str) -> str:
    """What the notifier's history says for an audit event of `action` that led to `to_state`."""
    return PUBLIC_MOVES.get((action, to_state)) or PUBLIC_EVENTS[action]


def allowed_move(source: str, target: str, by: str) -> Move:
    """The move from `source` to `target` if `by` may make it; ComplaintStateError saying why not otherwise."""
    move_ = TRANSITIONS.get(source, {}).get(target)
    if move_ is None:
        raise ComplaintStateError(
            f"A complaint that is “{S(source).label}” cannot become “{S(target).label}”."
            if source in S.values
            else f"Unknown complaint state {source!r}."
        )
    if by not in move_.by:
        raise ComplaintStateError(f"The {Actor(by).label.lower()} cannot make this move ({move_.action}).")
    return move_


# --- who is an officer --------------------------------------------------------------------------------------

DECIDE_PERMISSION = "editorial.decide_complaint"


def is_officer(user) -> bool:
    """Whether `user` may make the officers' moves (a copyright officer, or a superuser)."""
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and user.has_perm(DECIDE_PERMISSION)
    )


def require_officer(user, what: str = "work complaints") -> None:
    if not is_officer(user):
        raise ComplaintPermissionError(f"Only a copyright officer may {what}.")


PUBLIC_STATUS = {
    S.UNVERIFIED: "Waiting for you to confirm your email address",
    S.EXPIRED: "Expired: the email address was never confirmed",
    S.RECEIVED: "Received: waiting for an officer",
    S.NEEDS_INFO: "We need more information from you",
    S.CLOSED_INCOMPLETE: "Closed: the information we asked for did not arrive",
    S.IN_REVIEW: "In review by a copyright officer",
    S.UPHELD: "Decided: upheld",
    S.PARTLY_UPHELD: "Decided: upheld in part",
    S.REJECTED: "Decided: rejected",
    S.COUNTER_NOTICE: "A counter-notice was received",
    S.RESTORE_PENDING: "The content will be restored unless a court action is reported",
    S.RESTORED: "The content was restored",
    S.LITIGATION_HOLD: "On hold: a court action was reported",
    S.APPEALED: "Appealed: being reviewed again by another officer",
    S.WITHDRAWN: "Withdrawn by you",
    S.CLOSED: "Closed",
    S.CLOSED_MISUSE: "Closed as a misuse of the procedure",
}
