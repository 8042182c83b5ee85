"""``make serve``: the live preview rebuilds and serves an edited page and an edited policy.

The command is taken from ``make -n serve`` (so the test runs exactly what the Makefile runs) and
started in a fresh clone on a free port of 127.0.0.1; every wait is bounded.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.build

REPO = Path(__file__).resolve().parent.parent
AUTOBUILD = REPO / ".venv" / "bin" / "sphinx-autobuild"
WAIT = 90  # seconds for one rebuild to be served


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return str(answer.read().decode())
    except (OSError, http.client.HTTPException):  # a page rewritten while it is being read
        return ""


def wait_for(url: str, text: str) -> bool:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if text in fetch(url):
            return True
        time.sleep(0.5)
    return False


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    if not AUTOBUILD.exists():
        pytest.skip("make venv installs sphinx-autobuild (the serve extra)")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(REPO), str(clone)], check=True)
    (clone / ".venv").symlink_to(REPO / ".venv")
    port = free_port()
    dry = subprocess.run(
        ["make", "-n", "serve", f"SERVE_PORT={port}"], cwd=clone, capture_output=True, text=True
    )
    commands = dry.stdout.replace("\\\n", " ").splitlines()
    lines = [line for line in commands if "sphinx-autobuild" in line]
    assert len(lines) == 1, dry.stdout
    assert "--watch policy" in lines[0] and "--watch ext" in lines[0]
    assert f"--host 127.0.0.1 --port {port}" in lines[0]
    server = subprocess.Popen(
        ["bash", "-c", f"exec {lines[0]}"],
        cwd=clone,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        yield clone, f"http://127.0.0.1:{port}"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def test_an_edited_page_and_an_edited_policy_are_served(preview: tuple[Path, str]) -> None:
    clone, url = preview
    assert wait_for(f"{url}/customer-support/slas.html", "99.5%")
    page = clone / "handbook" / "customer-support" / "ethos.md"
    page.write_text(page.read_text() + "\nA sentence added while previewing.\n")
    assert wait_for(f"{url}/customer-support/ethos.html", "A sentence added while previewing.")
    policy = clone / "policy" / "support.yaml"
    policy.write_text(policy.read_text().replace("availability: 99.5%", "availability: 99.9%"))
    assert wait_for(f"{url}/customer-support/slas.html", "99.9%")
