"""The reader templates' `iso` and `long_date` filters print exactly what Django's `date` filter prints with
'c' and "j F Y", in any time zone and language, for datetimes and dates (they only skip parsing the format)."""

from datetime import UTC, date, datetime

import pytest
from django.template import Context, engines
from django.utils import timezone, translation
from hypothesis import given, settings
from hypothesis import strategies as st

TEMPLATE = engines["django"].from_string(
    "{% load reader %}{{ d|iso }}|{{ d|date:'c' }}|{{ d|long_date }}|{{ d|date:'j F Y' }}"
)


def both(value) -> tuple[str, str, str, str]:
    return tuple(TEMPLATE.template.render(Context({"d": value})).split("|"))


@settings(max_examples=200, deadline=None)
@given(
    moment=st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(UTC)),
    zone=st.sampled_from(["UTC", "Asia/Shanghai", "America/New_York", "Europe/Belgrade", "Asia/Kathmandu"]),
    language=st.sampled_from(["en", "fr", "zh-hans"]),
)
def test_the_same_as_djangos_date_filter(moment, zone, language):
    with timezone.override(zone), translation.override(language):
        ours_iso, djangos_iso, ours_long, djangos_long = both(moment)
        assert ours_iso == djangos_iso
        assert ours_long == djangos_long


@pytest.mark.parametrize("value", [date(2013, 9, 7), date(2026, 11, 29)])
def test_dates_too(value):
    ours_iso, djangos_iso, ours_long, djangos_long = both(value)
    assert (ours_iso, ours_long) == (djangos_iso, djangos_long)


@pytest.mark.parametrize("value", [None, ""])
def test_nothing_prints_nothing(value):
    ours_iso, djangos_iso, ours_long, djangos_long = both(value)
    assert (ours_iso, ours_long) == (djangos_iso, djangos_long) == ("", "")
