"""Building small Sphinx projects with the policy extension, for the tests."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from bs4 import BeautifulSoup
from docutils import nodes
from sphinx.testing.util import SphinxTestApp
from sphinx.util.console import strip_escape_sequences

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent

CONF = """\
extensions = ["myst_parser", "sphinx_design", "generlate_handbook.sphinxext"]
policy_dir = "../policy"
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
root_doc = "index"
nitpicky = True
html_theme = "basic"
"""

# --- Building ----------------------------------------------------------------------------------


@dataclass
class Built:
    """What one build left behind: its streams, its doctrees and its HTML."""

    srcdir: Path
    outdir: Path
    status: str
    warnings: str
    doctrees: dict[str, nodes.document] = field(default_factory=dict)
    read: list[str] = field(default_factory=list)  # docnames re-read, from 'source-read'
    dependencies: dict[str, set[str]] = field(default_factory=dict)  # env.dependencies

    def html(self, docname: str) -> BeautifulSoup:
        return BeautifulSoup((self.outdir / f"{docname}.html").read_text("utf-8"), "html.parser")

    def raw_html(self, docname: str) -> str:
        return (self.outdir / f"{docname}.html").read_text("utf-8")

    def warning_lines(self) -> list[str]:
        return [line for line in self.warnings.splitlines() if line.strip()]


def run(app: SphinxTestApp) -> Built:
    """Build ``app``, collect what the tests look at, and clean up its global registrations.

    Cleaning up at once lets a test build a second app (``make_app`` only cleans up after the
    test); otherwise the second app warns that Sphinx's node classes are already registered.
    """
    read: list[str] = []
    app.connect("source-read", lambda _app, docname, _content: read.append(docname))
    try:
        app.build()
        assert app.statuscode == 0, app.warning.getvalue()
        return Built(
            srcdir=Path(app.srcdir),
            outdir=Path(app.outdir),
            status=strip_escape_sequences(app.status.getvalue()),
            warnings=strip_escape_sequences(app.warning.getvalue()),
            doctrees={name: app.env.get_doctree(name) for name in sorted(app.env.found_docs)},
            read=sorted(read),
            dependencies={
                doc: {str(dep) for dep in deps}
                for doc, deps in app.env.dependencies.items()
                if deps
            },
        )
    finally:
        app.cleanup()


def copy_policy(root: Path) -> Path:
    """A copy of the real policy folder at ``root/policy`` (the projects' ``policy_dir``)."""
    target = root / "policy"
    shutil.copytree(REPO / "policy", target)
    return target / "support.yaml"


def edit_policy(path: Path, old: str, new: str) -> None:
    """Replace ``old`` (which must occur once) and move the mtime on, so no cache can miss it."""
    text = path.read_text("utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
    path.write_text(text.replace(old, new), "utf-8")
    stat = path.stat()
    os.utime(path, (stat.st_atime + 10, stat.st_mtime + 10))


def line_of(text: str, needle: str) -> int:
    """1-based number of the only line containing ``needle``."""
    numbers = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert len(numbers) == 1, f"{needle!r} is on lines {numbers}"
    return numbers[0]


def write_project(root: Path, pages: dict[str, str], conf: str = CONF) -> Path:
    """A project at ``root/src`` with ``pages`` (file name -> text) beside ``root/policy``."""
    srcdir = root / "src"
    srcdir.mkdir(parents=True)
    (srcdir / "conf.py").write_text(conf, "utf-8")
    for name, text in pages.items():
        (srcdir / name).write_text(text, "utf-8")
    return srcdir


def text_of(element: object) -> str:
    return " ".join(element.get_text(" ").split())  # type: ignore[attr-defined]
