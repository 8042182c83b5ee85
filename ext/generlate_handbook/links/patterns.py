"""Which host a URL pattern (a regular expression) of the allowlist can match.

An allowlist ``url:`` (or ``sign_in:``) pattern must stay on ONE host: ``https?://.*``,
``https?://(.*)``, ``http(s)?://.`` or ``https://example\\.com`` (which also matches
``https://example.com.evil.example/``) would exempt links on every host.

The pattern is judged by what its compiled form can match, not by how its text looks: it is
parsed by Python's own regular-expression parser, and after the scheme (``http``, ``https``,
``https?``, ``http(s)?``) and ``://`` every match must go through the same literal host name
(letters, digits, dots, hyphens, case aside), an optional literal port, then a character that
ends the host (``/``, ``?``, ``#``) or the end of the URL. Anything that could vary there (``.``,
a class, a repeat, a group, an alternative, a look-around) can match another host, or smuggle
one in as ``user@host``, so it is refused. Re-running a refused pattern against URLs on two
different hosts proves the point (the tests do exactly that).
"""

from __future__ import annotations

import re
from re import _parser as sre_parse  # the stdlib's own parser: judge what `re` will match
from typing import Any

#: The scheme part an allowlist pattern may start with (``^`` allowed), as text.
URL_START = re.compile(r"\^?(?:https?|https\?|http\(s\)\?)://")
_HOST_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789.-")
_HOST = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*")
_ENDS_HOST = frozenset("/?#")
_END_ASSERTIONS = frozenset({sre_parse.AT_END, sre_parse.AT_END_STRING})


def pattern_host(pattern: str) -> str | None:
    """The one host every URL matched (``re.match``) by ``pattern`` is on, or None when the
    pattern can match URLs on more than one host (or is not an http(s) URL pattern at all)."""
    if URL_START.match(pattern) is None:
        return None
    try:
        items = list(sre_parse.parse(pattern))
    except (re.error, RecursionError, OverflowError):
        return None
    i = _after_scheme(items)
    if i is None:
        return None  # e.g. an alternative at the top level: "https://a\.com/|.*"
    host, i = _literal(items, i, _HOST_CHARS)
    if not _HOST.fullmatch(host):
        return None
    if i < len(items) and items[i] == (sre_parse.LITERAL, ord(":")):
        port, i = _literal(items, i + 1, frozenset("0123456789"))
        if not port:
            return None
    if i == len(items) or not _ends_host(items[i]):
        return None  # "https://a\.com" also matches https://a.com.evil.example/
    return host


def _after_scheme(items: list[Any]) -> int | None:
    """Where the host starts, after ``^``, ``http``, an optional ``s`` and ``://``."""
    i = 1 if items and items[0] == (sre_parse.AT, sre_parse.AT_BEGINNING) else 0
    scheme, i = _literal(items, i, frozenset("hpst"))
    if scheme == "http" and i < len(items) and items[i][0] is sre_parse.MAX_REPEAT:
        low, high, sub = items[i][1]
        sub = list(sub)
        if len(sub) == 1 and sub[0][0] is sre_parse.SUBPATTERN:
            sub = list(sub[0][1][-1])  # http(s)?
        if (low, high) != (0, 1) or sub != [(sre_parse.LITERAL, ord("s"))]:
            return None
        scheme, i = "https", i + 1
    separator, i = _literal(items, i, frozenset(":/"))
    return i if scheme in {"http", "https"} and separator == "://" else None


def _literal(items: list[Any], i: int, allowed: frozenset[str]) -> tuple[str, int]:
    """The literal characters from ``allowed`` at ``items[i:]`` (lower case), and where they end."""
    text = []
    while i < len(items) and items[i][0] is sre_parse.LITERAL:
        char = chr(items[i][1]).lower()
        if char not in allowed:
            break
        text.append(char)
        i += 1
    return "".join(text), i


def _ends_host(item: tuple[Any, Any]) -> bool:
    """Whether every match of this token ends the host: ``/``, ``?``, ``#`` or the end."""
    op, av = item
    if op is sre_parse.LITERAL:
        return chr(av) in _ENDS_HOST
    if op is sre_parse.IN:
        return all(o is sre_parse.LITERAL and chr(a) in _ENDS_HOST for o, a in av)
    if op is sre_parse.AT:
        return av in _END_ASSERTIONS
    if op is sre_parse.SUBPATTERN:
        sub = list(av[-1])
        return bool(sub) and _ends_host(sub[0])
    if op is sre_parse.BRANCH:
        return all(len(branch) and _ends_host(next(iter(branch))) for branch in av[1])
    return False
