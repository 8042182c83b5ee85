"""``handbook-policy``: validate and check the policy, and compute when a ticket is due.

Exit status, one per kind of outcome: 0 success; 1 a problem in the policy (located messages
on stderr, ``FILE:LINE: key.path: message``); 2 a usage or input error (an unknown option or
id, a bad or out-of-range date or year, a missing file). A closed output pipe
(``handbook-policy due ... | head -1``) ends quietly with 0, Ctrl-C quietly with 130.
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path

from . import clock as biz
from .checks import check_policy
from .clock.availability import budgets, share_of
from .clock.deadlines import TargetDue, TicketDeadlines, UnknownIdError, iso_utc, ticket_deadlines
from .helpdesk.cli import add_zendesk_parser
from .policy.limits import YEAR_RANGE, OutOfRangeError, check_moment, check_year
from .policy.load import LoadedPolicy, find_policy_dir, load
from .policy.source import PolicyErrors
from .report.cli import add_report_parsers
from .review.cli import add_diff_parser
from .wording import format_percentage, format_target, format_timedelta

EXIT_OK, EXIT_POLICY, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class CliError(Exception):
    """A usage or input error: printed as ``handbook-policy: message``, exit status 2."""


def _load(args: argparse.Namespace, files: Sequence[str] = ()) -> LoadedPolicy:
    if files:
        missing = [name for name in files if not os.path.lexists(name)]
        if missing:
            raise CliError(f"no such file: {', '.join(missing)}")
        return load([Path(name) for name in files])
    folder = Path(args.policy) if args.policy else find_policy_dir()
    if not folder.is_dir():
        raise CliError(f"no policy folder at {folder} (use --policy DIR)")
    return load(folder)


def cmd_validate(args: argparse.Namespace) -> int:
    loaded = _load(args, args.files)
    policy = loaded.policy
    names = ", ".join(loaded.source.display_name(path) for path in loaded.files)
    print(
        f"{names}: valid ({len(policy.severities)} severities, {len(policy.plans)} plans, "
        f"{len(policy.schedules)} schedules)"
    )
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    loaded = _load(args)
    years = args.year or [date.today().year, date.today().year + 1]
    errors = check_policy(loaded.policy, loaded.source, years)
    for error in errors:
        print(error, file=sys.stderr)
    if errors:
        print(
            f"{len(errors)} policy inconsistenc{'y' if len(errors) == 1 else 'ies'}",
            file=sys.stderr,
        )
        return 1
    print(f"policy is consistent in {', '.join(map(str, years))}")
    return 0


def _parse_opened(text: str) -> datetime:
    try:
        opened = datetime.fromisoformat(text)
    except ValueError:
        raise CliError(
            f"--opened {text!r} is not an ISO 8601 time such as 2026-10-30T16:00:00-07:00"
        ) from None
    try:
        check_moment(opened, "--opened")
    except OutOfRangeError:
        raise CliError(
            f"--opened {text}: the year {opened.year} is outside the years allowed, {YEAR_RANGE}"
        ) from None
    return opened


def _deadlines(args: argparse.Namespace) -> tuple[LoadedPolicy, TicketDeadlines]:
    opened = _parse_opened(args.opened)
    loaded = _load(args)
    try:
        return loaded, ticket_deadlines(loaded.policy, args.plan, args.severity, opened)
    except (UnknownIdError, biz.InstantError) as error:
        raise CliError(str(error).strip("'\"")) from None
    except OverflowError:
        raise CliError(
            f"a deadline for a ticket opened at {args.opened} falls after the last date the"
            " clock computes"
        ) from None


def _local(moment: datetime, loaded: LoadedPolicy, clock: str) -> str:
    local = moment.astimezone(loaded.policy.zone(clock))
    return f"{local:%a %Y-%m-%d %H:%M} {local.tzname()}"


def _describe(loaded: LoadedPolicy, deadline: TargetDue) -> str:
    target = format_target(loaded.policy, deadline.target)
    if deadline.due is None:
        return f"  {deadline.name:<24} no deadline ({target})"
    return (
        f"  {deadline.name:<24} {iso_utc(deadline.due)}  "
        f"{_local(deadline.due, loaded, deadline.clock):<26} {target} on the "
        f"{deadline.clock} clock"
    )


def _header(loaded: LoadedPolicy, ticket: TicketDeadlines) -> str:
    policy = loaded.policy
    zone = policy.zone(policy.sla_for(ticket.plan).clock)
    opened = ticket.opened.astimezone(zone)
    return (
        f"{policy.plans[ticket.plan].name} plan, {policy.severities[ticket.severity].name}, "
        f"opened {iso_utc(ticket.opened)} ({opened:%a %Y-%m-%d %H:%M} {opened.tzname()})"
    )


def cmd_due(args: argparse.Namespace) -> int:
    loaded, ticket = _deadlines(args)
    if args.json:
        print(json.dumps(ticket.as_json(), indent=2))
        return 0
    print(_header(loaded, ticket))
    for deadline in ticket.all:
        print(_describe(loaded, deadline))
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    loaded, ticket = _deadlines(args)
    print(_header(loaded, ticket))
    for deadline in ticket.all:
        print()
        print(_describe(loaded, deadline))
        if deadline.due is None:
            continue
        zone = loaded.policy.zone(deadline.clock)
        total = None
        for start, end in deadline.counted:
            total = (end - start) if total is None else total + (end - start)
            local_start, local_end = start.astimezone(zone), end.astimezone(zone)
            print(
                f"    counts {local_start:%a %Y-%m-%d %H:%M}–{local_end:%H:%M} "
                f"{local_end.tzname()}  {format_timedelta(end - start):>20}  "
                f"(total {format_timedelta(total, use_days=False)})"
            )
    return 0


def cmd_budget(args: argparse.Namespace) -> int:
    loaded = _load(args)
    policy = loaded.policy
    plan_ids = (
        [args.plan] if args.plan else [p for p in policy.plans if policy.plans[p].availability]
    )
    report = []
    for plan_id in plan_ids:
        plan = policy.plans.get(plan_id)
        if plan is None:
            raise CliError(f"unknown plan {plan_id!r} (known: {', '.join(policy.plans)})")
        if plan.availability is None:
            raise CliError(f"plan {plan_id!r} has no availability target")
        rows = budgets(plan.availability)
        window = plan.maintenance.max_downtime.fixed() if plan.maintenance else None
        report.append((plan_id, plan, rows, window))
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "plan": plan_id,
                        "availability": format_percentage(plan.availability),
                        "allowed_downtime_seconds": {
                            r.period.lower(): r.allowed.total_seconds() for r in rows
                        },
                        "maintenance_window_seconds": window.total_seconds() if window else None,
                    }
                    for plan_id, plan, rows, window in report
                ],
                indent=2,
            )
        )
        return 0
    for plan_id, plan, rows, window in report:
        print(f"{plan.name} ({plan_id}): availability {format_percentage(plan.availability)}")
        for row in rows:
            used = (
                f"  one maintenance window uses {share_of(window, row.allowed):.0%}"
                if window
                else ""
            )
            print(
                f"  {row.period:<8} {row.days:>3} days  {format_timedelta(row.allowed):<24}{used}"
            )
    return 0


def _non_empty(what: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if not text.strip():
            raise argparse.ArgumentTypeError(f"{what} must not be empty")
        return text

    return parse


def _year(text: str) -> int:
    try:
        return check_year(int(text.strip()))
    except OutOfRangeError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a year such as 2026") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="handbook-policy",
        description="Validate the support policy, check its invariants, compute due dates.",
        epilog="Exit status: 0 success, 1 a policy problem, 2 a usage or input error; diff, "
        "report and zendesk say theirs in VERB --help.",
    )
    parser.add_argument(
        "--policy",
        metavar="DIR",
        type=_non_empty("the policy folder"),
        help="policy folder (default: nearest policy/)",
    )
    verbs = parser.add_subparsers(dest="verb", required=True, metavar="VERB")

    validate = verbs.add_parser("validate", help="check the YAML's structure and values")
    validate.add_argument("files", nargs="*", metavar="FILE", help="policy files (default: all)")
    validate.set_defaults(run=cmd_validate)

    check = verbs.add_parser("check", help="check the policy's invariants")
    check.add_argument(
        "--year",
        type=_year,
        action="append",
        help="calendar year to check DST-dependent rules in (repeatable; "
        "default: this year and next)",
    )
    check.set_defaults(run=cmd_check)
    _add_clock_verbs(verbs)
    add_diff_parser(verbs)
    add_report_parsers(verbs)
    add_zendesk_parser(verbs)
    return parser


def _add_clock_verbs(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """``due``, ``explain`` and ``budget``: the clock and the availability budget."""
    for name, run, help_text in (
        ("due", cmd_due, "when a ticket's response and resolution are due"),
        ("explain", cmd_explain, "the same, listing the open hours counted"),
    ):
        verb = verbs.add_parser(name, help=help_text)
        verb.add_argument(
            "--plan", required=True, type=_non_empty("the plan id"), help="plan id, e.g. managed"
        )
        verb.add_argument(
            "--severity",
            required=True,
            type=_non_empty("the severity id"),
            help="severity id, e.g. sev1",
        )
        verb.add_argument(
            "--opened",
            required=True,
            metavar="ISO8601",
            help="when the ticket was opened, with a UTC offset or Z",
        )
        if name == "due":
            verb.add_argument("--json", action="store_true", help="print one JSON object")
        verb.set_defaults(run=run)

    budget = verbs.add_parser("budget", help="allowed downtime per month, quarter and year")
    budget.add_argument(
        "--plan",
        type=_non_empty("the plan id"),
        help="plan id (default: every plan with an availability target)",
    )
    budget.add_argument("--json", action="store_true", help="print JSON")
    budget.set_defaults(run=cmd_budget)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one verb; the exit status says what kind of outcome it was (module docstring)."""
    _degrade_unencodable_output()
    try:
        status = _run(argv)
        sys.stdout.flush()
        return status
    except BrokenPipeError:  # the reader went away (``| head -1``): nothing left to say
        _discard_stdout()
        return EXIT_OK
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED


def _run(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except PolicyErrors as errors:
        errors.report()
        return EXIT_POLICY
    except CliError as error:
        print(f"handbook-policy: {error}", file=sys.stderr)
        return EXIT_USAGE


# Typographic characters the output uses, as ASCII, for terminals that cannot show them
# (PYTHONIOENCODING=ascii, LANG=C on systems without C.UTF-8); anything else is escaped.
_ASCII = {"–": "-", "—": "-", "…": "...", "’": "'", "‘": "'", "“": '"', "”": '"', "→": "->"}


def _ascii_fallback(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    text = error.object[error.start : error.end]
    return (
        "".join(
            _ASCII.get(char, char.encode("ascii", "backslashreplace").decode()) for char in text
        ),
        error.end,
    )


codecs.register_error("handbook-ascii", _ascii_fallback)


def _degrade_unencodable_output() -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors="handbook-ascii")  # type: ignore[union-attr]


def _discard_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's last flush cannot fail again."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
