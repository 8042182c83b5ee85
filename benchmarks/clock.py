"""Benchmark the SLA clock's :func:`~generlate_handbook.clock.due` against a minute-stepping one.

Run it with ``make bench`` or ``python -m benchmarks.clock``. In one run it times
``due`` and :func:`reference_due` (one minute at a time, asking ``is_open`` each minute) for
24, 48 and 72 working-hour targets on the working-hours schedule (09:00-17:00
America/Los_Angeles, Monday to Friday) from starts spread over two weeks that include the end of
daylight saving time, checks both give identical deadlines for every reference call, and prints
calls per second and their ratio. It exits non-zero if any result differs or if the clock is
less than 1000 times faster than the reference at 72 hours. The reference gets a time budget
per target (``--reference-seconds``), so a run stays well under a minute.

:func:`reference_due` and :func:`reference_elapsed` are also the tests' slow, obviously-correct
oracles.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from time import perf_counter
from zoneinfo import ZoneInfo

from generlate_handbook.clock import Schedule, due, is_open

MINUTE = timedelta(minutes=1)
TARGETS_HOURS = (24, 48, 72)
MIN_RATIO_72H = 1000

WORKING_HOURS = Schedule(
    zone=ZoneInfo("America/Los_Angeles"),
    hours={weekday: ((9 * 60, 17 * 60),) for weekday in range(5)},
    name="Working hours",
)

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


def _starts() -> list[datetime]:
    """48 starts, 7h13m apart from Monday 2026-10-19 00:00 UTC: all hours, days and DST end."""
    first = datetime(2026, 10, 19, tzinfo=UTC)
    return [first + i * timedelta(hours=7, minutes=13) for i in range(48)]


def _row(hours: int, starts: Sequence[datetime], budget: float) -> tuple[float, float, int, int]:
    """Clock and reference calls/s for one target; and reference calls made, mismatches."""
    duration = timedelta(hours=hours)

    expected = [due(s, duration, WORKING_HOURS) for s in starts]  # also warms the day cache
    calls, began = 0, perf_counter()
    while (spent := perf_counter() - began) < 0.5:
        for s in starts:
            due(s, duration, WORKING_HOURS)
        calls += len(starts)
    clock_rate = calls / spent

    checked = mismatches = 0
    began = perf_counter()
    for s, want in zip(starts, expected, strict=True):
        got = reference_due(s, duration, WORKING_HOURS)
        checked += 1
        if got != want:
            mismatches += 1
            print(f"MISMATCH {hours}h from {s.isoformat()}: clock {want}, reference {got}")
        if perf_counter() - began >= budget:
            break
    reference_rate = checked / (perf_counter() - began)
    return clock_rate, reference_rate, checked, mismatches


def main(argv: Sequence[str] | None = None) -> int:
    """Print the table; return 0, or 1 if too slow, or 2 if the clock and reference differ."""
    parser = argparse.ArgumentParser(prog="python -m generlate_handbook.bench")
    parser.add_argument(
        "--reference-seconds",
        type=float,
        default=10.0,
        help="time budget for the reference per target (default: 10)",
    )
    args = parser.parse_args(argv)

    starts = _starts()
    print(f"due() on {WORKING_HOURS.name} vs a minute-stepping reference, {len(starts)} starts")
    print(f"{'target':>7}  {'clock calls/s':>14}  {'reference calls/s':>18}  {'ratio':>9}  checked")
    ratios: dict[int, float] = {}
    failed = False
    for hours in TARGETS_HOURS:
        clock_rate, reference_rate, checked, mismatches = _row(
            hours, starts, args.reference_seconds
        )
        ratios[hours] = clock_rate / reference_rate
        failed |= bool(mismatches)
        print(
            f"{hours:>6}h  {clock_rate:>14,.0f}  {reference_rate:>18,.1f}  "
            f"{ratios[hours]:>8,.0f}x  {checked - mismatches}/{checked} identical"
        )
    if failed:
        print("FAIL: the clock and the reference disagree")
        return 2
    if ratios[72] < MIN_RATIO_72H:
        print(
            f"FAIL: at 72h the clock is only {ratios[72]:,.0f}x the reference (< {MIN_RATIO_72H})"
        )
        return 1
    print(f"OK: at 72h the clock is {ratios[72]:,.0f}x the reference (>= {MIN_RATIO_72H})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
