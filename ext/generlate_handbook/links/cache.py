"""Remembered link checks (``_build/linkcheck/cache.json``), so scheduled runs spare the hosts.

Only links that worked are remembered, each with the time it was checked, for ``max_age``
seconds (24 hours in ``conf.py``); broken, timed-out, redirected or ignored links never are, and
a link that stops working is forgotten. A link that was accepted through an allowlist entry is
remembered with that entry's label, and is fresh only while the entry still exists.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from generlate_handbook.links.files import atomic_write_text

CACHE_VERSION = 1
#: A cache file larger than this is not ours (a few hundred bytes per link): treated as empty.
MAX_CACHE_BYTES = 32 * 1024 * 1024
_TRUE = frozenset({"1", "true", "yes", "on"})


def fresh_from_env(environ: Mapping[str, str] | None = None) -> bool:
    """Whether ``LINKCHECK_FRESH`` asks to ignore the cache (1, true, yes, on)."""
    environ = os.environ if environ is None else environ
    return environ.get("LINKCHECK_FRESH", "").strip().lower() in _TRUE


@dataclass(frozen=True)
class CachedLink:
    """A link that worked when it was checked."""

    checked: float  #: epoch seconds
    allowlist: str | None = None  #: label of the allowlist entry that accepted it, if one did

    def fresh(self, now: float, max_age: float, allowlist_labels: frozenset[str]) -> bool:
        """Whether this result may stand in for a new check at ``now``."""
        if self.allowlist is not None and self.allowlist not in allowlist_labels:
            return False
        return 0 <= now - self.checked < max_age


class LinkCache:
    """The cache file's contents: URL -> :class:`CachedLink`."""

    def __init__(self, links: dict[str, CachedLink] | None = None) -> None:
        self.links: dict[str, CachedLink] = dict(links or {})

    @classmethod
    def load(cls, path: Path) -> LinkCache:
        """Read ``path``; a missing, unreadable, oversized or foreign file is an empty cache, and
        an entry of the wrong shape is skipped: the cache only ever spares requests."""
        try:
            if path.stat().st_size > MAX_CACHE_BYTES:
                return cls()
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):
            return cls()
        if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
            return cls()
        items = data.get("links")
        if not isinstance(items, dict):
            return cls()
        return cls({url: link for url, item in items.items() if (link := _entry(item))})

    def save(self, path: Path) -> None:
        """Write the cache atomically (a reader never sees half a file)."""
        data = {
            "version": CACHE_VERSION,
            "links": {
                url: {"checked": link.checked, "allowlist": link.allowlist}
                for url, link in sorted(self.links.items())
            },
        }
        atomic_write_text(path, json.dumps(data, indent=1) + "\n")

    def fresh(
        self, now: float, max_age: float, allowlist_labels: frozenset[str] = frozenset()
    ) -> dict[str, CachedLink]:
        """The links whose cached result may be used at ``now``."""
        return {
            url: link
            for url, link in self.links.items()
            if link.fresh(now, max_age, allowlist_labels)
        }

    def record(self, url: str, now: float, *, working: bool, allowlist: str | None = None) -> None:
        """Remember a link checked at ``now`` if it worked; forget it otherwise."""
        if working:
            self.links[url] = CachedLink(now, allowlist)
        else:
            self.links.pop(url, None)

    def prune(self, now: float, max_age: float) -> None:
        """Forget the results older than ``max_age``."""
        self.links = {u: c for u, c in self.links.items() if 0 <= now - c.checked < max_age}


def _entry(item: object) -> CachedLink | None:
    """One cached link from its JSON, or None if it is not one."""
    if not isinstance(item, dict):
        return None
    checked, allowlist = item.get("checked"), item.get("allowlist")
    if isinstance(checked, bool) or not isinstance(checked, int | float):
        return None
    if not math.isfinite(checked) or not (allowlist is None or isinstance(allowlist, str)):
        return None
    return CachedLink(float(checked), allowlist)


def ignore_pattern(url: str) -> str:
    """A ``linkcheck_ignore`` pattern that matches exactly ``url``."""
    return re.escape(url) + r"\Z"
