"""What a published page carries: owner, review-by and last-updated (from git), redirects, the
404 page, canonical URLs and the sitemap.

Small handbooks are built here in a git repository made for the test (commits with chosen
dates), and outside any repository; the real handbook is built once from the repository.
"""

from __future__ import annotations

import json
import os
import re
import runpy
import shutil
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path
from unittest import mock

import pytest
from bs4 import BeautifulSoup

from generlate_handbook.links.diagnostics import hint, parse_warnings
from generlate_handbook.publishing.redirects import parse_redirects, resolve, valid_path

pytestmark = pytest.mark.build

REPO = Path(__file__).resolve().parent.parent
HANDBOOK = REPO / "handbook"
POLICY_USE = re.compile(
    r"\{(policy|sla-table|support-hours|availability-budget|sla-examples|policy-list|policy-history)\}"
)

CONF = """
extensions = ["myst_parser", "generlate_handbook.publishing.sphinxext", "notfound.extension",
              "sphinx_sitemap"]
source_suffix = {".md": "markdown"}
exclude_patterns = ["_build"]
html_theme = "pydata_sphinx_theme"
html_theme_options = {"article_footer_items": ["page-meta.html"]}
html_baseurl = "https://docs.example.com/handbook/"
html_last_updated_fmt = "%Y-%m-%d"
git_last_updated_timezone = "UTC"
sitemap_url_scheme = "{link}"
notfound_urls_prefix = "/handbook/"
"""


def front(owner: str = '"@generlate/support"', review: str = "2027-01-31") -> str:
    return f"---\nowner: {owner}\nreview-by: {review}\n---\n\n"


PAGES = {
    "conf.py": CONF,
    "index.md": front() + "# Home\n\n```{toctree}\nrates\nguide/index\n```\n",
    "rates.md": front('["@ada", "@generlate/billing"]')
    + "# Rates\n\n```{literalinclude} ../data/rates.yaml\n```\n",
    "guide/index.md": front() + "# Guide\n\nSee [rates](../rates.md).\n",
}


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text) if name != "conf.py" else text, encoding="utf-8")


def git(root: Path, *args: str, when: str | None = None) -> str:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(root),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.com",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.com",
    }
    if when:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = when
    result = subprocess.run(
        ["git", *args], cwd=root, env=env, capture_output=True, text=True, check=True, timeout=60
    )
    return result.stdout


def build(src: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HANDBOOK_", "READTHEDOCS"))}
    env["NO_COLOR"] = "1"
    env.pop("FORCE_COLOR", None)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-M",
            "html",
            str(src),
            str(out),
            "-n",
            "-W",
            "--keep-going",
            "-E",
            "-q",
            *extra,
        ],
        cwd=src,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def meta(html: Path) -> dict[str, str]:
    """The page-meta block as {label: value}."""
    soup = BeautifulSoup(html.read_text("utf-8"), "html.parser")
    block = soup.select_one("section.handbook-page-meta")
    assert block is not None, f"no page-meta block in {html}"
    return {
        dt.get_text(strip=True): " ".join(dt.find_next_sibling("dd").get_text(" ").split())
        for dt in block.select("dt")
    }


@pytest.fixture(scope="module")
def git_handbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small handbook in its own git repository: pages on 10 Jan, the data file on 5 Mar."""
    root = tmp_path_factory.mktemp("git-handbook")
    git(root, "init", "-q", "-b", "main")
    write(root / "handbook", PAGES)
    write(root / "data", {"rates.yaml": "rate: 1\n"})
    git(root, "add", "handbook")
    git(root, "commit", "-q", "-m", "pages", when="2026-01-10T12:00:00+00:00")
    git(root, "add", "data")
    git(root, "commit", "-q", "-m", "data", when="2026-03-05T12:00:00+00:00")
    return root


# --- Last updated, owner, review-by -------------------------------------------------------------


def test_each_page_shows_owner_review_by_and_last_updated_from_git(git_handbook, tmp_path):
    result = build(git_handbook / "handbook", tmp_path)
    assert result.returncode == 0, result.stderr
    html = tmp_path / "html"
    assert meta(html / "index.html") == {
        "Owner": "@generlate/support",
        "Review by": "2027-01-31",
        "Last updated": "2026-01-10",
    }
    # The page renders the data file, changed after the page: the newer date counts.
    assert meta(html / "rates.html") == {
        "Owner": "@ada, @generlate/billing",
        "Review by": "2027-01-31",
        "Last updated": "2026-03-05",
    }
    assert meta(html / "guide/index.html")["Last updated"] == "2026-01-10"


def test_a_page_not_committed_yet_says_so(git_handbook, tmp_path):
    new = git_handbook / "handbook" / "new.md"
    new.write_text(front() + "# New\n", encoding="utf-8")
    index = git_handbook / "handbook" / "index.md"
    original = index.read_text("utf-8")
    index.write_text(original.replace("rates\n", "rates\nnew\n"), encoding="utf-8")
    try:
        result = build(git_handbook / "handbook", tmp_path)
    finally:
        new.unlink()
        index.write_text(original, encoding="utf-8")
    assert result.returncode == 0, result.stderr
    assert meta(tmp_path / "html" / "new.html")["Last updated"] == "not committed yet"


def test_outside_a_git_checkout_the_build_succeeds_and_the_date_is_unknown(git_handbook, tmp_path):
    tarball = tmp_path / "unpacked"
    shutil.copytree(git_handbook / "handbook", tarball / "handbook")
    shutil.copytree(git_handbook / "data", tarball / "data")
    result = build(tarball / "handbook", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    shown = meta(tmp_path / "out" / "html" / "rates.html")
    assert shown["Last updated"] == "unknown: built outside a git checkout"
    assert shown["Owner"] == "@ada, @generlate/billing"


def test_a_shallow_clone_says_so_and_fails_the_strict_build_with_a_hint(git_handbook, tmp_path):
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{git_handbook}", str(clone))
    warnings_file = tmp_path / "warnings.txt"
    strict = build(clone / "handbook", tmp_path / "strict", "--warning-file", str(warnings_file))
    assert strict.returncode == 1
    shallow = [
        d
        for d in parse_warnings(warnings_file.read_text("utf-8"), tmp_path)
        if d.kind == "git.too_shallow"
    ]
    assert {d.path for d in shallow} >= {"clone/handbook/index.md"}
    assert "git fetch --unshallow" in hint(shallow[0])
    relaxed = subprocess.run(
        [sys.executable, "-m", "sphinx", "-M", "html", "handbook", str(tmp_path / "out"), "-q"],
        cwd=clone,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert relaxed.returncode == 0, relaxed.stderr
    shown = meta(tmp_path / "out" / "html" / "index.html")["Last updated"]
    assert shown == "unknown: the git clone is too shallow (git fetch --unshallow)"


def test_a_page_without_front_matter_still_builds_and_says_not_set(tmp_path):
    write(tmp_path / "src", {"conf.py": CONF, "index.md": "# Home\n"})
    result = build(tmp_path / "src", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    shown = meta(tmp_path / "out" / "html" / "index.html")
    assert shown["Owner"] == "not set" and shown["Review by"] == "not set"


@pytest.fixture(scope="module")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real handbook built from the repository (a git checkout)."""
    out = tmp_path_factory.mktemp("real")
    result = build(HANDBOOK, out)
    assert result.returncode == 0, result.stderr
    return out / "html"


def last_change(path: Path) -> str:
    """The date (UTC) of the newest commit that changed ``path``, as git orders them."""
    stamp = subprocess.run(
        ["git", "log", "-1", "--author-date-order", "--format=%at", "--", str(path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    return datetime.fromtimestamp(int(stamp), UTC).date().isoformat()


def real_pages() -> list[str]:
    return sorted(
        p.relative_to(HANDBOOK).with_suffix("").as_posix()
        for p in HANDBOOK.rglob("*.md")
        if not any(part.startswith("_") for part in p.relative_to(HANDBOOK).parts)
    )


@pytest.mark.parametrize("docname", real_pages())
def test_real_pages_show_their_last_change_counting_the_policy(real_site, docname):
    if not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    source = HANDBOOK / f"{docname}.md"
    expected = last_change(source)
    if POLICY_USE.search(source.read_text("utf-8")):
        expected = max(expected, last_change(REPO / "policy" / "support.yaml"))
    shown = meta(real_site / f"{docname}.html")
    assert shown["Last updated"] == expected
    assert shown["Owner"].startswith("@")
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", shown["Review by"])


# --- Canonical URLs, sitemap, 404 --------------------------------------------------------------


def test_canonical_urls_and_sitemap_follow_html_baseurl(real_site):
    soup = BeautifulSoup(
        (real_site / "customer-support/slas.html").read_text("utf-8"), "html.parser"
    )
    canonical = soup.select_one('link[rel="canonical"]')["href"]
    assert canonical == "https://handbook.generlate.com/customer-support/slas.html"
    sitemap = (real_site / "sitemap.xml").read_text("utf-8")
    locs = re.findall(r"<loc>([^<]*)</loc>", sitemap)
    assert "https://handbook.generlate.com/customer-support/slas.html" in locs
    assert len(locs) == len(real_pages())
    assert not [
        loc for loc in locs if re.search(r"(404|search|genindex|customer-support)\.html$", loc)
    ]


@pytest.mark.parametrize(
    ("env", "prefix"),
    [
        ({}, "/"),
        (
            {"HANDBOOK_BASEURL": "https://generlate.github.io/support-handbook"},
            "/support-handbook/",
        ),
        ({"READTHEDOCS_CANONICAL_URL": "https://h--12.org.readthedocs.build/en/12/"}, "/en/12/"),
    ],
)
def test_one_setting_places_the_site(env, prefix):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("HANDBOOK_", "READTHEDOCS"))}
    with mock.patch.dict(os.environ, {**clean, **env}, clear=True):
        conf = runpy.run_path(str(HANDBOOK / "conf.py"))
    assert conf["notfound_urls_prefix"] == prefix
    assert conf["html_baseurl"].endswith(prefix)


def test_404_page_links_are_absolute_under_the_site_path(git_handbook, tmp_path):
    result = build(git_handbook / "handbook", tmp_path)
    assert result.returncode == 0, result.stderr
    soup = BeautifulSoup((tmp_path / "html" / "404.html").read_text("utf-8"), "html.parser")
    body = soup.select_one("#page-not-found")
    assert body.select_one("h1").get_text() == "Page not found"
    links = {a.get_text(strip=True): a["href"] for a in body.select("a")}
    assert links == {
        "Go to the handbook's home page": "/handbook/index.html",
        "Search the handbook": "/handbook/search.html",
    }
    assert body.select_one("form")["action"] == "/handbook/search.html"
    styles = [link["href"] for link in soup.select('link[rel="stylesheet"]')]
    assert styles and all(href.startswith("/handbook/_static/") for href in styles)


# --- Redirects ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("old.md", "expected two paths"),
        ("old.md new.md extra.md", "expected two paths"),
        ("../outside.md new.md", "'../outside.md' is not a page path"),
        ("old.md ../../etc/passwd.md", "is not a page path"),
        ("/abs.md new.md", "'/abs.md' is not a page path"),
        ("old.html new.md", "'old.html' is not a page path"),
        ("old.md 'quoted'.md", "is not a page path"),
        ("same.md same.md", "same.md redirects to itself"),
        ("search.md index.md", "search.md is a page or folder the build makes itself"),
        ("404.md index.md", "404.md is a page or folder the build makes itself"),
        ("_static/pwn.md index.md", "_static/pwn.md is a page or folder the build makes itself"),
    ],
)
def test_bad_redirect_line_is_located(line, problem):
    accepted, problems = parse_redirects(f"# comment\n\n{line}\n")
    assert accepted == []
    assert [(n, m) for n, m in problems if problem in m] == [(3, problems[0][1])]


def test_redirect_chains_resolve_and_circles_and_dead_ends_are_refused():
    text = "a.md b.md\nb.md c.md  # moved again\nx.md y.md\ny.md x.md\nd.md e.md\nc.md f.md\n"
    redirects, problems = parse_redirects(text)
    assert problems == []
    accepted, problems = resolve(redirects, {"c", "index"})
    assert {(r.old, r.new) for r in accepted} == {("a.md", "c.md"), ("b.md", "c.md")}
    assert problems == [
        (3, "redirects in a circle: x.md -> y.md"),
        (4, "redirects in a circle: y.md -> x.md"),
        (5, "e.md does not exist: no page to send readers to; fix the new path"),
        (6, "c.md is still a page, so its URL cannot redirect; remove the page or this line"),
    ]
    duplicate = parse_redirects("a.md b.md\na.md c.md\n")[1]
    assert duplicate == [(2, "a.md is already redirected on line 1")]


@pytest.mark.parametrize(
    ("path", "ok"), [("a/b-c_d.md", True), ("a/../b.md", False), ("a b.md", False), ("a.MD", False)]
)
def test_redirect_paths(path, ok):
    assert valid_path(path) is ok


REDIRECTS = """\
# old page path, new page path
rates-2025.md rates.md
guide/old.md guide/index.md
gone.md nowhere.md
rates.md index.md
"""


def test_redirect_pages_and_links_to_old_paths(git_handbook, tmp_path):
    src = tmp_path / "src"
    shutil.copytree(git_handbook / "handbook", src)
    shutil.copytree(git_handbook / "data", tmp_path / "data")
    (src / "_redirects.txt").write_text(REDIRECTS, encoding="utf-8")
    guide = src / "guide" / "index.md"
    guide.write_text(guide.read_text("utf-8") + "\nOld: [old rates](../rates-2025.md).\n", "utf-8")
    warnings_file = tmp_path / "warnings.txt"
    result = build(src, tmp_path / "out", "--warning-file", str(warnings_file))
    assert result.returncode == 1
    found = sorted(
        (d.path, d.line, d.kind, d.message)
        for d in parse_warnings(warnings_file.read_text("utf-8"), tmp_path)
    )
    assert found == [
        (
            "src/_redirects.txt",
            4,
            "redirects.file",
            "nowhere.md does not exist: no page to send readers to; fix the new path",
        ),
        (
            "src/_redirects.txt",
            5,
            "redirects.file",
            "rates.md is still a page, so its URL cannot redirect; remove the page or this line",
        ),
        (
            "src/guide/index.md",
            10,
            "redirects.moved_link",
            "link to a moved page: rates-2025.md is now rates.md; link to ../rates.md",
        ),
    ]
    diagnostics = parse_warnings(warnings_file.read_text("utf-8"), tmp_path)
    (moved,) = [d for d in diagnostics if d.kind == "redirects.moved_link"]
    assert "link to the new path" in hint(moved)
    html = tmp_path / "out" / "html"
    # The accepted lines became redirect pages; the link was resolved to the new page.
    redirect = (html / "rates-2025.html").read_text("utf-8")
    assert 'content="0; url=rates.html"' in redirect
    assert 'window.location.replace("rates.html"' in redirect
    assert 'href="index.html"' in (html / "guide" / "old.html").read_text("utf-8")
    assert not (html / "gone.html").exists()
    assert "This page has moved" not in (html / "rates.html").read_text("utf-8")
    guide_html = BeautifulSoup((html / "guide" / "index.html").read_text("utf-8"), "html.parser")
    assert guide_html.find("a", string="old rates")["href"] == "../rates.html"
    assert json.loads((html / "_rediraffe_redirected.json").read_text("utf-8")) == {
        "rates-2025.md": "rates.md",
        "guide/old.md": "guide/index.md",
    }
