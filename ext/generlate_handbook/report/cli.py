"""``handbook-policy report`` and ``handbook-policy demo-tickets``.

report: exit 0 done, 1 a team target missed (only with ``--fail-on-miss``), 2 a usage or input
error (a file that cannot be read, a bad header, a bad date; with ``--strict`` any malformed row),
4 a policy that does not load.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from ..policy.load import find_policy_dir, load
from ..policy.model import Policy
from ..verbs import add_verb, guarded, printable
from .build import NS, Period, build_report
from .demo import demo_replies, demo_tickets, write_csv, write_replies_csv
from .html import as_html
from .render import as_csv, as_json, as_table
from .replies import load_replies
from .tickets import TicketInputError, check_strict, load_tickets
from .zendesk import load_zendesk

EXIT_OK, EXIT_MISSED, EXIT_INPUT, EXIT_POLICY = 0, 1, 2, 4
FORMATS: dict[str, tuple[str, Callable[[dict[str, Any]], str]]] = {
    "table": ("txt", as_table),
    "json": ("json", as_json),
    "csv": ("csv", as_csv),
    "html": ("html", as_html),
}


def add_report_parsers(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    report = add_verb(verbs, "report", "SLA attainment and success measures from tickets", __doc__)
    report.add_argument(
        "source",
        metavar="TICKETS.csv|EXPORT_DIR",
        help="tickets in the reference CSV format, or a folder of Zendesk incremental export pages",
    )
    report.add_argument("--replies", metavar="FILE", help="replies CSV: ticket_id,at,author")
    report.add_argument("--from", dest="first", metavar="DATE", help="first day (YYYY-MM-DD)")
    report.add_argument("--to", dest="last", metavar="DATE", help="last day (YYYY-MM-DD)")
    report.add_argument("--as-of", metavar="TIME", help="ISO 8601 with offset (default: now)")
    report.add_argument("--format", choices=list(FORMATS), default="table")
    report.add_argument("--out", metavar="FILE", help="where to write (default: _build/report/)")
    report.add_argument("--fail-on-miss", action="store_true", help="exit 1 if a target missed")
    report.add_argument("--strict", action="store_true", help="stop on the first malformed row")
    report.set_defaults(run=cmd_report)

    demo = verbs.add_parser("demo-tickets", help="write synthetic tickets in the CSV format")
    demo.add_argument("--count", type=int, required=True)
    demo.add_argument("--seed", type=int, default=1)
    demo.add_argument("--year", type=int, default=2026, help="the tickets' year (default 2026)")
    demo.add_argument("--out", required=True, metavar="FILE")
    demo.add_argument("--replies-out", metavar="FILE", help="also write a replies CSV")
    demo.set_defaults(run=cmd_demo)


class UsageError(Exception):
    pass


def _policy(args: argparse.Namespace) -> tuple[Policy, Path]:
    folder = Path(args.policy) if args.policy else find_policy_dir()
    return load(folder).policy, folder


def _day(text: str | None, flag: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{flag} {text!r} is not a date written YYYY-MM-DD") from None


def _as_of(text: str | None) -> int:
    if text is None:
        return int(time.time()) * NS
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None or not 2000 <= moment.year <= 2100:
        raise UsageError(
            f"--as-of {text!r}: expected an ISO 8601 time with a UTC offset "
            "between 2000 and 2100, e.g. 2026-12-31T17:00:00-08:00"
        )
    return int(moment.astimezone(UTC).timestamp()) * NS


def _progress(message: str) -> None:
    if sys.stderr.isatty():
        print(f"… {message}", file=sys.stderr, flush=True)


def cmd_report(args: argparse.Namespace) -> int:
    return _guarded("report", _report, args)


def _guarded(verb: str, body: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    return guarded(
        verb,
        body,
        args,
        input_errors=(UsageError, TicketInputError, ValueError),
        input_status=EXIT_INPUT,
        policy_status=EXIT_POLICY,
    )


def _report(args: argparse.Namespace) -> int:
    period = Period(_day(args.first, "--from"), _day(args.last, "--to"))
    if period.first and period.last and period.first > period.last:
        raise UsageError("--from is after --to")
    as_of = _as_of(args.as_of)
    policy, policy_dir = _policy(args)
    source = Path(args.source)
    _progress(f"reading {source}")
    tickets = load_zendesk(source, policy) if source.is_dir() else load_tickets(source, policy)
    replies = load_replies(Path(args.replies)) if args.replies else None
    problems = tickets.skipped + (replies.skipped if replies else [])
    if problems and args.strict:
        for line in check_strict(tickets):
            print(line, file=sys.stderr)
        raise UsageError(f"{len(problems):,} malformed rows (--strict)")
    if problems:
        skipped = tickets.skipped_rows + (replies.skipped_rows if replies else 0)
        print(
            f"handbook-policy report: skipped {skipped:,} malformed rows "
            f"(listed in the report; first: {printable(str(problems[0]))})",
            file=sys.stderr,
        )
    _progress(f"measuring {len(tickets):,} tickets")
    report = build_report(
        policy, tickets, as_of=as_of, period=period, source=source, replies=replies
    )
    extension, render = FORMATS[args.format]
    text = render(report)
    if args.format == "table" and not args.out:
        sys.stdout.write(printable(text))
    else:
        out = (
            Path(args.out)
            if args.out
            else policy_dir.resolve().parent / "_build" / "report" / (f"report.{extension}")
        )
        inputs = (source, *((Path(args.replies),) if args.replies else ()))
        _not_published(out, policy_dir, inputs)
        write_atomically(out, text)
        print(out)
    return EXIT_MISSED if args.fail_on_miss and report["period"]["missed"] else EXIT_OK


def _not_published(out: Path, policy_dir: Path, inputs: tuple[Path, ...] = ()) -> None:
    """Refuse to write ticket data where the handbook build would publish it, over an input,
    or over anything that is not a regular file (a folder, a device, a pipe)."""
    site = policy_dir.resolve().parent
    for folder in (site / "handbook", site / "_build" / "html"):
        if out.resolve().is_relative_to(folder.resolve()):
            raise UsageError(
                f"--out {out}: inside {folder.name}/, where the handbook build "
                "would publish it; reports hold customer data"
            )
    check_output(out, inputs)


def check_output(out: Path, inputs: tuple[Path, ...] = ()) -> None:
    """An output path that is a new or regular file, and none of the inputs."""
    if (out.exists() and not out.is_file()) or out.is_symlink():
        raise UsageError(f"--out {out}: not a regular file; name a file to write")
    if any(out.resolve() == source.resolve() for source in inputs):
        raise UsageError(f"--out {out}: that is an input of this run; name another file")


def write_atomically(out: Path, text: str) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    temp = out.with_name(f".{out.name}.tmp")
    temp.write_text(text, encoding="utf-8")
    temp.replace(out)


def cmd_demo(args: argparse.Namespace) -> int:
    return _guarded("demo-tickets", _demo, args)


def _demo(args: argparse.Namespace) -> int:
    policy, _ = _policy(args)
    if not 2000 <= args.year <= 2099:
        raise UsageError("--year must be between 2000 and 2099")
    columns = demo_tickets(policy, args.count, args.seed, args.year)
    check_output(Path(args.out))
    if args.replies_out:
        check_output(Path(args.replies_out), (Path(args.out),))
    write_csv(columns, Path(args.out))
    print(args.out)
    if args.replies_out:
        write_replies_csv(demo_replies(columns, args.seed), Path(args.replies_out))
        print(args.replies_out)
    return EXIT_OK
