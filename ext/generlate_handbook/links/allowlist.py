"""The link allowlist (``handbook/_links/allowlist.yaml``): the only way to exempt an external link.

The file is a YAML list; each entry names ONE host or URL pattern and says why::

    - host: docs.google.com              # that host (any port); '*.example.com': its subdomains
      reason: internal documents need a Generlate Google sign-in
      sign_in: https://accounts\\.google\\.com/   # optional: a redirect here counts as working
    - url: https://status\\.example\\.com/private/   # a regular expression, matched from the start
      reason: answers 403 to robots
      skip: true                         # optional: do not request it at all (last resort)

What an entry means: for a matching link a ``401`` or ``403`` answer, a non-standard status
(``999``), or a redirect to its ``sign_in`` page, is accepted; a ``404``, a ``5xx``, a time-out or
a dead host still fail. Only ``skip: true`` stops the link from being requested at all.

Validation is the policy's (pydantic, then :func:`~generlate_handbook.policy.load.validate_located`
and :class:`~generlate_handbook.policy.source.PolicySource` for lines), so every error reads
``FILE:LINE: [index].key: message``. A ``url:`` or ``sign_in:`` pattern must stay on one host
(:func:`.patterns.pattern_host`); a ``host:`` wildcard must not cover a top-level domain.
"""

from __future__ import annotations

import re
import reprlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator, model_validator
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.events import AliasEvent

from generlate_handbook.links.patterns import URL_START, pattern_host
from generlate_handbook.policy.load import validate_located
from generlate_handbook.policy.source import (
    PolicyError,
    PolicyErrors,
    PolicySource,
    parse_document,
)

#: HTTP statuses an allowlist entry accepts (sign-in walls); non-standard ones (999) too.
ACCEPTED_STATUSES = frozenset({401, 403})

_HOST = re.compile(
    r"(?:\*\.)?[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)*(?::\d+)?"
)
#: The allowlist is a few entries; a file this big is not one (and is not read).
MAX_BYTES = 256 * 1024
_TOO_LARGE = f"the allowlist is larger than {MAX_BYTES // 1024} KB: not read"
_REPR = reprlib.Repr()  # (keyword arguments need Python 3.12)
_REPR.maxstring = _REPR.maxother = 120
_REPR.maxlist = _REPR.maxdict = 4
_REPR.maxlevel = 2
_NOT_A_LIST = "the allowlist must be a YAML list of entries ('- host: ...' or '- url: ...')"

#: The error every caller catches: one located line per problem, like the policy's.
AllowlistError = PolicyErrors


def is_standard_status(status: int) -> bool:
    """Whether ``status`` is an HTTP status a server may legitimately answer (100-599)."""
    return 100 <= status <= 599


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
        return status is not None and (
            status in ACCEPTED_STATUSES or not is_standard_status(status)
        )


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

    Raises :class:`AllowlistError` (the policy's :class:`PolicyErrors`): one
    ``FILE:LINE: [index].key: message`` per problem, ``FILE`` being ``display`` (default: path).
    """
    path = Path(path)
    shown = display or str(path)
    if not path.exists():
        return Allowlist((), shown)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise AllowlistError([PolicyError(shown, 0, "", _TOO_LARGE)])
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise AllowlistError([PolicyError(shown, 0, "", f"cannot read: {exc}")]) from None
    return parse_allowlist(text, shown)


def parse_allowlist(text: str, display: str = "allowlist.yaml") -> Allowlist:
    """Validate allowlist YAML ``text``; see :func:`load_allowlist`."""
    if len(text) > MAX_BYTES:
        raise AllowlistError([PolicyError(display, 0, "", _TOO_LARGE)])
    _refuse_aliases(text, display)
    return _validate(parse_document(text, display), display)


def _refuse_aliases(text: str, display: str) -> None:
    """An alias (``*name``) can make a few bytes stand for billions of values: none is needed
    in an allowlist, so none is accepted. Syntax errors are left to the parser's message."""
    try:
        for event in YAML(typ="rt", pure=True).parse(text):
            if isinstance(event, AliasEvent):
                line = event.start_mark.line + 1 if event.start_mark else 0
                message = "aliases (*name) are not allowed in the allowlist: write the value out"
                raise AllowlistError([PolicyError(display, line, "", message)])
    except YAMLError:
        return


def _shown(value: object) -> str:
    """``repr(value)``, bounded: a message never quotes a whole huge value."""
    return _REPR.repr(value)


class EntryModel(BaseModel):
    """One allowlist entry as written in the file (validated, located by the policy's rules)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    host: str | None = None
    url: str | None = None
    reason: str
    sign_in: str | None = None
    skip: bool = False

    @field_validator("host")
    @classmethod
    def _host(cls, value: str | None) -> str | None:
        if value is None:
            return None
        name = value.strip()
        if not _HOST.fullmatch(name):
            raise ValueError(
                f"must be a host name such as docs.google.com or *.example.com, "
                f"not {_shown(value)} (use url: for a URL pattern)"
            )
        if name.startswith("*.") and "." not in name[2:].partition(":")[0]:
            raise ValueError(
                f"{_shown(value)} covers a whole top-level domain: name the site's own domain, "
                "such as *.example.com"
            )
        return name.lower()

    @field_validator("reason")
    @classmethod
    def _reason(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty: say why this link cannot be checked")
        return value.strip()

    @field_validator("url", "sign_in")
    @classmethod
    def _pattern(cls, value: str | None) -> str | None:
        if value is not None:
            _check_pattern(value)
        return value

    @field_validator("skip", mode="before")
    @classmethod
    def _skip(cls, value: object) -> bool:
        if not isinstance(value, bool):
            raise ValueError(f"expected true or false, got {_shown(value)}")
        return value

    @model_validator(mode="after")
    def _one_target(self) -> EntryModel:
        if (self.host is None) == (self.url is None):
            raise ValueError("give exactly one of host: or url: per entry")
        return self


def _check_pattern(value: str) -> None:
    """Raise ValueError unless ``value`` is a regular expression for URLs on one host."""
    if not value.strip():
        raise ValueError("must be a regular expression for URLs, e.g. https://example\\.com/x/")
    if not URL_START.match(value):
        raise ValueError(
            f"{_shown(value)} must start with http:// or https:// and a host, "
            "so one entry cannot exempt every link"
        )
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"{_shown(value)} is not a valid regular expression: {exc}") from None
    if pattern_host(value) is None:
        raise ValueError(
            f"{_shown(value)} can match URLs on more than one host: write the host literally "
            "(dots escaped, no wildcards or alternatives) and end it with / "
            "(e.g. https://status\\.example\\.com/admin/); use host: for a whole host"
        )


def _validate(document: Any, display: str) -> Allowlist:
    """The allowlist in ``document`` (round-trip YAML), or :class:`AllowlistError` with every
    problem of every entry."""
    if document is None:
        return Allowlist((), display)
    if not isinstance(document, CommentedSeq):
        raise AllowlistError([PolicyError(display, 1, "", _NOT_A_LIST)])
    source = PolicySource(root=(display, document))
    errors = _duplicates(document, source)
    try:
        models: list[EntryModel] = validate_located(list[EntryModel], document, source)
    except AllowlistError as exc:
        raise AllowlistError([*exc.errors, *errors]) from None
    if errors:
        raise AllowlistError(errors)
    entries = []
    for index, model in enumerate(models):
        if model.host is not None:
            label, pattern = f"host {model.host}", host_pattern(model.host)
        else:
            label, pattern = f"url {model.url}", str(model.url)
        line = source.locate((index,))[1]
        entries.append(
            AllowlistEntry(label, pattern, model.reason, line, model.sign_in, bool(model.skip))
        )
    return Allowlist(tuple(entries), display)


def _duplicates(document: CommentedSeq, source: PolicySource) -> list[PolicyError]:
    """An error at each entry naming a host (any case) or url already named above it."""
    first: dict[tuple[str, str], int] = {}
    errors = []
    for index, item in enumerate(document):
        if not isinstance(item, dict):
            continue
        for key in ("host", "url"):
            value = item.get(key)
            if not isinstance(value, str):
                continue
            name = (key, value.strip().lower() if key == "host" else value)
            if name in first:
                errors.append(
                    source.error(
                        (index, key),
                        f"duplicate entry for {key} {name[1]} (first at line {first[name]})",
                    )
                )
            else:
                first[name] = source.locate((index,))[1]
    return errors
