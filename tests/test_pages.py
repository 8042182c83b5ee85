"""Source-level checks of the handbook pages: structure, navigation, links and policy figures.

These read handbook/**/*.md directly, so they run in milliseconds and need neither a Sphinx build
nor the policy extension. The strict build (`make check`) checks the same links again, resolved.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

import pytest
from ruamel.yaml import YAML

try:  # myst-parser >= 5.2
    from myst_parser.slugs import github_slugify as slugify
except ImportError:  # pragma: no cover - older myst-parser
    from mdit_py_plugins.anchors.index import slugify

REPO = Path(__file__).resolve().parent.parent
HANDBOOK = REPO / "handbook"
POLICY = REPO / "policy" / "support.yaml"

# Every published page (docname, as Sphinx names it), and nothing else.
EXPECTED_PAGES = {
    "index",
    "customer-support/index",
    "customer-support/ethos",
    "customer-support/team",
    "customer-support/success",
    "customer-support/other-teams",
    "customer-support/practices",
    "customer-support/slas",
    "customer-support/policy-changes",
    "customer-support/zendesk",
    "customer-support/team-schedule",
    "customer-support/triaging",
    "customer-support/customer-exceptions",
    "customer-support/engaging-other-teams",
    "customer-support/tools",
}

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

FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
LINK = re.compile(r"\[(?P<text>[^\]]*)\]\((?P<target>[^)\s]+)\)")
TOCTREE = re.compile(
    r"^(?P<fence>`{3,}|:{3,})\{toctree\}[^\n]*\n(?P<body>.*?)^(?P=fence)\s*$", re.M | re.S
)
ROLE = re.compile(r"\{policy\}`[^`]*`")
DIRECTIVE_LINE = re.compile(r"^\s*(`{3,}|:{3,})(\{[\w-]+\}.*)?$")
OPTION_LINE = re.compile(r"^\s*:[\w-]+:")
ORDERED_ITEM = re.compile(r"^(\s*)\d+\.\s")


def docname(path: Path) -> str:
    return path.relative_to(HANDBOOK).with_suffix("").as_posix()


def page_path(name: str) -> Path:
    return HANDBOOK / f"{name}.md"


PAGES = {docname(p): p.read_text(encoding="utf-8") for p in sorted(HANDBOOK.rglob("*.md"))}


def prose_lines(text: str) -> Iterator[tuple[int, str]]:
    """(line number, line) for every line outside fenced code and directive blocks."""
    fence = None
    for number, line in enumerate(text.splitlines(), start=1):
        match = FENCE.match(line)
        if fence is None and match:
            fence = match.group(1)
        elif fence is not None and line.strip() == fence:
            fence = None
        elif fence is None:
            yield number, line


def headings(text: str) -> list[tuple[int, int, str]]:
    """(line number, level, title) of every ATX heading outside fenced blocks."""
    found = []
    for number, line in prose_lines(text):
        match = HEADING.match(line)
        if match:
            found.append((number, len(match.group(1)), match.group(2)))
    return found


def toctree_entries(name: str) -> list[str]:
    """The docnames listed by the toctree directives of one page, resolved to docnames."""
    entries = []
    base = PurePosixPath(name).parent
    for match in TOCTREE.finditer(PAGES[name]):
        for line in match.group("body").splitlines():
            entry = line.strip()
            if not entry or entry.startswith(":"):
                continue
            explicit = re.search(r"<([^>]+)>$", entry)
            target = explicit.group(1) if explicit else entry
            target = target.removesuffix(".md")
            if target.startswith("/"):
                entries.append(target.lstrip("/"))
            else:
                entries.append((base / target).as_posix())
    return entries


def reachable_from_root() -> set[str]:
    seen, todo = set(), ["index"]
    while todo:
        name = todo.pop()
        if name in seen or name not in PAGES:
            continue
        seen.add(name)
        todo.extend(toctree_entries(name))
    return seen


def links(name: str) -> Iterator[tuple[str, str]]:
    """(text, target) of every Markdown link on a page, in prose."""
    prose = "\n".join(line for _, line in prose_lines(PAGES[name]))
    for match in LINK.finditer(prose):
        yield match.group("text"), match.group("target")


def slugs(name: str) -> set[str]:
    return {slugify(title) for _, level, title in headings(PAGES[name]) if level <= 4}


def policy() -> dict:
    return YAML(typ="safe").load(POLICY.read_text(encoding="utf-8"))


# --- Pages and navigation ----------------------------------------------------------------------


def test_exactly_the_expected_pages_exist():
    assert set(PAGES) == EXPECTED_PAGES


def test_every_page_is_reachable_from_the_root_toctree():
    assert reachable_from_root() == EXPECTED_PAGES


def test_toctrees_list_only_existing_pages():
    for name in PAGES:
        for entry in toctree_entries(name):
            assert entry in PAGES, f"{name}: toctree lists {entry}, which does not exist"


def test_customer_support_landing_page_lists_the_section_pages():
    assert toctree_entries("customer-support/index") == [
        f"customer-support/{page}"
        for page in (
            "ethos",
            "team",
            "success",
            "other-teams",
            "practices",
            "slas",
            "policy-changes",
            "zendesk",
        )
    ]
    assert ":maxdepth: 2" in PAGES["customer-support/index"]


def test_root_page_is_the_support_landing_page():
    assert headings(PAGES["index"])[0][1:] == (1, "Generlate Support")
    assert toctree_entries("index") == ["customer-support/index"]
    # The seed's empty Legal and Internal security headings are not published.
    for name, text in PAGES.items():
        assert not re.search(r"\b(Legal|Internal security)\b", text), name


# --- Page sources ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(EXPECTED_PAGES))
def test_no_raw_html_comment(name):
    assert "<!--" not in PAGES[name], f"{name}: raw HTML comment; use a MyST comment (% note)"


@pytest.mark.parametrize("name", sorted(EXPECTED_PAGES))
def test_one_h1_first_and_consecutive_heading_levels(name):
    found = headings(PAGES[name])
    assert found, f"{name} has no heading"
    assert found[0][1] == 1, f"{name} does not start with a '# Title'"
    assert [level for _, level, _ in found].count(1) == 1, f"{name} has more than one H1"
    for (_, before, _), (line, level, title) in itertools.pairwise(found):
        assert level <= before + 1, f"{name}:{line}: '{title}' jumps from H{before} to H{level}"


@pytest.mark.parametrize("name", sorted(EXPECTED_PAGES))
def test_no_seed_dead_target(name):
    text = PAGES[name].lower()
    for target in DEAD_TARGETS:
        assert target.lower() not in text, f"{name} still mentions {target}"


@pytest.mark.parametrize("name", sorted(EXPECTED_PAGES))
def test_internal_links_resolve_to_a_page_and_heading(name):
    for text, target in links(name):
        parts = urlsplit(target)
        if parts.scheme:
            continue
        path, _, anchor = target.partition("#")
        linked = (PurePosixPath(name).parent / path).as_posix() if path else name + ".md"
        linked = PurePosixPath(linked).as_posix().removesuffix(".md")
        # Normalise "a/../b" without touching the file system.
        stack: list[str] = []
        for part in linked.split("/"):
            if part == "..":
                assert stack, f"{name}: [{text}]({target}) leaves the handbook"
                stack.pop()
            elif part not in ("", "."):
                stack.append(part)
        linked = "/".join(stack)
        assert linked in PAGES, f"{name}: [{text}]({target}) points at a missing page"
        if anchor:
            assert anchor in slugs(linked), f"{name}: [{text}]({target}): no such heading"


@pytest.mark.parametrize("name", sorted(EXPECTED_PAGES))
def test_external_links_are_known_sign_in_hosts_and_say_so(name):
    prose = "\n".join(line for _, line in prose_lines(PAGES[name]))
    for match in LINK.finditer(prose):
        host = urlsplit(match.group("target")).hostname
        if host is None:
            continue
        assert host in SIGN_IN_HOSTS, f"{name}: link to an unexpected host {host}"
        after = " ".join(prose[match.end() :].split())
        assert after.startswith(SIGN_IN_MARK), f"{name}: {match.group(0)} lacks {SIGN_IN_MARK}"


def test_editor_notes_are_myst_comments_only():
    for name, text in PAGES.items():
        for number, line in prose_lines(text):
            if line.lstrip().startswith("%"):
                continue
            assert not re.search(r"\b(TODO|FIXME|missing link)\b", line, re.I), (
                f"{name}:{number}: editor note outside a MyST comment"
            )


# --- Policy figures ----------------------------------------------------------------------------


def hand_typed_prose(text: str) -> Iterator[tuple[int, str]]:
    """Prose with policy roles, link URLs, comments, directive lines and list numbers removed."""
    for number, line in prose_lines(text):
        if line.lstrip().startswith("%") or DIRECTIVE_LINE.match(line) or OPTION_LINE.match(line):
            continue
        line = ROLE.sub("", line)
        line = LINK.sub(lambda m: m.group("text"), line)
        line = ORDERED_ITEM.sub(r"\1", line)
        yield number, line


def banned_phrases() -> list[str]:
    """Policy figures in the words a writer would type them in."""
    data = policy()
    phrases = [*data["custom_agreements"]["plans"]]
    phrases += [schedule["zone"] for schedule in data["schedules"].values()]
    phrases += [r"\bPacific\b", r"\bPT\b", r"\bMonday\b", r"\bFriday\b", r"\bone week\b"]
    phrases += [r"\bbusiness week\b", r"\ba day\b", r"\bone hour\b", r"\bper cent\b"]
    return phrases


@pytest.mark.parametrize("name", sorted(EXPECTED_PAGES))
def test_no_hand_typed_policy_figure(name):
    phrases = banned_phrases()
    for number, line in hand_typed_prose(PAGES[name]):
        # Digits are figures; "P0" (an incident priority, not a policy value) is the one exception.
        digits = re.sub(r"\bP0\b", "", line)
        assert not re.search(r"\d", digits), f"{name}:{number}: hand-typed figure in {line!r}"
        for phrase in phrases:
            assert not re.search(phrase, line), f"{name}:{number}: {phrase} typed by hand"


def test_policy_roles_name_existing_keys():
    data = policy()
    for name, text in PAGES.items():
        for role in ROLE.findall(text):
            node = data
            for key in role.removeprefix("{policy}`").removesuffix("`").split("."):
                assert isinstance(node, dict) and key in node, f"{name}: no policy key {role}"
                node = node[key]


def test_sla_page_renders_both_plans_from_the_policy():
    text = PAGES["customer-support/slas"]
    for block in (
        "```{sla-table} self-hosted",
        "```{sla-table} managed",
        "```{availability-budget} managed",
        "```{sla-examples} self-hosted",
        "```{support-hours}",
        ":schedules: working-hours support-window",
        ":zones: UTC Europe/London",
        "::::{tab-set}",
        ":::{tab-item} Self-hosted",
        ":::{tab-item} Managed",
        ":sync: self-hosted",
        ":sync: managed",
        ":::{note}",
    ):
        assert block in text, f"SLA page lacks {block}"
    # The seed's hand-typed tables are gone.
    assert "| Severity" not in text and "|---" not in text.replace(" ", "")
    assert {"exclusions", "internal-slas", "worked-examples"} <= slugs("customer-support/slas")


def test_pages_that_say_plans_share_one_sla_are_still_right():
    plans = policy()["plans"]
    sharing = [n for n, t in PAGES.items() if re.search(r"share (the same|one) default SLA", t)]
    assert sharing, "no page says the plans share one SLA; drop this test"
    assert len({plan["sla"] for plan in plans.values()}) == 1, (
        f"the policy gives the plans different SLAs, but {sharing} say they share one"
    )


def test_kpis_come_from_the_policy():
    text = PAGES["customer-support/success"]
    assert "```{policy-list} kpis" in text
    for kpi in policy()["kpis"]:
        assert kpi not in text, f"KPI typed by hand: {kpi}"


def test_practices_page_lists_only_existing_practice_pages():
    entries = toctree_entries("customer-support/practices")
    assert entries == [
        f"customer-support/{page}"
        for page in (
            "team-schedule",
            "triaging",
            "customer-exceptions",
            "engaging-other-teams",
            "tools",
        )
    ]
