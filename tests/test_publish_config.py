"""The publishing configuration: the GitHub Pages workflow and the Read the Docs previews.

These files only run on GitHub and Read the Docs, so their promises are checked here: what is
published has passed `make check`, with git history for the dates, least permissions, and an
older run never deploying over a newer one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

REPO = Path(__file__).resolve().parent.parent
WORKFLOWS = REPO / ".github" / "workflows"


def load(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text("utf-8"))


@pytest.fixture(scope="module")
def publish() -> Any:
    return load(WORKFLOWS / "publish.yml")


def step_index(
    steps: list[dict[str, Any]], *, run: str | None = None, uses: str | None = None
) -> int:
    for index, step in enumerate(steps):
        if run is not None and step.get("run", "").strip() == run:
            return index
        if uses is not None and step.get("uses", "").startswith(uses):
            return index
    raise AssertionError(f"no step {run or uses}")


def test_publishes_main_only(publish):
    assert publish["on"]["push"] == {"branches": ["main"]}
    assert set(publish["on"]) == {"push", "workflow_dispatch"}
    assert publish["jobs"]["build"]["if"] == "github.ref == 'refs/heads/main'"


def test_least_permissions(publish):
    assert publish["permissions"] == {"contents": "read"}
    assert "permissions" not in publish["jobs"]["build"]
    assert publish["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}


def test_nothing_make_check_rejects_is_published(publish):
    steps = publish["jobs"]["build"]["steps"]
    checkout = steps[step_index(steps, uses="actions/checkout@")]
    assert checkout["with"]["fetch-depth"] == 0  # git dates need the history
    check = step_index(steps, run="make check")
    html = step_index(steps, run="make html")
    upload = step_index(steps, uses="actions/upload-pages-artifact@")
    assert check < html < upload
    assert not any(step.get("continue-on-error") for step in steps)
    assert steps[upload]["with"]["path"] == "_build/html"


def test_an_older_run_never_overwrites_a_newer_one(publish):
    assert publish["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    deploy = publish["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["if"] == "needs.build.outputs.current == 'true'"
    steps = publish["jobs"]["build"]["steps"]
    current = next(step for step in steps if step.get("id") == "current")
    assert "$GITHUB_SHA" in current["run"] and "git fetch --quiet origin main" in current["run"]
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]


def test_the_site_address_comes_from_the_pages_settings(publish):
    steps = publish["jobs"]["build"]["steps"]
    for run in ("make check", "make html"):
        env = steps[step_index(steps, run=run)]["env"]
        assert env == {"HANDBOOK_BASEURL": "${{ steps.pages.outputs.base_url }}"}


def test_the_existing_ci_keeps_its_jobs_and_has_git_history():
    ci = load(WORKFLOWS / "handbook.yml")
    assert set(ci["jobs"]) >= {"check", "linkcheck"}
    steps = ci["jobs"]["check"]["steps"]
    assert steps[step_index(steps, uses="actions/checkout@")]["with"]["fetch-depth"] == 0
    assert step_index(steps, run="make check") < step_index(steps, run="make test")


def test_read_the_docs_previews_run_the_same_build():
    rtd = load(REPO / ".readthedocs.yaml")
    assert rtd["version"] == 2
    assert rtd["build"]["tools"]["python"] == "3.11"
    commands = rtd["build"]["commands"]
    assert "make html" in commands
    assert commands.index("git fetch --unshallow || true") < commands.index("make html")
    assert any("$READTHEDOCS_OUTPUT/html" in c and "_build/html" in c for c in commands)
