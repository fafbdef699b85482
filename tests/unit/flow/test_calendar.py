"""Working calendars count only working hours on working days, in local time, across
weekends, holidays, make-up days and DST changes."""

from __future__ import annotations

import time as clock
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engines.flow.calendar import DEFAULT_CALENDAR, CalendarError, WorkCalendar

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
HOUR = timedelta(hours=1)
EVERY_DAY = frozenset(range(7))


def sh(day: str, at: str = "00:00") -> datetime:
    return datetime.combine(date.fromisoformat(day), time.fromisoformat(at), SHANGHAI)


def berlin(day: str, at: str = "00:00") -> datetime:
    return datetime.combine(date.fromisoformat(day), time.fromisoformat(at), BERLIN)


def make_calendar(**changes: Any) -> WorkCalendar:
    return WorkCalendar.from_json({**DEFAULT_CALENDAR.to_json(), **changes})


# 2026-06-05 is a Friday; 2026-03-29 and 2026-10-25 are Berlin's DST Sundays.


def test_friday_afternoon_plus_two_working_hours_is_monday_ten() -> None:
    due = DEFAULT_CALENDAR.add(sh("2026-06-05", "17:00"), 2 * HOUR)
    assert due == sh("2026-06-08", "10:00")
    assert due.tzinfo is UTC


def test_lunch_break_does_not_count() -> None:
    assert DEFAULT_CALENDAR.add(sh("2026-06-08", "11:00"), 2 * HOUR) == sh("2026-06-08", "14:00")


def test_deadline_on_closing_time_stays_that_day() -> None:
    assert DEFAULT_CALENDAR.add(sh("2026-06-05", "17:00"), HOUR) == sh("2026-06-05", "18:00")


def test_holiday_is_skipped() -> None:
    calendar = make_calendar(holidays=["2026-06-08"])
    assert calendar.add(sh("2026-06-05", "17:00"), 2 * HOUR) == sh("2026-06-09", "10:00")


def test_make_up_saturday_counts() -> None:
    calendar = make_calendar(workdays=["2026-06-06"])
    assert calendar.is_working_day(date(2026, 6, 6))
    assert calendar.add(sh("2026-06-05", "17:00"), 2 * HOUR) == sh("2026-06-06", "10:00")


@pytest.mark.parametrize(("start", "due"), [
    (sh("2026-06-07", "15:00"), sh("2026-06-08", "10:00")),  # Sunday
    (sh("2026-06-08", "07:30"), sh("2026-06-08", "10:00")),  # before opening
    (sh("2026-06-08", "12:30"), sh("2026-06-08", "14:00")),  # lunch
    (sh("2026-06-05", "18:00"), sh("2026-06-08", "10:00")),  # closing time
])
def test_start_outside_hours_counts_from_next_working_moment(start: datetime, due: datetime) -> None:
    assert DEFAULT_CALENDAR.add(start, HOUR) == due


def test_zero_duration_returns_start_unchanged() -> None:
    sunday = sh("2026-06-07", "15:00")
    assert DEFAULT_CALENDAR.add(sunday, timedelta(0)) == sunday


def test_start_in_another_zone_is_read_in_calendar_zone() -> None:
    friday_five_in_shanghai = datetime(2026, 6, 5, 9, tzinfo=UTC)
    assert DEFAULT_CALENDAR.add(friday_five_in_shanghai, 2 * HOUR) == sh("2026-06-08", "10:00")


def test_two_thousand_working_hours_are_250_working_days_and_quick() -> None:
    started = clock.perf_counter()
    due = DEFAULT_CALENDAR.add(sh("2026-06-08", "09:00"), 2000 * HOUR)
    assert clock.perf_counter() - started < 1
    local = due.astimezone(SHANGHAI)
    assert local.time() == time(18)
    days = (local.date() - date(2026, 6, 8)).days + 1
    assert sum(DEFAULT_CALENDAR.is_working_day(date(2026, 6, 8) + timedelta(d)) for d in range(days)) == 250


def test_calendar_without_working_time_in_reach_fails() -> None:
    calendar = WorkCalendar(weekdays=frozenset(), workdays=frozenset({date(2026, 1, 5)}))
    with pytest.raises(CalendarError):
        calendar.add(sh("2026-02-01"), HOUR)


def test_moments_without_time_zone_and_negative_amounts_are_refused() -> None:
    with pytest.raises(CalendarError) as naive:
        DEFAULT_CALENDAR.add(datetime(2026, 6, 5, 17), HOUR)
    assert naive.value.path == "start"
    with pytest.raises(CalendarError):
        DEFAULT_CALENDAR.add(sh("2026-06-05"), -HOUR)
    with pytest.raises(CalendarError):
        DEFAULT_CALENDAR.add_days(sh("2026-06-05"), -1)


@pytest.mark.parametrize(("start", "days", "due"), [
    (sh("2026-06-05", "10:00"), 1, sh("2026-06-08", "10:00")),
    (sh("2026-06-05", "10:00"), 5, sh("2026-06-12", "10:00")),
    (sh("2026-06-07", "10:00"), 1, sh("2026-06-08", "10:00")),  # from a Sunday: Monday is the first
    (sh("2026-06-05", "20:00"), 1, sh("2026-06-09", "09:00")),  # Monday 20:00 is after hours
    (sh("2026-06-05", "12:30"), 0, sh("2026-06-05", "13:00")),  # zero days: the next working moment
])
def test_add_days_keeps_time_of_day(start: datetime, days: int, due: datetime) -> None:
    assert DEFAULT_CALENDAR.add_days(start, days) == due


def test_add_days_across_national_day_holiday() -> None:
    calendar = make_calendar(holidays=[f"2026-10-0{d}" for d in range(1, 8)], workdays=["2026-09-27", "2026-10-10"])
    eve = sh("2026-09-30", "10:00")
    assert calendar.add_days(eve, 1) == sh("2026-10-08", "10:00")
    assert calendar.add_days(eve, 3) == sh("2026-10-10", "10:00")  # the make-up Saturday
    assert calendar.add_days(sh("2026-09-25", "10:00"), 1) == sh("2026-09-27", "10:00")  # make-up Sunday


@pytest.mark.parametrize(("start", "due"), [
    (sh("2026-06-05", "08:00"), sh("2026-06-05", "08:30")),
    (sh("2026-06-05", "08:30"), sh("2026-06-08", "08:30")),  # strictly after
    (sh("2026-06-05", "10:00"), sh("2026-06-08", "08:30")),
    (sh("2026-06-06", "07:00"), sh("2026-06-08", "08:30")),  # Saturday
])
def test_next_at_is_first_working_day_time_strictly_after(start: datetime, due: datetime) -> None:
    assert DEFAULT_CALENDAR.next_at(start, time(8, 30)) == due


def test_next_at_skips_holidays() -> None:
    calendar = make_calendar(holidays=["2026-06-08"])
    assert calendar.next_at(sh("2026-06-05", "10:00"), time(9)) == sh("2026-06-09", "09:00")


def test_working_time_between() -> None:
    assert DEFAULT_CALENDAR.working_time_between(sh("2026-06-05", "17:00"), sh("2026-06-08", "10:00")) == 2 * HOUR
    assert DEFAULT_CALENDAR.working_time_between(sh("2026-06-08", "00:00"), sh("2026-06-15", "00:00")) == 40 * HOUR
    assert DEFAULT_CALENDAR.working_time_between(sh("2026-06-08", "10:00"), sh("2026-06-08", "09:00")) == timedelta(0)


NIGHT_SHIFT = WorkCalendar(tz="Europe/Berlin", weekdays=EVERY_DAY, hours=((time(1), time(4)),))
BERLIN_OFFICE = make_calendar(tz="Europe/Berlin")
# Intervals that begin, end or sit inside the hour a DST change skips or repeats.
AWKWARD = WorkCalendar(tz="Europe/Berlin", weekdays=EVERY_DAY,
                       hours=((time(0, 30), time(2, 15)), (time(2, 20), time(2, 40)), (time(2, 45), time(3, 30))))


def test_dst_week_in_an_office_calendar() -> None:
    friday = berlin("2026-03-27", "17:00")  # CET, UTC+1
    assert BERLIN_OFFICE.add(friday, 2 * HOUR) == datetime(2026, 3, 30, 8, tzinfo=UTC)  # 10:00 CEST
    assert BERLIN_OFFICE.working_time_between(berlin("2026-03-23"), berlin("2026-03-30")) == 40 * HOUR
    assert BERLIN_OFFICE.add_days(friday, 1) == berlin("2026-03-30", "17:00")
    assert BERLIN_OFFICE.next_at(friday, time(9)) == datetime(2026, 3, 30, 7, tzinfo=UTC)


def test_dst_nights_last_as_long_as_they_really_do() -> None:
    def night(day: str) -> timedelta:
        return NIGHT_SHIFT.working_time_between(berlin(day), berlin(day) + timedelta(days=1))

    assert night("2026-03-28") == 3 * HOUR
    assert night("2026-03-29") == 2 * HOUR  # 02:00-03:00 never happens
    assert night("2026-10-25") == 4 * HOUR  # 02:00-03:00 happens twice
    assert NIGHT_SHIFT.add(berlin("2026-03-29", "01:00"), 90 * timedelta(minutes=1)) == datetime(2026, 3, 29, 1, 30,
                                                                                                  tzinfo=UTC)
    assert NIGHT_SHIFT.add(berlin("2026-10-25", "01:00"), 3 * HOUR) == datetime(2026, 10, 25, 2, tzinfo=UTC)


STARTS = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31),
                      timezones=st.sampled_from([SHANGHAI, BERLIN, UTC]))
DURATIONS = st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=3000))


@settings(max_examples=200, deadline=None)
@given(calendar=st.sampled_from([DEFAULT_CALENDAR, BERLIN_OFFICE, NIGHT_SHIFT, AWKWARD]), start=STARTS,
       duration=DURATIONS)
def test_working_time_between_inverts_add(calendar: WorkCalendar, start: datetime, duration: timedelta) -> None:
    due = calendar.add(start, duration)
    assert due >= start
    assert calendar.working_time_between(start, due) == duration


def test_default_and_json_round_trip() -> None:
    assert WorkCalendar.from_json(None) == DEFAULT_CALENDAR
    assert WorkCalendar.from_json({}) == DEFAULT_CALENDAR
    calendar = make_calendar(tz="Europe/Berlin", weekdays=[0, 1, 2, 3, 4, 5], hours=[["08:30", "12:00:30"]],
                             holidays=["2026-10-01"], workdays=["2026-10-10"])
    assert WorkCalendar.from_json(calendar.to_json()) == calendar
    assert calendar.to_json()["hours"] == [["08:30", "12:00:30"]]


@pytest.mark.parametrize(("data", "path"), [
    ({"tz": "Mars/Olympus"}, "tz"),
    ({"tz": 8}, "tz"),
    ({"colour": "red"}, "colour"),
    ({"weekdays": [1, 7]}, "weekdays.1"),
    ({"weekdays": [True]}, "weekdays.0"),
    ({"weekdays": []}, "weekdays"),
    ({"hours": []}, "hours"),
    ({"hours": [["12:00", "09:00"]]}, "hours.0"),
    ({"hours": [["09:00", "12:00"], ["11:00", "13:00"]]}, "hours.1"),
    ({"hours": [["13:00", "18:00"], ["09:00", "12:00"]]}, "hours.1"),
    ({"hours": [["9am", "12:00"]]}, "hours.0.0"),
    ({"hours": [["09:00", "25:00"]]}, "hours.0.1"),
    ({"hours": [["09:00"]]}, "hours.0"),
    ({"holidays": "2026-10-01"}, "holidays"),
    ({"holidays": ["2026-02-30"]}, "holidays.0"),
    ({"workdays": ["2026-10-10", "tomorrow"]}, "workdays.1"),
    ({"holidays": ["2026-10-10"], "workdays": ["2026-10-10"]}, "workdays"),
])
def test_from_json_names_the_bad_setting(data: dict[str, Any], path: str) -> None:
    with pytest.raises(CalendarError) as error:
        WorkCalendar.from_json(data)
    assert error.value.path == path
    assert error.value.en and error.value.zh
