"""Benchmark the SLA clock: scalar against a minute-stepping reference, and the bulk form.

Run it with ``make bench`` or ``python -m benchmarks.clock``. In one run it measures, on the
policy's own working-hours schedule (09:00-17:00 America/Los_Angeles, Monday to Friday):

1. **scalar vs reference**: ``clock.due`` and the tests' minute-stepping oracle
   (``tests/clock_reference.py``: one minute at a time, asking ``is_open`` each minute) for 24,
   48 and 72 working-hour targets from starts spread over two weeks that include the end of
   daylight saving time; both must give identical deadlines for every reference call, and the
   clock must be at least 3,000 times faster at 72 hours. The reference gets a time budget per
   target (``--reference-seconds``).
2. **bulk**: ``clock.due_many`` on 1,000,000 random starts over 2026 (both DST changes and the
   policy's holidays) with random 1-72 working-hour targets, three times, each on a fresh
   schedule so the index build is included; the best wall-clock time (CPU time is reported
   too: the machine may be shared) must be under 1 s. Every one of the million due dates is
   then compared with the scalar ``clock.due`` (``--scalar-sample N`` compares a random N).

It prints a table and writes the numbers to ``_build/bench-clock.json``. Exit status: 0 when
every bound holds, 1 if too slow, 2 if the clock disagrees with the reference or the bulk form
with the scalar form.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from time import perf_counter, process_time
from typing import Any

import numpy as np

from generlate_handbook.clock import Schedule, due, due_many, schedule_for
from generlate_handbook.policy.load import load_policy
from tests.clock_reference import reference_due

ROOT = Path(__file__).resolve().parent.parent
TARGETS_HOURS = (24, 48, 72)
MIN_RATIO_72H = 3000
BULK_COUNT = 1_000_000
MAX_BULK_SECONDS = 1.0
REPEATS = 3
NS_PER_US = 1_000
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


def _starts() -> list[datetime]:
    """48 starts, 7h13m apart from Monday 2026-10-19 00:00 UTC: all hours, days and DST end."""
    first = datetime(2026, 10, 19, tzinfo=UTC)
    return [first + i * timedelta(hours=7, minutes=13) for i in range(48)]


def _rate(schedule: Schedule, starts: Sequence[datetime], duration: timedelta) -> float:
    calls, began = 0, perf_counter()
    while (spent := perf_counter() - began) < 0.5:
        for s in starts:
            due(s, duration, schedule)
        calls += len(starts)
    return calls / spent


def scalar_row(schedule: Schedule, hours: int, budget: float) -> dict[str, Any]:
    """Clock and reference calls/s for one target, and how many reference calls agreed."""
    starts = _starts()
    duration = timedelta(hours=hours)
    expected = [due(s, duration, schedule) for s in starts]
    clock_rate = _rate(schedule, starts, duration)
    checked = mismatches = 0
    began = perf_counter()
    for s, want in zip(starts, expected, strict=True):
        got = reference_due(s, duration, schedule)
        checked += 1
        if got != want:
            mismatches += 1
            print(f"MISMATCH {hours}h from {s.isoformat()}: clock {want}, reference {got}")
        if perf_counter() - began >= budget:
            break
    reference_rate = checked / (perf_counter() - began)
    return {
        "hours": hours,
        "clock_calls_per_s": clock_rate,
        "reference_calls_per_s": reference_rate,
        "ratio": clock_rate / reference_rate,
        "checked": checked,
        "mismatches": mismatches,
    }


def bulk_run(schedule: Schedule, sample: int | None) -> dict[str, Any]:
    """Time ``due_many`` on a million tickets, then compare with the scalar clock."""
    rng = np.random.default_rng(2026)
    year_start = int(np.datetime64("2026-01-01T08:00", "us").astype(np.int64))
    micros = rng.integers(0, 365 * 86_400 * 1_000_000, BULK_COUNT) + year_start
    starts = micros * NS_PER_US  # whole microseconds, so scalar datetimes are exact
    durations = rng.integers(60, 72 * 60 + 1, BULK_COUNT) * 60 * 1_000_000_000
    runs = []
    for attempt in range(REPEATS):  # each on a fresh schedule: the index build is included
        fresh = Schedule(schedule.zone, dict(schedule.hours), schedule.holidays, f"copy {attempt}")
        wall, cpu = perf_counter(), process_time()
        result = due_many(starts, durations, fresh)
        runs.append((perf_counter() - wall, process_time() - cpu))
        if attempt == 0:
            cold = result
        elif not np.array_equal(result, cold):
            raise AssertionError("two bulk runs on the same input differ")
    picks = np.arange(BULK_COUNT) if sample is None else rng.choice(BULK_COUNT, sample, False)
    began = perf_counter()
    mismatches = 0
    bulk_micros = cold.astype(np.int64) // NS_PER_US
    for k in picks.tolist():
        start = EPOCH + timedelta(microseconds=int(micros[k]))
        want = due(start, timedelta(microseconds=int(durations[k]) // NS_PER_US), schedule)
        if (want - EPOCH) // MICROSECOND != bulk_micros[k]:
            mismatches += 1
            if mismatches <= 5:
                print(f"MISMATCH bulk from {start.isoformat()}: scalar {want}, bulk {cold[k]}")
    scalar_seconds = perf_counter() - began
    return {
        "count": BULK_COUNT,
        "seconds_each_run": [wall for wall, _ in runs],
        "cpu_seconds_each_run": [cpu for _, cpu in runs],
        "seconds": min(wall for wall, _ in runs),
        "compared_with_scalar": len(picks),
        "sampled": sample is not None,
        "scalar_seconds_for_compared": scalar_seconds,
        "mismatches": mismatches,
    }


def _failures(rows: list[dict[str, Any]], bulk: dict[str, Any]) -> list[tuple[int, str]]:
    """(exit status, message) for every bound that does not hold: 2 disagreement, 1 too slow."""
    failures = [
        (2, f"the clock and the reference disagree at {row['hours']}h")
        for row in rows
        if row["mismatches"]
    ]
    if bulk["mismatches"]:
        failures.append((2, f"{bulk['mismatches']:,} bulk due dates differ from the scalar clock"))
    ratio = rows[-1]["ratio"]
    if ratio < MIN_RATIO_72H:
        failures.append(
            (1, f"at 72h the clock is only {ratio:,.0f}x the reference (< {MIN_RATIO_72H:,})")
        )
    if bulk["seconds"] >= MAX_BULK_SECONDS:
        seconds = bulk["seconds"]
        failures.append((1, f"{BULK_COUNT:,} bulk due dates took {seconds:.2f} s (>= 1 s)"))
    return failures


def main(argv: Sequence[str] | None = None) -> int:
    """Print the tables and write the JSON; return 0, 1 (too slow) or 2 (disagreement)."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.clock")
    parser.add_argument(
        "--reference-seconds",
        type=float,
        default=10.0,
        help="time budget for the reference per target (default: 10)",
    )
    parser.add_argument(
        "--scalar-sample",
        type=int,
        metavar="N",
        help="compare N random bulk due dates with the scalar clock (default: all of them)",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "bench-clock.json")
    args = parser.parse_args(argv)

    schedule = schedule_for(load_policy(ROOT / "policy"), "working-hours")
    print(f"due() on {schedule.name} vs a minute-stepping reference, {len(_starts())} starts")
    print(f"{'target':>7}  {'clock calls/s':>14}  {'reference calls/s':>18}  {'ratio':>9}  checked")
    rows = []
    for hours in TARGETS_HOURS:
        row = scalar_row(schedule, hours, args.reference_seconds)
        rows.append(row)
        print(
            f"{hours:>6}h  {row['clock_calls_per_s']:>14,.0f}  "
            f"{row['reference_calls_per_s']:>18,.1f}  {row['ratio']:>8,.0f}x  "
            f"{row['checked'] - row['mismatches']}/{row['checked']} identical"
        )
    bulk = bulk_run(schedule, args.scalar_sample)
    print(
        f"due_many() on {bulk['count']:,} random 2026 starts, 1-72 working hours: "
        f"{bulk['seconds']:.3f} s (best of {REPEATS}, each building the index; CPU "
        f"{min(bulk['cpu_seconds_each_run']):.3f} s); "
        f"{bulk['compared_with_scalar'] - bulk['mismatches']:,}/{bulk['compared_with_scalar']:,}"
        f" equal to the scalar due() ({bulk['scalar_seconds_for_compared']:.1f} s of scalar calls)"
    )
    failures = _failures(rows, bulk)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    report = {"scalar_vs_reference": rows, "min_ratio_72h": MIN_RATIO_72H, "bulk": bulk}
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    for failure in failures:
        print(f"FAIL: {failure[1]}")
    if failures:
        return max(status for status, _ in failures)
    print(
        f"OK: at 72h the clock is {rows[-1]['ratio']:,.0f}x the reference (>= {MIN_RATIO_72H:,}); "
        f"1,000,000 bulk due dates in {bulk['seconds']:.2f} s (< 1 s); "
        f"{bulk['compared_with_scalar']:,} of them equal to the scalar clock"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
