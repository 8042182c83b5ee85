"""The Schedule value: weekly open hours in an IANA zone, minus local holidays.

Modelled on zendesk/biz. A :class:`Schedule` is an IANA zone plus per-weekday ``[start, end)``
intervals in minutes after local midnight (``1440`` is 24:00) and a set of local holiday dates.
It is immutable and hashable; what the clock computes with it lives in :mod:`.index`.

How local hours become instants (:func:`day_segments`)
    Each local day's intervals are converted to UTC *for that date* with :mod:`zoneinfo`, so
    daylight saving time is handled by the calendar, never by a fixed offset: an interval that
    spans a DST change has its real length (09:00-17:00 on a 25-hour day is 9 hours), and 24:00
    is the next local day's 00:00. A local time that does not exist (a spring-forward gap) is
    read as zoneinfo reads it with ``fold=0``: with the offset in force *before* the change, so
    02:30 on 2026-03-08 in Los Angeles is 10:30Z, i.e. 03:30 PDT. An interval whose end then
    resolves at or before its start is empty that day, and overlapping time is counted once.
    A local time that occurs twice (fall back) means its first occurrence. The schedule is open
    exactly on the union of these UTC intervals; a holiday closes its whole local day.

Pure Python: no Sphinx, docutils, pydantic or YAML here.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from types import MappingProxyType
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from ..policy.model import CALENDAR
from ..policy.units import DAY_NAMES, MINUTES_PER_DAY, open_minutes
from .instants import from_ns, ns_of_date

if TYPE_CHECKING:
    from ..policy.model import Policy, ScheduleSpec

__all__ = ["LocalInterval", "Schedule", "Segment", "open_intervals_on", "schedule_for"]

# Minutes after local midnight, [start, end); 1440 is 24:00.
LocalInterval = tuple[int, int]
# An open stretch of time as UTC instants, [start, end).
Segment = tuple[datetime, datetime]
Week = tuple[tuple[LocalInterval, ...], ...]  # seven entries, Monday first


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _check_day(label: str, weekday: object, intervals: Iterable[Any]) -> tuple[LocalInterval, ...]:
    if isinstance(weekday, bool) or not isinstance(weekday, int) or not 0 <= weekday <= 6:
        raise ValueError(f"{label}: weekday {weekday!r} is not 0 (Monday) to 6 (Sunday)")
    day = DAY_NAMES[weekday]
    pairs: list[LocalInterval] = []
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
    return tuple(pairs)


def _check_week(hours: object, label: str) -> Week:
    """Validate a weekday -> intervals mapping given from Python; the seven days, Monday first."""
    if not isinstance(hours, Mapping):
        raise ValueError(f"{label}: hours must be a mapping of weekday to intervals")
    week: list[tuple[LocalInterval, ...]] = [()] * 7
    for weekday, intervals in hours.items():
        week[weekday] = _check_day(label, weekday, intervals)
    return tuple(week)


def _zone(zone: object, label: str) -> tzinfo:
    if isinstance(zone, str):
        try:
            zone = ZoneInfo(zone)
        except (KeyError, ValueError, OSError):  # ZoneInfoNotFoundError is a KeyError
            raise ValueError(f"{label}: unknown time zone {zone!r}") from None
    if not isinstance(zone, tzinfo):
        raise ValueError(f"{label}: zone must be a ZoneInfo, not {type(zone).__name__}")
    return zone


def _holidays(holidays: object, label: str) -> frozenset[date]:
    try:
        days = frozenset(holidays)  # type: ignore[arg-type]
    except TypeError:
        raise ValueError(f"{label}: holidays must be a collection of dates") from None
    for day in days:
        if isinstance(day, datetime) or not isinstance(day, date):
            raise ValueError(f"{label}: holiday {day!r} is not a date")
    return days


@dataclass(frozen=True)
class Schedule:
    """Weekly open hours in an IANA zone, minus local holidays. Hashable and immutable.

    ``hours`` maps a weekday (0 = Monday .. 6 = Sunday) to sorted, non-overlapping
    ``(start, end)`` minutes after local midnight, ``0 <= start < end <= 1440``; a missing
    weekday is closed. Touching intervals are allowed. A ``str`` zone is looked up as an IANA
    name. Invalid input raises :class:`ValueError`. Equality and hashing use ``week``, the
    same hours as seven tuples, Monday first.
    """

    zone: ZoneInfo
    hours: Mapping[int, tuple[LocalInterval, ...]] = field(compare=False)
    holidays: frozenset[date] = frozenset()
    name: str = ""
    week: Week = field(init=False, repr=False)

    def __post_init__(self) -> None:
        label = self.label
        if not isinstance(self.name, str):
            raise ValueError(f"{label}: name must be a string")
        self._set(_zone(self.zone, label), _check_week(self.hours, label))
        object.__setattr__(self, "holidays", _holidays(self.holidays, label))

    def _set(self, zone: tzinfo, week: Week) -> None:
        object.__setattr__(self, "zone", zone)
        object.__setattr__(self, "week", week)
        hours = {weekday: day for weekday, day in enumerate(week) if day}
        object.__setattr__(self, "hours", MappingProxyType(hours))

    def __reduce__(self) -> tuple[type[Schedule], tuple[object, ...]]:
        # Pickle (Sphinx's parallel builds) and copy the value only: not the index cached on it.
        return (Schedule, (self.zone, dict(self.hours), self.holidays, self.name))

    @property
    def label(self) -> str:
        return f"schedule {self.name!r}" if self.name else "schedule"

    @classmethod
    def calendar(cls) -> Schedule:
        """The 24/7 "calendar" clock: always open, UTC, no holidays."""
        return _CALENDAR

    @classmethod
    def from_spec(cls, spec: ScheduleSpec) -> Schedule:
        """The clock for a policy schedule (one per distinct schedule; the index is shared).

        The policy model has validated the hours, with located errors, so they are taken as
        they are: hours are validated once.
        """
        return _from_parts(
            spec.zone, tuple(spec.weekly_hours.items()), spec.holiday_dates, spec.name
        )

    def week_minutes(self) -> int:
        """Open minutes in a normal week (no holidays, no DST change)."""
        return open_minutes(self.week)[1]

    def day_minutes(self) -> int | None:
        """Open minutes per open day if every open weekday has the same total, else None.

        That total is the schedule's "business day".
        """
        return open_minutes(self.week)[0]


_CALENDAR = Schedule(
    zone=ZoneInfo("UTC"),
    hours={weekday: ((0, MINUTES_PER_DAY),) for weekday in range(7)},
    name="Calendar",
)


@functools.lru_cache(maxsize=64)
def _from_parts(
    zone: ZoneInfo,
    hours: tuple[tuple[int, tuple[LocalInterval, ...]], ...],
    holidays: frozenset[date],
    name: str,
) -> Schedule:
    schedule = object.__new__(Schedule)
    week = tuple(dict(hours).get(weekday, ()) for weekday in range(7))
    schedule._set(zone, week)
    object.__setattr__(schedule, "holidays", holidays)
    object.__setattr__(schedule, "name", name)
    return schedule


def schedule_for(policy: Policy, clock: str) -> Schedule:
    """A policy clock by id: a schedule id, or ``calendar``."""
    if clock == CALENDAR:
        return _CALENDAR
    return Schedule.from_spec(policy.schedules[clock])


def _merge_touching(intervals: tuple[LocalInterval, ...]) -> tuple[LocalInterval, ...]:
    merged: list[LocalInterval] = []
    for start, end in intervals:
        if merged and start == merged[-1][1]:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return tuple(merged)


def day_segments(schedule: Schedule, day: date) -> list[tuple[int, int]]:
    """Local ``day``'s open intervals as ns instants: ordered, disjoint, non-empty, merged."""
    if day in schedule.holidays:
        return []
    spans: list[tuple[int, int]] = []
    for start, end in _merge_touching(schedule.week[day.weekday()]):
        a, b = ns_of_date(day, schedule.zone, start), ns_of_date(day, schedule.zone, end)
        if spans and a <= spans[-1][1]:  # gap-resolved overlap: count the time once
            if b > spans[-1][1]:
                spans[-1] = (spans[-1][0], b)
            continue
        if b > a:
            spans.append((a, b))
    return spans


def open_intervals_on(day: date, schedule: Schedule) -> list[Segment]:
    """Local ``day``'s open intervals as UTC instants; empty on holidays and closed days."""
    if isinstance(day, datetime) or not isinstance(day, date):
        raise TypeError(f"day must be a date, not {type(day).__name__}")
    return [(from_ns(a), from_ns(b)) for a, b in day_segments(schedule, day)]
