"""The business-hours clock over arrays: due times and open checks for many tickets at once.

A schedule's open periods over a span of years become sorted UTC instants (int64 nanoseconds)
with the cumulative open time before each; every question is then a binary search
(``np.searchsorted``), with no Python loop per ticket. Semantics are the scalar clock's
(:mod:`generlate_handbook.clock`): counting starts at the next opening, a target that runs out
exactly at closing is due at closing, a zero duration is due at the next opening.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np
from numpy.typing import NDArray

from ..clock.schedule import Schedule

NS = 1_000_000_000
Instants = NDArray[np.int64]  # UTC nanoseconds since the epoch


@dataclass(frozen=True)
class OpenIndex:
    """Open intervals ``[starts[i], ends[i])`` and the open time before each, for some years."""

    starts: Instants
    ends: Instants
    before: Instants  # open nanoseconds before interval i
    first_year: int
    last_year: int

    @classmethod
    def build(cls, schedule: Schedule, first_year: int, last_year: int) -> OpenIndex:
        starts: list[int] = []
        ends: list[int] = []
        day = date(first_year, 1, 1)
        while day.year <= last_year:  # one step per day of the span, not per ticket
            if day not in schedule.holidays:
                for start, end in schedule.hours.get(day.weekday(), ()):
                    a, b = _instant(schedule, day, start), _instant(schedule, day, end)
                    if starts and a <= ends[-1]:
                        ends[-1] = max(ends[-1], b)
                    elif b > a:
                        starts.append(a)
                        ends.append(b)
            day += timedelta(days=1)
        s, e = np.array(starts, dtype=np.int64), np.array(ends, dtype=np.int64)
        before = np.concatenate(([0], np.cumsum(e - s)[:-1])).astype(np.int64)
        return cls(s, e, before, first_year, last_year)

    def open_before(self, t: Instants) -> Instants:
        """Open time from the start of the index until each instant."""
        i = np.searchsorted(self.starts, t, side="right") - 1
        inside = np.clip(t - self.starts[np.maximum(i, 0)], 0, None)
        length = self.ends - self.starts
        counted = np.minimum(inside, length[np.maximum(i, 0)])
        return np.where(i >= 0, self.before[np.maximum(i, 0)] + counted, 0)

    def due(self, start: Instants, duration: Instants) -> Instants:
        """When ``duration`` nanoseconds of open time from ``start`` have passed."""
        target = self.open_before(start) + duration
        cumulative_end = self.before + (self.ends - self.starts)
        left = np.searchsorted(cumulative_end, target, side="left")
        right = np.searchsorted(cumulative_end, target, side="right")
        j = np.where(duration > 0, left, right)
        if (j >= len(self.starts)).any():
            raise ValueError("a due time falls after the clock's index: extend its years")
        return self.starts[j] + (target - self.before[j])

    def is_open(self, t: Instants) -> NDArray[np.bool_]:
        i = np.searchsorted(self.starts, t, side="right") - 1
        return (i >= 0) & (t < self.ends[np.maximum(i, 0)])


def _instant(schedule: Schedule, day: date, minute: int) -> int:
    # The wall-clock time on that day (24:00 is the next midnight), then its UTC instant.
    wall = datetime.combine(day, datetime.min.time()) + timedelta(minutes=minute)
    local = wall.replace(tzinfo=schedule.zone)
    return int(local.astimezone(UTC).timestamp()) * NS


def index_for(schedule: Schedule, instants: Instants) -> OpenIndex:
    """An index covering every instant given, and a year beyond the last for deadlines."""
    valid = instants[instants != np.iinfo(np.int64).min]
    if valid.size == 0:
        year = datetime.now(UTC).year
        return OpenIndex.build(schedule, year, year + 1)
    low = datetime.fromtimestamp(int(valid.min()) // NS, UTC).year - 1
    high = datetime.fromtimestamp(int(valid.max()) // NS, UTC).year + 1
    return OpenIndex.build(schedule, low, high)
