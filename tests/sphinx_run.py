"""Running the project's commands in a throwaway project folder, as ``make`` would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_module(
    root: Path, *command: str, env_drop: str = "GITHUB_ACTIONS"
) -> subprocess.CompletedProcess[str]:
    """``python -m COMMAND…`` in ``root`` (no annotations for GitHub: plain messages)."""
    return subprocess.run(
        [sys.executable, "-m", *command],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        env={k: v for k, v in os.environ.items() if not k.startswith(env_drop)},
    )


def build_html(root: Path, *options: str, source: str = "handbook") -> Path:
    """A strict HTML build of ``root/source`` into ``root/_build`` (conf.py's defaults, no
    ``HANDBOOK_*`` overrides); fails the test with Sphinx's messages. Returns the HTML folder."""
    proc = run_module(
        root, "sphinx", "-M", "html", source, "_build", "-n", "-W", *options, env_drop="HANDBOOK_"
    )
    assert proc.returncode == 0, proc.stderr
    return root / "_build" / "html"
