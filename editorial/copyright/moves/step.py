"""The one line in the code base that changes a complaint's `status`, and the row lock every move takes first.

Every move in this package runs in `transaction.atomic()`, locks the row with `lock()`, checks whatever it
must, and calls `step()`: that asks the table (`states.allowed_move`), changes the state, keeps the items'
open flag in step and writes the `AuditEvent`. `tests/test_state_changes_live_in_one_place.py` fails if any
other module assigns a complaint's status.
"""

from __future__ import annotations

from django.utils import timezone

from editorial.copyright.states import TERMINAL_STATES, Move, allowed_move
from editorial.models import AuditEvent, Complaint


def lock(complaint: Complaint) -> Complaint:
    """The complaint's row, locked until the transaction ends (two officers may act at once)."""
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


def step(locked: Complaint, target: str, *, by: str, actor=None, note: str = "", details: dict | None = None) -> Move:
    """On a locked row: check the table, change the state, keep items' open flag in step, audit."""
    move_ = allowed_move(locked.status, target, by)
    source = locked.status
    locked.status = target
    if target in TERMINAL_STATES and locked.closed_at is None:
        locked.closed_at = timezone.now()
    locked.save()
    if (source in TERMINAL_STATES) != (target in TERMINAL_STATES):
        locked.items.update(is_open=target not in TERMINAL_STATES)
    AuditEvent.record(
        actor=actor,
        subject=locked,
        action=f"complaint.{move_.action}",
        from_state=source,
        to_state=target,
        note=note,
        details={"by": by, **(details or {})},
    )
    return move_


def reload(complaint: Complaint, locked: Complaint) -> None:
    """Copy the row a move changed back onto the caller's instance, so it sees the new state."""
    for field in complaint._meta.concrete_fields:
        setattr(complaint, field.attname, getattr(locked, field.attname))
