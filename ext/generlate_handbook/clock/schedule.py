"""The business-hours clock: the support policy's schedules, executable.

Modelled on zendesk/biz. A :class:`Schedule` is an IANA zone plus per-weekday ``[start, end)``
intervals in minutes after local midnight (``1440`` is 24:00) and a set of local holiday dates.
Every function takes timezone-aware datetimes and returns UTC (:data:`datetime.timezone.utc`).

How local hours become instants
    Each local day's intervals are converted to UTC *for that date* with :mod:`zoneinfo`, so
    daylight saving time is handled by the calendar, never by a fixed offset: an interval that
    spans a DST change has its real length (09:00-17:00 on a 25-hour day is 9 hours), and 24:00
    is the next local day's 00:00. A local time that does not exist (a spring-forward gap) is
    read as zoneinfo reads it with ``fold=0``: with the offset in force *before* the change, so
    02:30 on 2026-03-08 in Los Angeles is 10:30Z, i.e. 03:30 PDT. An interval whose end then
    resolves at or before its start is empty that day, and overlapping time is counted once.
    A local time that occurs twice (fall back) means its first occurrence. The schedule is open
    exactly on the union of these UTC intervals; a holiday closes its whole local day.

Counting
    :func:`due` starts counting at ``start`` if the schedule is open then, else at the next
    opening. A target that runs out exactly at a closing time is due *at* that closing time, so
    a deadline always lies inside an open interval or at its end. A zero duration is due at
    ``next_open(start)`` (``start`` itself when open). Cost grows with the days spanned, not the
    minutes: the clock steps day by day and skips whole weeks arithmetically when a week has no
    holiday and no UTC-offset change. The 24/7 :meth:`Schedule.calendar` clock is plain
    arithmetic.

Pure Python: no Sphinx, docutils, pydantic or YAML here.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import cached_property
from zoneinfo import ZoneInfo

__all__ = [
    "NaiveDatetimeError",
    "Schedule",
    "due",
    "elapsed",
    "is_open",
    "next_open",
    "open_intervals_on",
    "open_segments",
    "segments_until_due",
    "worst_case_elapsed",
]

MINUTES_PER_DAY = 1440
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

_ZERO = timedelta(0)
_DAY = timedelta(days=1)
_WEEK = timedelta(days=7)
_CACHE_DAYS = 8192  # per schedule; a year is 366 entries

Interval = tuple[int, int]
Span = tuple[datetime, datetime]


class NaiveDatetimeError(ValueError):
    """A datetime without a UTC offset was given where an instant is needed."""


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


class _FrozenHours(Mapping[int, tuple[Interval, ...]]):
    """An immutable, hashable weekday -> intervals mapping (closed weekdays left out)."""

    __slots__ = ("_data", "_hash", "_key")

    def __init__(self, data: dict[int, tuple[Interval, ...]]) -> None:
        self._data = dict(sorted(data.items()))
        self._key = tuple(self._data.items())
        self._hash = hash(self._key)

    def __getitem__(self, weekday: int) -> tuple[Interval, ...]:
        return self._data[weekday]

    def __iter__(self) -> Iterator[int]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        if isinstance(other, _FrozenHours):
            return self._key == other._key
        return Mapping.__eq__(self, other)

    def __repr__(self) -> str:
        return repr(self._data)


def _frozen_hours(hours: object, label: str) -> _FrozenHours:
    if not isinstance(hours, Mapping):
        raise ValueError(f"{label}: hours must be a mapping of weekday to intervals")
    data: dict[int, tuple[Interval, ...]] = {}
    for weekday, intervals in hours.items():
        if isinstance(weekday, bool) or not isinstance(weekday, int) or not 0 <= weekday <= 6:
            raise ValueError(f"{label}: weekday {weekday!r} is not 0 (Monday) to 6 (Sunday)")
        day = WEEKDAYS[weekday]
        pairs: list[Interval] = []
        for interval in intervals:
            try:
                start, end = interval
            except (TypeError, ValueError):
                raise ValueError(f"{label}: {day} interval {interval!r} is not a pair") from None
            if not all(isinstance(x, int) and not isinstance(x, bool) for x in (start, end)):
                raise ValueError(f"{label}: {day} interval {interval!r} is not whole minutes")
            if not 0 <= start < end <= MINUTES_PER_DAY:
                raise ValueError(
                    f"{label}: {day} interval {start}-{end} must satisfy "
                    f"0 <= start < end <= 1440 (24:00)"
                )
            if pairs and start < pairs[-1][1]:
                previous = pairs[-1]
                raise ValueError(
                    f"{label}: {day} intervals overlap or are out of order: "
                    f"{_hhmm(previous[0])}-{_hhmm(previous[1])} then {_hhmm(start)}-{_hhmm(end)}"
                )
            pairs.append((start, end))
        if pairs:
            data[weekday] = tuple(pairs)
    return _FrozenHours(data)


@dataclass(frozen=True)
class Schedule:
    """Weekly open hours in an IANA zone, minus local holidays. Hashable and immutable.

    ``hours`` maps a weekday (0 = Monday .. 6 = Sunday) to sorted, non-overlapping
    ``(start, end)`` minutes after local midnight, ``0 <= start < end <= 1440``; a missing
    weekday is closed. Touching intervals are allowed. A ``str`` zone is looked up as an IANA
    name. Invalid input raises :class:`ValueError`.
    """

    zone: ZoneInfo
    hours: Mapping[int, tuple[tuple[int, int], ...]]
    holidays: frozenset[date] = frozenset()
    name: str = ""

    def __post_init__(self) -> None:
        label = f"schedule {self.name!r}" if self.name else "schedule"
        if not isinstance(self.name, str):
            raise ValueError(f"{label}: name must be a string")
        zone: object = self.zone
        if isinstance(zone, str):
            try:
                zone = ZoneInfo(zone)
            except (KeyError, ValueError, OSError):  # ZoneInfoNotFoundError is a KeyError
                raise ValueError(f"{label}: unknown time zone {self.zone!r}") from None
        if not isinstance(zone, tzinfo):
            raise ValueError(f"{label}: zone must be a ZoneInfo, not {type(zone).__name__}")
        object.__setattr__(self, "zone", zone)
        object.__setattr__(self, "hours", _frozen_hours(self.hours, label))
        try:
            days = frozenset(self.holidays)
        except TypeError:
            raise ValueError(f"{label}: holidays must be a collection of dates") from None
        for day in days:
            if isinstance(day, datetime) or not isinstance(day, date):
                raise ValueError(f"{label}: holiday {day!r} is not a date")
        object.__setattr__(self, "holidays", days)

    @classmethod
    def calendar(cls) -> Schedule:
        """The 24/7 "calendar" clock: always open, UTC, no holidays."""
        return cls(
            zone=ZoneInfo("UTC"),
            hours={weekday: ((0, MINUTES_PER_DAY),) for weekday in range(7)},
            name="Calendar",
        )

    def week_minutes(self) -> int:
        """Open minutes in a normal week (no holidays, no DST change)."""
        return sum(end - start for day in self.hours.values() for start, end in day)

    def day_minutes(self) -> int | None:
        """Open minutes per open day if every open weekday has the same total, else None.

        That total is the schedule's "business day".
        """
        totals = {sum(end - start for start, end in day) for day in self.hours.values()}
        return totals.pop() if len(totals) == 1 else None

    @cached_property
    def _compiled(self) -> _Compiled:
        return _Compiled(self)


class _Compiled:
    """Per-schedule derived data and caches (not part of equality or hashing)."""

    __slots__ = (
        "always_open",
        "days",
        "holidays",
        "hours",
        "label",
        "midnights",
        "sorted_holidays",
        "week",
        "zone",
    )

    def __init__(self, schedule: Schedule) -> None:
        self.zone = schedule.zone
        self.label = f"schedule {schedule.name!r}" if schedule.name else "schedule"
        self.hours = tuple(_merge_touching(schedule.hours.get(w, ())) for w in range(7))
        self.holidays = schedule.holidays
        self.sorted_holidays = sorted(schedule.holidays)
        self.week = timedelta(minutes=schedule.week_minutes())
        self.always_open = not self.holidays and all(
            day == ((0, MINUTES_PER_DAY),) for day in self.hours
        )
        self.days: dict[date, tuple[Span, ...]] = {}
        self.midnights: dict[date, tuple[datetime, timedelta | None]] = {}

    def require_open(self) -> None:
        if not self.week:
            raise ValueError(f"{self.label} has no open hours, so nothing is ever due")

    def local_date(self, t: datetime) -> date:
        return t.astimezone(self.zone).date()

    def at(self, day: date, minute: int) -> datetime:
        """The UTC instant of local ``day`` + ``minute`` (1440 = next day 00:00; fold=0)."""
        if minute == MINUTES_PER_DAY:
            day += _DAY
            minute = 0
        hour, minute = divmod(minute, 60)
        local = datetime(day.year, day.month, day.day, hour, minute, tzinfo=self.zone)
        return local.astimezone(UTC)

    def intervals(self, day: date) -> tuple[Span, ...]:
        """The local day's open intervals in UTC, ordered, disjoint, non-empty, merged."""
        spans = self.days.get(day)
        if spans is None:
            if len(self.days) >= _CACHE_DAYS:
                self.days.clear()
            spans = self.days[day] = self._build(day)
        return spans

    def _build(self, day: date) -> tuple[Span, ...]:
        if day in self.holidays:
            return ()
        spans: list[Span] = []
        for start, end in self.hours[day.weekday()]:
            a, b = self.at(day, start), self.at(day, end)
            if spans and a <= spans[-1][1]:  # gap-resolved overlap: count the time once
                if b > spans[-1][1]:
                    spans[-1] = (spans[-1][0], b)
                continue
            if b > a:
                spans.append((a, b))
        return tuple(spans)

    def midnight(self, day: date) -> tuple[datetime, timedelta | None]:
        """Local ``day`` 00:00 as UTC, and the zone's UTC offset then."""
        got = self.midnights.get(day)
        if got is None:
            if len(self.midnights) >= _CACHE_DAYS:
                self.midnights.clear()
            local = datetime(day.year, day.month, day.day, tzinfo=self.zone)
            got = self.midnights[day] = (local.astimezone(UTC), local.utcoffset())
        return got

    def skippable_week(self, day: date, floor: datetime) -> datetime | None:
        """If local days ``day`` .. ``day + 6`` can be counted as one normal week, its end.

        They can when the week starts at or after ``floor`` (nothing of it counted yet), holds
        no holiday and has no UTC-offset change (same offset at its start, middle and end).
        """
        start, offset = self.midnight(day)
        if start < floor:
            return None
        i = bisect_left(self.sorted_holidays, day)
        if i < len(self.sorted_holidays) and self.sorted_holidays[i] < day + _WEEK:
            return None
        end, end_offset = self.midnight(day + _WEEK)
        if end_offset != offset or self.midnight(day + timedelta(days=3))[1] != offset:
            return None
        return end


def _merge_touching(intervals: tuple[Interval, ...]) -> tuple[Interval, ...]:
    merged: list[Interval] = []
    for start, end in intervals:
        if merged and start == merged[-1][1]:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return tuple(merged)


# --- input checks -------------------------------------------------------------------------------


def _utc(t: datetime, schedule: Schedule, what: str) -> datetime:
    if not isinstance(t, datetime):
        raise TypeError(f"{what} must be a datetime, not {type(t).__name__}")
    if t.tzinfo is None or t.utcoffset() is None:
        naive = t.replace(tzinfo=None).isoformat()
        local = t.replace(tzinfo=schedule.zone).isoformat()
        raise NaiveDatetimeError(
            f"{naive} has no UTC offset; write it as {local} ({schedule.zone}) "
            f"or, if it is UTC, {naive}Z"
        )
    return t.astimezone(UTC)


def _check_duration(duration: timedelta) -> None:
    if not isinstance(duration, timedelta):
        raise TypeError(f"duration must be a timedelta, not {type(duration).__name__}")
    if duration < _ZERO:
        raise ValueError(f"duration must not be negative, got {duration}")


# --- the walks ----------------------------------------------------------------------------------


def _next_open(c: _Compiled, t: datetime) -> datetime:
    if c.always_open:
        return t
    c.require_open()
    day = c.local_date(t) - _DAY
    while True:
        for a, b in c.intervals(day):
            if b > t:
                return a if a > t else t
        day += _DAY


def _due(c: _Compiled, start: datetime, duration: timedelta) -> datetime:
    if c.always_open:
        return start + duration
    if not duration:
        return _next_open(c, start)
    c.require_open()
    remaining = duration
    week = c.week
    floor = start  # nothing before this instant counts (the start, then what was counted)
    day = c.local_date(start) - _DAY
    while True:
        if remaining > week:
            end = c.skippable_week(day, floor)
            if end is not None:
                remaining -= week
                floor = end
                day += _WEEK
                continue
        for a, b in c.intervals(day):
            if a < floor:
                a = floor
            if b <= a:
                continue
            span = b - a
            if remaining <= span:
                return a + remaining
            remaining -= span
            floor = b
        day += _DAY


def _elapsed(c: _Compiled, start: datetime, end: datetime) -> timedelta:
    if end <= start:
        return _ZERO
    if c.always_open:
        return end - start
    total = _ZERO
    floor = start
    day = c.local_date(start) - _DAY
    last = c.local_date(end) + _DAY
    while day <= last:
        if c.week and day + _WEEK < last:
            week_end = c.skippable_week(day, floor)
            if week_end is not None and week_end <= end:
                total += c.week
                floor = week_end
                day += _WEEK
                continue
        for a, b in c.intervals(day):
            if a < floor:
                a = floor
            if b > end:
                b = end
            if b > a:
                total += b - a
                floor = b
        day += _DAY
    return total


def _segments(c: _Compiled, start: datetime, end: datetime) -> Iterator[Span]:
    if end <= start:
        return
    if c.always_open:
        yield start, end
        return
    floor = start
    current: Span | None = None
    day = c.local_date(start) - _DAY
    last = c.local_date(end) + _DAY
    while day <= last:
        for a, b in c.intervals(day):
            if a < floor:
                a = floor
            if b > end:
                b = end
            if b <= a:
                continue
            if current is not None and a <= current[1]:
                current = (current[0], b)
            else:
                if current is not None:
                    yield current
                current = (a, b)
            floor = b
        day += _DAY
    if current is not None:
        yield current


# --- public API ---------------------------------------------------------------------------------


def due(start: datetime, duration: timedelta, schedule: Schedule) -> datetime:
    """When ``duration`` of open time, counted from ``start``, has passed (UTC).

    Counting starts at ``start`` if open, else at the next opening; a target that runs out
    exactly at a closing time is due at that closing time. ``due(start, 0)`` is
    ``next_open(start)``. Raises :class:`ValueError` if the schedule is never open.
    """
    s = _utc(start, schedule, "start")
    _check_duration(duration)
    return _due(schedule._compiled, s, duration)


def elapsed(start: datetime, end: datetime, schedule: Schedule) -> timedelta:
    """Open time in ``[start, end)``; zero if ``end <= start``."""
    s, e = _utc(start, schedule, "start"), _utc(end, schedule, "end")
    return _elapsed(schedule._compiled, s, e)


def is_open(t: datetime, schedule: Schedule) -> bool:
    """Whether the schedule is open at instant ``t`` (intervals are ``[start, end)``)."""
    u = _utc(t, schedule, "t")
    c = schedule._compiled
    if c.always_open:
        return True
    day = c.local_date(u)
    for d in (day - _DAY, day, day + _DAY):
        for a, b in c.intervals(d):
            if a <= u < b:
                return True
    return False


def next_open(t: datetime, schedule: Schedule) -> datetime:
    """``t`` (in UTC) if the schedule is open then, else its next opening."""
    return _next_open(schedule._compiled, _utc(t, schedule, "t"))


def open_segments(
    start: datetime, end: datetime, schedule: Schedule
) -> Iterator[tuple[datetime, datetime]]:
    """The open intervals inside ``[start, end)``, in UTC, in order; touching ones merged."""
    s, e = _utc(start, schedule, "start"), _utc(end, schedule, "end")
    return _segments(schedule._compiled, s, e)


def segments_until_due(
    start: datetime, duration: timedelta, schedule: Schedule
) -> list[tuple[datetime, datetime]]:
    """The open segments :func:`due` counts, ending at the deadline (for explanations)."""
    s = _utc(start, schedule, "start")
    _check_duration(duration)
    c = schedule._compiled
    return list(_segments(c, s, _due(c, s, duration)))


def worst_case_elapsed(duration: timedelta, schedule: Schedule, year: int) -> timedelta:
    """The longest ``due(start, duration) - start`` over starts in the local calendar ``year``.

    ``due - start`` only grows while a start moves through open time and only shrinks while
    it moves through closed time, so the supremum is at a closing instant (a ticket opened
    just as the schedule closes, e.g. before a weekend or holiday), the start of the year or
    the end of the year (approached from inside it). Those are the only starts evaluated.
    """
    _check_duration(duration)
    if isinstance(year, bool) or not isinstance(year, int):
        raise TypeError(f"year must be an int, not {type(year).__name__}")
    c = schedule._compiled
    if c.always_open:
        return duration
    c.require_open()
    first = c.midnight(date(year, 1, 1))[0]
    last = c.midnight(date(year + 1, 1, 1))[0]
    starts = [first, *(b for _, b in _segments(c, first, last) if b < last), last]
    return max(_due(c, t, duration) - t for t in starts)


def open_intervals_on(day: date, schedule: Schedule) -> list[tuple[datetime, datetime]]:
    """Local ``day``'s open intervals as UTC instants; empty on holidays and closed days."""
    if isinstance(day, datetime) or not isinstance(day, date):
        raise TypeError(f"day must be a date, not {type(day).__name__}")
    return list(schedule._compiled.intervals(day))
