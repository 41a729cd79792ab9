"""The public transparency report (HTML, CSV, JSON) and the officers' per-decision exports."""

from __future__ import annotations

import csv
import json

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from editorial.models import Complaint

from . import exports
from .transparency import (
    APPEAL_LABELS,
    APPEAL_OUTCOMES,
    DEFINITIONS,
    MEASURE_LABELS,
    FuturePeriodError,
    Outcome,
    Period,
    PeriodError,
    build_report,
    half_years_with_reports,
)

# Readers may keep a report for a minute; the figures change only as complaints are worked.
MAX_AGE = 60
MAX_PERIOD_LENGTH = 20


def _period(request: HttpRequest) -> Period:
    value = request.GET.get("period", "")
    if not value:
        return Period.containing(timezone.now())
    if len(value) > MAX_PERIOD_LENGTH:
        raise PeriodError("That period is not one we report on.")
    return Period.parse(value)


def _refused(request: HttpRequest, error: PeriodError) -> HttpResponse:
    status = 404 if isinstance(error, FuturePeriodError) else 400
    context = {"message": str(error), "current": Period.containing(timezone.now())}
    return render(request, "editorial/transparency_error.html", context, status=status)


def _public(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response


@require_safe
def transparency_report(request: HttpRequest) -> HttpResponse:
    """/copyright/transparency/?period=2026-H1: the report for a half-year (default: the current one) or a month."""
    try:
        period = _period(request)
    except PeriodError as error:
        return _refused(request, error)
    report = build_report(period)
    context = {
        "report": report,
        "period": period,
        "half_years": half_years_with_reports(),
        "months_of_half_year": period.half_year.months,
        "outcome_labels": [label for _, label in Outcome.choices],
        "measure_rows": [
            (label, report.total.measures_applied.get(kind, 0), report.total.measures_undone.get(kind, 0))
            for kind, label in MEASURE_LABELS.items()
        ],
        "appeal_rows": [(APPEAL_LABELS[o], report.total.appeals_decided.get(o, 0)) for o in APPEAL_OUTCOMES],
        "definitions": DEFINITIONS,
        "time_zone": timezone.get_current_timezone_name(),
    }
    return _public(render(request, "editorial/transparency.html", context))


@require_safe
def transparency_csv(request: HttpRequest) -> HttpResponse:
    """The report as CSV: one line per figure, for the whole period and then for each month."""
    try:
        period = _period(request)
    except PeriodError as error:
        return _refused(request, error)
    report = build_report(period)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="copyright-transparency-{period.key}.csv"'
    writer = csv.writer(response)
    writer.writerow(["period", "period_start", "period_end", "figure", "regime", "breakdown", "value"])
    for figures in [report.total, *report.months]:
        for figure, regime, breakdown, value in figures.csv_rows():
            writer.writerow(
                [
                    figures.period.key,
                    figures.period.start.date().isoformat(),
                    figures.period.end.date().isoformat(),
                    figure,
                    regime,
                    breakdown,
                    value,
                ]
            )
    return _public(response)


@require_safe
def transparency_json(request: HttpRequest) -> HttpResponse:
    """The report as JSON: the whole period, each month, and what each figure counts."""
    try:
        period = _period(request)
    except PeriodError as error:
        return JsonResponse({"error": str(error)}, status=404 if isinstance(error, FuturePeriodError) else 400)
    response = JsonResponse(build_report(period).as_dict(), json_dumps_params={"indent": 2, "ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="copyright-transparency-{period.key}.json"'
    return _public(response)


# --- per-decision exports (officers) -------------------------------------------------------------------------


def _export(request: HttpRequest, reference: str, build, suffix: str) -> HttpResponse:
    """Served through the admin site's guard (sign-in, staff, second factor when required: see
    transparency_urls), and only to those who may read complaints."""
    if not request.user.has_perm("editorial.view_complaint"):
        raise PermissionDenied
    complaint = get_object_or_404(Complaint, reference=reference)
    try:
        record = build(complaint)
    except exports.NotExportable as error:
        return JsonResponse({"error": str(error)}, status=409)
    response = HttpResponse(
        json.dumps(record, indent=2, ensure_ascii=False), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{reference}.{suffix}.json"'
    patch_cache_control(response, private=True, no_store=True, max_age=0)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_safe
def decision_lumen(request: HttpRequest, reference: str) -> HttpResponse:
    return _export(request, reference, exports.lumen_record, "lumen")


@require_safe
def decision_dsa(request: HttpRequest, reference: str) -> HttpResponse:
    return _export(request, reference, exports.dsa_statements, "dsa")
