"""The business-hours clock's public API: aware datetimes (or NumPy arrays) in, UTC out.

Counting
    :func:`due` starts counting at ``start`` if the schedule is open then, else at the next
    opening. A target that runs out exactly at a closing time is due *at* that closing time, so
    a deadline always lies inside an open interval or at its end. A zero duration is due at
    ``next_open(start)`` (``start`` itself when open). Every answer is a binary search in the
    schedule's index (:mod:`.index`), so the cost does not grow with the target.

Bulk
    :func:`due_many` and :func:`elapsed_many` take arrays of instants (``datetime64``, read as
    UTC, or int64 nanoseconds since 1970) and of durations (``timedelta64`` or int64 ns) and
    return ``datetime64[ns]`` / ``timedelta64[ns]`` arrays, equal element by element to the
    scalar functions; NaT in gives NaT out.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import numpy as np
import numpy.typing as npt

from . import bulk
from .index import index_of
from .instants import (
    NS_PER_US,
    duration_ns,
    durations_array,
    from_ns,
    instants_array,
    to_ns,
)
from .schedule import Schedule, Segment

__all__ = [
    "due",
    "due_many",
    "elapsed",
    "elapsed_many",
    "is_open",
    "is_open_many",
    "next_open",
    "open_segments",
    "segments_until_due",
    "worst_case_elapsed",
]


def due(start: datetime, duration: timedelta, schedule: Schedule) -> datetime:
    """When ``duration`` of open time, counted from ``start``, has passed (UTC).

    Counting starts at ``start`` if open, else at the next opening; a target that runs out
    exactly at a closing time is due at that closing time. ``due(start, 0)`` is
    ``next_open(start)``. Raises :class:`ValueError` if the schedule is never open.
    """
    s = to_ns(start, schedule.zone, "start")
    return from_ns(index_of(schedule).due(s, duration_ns(duration)))


def elapsed(start: datetime, end: datetime, schedule: Schedule) -> timedelta:
    """Open time in ``[start, end)``; zero if ``end <= start``."""
    s, e = to_ns(start, schedule.zone, "start"), to_ns(end, schedule.zone, "end")
    return timedelta(microseconds=index_of(schedule).elapsed(s, e) // NS_PER_US)


def is_open(t: datetime, schedule: Schedule) -> bool:
    """Whether the schedule is open at instant ``t`` (intervals are ``[start, end)``)."""
    return index_of(schedule).is_open(to_ns(t, schedule.zone, "t"))


def next_open(t: datetime, schedule: Schedule) -> datetime:
    """``t`` (in UTC) if the schedule is open then, else its next opening."""
    return from_ns(index_of(schedule).due(to_ns(t, schedule.zone, "t"), 0))


def open_segments(start: datetime, end: datetime, schedule: Schedule) -> Iterator[Segment]:
    """The open intervals inside ``[start, end)``, in UTC, in order; touching ones merged."""
    s, e = to_ns(start, schedule.zone, "start"), to_ns(end, schedule.zone, "end")
    return iter([(from_ns(a), from_ns(b)) for a, b in index_of(schedule).segments(s, e)])


def segments_until_due(start: datetime, duration: timedelta, schedule: Schedule) -> list[Segment]:
    """The open segments :func:`due` counts, ending at the deadline (for explanations)."""
    s = to_ns(start, schedule.zone, "start")
    index = index_of(schedule)
    deadline = index.due(s, duration_ns(duration))
    return [(from_ns(a), from_ns(b)) for a, b in index.segments(s, deadline)]


def worst_case_elapsed(duration: timedelta, schedule: Schedule, year: int) -> timedelta:
    """The longest ``due(start, duration) - start`` over starts in the local calendar ``year``.

    Evaluated at the only starts where it can peak: each closing instant of the year, and the
    year's two ends (see :func:`.bulk.worst_case`), with the bulk form.
    """
    d = duration_ns(duration)
    if isinstance(year, bool) or not isinstance(year, int):
        raise TypeError(f"year must be an int, not {type(year).__name__}")
    return timedelta(microseconds=bulk.worst_case(index_of(schedule), d, year) // NS_PER_US)


def due_many(
    starts: npt.ArrayLike, durations: npt.ArrayLike, schedule: Schedule
) -> npt.NDArray[np.datetime64]:
    """:func:`due` for arrays (broadcast together) of start instants and durations.

    ``starts``: ``datetime64`` (UTC) or int64 ns since 1970; ``durations``: ``timedelta64`` or
    int64 ns, none negative. Returns ``datetime64[ns]``; NaT where a start or duration is NaT.
    """
    s = instants_array(starts, "starts")
    d = durations_array(durations)
    return bulk.due_array(index_of(schedule), s, d).view("datetime64[ns]")


def is_open_many(instants: npt.ArrayLike, schedule: Schedule) -> npt.NDArray[np.bool_]:
    """:func:`is_open` for an array of instants (``datetime64``, UTC, or int64 ns); False
    for NaT. For counting, say, the tickets created inside a region's hours."""
    return bulk.is_open_array(index_of(schedule), instants_array(instants, "instants"))


def elapsed_many(
    starts: npt.ArrayLike, ends: npt.ArrayLike, schedule: Schedule
) -> npt.NDArray[np.timedelta64]:
    """:func:`elapsed` for arrays (broadcast together) of instants: open time in each
    ``[start, end)``, zero where ``end <= start``. Returns ``timedelta64[ns]``; NaT where
    either instant is NaT."""
    s, e = instants_array(starts, "starts"), instants_array(ends, "ends")
    return bulk.elapsed_array(index_of(schedule), s, e).view("timedelta64[ns]")
