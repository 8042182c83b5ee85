"""``handbook-policy``: validate and check the policy, and compute when a ticket is due.

Exit status: 0 success, 1 a problem with the policy or the input (located messages on stderr),
2 a usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from . import clock as biz
from .checks import check_policy
from .clock.availability import budgets, share_of
from .clock.deadlines import TargetDue, TicketDeadlines, UnknownIdError, iso_utc, ticket_deadlines
from .helpdesk.cli import add_zendesk_parser
from .policy.load import LoadedPolicy, find_policy_dir, load
from .policy.source import PolicyErrors
from .report.cli import add_report_parsers
from .review.cli import add_diff_parser
from .wording import format_percentage, format_target, format_timedelta


class CliError(Exception):
    """A user error: printed as ``handbook-policy: message``, exit status 1."""


def _load(args: argparse.Namespace, files: Sequence[str] = ()) -> LoadedPolicy:
    if files:
        missing = [name for name in files if not Path(name).is_file()]
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
        return datetime.fromisoformat(text)
    except ValueError:
        raise CliError(
            f"--opened {text!r} is not an ISO 8601 time such as 2026-10-30T16:00:00-07:00"
        ) from None


def _deadlines(args: argparse.Namespace) -> tuple[LoadedPolicy, TicketDeadlines]:
    loaded = _load(args)
    try:
        return loaded, ticket_deadlines(
            loaded.policy, args.plan, args.severity, _parse_opened(args.opened)
        )
    except (UnknownIdError, biz.InstantError) as error:
        raise CliError(str(error).strip("'\"")) from None


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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="handbook-policy",
        description="Validate the support policy, check its invariants, compute due dates.",
    )
    parser.add_argument("--policy", metavar="DIR", help="policy folder (default: nearest policy/)")
    verbs = parser.add_subparsers(dest="verb", required=True, metavar="VERB")

    validate = verbs.add_parser("validate", help="check the YAML's structure and values")
    validate.add_argument("files", nargs="*", metavar="FILE", help="policy files (default: all)")
    validate.set_defaults(run=cmd_validate)

    check = verbs.add_parser("check", help="check the policy's invariants")
    check.add_argument(
        "--year",
        type=int,
        action="append",
        help="calendar year to check DST-dependent rules in (repeatable; "
        "default: this year and next)",
    )
    check.set_defaults(run=cmd_check)

    for name, run, help_text in (
        ("due", cmd_due, "when a ticket's response and resolution are due"),
        ("explain", cmd_explain, "the same, listing the open hours counted"),
    ):
        verb = verbs.add_parser(name, help=help_text)
        verb.add_argument("--plan", required=True, help="plan id, e.g. self-hosted")
        verb.add_argument("--severity", required=True, help="severity id, e.g. sev1")
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
    budget.add_argument("--plan", help="plan id (default: every plan with an availability target)")
    budget.add_argument("--json", action="store_true", help="print JSON")
    budget.set_defaults(run=cmd_budget)
    add_diff_parser(verbs)
    add_report_parsers(verbs)
    add_zendesk_parser(verbs)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except PolicyErrors as errors:
        for error in errors.errors:
            print(error, file=sys.stderr)
        return 1
    except CliError as error:
        print(f"handbook-policy: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
