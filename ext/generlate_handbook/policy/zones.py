"""IANA time zones, looked up with :mod:`zoneinfo` (data from the pinned ``tzdata``)."""

from __future__ import annotations

import difflib
import functools
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from .limits import excerpt

# How the handbook names zones for readers; anything else is shown by its IANA key.
READER_NAMES = {
    "America/Los_Angeles": "Pacific Time",
    "America/New_York": "Eastern Time",
    "Europe/London": "UK time",
    "UTC": "UTC",
    "Etc/UTC": "UTC",
}


@functools.cache
def _zone_keys() -> frozenset[str]:
    return frozenset(available_timezones())


def parse_zone(value: object) -> ZoneInfo:
    """An IANA key such as ``America/Los_Angeles``; unknown keys suggest the closest match."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(
            f"expected an IANA time zone such as America/Los_Angeles, got {excerpt(value)}"
        )
    key = value.strip()
    if key in _zone_keys():
        try:
            return ZoneInfo(key)
        except (ZoneInfoNotFoundError, ValueError):  # pragma: no cover - listed but unreadable
            pass
    # Zone names are short: a long value gets no suggestion (the matching cost grows with it).
    close = difflib.get_close_matches(key, sorted(_zone_keys()), n=1) if len(key) <= 64 else []
    hint = f"; did you mean {close[0]}?" if close else ""
    raise ValueError(f"unknown time zone {excerpt(key)}: expected an IANA zone name{hint}")


def reader_name(zone: ZoneInfo) -> str:
    return READER_NAMES.get(zone.key, zone.key)
