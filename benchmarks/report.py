"""Benchmark: ``handbook-policy report`` on a million tickets, against a ticket-by-ticket loop.

In one run: generates 1,000,000 demo tickets, times ``report --format json`` on them in a child
process (wall time and peak memory, from the child's ``ru_maxrss``: reading, checking, computing
and writing), then times the computation itself (each ticket's due times and verdicts, and the
monthly counts) over arrays with the bulk clock, and the same computation ticket by ticket with
the scalar clock on a 10,000-ticket sample, and prints the per-ticket ratio. Also written to
``_build/bench-report.json``. Exits 1 when the report takes 20 s or more, 2 GB or more, or the
computation over arrays is under 20x the loop per ticket.

Run: ``make bench`` (or ``python -m benchmarks.report [--count N]``).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from generlate_handbook.clock import due, schedule_for
from generlate_handbook.policy.load import load_policy
from generlate_handbook.policy.model import Policy
from generlate_handbook.policy.units import Duration
from generlate_handbook.report import aggregate
from generlate_handbook.report.measures import measure
from generlate_handbook.report.tickets import NAT, Tickets, load_tickets

REPO = Path(__file__).resolve().parents[1]
AS_OF = "2027-01-05T00:00:00Z"
LIMITS = {"seconds": 20.0, "peak_mb": 2048.0, "ratio": 20.0}
SAMPLE = 10_000


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "generlate_handbook.cli", "--policy", str(REPO / "policy"), *args]


def ticket_by_ticket(policy: Policy, tickets: Tickets, sample: int) -> float:
    """Seconds per ticket for the computation done one ticket at a time with the scalar clock:
    each target's due time and verdict, and the month's counters, as ``measure`` and
    ``by_month`` compute them over arrays."""
    as_of = datetime.fromisoformat(AS_OF)
    zone = policy.schedules["working-hours"].zone
    internal = policy.internal.first_response
    internal_time = policy.duration_on(internal.within, internal.clock)
    rows = list(
        zip(
            tickets.created[:sample].tolist(),
            tickets.plan.codes[:sample].tolist(),
            tickets.severity.codes[:sample].tolist(),
            tickets.first_response[:sample].tolist(),
            tickets.resolved[:sample].tolist(),
            tickets.engineering_help[:sample].tolist(),
            strict=True,
        )
    )
    counters: dict[tuple[str, str, str], int] = {}
    began = time.perf_counter()
    for created, plan_code, severity_code, first, resolved, help_ in rows:
        opened = datetime.fromtimestamp(created / 1e9, UTC)
        month = opened.astimezone(zone).strftime("%Y-%m")
        plan = str(tickets.plan.names[plan_code])
        sla = policy.sla_for(plan)
        targets = sla.targets[str(tickets.severity.names[severity_code])]
        for name, rule, happened in (
            ("response", targets.response, first),
            ("resolution", targets.resolution, resolved),
        ):
            if isinstance(rule.within, Duration):
                clock = policy.target_clock(sla, rule)
                deadline = due(
                    opened, policy.duration_on(rule.within, clock), schedule_for(policy, clock)
                )
                key = (month, name, _verdict(deadline, happened, as_of))
                counters[key] = counters.get(key, 0) + 1
        deadline = due(opened, internal_time, schedule_for(policy, internal.clock))
        key = (month, "internal", _verdict(deadline, first, as_of))
        counters[key] = counters.get(key, 0) + 1
        counters[(month, "help", str(help_))] = counters.get((month, "help", str(help_)), 0) + 1
    return (time.perf_counter() - began) / len(rows)


def in_bulk(policy: Policy, tickets: Tickets) -> float:
    """Seconds per ticket for the same computation over arrays (bulk clock)."""
    began = time.perf_counter()
    measured = measure(policy, tickets, int(datetime.fromisoformat(AS_OF).timestamp()) * 10**9)
    aggregate.by_month(policy, measured)
    return (time.perf_counter() - began) / len(tickets)


def _verdict(deadline: datetime, happened: int, as_of: datetime) -> str:
    if happened != NAT:
        return "met" if datetime.fromtimestamp(happened / 1e9, UTC) <= deadline else "breached"
    return "breached" if deadline < as_of else "pending"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.report")
    parser.add_argument("--count", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        tickets_csv = Path(folder) / "tickets.csv"
        subprocess.run(
            _cli(
                "demo-tickets", "--count", str(args.count), "--seed", "1", "--out", str(tickets_csv)
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        began = time.perf_counter()
        subprocess.run(
            _cli(
                "report",
                str(tickets_csv),
                "--format",
                "json",
                "--as-of",
                AS_OF,
                "--out",
                str(Path(folder) / "report.json"),
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        seconds = time.perf_counter() - began
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        policy = load_policy(REPO / "policy")
        tickets = load_tickets(tickets_csv, policy)
    bulk = min(in_bulk(policy, tickets) for _ in range(2))
    loop = ticket_by_ticket(policy, tickets, min(SAMPLE, args.count))
    result = {
        "tickets": args.count,
        "report_seconds": round(seconds, 2),
        "report_peak_mb": round(peak_mb),
        "compute_bulk_us_per_ticket": round(bulk * 1e6, 3),
        "compute_loop_us_per_ticket": round(loop * 1e6, 3),
        "ratio": round(loop / bulk, 1),
        "report_us_per_ticket": round(seconds / args.count * 1e6, 3),
        "limits": LIMITS,
    }
    print(
        f"report --format json on {args.count:,} tickets: {seconds:.1f} s "
        f"({result['report_us_per_ticket']} µs a ticket, reading and writing included), "
        f"peak {peak_mb:,.0f} MB"
    )
    print(
        f"due times, verdicts and monthly counts: {result['compute_bulk_us_per_ticket']} µs a "
        f"ticket over arrays, {result['compute_loop_us_per_ticket']} µs ticket by ticket with "
        f"the scalar clock ({min(SAMPLE, args.count):,} sample): {result['ratio']:,}x"
    )
    out = REPO / "_build" / "bench-report.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    failed = [
        name
        for name, bad in (
            ("time", seconds >= LIMITS["seconds"]),
            ("memory", peak_mb >= LIMITS["peak_mb"]),
            ("ratio", result["ratio"] < LIMITS["ratio"]),
        )
        if bad and args.count >= 1_000_000
    ]
    print("FAIL: " + ", ".join(failed) if failed else "OK: within 20 s, 2 GB and 20x")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
