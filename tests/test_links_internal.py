"""Internal links: the offline gate (``make check``) on tiny MyST handbooks.

A small handbook with the project's own extensions and settings (links_project.py) builds
clean; a copy of it with every kind of breakage, each on its own line, is run once through the
gate as make runs it (a fresh, strict ``sphinx-build`` in a subprocess), and each kind is then
asserted as exactly one located line with its hint, and nothing else. Building the broken copy
once keeps the suite fast; a second run with ``-j 2`` must report exactly the same.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from links_project import line_of, write_project

from generlate_handbook.links import gate
from generlate_handbook.links._cli import github_annotation
from generlate_handbook.links.diagnostics import parse_warnings

pytestmark = pytest.mark.build

INDEX = """
    # Home

    ```{toctree}
    guide
    other
    ```
"""
GUIDE = """
    # Guide

    ## Escalation rules

    Read [the first steps](other.md#first-steps) and [the rules](#escalation-rules).

    ![The logo](img/logo.png)

    Print the {download}`checklist <files/checklist.txt>`, or open [the form](files/form.txt).
"""
OTHER = """
    # Other

    ## First steps

    Back to [the guide](guide.md#escalation-rules).
"""
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000100ffff03000006000557bfabd40000000049454e44ae426082"
)
FILES = {"img/logo.png": PNG, "files/checklist.txt": b"1. Breathe\n", "files/form.txt": b"Form\n"}

# A stand-in for another extension (the policy one) that warns at a line of a non-page file.
POLICY_STUB = """
from pathlib import Path
from sphinx.util import logging

logger = logging.getLogger(__name__)


def _warn(app):
    path = Path(app.confdir).parent / "policy" / "support.yaml"
    logger.warning(
        "sev1.response: expected a duration such as 30m, got 'soon'",
        type="policy", subtype="invalid", location=f"{path}:12",
    )


def setup(app):
    app.connect("builder-inited", _warn)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
"""


@pytest.fixture(autouse=True)
def _not_on_github(monkeypatch: pytest.MonkeyPatch) -> None:
    """Plain output even when the suite itself runs in GitHub Actions (no ::error lines)."""
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


def make_handbook(root: Path, guide_extra: str = "", **kwargs: object) -> Path:
    """The clean handbook, with ``guide_extra`` appended to guide.md."""
    pages = {"index.md": INDEX, "guide.md": textwrap.dedent(GUIDE) + guide_extra, "other.md": OTHER}
    pages.update(kwargs.pop("pages", {}))  # type: ignore[arg-type]
    return write_project(root, pages, files=FILES, **kwargs)  # type: ignore[arg-type]


def run_gate(root: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    """Run the gate as ``make check`` does (repository root = ``root``)."""
    status = gate.main([str(root / "handbook"), str(root / "_build"), "--root", str(root), *extra])
    captured = capsys.readouterr()
    return status, captured.out + captured.err


def problems(out: str) -> list[tuple[str, str]]:
    """(located line, hint line) pairs in the gate's output."""
    lines = out.splitlines()
    pairs = []
    for i, line in enumerate(lines):
        if re.match(r"^[\w./-]+:\d+: ", line):
            assert lines[i + 1].startswith("    hint: "), lines[i : i + 2]
            pairs.append((line, lines[i + 1].removeprefix("    hint: ")))
    return pairs


def test_clean_handbook_passes(tmp_path, capsys):
    """Every kind of link resolves; a page marked ``orphan: true`` may stay out of the toctree."""
    make_handbook(tmp_path, pages={"unlisted.md": "---\norphan: true\n---\n# Unlisted\n"})
    status, out = run_gate(tmp_path, capsys)
    assert status == 0, out
    assert "handbook/ builds clean" in out
    assert problems(out) == []


# (id, text appended to guide.md, expected message, expected words in the hint)
BROKEN = [
    (
        "missing-page",
        "See [the policy](policy.md).",
        "'myst' cross-reference target not found: 'policy.md'",
        "no page policy.md",
    ),
    (
        "missing-anchor",
        "See [the later steps](other.md#later-steps).",
        "local id not found in doc 'other': 'later-steps'",
        "myst-anchors -l 4 handbook/other.md",
    ),
    (
        "missing-anchor-same-page",
        "See [below](#nowhere).",
        "'myst' cross-reference target not found: 'nowhere'",
        "must match a heading on this page",
    ),
    (
        "missing-image",
        "![The flow](img/flow.png)",
        "image file not readable: img/flow.png",
        "add the image file",
    ),
    (
        "missing-download",
        "Get {download}`the form <files/form.pdf>`.",
        "download file not readable: handbook/files/form.pdf",
        "add the file",
    ),
    (
        "missing-linked-file",
        "Get [the form](files/form.pdf).",
        "'myst' cross-reference target not found: 'files/form.pdf'",
        "no file files/form.pdf",
    ),
    (
        "absolute-self-url",
        "See [the steps](https://handbook.generlate.com/other.html#first-steps).",
        "absolute link to this handbook: https://handbook.generlate.com/other.html#first-steps;"
        " write it relative: other.md#first-steps",
        "relative path, so previews and old versions",
    ),
]
GUIDE_BROKEN = textwrap.dedent(GUIDE) + "".join(f"\n{b[1]}\n" for b in BROKEN)
# Located lines expected besides the guide's: an orphan page, another extension's warning at a
# line of a non-page file (passed through), and a malformed allowlist (entry 2: no reason, and a
# pattern that would exempt everything).
OTHERS = {
    "orphan-page": (
        "handbook/lost.md:1: document isn't included in any toctree",
        "list the page in a toctree",
    ),
    "other-extension": (
        "policy/support.yaml:12: sev1.response: expected a duration such as 30m, got 'soon'",
        "[policy.invalid]",
    ),
    "ignore-outside-allowlist": (
        "handbook/conf.py:{ignore_line}: linkcheck_ignore is set (https://example\\.org/); the"
        " allowlist _links/allowlist.yaml is the only place to exempt a link, with a reason",
        "add an entry with a reason to handbook/_links/allowlist.yaml",
    ),
    "allowlist-no-reason": (
        "handbook/_links/allowlist.yaml:3: [1].reason: missing required key 'reason'",
        "needs host: or url: and a non-empty reason:",
    ),
    "allowlist-everything": (
        "handbook/_links/allowlist.yaml:3: [1].url: '.*' must start with http:// or https:// and"
        " a host, so one entry cannot exempt every link",
        "needs host: or url: and a non-empty reason:",
    ),
}


def make_broken_handbook(root: Path) -> None:
    """The handbook with every kind of breakage, one per line (see BROKEN and OTHERS)."""
    src = make_handbook(
        root,
        pages={"guide.md": GUIDE_BROKEN, "lost.md": "# Lost\n\nNobody links here.\n"},
        allowlist="- host: example.com\n  reason: fine\n- url: .*\n",
        overrides={"linkcheck_ignore": [r"https://example\.org/"]},
        extra_conf=(
            "import os, sys\nsys.path.insert(0, os.path.dirname(__file__))\n"
            "extensions = [*extensions, 'policy_stub']\n"
        ),
    )
    (src / "policy_stub.py").write_text(POLICY_STUB)


@pytest.fixture(scope="module")
def broken_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, str, Path]:
    """One gate run over the broken handbook (a subprocess build; capsys is per test)."""
    root = tmp_path_factory.mktemp("broken")
    make_broken_handbook(root)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "generlate_handbook.links.gate",
            str(root / "handbook"),
            str(root / "_build"),
            "--root",
            str(root),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env={k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"},
    )
    return proc.returncode, proc.stdout + proc.stderr, root


@pytest.mark.parametrize(
    ("extra", "message", "hint"), [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN]
)
def test_broken_internal_link_is_one_located_line(broken_run, extra, message, hint):
    status, out, root = broken_run
    assert status == 1, out
    line = f"handbook/guide.md:{line_of(GUIDE_BROKEN, extra)}: {message}"
    [got_hint] = [h for located, h in problems(out) if located == line] or [f"missing: {line}"]
    assert hint in got_hint, out
    assert str(root) not in out


@pytest.mark.parametrize(("line", "hint"), OTHERS.values(), ids=OTHERS.keys())
def test_other_problem_is_one_located_line(broken_run, line, hint):
    _, out, root = broken_run
    conf = (root / "handbook" / "conf.py").read_text().splitlines()
    ignore_line = next(i for i, text in enumerate(conf, 1) if text.startswith("linkcheck_ignore"))
    line = line.format(ignore_line=ignore_line)
    [got_hint] = [h for located, h in problems(out) if located == line] or [f"missing: {line}"]
    assert hint in got_hint, out


def test_nothing_else_is_reported(broken_run):
    status, out, _ = broken_run
    assert status == 1
    assert len(problems(out)) == len(BROKEN) + len(OTHERS), out
    assert out.rstrip().endswith(
        f"{len(BROKEN) + len(OTHERS)} problems in handbook/: the build is not clean."
    )


def test_same_report_in_parallel(tmp_path, capsys, broken_run):
    """Options pass through to Sphinx (here -j 2); the extension is parallel-safe."""
    make_broken_handbook(tmp_path)
    status, out = run_gate(tmp_path, capsys, "-j", "2")
    assert status == 1, out
    assert problems(out) == problems(broken_run[1])
    assert "parallel" not in out  # Sphinx names extensions that are not parallel-safe


def test_sphinx_failure_shows_its_log(tmp_path, capsys):
    make_handbook(tmp_path, extra_conf="extensions = [*extensions, 'no_such_extension']\n")
    status, out = run_gate(tmp_path, capsys)
    assert status == 2
    assert "no_such_extension" in out


# -- parsing the warning file (no build) ---------------------------------------------------------
def test_parse_warnings(tmp_path):
    root = tmp_path
    text = textwrap.dedent(
        f"""\
        {root}/handbook/a.md:3: WARNING: image file not readable: x.png [image.not_readable]
        {root}/handbook/b.md: WARNING: document isn't included in any toctree [toc.not_included]
        {root}/policy/support.yaml:12: ERROR: bad figure [policy.invalid]
            more detail on the next line
        WARNING: html_static_path entry '_static' does not exist
        /elsewhere/x.md:1: WARNING: outside the root
        """
    )
    rendered = [d.where + ": " + d.message for d in parse_warnings(text, root)]
    assert rendered == [
        "handbook/a.md:3: image file not readable: x.png",
        "handbook/b.md:1: document isn't included in any toctree",
        "policy/support.yaml:12: bad figure more detail on the next line",
        "sphinx: html_static_path entry '_static' does not exist",
        "/elsewhere/x.md:1: outside the root",
    ]


def test_github_annotation(monkeypatch):
    assert github_annotation("handbook/a.md:3", "x", "make check") is None
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert github_annotation("handbook/a.md:3", "50% off: a,\nb", "make check") == (
        "::error file=handbook/a.md,line=3,title=make check::50%25 off: a,%0Ab"
    )
    assert github_annotation("sphinx", "m", "t") == "::error file=sphinx,title=t::m"
