"""Shared fixtures. Sphinx's own testing fixtures (``make_app``, ``app``) are enabled here."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_site import AXE, chromium_path, require

pytest_plugins = ["sphinx.testing.fixtures"]

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def repo() -> Path:
    """The repository's root folder."""
    return REPO


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Headless Debian Chromium driven by Playwright, one per test module (closed with it)."""
    executable = chromium_path()
    require(executable is not None, "Chromium (Debian package chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(executable), headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's script (npm, tests/browser/package.json)."""
    require(AXE.is_file(), "axe-core (npm, tests/browser/package.json)")
    return AXE.read_text("utf-8")
