"""The link allowlist (``handbook/_links/allowlist.yaml``): the only way to exempt an external link.

The file is a YAML list; each entry names ONE host or URL pattern and says why::

    - host: docs.google.com              # that host (any port); '*.example.com': its subdomains
      reason: internal documents need a Generlate Google sign-in
      sign_in: https://accounts\\.google\\.com/   # optional: a redirect here counts as working
    - url: https://status\\.example\\.com/private/   # a regular expression, matched from the start
      reason: answers 403 to robots
      skip: true                         # optional: do not request it at all (last resort)

What an entry means: for a matching link a ``401`` or ``403`` answer, or a redirect to its
``sign_in`` page, is accepted; a ``404``, a ``5xx``, a time-out or a dead host still fail.
Only ``skip: true`` stops the link from being requested at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

#: HTTP statuses an allowlist entry accepts (sign-in walls).
ACCEPTED_STATUSES = frozenset({401, 403})

_KEYS = ("host", "url", "reason", "sign_in", "skip")
_HOST = re.compile(
    r"(?:\*\.)?[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)*(?::\d+)?"
)
_URL_START = re.compile(r"\^?(?:https?|https\?|http\(s\)\?)://[^/]")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the allowlist file, at a 1-based line."""

    line: int
    message: str


class AllowlistError(Exception):
    """The allowlist file is malformed; ``str()`` gives one ``path:LINE: message`` per problem."""

    def __init__(self, path: Path | str, problems: list[Problem]) -> None:
        self.path = str(path)
        self.problems = problems
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(f"{self.path}:{p.line}: {p.message}" for p in self.problems)


@dataclass(frozen=True)
class AllowlistEntry:
    """One exemption: a host or URL pattern, its reason, and what it accepts."""

    label: str  #: ``host docs.google.com`` or ``url https://...``: names the entry in reports
    pattern: str  #: regular expression matched (``re.match``) against a link's URL
    reason: str
    line: int
    sign_in: str | None = None  #: redirects to URLs matching this count as working
    skip: bool = False  #: not requested at all

    def matches(self, url: str) -> bool:
        """Whether ``url`` falls under this entry."""
        return re.match(self.pattern, url) is not None

    def accepts(self, status: int | None) -> bool:
        """Whether an answer with HTTP ``status`` counts as working for a matching link."""
        return status in ACCEPTED_STATUSES


@dataclass(frozen=True)
class Allowlist:
    """All entries of the allowlist file (empty when the file does not exist)."""

    entries: tuple[AllowlistEntry, ...] = ()
    path: str | None = field(default=None, compare=False)

    def __iter__(self) -> Iterator[AllowlistEntry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def match(self, url: str) -> AllowlistEntry | None:
        """The first entry that covers ``url``, if any."""
        return next((e for e in self.entries if e.matches(url)), None)

    def labels(self) -> frozenset[str]:
        """The labels of the entries that still request their links (not ``skip``)."""
        return frozenset(e.label for e in self.entries if not e.skip)

    def ignore_patterns(self) -> list[str]:
        """``linkcheck_ignore`` patterns: the ``skip: true`` entries."""
        return [e.pattern for e in self.entries if e.skip]

    def allowed_redirects(self) -> dict[str, str]:
        """``linkcheck_allowed_redirects`` items: an entry's links may redirect to its sign-in."""
        return {e.pattern: e.sign_in for e in self.entries if e.sign_in and not e.skip}


def host_pattern(host: str) -> str:
    """A regular expression for the URLs on ``host`` (``*.example.com``: on its subdomains)."""
    name, _, port = host.lower().partition(":")
    if name.startswith("*."):
        name_re = r"(?:[a-z0-9-]+\.)+" + re.escape(name[2:])
    else:
        name_re = re.escape(name)
    port_re = ":" + port if port else r"(?::\d+)?"
    return rf"(?i)https?://(?:[^/?#@]*@)?{name_re}{port_re}(?:[/?#]|\Z)"


def load_allowlist(path: Path | str, *, display: str | None = None) -> Allowlist:
    """Read and validate the allowlist; a missing file is an empty allowlist.

    Raises :class:`AllowlistError` naming ``display`` (default: ``path``) and each bad line.
    """
    path = Path(path)
    shown = display or str(path)
    if not path.exists():
        return Allowlist((), shown)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise AllowlistError(shown, [Problem(1, f"cannot read the allowlist: {exc}")]) from None
    return parse_allowlist(text, shown)


def parse_allowlist(text: str, display: str = "allowlist.yaml") -> Allowlist:
    """Validate allowlist YAML ``text``; see :func:`load_allowlist`."""
    try:
        data = YAML(typ="rt").load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        problem = exc.problem or exc.context or "invalid YAML"
        raise AllowlistError(display, [Problem(line, f"invalid YAML: {problem}")]) from None
    except YAMLError as exc:
        raise AllowlistError(display, [Problem(1, f"invalid YAML: {exc}")]) from None
    if data is None:
        return Allowlist((), display)
    if not isinstance(data, CommentedSeq):
        raise AllowlistError(
            display, [Problem(1, "the allowlist must be a YAML list of entries ('- host: ...')")]
        )
    problems: list[Problem] = []
    entries: list[AllowlistEntry] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(data):
        line = data.lc.item(index)[0] + 1
        entry = _entry(item, line, problems)
        if entry is None:
            continue
        if entry.label in seen:
            problems.append(
                Problem(
                    line, f"duplicate entry for {entry.label} (first at line {seen[entry.label]})"
                )
            )
            continue
        seen[entry.label] = line
        entries.append(entry)
    if problems:
        raise AllowlistError(display, problems)
    return Allowlist(tuple(entries), display)


def _entry(item: object, line: int, problems: list[Problem]) -> AllowlistEntry | None:
    """Validate one list item, appending to ``problems``; None if it is unusable."""
    if not isinstance(item, CommentedMap):
        problems.append(
            Problem(line, "each entry must be a mapping with host: or url: and reason:")
        )
        return None

    def key_line(key: str) -> int:
        return item.lc.key(key)[0] + 1

    before = len(problems)
    for key in item:
        if key not in _KEYS:
            problems.append(
                Problem(key_line(key), f"unknown key {key!r} (allowed: {', '.join(_KEYS)})")
            )

    label = pattern = None
    if ("host" in item) == ("url" in item):
        problems.append(Problem(line, "give exactly one of host: or url: per entry"))
    elif "host" in item:
        host = item["host"]
        if not isinstance(host, str) or not _HOST.fullmatch(host.strip()):
            problems.append(
                Problem(
                    key_line("host"),
                    f"host must be a host name such as docs.google.com or *.example.com, "
                    f"not {host!r} (use url: for a URL pattern)",
                )
            )
        else:
            label, pattern = f"host {host.strip().lower()}", host_pattern(host.strip())
    else:
        url = item["url"]
        error = _regex_error(url)
        if error:
            problems.append(Problem(key_line("url"), f"url: {error}"))
        else:
            label, pattern = f"url {url}", url

    reason = item.get("reason")
    if "reason" not in item:
        problems.append(Problem(line, "missing reason: say why this link cannot be checked"))
    elif not isinstance(reason, str) or not reason.strip():
        problems.append(
            Problem(key_line("reason"), "empty reason: say why this link cannot be checked")
        )

    sign_in = item.get("sign_in")
    if sign_in is not None:
        error = _regex_error(sign_in)
        if error:
            problems.append(Problem(key_line("sign_in"), f"sign_in: {error}"))

    skip = item.get("skip", False)
    if not isinstance(skip, bool):
        problems.append(Problem(key_line("skip"), f"skip must be true or false, not {skip!r}"))

    if len(problems) > before or label is None or pattern is None:
        return None
    return AllowlistEntry(
        label=label,
        pattern=pattern,
        reason=str(reason).strip(),
        line=line,
        sign_in=sign_in,
        skip=skip,
    )


def _regex_error(value: object) -> str | None:
    """Why ``value`` is not a usable URL pattern, or None."""
    if not isinstance(value, str) or not value.strip():
        return "must be a regular expression for URLs, e.g. https://example\\.com/private/"
    if not _URL_START.match(value):
        return (
            f"{value!r} must start with http:// or https:// and a host, "
            "so one entry cannot exempt every link"
        )
    try:
        re.compile(value)
    except re.error as exc:
        return f"{value!r} is not a valid regular expression: {exc}"
    return None
