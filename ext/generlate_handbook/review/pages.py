"""Which handbook pages render which policy facts: read from the pages' MyST with markdown-it.

A page renders a key path when it uses the ``policy`` role on it, or a directive that renders it
(``sla-table managed`` renders the managed plan and its SLA, ``support-hours`` its schedules, and
so on). Nested directives (tabs, admonitions) are parsed too, as MyST does.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt

from .. import pages as myst
from ..policy.model import Policy
from ..policy.source import KeyPath

MAX_PAGE_BYTES = 2_000_000


@dataclass(frozen=True)
class PolicyUse:
    """One place a page renders policy: the key path and the page line."""

    path: KeyPath
    line: int


def page_uses(text: str, policy: Policy, md: MarkdownIt) -> list[PolicyUse]:
    """The key paths a page's MyST source renders, with lines (1-based), as MyST parses it
    (``md`` from :func:`generlate_handbook.pages.parser_for`)."""
    uses = []
    for token, line in myst.tokens(text, md):
        if token.type == "inline":
            for child in token.children or []:
                if child.type == "myst_role" and child.meta.get("name") == "policy":
                    uses.append(PolicyUse(tuple(child.content.strip().split(".")), line))
        elif token.type in {"fence", "colon_fence"}:
            directive = myst.directive_of(token, line)
            if directive is None:
                continue
            options = {}
            for _, key, option_line in directive.options:
                match = myst.OPTION.match(option_line)
                options[key] = (match["value"] or "") if match else ""
            paths = directive_paths(directive.name, directive.argument.strip(), options, policy)
            uses.extend(PolicyUse(path, line) for path in paths)
    return uses


def directive_paths(
    name: str, argument: str, options: dict[str, str], policy: Policy
) -> list[KeyPath]:
    """The key paths a directive of this extension renders."""
    plan = policy.plans.get(argument)
    match name:
        case "sla-table" | "sla-examples" if plan is not None:
            paths = [("plans", argument), ("slas", plan.sla), ("severities",)]
            sla = policy.slas.get(plan.sla)
            if sla is not None:
                paths.append(("schedules", sla.clock))
            if name == "sla-examples":
                paths.append(("internal", "first_response"))
            return paths
        case "availability-budget" if plan is not None:
            return [("plans", argument, "availability"), ("plans", argument, "maintenance")]
        case "support-hours":
            ids = options.get("schedules", "").split() or list(policy.schedules)
            return [("schedules", schedule) for schedule in ids]
        case "policy-list":
            return [tuple(argument.split("."))]
    return []


def renders(uses: list[PolicyUse], path: KeyPath) -> bool:
    """Whether a page with these uses renders the fact at ``path``."""
    return any(_related(use.path, path) for use in uses)


def _related(a: KeyPath, b: KeyPath) -> bool:
    shorter = min(len(a), len(b))
    return a[:shorter] == b[:shorter]


def handbook_uses(source_dir: Path, policy: Policy) -> dict[str, list[PolicyUse]]:
    """Every page under ``source_dir`` (``customer-support/slas.md``) with its policy uses."""
    md = myst.parser_for(source_dir)
    pages: dict[str, list[PolicyUse]] = {}
    for page in sorted(source_dir.rglob("*.md")):
        relative = page.relative_to(source_dir)
        if any(part.startswith((".", "_")) for part in relative.parts) or page.is_symlink():
            continue
        if page.stat().st_size > MAX_PAGE_BYTES:
            continue
        uses = page_uses(page.read_text(encoding="utf-8", errors="replace"), policy, md)
        if uses:
            pages[relative.as_posix()] = uses
    return pages
