"""Read a page's ``owner`` and ``review-by`` from its YAML front matter, with line numbers.

A page starts with its front matter, as MyST reads it::

    ---
    owner: "@generlate/customer-support"
    review-by: 2027-05-31
    ---
    # Title

``owner`` is a GitHub handle (``@person``), a team (``@org/team``) or an e-mail address, or a
list of them: exactly what ``.github/CODEOWNERS`` accepts. ``review-by`` is an ISO date. Other
keys (``orphan``, ``html_meta``, MyST's) are left to MyST; a key that looks like a misspelt one
of ours is an error, so a typo cannot silently drop an owner.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

OWNER_KEY = "owner"
REVIEW_KEY = "review-by"
OUR_KEYS = (OWNER_KEY, REVIEW_KEY)
#: Front matter keys other tools read (MyST, Sphinx): never taken for a misspelling of ours.
OTHER_KEYS = frozenset(
    {"orphan", "nosearch", "tocdepth", "nocomments", "html_meta", "myst", "title", "author"}
)
#: A page larger than this is not read (front matter is at the top; this bounds the work).
MAX_PAGE_BYTES = 2_000_000
#: The front matter must close within this many lines.
MAX_FRONT_MATTER_LINES = 200

_HANDLE = re.compile(r"@[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:/[A-Za-z0-9][A-Za-z0-9_.-]{0,99})?")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
OWNER_FORMS = "a GitHub handle ('@person'), a team ('@org/team') or an e-mail address"


@dataclass(frozen=True, order=True)
class PageProblem:
    """A problem with a page's front matter, at a file and line."""

    path: str
    line: int
    message: str
    hint: str = ""

    def __str__(self) -> str:
        text = f"{self.path}:{self.line}: {self.message}"
        return f"{text}\n    hint: {self.hint}" if self.hint else text


@dataclass(frozen=True)
class PageInfo:
    """What a page's front matter says about ownership and review."""

    path: str  #: as shown, e.g. ``handbook/customer-support/slas.md``
    owners: tuple[str, ...] = ()
    review_by: date | None = None
    owner_line: int = 1
    review_line: int = 1
    problems: tuple[PageProblem, ...] = field(default=())


def is_valid_owner(owner: str) -> bool:
    """Whether ``owner`` is a handle, a team or an e-mail address CODEOWNERS accepts."""
    return bool(_HANDLE.fullmatch(owner) or _EMAIL.fullmatch(owner))


def split_front_matter(text: str) -> tuple[str, int] | None:
    """The front matter's YAML and the number of lines it spans with its fences, or None."""
    lines = text.splitlines()
    if not lines or lines[0].rstrip() != "---":
        return None
    for index, line in enumerate(lines[1 : MAX_FRONT_MATTER_LINES + 1], start=1):
        if line.rstrip() == "---":
            return "\n".join(lines[1:index]) + "\n", index + 1
    return "", -1


def read_page(path: Path, shown: str) -> PageInfo:
    """Read ``path``'s front matter; problems are located at ``shown``:LINE."""
    try:
        if path.stat().st_size > MAX_PAGE_BYTES:
            return _fail(shown, 1, f"page is larger than {MAX_PAGE_BYTES} bytes; not read")
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return _fail(shown, 1, f"cannot read the page: {exc}")
    return parse_page(text, shown)


def parse_page(text: str, shown: str) -> PageInfo:
    """Parse a page's source text (see :func:`read_page`)."""
    split = split_front_matter(text)
    if split is None:
        return _fail(
            shown,
            1,
            "no front matter, so no owner",
            f"start the page with '---', {OWNER_KEY}: and {REVIEW_KEY}: lines, and '---' "
            "(see the README: Owners, review dates, last updated)",
        )
    yaml_text, _ = split
    if split[1] < 0:
        return _fail(
            shown, 1, f"front matter not closed by '---' within {MAX_FRONT_MATTER_LINES} lines"
        )
    try:
        data = YAML(typ="rt").load(yaml_text)
    except MarkedYAMLError as exc:
        line = (exc.problem_mark.line + 2) if exc.problem_mark else 1
        hint = ""
        if "'@'" in str(exc.problem) or "'@'" in str(exc):
            hint = f"quote a handle: {OWNER_KEY}: \"@org/team\" ('@' cannot start bare YAML)"
        return _fail(shown, line, f"front matter is not valid YAML: {exc.problem}", hint)
    except YAMLError as exc:
        return _fail(shown, 1, f"front matter is not valid YAML: {exc}")
    except ValueError as exc:  # a well-formed but impossible date, such as 2027-02-30
        return _fail(
            shown,
            _impossible_date_line(yaml_text),
            f"front matter: {exc}",
            "write the date as YYYY-MM-DD, a day that exists",
        )
    if data is None:
        data = CommentedMap()
    if not isinstance(data, CommentedMap):
        return _fail(shown, 2, "front matter must be a mapping of keys to values")
    return _page_info(data, shown)


def _impossible_date_line(yaml_text: str) -> int:
    """The page line of the first YYYY-MM-DD value that is not a real date (else line 1)."""
    for number, line in enumerate(yaml_text.splitlines(), start=2):
        for found in _DATE.findall(line):
            try:
                date.fromisoformat(found)
            except ValueError:
                return number
    return 1


def _line(data: CommentedMap, key: str) -> int:
    """1-based line of ``key`` in the page (the YAML starts on line 2)."""
    try:
        return int(data.lc.key(key)[0]) + 2
    except (KeyError, TypeError, AttributeError):
        return 2


def _page_info(data: CommentedMap, shown: str) -> PageInfo:
    problems: list[PageProblem] = []
    for key in data:
        name = str(key)
        if name in OUR_KEYS or name in OTHER_KEYS:
            continue
        close = difflib.get_close_matches(name.lower().replace("_", "-"), OUR_KEYS, 1, 0.7)
        if close:
            problems.append(
                PageProblem(
                    shown, _line(data, key), f"unknown key '{name}'; did you mean '{close[0]}'?"
                )
            )
    owners, owner_problems = _owners(data, shown)
    review_by, review_problems = _review_by(data, shown)
    return PageInfo(
        path=shown,
        owners=owners,
        review_by=review_by,
        owner_line=_line(data, OWNER_KEY) if OWNER_KEY in data else 1,
        review_line=_line(data, REVIEW_KEY) if REVIEW_KEY in data else 1,
        problems=tuple(problems + owner_problems + review_problems),
    )


def _owners(data: CommentedMap, shown: str) -> tuple[tuple[str, ...], list[PageProblem]]:
    if OWNER_KEY not in data or data[OWNER_KEY] in (None, "", []):
        return (), [
            PageProblem(
                shown,
                _line(data, OWNER_KEY) if OWNER_KEY in data else 1,
                "page has no owner",
                f"add '{OWNER_KEY}: \"@org/team\"' (or a person's handle) to its front matter",
            )
        ]
    line = _line(data, OWNER_KEY)
    value: Any = data[OWNER_KEY]
    items = list(value) if isinstance(value, CommentedSeq) else [value]
    owners: list[str] = []
    problems: list[PageProblem] = []
    for item in items:
        if not isinstance(item, str) or not is_valid_owner(item.strip()):
            problems.append(
                PageProblem(shown, line, f"{OWNER_KEY}: {str(item)[:80]!r} is not {OWNER_FORMS}")
            )
        elif item.strip() not in owners:
            owners.append(item.strip())
    return tuple(owners), problems


def _review_by(data: CommentedMap, shown: str) -> tuple[date | None, list[PageProblem]]:
    if REVIEW_KEY not in data:
        return None, [
            PageProblem(
                shown,
                1,
                f"page has no {REVIEW_KEY} date",
                f"add '{REVIEW_KEY}: YYYY-MM-DD' to its front matter: the date by which its "
                "owner reviews it",
            )
        ]
    value: Any = data[REVIEW_KEY]
    if isinstance(value, datetime):
        return value.date(), []
    if isinstance(value, date):
        return value, []
    try:
        return date.fromisoformat(str(value).strip()), []
    except ValueError:
        return None, [
            PageProblem(
                shown,
                _line(data, REVIEW_KEY),
                f"{REVIEW_KEY}: {str(value)[:40]!r} is not a date; expected YYYY-MM-DD",
            )
        ]


def _fail(shown: str, line: int, message: str, hint: str = "") -> PageInfo:
    return PageInfo(path=shown, problems=(PageProblem(shown, line, message, hint),))
