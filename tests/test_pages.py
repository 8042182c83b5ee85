"""Properties of the handbook's page sources: structure, navigation and links.

The pages are read as MyST reads them (``generlate_handbook.pages``: markdown-it-py with the
handbook's MyST settings), so these run in milliseconds without a Sphinx build. Every test is a
property of all pages; none lists today's pages, so adding a page never breaks one. Content rules
(editor notes, raw HTML comments, hand-typed figures) are the lint's (tests/test_lint.py).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

import pytest
from ruamel.yaml import YAML

from generlate_handbook import pages
from generlate_handbook.lint import handbook_pages
from generlate_handbook.policy.load import load_policy
from generlate_handbook.wording import KeyPathError, resolve

try:  # myst-parser >= 5.2
    from myst_parser.slugs import github_slugify as slugify
except ImportError:  # pragma: no cover - older myst-parser
    from mdit_py_plugins.anchors.index import slugify

REPO = Path(__file__).resolve().parent.parent
HANDBOOK = REPO / "handbook"
MD = pages.parser_for(HANDBOOK)

# Targets the seed linked to that do not exist (or must not be published).
DEAD_TARGETS = [
    "root-cause.md",
    "support-bios.md",
    "customer-support-onboarding.md",
    "customer-support-manager-onboarding.md",
    "support-schedule.md",
    "support-org-structure.md",
    "support-team-rituals.md",
    "support-workflow.md",
    "support-prioritization.md",
    "p0-Incident-Response.md",
    "customer-support-triaging.md",
    "support-enablement.md",
    "support-tools.md",
    "assigned-cse.md",
    "FY22Q2-OKR-Plan.md",
    "FY22Q3-OKR-Plan.md",
    "../company/",
    "docs.generlate.com",  # matched case-insensitively: the seed also had docs.Generlate.com
    "1eLJmEVoD4H2s18gw65OCKSEX7ZQiG38FU_jU3UsrBKY",  # RFC 274: another company's document
    "18d3sX38O6ephNuoHqZT9BwU1m1_FGuRfsTwYbc8lMV8",  # FY22 OKRs
    "RFC 274",
]

# External hosts the pages may link to. Each needs a sign-in, so each link to it must say so,
# and each must be on the link checker's allowlist (handbook/_links/allowlist.yaml).
SIGN_IN_HOSTS = {"generlate.looker.com"}
SIGN_IN_MARK = "(sign-in required)"


@dataclass(frozen=True)
class Page:
    name: str  # the docname, as Sphinx names it
    text: str

    @property
    def parsed(self) -> list[tuple[object, int]]:
        return list(pages.tokens(self.text, MD))

    def headings(self) -> list[tuple[int, int, str]]:
        """(line, level, title) of every heading."""
        found = []
        for (token, line), (inline, _) in itertools.pairwise(self.parsed):
            if token.type == "heading_open":  # type: ignore[attr-defined]
                found.append((line, int(token.tag[1]), inline.content))  # type: ignore[attr-defined]
        return found

    def links(self) -> Iterator[tuple[int, str, str]]:
        """(line, text, target) of every Markdown link."""
        for token, line in self.parsed:
            children = token.children or []  # type: ignore[attr-defined]
            for index, child in enumerate(children):
                if child.type == "link_open":
                    text = children[index + 1].content if index + 1 < len(children) else ""
                    yield line, text, str(child.attrs.get("href", ""))

    def roles(self) -> Iterator[tuple[int, str, str]]:
        """(line, role name, content) of every role."""
        for token, line in self.parsed:
            for child in token.children or []:  # type: ignore[attr-defined]
                if child.type == "myst_role":
                    yield line, child.meta["name"], child.content

    def directive_args(self, name: str) -> list[str]:
        return [
            piece.text
            for piece in pages.pieces(self.text, MD)
            if piece.kind == "title" and piece.directive == name
        ]

    def toctree(self) -> list[str]:
        """The docnames this page's toctrees list."""
        entries = []
        base = PurePosixPath(self.name).parent
        for piece in pages.pieces(self.text, MD):
            if piece.kind != "data" or piece.directive != "toctree":
                continue
            entry = piece.text.strip()
            explicit = re.search(r"<([^>]+)>$", entry)
            target = (explicit.group(1) if explicit else entry).removesuffix(".md")
            entries.append(target.lstrip("/") if target.startswith("/") else f"{base / target}")
        return [str(PurePosixPath(entry)) for entry in entries]

    def orphan(self) -> bool:
        for token, _ in self.parsed:
            if token.type == "front_matter":  # type: ignore[attr-defined]
                meta = YAML(typ="safe").load(token.content) or {}  # type: ignore[attr-defined]
                return bool(meta.get("orphan"))
        return False


PAGES = {
    (
        page := Page(path.relative_to(HANDBOOK).with_suffix("").as_posix(), path.read_text("utf-8"))
    ).name: page
    for path in handbook_pages(HANDBOOK)
}
NAMES = sorted(PAGES)


@pytest.fixture(scope="module")
def policy():
    return load_policy(REPO / "policy")


def reachable_from_root() -> set[str]:
    seen, todo = set(), ["index"]
    while todo:
        name = todo.pop()
        if name in seen or name not in PAGES:
            continue
        seen.add(name)
        todo.extend(PAGES[name].toctree())
    return seen


def resolve_link(name: str, path: str) -> str | None:
    """The docname a relative link from page ``name`` points at; None if it leaves the site."""
    linked = (PurePosixPath(name).parent / path).as_posix() if path else name
    stack: list[str] = []
    for part in linked.removesuffix(".md").split("/"):
        if part == "..":
            if not stack:
                return None
            stack.pop()
        elif part not in ("", "."):
            stack.append(part)
    return "/".join(stack)


# --- Navigation --------------------------------------------------------------------------------


def test_the_handbook_has_a_root_page_and_sections():
    assert "index" in PAGES
    assert len(PAGES) > 1


def test_every_page_is_reachable_from_the_root_toctree():
    unreachable = {name for name in PAGES if not PAGES[name].orphan()} - reachable_from_root()
    assert unreachable == set(), "pages in no toctree (or say orphan: true in the front matter)"


@pytest.mark.parametrize("name", NAMES)
def test_toctrees_list_only_existing_pages(name):
    for entry in PAGES[name].toctree():
        assert entry in PAGES, f"{name}: toctree lists {entry}, which does not exist"


@pytest.mark.parametrize("name", NAMES)
def test_each_page_is_listed_once(name):
    listed = [entry for page in PAGES.values() for entry in page.toctree() if entry == name]
    assert len(listed) <= 1, f"{name} is in {len(listed)} toctrees"


# --- Structure ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_one_h1_first_and_consecutive_heading_levels(name):
    found = PAGES[name].headings()
    assert found, f"{name} has no heading"
    assert found[0][1] == 1, f"{name} does not start with a '# Title'"
    assert [level for _, level, _ in found].count(1) == 1, f"{name} has more than one H1"
    for (_, before, _), (line, level, title) in itertools.pairwise(found):
        assert level <= before + 1, f"{name}:{line}: '{title}' jumps from H{before} to H{level}"


# --- Links -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_no_seed_dead_target(name):
    text = PAGES[name].text.lower()
    for target in DEAD_TARGETS:
        assert target.lower() not in text, f"{name} still mentions {target}"


@pytest.mark.parametrize("name", NAMES)
def test_internal_links_resolve_to_a_page_and_heading(name):
    for line, text, target in PAGES[name].links():
        if urlsplit(target).scheme:
            continue
        path, _, anchor = target.partition("#")
        linked = resolve_link(name, path)
        where = f"{name}:{line}: [{text}]({target})"
        assert linked is not None, f"{where} leaves the handbook"
        assert linked in PAGES, f"{where} points at a missing page"
        if anchor:
            slugs = {slugify(title) for _, level, title in PAGES[linked].headings() if level <= 4}
            assert anchor in slugs, f"{where}: no such heading"


@pytest.mark.parametrize("name", NAMES)
def test_external_links_are_known_sign_in_hosts_and_say_so(name):
    text = PAGES[name].text
    for line, label, target in PAGES[name].links():
        host = urlsplit(target).hostname
        if host is None:
            continue
        assert host in SIGN_IN_HOSTS, f"{name}:{line}: link to an unexpected host {host}"
        after = " ".join(text[text.index(f"({target})") + len(target) + 2 :].split())
        assert after.startswith(SIGN_IN_MARK), f"{name}:{line}: [{label}] lacks {SIGN_IN_MARK}"


# --- The policy on the pages -------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_policy_roles_name_existing_keys(name, policy):
    for line, role, key in PAGES[name].roles():
        if role == "policy":
            try:
                resolve(policy, key)
            except KeyPathError as error:
                pytest.fail(f"{name}:{line}: {error}")


def test_every_plan_publishes_its_sla_table(policy):
    tables = {arg.strip() for page in PAGES.values() for arg in page.directive_args("sla-table")}
    assert tables == set(policy.plans)


def test_policy_lists_are_rendered_not_typed(policy):
    used = {arg.strip() for page in PAGES.values() for arg in page.directive_args("policy-list")}
    assert "kpis" in used
    for name, page in PAGES.items():
        prose = [p.text for p in pages.pieces(page.text, MD) if p.kind == "prose"]
        for kpi in policy.kpis:
            assert not any(kpi in text for text in prose), f"{name}: KPI typed by hand: {kpi}"


def test_pages_that_say_plans_share_one_sla_are_still_right(policy):
    sharing = [
        n for n, p in PAGES.items() if re.search(r"share (the same|one) default SLA", p.text)
    ]
    if sharing:
        assert len({plan.sla for plan in policy.plans.values()}) == 1, (
            f"the policy gives the plans different SLAs, but {sharing} say they share one"
        )
