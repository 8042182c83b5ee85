"""The bounds on policy input, in one place: sizes, depth, characters, numbers and years.

Policy files arrive by pull request and are read on machines that hold credentials, so every
input is bounded before it is parsed, validated or computed with, and every message quotes a
bounded excerpt of a value, never the whole of it. README.md ("Limits") documents these values.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from datetime import date, datetime

MAX_FILE_BYTES = 256 * 1024  # one policy file; the real one is about 5 KB
MAX_DEPTH = 32  # nested mappings and lists; the real policy nests 6 deep
MAX_VALUES = 10_000  # keys, values and items in one file, with every alias (*name) expanded
MAX_STRING = 4_000  # characters in one key or value
MAX_DIGITS = 12  # digits in a row in one unquoted value
MAX_DURATION_DAYS = 3_660  # a target's length: 10 years (a business day counts as a day)
MAX_COUNT = 1_000_000  # "5 cases"
# Tickets, checked years, support-hours tables: the years the clock computes with (its int64
# nanoseconds reach 1677-2262; clock.instants.FIRST_YEAR/LAST_YEAR, kept equal by a test).
MIN_YEAR, MAX_YEAR = 1700, 2260
EXCERPT_CHARS = 60  # the longest quote of a value in a message

YEAR_RANGE = f"{MIN_YEAR}–{MAX_YEAR}"

# Bidirectional embeddings, overrides, isolates and marks: they make text read differently
# from how it is stored (CVE-2021-42574, "Trojan Source").
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


class OutOfRangeError(ValueError):
    """A date or year outside what the clock computes with (``MIN_YEAR``–``MAX_YEAR``); the
    clock's own ``clock.instants.OutOfRangeError`` says the same of instants."""


def check_year(year: int, what: str = "year") -> int:
    """``year`` itself, or :class:`OutOfRangeError` naming the allowed range."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise OutOfRangeError(f"{what} {year} is outside the years allowed, {YEAR_RANGE}")
    return year


def policy_year(argument: str | None) -> int:
    """A directive option's year (docutils reports the ValueError at the directive's line)."""
    text = (argument or "").strip()
    if not text.isascii() or not text.isdigit():
        raise ValueError(f"{excerpt(text)} is not a year such as 2026")
    return check_year(int(text))


def check_moment(moment: date | datetime, what: str) -> None:
    """A ticket's time or a date must fall in the allowed years (its own calendar)."""
    if not MIN_YEAR <= moment.year <= MAX_YEAR:
        raise OutOfRangeError(
            f"{what} {moment.isoformat()} is outside the years allowed, {YEAR_RANGE}"
        )


def refused_character(text: str) -> str | None:
    """A description of the first control or bidirectional character in ``text``, if any."""
    for char in text:
        if char in "\t\n":
            continue
        if char in _BIDI or unicodedata.category(char) == "Cc":
            name = unicodedata.name(char, "control character")
            return f"U+{ord(char):04X} {name}".rstrip()
    return None


def excerpt(value: object, limit: int = EXCERPT_CHARS) -> str:
    """``repr(value)``, cut to about ``limit`` characters with ``…``, at a cost bounded by
    ``limit`` whatever the size of ``value`` (it never renders a whole nested structure)."""
    text = _bounded_repr(value, limit + 1)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _bounded_repr(value: object, budget: int) -> str:
    if isinstance(value, str):
        return repr(value[:budget])
    if isinstance(value, Mapping):
        parts: list[str] = []
        used = 2
        for key, item in value.items():
            if used > budget:
                break
            part = f"{_bounded_repr(key, budget - used)}: {_bounded_repr(item, budget - used)}"
            parts.append(part)
            used += len(part) + 2
        return "{" + ", ".join(parts) + "}"
    if isinstance(value, list | tuple):
        parts, used = [], 2
        for item in value:
            if used > budget:
                break
            part = _bounded_repr(item, budget - used)
            parts.append(part)
            used += len(part) + 2
        return "[" + ", ".join(parts) + "]"
    return repr(value)[:budget]
