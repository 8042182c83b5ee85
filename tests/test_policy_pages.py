"""The "Policy changes" page and the edit links to the policy, in a real build of a git clone."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.build

REPO = Path(__file__).resolve().parent.parent
HOSTILE = "Tighten <img src=x onerror=alert(1)> & <script>alert(2)</script>"


def git(cwd: Path, *args: str) -> str:
    command = ["git", "-c", "user.name=T", "-c", "user.email=t@example.com", *args]
    return subprocess.run(command, cwd=cwd, check=True, capture_output=True, text=True).stdout


def build(root: Path) -> Path:
    out = root / "_build"
    sphinx = Path(sys.executable).parent / "sphinx-build"
    done = subprocess.run(
        [str(sphinx), "-q", "-b", "html", "-n", "-W", str(root / "handbook"), str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("clone") / "repo"
    subprocess.run(["git", "clone", "--quiet", str(REPO), str(root)], check=True)
    policy = root / "policy" / "support.yaml"
    policy.write_text(policy.read_text().replace("within: 24h", "within: 16h", 1))
    git(root, "commit", "-qam", HOSTILE)
    return root


@pytest.fixture(scope="module")
def site(clone: Path) -> Path:
    return build(clone)


def page(site: Path, name: str) -> BeautifulSoup:
    return BeautifulSoup((site / name).read_text(), "html.parser")


def test_the_history_lists_the_commit_that_created_the_policy(clone: Path, site: Path) -> None:
    created = git(
        clone, "log", "--diff-filter=A", "--format=%H%x1f%cs", "--", "policy"
    ).splitlines()
    sha, day = created[-1].split("\x1f")
    items = page(site, "customer-support/policy-changes.html").select("ul.policy-history > li")
    last = items[-1].get_text(" ", strip=True)
    assert sha[:12] in last and day in last and "Created the policy." in last


def test_the_newest_change_is_in_readers_words_and_escaped(site: Path) -> None:
    html = page(site, "customer-support/policy-changes.html")
    newest = html.select("ul.policy-history > li")[0]
    assert HOSTILE in newest.get_text(" ")
    assert html.find("img", src="x") is None
    assert all("alert" not in script.get_text() for script in html.find_all("script"))
    assert (
        "Severity 1 response, self-hosted and managed: 24 working hours (3 business days) → "
        "16 working hours (2 business days) (stricter)" in newest.get_text("", strip=False)
    )


def test_a_page_that_renders_the_policy_links_to_its_lines(clone: Path, site: Path) -> None:
    box = page(site, "customer-support/slas.html").select_one(".policy-source")
    assert box is not None
    edit = box.select_one(".policy-source-file a")
    assert edit["href"].endswith("/edit/main/policy/support.yaml")
    lines = [int(a["href"].rsplit("#L", 1)[1]) for a in box.select(".policy-source-lines a")]
    text = (clone / "policy" / "support.yaml").read_text().splitlines()
    assert lines and all(text[line - 1].strip() for line in lines)
    assert any(text[line - 1].strip().startswith("availability:") for line in lines) or (
        "more" in box.get_text()
    )


def test_a_page_without_policy_values_has_no_policy_links(site: Path) -> None:
    assert page(site, "customer-support/team.html").select_one(".policy-source") is None


def test_outside_git_the_history_is_said_to_be_unavailable(tmp_path: Path) -> None:
    for folder in ("handbook", "policy"):
        shutil.copytree(REPO / folder, tmp_path / folder)
    site = build(tmp_path)
    text = page(site, "customer-support/policy-changes.html").select_one("article").get_text()
    assert "The policy’s history is unavailable" in text
