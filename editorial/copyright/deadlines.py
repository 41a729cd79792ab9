"""The copyright desk's clocks: business days, the deadlines of each legal regime, and how a due date reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone


def business_days_after(start, days: int):
    """`start` moved forward by `days` working days, keeping its time of day: Monday to Friday in the site's
    time zone, less the public holidays in `settings.COMPLAINT_HOLIDAYS` (docs/decisions.md, "copyright
    complaints, part 1")."""
    holidays = getattr(settings, "COMPLAINT_HOLIDAYS", frozenset())
    current = timezone.localtime(start) if timezone.is_aware(start) else start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if current.weekday() < 5 and current.date() not in holidays:
            remaining -= 1
    return current


# --- deadlines per regime (DESIGN.md section 5, "Deadlines") -------------------------------------------------


@dataclass(frozen=True)
class Deadlines:
    """The clocks of one regime, in business days. `restore_days` None: restore at once on a valid
    counter-notice (PRC), and the notifier may not complain again about the same work."""

    decision_days: int
    reply_days: int
    appeal_decision_days: int
    restore_days: int | None
    bars_renotice: bool = False


def deadlines(regime: str) -> Deadlines:
    """The deadlines that apply under `regime` (a `Complaint.Regime` value), from the settings."""
    decision = getattr(settings, "COMPLAINT_DECISION_BUSINESS_DAYS", 1)
    decision = getattr(settings, "COMPLAINT_DECISION_BUSINESS_DAYS_BY_REGIME", {}).get(regime, decision)
    reply = getattr(settings, "COMPLAINT_REPLY_WINDOW_BUSINESS_DAYS", 5)
    appeal = getattr(settings, "COMPLAINT_APPEAL_DECISION_BUSINESS_DAYS", 5)
    if regime == "prc":
        return Deadlines(decision, reply, appeal, restore_days=None, bars_renotice=True)
    if regime == "us":
        # 17 U.S.C. § 512(g)(2)(C): not less than 10, nor more than 14, business days after receipt.
        restore = min(max(getattr(settings, "COMPLAINT_US_RESTORE_BUSINESS_DAYS", 10), 10), 14)
    else:
        # No statutory clock: our policy gives the notifier the same time as in the United States.
        restore = getattr(settings, "COMPLAINT_RESTORE_BUSINESS_DAYS", 10)
    return Deadlines(decision, reply, appeal, restore_days=restore)


def due_label(due, now=None) -> str:
    """A deadline as the officers' queue shows it: "due in 5 h", "due in 2 d", "overdue by 3 h"."""
    if due is None:
        return ""
    now = now or timezone.now()
    seconds = (due - now).total_seconds()
    amount = abs(seconds)
    if amount < 3600:
        size = f"{max(1, round(amount / 60))} min"
    elif amount < 48 * 3600:
        size = f"{round(amount / 3600)} h"
    else:
        size = f"{round(amount / 86400)} d"
    return f"due in {size}" if seconds >= 0 else f"overdue by {size}"
