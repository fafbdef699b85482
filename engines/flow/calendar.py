"""Working calendars: which local hours of which days count, so that SLA clocks, reminders
and delays can mean "2 working hours" or "3 working days" (holidays and 调休 included)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# How far any answer may lie from its start; beyond it the calendar is treated as broken
# (e.g. every day a holiday) rather than searched for ever.
MAX_YEARS = 20
_ONE_DAY = timedelta(days=1)
_TIME = re.compile(r"\d{2}:\d{2}(:\d{2})?")
_FIELDS = ("tz", "weekdays", "hours", "holidays", "workdays")


class CalendarError(ValueError):
    """A calendar that cannot work, or a question it cannot answer; `path` names the JSON
    place at fault ("hours.1.0"), or is empty when the question rather than the data is."""

    def __init__(self, en: str, zh: str, path: str = "") -> None:
        super().__init__(f"{path}: {en}" if path else en)
        self.en, self.zh, self.path = en, zh, path

    def message(self, locale: str = "en") -> str:
        return self.zh if locale.startswith("zh") else self.en


@dataclass(frozen=True)
class WorkCalendar:
    """Working time is the union of `hours` (local wall-clock intervals in `tz`) on every
    working day. A working day is a make-up day in `workdays`, or a day of `weekdays` that is
    not in `holidays`. Answers are real elapsed time: a working interval that a DST change
    shortens or lengthens counts as it really lasted."""

    tz: str = "Asia/Shanghai"
    weekdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})  # Monday = 0
    hours: tuple[tuple[time, time], ...] = ((time(9), time(12)), (time(13), time(18)))
    holidays: frozenset[date] = frozenset()  # days off even if a weekday
    workdays: frozenset[date] = frozenset()  # make-up working days (调休) even if a weekend

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.tz)
        except (ZoneInfoNotFoundError, ValueError, TypeError):
            raise CalendarError(f"Unknown time zone {self.tz!r}.", f"未知的时区 {self.tz!r}。", "tz") from None
        if any(not 0 <= day <= 6 for day in self.weekdays):
            raise CalendarError("Weekdays run from 0 (Monday) to 6 (Sunday).", "星期取值为 0（周一）到 6（周日）。", "weekdays")
        if not self.weekdays and not self.workdays:
            raise CalendarError("There is no working day.", "没有任何工作日。", "weekdays")
        if not self.hours:
            raise CalendarError("Give at least one working interval.", "至少需要一个工作时段。", "hours")
        previous_end: time | None = None
        for index, (opens, closes) in enumerate(self.hours):
            if closes <= opens:
                raise CalendarError("An interval must end after it starts.", "时段的结束时间必须晚于开始时间。", f"hours.{index}")
            if previous_end is not None and opens < previous_end:
                raise CalendarError("Intervals must be in order and must not overlap.", "时段须按时间顺序排列且互不重叠。",
                                    f"hours.{index}")
            previous_end = closes
        if both := sorted(self.holidays & self.workdays):
            raise CalendarError(f"{both[0]} is both a holiday and a make-up working day.",
                                f"{both[0]} 既是节假日又是调休工作日。", "workdays")

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> WorkCalendar:
        """`{"tz", "weekdays": [0..6], "hours": [["09:00", "12:00"], …], "holidays": ["2026-10-01", …],
        "workdays": [...]}`; every key is optional and `None` is the default calendar."""
        if data is None:
            return DEFAULT_CALENDAR
        if not isinstance(data, Mapping):
            raise CalendarError("A calendar is an object.", "工作日历应为对象。")
        for key in data:
            if key not in _FIELDS:
                raise CalendarError("Unknown calendar setting.", "未知的日历设置。", str(key))
        values: dict[str, Any] = {}
        if "tz" in data:
            if not isinstance(data["tz"], str):
                raise CalendarError("A time zone is a name such as Asia/Shanghai.", "时区应为名称，如 Asia/Shanghai。", "tz")
            values["tz"] = data["tz"]
        if "weekdays" in data:
            values["weekdays"] = frozenset(_weekday(day, f"weekdays.{i}") for i, day in _items(data, "weekdays"))
        if "hours" in data:
            values["hours"] = tuple(_interval(pair, f"hours.{i}") for i, pair in _items(data, "hours"))
        for key in ("holidays", "workdays"):
            if key in data:
                values[key] = frozenset(_date(day, f"{key}.{i}") for i, day in _items(data, key))
        return cls(**values)

    def to_json(self) -> dict[str, Any]:
        return {
            "tz": self.tz,
            "weekdays": sorted(self.weekdays),
            "hours": [[_clock(opens), _clock(closes)] for opens, closes in self.hours],
            "holidays": sorted(day.isoformat() for day in self.holidays),
            "workdays": sorted(day.isoformat() for day in self.workdays),
        }

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        return day.weekday() in self.weekdays and day not in self.holidays

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The moment `duration` of working time after `start`, in UTC. A start outside working
        hours counts from the next working moment; a result landing exactly on the end of an
        interval stays there (Friday 17:00 + 1 h is Friday 18:00, not Monday 09:00). A zero
        duration returns `start` unchanged, even outside working hours."""
        start = _utc(start, "start")
        if duration < timedelta(0):
            raise CalendarError("A duration cannot be negative.", "时长不能为负数。", "duration")
        if not duration:
            return start
        left = duration
        for opens, closes in self._intervals(start):
            if closes <= start:
                continue
            begin = max(opens, start)
            if begin + left <= closes:
                return begin + left
            left -= closes - begin
        raise AssertionError("unreachable: _intervals ends by raising")

    def add_days(self, start: datetime, days: int) -> datetime:
        """The `days`-th working day after `start`'s local date, at `start`'s local time of day;
        if that time is outside working hours, the next working moment after it. A start on a
        day off counts from its own date (Sunday 10:00 + 1 day is Monday 10:00); `days=0` is
        `start` moved forward to a working moment."""
        if days < 0:
            raise CalendarError("A number of days cannot be negative.", "天数不能为负数。", "days")
        local = _utc(start, "start").astimezone(self.zone)
        day = local.date()
        following = self._working_days(day + _ONE_DAY)
        for _ in range(days):
            day = next(following)
        return self._next_working_moment(datetime.combine(day, local.time(), self.zone))

    def next_at(self, start: datetime, at: time) -> datetime:
        """The local time `at` on the first working day at which it is strictly after `start`,
        in UTC; `at` may lie outside working hours (a 08:30 reminder)."""
        start = _utc(start, "start")
        for day in self._working_days(start.astimezone(self.zone).date()):
            moment = datetime.combine(day, at, self.zone).astimezone(UTC)
            if moment > start:
                return moment
        raise AssertionError("unreachable: _working_days ends by raising")

    def working_time_between(self, a: datetime, b: datetime) -> timedelta:
        """Working time from `a` to `b`; zero if `b` is not after `a`. The inverse of `add`."""
        a, b = _utc(a, "a"), _utc(b, "b")
        total = timedelta(0)
        if b <= a:
            return total
        for opens, closes in self._intervals(a):
            if opens >= b:
                return total
            total += max(timedelta(0), min(closes, b) - max(opens, a))
        raise AssertionError("unreachable: _intervals ends by raising")

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)  # zoneinfo caches instances by key

    def _working_days(self, first: date) -> Iterator[date]:
        """Working days from `first` on; a CalendarError once MAX_YEARS have gone by."""
        last = first + timedelta(days=366 * MAX_YEARS)
        day = first
        while day <= last:
            if self.is_working_day(day):
                yield day
            day += _ONE_DAY
        raise CalendarError(f"No answer within {MAX_YEARS} years; check the calendar.",
                            f"{MAX_YEARS} 年内无法得出结果，请检查工作日历。")

    def _intervals(self, start: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Working intervals in UTC, in order, from `start`'s local day on. Local times that a
        DST change skips map forward and repeated ones to their first occurrence; clamping to
        the previous end keeps the intervals ordered and never negative."""
        zone = self.zone
        previous_end: datetime | None = None
        for day in self._working_days(start.astimezone(zone).date()):
            for opens_at, closes_at in self.hours:
                opens = datetime.combine(day, opens_at, zone).astimezone(UTC)
                closes = datetime.combine(day, closes_at, zone).astimezone(UTC)
                if previous_end is not None:
                    opens = max(opens, previous_end)
                closes = previous_end = max(closes, opens)
                yield opens, closes

    def _next_working_moment(self, moment: datetime) -> datetime:
        moment = moment.astimezone(UTC)
        for opens, closes in self._intervals(moment):
            if closes > moment:
                return max(opens, moment)
        raise AssertionError("unreachable: _intervals ends by raising")


DEFAULT_CALENDAR = WorkCalendar()


def _utc(moment: datetime, path: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise CalendarError("A moment needs a time zone.", "时间点必须带时区。", path)
    return moment.astimezone(UTC)


def _items(data: Mapping[str, Any], key: str) -> Iterator[tuple[int, Any]]:
    value = data[key]
    if not isinstance(value, (list, tuple)):
        raise CalendarError("Expected a list.", "应为列表。", key)
    return enumerate(value)


def _weekday(value: Any, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 6:
        raise CalendarError("Weekdays run from 0 (Monday) to 6 (Sunday).", "星期取值为 0（周一）到 6（周日）。", path)
    return value


def _interval(value: Any, path: str) -> tuple[time, time]:
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        raise CalendarError('An interval is a pair such as ["09:00", "12:00"].', '时段应为一对时间，如 ["09:00", "12:00"]。', path)
    return _time(value[0], f"{path}.0"), _time(value[1], f"{path}.1")


def _time(value: Any, path: str) -> time:
    try:
        if isinstance(value, str) and _TIME.fullmatch(value):
            return time.fromisoformat(value)
    except ValueError:
        pass
    raise CalendarError("Expected a time of day such as 09:00.", "应为时刻，如 09:00。", path)


def _date(value: Any, path: str) -> date:
    try:
        if isinstance(value, str) and len(value) == 10:
            return date.fromisoformat(value)
    except ValueError:
        pass
    raise CalendarError("Expected a date such as 2026-10-01.", "应为日期，如 2026-10-01。", path)


def _clock(moment: time) -> str:
    return moment.isoformat("minutes" if not moment.second and not moment.microsecond else "auto")
