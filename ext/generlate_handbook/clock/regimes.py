"""A schedule's hours as they read in other time zones, one row per daylight-saving regime.

The support window is defined in Pacific Time; its UTC (or UK) times move when either zone
changes its clocks. :func:`regimes` splits a year into the stretches of dates over which every
zone keeps one UTC offset and renders the hours for each stretch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .schedule import Schedule, open_intervals_on


@dataclass(frozen=True)
class Regime:
    """Dates ``first``..``last`` (local to the schedule) and the hours in each zone."""

    first: date
    last: date
    cells: tuple[str, ...]  # the schedule's own zone first, then the zones asked for
    abbreviations: tuple[str, ...]


def _signature(day: date, schedule: Schedule, zones: Sequence[ZoneInfo]) -> tuple:
    noon = datetime.combine(day, time(12), schedule.zone)
    return tuple(noon.astimezone(zone).utcoffset() for zone in (schedule.zone, *zones))


def render_intervals(
    intervals: Sequence[tuple[datetime, datetime]], zone: ZoneInfo, day: date
) -> str:
    """``16:00–24:00`` or ``17:00–01:00 (+1 day)``, relative to the schedule's local ``day``."""
    parts = []
    for start, end in intervals:
        local_start, local_end = start.astimezone(zone), end.astimezone(zone)
        start_text = f"{local_start:%H:%M}"
        end_text = f"{local_end:%H:%M}"
        if local_end.date() > local_start.date() and local_end.time() == time(0):
            end_text = "24:00"
            local_end_day = local_start.date()
        else:
            local_end_day = local_end.date()
        text = f"{start_text}–{end_text}"
        shift_start = (local_start.date() - day).days
        shift_end = (local_end_day - day).days
        if shift_start:
            text = (
                f"{text} ({_shift(shift_start)})"
                if shift_start == shift_end
                else (f"{start_text} ({_shift(shift_start)})–{end_text} ({_shift(shift_end)})")
            )
        elif shift_end:
            text = f"{text} ({_shift(shift_end)})"
        parts.append(text)
    return ", ".join(parts)


def _shift(days: int) -> str:
    return f"{days:+d} day" if abs(days) == 1 else f"{days:+d} days"


def regimes(schedule: Schedule, zones: Sequence[ZoneInfo], year: int) -> list[Regime]:
    """One :class:`Regime` per stretch of ``year`` with unchanged UTC offsets in every zone."""
    stretches: list[tuple[date, date]] = []
    day = date(year, 1, 1)
    while day.year == year:
        if stretches and _signature(day, schedule, zones) == _signature(
            stretches[-1][0], schedule, zones
        ):
            stretches[-1] = (stretches[-1][0], day)
        else:
            stretches.append((day, day))
        day += timedelta(days=1)
    result = []
    for first, last in stretches:
        sample = _first_open_day(schedule, first, last)
        if sample is None:
            continue
        intervals = open_intervals_on(sample, schedule)
        all_zones = (schedule.zone, *zones)
        cells = tuple(render_intervals(intervals, zone, sample) for zone in all_zones)
        abbreviations = tuple(intervals[0][0].astimezone(zone).tzname() or "" for zone in all_zones)
        result.append(Regime(first, last, cells, abbreviations))
    return _merge_equal(result)


def _first_open_day(schedule: Schedule, first: date, last: date) -> date | None:
    day = first
    while day <= last:
        if open_intervals_on(day, schedule):
            return day
        day += timedelta(days=1)
    return None


def _merge_equal(items: list[Regime]) -> list[Regime]:
    merged: list[Regime] = []
    for item in items:
        if (
            merged
            and merged[-1].cells == item.cells
            and merged[-1].abbreviations == (item.abbreviations)
        ):
            merged[-1] = Regime(merged[-1].first, item.last, item.cells, item.abbreviations)
        else:
            merged.append(item)
    return merged
