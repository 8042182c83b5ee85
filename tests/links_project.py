"""Tiny MyST handbooks configured like the real one, for the link tests.

The link settings are the real ones: :func:`real_settings` runs ``handbook/conf.py`` and keeps
its MyST, linkcheck and ``links_*`` values, its extensions (less the policy extension, whose
pages and policy files a tiny handbook lacks) and its theme; a test overrides only what it must
(a short time-out).
"""

from __future__ import annotations

import os
import runpy
import signal
import subprocess
import sys
import textwrap
from functools import cache
from pathlib import Path
from typing import Any

import pytest

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


def link_env() -> dict[str, str]:
    """The environment for a runner subprocess: straight to 127.0.0.1, no CI, no fresh flag."""
    dropped = {"HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"}
    dropped |= {"GITHUB_ACTIONS", "LINKCHECK_FRESH"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env["NO_PROXY"] = "127.0.0.1,localhost"
    return env


def start_linkcheck(root: Path, *extra: str) -> subprocess.Popen[str]:
    """``make linkcheck``'s command for the handbook under ``root``, in its own process group
    (as a terminal runs it: a Ctrl-C reaches the runner and Sphinx alike)."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "generlate_handbook.links.external",
            str(root / "handbook"),
            str(root / "_build" / "linkcheck"),
            "--root",
            str(root),
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=link_env(),
        start_new_session=True,
    )


def finish(proc: subprocess.Popen[str], timeout: float) -> tuple[int, str, str]:
    """Wait for a :func:`start_linkcheck` process; kill its group and fail the test (rather than
    hang) if it is still running after ``timeout`` seconds."""
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        pytest.fail(f"make linkcheck still running after {timeout} s:\n{out}\n{err}")
    return proc.returncode, out, err


def run_linkcheck(root: Path, *extra: str, timeout: float = 90) -> tuple[int, str]:
    """Run ``make linkcheck``'s command to the end; (exit status, stdout + stderr)."""
    status, out, err = finish(start_linkcheck(root, *extra), timeout)
    return status, out + err


def summary_rows(out: str) -> dict[str, list[str]]:
    """The summary table's rows by URL: ``[page:line, status, url, reason words...]``."""
    rows = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[2].startswith("http") and ":" in parts[0]:
            rows[parts[2]] = parts
    return rows


def write_links(root: Path, urls: list[str], allowlist: str | None = None, **conf: Any) -> Path:
    """A one-page handbook listing ``urls``; ``conf`` overrides settings (5 s time-out)."""
    items = "".join(f"- <{url}>\n" for url in urls)
    return write_project(
        root,
        {"index.md": f"# Links\n\n{items}"},
        overrides={"linkcheck_timeout": 5, **conf},
        allowlist=allowlist,
    )
