"""Page owners and review dates: the front matter reader, the page check and CODEOWNERS.

The check runs as ``make check`` runs it (``python -m generlate_handbook.publishing.check``), on
small handbooks written here, and on the real one.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest

from generlate_handbook.publishing import check
from generlate_handbook.publishing.codeowners import HEADER, render
from generlate_handbook.publishing.frontmatter import is_valid_owner, parse_page

REPO = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 27)
GOOD = '---\nowner: "@generlate/support"\nreview-by: 2027-01-31\n---\n\n# Page\n'


def page(front_matter: str) -> str:
    return f"---\n{textwrap.dedent(front_matter).strip()}\n---\n\n# Page\n\nText.\n"


# --- Reading front matter ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("front_matter", "owners", "review_by"),
    [
        (
            'owner: "@generlate/support"\nreview-by: 2027-01-31',
            ("@generlate/support",),
            "2027-01-31",
        ),
        ("owner: '@ada'\nreview-by: '2027-01-31'", ("@ada",), "2027-01-31"),
        ("owner: ada@generlate.com\nreview-by: 2027-01-31", ("ada@generlate.com",), "2027-01-31"),
        (
            'owner: ["@generlate/support", "@ada", "@ada"]\nreview-by: 2027-01-31',
            ("@generlate/support", "@ada"),
            "2027-01-31",
        ),
        (
            'orphan: true\nowner: "@ada"\nreview-by: 2027-01-31 10:00:00',
            ("@ada",),
            "2027-01-31",
        ),
    ],
)
def test_front_matter_is_read(front_matter, owners, review_by):
    info = parse_page(page(front_matter), "handbook/p.md")
    assert info.problems == ()
    assert info.owners == owners
    assert info.review_by == date.fromisoformat(review_by)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("# Page\n", 1, "no front matter, so no owner"),
        (page("review-by: 2027-01-31"), 1, "page has no owner"),
        (page('owner: ""\nreview-by: 2027-01-31'), 2, "page has no owner"),
        (page("owner: []\nreview-by: 2027-01-31"), 2, "page has no owner"),
        (page('owner: "@ada"'), 1, "page has no review-by date"),
        (page('owner: "@ada"\nreview-by: soon'), 3, "review-by: 'soon' is not a date"),
        (page('owner: "@ada"\nreview-by: 2027-02-30'), 3, "day is out of range for month"),
        (page("owner: support team\nreview-by: 2027-01-31"), 2, "'support team' is not a GitHub"),
        (page('owner: "@ada\\n* @mallory"\nreview-by: 2027-01-31'), 2, "is not a GitHub handle"),
        (page("owner: 42\nreview-by: 2027-01-31"), 2, "'42' is not a GitHub handle"),
        (page("owner: @ada\nreview-by: 2027-01-31"), 2, "front matter is not valid YAML"),
        (page('owner: "@ada"\nreview_by: 2027-01-31'), 3, "unknown key 'review_by'; did you mean"),
        (page('owners: "@ada"\nreview-by: 2027-01-31'), 2, "unknown key 'owners'; did you mean"),
        (page("- a list"), 2, "front matter must be a mapping"),
        ("---\nowner: '@ada'\n# Page\n", 1, "front matter not closed by '---'"),
    ],
)
def test_front_matter_problem_is_located(text, line, message):
    info = parse_page(text, "handbook/p.md")
    assert [(p.path, p.line) for p in info.problems if message in p.message] == [
        ("handbook/p.md", line)
    ], info.problems


def test_a_bare_at_sign_gets_a_hint_to_quote_it():
    (problem,) = parse_page(page("owner: @ada\nreview-by: 2027-01-31"), "p.md").problems
    assert "quote a handle" in problem.hint


@pytest.mark.parametrize(
    ("owner", "valid"),
    [
        ("@ada", True),
        ("@generlate/customer-support", True),
        ("ada.lovelace@generlate.com", True),
        ("ada", False),
        ("@", False),
        ("@ada/", False),
        ("@ada lovelace", False),
        ("@ada\n*", False),
        ("@-ada", False),
        ("@" + "a" * 40, False),
        ("<b>@ada</b>", False),
    ],
)
def test_owner_forms(owner, valid):
    assert is_valid_owner(owner) is valid


# --- The check (make check) --------------------------------------------------------------------


def write_handbook(root: Path, pages: dict[str, str]) -> Path:
    src = root / "handbook"
    for name, text in pages.items():
        path = src / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return src


def run_check(root: Path, *args: str) -> tuple[int, str]:
    result = subprocess.run(
        [sys.executable, "-m", "generlate_handbook.publishing.check", "handbook", *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO / "ext")},
    )
    return result.returncode, result.stdout + result.stderr


def test_check_passes_a_handbook_where_every_page_has_an_owner(tmp_path):
    write_handbook(tmp_path, {"index.md": GOOD, "a/b.md": GOOD, "_drafts/x.md": "# no owner"})
    status, out = run_check(tmp_path, "--today", "2026-11-27")
    assert status == 0, out
    assert "2 pages: each has an owner and a review-by date; none past review." in out


def test_removing_an_owner_fails_naming_the_page(tmp_path):
    write_handbook(
        tmp_path, {"index.md": GOOD, "billing/refunds.md": page("review-by: 2027-01-31")}
    )
    status, out = run_check(tmp_path, "--today", "2026-11-27")
    assert status == 1
    assert "handbook/billing/refunds.md:1: page has no owner" in out
    assert "hint: add 'owner:" in out
    assert "1 problem with page owners and review dates." in out
    assert "handbook/index.md" not in out


def test_overdue_pages_are_listed_as_warnings_by_default(tmp_path):
    late = page('owner: "@ada"\nreview-by: 2026-11-20')
    write_handbook(tmp_path, {"index.md": GOOD, "late.md": late})
    status, out = run_check(tmp_path, "--today", "2026-11-27")
    assert status == 0, out
    assert (
        "warning: handbook/late.md:3: review overdue: review-by 2026-11-20 passed 7 days ago "
        "(owner: @ada)"
    ) in out
    assert "1 past review (warnings)" in out


def test_overdue_pages_fail_with_the_setting(tmp_path):
    late = page('owner: "@ada"\nreview-by: 2026-11-26')
    write_handbook(tmp_path, {"index.md": GOOD, "late.md": late})
    status, out = run_check(tmp_path, "--today", "2026-11-27", "--overdue", "error")
    assert status == 1
    assert "handbook/late.md:3: review overdue: review-by 2026-11-26 passed 1 day ago" in out
    assert "warning:" not in out


def test_due_today_is_not_overdue(tmp_path):
    write_handbook(tmp_path, {"index.md": page('owner: "@ada"\nreview-by: 2026-11-27')})
    assert run_check(tmp_path, "--today", "2026-11-27", "--overdue", "error")[0] == 0


# --- CODEOWNERS --------------------------------------------------------------------------------


def test_codeowners_is_written_then_checked(tmp_path):
    two = page('owner: ["@generlate/support", "ada@generlate.com"]\nreview-by: 2027-01-31')
    write_handbook(tmp_path, {"index.md": GOOD, "a/b.md": two})
    codeowners = ".github/CODEOWNERS"
    status, out = run_check(tmp_path, "--codeowners", codeowners, "--write-codeowners")
    assert status == 0, out
    assert (tmp_path / codeowners).read_text("utf-8") == HEADER + (
        "\n/handbook/a/b.md @generlate/support ada@generlate.com\n"
        "/handbook/index.md @generlate/support\n"
    )
    assert run_check(tmp_path, "--codeowners", codeowners)[0] == 0

    # A page changes hands: the committed file is now out of date.
    write_handbook(tmp_path, {"index.md": GOOD.replace("@generlate/support", "@ada")})
    status, out = run_check(tmp_path, "--codeowners", codeowners)
    assert status == 1
    assert ".github/CODEOWNERS:6: out of date with the pages' front matter" in out
    assert "-/handbook/index.md @generlate/support" in out
    assert "+/handbook/index.md @ada" in out
    assert "hint: run `make codeowners`" in out


def test_missing_codeowners_fails(tmp_path):
    write_handbook(tmp_path, {"index.md": GOOD})
    status, out = run_check(tmp_path, "--codeowners", ".github/CODEOWNERS")
    assert status == 1
    assert ".github/CODEOWNERS:1: missing" in out


def test_a_page_path_codeowners_cannot_name_is_reported(tmp_path):
    write_handbook(tmp_path, {"index.md": GOOD, "my page.md": GOOD})
    status, out = run_check(tmp_path, "--codeowners", "CODEOWNERS", "--write-codeowners")
    assert status == 0  # writing never fails; checking does
    status, out = run_check(tmp_path, "--codeowners", "CODEOWNERS")
    assert status == 1
    assert "handbook/my page.md:1: the page's path has a space" in out
    assert "my page" not in (tmp_path / "CODEOWNERS").read_text("utf-8")


def test_render_orders_by_path_and_skips_pages_without_owners():
    pages = [
        parse_page(GOOD, "handbook/z.md"),
        parse_page(page("review-by: 2027-01-31"), "handbook/m.md"),
        parse_page(GOOD, "handbook/a.md"),
    ]
    body = render(pages).removeprefix(HEADER)
    assert body == "\n/handbook/a.md @generlate/support\n/handbook/z.md @generlate/support\n"


@pytest.mark.parametrize("argv", [["nowhere"], ["handbook", "--write-codeowners"]])
def test_bad_usage_exits_2(tmp_path, monkeypatch, argv):
    write_handbook(tmp_path, {"index.md": GOOD})
    monkeypatch.chdir(tmp_path)
    assert check.main(argv) == 2


# --- The real handbook -------------------------------------------------------------------------


def test_every_real_page_has_an_owner_and_codeowners_is_current():
    status, out = run_check(REPO, "--codeowners", ".github/CODEOWNERS")
    assert status == 0, out
    pages = check.find_pages(REPO / "handbook", REPO)
    assert len(pages) >= 13
    assert all(p.owners and p.review_by for p in pages)
