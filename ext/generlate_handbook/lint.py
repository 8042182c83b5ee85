"""Source lint for handbook pages: what Sphinx would publish but readers must never see.

- raw HTML comments (``<!-- -->``): MyST publishes them verbatim; editor notes are MyST comments
  (``% note``), which never reach HTML;
- editor notes (``TODO``, ``FIXME``, ``XXX``, ``Todo:``) anywhere a reader sees: prose,
  directive titles and options (``:caption: TODO``), data such as worked-example labels;
- a policy figure typed by hand (a duration, percentage, count or time of day that the policy
  defines) instead of the ``{policy}`` role. Exceptions live in
  ``handbook/_lint/figure-exceptions.yaml``, each with a reason.

Pages are read as MyST reads them (:mod:`.pages`: markdown-it-py with the handbook's MyST
settings), with every file an ``{include}`` pulls in (``_part.md`` files too), each reported at
its own file and line. This module is the only implementation of these rules: the tests and the
checks of the built HTML call :func:`figures_in`, :func:`editor_notes_in` and
:func:`html_comments_in`.

Run as ``python -m generlate_handbook.lint [HANDBOOK_DIR]``; prints ``FILE:LINE: message`` lines
with a hint each and exits 1 when anything is found.
"""

from __future__ import annotations

import difflib
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

from markdown_it import MarkdownIt
from pydantic import BaseModel, ConfigDict, StringConstraints, TypeAdapter, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from . import pages
from .policy.load import find_policy_dir, load_policy
from .policy.model import Policy
from .policy.source import PolicyErrors, format_path, locate_in
from .policy.tree import leaves
from .policy.units import Count, Duration, DurationUnit, Percentage

EXCEPTIONS_FILE = Path("_lint") / "figure-exceptions.yaml"
MAX_EXCEPTIONS_BYTES = 1_000_000
NUMBER_WORDS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
]
UNIT_WORDS = {
    DurationUnit.MINUTE: r"(?:minutes?|mins?|m)",
    DurationUnit.HOUR: r"(?:hours?|hrs?|h)",
    DurationUnit.DAY: r"(?:days?|d)",
    DurationUnit.WEEK: r"(?:weeks?|wks?|w)",
    DurationUnit.BUSINESS_DAY: r"(?:business[ -]days?)",
    DurationUnit.BUSINESS_WEEK: r"(?:business[ -]weeks?)",
}
# Upper-case markers anywhere; any case when written as a label ("Todo:", "fixme:").
EDITOR_NOTE = re.compile(r"\b(?:TODO|FIXME|XXX)\b|\b(?i:todo|fixme|xxx)\s*:")
HTML_COMMENT = re.compile(r"<!--")  # reported where the comment starts
# Where a reader sees text, by piece kind (see pages.pieces); code and comments are exempt.
NOTE_KINDS = frozenset({"prose", "html", "title", "option", "data"})
FIGURE_KINDS = frozenset({"prose", "title", "option"})


@dataclass(frozen=True, order=True)
class Finding:
    file: str
    line: int
    message: str
    hint: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}\n    hint: {self.hint}"


@dataclass(frozen=True)
class Figure:
    """A policy value and the pattern that finds it typed by hand."""

    key_path: str
    pattern: re.Pattern[str]


def _number_pattern(amount: Decimal | int) -> str:
    text = f"{amount.normalize():f}" if isinstance(amount, Decimal) else str(amount)
    forms = [re.escape(text)]
    if text.isdigit() and int(text) < len(NUMBER_WORDS):
        forms.append(NUMBER_WORDS[int(text)])
    return r"(?:" + "|".join(forms) + r")"


def _duration_patterns(value: Duration) -> list[str]:
    number = _number_pattern(value.amount)
    unit = UNIT_WORDS[value.unit]
    patterns = [rf"\b{number}[ -]?(?:working[ -]|business[ -]|calendar[ -])?{unit}\b"]
    return patterns


def _time_patterns(minute: int) -> list[str]:
    hour, mins = divmod(minute, 60)
    forms = [f"{hour:02d}:{mins:02d}", f"{hour}:{mins:02d}"]
    twelve = hour % 12 or 12
    suffix = "a" if hour < 12 or hour == 24 else "p"
    forms += [
        rf"{twelve}(?::{mins:02d})?\s*{suffix}(?:m\b|\.m\.)",
    ]
    return [rf"(?<![\d:]){form}(?![\d])" for form in forms]


def policy_figures(policy: Policy) -> list[Figure]:
    """Every hand-typeable figure in the policy, with its key path."""
    figures: list[Figure] = []
    for path, value in leaves(policy):
        key = format_path(path)
        patterns: list[str] = []
        if isinstance(value, Duration):
            patterns = _duration_patterns(value)
        elif isinstance(value, Percentage):
            number = re.escape(f"{value.value.normalize():f}")
            patterns = [rf"(?<![\d.]){number}\s*(?:%|percent\b)"]
        elif isinstance(value, Count):
            if value.low == value.high:
                patterns = [rf"\b{_number_pattern(value.low)}\s+(?:\w+\s+)?{value.noun}s?\b"]
            else:
                patterns = [rf"\b{value.low}\s*(?:-|–|to)\s*{value.high}\b"]
        figures += [Figure(key, re.compile(p, re.IGNORECASE)) for p in patterns]
    for schedule_id, spec in policy.schedules.items():
        for pairs in spec.hours.values():
            for start, end in pairs:
                for minute in (start, end):
                    figures += [
                        Figure(f"schedules.{schedule_id}", re.compile(p, re.IGNORECASE))
                        for p in _time_patterns(minute)
                    ]
    unique: dict[tuple[str, str], Figure] = {}
    for figure in figures:
        unique.setdefault((figure.key_path, figure.pattern.pattern), figure)
    return list(unique.values())


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class FigureException(BaseModel):
    """One allowed hand-typed figure: the page, the exact text, and why it is allowed."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    file: Text
    text: Text
    reason: Text


_EXCEPTIONS = TypeAdapter(list[FigureException])
_MESSAGES = {
    "missing": "missing required key {key!r}: every exception names the file, the exact text "
    "and the reason it is allowed",
    "string_too_short": "must not be empty",
    "string_type": "expected text, got {input!r}",
    "list_type": "expected a list of exceptions (- file: ..., text: ..., reason: ...)",
    "model_type": "expected a mapping with file, text and reason",
}


def load_exceptions(handbook: Path) -> tuple[list[FigureException], list[Finding]]:
    """The allowed hand-typed figures, validated like the policy: each problem located."""
    path = handbook / EXCEPTIONS_FILE
    if not path.exists():
        return [], []
    name = _display(path)
    hint = f"see 'Editing the handbook' in README.md for the format of {EXCEPTIONS_FILE.name}"
    try:
        if path.stat().st_size > MAX_EXCEPTIONS_BYTES:
            return [], [Finding(name, 0, "file larger than 1 MB", hint)]
        data = YAML(typ="rt", pure=True).load(path.read_text(encoding="utf-8"))
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 0
        return [], [Finding(name, line, f"YAML syntax: {error.problem or error}", hint)]
    except (YAMLError, OSError, UnicodeDecodeError) as error:
        return [], [Finding(name, 0, f"cannot read: {error}", hint)]
    try:
        return _EXCEPTIONS.validate_python(data if data is not None else []), []
    except ValidationError as exc:
        findings = [_located(name, data, error, hint) for error in exc.errors()]
        return [], sorted(set(findings))


def _located(name: str, data: Any, error: Any, hint: str) -> Finding:
    loc: tuple[str | int, ...] = error["loc"]
    key = loc[-1] if loc else ""
    if error["type"] == "extra_forbidden":
        close = difflib.get_close_matches(str(key), list(FigureException.model_fields), n=1)
        message = f"unknown key {key!r}" + (f"; did you mean {close[0]!r}?" if close else "")
    else:
        template = _MESSAGES.get(error["type"], "{msg}")
        message = template.format(key=key, input=error.get("input"), msg=error["msg"])
    line = locate_in(data, loc) or 1
    where = f"exception {loc[0] + 1}" if loc and isinstance(loc[0], int) else "the file"
    inner = loc[1:-1] if error["type"] == "missing" else loc[1:]  # the message names the key
    path = format_path(inner) if inner else ""
    return Finding(name, line, f"{where}{': ' + path if path else ''}: {message}", hint)


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


# --- The rules: one implementation, used by the lint, the tests and the checks of the HTML ----


def html_comments_in(text: str) -> bool:
    return bool(HTML_COMMENT.search(text))


def editor_notes_in(text: str) -> list[str]:
    return [match[0] for match in EDITOR_NOTE.finditer(text)]


def figures_in(
    text: str, figures: Sequence[Figure], allowed: Iterable[str] = ()
) -> dict[str, list[str]]:
    """Hand-typed figures in ``text``: the typed text -> the key paths it matches."""
    allowed = list(allowed)
    found: dict[str, list[str]] = {}
    for figure in figures:
        for match in figure.pattern.finditer(text):
            if not any(match[0] in item for item in allowed):
                keys = found.setdefault(match[0], [])
                if figure.key_path not in keys:
                    keys.append(figure.key_path)
    return found


def lint_text(
    name: str, text: str, md: MarkdownIt, figures: Sequence[Figure], allowed: Sequence[str]
) -> tuple[list[Finding], list[str]]:
    """Findings for one file's text, and the ``{include}`` arguments in it."""
    findings: list[Finding] = []
    includes: list[str] = []
    for piece in pages.pieces(text, md):
        if piece.kind == "include":
            includes.append(piece.text.strip())
            continue
        if piece.kind in ("html", "prose") and html_comments_in(piece.text):
            findings.append(
                Finding(
                    name,
                    piece.line,
                    "raw HTML comment: MyST publishes it in the page's HTML",
                    "turn the editor note into a MyST comment line starting with '%', or "
                    "resolve it and delete it",
                )
            )
        if piece.kind in NOTE_KINDS and (notes := editor_notes_in(piece.text)):
            where = {"title": "a directive's title", "option": "a directive option"}
            findings.append(
                Finding(
                    name,
                    piece.line,
                    f"{notes[0].rstrip(': ')} in {where.get(piece.kind, 'published text')}",
                    "do it, file an issue, or keep the note in a MyST comment ('% TODO')",
                )
            )
        if piece.kind in FIGURE_KINDS and piece.directive not in pages.DATA_DIRECTIVES:
            findings += [
                _figure_finding(name, piece.line, typed, keys)
                for typed, keys in figures_in(piece.text, figures, allowed).items()
            ]
    return findings, includes


def _figure_finding(name: str, line: int, typed: str, keys: list[str]) -> Finding:
    roles = " or ".join(f"{{policy}}`{key}`" for key in keys)
    return Finding(
        name,
        line,
        f"hand-typed policy figure {typed!r} (the policy has it at {', '.join(keys)})",
        f"write {roles} so the page follows the policy; or list it with a "
        f"reason in handbook/{EXCEPTIONS_FILE}",
    )


def handbook_pages(handbook: Path) -> list[Path]:
    """The pages Sphinx reads: every ``*.md`` outside ``_``- and ``.``-prefixed folders."""
    return [
        path
        for path in sorted(handbook.rglob("*.md"))
        if not any(part.startswith(("_", ".")) for part in path.relative_to(handbook).parts[:-1])
    ]


def lint_handbook(handbook: Path, policy: Policy) -> list[Finding]:
    """Every page, and every Markdown file an ``{include}`` pulls into a page."""
    exceptions, findings = load_exceptions(handbook)
    figures = policy_figures(policy)
    md = pages.parser_for(handbook)
    root = handbook.resolve()
    queue = [path.resolve() for path in handbook_pages(handbook)]
    seen: set[Path] = set()
    while queue:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        name = _display(path)
        relative = path.relative_to(root).as_posix()
        allowed = [item.text for item in exceptions if relative.endswith(item.file)]
        page_findings, includes = lint_text(
            name, path.read_text(encoding="utf-8"), md, figures, allowed
        )
        findings += page_findings
        for target in includes:
            included = root / target.lstrip("/") if target.startswith("/") else path.parent / target
            included = included.resolve()
            # Outside the handbook is the build's error to report (it refuses to read it).
            if included.is_relative_to(root) and included.is_file() and included.suffix == ".md":
                queue.append(included)
    return sorted(set(findings))


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    handbook = Path(args[0] if args else "handbook")
    try:
        policy = load_policy(find_policy_dir())
    except PolicyErrors as errors:
        print(errors, file=sys.stderr)
        return 1
    findings = lint_handbook(handbook, policy)
    for finding in findings:
        print(finding, file=sys.stderr)
    if findings:
        print(f"lint: {len(findings)} problem(s) in {handbook}/", file=sys.stderr)
        return 1
    print(f"lint: {handbook}/ is clean")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
