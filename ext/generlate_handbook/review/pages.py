"""Which handbook pages render which policy facts: read from the pages' MyST with markdown-it.

A page renders a key path when it uses the ``policy`` role on it, or a directive that renders it
(``sla-table managed`` renders the managed plan and its SLA, ``support-hours`` its schedules, and
so on). Nested directives (tabs, admonitions) are parsed too, as MyST does.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser

from ..policy.model import Policy
from ..policy.source import KeyPath

MAX_PAGE_BYTES = 2_000_000
MAX_DEPTH = 20


@dataclass(frozen=True)
class PolicyUse:
    """One place a page renders policy: the key path and the page line."""

    path: KeyPath
    line: int


def _parser() -> MarkdownIt:
    config = MdParserConfig(enable_extensions={"colon_fence", "deflist"})
    return create_md_parser(config, RendererHTML)


def page_uses(text: str, policy: Policy) -> list[PolicyUse]:
    """The key paths a page's MyST source renders, with lines (1-based)."""
    return list(_uses(_parser(), text, policy, 0, 0))


def _uses(
    md: MarkdownIt, text: str, policy: Policy, offset: int, depth: int
) -> Iterator[PolicyUse]:
    if depth > MAX_DEPTH:
        return
    for token in md.parse(text):
        line = offset + (token.map[0] + 1 if token.map else 1)
        if token.type == "inline":
            for child in token.children or []:
                if child.type == "myst_role" and child.meta.get("name") == "policy":
                    yield PolicyUse(tuple(child.content.strip().split(".")), line)
        elif token.type in {"fence", "colon_fence"} and token.info.startswith("{"):
            name, _, argument = token.info[1:].partition("}")
            options, body_offset, body = _split_options(token.content)
            for path in directive_paths(name.strip(), argument.strip(), options, policy):
                yield PolicyUse(path, line)
            yield from _uses(md, body, policy, line + body_offset, depth + 1)


def _split_options(content: str) -> tuple[dict[str, str], int, str]:
    lines = content.splitlines()
    options: dict[str, str] = {}
    index = 0
    while index < len(lines) and lines[index].startswith(":"):
        key, _, value = lines[index][1:].partition(":")
        options[key.strip()] = value.strip()
        index += 1
    return options, index, "\n".join(lines[index:])


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
    md = _parser()
    pages: dict[str, list[PolicyUse]] = {}
    for page in sorted(source_dir.rglob("*.md")):
        relative = page.relative_to(source_dir)
        if any(part.startswith((".", "_")) for part in relative.parts) or page.is_symlink():
            continue
        if page.stat().st_size > MAX_PAGE_BYTES:
            continue
        uses = list(_uses(md, page.read_text(encoding="utf-8", errors="replace"), policy, 0, 0))
        if uses:
            pages[relative.as_posix()] = uses
    return pages
