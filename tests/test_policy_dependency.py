"""Incremental builds follow the policy's content, not its files' modification times.

A page that renders the policy is re-read when the policy says something new (an edit, a file
added or removed), and never because a file was only touched; serial and ``-j 2`` alike.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

from generlate_handbook.sphinxext.dependency import policy_digest

pytestmark = pytest.mark.build

REPO = Path(__file__).resolve().parent.parent

CONF = """\
extensions = ["myst_parser", "generlate_handbook.sphinxext"]
policy_dir = "../policy"
root_doc = "index"
html_theme = "basic"
policy_check = False
"""
PAGES = {
    "index.md": "# Home\n\nAvailability: {policy}`plans.managed.availability`.\n\n"
    "```{toctree}\nbudget\nplain\nkpis\n```\n",
    "budget.md": "# Budget\n\n```{availability-budget} managed\n```\n",
    "plain.md": "# Plain\n\nThis page names nothing from the policy.\n",
    "kpis.md": "# KPIs\n\n```{policy-list} kpis\n```\n",
}
USERS = ["budget", "index", "kpis"]


class Project:
    """The pages above and a copy of the real policy; ``build()`` returns the pages re-read."""

    def __init__(self, root: Path, make_app: object, parallel: int) -> None:
        self.policy = root / "policy"
        shutil.copytree(REPO / "policy", self.policy)
        self.srcdir = root / "src"
        self.srcdir.mkdir()
        (self.srcdir / "conf.py").write_text(CONF, "utf-8")
        for name, text in PAGES.items():
            (self.srcdir / name).write_text(text, "utf-8")
        self.builddir = root / "_build"
        self.make_app = make_app
        self.parallel = parallel

    def build(self) -> tuple[list[str], str]:
        app: SphinxTestApp = self.make_app(  # type: ignore[operator]
            "html", srcdir=self.srcdir, builddir=self.builddir, parallel=self.parallel
        )
        read: list[str] = []
        app.connect("env-before-read-docs", lambda _app, _env, docnames: read.extend(docnames))
        try:
            app.build()
            assert app.statuscode == 0
            assert app.warning.getvalue() == ""
            return sorted(read), (self.builddir / "html" / "index.html").read_text("utf-8")
        finally:
            app.cleanup()

    def later(self, path: Path) -> None:
        """Set ``path``'s modification time to now, strictly after anything before (a save)."""
        time.sleep(0.02)
        os.utime(path)

    def edit(self, path: Path, old: str, new: str) -> None:
        text = path.read_text("utf-8")
        assert text.count(old) == 1
        path.write_text(text.replace(old, new), "utf-8")
        self.later(path)


@pytest.fixture(params=[0, 2], ids=["serial", "j2"])
def project(request, tmp_path, make_app) -> Project:
    return Project(tmp_path, make_app, request.param)


def test_touching_the_policy_rereads_nothing(project):
    assert project.build()[0] == ["budget", "index", "kpis", "plain"]
    for _ in range(2):  # touched twice: still nothing (the page's reading time moved on)
        project.later(project.policy / "support.yaml")
        assert project.build()[0] == []


def test_a_content_change_rereads_exactly_the_pages_that_use_the_policy(project):
    project.build()
    project.later(project.policy / "support.yaml")
    assert project.build()[0] == []
    project.edit(project.policy / "support.yaml", "availability: 99.5%", "availability: 99.9%")
    read, index = project.build()
    assert read == USERS
    assert "99.9%" in index
    # Changed back (a revert): the content differs from the last build's, so it is read again.
    project.edit(project.policy / "support.yaml", "availability: 99.9%", "availability: 99.5%")
    read, index = project.build()
    assert read == USERS
    assert "99.5%" in index and "99.9%" not in index


@pytest.mark.parametrize("page_first", [True, False], ids=["page-then-policy", "policy-then-page"])
def test_a_page_edited_around_a_touch_is_still_reread(project, page_first):
    project.build()
    page, policy = project.srcdir / "budget.md", project.policy / "support.yaml"
    for path in (page, policy) if page_first else (policy, page):
        project.later(path)
    assert project.build()[0] == ["budget"]
    assert project.build()[0] == []


def test_moving_policy_into_a_new_file_rereads_the_pages_that_use_it(project):
    project.build()
    support = project.policy / "support.yaml"
    text = support.read_text("utf-8")
    start = text.index("\nkpis:")
    end = text.find("\n", text.find("\n", start + 1))
    rest = text[start + 1 :]
    following = [n for n, line in enumerate(rest.splitlines()) if line and not line[0].isspace()]
    cut = len("\n".join(rest.splitlines()[: following[1]])) if len(following) > 1 else len(rest)
    assert end > start
    support.write_text(text[: start + 1] + rest[cut:], "utf-8")
    (project.policy / "kpis.yaml").write_text(rest[:cut].rstrip("\n") + "\n", "utf-8")
    assert project.build()[0] == USERS
    (project.policy / "kpis.yaml").unlink()
    support.write_text(text, "utf-8")
    assert project.build()[0] == USERS


def test_the_digest_follows_content_and_never_blocks_on_a_named_pipe(tmp_path):
    (tmp_path / "a.yaml").write_text("x: 1\n", "utf-8")
    os.mkfifo(tmp_path / "b.yaml")  # opened for reading, a named pipe would wait for a writer
    files = sorted(tmp_path.glob("*.yaml"))
    first = policy_digest(files)
    os.utime(tmp_path / "a.yaml", ns=(0, 0))  # the time alone: the same digest
    assert policy_digest(files) == first
    (tmp_path / "a.yaml").write_text("x: 2\n", "utf-8")
    assert policy_digest(files) != first
