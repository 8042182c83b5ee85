"""Links stay inside the handbook (issue #8, defect 1): no page publishes a file from outside it.

A tiny handbook with the real link settings (links_project.py) sits in a folder that also holds
a fake ``.git/config`` and a ``secret.txt``, each with a marker string. Its one page names those
files in every syntax a page has: Markdown links and images, ``{download}``, rST in
``{eval-rst}``, includes, raw HTML, symlinks inside ``handbook/``. Run through the gate (``make
check``), each is one located error; run through a plain (non-strict) build, nothing of them is
in ``_build/html``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from links_project import write_project
from sphinx_run import run_module

from generlate_handbook.links.containment import is_local_path, outside_path

pytestmark = pytest.mark.build

MARKER = "leaked-4c1f9e"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000100ffff03000006000557bfabd40000000049454e44ae426082"
)
FAR = "/.." * 12  # more '..' than any test folder is deep: the file system's root

# (case id, page line, the path as the warning quotes it). Each line is its own paragraph.
CASES = [
    ("markdown-link-dotdot", "[c](../.git/config)", "../.git/config"),
    ("markdown-link-absolute", f"[p]({FAR}/etc/passwd)", f"{FAR}/etc/passwd"),
    ("markdown-image", "![h](../secret.png)", "../secret.png"),
    ("markdown-image-far", f"![h](../../../../../../../../../../..{FAR}/etc/hostname)", None),
    ("download-role", "{download}`d <../secret.txt>`", "../secret.txt"),
    ("path-scheme-link", "[s](path:../secret.txt)", "../secret.txt"),
    ("percent-encoded", "[e](%2E%2E/secret.txt)", None),
    ("image-path-with-hash", "![h](a#/../../secret.png)", "a#/../../secret.png"),
    ("symlinked-file", "[l](leak.txt)", "leak.txt"),
    ("symlinked-folder", "[f](linked/secret.txt)", "linked/secret.txt"),
    ("symlinked-folder-image", "![f](linked/secret.txt)", "linked/secret.txt"),
    ("raw-html-img", '<img src="../secret.png" alt="x">', "../secret.png"),
    ("raw-html-href", '<a href="../secret.txt">s</a>', "../secret.txt"),
    ("raw-html-entities", '<a href="&#46;&#46;/secret.txt">s</a>', "../secret.txt"),
]
# Directives, one block each: (case id, block, the quoted path).
BLOCKS = [
    ("rst-image", "```{eval-rst}\n.. image:: ../secret.png\n```", "../secret.png"),
    ("rst-include", "```{eval-rst}\n.. include:: ../secret.txt\n```", "../secret.txt"),
    ("rst-literalinclude", "```{eval-rst}\n.. literalinclude:: ../secret.txt\n```", None),
    ("myst-include", "```{include} ../secret.txt\n```", "../secret.txt"),
    ("myst-literalinclude", "```{literalinclude} ../.git/config\n```", "../.git/config"),
    ("myst-figure", "```{figure} ../secret.png\nCaption\n```", "../secret.png"),
    ("rst-raw-file", "```{eval-rst}\n.. raw:: html\n   :file: ../secret.txt\n```", None),
    ("myst-raw-file", "```{raw} html\n:file: ../.git/config\n```", "../.git/config"),
    # docutils reads an absolute :file: as it stands, not from the source folder.
    ("myst-csv-absolute", "```{csv-table}\n:file: /etc/hostname\n```", "/etc/hostname"),
]


def hostile_page() -> tuple[str, dict[str, int]]:
    """The page's text and the line of each case."""
    lines = ["# Hostile", ""]
    where = {}
    for case, text, _quoted in CASES:
        where[case] = len(lines) + 1
        lines += [text, ""]
    for case, block, _quoted in BLOCKS:
        # Sphinx locates rST inside {eval-rst} at the rST directive's own line.
        where[case] = len(lines) + 1 + block.startswith("```{eval-rst}")
        lines += [*block.splitlines(), ""]
    return "\n".join(lines), where


def make_hostile(root: Path) -> Path:
    """The hostile handbook at ``root/handbook`` beside the secrets it must not publish."""
    (root / ".git").mkdir()
    (root / ".git" / "config").write_text(f"[credential]\n\ttoken = {MARKER}\n")
    (root / "secret.txt").write_text(f"{MARKER}\n")
    (root / "secret.png").write_bytes(PNG + MARKER.encode())
    page, _ = hostile_page()
    src = write_project(
        root, {"index.md": "# Home\n\n```{toctree}\nhostile\nstolen\n```\n", "hostile.md": page}
    )
    (root / "outside").mkdir()
    (root / "outside" / "secret.txt").write_text(f"{MARKER}\n")
    (root / "stolen.md").write_text(f"# Stolen\n\n{MARKER}\n")
    (src / "leak.txt").symlink_to(root / "secret.txt")
    (src / "linked").symlink_to(root / "outside")
    (src / "stolen.md").symlink_to(root / "stolen.md")
    return src


def sphinx(root: Path, *options: str, timeout: int = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sphinx", "-M", "html", "handbook", "_build", *options],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
        env={**os.environ, "NO_COLOR": "1"},
    )


@pytest.fixture(scope="module")
def gate_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, str]:
    """``make check``'s gate over the hostile handbook."""
    root = tmp_path_factory.mktemp("hostile-gate")
    make_hostile(root)
    proc = run_module(root, "generlate_handbook.links.gate", "handbook", "_build")
    return proc.returncode, proc.stdout + proc.stderr


@pytest.fixture(scope="module")
def lenient_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A plain ``sphinx-build -M html`` (no -W: it runs to the end) of the hostile handbook."""
    root = tmp_path_factory.mktemp("hostile-html")
    make_hostile(root)
    proc = sphinx(root)
    assert proc.returncode == 0, proc.stderr
    return root / "_build" / "html", proc.stderr


ALL = [(case, quoted) for case, _text, quoted in CASES] + [(c, q) for c, _b, q in BLOCKS]


@pytest.mark.parametrize(("case", "quoted"), ALL, ids=[case for case, _ in ALL])
def test_path_outside_the_handbook_is_a_located_error_in_make_check(gate_run, case, quoted):
    status, out = gate_run
    _, where = hostile_page()
    assert status == 1, out
    located = [
        line
        for line in out.splitlines()
        if line.startswith(f"handbook/hostile.md:{where[case]}: ")
        and "leads outside the handbook" in line
    ]
    assert len(located) == 1, f"{case}: {out}"
    if quoted:
        assert f"'{quoted}' leads outside the handbook" in located[0]
    hint = out.splitlines()[out.splitlines().index(located[0]) + 1]
    assert hint.startswith("    hint: link, show or include only files inside handbook/")


def test_page_symlinked_from_outside_is_refused_and_read_as_empty(gate_run):
    _status, out = gate_run
    assert "handbook/stolen.md:1: 'stolen.md' leads outside the handbook" in out


def test_make_check_reports_nothing_but_the_refusals(gate_run):
    _status, out = gate_run
    located = [line for line in out.splitlines() if line.startswith("handbook/")]
    assert len(located) == len(ALL) + 1, out  # + the symlinked page
    assert all("leads outside the handbook" in line for line in located), out


def test_strict_html_build_fails_on_a_path_outside(lenient_build, tmp_path):
    """``make html`` is strict too (-n -W): the same refusal fails it."""
    make_hostile(tmp_path)
    proc = sphinx(tmp_path, "-n", "-W", "--keep-going")
    assert proc.returncode != 0
    assert proc.stderr.count("[links.outside]") == len(ALL) + 1, proc.stderr


def test_no_file_from_outside_reaches_the_build_output(lenient_build):
    html, warnings = lenient_build
    assert warnings.count("[links.outside]") == len(ALL) + 1, warnings
    leaked = [
        path.relative_to(html).as_posix()
        for path in html.rglob("*")
        if path.is_file() and MARKER.encode() in path.read_bytes()
    ]
    assert leaked == []
    assert not (html / "_downloads").exists()
    assert not (html / "_images").exists()


def test_refused_links_keep_their_text_but_link_nowhere(lenient_build):
    html, _ = lenient_build
    soup = BeautifulSoup((html / "hostile.html").read_text("utf-8"), "html.parser")
    article = soup.select_one("article.bd-article")
    urls = [el.get(attr) for el in article.find_all(True) for attr in ("href", "src", "srcset")]
    assert [url for url in urls if url and ("secret" in url or ".git" in url)] == []
    assert [a.get_text() for a in article.find_all("a", string="c")] == []
    assert "c" in article.get_text().split()  # the text of [c](../.git/config) stays


def test_links_inside_the_handbook_still_work(tmp_path):
    """Paths that go up and come back, absolute /paths and in-handbook symlinks are fine."""
    src = write_project(
        tmp_path,
        {
            "index.md": "# Home\n\n```{toctree}\nsub/page\n```\n",
            "sub/page.md": textwrap.dedent(
                """\
                # Page

                [f](../files/form.txt) [g](/files/form.txt) ![i](../img/logo.png)
                {download}`d <../sub/../files/form.txt>` [a](alias.txt)

                ```{literalinclude} /files/form.txt
                ```
                """
            ),
        },
        files={"files/form.txt": b"Form\n", "img/logo.png": PNG},
    )
    (src / "sub" / "alias.txt").symlink_to(src / "files" / "form.txt")
    proc = sphinx(tmp_path, "-n", "-W")
    assert proc.returncode == 0, proc.stderr
    html = tmp_path / "_build" / "html"
    assert (html / "_images" / "logo.png").exists()
    assert [p.name for p in (html / "_downloads").rglob("*.txt")] == ["form.txt"]  # one file


# Another extension that registers an outside file straight into the environment's images and
# downloads, behind the page-level check's back: the build must still copy neither.
SNEAKY = """
def _sneak(app, env):
    for docname in sorted(env.found_docs):
        env.images.add_file(docname, "../secret.png")
        env.dlfiles.add_file(docname, "../secret.txt")


def setup(app):
    app.connect("env-updated", _sneak, priority=100)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
"""


def test_outside_file_registered_by_another_extension_is_never_copied(tmp_path):
    (tmp_path / "secret.txt").write_text(f"{MARKER}\n")
    (tmp_path / "secret.png").write_bytes(PNG + MARKER.encode())
    src = write_project(
        tmp_path,
        {"index.md": "# Home\n\n![Logo](logo.png)\n"},
        files={"logo.png": PNG},
        extra_conf=(
            "import os, sys\nsys.path.insert(0, os.path.dirname(__file__))\n"
            "extensions = [*extensions, 'sneaky']\n"
        ),
    )
    (src / "sneaky.py").write_text(SNEAKY)
    proc = sphinx(tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.count("leads outside the handbook") == 2, proc.stderr
    html = tmp_path / "_build" / "html"
    assert (html / "_images" / "logo.png").exists()
    assert [p for p in html.rglob("*") if p.is_file() and MARKER.encode() in p.read_bytes()] == []


def test_parallel_build_refuses_the_same(tmp_path, gate_run):
    """With -j 2 (pages read in worker processes) the same refusals, at the same lines."""
    make_hostile(tmp_path)
    proc = sphinx(tmp_path, "-j", "2")
    serial = sorted(line for line in gate_run[1].splitlines() if "leads outside" in line)
    parallel = sorted(
        line.replace(f"{tmp_path}/", "").replace(" WARNING:", "").removesuffix(" [links.outside]")
        for line in proc.stderr.splitlines()
        if "leads outside" in line
    )
    assert parallel == serial
    html = tmp_path / "_build" / "html"
    assert [p for p in html.rglob("*") if p.is_file() and MARKER.encode() in p.read_bytes()] == []


def test_includes_inside_the_handbook_keep_their_options(tmp_path):
    """The refusing include hands over to MyST (Markdown) and Sphinx (rST), options and all."""
    write_project(
        tmp_path,
        {
            "index.md": textwrap.dedent(
                """\
                # Home

                ```{include} _parts/part.md
                :start-after: <!-- start -->
                :heading-offset: 1
                ```

                ```{include} _parts/code.txt
                :literal:
                ```

                ```{eval-rst}
                .. include:: _parts/part.rst
                ```
                """
            ),
        },
        files={
            "_parts/part.md": b"Skipped\n<!-- start -->\n# Included heading\n\nMarkdown part.\n",
            "_parts/code.txt": b"literal_code = 1\n",
            "_parts/part.rst": b"*rST part*\n",
        },
        overrides={"exclude_patterns": ["_build", "_parts"]},
    )
    proc = sphinx(tmp_path, "-n", "-W")
    assert proc.returncode == 0, proc.stderr
    page = BeautifulSoup((tmp_path / "_build/html/index.html").read_text(), "html.parser")
    article = page.select_one("article.bd-article")
    assert article.select_one("h2").get_text().startswith("Included heading")
    assert "Skipped" not in article.get_text()
    assert "Markdown part." in article.get_text()
    assert article.select_one("pre").get_text().strip() == "literal_code = 1"
    assert article.select_one("em").get_text() == "rST part"


def test_an_outside_include_is_never_opened(tmp_path):
    """A named pipe outside: reading it would block the build for ever; it is refused unread."""
    os.mkfifo(tmp_path / "pipe")
    write_project(
        tmp_path,
        {
            "index.md": "# Home\n\n```{include} ../pipe\n```\n\n"
            "```{literalinclude} ../pipe\n```\n\n```{eval-rst}\n.. include:: ../pipe\n```\n"
        },
    )
    proc = sphinx(tmp_path, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.count("'../pipe' leads outside the handbook") == 3, proc.stderr


@pytest.mark.parametrize(
    "block",
    [
        "```{csv-table}\n:url: http://169.254.169.254/latest/meta-data/\n```",
        "```{raw} html\n:url: http://169.254.169.254/latest/meta-data/\n```",
        "```{eval-rst}\n.. raw:: html\n   :url: http://169.254.169.254/latest/meta-data/\n```",
    ],
    ids=["csv-table", "raw", "rst-raw"],
)
def test_reading_a_url_into_a_page_is_refused(tmp_path, block):
    """The build machine must not fetch a URL (a cloud metadata address) into a page."""
    write_project(tmp_path, {"index.md": f"# Home\n\n{block}\n"})
    proc = sphinx(tmp_path, timeout=60)
    assert proc.returncode == 0, proc.stderr
    line = 4 if "eval-rst" in block else 3
    assert (
        f"index.md:{line}: WARNING: 'http://169.254.169.254/latest/meta-data/': reading a URL"
        in (proc.stderr)
    )
    assert "[links.url_insertion]" in proc.stderr
    assert (
        "169.254"
        not in (tmp_path / "_build/html/index.html")
        .read_text("utf-8")
        .split('<article class="bd-article">')[1]
    )


class _Env:
    """The two things ``outside_path`` asks of Sphinx's environment."""

    def __init__(self, srcdir: Path) -> None:
        self.srcdir = srcdir

    def doc2path(self, docname: str, base: bool = True) -> Path:
        return Path(f"{docname}.md") if not base else self.srcdir / f"{docname}.md"


@pytest.mark.parametrize(
    ("target", "outside"),
    [
        ("form.txt", False),
        ("../files/form.txt", False),
        ("/files/form.txt", False),
        ("../../handbook/files/form.txt", False),  # out and back in
        ("inside-link/form.txt", False),
        ("../../secret.txt", True),
        ("/../secret.txt", True),
        ("%2e%2e/%2E%2E/secret.txt", True),
        ("..\\..\\secret.txt", True),
        ("a#/../../../secret.png", True),  # Sphinx reads an image's '#' as part of the path
        ("a?/../../../secret.png", True),
        ("outside-link/anything", True),
        ("outside-link", True),
        ("", False),
    ],
)
def test_outside_path(tmp_path, target, outside):
    src = tmp_path / "handbook"
    (src / "sub").mkdir(parents=True)
    (src / "files").mkdir()
    (src / "sub" / "inside-link").symlink_to(src / "files")
    (src / "sub" / "outside-link").symlink_to(tmp_path)
    assert (outside_path(_Env(src), target, "sub/page") is not None) is outside


@pytest.mark.parametrize(
    ("target", "local"),
    [
        ("page.md", True),
        ("/abs/page.md", True),
        ("https://example.com/x", False),
        ("mailto:someone@example.com", False),
        ("//example.com/x", False),
        ("#anchor", False),
        ("data:image/png;base64,AAAA", False),
        ("", False),
    ],
)
def test_is_local_path(target, local):
    assert is_local_path(target) is local


def test_make_html_keeps_failing_until_the_link_is_fixed(tmp_path):
    """An incremental build re-reads a page with a refused path, so the error is not lost."""
    (tmp_path / "secret.txt").write_text(f"{MARKER}\n")
    src = write_project(
        tmp_path,
        {
            "index.md": "# Home\n\n```{toctree}\nbad\ngood\n```\n",
            "bad.md": "# Bad\n\n[s](../secret.txt)\n",
            "good.md": "# Good\n\nFine.\n",
        },
    )
    strict = ("-n", "-W", "--keep-going")
    for _attempt in range(2):
        proc = sphinx(tmp_path, *strict)
        assert proc.returncode != 0
        assert "bad.md:3: WARNING: '../secret.txt' leads outside the handbook" in proc.stderr
    (src / "bad.md").write_text("# Bad\n\nFixed.\n")
    assert sphinx(tmp_path, *strict).returncode == 0
    proc = sphinx(tmp_path, *strict)
    assert proc.returncode == 0, proc.stderr
    assert "now-outdated files... none found" in proc.stdout  # nothing left to re-read
