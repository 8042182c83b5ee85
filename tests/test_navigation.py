"""The primary sidebar lists the current page's neighbourhood (generlate_handbook.navigation).

A small section is listed whole; in a large one each page lists a bounded window around itself
at each level of its path, so a page's sidebar does not grow with its section. Built pages are
checked for what assistive technology needs: a named <nav>, the current page marked, no unnamed
toggles, every title escaped.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sphinx.testing.util import SphinxTestApp

from generlate_handbook.navigation import Entry, Outline, neighbourhood

REPO = Path(__file__).resolve().parent.parent


def outline(tree: dict[str, list[str]], root: str = "index") -> Outline:
    """An outline from ``{parent: [children]}``; titles are the docnames upper-cased."""
    result = Outline(root=root)
    for parent, children in tree.items():
        for child in children:
            result.add(parent, child.upper(), child)
    result.count_sections()
    return result


def lines(entries: tuple[Entry, ...], depth: int = 0) -> list[str]:
    """The sidebar as text: one line per entry, indented by level; * current, > on the path."""
    out = []
    for entry in entries:
        if entry.more:
            where = "earlier" if entry.earlier else "later"
            out.append(f"{'  ' * depth}[{entry.more} {where} -> {entry.href}]")
            continue
        mark = "*" if entry.current else (">" if entry.on_path else "")
        out.append(f"{'  ' * depth}{mark}{entry.title}")
        out += lines(entry.children, depth + 1)
    return out


def sidebar(tree: Outline, page: str, window: int = 5, full: int = 8) -> list[str]:
    return lines(neighbourhood(tree, page, lambda doc: f"{doc}.html", window, full))


SMALL = outline({"index": ["s", "t"], "s": ["a", "b", "c"], "b": ["b1", "b2"], "t": ["z"]})
LARGE = outline(
    {
        "index": ["s"],
        "s": [f"p{n:02d}" for n in range(20)],
        "p10": [f"c{n:02d}" for n in range(12)],
    }
)


@pytest.mark.parametrize(
    ("tree", "page", "expected"),
    [
        # A small section is listed whole and open, wherever the page is in it.
        (SMALL, "a", ["*A", "B", "  B1", "  B2", "C"]),
        (SMALL, "b2", ["A", ">B", "  B1", "  *B2", "C"]),
        (SMALL, "s", ["A", "B", "  B1", "  B2", "C"]),  # the section's own page: its pages
        (SMALL, "z", ["*Z"]),  # another section: only that section
        # A large section: a window of 5 around the page, links to the nearest hidden pages.
        (LARGE, "p00", ["*P00", "P01", "P02", "P03", "P04", "[15 later -> p05.html]"]),
        (
            LARGE,
            "p07",
            [
                "[5 earlier -> p04.html]",
                "P05",
                "P06",
                "*P07",
                "P08",
                "P09",
                "[10 later -> p10.html]",
            ],
        ),
        (LARGE, "p19", ["[15 earlier -> p14.html]", "P15", "P16", "P17", "P18", "*P19"]),
        # A page with many children lists the first few of them under itself.
        (
            LARGE,
            "p10",
            [
                "[8 earlier -> p07.html]",
                "P08",
                "P09",
                "*P10",
                "  C00",
                "  C01",
                "  C02",
                "  C03",
                "  C04",
                "  [7 later -> c05.html]",
                "P11",
                "P12",
                "[7 later -> p13.html]",
            ],
        ),
        # Deeper: the path is open at each level, each level windowed around the path.
        (
            LARGE,
            "c11",
            [
                "[8 earlier -> p07.html]",
                "P08",
                "P09",
                ">P10",
                "  [7 earlier -> c06.html]",
                "  C07",
                "  C08",
                "  C09",
                "  C10",
                "  *C11",
                "P11",
                "P12",
                "[7 later -> p13.html]",
            ],
        ),
        # Pages outside every section have no sidebar: the root page, an orphan.
        (SMALL, "index", []),
        (SMALL, "orphan", []),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_neighbourhood(tree, page, expected):
    assert sidebar(tree, page) == expected


def test_the_sidebar_stays_bounded_however_large_the_section():
    sizes = {}
    for pages in (100, 10_000):
        tree = outline({"index": ["s"], "s": [f"p{n}" for n in range(pages)]})
        sizes[pages] = max(len(sidebar(tree, f"p{n}", 21, 60)) for n in (0, pages // 2, pages - 1))
    assert sizes == {100: 23, 10_000: 23}  # 21 pages and a link to more on each side


def test_a_toctree_cycle_ends():
    tree = outline({"index": ["s"], "s": ["a"], "a": ["b"], "b": ["a"]})
    assert sidebar(tree, "b") == [">A", "  *B", "    A"]  # listed again, never expanded again


def test_only_web_addresses_are_external_links():
    tree = outline({"index": ["s"], "s": ["a"]})
    tree.add("s", "Status", "https://status.example.com/")
    tree.children["s"].append(("x", "javascript://%0a"))  # Outline.of never lists this
    entries = neighbourhood(tree, "a", lambda doc: f"{doc}.html", 21, 60)
    assert [(entry.title, entry.href, entry.external) for entry in entries] == [
        ("A", "a.html", False),
        ("Status", "https://status.example.com/", True),
    ]


# --- Built pages -------------------------------------------------------------------------------

# Markup as text in a title (backslash-escaped in MyST), which the sidebar must keep as text.
HOSTILE = "<img src=x onerror=alert(1)> & <b>bold</b>"
HOSTILE_SOURCE = r"\<img src=x onerror=alert(1)> & \<b>bold\</b>"


def build(tmp_path: Path, make_app: object, pages: dict[str, str], conf: str = "") -> Path:
    srcdir = tmp_path / "handbook"
    shutil.copytree(
        REPO / "handbook",
        srcdir,
        ignore=lambda folder, names: (
            [n for n in names if n not in ("conf.py", "_templates")]
            if Path(folder) == REPO / "handbook"
            else []
        ),
    )
    shutil.copytree(REPO / "policy", tmp_path / "policy")
    with (srcdir / "conf.py").open("a", encoding="utf-8") as file:
        file.write("\n" + conf)
    for name, text in pages.items():
        (srcdir / name).parent.mkdir(parents=True, exist_ok=True)
        (srcdir / name).write_text(text, "utf-8")
    app: SphinxTestApp = make_app("html", srcdir=srcdir, builddir=tmp_path / "_build")  # type: ignore[operator]
    try:
        app.build()
        assert app.statuscode == 0
        assert app.warning.getvalue() == ""
    finally:
        app.cleanup()
    return tmp_path / "_build" / "html"


def nav_of(html: Path, page: str) -> BeautifulSoup | None:
    soup = BeautifulSoup((html / f"{page}.html").read_text("utf-8"), "html.parser")
    return soup.select_one("#pst-primary-sidebar nav.bd-docs-nav")


def section(count: int, title: str = "Page {n}") -> dict[str, str]:
    names = "\n".join(f"p{n:03d}" for n in range(count))
    pages = {
        "index.md": "# Home\n\n```{toctree}\ns/index\n```\n",
        "s/index.md": f"# Section\n\n```{{toctree}}\n{names}\n```\n",
    }
    for n in range(count):
        pages[f"s/p{n:03d}.md"] = f"# {title.format(n=n)}\n\nText.\n"
    return pages


@pytest.mark.build
def test_built_sidebar_is_named_marks_the_page_and_escapes_titles(tmp_path, make_app):
    html = build(tmp_path, make_app, section(3, title=HOSTILE_SOURCE + " {n}"))
    for n in range(3):
        nav = nav_of(html, f"s/p{n:03d}")
        assert nav is not None and nav["aria-label"] == "Section Navigation"
        current = nav.select('a[aria-current="page"]')
        assert [a.get_text() for a in current] == [f"{HOSTILE} {n}"]  # text, not markup
        assert nav.select("img, b, details, summary, button, input") == []
        assert len(nav.select("a")) == 3
    root = BeautifulSoup((html / "index.html").read_text("utf-8"), "html.parser")
    assert "hide-on-wide" in root.select_one("#pst-primary-sidebar")["class"]
    assert root.select("nav.bd-docs-nav") == []


@pytest.mark.build
def test_built_sidebar_of_a_large_section_is_a_window(tmp_path, make_app):
    conf = "navigation_window = 5\nnavigation_full_section = 10\n"
    html = build(tmp_path, make_app, section(30), conf)
    texts = [a.get_text() for a in nav_of(html, "s/p015").select("a")]
    assert texts == ["13 earlier pages", *(f"Page {n}" for n in range(13, 18)), "12 later pages"]


@pytest.mark.build
def test_the_real_handbook_lists_its_whole_section_on_every_page(tmp_path, make_app):
    srcdir = tmp_path / "handbook"
    shutil.copytree(REPO / "handbook", srcdir, ignore=shutil.ignore_patterns("_build"))
    shutil.copytree(REPO / "policy", tmp_path / "policy")
    app: SphinxTestApp = make_app("html", srcdir=srcdir, builddir=tmp_path / "_build")
    try:
        app.build()
        assert app.statuscode == 0
    finally:
        app.cleanup()
    html = tmp_path / "_build" / "html"
    pages = sorted(p.stem for p in (srcdir / "customer-support").glob("*.md") if p.stem != "index")
    for page in [*pages, "index"]:
        nav = nav_of(html, f"customer-support/{page}")
        listed = sorted(Path(a["href"]).stem for a in nav.select("a") if a["href"] != "#")
        assert listed == sorted(set(pages) - {page}), page
        assert len(nav.select('a[aria-current="page"]')) == (page != "index")


def sphinx_build(srcdir: Path, outdir: Path) -> None:
    """A build in its own interpreter, as ``make html`` runs it."""
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-n", "-W"]
    subprocess.run([*command, str(srcdir), str(outdir)], check=True, timeout=300)


@pytest.mark.build
def test_renaming_a_page_rewrites_the_pages_whose_sidebar_shows_it(tmp_path, make_app):
    conf = "navigation_window = 5\nnavigation_full_section = 10\n"
    html = build(tmp_path, make_app, section(30), conf)
    srcdir, outdir = tmp_path / "handbook", tmp_path / "_build" / "html"
    sphinx_build(srcdir, outdir)  # up to date: the same environment, in a process of its own
    written = {path: path.stat().st_mtime_ns for path in outdir.glob("s/*.html")}
    (srcdir / "s" / "p015.md").write_text("# Renamed\n\nText.\n", "utf-8")
    sphinx_build(srcdir, outdir)
    rewritten = sorted(p.stem for p, mtime in written.items() if p.stat().st_mtime_ns != mtime)
    # Windows of 5 pages: p015 shows on p013 to p017 (Sphinx also rewrites the section index).
    assert [page for page in rewritten if page != "index"] == [f"p{n:03d}" for n in range(13, 18)]
    assert "Renamed" in nav_of(html, "s/p013").get_text()
    assert "Renamed" not in nav_of(html, "s/p012").get_text()
