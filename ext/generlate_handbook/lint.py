"""Source lint for handbook pages: what Sphinx would publish but readers must never see.

- raw HTML comments (``<!-- -->``): MyST publishes them verbatim; editor notes are MyST comments
  (``% note``), which never reach HTML;
- ``TODO`` outside a MyST comment;
- a policy figure typed by hand (a duration, percentage, count or time of day that the policy
  defines) instead of the ``{policy}`` role. Exceptions live in
  ``handbook/_lint/figure-exceptions.yaml``, each with a reason.

Run as ``python -m generlate_handbook.lint [HANDBOOK_DIR]``; prints ``FILE:LINE: message`` lines
with a hint each and exits 1 when anything is found.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from .policy.load import find_policy_dir, load_policy
from .policy.model import Policy
from .policy.source import PolicyErrors
from .policy.units import Count, Duration, DurationUnit, Percentage

EXCEPTIONS_FILE = Path("_lint") / "figure-exceptions.yaml"
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
# Fenced blocks whose body is data for a directive, not prose.
DATA_FENCES = re.compile(
    r"^\{(sla-table|sla-examples|support-hours|availability-budget|policy-list|toctree|"
    r"code-block|code)\}|^[\w+-]*$"
)
ROLE = re.compile(r"\{[\w:-]+\}`[^`]*`")
INLINE_CODE = re.compile(r"`[^`]*`")
MYST_COMMENT = re.compile(r"^\s*%")


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


def _number_pattern(amount: Any) -> str:
    text = f"{amount.normalize():f}" if hasattr(amount, "normalize") else str(amount)
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
    for path, value in _walk(policy, ()):
        key = ".".join(path)
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


def _walk(node: Any, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Any]]:
    if isinstance(node, BaseModel):
        for name, field in type(node).model_fields.items():
            yield from _walk(getattr(node, name), (*path, field.alias or name))
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _walk(value, (*path, str(key)))
    else:
        yield path, node


@dataclass(frozen=True)
class FigureException:
    file: str
    text: str
    reason: str


def load_exceptions(handbook: Path) -> tuple[list[FigureException], list[Finding]]:
    """The allowed hand-typed figures; each entry needs ``file``, ``text`` and a ``reason``."""
    path = handbook / EXCEPTIONS_FILE
    if not path.exists():
        return [], []
    name = _display(path)
    try:
        data = YAML(typ="rt", pure=True).load(path.read_text(encoding="utf-8")) or []
    except YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else 0
        return [], [Finding(name, line, f"YAML syntax: {error}", "fix the YAML syntax")]
    entries, problems = [], []
    if not isinstance(data, list):
        return [], [Finding(name, 1, "expected a list of exceptions", "see the file's header")]
    for index, item in enumerate(data):
        line = data.lc.item(index)[0] + 1
        fields = item if isinstance(item, dict) else {}
        missing = [key for key in ("file", "text", "reason") if not str(fields.get(key, ""))]
        if missing:
            problems.append(
                Finding(
                    name,
                    line,
                    f"exception {index + 1} lacks {', '.join(missing)}",
                    "every exception names the file, the exact text and why it is allowed",
                )
            )
            continue
        entries.append(
            FigureException(str(fields["file"]), str(fields["text"]), str(fields["reason"]))
        )
    return entries, problems


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def prose_lines(text: str) -> Iterator[tuple[int, str]]:
    """``(line number, text)`` of the lines a reader sees, minus code and directive data."""
    fence: str | None = None
    skip = False
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        match = re.match(r"^(`{3,}|~{3,})(.*)$", stripped)
        if fence is None and match:
            fence = match[1]
            skip = bool(DATA_FENCES.match(match[2].strip()))
            continue
        if fence is not None and stripped.startswith(fence) and stripped.strip("`~") == "":
            fence = None
            continue
        if (fence is not None and skip) or MYST_COMMENT.match(line):
            continue
        if re.match(r"^\s*:[\w-]+:", line) or re.match(r"^\s*\(.*\)=\s*$", line):
            continue  # directive options and target labels
        yield number, line


def lint_page(
    path: Path, figures: Sequence[Figure], exceptions: Iterable[FigureException]
) -> list[Finding]:
    name = _display(path)
    text = path.read_text(encoding="utf-8")
    findings = []
    for number, line in enumerate(text.splitlines(), start=1):
        if "<!--" in line or "-->" in line:
            findings.append(
                Finding(
                    name,
                    number,
                    "raw HTML comment: MyST publishes it in the page's HTML",
                    "turn the editor note into a MyST comment line starting with '%', or "
                    "resolve it and delete it",
                )
            )
    allowed = [item.text for item in exceptions if name.endswith(item.file)]
    for number, line in prose_lines(text):
        if re.search(r"\bTODO\b", line):
            findings.append(
                Finding(
                    name,
                    number,
                    "TODO in published text",
                    "do it, file an issue, or keep the note in a MyST comment ('% TODO')",
                )
            )
        visible = INLINE_CODE.sub(" ", ROLE.sub(" ", line))
        sources: dict[str, list[str]] = {}
        for figure in figures:
            for match in figure.pattern.finditer(visible):
                if not any(match[0] in item for item in allowed):
                    sources.setdefault(match[0], []).append(figure.key_path)
        for typed, key_paths in sources.items():
            keys = list(dict.fromkeys(key_paths))
            roles = " or ".join(f"{{policy}}`{key}`" for key in keys)
            findings.append(
                Finding(
                    name,
                    number,
                    f"hand-typed policy figure {typed!r} (the policy has it at {', '.join(keys)})",
                    f"write {roles} so the page follows the policy; or list it with a "
                    f"reason in handbook/{EXCEPTIONS_FILE}",
                )
            )
    return findings


def lint_handbook(handbook: Path, policy: Policy) -> list[Finding]:
    exceptions, findings = load_exceptions(handbook)
    figures = policy_figures(policy)
    for path in sorted(handbook.rglob("*.md")):
        if any(part.startswith(("_", ".")) for part in path.relative_to(handbook).parts[:-1]):
            continue
        findings += lint_page(path, figures, exceptions)
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
