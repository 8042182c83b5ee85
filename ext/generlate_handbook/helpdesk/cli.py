"""``handbook-policy zendesk export|drift|fetch|push``.

Exit status: ``export`` 0, or 1 for a policy problem; ``drift`` 0 when Zendesk agrees, 1 on
drift, 2 when an input (the live JSON or the policy) cannot be read; ``fetch`` and ``push`` 0,
or 2 for a bad URL, missing credentials or an API error. Usage errors are 2 (argparse).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..policy.load import find_policy_dir, load
from ..policy.model import Policy
from ..policy.source import PolicyErrors
from ..verbs import printable
from .client import Client, ZendeskError, credentials, validate_url
from .drift import compare
from .export import ExportError, build_export
from .live import LiveInputError, read_live
from .push import fetch, sync

DEFAULT_OUT = Path("_build") / "zendesk"
PROG = "handbook-policy zendesk"


def _policy(args: argparse.Namespace) -> Policy:
    folder = Path(args.policy) if args.policy else find_policy_dir()
    return load(folder).policy


def _fail(message: object, status: int) -> int:
    print(f"{PROG}: {message}", file=sys.stderr)
    return status


def cmd_export(args: argparse.Namespace) -> int:
    try:
        export = build_export(_policy(args))
    except ExportError as error:
        return _fail(error, 1)
    out = Path(args.out)
    for path in export.write(out):
        print(f"wrote {path}")
    print()
    print(export.files()["unenforced.txt"], end="")
    return 0


def cmd_drift(args: argparse.Namespace) -> int:
    try:
        policy = _policy(args)
        live = read_live(Path(args.live_dir))
        drift = compare(policy, live)
    except PolicyErrors as errors:
        errors.report()
        return 2
    except (LiveInputError, ExportError) as error:
        return _fail(error, 2)
    for note in drift.notes:
        print(f"note: {printable(note)}")
    for difference in drift.differences:
        print(printable(difference))
    count = len(drift.differences)
    if not count:
        print("Zendesk agrees with the policy")
        return 0
    print(f"{count} difference{'s' if count != 1 else ''} between Zendesk and the policy")
    return 1


def _client(args: argparse.Namespace) -> Client:
    base = validate_url(args.url, allow_loopback=args.test_loopback)
    return Client(base, credentials(os.environ))


def cmd_fetch(args: argparse.Namespace) -> int:
    try:
        client = _client(args)
        for path in fetch(client, Path(args.out)):
            print(f"wrote {path}")
    except ZendeskError as error:
        return _fail(error, 2)
    return 0


def _print_log(client: Client | None) -> None:
    for line in client.log if client else []:
        print(line, file=sys.stderr)


def cmd_push(args: argparse.Namespace) -> int:
    try:
        export = build_export(_policy(args))
    except ExportError as error:
        return _fail(error, 1)
    client: Client | None = None
    try:
        client = _client(args)
        actions = sync(client, export, apply=args.apply)
    except ZendeskError as error:
        _print_log(client)
        return _fail(error, 2)
    _print_log(client)
    if not actions:
        print("Zendesk already matches the policy: nothing to change")
    elif args.apply:
        print(f"made {len(actions)} change{'s' if len(actions) != 1 else ''} in Zendesk:")
    else:
        print(
            f"dry run: Zendesk needs {len(actions)} change{'s' if len(actions) != 1 else ''}"
            " (run with --apply to make them):"
        )
    for action in actions:
        print(f"  {action}")
    return 0


def add_zendesk_parser(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    zendesk = verbs.add_parser("zendesk", help="the policy in the help desk: export, drift, push")
    sub = zendesk.add_subparsers(dest="zendesk_verb", required=True, metavar="ACTION")

    export = sub.add_parser("export", help="write Zendesk's schedules and SLA policies as JSON")
    export.add_argument(
        "--out", default=str(DEFAULT_OUT), metavar="DIR", help=f"default: {DEFAULT_OUT}"
    )
    export.set_defaults(run=cmd_export)

    drift = sub.add_parser("drift", help="compare a live Zendesk's JSON with the policy")
    drift.add_argument(
        "live_dir", metavar="LIVE_DIR", help="folder with schedules.json and sla_policies.json"
    )
    drift.set_defaults(run=cmd_drift)

    for name, run, help_text in (
        ("fetch", cmd_fetch, "save a live Zendesk's schedules and SLA policies for drift"),
        (
            "push",
            cmd_push,
            "create or update Zendesk's schedules and SLA policies (dry run by default)",
        ),
    ):
        verb = sub.add_parser(name, help=help_text)
        verb.add_argument("--url", required=True, help="https://SUBDOMAIN.zendesk.com")
        verb.add_argument(
            "--test-loopback",
            action="store_true",
            help="also accept http://127.0.0.1:PORT (a fake API in tests)",
        )
        if name == "fetch":
            verb.add_argument("--out", required=True, metavar="DIR", help="folder to write")
        else:
            verb.add_argument(
                "--apply", action="store_true", help="make the changes (default: only list them)"
            )
        verb.set_defaults(run=run)
