"""The real handbook, built strictly once per test session, and its HTML checked.

The build is ``make check``'s: ``sphinx-build -M html handbook OUT -n -W --keep-going -E`` run by
the virtual environment's ``sphinx-build`` on a copy of handbook/ and policy/ (so concurrent
edits cannot change the sources mid-build). Every test reads the one build.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pytest
from bs4 import BeautifulSoup, Comment

from generlate_handbook import lint
from generlate_handbook.policy.load import load_policy

pytestmark = pytest.mark.build  # pyproject: "builds a Sphinx project (slower)"

REPO = Path(__file__).resolve().parent.parent
HANDBOOK = REPO / "handbook"
SKIPPED_DIRS = {"_build", "_links"}  # conf.py's exclude_patterns that hold files

# What the policy extension generates (all of it carries a class of its own, except the
# support-hours intro paragraph: see strip_generated).
GENERATED = "span.policy-value, table.policy-table, ul.policy-list"
ROLE = re.compile(r"\{policy\}`[^`]*`")


def clean_env() -> dict[str, str]:
    """The environment without HANDBOOK_* overrides (the build uses conf.py's defaults), and
    without colour, which Sphinx turns on when CI=true."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("HANDBOOK_")}
    env.pop("FORCE_COLOR", None)
    return {**env, "NO_COLOR": "1"}


def source_pages() -> dict[str, Path]:
    """docname -> source file, for every handbook/**/*.md Sphinx reads."""
    pages = {}
    for path in sorted(HANDBOOK.rglob("*.md")):
        relative = path.relative_to(HANDBOOK)
        if SKIPPED_DIRS.isdisjoint(relative.parts):
            pages[relative.with_suffix("").as_posix()] = path
    return pages


def sphinx_build() -> list[str]:
    script = Path(sys.executable).parent / "sphinx-build"
    return [str(script)] if script.exists() else [sys.executable, "-m", "sphinx"]


@dataclass(frozen=True)
class Site:
    root: Path  # the copy's folder: handbook/, policy/, _build/
    returncode: int
    stdout: str
    stderr: str

    @property
    def html_dir(self) -> Path:
        return self.root / "_build" / "html"

    def raw(self, docname: str) -> str:
        return (self.html_dir / f"{docname}.html").read_text("utf-8")

    def page(self, docname: str) -> BeautifulSoup:
        return BeautifulSoup(self.raw(docname), "html.parser")

    def built_pages(self) -> set[str]:
        return {
            path.relative_to(self.html_dir).with_suffix("").as_posix()
            for path in self.html_dir.rglob("*.html")
            if not {"_static", "_sources"} & set(path.relative_to(self.html_dir).parts)
        } - {"genindex", "search"}


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Site:
    root = tmp_path_factory.mktemp("handbook-build")
    shutil.copytree(HANDBOOK, root / "handbook", ignore=shutil.ignore_patterns("_build"))
    shutil.copytree(REPO / "policy", root / "policy")
    command = [
        *sphinx_build(),
        *("-M", "html", "handbook", "_build"),
        *("-n", "-W", "--keep-going", "-E"),
    ]
    result = subprocess.run(
        command,
        cwd=root,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return Site(root, result.returncode, result.stdout, result.stderr)


def is_comment(text: object) -> bool:
    return isinstance(text, Comment)


def text_of(element: object) -> str:
    return " ".join(element.get_text(" ").split())  # type: ignore[attr-defined]


def article(soup: BeautifulSoup) -> BeautifulSoup:
    found = soup.select_one("article.bd-article")
    assert found is not None, "no article in the page"
    return found


PAGES = sorted(source_pages())


# --- The build ---------------------------------------------------------------------------------


def test_strict_build_succeeds_without_a_single_warning(site):
    assert site.stderr == "", site.stderr
    assert site.returncode == 0
    lines = site.stdout.splitlines()
    assert "build succeeded." in lines, site.stdout[-2000:]  # not "build succeeded, 1 warning."
    assert not re.search(r"WARNING:|ERROR:|\d+ warnings?\b", site.stdout), site.stdout[-2000:]
    # -E: every page was read, in this build.
    assert f"updating environment: [new config] {len(PAGES)} added" in site.stdout


def test_every_page_produced_an_html_page(site):
    assert site.built_pages() == set(PAGES)


@pytest.mark.parametrize("docname", PAGES)
def test_page_title_is_the_sources_heading(site, docname):
    source = source_pages()[docname].read_text("utf-8")
    heading = next(line[2:].strip() for line in source.splitlines() if line.startswith("# "))
    h1 = article(site.page(docname)).find("h1")
    for link in h1.select("a.headerlink"):
        link.decompose()
    assert text_of(h1) == heading


# --- No stray text -----------------------------------------------------------------------------


@pytest.mark.parametrize("docname", PAGES)
def test_the_page_body_has_no_html_comment(site, docname):
    """A raw HTML comment in a source would land in the article (the theme's own comments are
    outside it, and are the theme's business)."""
    body = article(site.page(docname))
    assert body.find_all(string=is_comment) == []
    assert not lint.html_comments_in(str(body))


@pytest.mark.parametrize("docname", PAGES)
def test_no_editor_notes(site, docname):
    body = article(site.page(docname))
    assert lint.editor_notes_in(text_of(body)) == [], docname


# --- Policy values -----------------------------------------------------------------------------


@pytest.mark.parametrize("docname", PAGES)
def test_every_policy_role_rendered_a_value(site, docname):
    source = source_pages()[docname].read_text("utf-8")
    roles = [
        role
        for line in source.splitlines()
        if not line.lstrip().startswith("%")  # MyST comments
        for role in ROLE.findall(line)
    ]
    body = article(site.page(docname))
    spans = body.select("span.policy-value")
    assert len(spans) == len(roles), docname
    assert all(text_of(span) for span in spans), f"{docname}: an empty policy value"
    assert body.select(".policy-missing, .problematic, .system-message") == []


def strip_generated(soup: BeautifulSoup) -> None:
    """Remove everything the policy extension generated, in place."""
    for table in soup.select("table.support-hours"):
        # support-hours emits [intro paragraph, table]; the intro has no class of its own.
        wrapper = (
            table.parent if "pst-scrollable-table-container" in table.parent["class"] else table
        )
        intro = wrapper.find_previous_sibling()
        name = text_of(table.select_one("caption .caption-text")).split(" in ")[0]
        assert intro.name == "p" and text_of(intro).startswith(f"{name}: "), intro
        intro.decompose()
    for element in soup.select(GENERATED):
        element.decompose()


@pytest.fixture(scope="session")
def figures(site) -> set[str]:
    """Every policy figure the site shows: role values and generated cells with a digit in."""
    found = set()
    for docname in PAGES:
        for element in site.page(docname).select("span.policy-value, table.policy-table td"):
            text = text_of(element)
            if re.search(r"\d", text):
                found.add(text)
    assert {"99.5%", "2 hours", "24 hours", "3 hours 36 minutes", "56%"} <= found
    return found


@pytest.fixture(scope="session")
def policy_figures():
    return lint.policy_figures(load_policy(REPO / "policy"))


@pytest.mark.parametrize("docname", PAGES)
def test_no_hand_typed_policy_figure(site, figures, policy_figures, docname):
    soup = site.page(docname)
    strip_generated(soup)
    # The lint's rule, on the text readers see once the generated elements are gone.
    prose = text_of(article(soup))
    assert lint.figures_in(prose, policy_figures) == {}, docname
    # Nor does any rendered figure appear anywhere else (head, navigation, attributes, scripts).
    rest = str(soup)
    for figure in figures:
        assert figure not in rest, f"{docname}: {figure!r} outside the generated elements"


# --- The SLA page ------------------------------------------------------------------------------


def test_each_plans_sla_table_is_in_its_own_tab_with_its_anchors(site):
    policy = load_policy(REPO / "policy")
    soup = site.page("customer-support/slas")
    (tab_set,) = soup.select("div.sd-tab-set")
    labels = [text_of(label) for label in tab_set.select("label.sd-tab-label")]
    assert labels == [plan.name for plan in policy.plans.values()]
    for plan_id, content in zip(policy.plans, tab_set.select("div.sd-tab-content"), strict=True):
        (table,) = content.select("table.sla-table")
        assert [row["id"] for row in table.select("tbody tr")] == [
            f"sla-{plan_id}-{severity}" for severity in policy.severities
        ]
        budget = content.select(f"table#availability-{plan_id}")
        assert len(budget) == (policy.plans[plan_id].availability is not None)
    for schedule_id in ("working-hours", "support-window"):  # the page's :schedules:
        assert len(soup.select(f"table#hours-{schedule_id}")) == 1


def test_sla_page_examples_are_computed(site):
    table = site.page("customer-support/slas").select_one("table.sla-examples")
    last = [text_of(cell) for cell in table.select("tbody tr")[-1].select("td")]
    assert last[2] == "Wed 4 Nov 2026, 16:00 PST Thu 5 Nov, 00:00 UTC"


def test_kpis_are_listed_from_the_policy(site):
    (bullets,) = site.page("customer-support/success").select("ul.policy-list")
    kpis = load_policy(REPO / "policy").kpis
    assert [text_of(item) for item in bullets.select("li")] == [" ".join(k.split()) for k in kpis]


# --- Theme -------------------------------------------------------------------------------------


@pytest.mark.parametrize("docname", PAGES)
def test_site_title_and_logo_say_generlate_support(site, docname):
    soup = site.page(docname)
    assert text_of(soup.select_one(".navbar-brand .logo__title")) == "Generlate Support"
    assert text_of(soup.title).endswith("— Generlate Support")


@pytest.mark.parametrize("docname", PAGES)
def test_edit_link_points_at_the_pages_source(site, docname):
    """The build ran without HANDBOOK_* overrides: conf.py's defaults name the repository."""
    (link,) = site.page(docname).select(".editthispage a")
    path = PurePosixPath("handbook", f"{docname}.md")
    assert (REPO / path).is_file()
    assert link["href"] == f"https://github.com/generlate/support-handbook/edit/main/{path}"
