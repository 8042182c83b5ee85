"""Report files written whole or not at all: a temporary file in the same folder, then
``os.replace``. An interrupted run (Ctrl-C, a kill) leaves the previous file or none, never half
of one; :func:`remove_partials` sweeps the temporary files of a process killed mid-write."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

_PREFIX = ".partial-"
_SUFFIX = ".tmp"


@contextlib.contextmanager
def atomic_open(path: Path) -> Iterator[TextIO]:
    """``with atomic_open(path) as out:`` write text; ``path`` appears only when the block ends
    without an exception (KeyboardInterrupt included): then it replaces any old file at once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f"{_PREFIX}{path.name}.", suffix=_SUFFIX)
    try:
        os.fchmod(fd, 0o644)  # mkstemp's 0600 would hide a report from the CI artifact reader
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            yield out
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` whole or not at all."""
    with atomic_open(path) as out:
        out.write(text)


def remove_partials(folder: Path) -> list[Path]:
    """Delete the temporary files :func:`atomic_open` left in ``folder`` (a killed writer)."""
    removed = []
    for leftover in folder.glob(f"{_PREFIX}*{_SUFFIX}"):
        leftover.unlink(missing_ok=True)
        removed.append(leftover)
    return removed
