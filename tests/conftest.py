"""Shared fixtures. Sphinx's own testing fixtures (``make_app``, ``app``) are enabled here."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["sphinx.testing.fixtures"]

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def repo() -> Path:
    """The repository's root folder."""
    return REPO
