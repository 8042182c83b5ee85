"""``handbook-policy diff [REV]``: what the working tree's policy changes since REV.

Exit status: 0 no change, 1 changes and none of them looser, 3 at least one looser change,
2 a usage or input error (no such revision, not a git checkout), 4 a policy that does not load
(at REV or in the working tree; located messages on stderr).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from ..policy.load import find_policy_dir, load
from ..verbs import add_verb, guarded
from . import with_pages
from .compare import Verdict, diff_policies, worst_verdict
from .render import RENDERERS
from .revisions import (
    RevisionError,
    RevisionPolicyError,
    default_base,
    policy_at,
    repo_root,
    resolve,
)

EXIT_SAME, EXIT_CHANGED, EXIT_USAGE, EXIT_LOOSER, EXIT_POLICY = 0, 1, 2, 3, 4


def add_diff_parser(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    diff = add_verb(
        verbs,
        "diff",
        "what a policy change means: each changed fact, stricter, looser or neutral",
        __doc__,
    )
    diff.add_argument(
        "revision", nargs="?", help="git revision to compare with (default: merge base with main)"
    )
    diff.add_argument("--format", choices=sorted(RENDERERS), default="text")
    diff.add_argument(
        "--year",
        type=int,
        action="append",
        help="years to compare worst-case calendar times in (default: this year and next)",
    )
    diff.add_argument(
        "--pages", metavar="DIR", help="handbook source folder (default: handbook/ beside policy/)"
    )
    diff.set_defaults(run=cmd_diff)


def cmd_diff(args: argparse.Namespace) -> int:
    return guarded(
        "diff",
        _diff,
        args,
        input_errors=(RevisionError,),
        input_status=EXIT_USAGE,
        policy_errors=(RevisionPolicyError,),
        policy_status=EXIT_POLICY,
    )


def _diff(args: argparse.Namespace) -> int:
    policy_dir = Path(args.policy) if args.policy else find_policy_dir()
    repo = repo_root(policy_dir)
    if repo is None:
        raise RevisionError(f"{policy_dir} is not in a git checkout")
    base = resolve(repo, args.revision) if args.revision else default_base(repo)
    years = args.year or [date.today().year, date.today().year + 1]
    if any(not 1900 <= year <= 2200 for year in years):
        raise RevisionError("--year must be between 1900 and 2200")
    old = policy_at(repo, base, policy_dir)
    new = load(policy_dir).policy
    changes = diff_policies(old.policy if old else None, new, years)
    pages = Path(args.pages) if args.pages else policy_dir.resolve().parent / "handbook"
    changes = with_pages(changes, pages, new)
    label = args.revision or f"the merge base with main ({base[:12]})"
    sys.stdout.write(RENDERERS[args.format](changes, label, "the working tree"))
    verdict = worst_verdict(changes)
    if verdict is None:
        return EXIT_SAME
    return EXIT_LOOSER if verdict is Verdict.LOOSER else EXIT_CHANGED
