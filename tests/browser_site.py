"""Helpers for the browser tests: find Chromium and axe-core, serve a built site like GitHub Pages.

The site is served on 127.0.0.1 on a free port, from its folder only: an unknown path answers
404 with the site's ``404.html``, as GitHub Pages does, and a folder serves its ``index.html``.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
AXE = REPO / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
SETUP_HINT = "run `make browser` (installs Debian's chromium with apt, and axe-core with npm ci)"


def chromium_path() -> Path | None:
    """Debian's Chromium, or Google Chrome where it comes with the machine (GitHub's runners);
    ``HANDBOOK_CHROMIUM`` overrides. None when none is installed."""
    configured = os.environ.get("HANDBOOK_CHROMIUM")
    if configured:
        return Path(configured) if Path(configured).is_file() else None
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return Path(found)
    return None


def require(condition: bool, what: str) -> None:
    """Skip (or, under CI=true, fail) a browser test when ``what`` is not installed."""
    import pytest

    if condition:
        return
    message = f"{what} is not installed: {SETUP_HINT}"
    if under_ci():
        pytest.fail(message + " (CI=true: the browser tests may not be skipped)")
    pytest.skip(message)


def under_ci() -> bool:
    """CI=true: a missing browser fails the run instead of skipping the browser tests."""
    return os.environ.get("CI", "").lower() in {"true", "1", "yes"}


class _GitHubPagesHandler(http.server.SimpleHTTPRequestHandler):
    """Static files; an unknown path answers 404 with the site's own 404.html."""

    def log_message(self, format: str, *args: object) -> None:
        pass  # quiet: the tests report what matters

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@contextmanager
def serving(handler: Callable[..., http.server.BaseHTTPRequestHandler]) -> Iterator[str]:
    """Run ``handler`` on 127.0.0.1, a free port, in a thread; yields the base URL (ending
    in /); the server stops when the block ends."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def serve(folder: Path) -> contextlib.AbstractContextManager[str]:
    """Serve ``folder`` like GitHub Pages on 127.0.0.1; the base URL (ending in /)."""
    return serving(functools.partial(_GitHubPagesHandler, directory=str(folder)))
