"""The transparency report's queries: one aggregate per table and period, each grouped by month (or by regime
and outcome), so a report costs a fixed number of queries whatever the number of complaints."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Case, CharField, Count, Exists, OuterRef, QuerySet, Value, When
from django.db.models.functions import ExtractMonth

from editorial.models import Appeal, AuditEvent, Complaint, ComplaintItem, CounterNotice, Measure, NotifierSanction

from .states import ComplaintStatus as S

if TYPE_CHECKING:
    from .transparency import Period


class Outcome:
    """Where a received complaint ended up, as the report counts it."""

    UPHELD = "upheld"
    PARTLY_UPHELD = "partly_upheld"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    CLOSED_INCOMPLETE = "closed_incomplete"
    CLOSED_MISUSE = "closed_misuse"
    PENDING = "pending"

    choices = [
        (UPHELD, "Upheld"),
        (PARTLY_UPHELD, "Partly upheld"),
        (REJECTED, "Rejected"),
        (WITHDRAWN, "Withdrawn by the notifier"),
        (CLOSED_INCOMPLETE, "Closed as incomplete"),
        (CLOSED_MISUSE, "Closed as misuse"),
        (PENDING, "Not decided yet"),
    ]
    values = [value for value, _ in choices]
    labels = dict(choices)


def complaint_outcome() -> Case:
    """Where a complaint ended up: closed without a decision, not decided yet, or by its items' outcomes."""
    upheld = ComplaintItem.objects.filter(complaint=OuterRef("pk"), outcome=ComplaintItem.Outcome.UPHELD)
    not_upheld = ComplaintItem.objects.filter(complaint=OuterRef("pk")).exclude(outcome=ComplaintItem.Outcome.UPHELD)
    return Case(
        When(status=S.WITHDRAWN, then=Value(Outcome.WITHDRAWN)),
        When(status=S.CLOSED_INCOMPLETE, then=Value(Outcome.CLOSED_INCOMPLETE)),
        When(status=S.CLOSED_MISUSE, then=Value(Outcome.CLOSED_MISUSE)),
        When(decided_at__isnull=True, then=Value(Outcome.PENDING)),
        When(Exists(upheld) & Exists(not_upheld), then=Value(Outcome.PARTLY_UPHELD)),
        When(Exists(upheld), then=Value(Outcome.UPHELD)),
        default=Value(Outcome.REJECTED),
        output_field=CharField(),
    )


def received_by_regime_and_outcome(period: Period) -> QuerySet:
    """Rows of (month, regime, outcome, n): complaints received in the period."""
    return (
        Complaint.objects.filter(received_at__gte=period.start, received_at__lt=period.end)
        .annotate(month=ExtractMonth("received_at"), outcome=complaint_outcome())
        .values("month", "regime", "outcome")
        .annotate(n=Count("pk"))
        .order_by()
    )


def decision_times(period: Period) -> QuerySet:
    """(received_at, decided_at) of the complaints decided in the period. Bounded by the period."""
    return (
        Complaint.objects.filter(decided_at__gte=period.start, decided_at__lt=period.end, received_at__isnull=False)
        .values_list("received_at", "decided_at")
        .order_by()
    )


def measures_applied_by_month(period: Period) -> QuerySet:
    """Rows of (month, kind, n): measures applied in the period."""
    return (
        Measure.objects.filter(applied_at__gte=period.start, applied_at__lt=period.end)
        .annotate(month=ExtractMonth("applied_at"))
        .values("month", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    )


def measures_undone_by_month(period: Period) -> QuerySet:
    """Rows of (month, kind, reversal_reason, n): measures undone in the period, and why."""
    return (
        Measure.objects.filter(reversed_at__gte=period.start, reversed_at__lt=period.end)
        .annotate(month=ExtractMonth("reversed_at"))
        .values("month", "kind", "reversal_reason")
        .annotate(n=Count("pk"))
        .order_by()
    )


def counter_notices_by_month(period: Period) -> QuerySet:
    return (
        CounterNotice.objects.filter(created_at__gte=period.start, created_at__lt=period.end)
        .annotate(month=ExtractMonth("created_at"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by()
    )


def restorations_by_month(period: Period) -> QuerySet:
    """Rows of (month, to_state, n): complaints that moved to restored or litigation hold in the period.

    Read from the audit trail, where every move of a complaint is recorded with the state it reached."""
    return (
        AuditEvent.objects.filter(
            content_type__app_label=Complaint._meta.app_label,
            content_type__model=Complaint._meta.model_name,
            to_state__in=[S.RESTORED, S.LITIGATION_HOLD],
            created_at__gte=period.start,
            created_at__lt=period.end,
        )
        .annotate(month=ExtractMonth("created_at"))
        .values("month", "to_state")
        .annotate(n=Count("pk"))
        .order_by()
    )


def appeals_lodged_by_month(period: Period) -> QuerySet:
    return (
        Appeal.objects.filter(created_at__gte=period.start, created_at__lt=period.end)
        .annotate(month=ExtractMonth("created_at"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by()
    )


def appeals_decided_by_month(period: Period) -> QuerySet:
    """Rows of (month, outcome, n): appeals decided in the period."""
    return (
        Appeal.objects.filter(decided_at__gte=period.start, decided_at__lt=period.end)
        .exclude(outcome=Appeal.Outcome.PENDING)
        .annotate(month=ExtractMonth("decided_at"))
        .values("month", "outcome")
        .annotate(n=Count("pk"))
        .order_by()
    )


def sanctions_by_month(period: Period) -> QuerySet:
    return (
        NotifierSanction.objects.filter(starts_at__gte=period.start, starts_at__lt=period.end)
        .annotate(month=ExtractMonth("starts_at"))
        .values("month", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
