"""The clock's bulk form: the index's binary searches over whole arrays (``np.searchsorted``).

The same arithmetic as the scalar queries of :mod:`.index`, one NumPy operation per step for
every element at once, so a million tickets cost a few array passes rather than a million
Python calls. Instants and durations are int64 nanoseconds; ``NAT`` (numpy's not-a-time) in an
input gives ``NAT`` in the output, so a ticket with no response yet simply has no elapsed time.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import numpy as np
import numpy.typing as npt

from .index import Ints, ScheduleIndex, Table
from .instants import NAT, check_answer, check_range, ns_of_date


def _locate(table: Table, t: Ints) -> tuple[Ints, Ints]:
    """For each instant: the first interval ending after it, and the open time before it."""
    i = np.searchsorted(table.ends, t, side="right")
    into = np.maximum(t - table.padded_starts[i], 0)
    return i, table.cum[i] + into


def _due_valid(index: ScheduleIndex, starts: Ints, durations: Ints) -> Ints:
    index.require_open()
    check_range(int(starts.min()), int(starts.max()), "a start")
    table = index.covering(int(starts.min()), int(starts.max()))
    while True:
        i, before = _locate(table, starts)
        n = len(table.ends)
        if (i == n).any():  # nothing opens after some start inside the table yet
            table = index.covering(table.lo, index.further(table, int(durations.max()) or 1))
            continue
        target = before + durations
        short = int(target.max()) - table.total
        if short > 0:
            table = index.covering(table.lo, index.further(table, short))
            continue
        j = np.searchsorted(table.cum[1:], target, side="left")
        due = table.starts[j] + (target - table.cum[j])
        due = np.where(durations == 0, np.maximum(starts, table.starts[i]), due)
        check_answer(int(due.max()), index.schedule.label)
        return due


def _pairwise(
    compute: Callable[[ScheduleIndex, Ints, Ints], Ints], index: ScheduleIndex, a: Ints, b: Ints
) -> Ints:
    """``compute`` on the pairs (broadcast) where neither is NaT; NaT elsewhere."""
    a, b = np.broadcast_arrays(a, b)
    valid = (a != NAT) & (b != NAT)
    if valid.all():
        return compute(index, a, b) if a.size else a.copy()
    out = np.full(a.shape, NAT, dtype=np.int64)
    if valid.any():
        out[valid] = compute(index, a[valid], b[valid])
    return out


def due_array(index: ScheduleIndex, starts: Ints, durations: Ints) -> Ints:
    """``index.due`` for every pair (broadcast); ``NAT`` where a start or duration is NaT."""
    return _pairwise(_due_valid, index, starts, durations)


def elapsed_array(index: ScheduleIndex, starts: Ints, ends: Ints) -> Ints:
    """``index.elapsed`` for every pair (broadcast): open time in ``[start, end)``, 0 if empty."""
    return _pairwise(_elapsed_valid, index, starts, ends)


def _elapsed_valid(index: ScheduleIndex, starts: Ints, ends: Ints) -> Ints:
    low, high = int(min(starts.min(), ends.min())), int(max(starts.max(), ends.max()))
    check_range(low, high, "an instant")
    table = index.covering(low, high)
    open_time = _locate(table, ends)[1] - _locate(table, starts)[1]
    return np.where(ends > starts, open_time, 0)


def is_open_array(index: ScheduleIndex, instants: Ints) -> npt.NDArray[np.bool_]:
    """``index.is_open`` for every instant; False for NaT."""
    valid = instants != NAT
    if not valid.any():
        return np.zeros(instants.shape, dtype=bool)
    low, high = int(instants[valid].min()), int(instants[valid].max())
    check_range(low, high, "an instant")
    table = index.covering(low, high)
    i = np.searchsorted(table.ends, instants, side="right")
    return valid & (table.padded_starts[i] <= instants)


def worst_case(index: ScheduleIndex, duration: int, year: int) -> int:
    """The longest ``due(start, duration) - start`` over starts in the local calendar ``year``.

    ``due - start`` only grows while a start moves through open time and only shrinks while
    it moves through closed time, so the supremum is at a closing instant (a ticket opened
    just as the schedule closes, e.g. before a weekend or holiday), the start of the year or
    the end of the year (approached from inside it). Those are the only starts evaluated.
    """
    index.require_open()
    zone = index.schedule.zone
    first, last = ns_of_date(date(year, 1, 1), zone), ns_of_date(date(year + 1, 1, 1), zone)
    table = index.covering(first, last)
    closings = table.ends[(table.ends > first) & (table.ends < last)]
    starts = np.concatenate([[first], closings, [last]]).astype(np.int64)
    return int((due_array(index, starts, np.int64(duration)) - starts).max())
