"""Owners and review dates: the page check ``make check`` runs, and ``make codeowners``.

Usage::

    python -m generlate_handbook.publishing.check SOURCEDIR [--codeowners FILE] [--write-codeowners]
                                             [--overdue {warn,error}] [--today YYYY-MM-DD]

Reads every page's front matter (``owner``, ``review-by``). Each problem is printed as
``handbook/page.md:LINE: message`` with a ``hint:`` line: a page without an owner or review-by
date, an owner CODEOWNERS would not accept, a date that is not a date. Pages past their
review-by date are listed as warnings, or as problems with ``--overdue error``. With
``--codeowners`` the file must equal the one generated from the front matter;
``--write-codeowners`` writes it instead. Exit status: 0 clean, 1 problems, 2 bad usage.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path

from generlate_handbook.links._cli import github_annotation
from generlate_handbook.publishing import is_page_path
from generlate_handbook.publishing.codeowners import render, unsafe_path
from generlate_handbook.publishing.frontmatter import PageInfo, PageProblem, read_page

#: How many lines of a CODEOWNERS difference are shown.
MAX_DIFF_LINES = 30


def find_pages(sourcedir: Path, root: Path) -> list[PageInfo]:
    """Every page below ``sourcedir``, its path shown relative to ``root``."""
    pages = []
    for path in sorted(sourcedir.rglob("*.md")):
        if not is_page_path(path.relative_to(sourcedir).parts) or not path.is_file():
            continue
        try:
            shown = path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            shown = path.as_posix()
        pages.append(read_page(path, shown))
    return pages


def overdue(pages: Sequence[PageInfo], today: date) -> list[PageProblem]:
    """A located line for each page whose review-by date has passed."""
    late = []
    for page in pages:
        if page.review_by is not None and page.review_by < today:
            days = (today - page.review_by).days
            owners = ", ".join(page.owners) or "no owner"
            late.append(
                PageProblem(
                    page.path,
                    page.review_line,
                    f"review overdue: review-by {page.review_by.isoformat()} passed {days} "
                    f"day{'s' if days != 1 else ''} ago (owner: {owners})",
                    "the owner reviews the page, then sets review-by to the next review date",
                )
            )
    return late


def codeowners_problems(pages: Sequence[PageInfo], file: Path, shown: str) -> list[PageProblem]:
    """Pages CODEOWNERS cannot list, and the file's difference from the generated one."""
    problems = [
        PageProblem(
            page.path,
            1,
            "the page's path has a space or a pattern character, so CODEOWNERS cannot name it",
            "rename the file: letters, digits, '-', '_' and '.' only",
        )
        for page in pages
        if unsafe_path(page.path)
    ]
    expected = render(pages)
    try:
        actual = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        actual = None
    except (OSError, UnicodeDecodeError) as exc:
        return [*problems, PageProblem(shown, 1, f"cannot read it: {exc}")]
    if actual is None:
        problems.append(
            PageProblem(shown, 1, "missing", "run `make codeowners` and commit the file")
        )
    elif actual != expected:
        diff = list(
            difflib.unified_diff(
                actual.splitlines(), expected.splitlines(), "committed", "generated", lineterm=""
            )
        )
        shown_diff = "\n".join(f"      {line}" for line in diff[2 : 2 + MAX_DIFF_LINES])
        first = _first_difference(actual, expected)
        problems.append(
            PageProblem(
                shown,
                first,
                "out of date with the pages' front matter (- committed, + generated):\n"
                + shown_diff,
                "run `make codeowners` and commit the file; never edit it by hand",
            )
        )
    return problems


def _first_difference(actual: str, expected: str) -> int:
    for number, (a, b) in enumerate(
        zip(actual.splitlines(), expected.splitlines(), strict=False), start=1
    ):
        if a != b:
            return number
    return min(len(actual.splitlines()), len(expected.splitlines())) + 1


def _parse(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m generlate_handbook.publishing.check",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
    )
    parser.add_argument("sourcedir", type=Path, help="the handbook's source folder")
    parser.add_argument("--codeowners", type=Path, help="the CODEOWNERS file to compare")
    parser.add_argument(
        "--write-codeowners", action="store_true", help="write --codeowners instead of comparing"
    )
    parser.add_argument(
        "--overdue",
        choices=("warn", "error"),
        default="warn",
        help="pages past their review-by date: listed as warnings (default) or problems",
    )
    parser.add_argument("--today", type=date.fromisoformat, help="today's date (default: UTC)")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="paths shown relative to")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the check; return the exit status."""
    args = _parse(sys.argv[1:] if argv is None else argv)
    if not args.sourcedir.is_dir():
        print(f"{args.sourcedir}: no such folder", file=sys.stderr)
        return 2
    if args.write_codeowners and args.codeowners is None:
        print("--write-codeowners needs --codeowners FILE", file=sys.stderr)
        return 2
    pages = find_pages(args.sourcedir, args.root)
    problems = [problem for page in pages for problem in page.problems]
    if args.codeowners is not None:
        shown = _shown(args.codeowners, args.root)
        if args.write_codeowners:
            args.codeowners.parent.mkdir(parents=True, exist_ok=True)
            args.codeowners.write_text(render(pages), encoding="utf-8")
            print(f"wrote {shown}: {sum(1 for page in pages if page.owners)} pages")
        else:
            problems += codeowners_problems(pages, args.codeowners, shown)
    today = args.today or datetime.now(UTC).date()
    late = overdue(pages, today)
    if args.overdue == "error":
        problems += late
    else:
        for item in sorted(late):
            print(f"warning: {item}")
    for problem in sorted(problems):
        print(problem)
        annotation = github_annotation(
            f"{problem.path}:{problem.line}", problem.message, "page owners"
        )
        if annotation:
            print(annotation)
    if problems:
        noun = "problem" if len(problems) == 1 else "problems"
        print(f"\n{len(problems)} {noun} with page owners and review dates.")
        return 1
    print(
        f"{len(pages)} pages: each has an owner and a review-by date"
        + (f"; {len(late)} past review (warnings)." if late else "; none past review.")
    )
    return 0


def _shown(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


if __name__ == "__main__":
    sys.exit(main())
