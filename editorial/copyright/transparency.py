"""The public transparency report on copyright complaints (DESIGN.md section 5, "Transparency"; issue 6, point 8).

A report covers a half-year (`2026-H1`) or one month (`2026-03`), in the site's time zone, and gives for the
whole period and for each of its months: complaints received by regime and outcome, decisions and the
median hours from receipt to decision, items actioned by measure, measures undone, counter-notices,
restorations and litigation holds, appeals lodged and decided (with reversals), and notifier warnings and
suspensions.

Only counts leave this module: no name, email, organisation, address, reference or URL of anyone, so the
page and its downloads carry no personal data of notifiers.

Each figure is one grouped query over the whole period (grouped by month), so the report costs the same
handful of queries whatever the number of complaints. The median is computed in Python over the
(received, decided) pairs of the period's decisions: one bounded `values_list`, and the same answer on
SQLite and PostgreSQL.

Which date places an event in a period: a complaint by when it was received (its email confirmed; never
confirmed complaints are not counted), a decision by `decided_at`, a measure by `applied_at` (applied) and
`reversed_at` (undone), a counter-notice and an appeal by when they arrived, an appeal decision by its
`decided_at`, a restoration or litigation hold by the audit event of the move, a sanction by `starts_at`.
"""

from __future__ import annotations

import calendar
import re
import statistics
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Min
from django.utils import timezone

from editorial.models import Appeal, Complaint, Measure, NotifierSanction

from .states import ComplaintStatus as S
from .transparency_queries import (
    Outcome,
    appeals_decided_by_month,
    appeals_lodged_by_month,
    counter_notices_by_month,
    decision_times,
    measures_applied_by_month,
    measures_undone_by_month,
    received_by_regime_and_outcome,
    restorations_by_month,
    sanctions_by_month,
)

# The first year a report may cover; earlier periods are refused as malformed.
FIRST_YEAR = 2000


class PeriodError(ValueError):
    """A `?period=` value that names no report. The message is fit to show the reader."""


class FuturePeriodError(PeriodError):
    pass


REGIME_LABELS = dict(Complaint.Regime.choices)
MEASURE_LABELS = dict(Measure.Kind.choices)
REVERSAL_LABELS = dict(Measure.Reversal.choices)
APPEAL_OUTCOMES = [Appeal.Outcome.CONFIRMED, Appeal.Outcome.REVERSED, Appeal.Outcome.VARIED]
APPEAL_LABELS = {value: Appeal.Outcome(value).label for value in APPEAL_OUTCOMES}


# --- periods -----------------------------------------------------------------------------------------------

_PERIOD = re.compile(r"(?P<year>\d{4})-(?:H(?P<half>[12])|(?P<month>0[1-9]|1[0-2]))")


@dataclass(frozen=True)
class Period:
    """A half-year (`half` 1 or 2) or a month (`month` 1 to 12) of a year, in the site's time zone."""

    year: int
    half: int | None = None
    month: int | None = None

    @classmethod
    def parse(cls, value: str, *, now: datetime | None = None) -> Period:
        """`2026-H1` or `2026-03`. Raises PeriodError when malformed, FuturePeriodError when not begun."""
        match = _PERIOD.fullmatch(value or "")
        if match is None:
            raise PeriodError(
                "A period is a half-year such as 2026-H1 (January to June) or 2026-H2, or a month such as 2026-03."
            )
        year = int(match["year"])
        period = cls(year, half=int(match["half"])) if match["half"] else cls(year, month=int(match["month"]))
        if year < FIRST_YEAR:
            raise PeriodError(f"Reports start in {FIRST_YEAR}.")
        if period.start > (now or timezone.now()):
            raise FuturePeriodError(f"The period {period.key} has not begun yet, so there is no report for it.")
        return period

    @classmethod
    def containing(cls, moment: datetime) -> Period:
        """The half-year that contains `moment`."""
        local = timezone.localtime(moment)
        return cls(local.year, half=1 if local.month <= 6 else 2)

    @property
    def is_half_year(self) -> bool:
        return self.half is not None

    @property
    def first_month(self) -> int:
        return self.month if self.month else (1 if self.half == 1 else 7)

    @property
    def last_month(self) -> int:
        return self.month if self.month else (6 if self.half == 1 else 12)

    @property
    def key(self) -> str:
        return f"{self.year}-H{self.half}" if self.half else f"{self.year}-{self.month:02d}"

    @property
    def label(self) -> str:
        if self.half:
            first, last = calendar.month_name[self.first_month], calendar.month_name[self.last_month]
            return f"{first} to {last} {self.year}"
        return f"{calendar.month_name[self.month]} {self.year}"

    @property
    def start(self) -> datetime:
        return timezone.make_aware(datetime(self.year, self.first_month, 1))

    @property
    def end(self) -> datetime:
        """The first moment after the period."""
        if self.last_month == 12:
            return timezone.make_aware(datetime(self.year + 1, 1, 1))
        return timezone.make_aware(datetime(self.year, self.last_month + 1, 1))

    @property
    def months(self) -> list[Period]:
        return [Period(self.year, month=m) for m in range(self.first_month, self.last_month + 1)]

    @property
    def half_year(self) -> Period:
        return self if self.half else Period(self.year, half=1 if self.month <= 6 else 2)

    def previous(self) -> Period:
        if self.half:
            return Period(self.year, half=1) if self.half == 2 else Period(self.year - 1, half=2)
        return Period(self.year, month=self.month - 1) if self.month > 1 else Period(self.year - 1, month=12)

    def following(self) -> Period:
        if self.half:
            return Period(self.year, half=2) if self.half == 1 else Period(self.year + 1, half=1)
        return Period(self.year, month=self.month + 1) if self.month < 12 else Period(self.year + 1, month=1)

    def __str__(self) -> str:
        return self.key


def half_years_with_reports(now: datetime | None = None) -> list[Period]:
    """Every half-year from the one of the first received complaint to the current one, newest first."""
    now = now or timezone.now()
    current = Period.containing(now)
    first = Complaint.objects.aggregate(first=Min("received_at"))["first"]
    period = Period.containing(first) if first else current
    periods = []
    while period.start <= current.start:
        periods.append(period)
        period = period.following()
    return periods[::-1]


# --- the figures -------------------------------------------------------------------------------------------


@dataclass
class Figures:
    """The counts for one month, or for a whole period."""

    period: Period
    received: dict[tuple[str, str], int] = field(default_factory=dict)  # (regime, outcome) -> complaints
    decision_hours: list[float] = field(default_factory=list)
    measures_applied: dict[str, int] = field(default_factory=dict)  # measure kind -> measures
    measures_undone: dict[str, int] = field(default_factory=dict)
    measures_undone_why: dict[str, int] = field(default_factory=dict)  # reversal reason -> measures
    counter_notices: int = 0
    restorations: int = 0
    litigation_holds: int = 0
    appeals_lodged: int = 0
    appeals_decided: dict[str, int] = field(default_factory=dict)  # appeal outcome -> appeals
    warnings: int = 0
    suspensions: int = 0

    # -- derived ------------------------------------------------------------------------------------------

    @property
    def complaints_received(self) -> int:
        return sum(self.received.values())

    def received_in(self, regime: str) -> int:
        return sum(n for (r, _), n in self.received.items() if r == regime)

    def received_with(self, outcome: str) -> int:
        return sum(n for (_, o), n in self.received.items() if o == outcome)

    @property
    def decisions(self) -> int:
        return len(self.decision_hours)

    @property
    def median_hours_to_decision(self) -> float | None:
        if not self.decision_hours:
            return None
        return round(statistics.median(self.decision_hours), 1)

    @property
    def items_actioned(self) -> int:
        return sum(self.measures_applied.values())

    @property
    def items_restored(self) -> int:
        return sum(self.measures_undone.values())

    @property
    def reversals(self) -> int:
        return self.appeals_decided.get(Appeal.Outcome.REVERSED, 0)

    def regime_rows(self) -> list[dict]:
        """For the page: one row per regime with its count per outcome, and a total row."""
        rows = [
            {
                "regime": regime,
                "label": label,
                "counts": [self.received.get((regime, outcome), 0) for outcome in Outcome.values],
                "total": self.received_in(regime),
            }
            for regime, label in REGIME_LABELS.items()
        ]
        return rows

    def outcome_totals(self) -> list[int]:
        return [self.received_with(outcome) for outcome in Outcome.values]

    def as_dict(self) -> dict:
        """Plain data for the JSON download."""
        return {
            "period": self.period.key,
            "label": self.period.label,
            "start": self.period.start.isoformat(),
            "end": self.period.end.isoformat(),
            "complaints_received": {
                "total": self.complaints_received,
                "by_regime": {
                    regime: {
                        "total": self.received_in(regime),
                        "by_outcome": {o: self.received.get((regime, o), 0) for o in Outcome.values},
                    }
                    for regime in REGIME_LABELS
                },
                "by_outcome": {o: self.received_with(o) for o in Outcome.values},
            },
            "decisions": self.decisions,
            "median_hours_to_decision": self.median_hours_to_decision,
            "items_actioned": {
                "total": self.items_actioned,
                "by_measure": {kind: self.measures_applied.get(kind, 0) for kind in MEASURE_LABELS},
            },
            "measures_undone": {
                "total": self.items_restored,
                "by_measure": {kind: self.measures_undone.get(kind, 0) for kind in MEASURE_LABELS},
                "by_reason": {why: self.measures_undone_why.get(why, 0) for why in REVERSAL_LABELS},
            },
            "counter_notices": self.counter_notices,
            "restorations": self.restorations,
            "litigation_holds": self.litigation_holds,
            "appeals": {
                "lodged": self.appeals_lodged,
                "decided": {outcome: self.appeals_decided.get(outcome, 0) for outcome in APPEAL_OUTCOMES},
                "reversals": self.reversals,
            },
            "notifier_warnings": self.warnings,
            "notifier_suspensions": self.suspensions,
        }

    def csv_rows(self) -> list[tuple[str, str, str, object]]:
        """(figure, regime, breakdown, value) lines for the CSV download; regime and breakdown may be ""."""
        rows: list[tuple[str, str, str, object]] = [("complaints_received", "", "", self.complaints_received)]
        for regime in REGIME_LABELS:
            for outcome in Outcome.values:
                rows.append(("complaints_received", regime, outcome, self.received.get((regime, outcome), 0)))
        rows.append(("decisions", "", "", self.decisions))
        median = self.median_hours_to_decision
        rows.append(("median_hours_to_decision", "", "", "" if median is None else median))
        rows.append(("items_actioned", "", "", self.items_actioned))
        for kind in MEASURE_LABELS:
            rows.append(("items_actioned", "", kind, self.measures_applied.get(kind, 0)))
        for kind in MEASURE_LABELS:
            rows.append(("measures_undone", "", kind, self.measures_undone.get(kind, 0)))
        for why in REVERSAL_LABELS:
            rows.append(("measures_undone_why", "", why, self.measures_undone_why.get(why, 0)))
        rows += [
            ("counter_notices", "", "", self.counter_notices),
            ("restorations", "", "", self.restorations),
            ("litigation_holds", "", "", self.litigation_holds),
            ("appeals_lodged", "", "", self.appeals_lodged),
        ]
        for outcome in APPEAL_OUTCOMES:
            rows.append(("appeals_decided", "", outcome, self.appeals_decided.get(outcome, 0)))
        rows += [
            ("reversals", "", "", self.reversals),
            ("notifier_warnings", "", "", self.warnings),
            ("notifier_suspensions", "", "", self.suspensions),
        ]
        return rows


@dataclass
class Report:
    """A period's figures, month by month and in total."""

    period: Period
    months: list[Figures]
    total: Figures
    generated_at: datetime

    def as_dict(self) -> dict:
        return {
            "report": "Copyright complaints transparency report",
            "period": self.period.key,
            "label": self.period.label,
            "time_zone": timezone.get_current_timezone_name(),
            "generated_at": self.generated_at.isoformat(),
            "total": self.total.as_dict(),
            "months": [month.as_dict() for month in self.months],
            "definitions": {key: text for key, _, text in DEFINITIONS},
        }


# (key in the downloads, title on the page, what it counts)
DEFINITIONS = [
    (
        "complaints_received",
        "Complaints received",
        "Complaints whose notifier confirmed their email in the period, by the law relied on and by where each "
        "complaint stands now. Complaints never confirmed are not counted.",
    ),
    ("decisions", "Decisions", "First decisions made in the period."),
    (
        "median_hours_to_decision",
        "Median time to a decision",
        "The median time from a complaint's confirmation to its decision, in hours, over the decisions made in "
        "the period.",
    ),
    ("items_actioned", "Items actioned", "Measures applied in the period, one per page, image or passage acted on."),
    (
        "measures_undone",
        "Measures undone",
        "Measures undone in the period, the content restored exactly: after a counter-notice, on appeal, or by an "
        "officer (for example when a court action ended).",
    ),
    ("counter_notices", "Counter-notices", "Counter-notices received in the period."),
    ("restorations", "Restorations", "Complaints whose content was restored after a counter-notice in the period."),
    (
        "litigation_holds",
        "Litigation holds",
        "Complaints whose content stayed down in the period because the notifier reported a court action.",
    ),
    ("appeals", "Appeals", "Appeals lodged in the period, and appeals decided in the period, by result."),
    ("reversals", "Reversals", "Appeals decided in the period that reversed the first decision."),
    (
        "notifier_warnings",
        "Warnings",
        "Warnings given in the period to notifiers with repeated manifestly unfounded complaints.",
    ),
    ("notifier_suspensions", "Suspensions", "Suspensions of such notifiers that started in the period."),
]


def build_report(period: Period, *, now: datetime | None = None) -> Report:
    """Every figure of the period, month by month. A constant number of queries (eight)."""
    months = {p.month: Figures(p) for p in period.months}

    def month_of(row_month: int) -> Figures:
        return months[row_month]

    for row in received_by_regime_and_outcome(period):
        figures = month_of(row["month"])
        key = (row["regime"], row["outcome"])
        figures.received[key] = figures.received.get(key, 0) + row["n"]

    for received_at, decided_at in decision_times(period):
        hours = max((decided_at - received_at).total_seconds(), 0) / 3600
        month_of(timezone.localtime(decided_at).month).decision_hours.append(hours)

    for row in measures_applied_by_month(period):
        applied = month_of(row["month"]).measures_applied
        applied[row["kind"]] = applied.get(row["kind"], 0) + row["n"]

    for row in measures_undone_by_month(period):
        figures = month_of(row["month"])
        figures.measures_undone[row["kind"]] = figures.measures_undone.get(row["kind"], 0) + row["n"]
        why = row["reversal_reason"]
        figures.measures_undone_why[why] = figures.measures_undone_why.get(why, 0) + row["n"]

    for row in counter_notices_by_month(period):
        month_of(row["month"]).counter_notices += row["n"]

    for row in restorations_by_month(period):
        figures = month_of(row["month"])
        if row["to_state"] == S.RESTORED:
            figures.restorations += row["n"]
        else:
            figures.litigation_holds += row["n"]

    for row in appeals_lodged_by_month(period):
        month_of(row["month"]).appeals_lodged += row["n"]

    for row in appeals_decided_by_month(period):
        decided = month_of(row["month"]).appeals_decided
        decided[row["outcome"]] = decided.get(row["outcome"], 0) + row["n"]

    for row in sanctions_by_month(period):
        figures = month_of(row["month"])
        if row["kind"] == NotifierSanction.Kind.SUSPENSION:
            figures.suspensions += row["n"]
        else:
            figures.warnings += row["n"]

    ordered = [months[m] for m in sorted(months)]
    return Report(period=period, months=ordered, total=_sum(period, ordered), generated_at=now or timezone.now())


def _sum(period: Period, months: list[Figures]) -> Figures:
    total = Figures(period)
    for figures in months:
        for key, n in figures.received.items():
            total.received[key] = total.received.get(key, 0) + n
        total.decision_hours.extend(figures.decision_hours)
        for source, target in (
            (figures.measures_applied, total.measures_applied),
            (figures.measures_undone, total.measures_undone),
            (figures.measures_undone_why, total.measures_undone_why),
            (figures.appeals_decided, total.appeals_decided),
        ):
            for key, n in source.items():
                target[key] = target.get(key, 0) + n
        total.counter_notices += figures.counter_notices
        total.restorations += figures.restorations
        total.litigation_holds += figures.litigation_holds
        total.appeals_lodged += figures.appeals_lodged
        total.warnings += figures.warnings
        total.suspensions += figures.suspensions
    return total
