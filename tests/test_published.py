"""What reaches ``_build/html`` (issue #8, defects 1 and 9).

* Editor notes (``% ...`` lines) reach no built file: not ``_sources/``, not the search index,
  nothing under ``_build/html``, for a fixture page and for the real handbook.
* Output that no current source produced does not survive a build: an image, a download or a
  page dropped from the sources disappears from ``_build/html`` at the next build, whether it
  is incremental or fresh (``-E``), and so does anything an older build left in ``_images/``,
  ``_downloads/`` or ``_sources/``.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from links_project import write_project
from sphinx.search.en import SearchEnglish
from sphinx_run import build_html

pytestmark = pytest.mark.build

REPO = Path(__file__).resolve().parent.parent
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000100ffff03000006000557bfabd40000000049454e44ae426082"
)
NOTE = "Editor note: the refund figure is still under negotiation 7d3a"


def sphinx(root: Path, *options: str, source: str = "handbook") -> None:
    build_html(root, *options, source=source)


def files_containing(folder: Path, text: str) -> list[str]:
    """Every file under ``folder`` whose bytes contain ``text`` (UTF-8), relative."""
    needle = text.encode()
    return sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and needle in p.read_bytes()
    )


def test_editor_notes_reach_no_built_file(tmp_path):
    write_project(
        tmp_path,
        {
            "index.md": "# Home\n\n```{toctree}\nnoted\n```\n",
            "noted.md": f"# Noted\n\n% {NOTE}\nReaders read this.\n\n% {NOTE} (twice)\n",
        },
    )
    sphinx(tmp_path)
    html = tmp_path / "_build" / "html"
    assert "Readers read this." in (html / "noted.html").read_text("utf-8")
    assert files_containing(html, "7d3a") == []
    assert files_containing(html, "under negotiation") == []
    assert note_only_terms(html, [NOTE]) == set()
    assert "negoti" not in index_terms(html) and "reader" in index_terms(html)
    assert not (html / "_sources").exists()


def test_real_handbook_editor_notes_reach_no_built_file(tmp_path):
    shutil.copytree(
        REPO / "handbook", tmp_path / "handbook", ignore=shutil.ignore_patterns("_build")
    )
    shutil.copytree(REPO / "policy", tmp_path / "policy")
    notes = [
        line.lstrip("%").strip()
        for page in (tmp_path / "handbook").rglob("*.md")
        for line in page.read_text("utf-8").splitlines()
        if line.startswith("%") and len(line.lstrip("%").strip()) > 20
    ]
    assert notes, "the real handbook has editor notes; this test needs at least one"
    sphinx(tmp_path, "-E")
    html = tmp_path / "_build" / "html"
    assert not (html / "_sources").exists()
    leaked = {note: files_containing(html, note) for note in notes}
    assert {note: where for note, where in leaked.items() if where} == {}
    # Nor any word only a note uses, as a search term (the index holds stems).
    assert note_only_terms(html, notes) == set()


def index_terms(html: Path) -> set[str]:
    """The search terms in ``searchindex.js``."""
    text = (html / "searchindex.js").read_text("utf-8")
    data = json.loads(text[text.index("(") + 1 : text.rindex(")")])
    return set(data["terms"]) | set(data.get("titleterms", {}))


def note_only_terms(html: Path, notes: list[str]) -> set[str]:
    """Search terms stemmed from words that appear in editor notes and nowhere readers look."""
    stem = SearchEnglish({}).stem
    shown = set()
    for page in html.rglob("*.html"):
        text = BeautifulSoup(page.read_text("utf-8"), "html.parser").get_text(" ")
        shown |= {stem(w) for w in re.findall(r"\w+", text.lower())}
    noted = {stem(w) for note in notes for w in re.findall(r"\w+", note.lower())}
    return (noted - shown) & index_terms(html)


PAGES = {
    "index.md": "# Home\n\n```{toctree}\nguide\nold\n```\n",
    "guide.md": "# Guide\n\n![Logo](img/logo.png)\n\n{download}`form <files/form.txt>`\n",
    "old.md": "# Old\n\nSoon gone.\n",
}
FILES = {"img/logo.png": PNG, "files/form.txt": b"Form\n"}


@pytest.mark.parametrize("second_build", [(), ("-E",)], ids=["incremental", "fresh"])
def test_output_no_current_source_produced_does_not_survive(tmp_path, second_build):
    src = write_project(tmp_path, PAGES, files=FILES)
    sphinx(tmp_path)
    html = tmp_path / "_build" / "html"
    assert (html / "_images" / "logo.png").exists()
    assert [p.name for p in (html / "_downloads").rglob("*.txt")] == ["form.txt"]
    assert (html / "old.html").exists()
    # What an older, unfixed build left behind: a copied secret, a page source.
    planted = [
        html / "_images" / "hostname",
        html / "_downloads" / "0123abcd" / "config",
        html / "_sources" / "guide.md.txt",
    ]
    for path in planted:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("token = s3cret\n")

    (src / "guide.md").write_text("# Guide\n\nNo pictures, no files.\n")
    (src / "old.md").unlink()
    (src / "index.md").write_text("# Home\n\n```{toctree}\nguide\n```\n")
    sphinx(tmp_path, *second_build)

    assert not (html / "old.html").exists()
    assert files_containing(html, "s3cret") == []
    assert not (html / "_images").exists() or list((html / "_images").iterdir()) == []
    assert not (html / "_downloads").exists() or list((html / "_downloads").rglob("*")) == []
    assert not (html / "_sources").exists()
    assert (html / "guide.html").exists() and (html / "genindex.html").exists()
    assert (html / "search.html").exists() and (html / "_static").is_dir()


def test_a_build_with_nothing_to_do_still_removes_stale_output(tmp_path):
    write_project(tmp_path, PAGES, files=FILES)
    sphinx(tmp_path)
    html = tmp_path / "_build" / "html"
    stale = html / "_images" / "hostname"
    stale.write_text("build-machine\n")
    sphinx(tmp_path)  # no source changed
    assert not stale.exists()
    assert (html / "_images" / "logo.png").exists()
    assert [p.name for p in (html / "_downloads").rglob("*.txt")] == ["form.txt"]


def test_copying_page_sources_is_refused_in_conf(tmp_path):
    write_project(tmp_path, PAGES, files=FILES, extra_conf="html_copy_source = True\n")
    proc = subprocess.run(
        [sys.executable, "-m", "sphinx", "-M", "html", "handbook", "_build", "-n", "-W"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert proc.returncode != 0
    assert "html_copy_source = True would publish every page's source" in proc.stderr
    assert "[links.copy_source]" in proc.stderr
