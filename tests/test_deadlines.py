"""Issue 6, point 2 (deadlines): each complaint's clocks are computed per regime in business days (DESIGN.md
section 5, "Deadlines"): the first decision, the notifier's reply window, an appeal's decision, and the
restoration after a counter-notice (United States: between 10 and 14 business days; PRC: at once)."""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone

from editorial.copyright import moves
from editorial.copyright.deadlines import business_days_after, deadlines, due_label
from tests.copyright_helpers import officer, received, reject
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent

FRIDAY_EVENING = dt.datetime(2026, 5, 8, 10, 0, tzinfo=dt.UTC)  # Friday 18:00 in Shanghai


def local(value) -> dt.datetime:
    return timezone.localtime(value)


def test_business_days_skip_the_weekend_in_the_sites_time_zone():
    # Saturday 01:00 UTC is still Friday 09:00 in Shanghai: one business day later is Monday.
    saturday_utc = dt.datetime(2026, 5, 9, 1, 0, tzinfo=dt.UTC)
    assert local(business_days_after(saturday_utc, 1)).date() == dt.date(2026, 5, 11)
    assert local(business_days_after(FRIDAY_EVENING, 1)) == local(FRIDAY_EVENING) + dt.timedelta(days=3)
    assert local(business_days_after(FRIDAY_EVENING, 10)).date() == dt.date(2026, 5, 22)
    assert business_days_after(FRIDAY_EVENING, 0) == FRIDAY_EVENING


def test_public_holidays_are_not_business_days(settings):
    # Friday 8 May 2026 in Shanghai; the next Monday and Tuesday made holidays by the operator.
    settings.COMPLAINT_HOLIDAYS = frozenset({dt.date(2026, 5, 11), dt.date(2026, 5, 12)})
    assert local(business_days_after(FRIDAY_EVENING, 1)).date() == dt.date(2026, 5, 13)
    assert local(business_days_after(FRIDAY_EVENING, 10)).date() == dt.date(2026, 5, 26)
    settings.COMPLAINT_HOLIDAYS = frozenset({dt.date(2026, 5, 9)})  # a Saturday: no business day to lose
    assert local(business_days_after(FRIDAY_EVENING, 1)).date() == dt.date(2026, 5, 11)


def test_a_holiday_moves_the_us_restoration_of_a_counter_notice(settings):
    """The 10 business days after a counter-notice (United States) skip a holiday in between."""
    settings.COMPLAINT_US_RESTORE_BUSINESS_DAYS = 10
    assert local(business_days_after(FRIDAY_EVENING, deadlines("us").restore_days)).date() == dt.date(2026, 5, 22)
    settings.COMPLAINT_HOLIDAYS = frozenset({dt.date(2026, 5, 18)})  # a Monday within the window
    # One business day later: the Friday's next business day is the following Monday.
    assert local(business_days_after(FRIDAY_EVENING, deadlines("us").restore_days)).date() == dt.date(2026, 5, 25)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", "frozenset()"),
        ("2026-12-25, 2027-01-01", "[datetime.date(2026, 12, 25), datetime.date(2027, 1, 1)]"),
    ],
)
def test_holidays_come_from_the_environment(value, expected):
    result = settings_subprocess({"COMPLAINT_HOLIDAYS": value}, "sorted(s.COMPLAINT_HOLIDAYS) or frozenset()")
    assert result.returncode == 0 and result.stdout.strip() == expected, result.stderr


def test_a_malformed_holiday_stops_start_up_naming_the_variable():
    result = settings_subprocess({"COMPLAINT_HOLIDAYS": "2026-12-25,Christmas"}, "s.COMPLAINT_HOLIDAYS")
    assert result.returncode != 0
    assert "COMPLAINT_HOLIDAYS" in result.stderr and "'Christmas'" in result.stderr


def settings_subprocess(variables: dict[str, str], expression: str) -> subprocess.CompletedProcess:
    code = f"import django; django.setup(); from django.conf import settings as s; print({expression})"
    env = {**os.environ, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "config.settings", **variables}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


def test_the_first_decision_is_due_per_regime(settings):
    settings.COMPLAINT_DECISION_BUSINESS_DAYS = 1
    settings.COMPLAINT_DECISION_BUSINESS_DAYS_BY_REGIME = {"eu": 3}
    with time_machine.travel(FRIDAY_EVENING, tick=False):
        general, _ = received(ArticleFactory(), notifier_email="a@x.test")
        eu, _ = received(ArticleFactory(), notifier_email="b@x.test", regime="eu")
    assert local(general.decision_due_at).date() == dt.date(2026, 5, 11)  # Monday
    assert local(eu.decision_due_at).date() == dt.date(2026, 5, 13)  # Wednesday


def test_the_reply_window_and_the_appeal_decision_are_business_days(settings):
    settings.COMPLAINT_REPLY_WINDOW_BUSINESS_DAYS = 5
    settings.COMPLAINT_APPEAL_DECISION_BUSINESS_DAYS = 5
    with time_machine.travel(FRIDAY_EVENING, tick=False):
        asked, _ = received(ArticleFactory(), notifier_email="a@x.test")
        moves.complaint_request_information(complaint=asked, actor=officer(), question="Which issue?")
        appealed, _ = received(ArticleFactory(), notifier_email="b@x.test")
        reject(appealed, officer())
        moves.complaint_lodge_appeal(complaint=appealed, by="notifier", reasons="Please look again.")
    assert local(asked.reply_due_at).date() == dt.date(2026, 5, 15)
    assert local(appealed.decision_due_at).date() == dt.date(2026, 5, 15)


def test_the_us_restore_window_stays_within_10_to_14_business_days(settings):
    settings.COMPLAINT_US_RESTORE_BUSINESS_DAYS = 12
    assert deadlines("us").restore_days == 12
    settings.COMPLAINT_US_RESTORE_BUSINESS_DAYS = 3  # the law does not allow it: 10 at the earliest
    assert deadlines("us").restore_days == 10
    settings.COMPLAINT_US_RESTORE_BUSINESS_DAYS = 30
    assert deadlines("us").restore_days == 14
    assert deadlines("prc").restore_days is None and deadlines("prc").bars_renotice
    settings.COMPLAINT_RESTORE_BUSINESS_DAYS = 7
    assert deadlines("eu").restore_days == 7 and deadlines("general").restore_days == 7


@pytest.mark.parametrize(
    ("offset", "label"),
    [
        (dt.timedelta(hours=5), "due in 5 h"),
        (dt.timedelta(minutes=20), "due in 20 min"),
        (dt.timedelta(days=3, hours=2), "due in 3 d"),
        (dt.timedelta(hours=30), "due in 30 h"),
        (-dt.timedelta(days=2), "overdue by 2 d"),
        (-dt.timedelta(hours=3), "overdue by 3 h"),
        (-dt.timedelta(seconds=10), "overdue by 1 min"),
    ],
)
def test_deadlines_read_as_due_in_or_overdue_by(offset, label):
    now = FRIDAY_EVENING
    assert due_label(now + offset, now) == label
