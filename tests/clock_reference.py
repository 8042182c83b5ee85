"""The clock's slow, obviously-correct oracle: count open minutes one minute at a time.

Used by the clock's property tests and by ``benchmarks/clock.py`` (as the baseline the clock is
timed against); it lives with the tests so the installed package depends on neither.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from generlate_handbook.clock import Schedule, is_open

MINUTE = timedelta(minutes=1)

IsOpen = Callable[[datetime, Schedule], bool]


def _whole_minutes(start: datetime, duration: timedelta) -> tuple[datetime, int]:
    t = start.astimezone(UTC)
    if t.second or t.microsecond:
        raise ValueError(f"the reference needs a start on a whole minute, got {start}")
    minutes, rest = divmod(duration, MINUTE)
    if rest:
        raise ValueError(f"the reference needs whole minutes, got {duration}")
    return t, minutes


def reference_due(
    start: datetime,
    duration: timedelta,
    schedule: Schedule,
    is_open: IsOpen = is_open,
    max_minutes: int = 10_000_000,
) -> datetime:
    """``due`` by stepping one minute at a time and counting the minutes that are open.

    Needs a start on a whole minute and a whole number of minutes (every schedule boundary is
    on a whole minute in the zones the handbook uses).
    """
    t, minutes = _whole_minutes(start, duration)
    for _ in range(max_minutes):
        if is_open(t, schedule):
            if minutes == 0:
                return t
            minutes -= 1
            if minutes == 0:
                return t + MINUTE
        t += MINUTE
    raise RuntimeError(f"reference_due gave up after {max_minutes} minutes")


def reference_elapsed(
    start: datetime, end: datetime, schedule: Schedule, is_open: IsOpen = is_open
) -> timedelta:
    """``elapsed`` by counting the open minutes in ``[start, end)`` one at a time."""
    t, _ = _whole_minutes(start, timedelta(0))
    stop, _ = _whole_minutes(end, timedelta(0))
    minutes = 0
    while t < stop:
        minutes += is_open(t, schedule)
        t += MINUTE
    return minutes * MINUTE
