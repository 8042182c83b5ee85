"""The clock as one index: a schedule's open time as sorted UTC intervals with running totals.

For a :class:`~.schedule.Schedule`, a :class:`Table` holds every open interval of a span of
local days as integer-nanosecond instants (``starts``, ``ends``: sorted, disjoint, touching ones
merged) and ``cum``, the open time before each interval. Every question is then a binary search:

- the open time before an instant ``t`` is ``cum[i] + max(0, t - starts[i])`` where ``i`` is the
  first interval ending after ``t``, so ``elapsed(s, e)`` is a difference of two of those;
- ``due(s, d)`` is the first interval whose ``cum`` reaches ``open_before(s) + d``, and the
  deadline lies that far into it (a target that runs out at a closing is due at the closing;
  a zero target is due at the next opening);
- ``is_open``, ``next_open`` and the segments ``explain`` prints come from the same search.

A table is built for three local years around the first question and grows on demand
(geometrically, so a stream of ever-later questions costs amortised constant work). Tables are
immutable; a larger one is built under a lock and swapped in with one assignment, so readers in
other threads (Sphinx's parallel builds) never see a half-built one and never lock.
"""

from __future__ import annotations

import functools
import threading
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt

from .instants import (
    FIRST_YEAR,
    LAST_YEAR,
    NS_PER_DAY,
    NS_PER_SECOND,
    OutOfRangeError,
    check_answer,
    from_ns,
    ns_of_date,
)
from .schedule import Schedule, day_segments

Ints = npt.NDArray[np.int64]
_MARGIN_DAYS = 31
# Tables reach a year past the instants the clock accepts, so those all have a margin.
_FIRST_DAY, _END_DAY = date(FIRST_YEAR - 1, 1, 1), date(LAST_YEAR + 2, 1, 1)


@dataclass(frozen=True, eq=False)
class Table:
    """A schedule's open intervals for local days ``first_day`` to ``end_day`` (exclusive).

    It answers exactly for instants in ``[lo, hi]`` (a day inside both ends). The ``*_list``
    copies serve scalar queries (``bisect`` on a list beats NumPy for one value).
    """

    first_day: date
    end_day: date
    lo: int
    hi: int
    raw: Ints  # (k, 2) each local day's intervals, in day order, not merged across days
    starts: Ints
    ends: Ints
    cum: Ints  # len(starts) + 1: open time before interval i; cum[-1] is the table's total
    padded_starts: Ints  # starts + [int64 max]: index len(starts) means "none after"
    starts_list: list[int]
    ends_list: list[int]
    cum_list: list[int]

    def covers(self, low: int, high: int) -> bool:
        return self.lo <= low and high <= self.hi

    @property
    def total(self) -> int:
        return self.cum_list[-1]

    def open_before(self, t: int) -> int:
        """Open time in the table before instant ``t`` (relative to the table's first day)."""
        i = bisect_right(self.ends_list, t)
        if i == len(self.ends_list):
            return self.total
        return self.cum_list[i] + max(0, t - self.starts_list[i])


def _raw_days(schedule: Schedule, first: date, end: date) -> Ints:
    pairs: list[tuple[int, int]] = []
    day = first
    while day < end:
        pairs.extend(day_segments(schedule, day))
        day += timedelta(days=1)
    return np.array(pairs, dtype=np.int64).reshape(-1, 2)


def _union(raw: Ints) -> tuple[Ints, Ints]:
    """Sorted, disjoint intervals covering the same instants; touching ones merged."""
    if not len(raw):
        empty = np.empty(0, dtype=np.int64)
        return empty, empty.copy()
    order = np.argsort(raw[:, 0], kind="stable")
    starts, ends = raw[order, 0], raw[order, 1]
    reach = np.maximum.accumulate(ends)
    first_of_group = np.empty(len(starts), dtype=bool)
    first_of_group[0] = True
    first_of_group[1:] = starts[1:] > reach[:-1]
    heads = np.flatnonzero(first_of_group)
    tails = np.append(heads[1:] - 1, len(starts) - 1)
    return starts[heads], reach[tails]


def _table(schedule: Schedule, first: date, end: date, raw: Ints) -> Table:
    starts, ends = _union(raw)
    cum = np.zeros(len(starts) + 1, dtype=np.int64)
    np.cumsum(ends - starts, out=cum[1:])
    one_day = timedelta(days=1)
    return Table(
        first_day=first,
        end_day=end,
        lo=ns_of_date(first + one_day, schedule.zone),
        hi=ns_of_date(end - one_day, schedule.zone),
        raw=raw,
        starts=starts,
        ends=ends,
        cum=cum,
        padded_starts=np.append(starts, np.iinfo(np.int64).max),
        starts_list=starts.tolist(),
        ends_list=ends.tolist(),
        cum_list=cum.tolist(),
    )


def _local_date(schedule: Schedule, t: int) -> date:
    return from_ns(t).astimezone(schedule.zone).date()


def _clamp(day: date) -> date:
    return min(max(day, _FIRST_DAY), _END_DAY)


def _grown(schedule: Schedule, table: Table | None, low: int, high: int) -> Table:
    """A table covering ``[low, high]``: the first one, or ``table`` grown at either end."""
    margin = timedelta(days=_MARGIN_DAYS)
    if table is None:
        year = _local_date(schedule, low).year
        first = _clamp(min(date(year - 1, 1, 1), _local_date(schedule, low) - margin))
        end = _clamp(max(date(year + 2, 1, 1), _local_date(schedule, high) + margin))
        return _table(schedule, first, end, _raw_days(schedule, first, end))
    span = table.end_day - table.first_day
    first, end = table.first_day, table.end_day
    if low < table.lo:
        first = _clamp(min(first - span, _local_date(schedule, low) - margin))
    if high > table.hi:
        end = _clamp(max(end + span, _local_date(schedule, high) + margin))
    raw = np.concatenate(
        [
            _raw_days(schedule, first, table.first_day),
            table.raw,
            _raw_days(schedule, table.end_day, end),
        ]
    )
    grown = _table(schedule, first, end, raw)
    if not grown.covers(low, high):
        raise OutOfRangeError(
            f"{schedule.label}: the answer lies outside the years the clock handles "
            f"({FIRST_YEAR}–{LAST_YEAR})"
        )
    return grown


class ScheduleIndex:
    """The open time of one schedule, answered by binary search. Instants are int ns."""

    def __init__(self, schedule: Schedule) -> None:
        self.schedule = schedule
        self.week_ns = schedule.week_minutes() * 60 * NS_PER_SECOND
        self._table: Table | None = None
        self._lock = threading.Lock()

    def covering(self, low: int, high: int) -> Table:
        """A table that answers exactly for every instant in ``[low, high]``."""
        table = self._table
        if table is not None and table.lo <= low and high <= table.hi:
            return table
        with self._lock:
            table = self._table
            if table is None or not table.covers(low, high):
                table = self._table = _grown(self.schedule, table, low, high)
        return table

    def require_open(self) -> None:
        if not self.week_ns:
            raise ValueError(f"{self.schedule.label} has no open hours, so nothing is ever due")

    def further(self, table: Table, short: int) -> int:
        """An instant late enough that a table reaching it holds ``short`` more open time.

        Holidays may need more: the caller asks again. Past the last year the clock handles,
        :class:`ValueError`.
        """
        last = ns_of_date(_END_DAY - timedelta(days=1), self.schedule.zone)
        if table.hi >= last:
            raise OutOfRangeError(
                f"{self.schedule.label}: the answer lies after the years the clock handles "
                f"({FIRST_YEAR}–{LAST_YEAR})"
            )
        weeks = -(-short // self.week_ns)
        return min(table.hi + (7 * weeks + 14) * NS_PER_DAY, last)

    def _answer(self, t: int) -> int:
        check_answer(t, self.schedule.label)
        return t

    # -- scalar queries ------------------------------------------------------------------------

    def due(self, start: int, duration: int) -> int:
        """The instant ``duration`` ns of open time after ``start`` (see the module doc)."""
        if not self.week_ns:
            self.require_open()
        table = self.covering(start, start)
        while True:
            i = bisect_right(table.ends_list, start)
            short = duration or 1
            if i < len(table.ends_list):
                opening = table.starts_list[i]
                if not duration:
                    return self._answer(max(start, opening))
                cum = table.cum_list
                target = cum[i] + (start - opening if start > opening else 0) + duration
                short = target - cum[-1]
                if short <= 0:
                    j = bisect_left(cum, target, 1) - 1
                    return self._answer(table.starts_list[j] + target - cum[j])
            table = self.covering(start, self.further(table, short))

    def elapsed(self, start: int, end: int) -> int:
        """Open time in ``[start, end)``; zero if ``end <= start``."""
        if end <= start:
            return 0
        table = self.covering(start, end)
        return table.open_before(end) - table.open_before(start)

    def is_open(self, t: int) -> bool:
        table = self.covering(t, t)
        i = bisect_right(table.ends_list, t)
        return i < len(table.ends_list) and table.starts_list[i] <= t

    def segments(self, start: int, end: int) -> list[tuple[int, int]]:
        """The open intervals inside ``[start, end)``, clipped to it, in order."""
        if end <= start:
            return []
        table = self.covering(start, end)
        first = bisect_right(table.ends_list, start)
        last = bisect_left(table.starts_list, end)
        return [
            (max(a, start), min(b, end))
            for a, b in zip(table.starts_list[first:last], table.ends_list[first:last], strict=True)
        ]


@functools.lru_cache(maxsize=64)
def _shared(schedule: Schedule) -> ScheduleIndex:
    return ScheduleIndex(schedule)


def index_of(schedule: Schedule) -> ScheduleIndex:
    """The schedule's index: built once per distinct schedule, kept on the instance."""
    try:
        return schedule.__dict__["_index"]
    except KeyError:
        index = _shared(schedule)
        schedule.__dict__["_index"] = index  # a cache, not state: equality ignores it
        return index
