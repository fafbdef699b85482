"""Dates in Python: the context's clock, roll-over, month ends, week numbers, working days."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from engines.expr import Context, Schema, check
from engines.expr.functions.examples import EXAMPLE_CONTEXT

DT = Schema({"d": "date", "e": "date", "t": "datetime", "n": "number"})


def calc(formula: str, context: Context = EXAMPLE_CONTEXT, **record) -> object:
    return check(formula, DT).evaluate(record, context)


def test_today_and_now_come_from_the_context_not_the_clock() -> None:
    assert calc("TODAY()", Context(now=datetime(1999, 12, 31, 23, 0))) == date(1999, 12, 31)
    assert calc("$now", Context(now=datetime(2030, 1, 1, 8, 0))) == datetime(2030, 1, 1, 8, 0)
    shanghai = Context(now=datetime(2024, 6, 30, 20, 0, tzinfo=timezone.utc), tz=ZoneInfo("Asia/Shanghai"))
    assert calc("TODAY()", shanghai) == date(2024, 7, 1)


def test_aware_record_datetimes_are_read_in_the_contexts_time_zone() -> None:
    shanghai = Context(now=datetime(2024, 7, 1, 12, 0), tz=ZoneInfo("Asia/Shanghai"))
    utc_evening = datetime(2024, 6, 30, 20, 0, tzinfo=timezone.utc)
    assert calc("TODATE(t)", shanghai, t=utc_evening) == date(2024, 7, 1)


def test_date_rolls_over_like_excel() -> None:
    assert calc("DATE(2024, 14, 1)") == date(2025, 2, 1)
    assert calc("DATE(2024, -1, 1)") == date(2023, 11, 1)
    assert calc("DATE(2024, 3, 0)") == date(2024, 2, 29)
    assert calc("DATE(2024, 1, 366)") == date(2024, 12, 31)
    assert calc("DATE(9999, 12, 32)") is None


def test_adding_months_clamps_to_the_months_end() -> None:
    assert [calc(f'DATEADD(d, {m}, "m")', d=date(2024, 1, 31)) for m in (1, 2, 3, -2)] == [
        date(2024, 2, 29), date(2024, 3, 31), date(2024, 4, 30), date(2023, 11, 30)
    ]
    assert calc('DATEADD(d, 1, "y")', d=date(2024, 2, 29)) == date(2025, 2, 28)


def test_datedif_counts_whole_units_and_is_blank_backwards() -> None:
    assert calc('DATEDIF(d, e, "m")', d=date(2024, 1, 31), e=date(2024, 2, 29)) == 0
    assert calc('DATEDIF(d, e, "m")', d=date(2024, 1, 31), e=date(2024, 3, 31)) == 2
    assert calc('DATEDIF(d, e, "y")', d=date(2000, 2, 29), e=date(2024, 2, 28)) == 23
    assert calc('DATEDIF(d, e, "d")', d=date(2024, 2, 1), e=date(2024, 1, 1)) is None


def test_date_arithmetic_in_days() -> None:
    assert calc("e - d", d=date(2024, 1, 1), e=date(2024, 12, 31)) == 365
    assert calc("d + n", d=date(2024, 1, 1), n=Decimal("2.9")) == date(2024, 1, 3)
    assert calc("t - d", d=date(2024, 1, 1), t=datetime(2024, 1, 1, 6)) == Decimal("0.25")


@pytest.mark.parametrize("seed", range(5))
def test_networkdays_matches_counting_day_by_day(seed: int) -> None:
    rng = random.Random(seed)
    start = date(2020, 1, 1) + timedelta(days=rng.randrange(2000))
    end = start + timedelta(days=rng.randrange(-60, 60))
    lo, hi = min(start, end), max(start, end)
    count = sum(1 for i in range((hi - lo).days + 1) if (lo + timedelta(days=i)).weekday() < 5)
    assert calc("NETWORKDAYS(d, e)", d=start, e=end) == (count if start <= end else -count)


def test_week_numbers_around_new_year() -> None:
    assert calc("WEEKNUM(d)", d=date(2023, 1, 1)) == 1  # a Sunday
    assert calc("WEEKNUM(d, 2)", d=date(2023, 1, 2)) == 2  # the first Monday starts week 2
    assert calc("ISOWEEKNUM(d)", d=date(2023, 1, 1)) == 52


def test_bad_dates_are_blank() -> None:
    assert calc('DATEVALUE("2024-02-30")') is None
    assert calc('DATEADD(d, 100000000, "d")', d=date(2024, 1, 1)) is None
    assert calc("EDATE(d, 200000)", d=date(2024, 1, 1)) is None
