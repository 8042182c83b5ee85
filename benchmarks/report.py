"""Benchmark: ``handbook-policy report`` on a million tickets, against a ticket-by-ticket loop.

In one run: generates 1,000,000 demo tickets, times ``report --format json`` on them in a child
process (wall time and peak memory, from the child's ``ru_maxrss``), then times the same
computation done ticket by ticket with the scalar clock (due times of the response, resolution
and internal first response, and each verdict) on a 10,000-ticket sample, and prints the
per-ticket ratio. Also written to ``_build/bench-report.json``. Exits 1 when the report takes
20 s or more, 2 GB or more, or is under 20x the loop per ticket.

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

from generlate_handbook.clock import due
from generlate_handbook.clock.deadlines import working_time
from generlate_handbook.policy.load import load_policy
from generlate_handbook.policy.units import Duration
from generlate_handbook.report.tickets import NAT, load_tickets

REPO = Path(__file__).resolve().parents[1]
AS_OF = "2027-01-05T00:00:00Z"
LIMITS = {"seconds": 20.0, "peak_mb": 2048.0, "ratio": 20.0}
SAMPLE = 10_000


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "generlate_handbook.cli", "--policy", str(REPO / "policy"), *args]


def ticket_by_ticket(tickets_csv: Path, sample: int) -> float:
    """Seconds per ticket for the scalar loop over the first ``sample`` tickets."""
    policy = load_policy(REPO / "policy")
    tickets = load_tickets(tickets_csv, policy)
    as_of = datetime.fromisoformat(AS_OF)
    internal = policy.internal.first_response
    internal_time = working_time(policy, internal.within, internal.clock)
    rows = list(
        zip(
            tickets.created[:sample].tolist(),
            tickets.plan.codes[:sample].tolist(),
            tickets.severity.codes[:sample].tolist(),
            tickets.first_response[:sample].tolist(),
            tickets.resolved[:sample].tolist(),
            strict=True,
        )
    )
    began = time.perf_counter()
    for created, plan_code, severity_code, first, resolved in rows:
        opened = datetime.fromtimestamp(created / 1e9, UTC)
        plan = str(tickets.plan.names[plan_code])
        sla = policy.sla_for(plan)
        targets = sla.targets[str(tickets.severity.names[severity_code])]
        for rule, happened in ((targets.response, first), (targets.resolution, resolved)):
            if isinstance(rule.within, Duration):
                clock = policy.target_clock(sla, rule)
                deadline = due(
                    opened, working_time(policy, rule.within, clock), policy.clock(clock)
                )
                _verdict(deadline, happened, as_of)
        deadline = due(opened, internal_time, policy.clock(internal.clock))
        _verdict(deadline, first, as_of)
    return (time.perf_counter() - began) / len(rows)


def _verdict(deadline: datetime, happened: int, as_of: datetime) -> str:
    if happened != NAT:
        return "met" if datetime.fromtimestamp(happened / 1e9, UTC) <= deadline else "breached"
    return "breached" if deadline < as_of else "pending"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.report")
    parser.add_argument("--count", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        tickets = Path(folder) / "tickets.csv"
        subprocess.run(
            _cli("demo-tickets", "--count", str(args.count), "--seed", "1", "--out", str(tickets)),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        began = time.perf_counter()
        subprocess.run(
            _cli(
                "report",
                str(tickets),
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
        per_ticket_loop = ticket_by_ticket(tickets, min(SAMPLE, args.count))
    per_ticket_bulk = seconds / args.count
    result = {
        "tickets": args.count,
        "report_seconds": round(seconds, 2),
        "report_peak_mb": round(peak_mb),
        "loop_seconds_per_ticket": per_ticket_loop,
        "report_seconds_per_ticket": per_ticket_bulk,
        "ratio": round(per_ticket_loop / per_ticket_bulk, 1),
        "limits": LIMITS,
    }
    print(
        f"report --format json on {args.count:,} tickets: {seconds:.1f} s, peak {peak_mb:,.0f} MB"
    )
    print(
        f"ticket by ticket with the scalar clock ({min(SAMPLE, args.count):,} sample): "
        f"{per_ticket_loop * 1e6:.1f} µs a ticket; the report: {per_ticket_bulk * 1e6:.2f} µs "
        f"a ticket (everything included): {result['ratio']:,}x"
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
