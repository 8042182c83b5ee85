"""What the CLI's verb modules share: a verb whose ``--help`` shows its module's documentation,
and one way to turn input and policy problems into messages and exit statuses."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from .policy.source import PolicyErrors


def add_verb(
    verbs: argparse._SubParsersAction,  # type: ignore[type-arg]
    name: str,
    help_text: str,
    doc: str | None,
) -> argparse.ArgumentParser:
    """A sub-command whose ``--help`` starts with ``doc`` as written (exit statuses included)."""
    parser: argparse.ArgumentParser = verbs.add_parser(
        name, help=help_text, description=doc, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    return parser


def printable(text: str) -> str:
    """``text`` safe for a terminal: control and invisible format characters (escape sequences,
    bidirectional overrides, NUL) become U+FFFD, line by line."""
    return "\n".join(
        "".join(ch if ch.isprintable() else "\ufffd" for ch in line) for line in text.split("\n")
    )


def guarded(
    verb: str,
    body: Callable[[argparse.Namespace], int],
    args: argparse.Namespace,
    *,
    input_errors: tuple[type[Exception], ...],
    input_status: int,
    policy_status: int,
    policy_errors: tuple[type[Exception], ...] = (),
) -> int:
    """``body(args)``; an input problem is said as ``handbook-policy VERB: …`` with
    ``input_status``, a policy problem (located messages) with ``policy_status``."""
    try:
        return body(args)
    except input_errors as error:
        print(printable(f"handbook-policy {verb}: {error}"), file=sys.stderr)
        return input_status
    except policy_errors as error:
        print(printable(str(error)), file=sys.stderr)
        return policy_status
    except PolicyErrors as errors:
        errors.report()
        return policy_status
