"""Tiny MyST handbooks configured like the real one, for the link tests.

The link settings are the real ones: :func:`real_settings` runs ``handbook/conf.py`` and keeps
its MyST, linkcheck and ``links_*`` values, its extensions (less the policy extension, whose
pages and policy files a tiny handbook lacks) and its theme; a test overrides only what it must
(a short time-out).
"""

from __future__ import annotations

import runpy
import textwrap
from functools import cache
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
REAL_CONF = REPO / "handbook" / "conf.py"
POLICY_EXTENSION = "generlate_handbook.sphinxext"
_KEPT = {
    "source_suffix",
    "root_doc",
    "exclude_patterns",
    "nitpicky",
    "html_baseurl",
    "html_theme",
}


@cache
def _real_conf() -> dict[str, Any]:
    return runpy.run_path(str(REAL_CONF))


def real_settings() -> dict[str, Any]:
    """The real conf.py's link-related settings (see the module docstring)."""
    conf = _real_conf()
    settings = {
        key: value
        for key, value in conf.items()
        if key in _KEPT or key.startswith(("myst_", "linkcheck_", "links_"))
    }
    settings["extensions"] = [e for e in conf["extensions"] if e != POLICY_EXTENSION]
    return settings


def write_project(
    root: Path,
    pages: dict[str, str],
    *,
    overrides: dict[str, Any] | None = None,
    allowlist: str | None = None,
    files: dict[str, bytes] | None = None,
    extra_conf: str = "",
) -> Path:
    """Write ``root/handbook/`` with a conf.py from :func:`real_settings`; return that folder."""
    src = root / "handbook"
    src.mkdir(parents=True, exist_ok=True)
    settings = {**real_settings(), **(overrides or {})}
    lines = ['"""Test handbook: the real link settings, written out."""', ""]
    lines += [f"{key} = {value!r}" for key, value in sorted(settings.items())]
    (src / "conf.py").write_text("\n".join(lines) + "\n" + extra_conf, encoding="utf-8")
    for name, text in pages.items():
        path = src / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    for name, data in (files or {}).items():
        path = src / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    if allowlist is not None:
        path = src / "_links" / "allowlist.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(allowlist).lstrip(), encoding="utf-8")
    return src


def line_of(text: str, needle: str) -> int:
    """The 1-based line of the first line containing ``needle`` in dedented page ``text``."""
    for number, line in enumerate(textwrap.dedent(text).lstrip().splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in page")
