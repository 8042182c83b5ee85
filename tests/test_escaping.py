"""Stored cross-site scripting (issue #8, defect 2): every reader-visible string is escaped.

A handbook with the real ``conf.py`` (theme, extensions, navigation settings) and the real
policy, except that a plan's name holds a ``<script>``, gets hostile titles: escaped markup in
headings, a heading that renders that plan name through the ``policy`` role, and a toctree entry
with a hostile explicit title. Every page then shows them in every context the theme renders
(top navigation and its mobile copy, sidebar, breadcrumbs, previous/next, page TOC, ``<title>``).
Each HTML page is parsed: nothing the titles could inject (an element, an event-handler
attribute, a script) exists, and the navigation shows each title as literal text.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sphinx_run import build_html

pytestmark = pytest.mark.build

REPO = Path(__file__).resolve().parent.parent
PLAN_NAME = "Managed <script>alert(4)</script> & co"
# (docname, source, the title as readers must see it in the top navigation)
PAGES = [
    (
        "index",
        "# Home\n\n```{toctree}\nplain\nplan\n"
        "Explicit <i onmouseover=alert(7)>x</i> & co <named>\nsection/index\n```\n",
        None,
    ),
    (
        "plain",
        "# Plain \\<img src=x onerror=alert(3)>\n\n"
        "## Quotes \"double\" 'single' & \\<b>amp\\</b>\n\nText.\n",
        "Plain <img src=x onerror=alert(3)>",
    ),
    ("plan", "# Plan {policy}`plans.managed.name`\n\nText.\n", f"Plan {PLAN_NAME}"),
    ("named", "# Named\n\nText.\n", "Explicit <i onmouseover=alert(7)>x</i> & co"),
    (
        "section/index",
        "# Section \\<img src=s onerror=alert(8)>\n\n```{toctree}\ndeep\n```\n",
        "Section <img src=s onerror=alert(8)>",
    ),
    (
        "section/deep",
        "# Deep {policy}`plans.managed.name`\n\n## Sub \\<svg onload=alert(5)>\n\nText.\n",
        None,
    ),
]
NAV_TITLES = [title for _doc, _src, title in PAGES if title]
INJECTED_TAGS = {"img", "svg", "b"}  # the theme uses none of these; the titles name them


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile-titles")
    src = root / "handbook"
    src.mkdir()
    shutil.copy(REPO / "handbook" / "conf.py", src / "conf.py")
    shutil.copytree(REPO / "policy", root / "policy")
    policy = root / "policy" / "support.yaml"
    text = policy.read_text("utf-8")
    assert text.count("    name: Managed\n") == 1
    policy.write_text(text.replace("    name: Managed\n", f"    name: {PLAN_NAME}\n"), "utf-8")
    for docname, source, _title in PAGES:
        path = src / f"{docname}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, "utf-8")
    return build_html(root)


def pages(html: Path) -> list[Path]:
    return sorted(p for p in html.rglob("*.html") if "_static" not in p.parts)


def soup_of(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text("utf-8"), "html.parser")


def injected(soup: BeautifulSoup) -> list[str]:
    """Every element or attribute in the page that hostile titles could have produced."""
    found = []
    for element in soup.find_all(True):
        if element.name in INJECTED_TAGS:
            found.append(f"<{element.name}>")
        for name, value in element.attrs.items():
            if name.lower().startswith("on"):
                found.append(f"<{element.name} {name}>")
            # An attribute value (a <link title=...>) holding the text is harmless: escaped
            # in the source, decoded by the parser. A URL that runs script is not.
            if name in {"href", "src"} and str(value).strip().lower().startswith("javascript:"):
                found.append(f"<{element.name} {name}={value!r}>")
        if element.name == "script" and "alert(" in element.get_text():
            found.append("<script>alert")
        if element.name == "i" and "fa" not in " ".join(element.get("class", [])):
            found.append("<i> without an icon class")
    return found


def test_every_page_is_built(site):
    built = {p.relative_to(site).with_suffix("").as_posix() for p in pages(site)}
    assert {docname for docname, _src, _title in PAGES} <= built


@pytest.mark.parametrize("docname", [d for d, _s, _t in PAGES] + ["genindex", "search"])
def test_hostile_titles_inject_nothing(site, docname):
    assert injected(soup_of(site / f"{docname}.html")) == []


def test_no_page_anywhere_has_injected_markup(site):
    assert {p.relative_to(site).as_posix(): injected(soup_of(p)) for p in pages(site)} == {
        p.relative_to(site).as_posix(): [] for p in pages(site)
    }


@pytest.mark.parametrize("docname", [d for d, _s, _t in PAGES])
def test_top_navigation_shows_titles_literally(site, docname):
    soup = soup_of(site / f"{docname}.html")
    navbars = soup.select("ul.bd-navbar-elements")
    assert len(navbars) == 2  # the header, and its copy in the mobile sidebar
    for navbar in navbars:
        links = [" ".join(a.get_text(" ").split()) for a in navbar.select("a.nav-link")]
        assert links == NAV_TITLES


def test_other_contexts_show_titles_literally(site):
    deep = soup_of(site / "section" / "deep.html")
    title = f"Deep {PLAN_NAME}"
    assert " ".join(deep.select_one("article h1").get_text(" ").split()).startswith(title)
    assert deep.title.get_text().startswith(title)
    crumbs = [" ".join(li.get_text(" ").split()) for li in deep.select("li.breadcrumb-item")]
    assert "Section <img src=s onerror=alert(8)>" in crumbs and title in crumbs
    toc = " ".join(
        deep.select_one("nav.page-toc, #pst-page-navigation-heading-2 + *, .bd-toc")
        .get_text(" ")
        .split()
    )
    assert "Sub <svg onload=alert(5)>" in toc
    sidebar = " ".join(deep.select_one(".bd-sidebar-primary").get_text(" ").split())
    assert title in sidebar
    prev_next = " ".join(deep.select_one(".prev-next-area").get_text(" ").split())
    assert "Section <img src=s onerror=alert(8)>" in prev_next
    plain = soup_of(site / "plain.html")
    assert "Quotes “double” ‘single’ & <b>amp</b>" in plain.select_one("article h2").get_text()


# A stand-in extension that records, on each page, the theme's own navigation HTML (priority
# 550: after the theme adds it, before the escaping one replaces it) and the escaping one's.
RECORDER = """
import json
from pathlib import Path

CALLS = [dict(n_links_before_dropdown=1, dropdown_text="More"), dict(n_links_before_dropdown=9)]
seen = {}


def _theme(app, pagename, templatename, context, doctree):
    seen[pagename] = [context["generate_header_nav_html"](**c) for c in CALLS]


def _ours(app, pagename, templatename, context, doctree):
    out = Path(app.outdir) / "nav-record" / (pagename.replace("/", "--") + ".json")
    out.parent.mkdir(exist_ok=True)
    ours = [context["generate_header_nav_html"](**c) for c in CALLS]
    out.write_text(json.dumps({"theme": seen[pagename], "ours": ours}))


def setup(app):
    app.connect("html-page-context", _theme, priority=550)
    app.connect("html-page-context", _ours, priority=650)
    return {"parallel_read_safe": True, "parallel_write_safe": False}
"""


def test_harmless_titles_get_exactly_the_themes_navigation(tmp_path):
    """Same markup as the theme's (links, classes, current page, the 'More' dropdown and its
    id), so the theme's CSS and JavaScript work unchanged; only the escaping differs."""
    src = tmp_path / "handbook"
    src.mkdir()
    conf = (REPO / "handbook" / "conf.py").read_text("utf-8")
    (src / "conf.py").write_text(
        conf
        + "\nimport os, sys\nsys.path.insert(0, os.path.dirname(__file__))\n"
        + "extensions = [*extensions, 'recorder']\n"
        + "html_theme_options['external_links'] = [{'name': 'Status', 'url': 'https://example.com/'}]\n",
        "utf-8",
    )
    (src / "recorder.py").write_text(RECORDER, "utf-8")
    shutil.copytree(REPO / "policy", tmp_path / "policy")
    pages = {
        "index": "# Home\n\n```{toctree}\none\ntwo\nThe third <three>\nsub/index\n```\n",
        "one": "# One\n\nText.\n",
        "two": "# Two & a half\n\nText.\n",
        "three": "# Three\n\nText.\n",
        "sub/index": "# Sub\n\n```{toctree}\nleaf\n```\n",
        "sub/leaf": "# Leaf\n\nText.\n",
    }
    for docname, text in pages.items():
        (src / f"{docname}.md").parent.mkdir(parents=True, exist_ok=True)
        (src / f"{docname}.md").write_text(text, "utf-8")
    build_html(tmp_path)
    records = sorted((tmp_path / "_build" / "html" / "nav-record").glob("*.json"))
    assert len(records) >= len(pages)
    for record in records:
        data = json.loads(record.read_text("utf-8"))
        theme = [" ".join(html.replace("&amp;", "&").split()) for html in data["theme"]]
        ours = [" ".join(html.replace("&amp;", "&").split()) for html in data["ours"]]
        assert ours == theme, record.name
        assert "dropdown-menu" in ours[0] and "dropdown-menu" not in ours[1]
