"""Benchmark: does the handbook's build cost per page stay flat as the handbook grows?

Builds synthetic handbooks of N MyST pages (in sections of 20, each page using the policy role)
with the real ``conf.py``, theme and extensions, once each for a small and a large N, in one run,
and reports seconds per page and their ratio. A theme whose navigation embeds the whole site tree
in every page grows per-page cost with N (the reason the handbook does not use one).

Run: ``make bench`` (or ``python -m benchmarks.build [SMALL LARGE]``).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SECTION_SIZE = 20
# Per-page cost at the large size may exceed the small size's by this factor before we fail.
MAX_RATIO = 1.5


def make_handbook(root: Path, pages: int) -> Path:
    """A copy of the real conf.py and policy with ``pages`` synthetic pages under sections."""
    source = root / "handbook"
    source.mkdir(parents=True)
    shutil.copy(REPO / "handbook" / "conf.py", source / "conf.py")
    shutil.copytree(REPO / "policy", root / "policy")
    sections = [
        list(range(start, min(start + SECTION_SIZE, pages)))
        for start in range(0, pages, SECTION_SIZE)
    ]
    index = ["# Synthetic handbook", "", "```{toctree}", ":maxdepth: 1", ""]
    for number, members in enumerate(sections):
        folder = source / f"section-{number}"
        folder.mkdir()
        index.append(f"section-{number}/index")
        entries = "\n".join(f"page-{page}" for page in members)
        (folder / "index.md").write_text(
            f"# Section {number}\n\n```{{toctree}}\n:maxdepth: 1\n\n{entries}\n```\n"
        )
        for page in members:
            (folder / f"page-{page}.md").write_text(
                f"# Page {page}\n\n## Targets\n\nAvailability is "
                f"{{policy}}`plans.managed.availability`; Severity 1 response is "
                f"{{policy}}`slas.standard.targets.sev1.response`.\n\n## More\n\n"
                + "Some prose for the page. " * 40
                + "\n"
            )
    index.append("```")
    (source / "index.md").write_text("\n".join(index) + "\n")
    return source


def build_seconds(pages: int) -> float:
    with tempfile.TemporaryDirectory() as folder:
        source = make_handbook(Path(folder), pages)
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "sphinx",
                "-M",
                "html",
                str(source),
                str(Path(folder) / "out"),
                "-q",
                "-n",
                "-W",
                "-E",
            ],
            check=True,
        )
        return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    args = [int(arg) for arg in (sys.argv[1:] if argv is None else argv)]
    small, large = (args + [100, 400][len(args) :])[:2]
    build_seconds(10)  # warm-up: imports and byte-compilation are not the theme's cost
    results = {pages: build_seconds(pages) for pages in (small, large)}
    print(f"{'pages':>6} {'seconds':>9} {'s/page':>9}")
    for pages, seconds in results.items():
        print(f"{pages:>6} {seconds:>9.2f} {seconds / pages:>9.4f}")
    ratio = (results[large] / large) / (results[small] / small)
    print(f"per-page cost at {large} pages / at {small} pages: {ratio:.2f}x (limit {MAX_RATIO}x)")
    return 0 if ratio <= MAX_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
