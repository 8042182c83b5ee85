"""The pre-commit hooks: they pass on a fresh clone and stop a commit that breaks the policy."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PRE_COMMIT = REPO / ".venv" / "bin" / "pre-commit"

pytestmark = pytest.mark.skipif(not PRE_COMMIT.exists(), reason="make venv installs pre-commit")


def run(cwd: Path, *args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(home),
        "GIT_AUTHOR_NAME": "T",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "T",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(REPO), str(clone)], check=True)
    (clone / ".venv").symlink_to(REPO / ".venv")
    done = run(clone, str(PRE_COMMIT), "install", home=tmp_path / "home")
    assert done.returncode == 0, done.stderr
    return clone


def test_every_hook_passes_on_a_fresh_clone(clone: Path, tmp_path: Path) -> None:
    done = run(clone, str(PRE_COMMIT), "run", "--all-files", home=tmp_path / "home")
    assert done.returncode == 0, done.stdout + done.stderr
    for hook in ("ruff check", "policy validate", "handbook source lint"):
        assert any(
            line.startswith(hook) and line.endswith("Passed") for line in done.stdout.splitlines()
        ), done.stdout


def test_a_commit_with_a_bad_policy_value_is_stopped_with_its_location(
    clone: Path, tmp_path: Path
) -> None:
    policy = clone / "policy" / "support.yaml"
    policy.write_text(policy.read_text().replace("availability: 99.5%", "availability: 99.5"))
    run(clone, "git", "add", "policy/support.yaml", home=tmp_path / "home")
    done = run(clone, "git", "commit", "-m", "typo", home=tmp_path / "home")
    assert done.returncode != 0
    output = done.stdout + done.stderr
    assert "policy/support.yaml:94: plans.managed.availability: 99.5 has no unit" in output
