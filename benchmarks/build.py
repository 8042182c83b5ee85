"""Benchmark: is the handbook's build linear in pages, however large one section grows?

Builds synthetic handbooks of 100, 300 and 1,000 pages **in one section** with the project's own
``conf.py``, templates, theme and extensions (plus :mod:`benchmarks.probe`, which counts pages
read and written), and reports in one run, also as JSON to ``_build/bench.json``:

- CPU time and HTML bytes per page at each size, and the per-page ratio of 1,000 to 100 pages.
  Per-page time is the marginal cost, ``(T(n) - T(1)) / (n - 1)``, where ``T(1)`` is a
  one-page handbook: the fixed cost of starting Sphinx and copying the theme is not a page's;
- the 1,000-page build with the sidebar switched off (``html_sidebars = {"**": []}``): the floor;
- the extension's overhead: the same 1,000 pages with the role and directive output written
  as static text and tables (taken from a build of the real thing) instead;
- rebuilds of the 1,000-page handbook: no change, one page edited, the policy touched but
  unchanged, the policy edited; each with the pages read and written.

Times are CPU seconds (user + system) of the ``sphinx-build`` process, so other work on a shared
machine does not count; each full build is the best of ``--repeat`` runs (default 3) up to
300 pages and of ``--repeat-large`` (default 1) above. Wall times are printed alongside.

It checks, and exits 1 when one fails: per-page time at 1,000 pages within 1.1x of that at 100;
the full 1,000-page build within 1.25x of the no-sidebar floor; extension overhead under 5%; a
touched policy re-reads 0 pages; a policy edit re-reads exactly the pages that use it.

Run: ``make bench`` (or ``python -m benchmarks.build [--sizes 100 300 1000] [--repeat 3]``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from bs4 import BeautifulSoup

REPO = Path(__file__).resolve().parents[1]
REPORT = REPO / "_build" / "bench.json"
TARGETS = {
    "per_page_1000_vs_100": 1.10,  # at most
    "full_vs_no_sidebar": 1.25,  # at most
    "extension_overhead": 0.05,  # under
}
METHOD = (
    "CPU seconds (user + system) of each sphinx-build, best of --rounds runs taken in rounds "
    "(every build once per round); per page = (T(n) - T(1)) / (n - 1); read/write ms: median "
    "CPU ms per page inside the build"
)
PROSE = "Some prose for the page, in a paragraph long enough to be typical. " * 12
ROLES = (
    "Availability is {policy}`plans.managed.availability`; Severity 1 response is "
    "{policy}`slas.standard.targets.sev1.response`."
)
TABLE = "```{sla-table} managed\n```"


@dataclass
class Run:
    """One ``sphinx-build``: CPU and wall seconds, pages read and written, HTML bytes."""

    cpu: float
    wall: float
    read: int
    written: int
    html_bytes: int
    read_ms: float  # median CPU ms per page while reading, from the probe
    write_ms: float  # and while writing


class Handbook:
    """A synthetic handbook on disk: the real conf.py, templates and policy; one section."""

    def __init__(self, root: Path, pages: int, *, sidebar: bool = True, static: str = "") -> None:
        self.root, self.pages = root, pages
        self.source = root / "handbook"
        shutil.copytree(REPO / "handbook", self.source, ignore=_not_conf_or_templates)
        shutil.copytree(REPO / "policy", root / "policy")
        conf = ['extensions.append("benchmarks.probe")']
        if not sidebar:
            conf.append('html_sidebars = {"**": []}')
        with (self.source / "conf.py").open("a", encoding="utf-8") as file:
            file.write("\n# --- benchmark ---\n" + "\n".join(conf) + "\n")
        section = self.source / "section"
        section.mkdir()
        names = [f"page-{number:04d}" for number in range(pages)]
        toctree = "\n".join(names)
        (self.source / "index.md").write_text(
            "# Synthetic handbook\n\n```{toctree}\nsection/index\n```\n", "utf-8"
        )
        (section / "index.md").write_text(
            f"# The section\n\n```{{toctree}}\n:maxdepth: 1\n\n{toctree}\n```\n", "utf-8"
        )
        body = static or f"{ROLES}\n\n{TABLE}"
        for number, name in enumerate(names):
            (section / f"{name}.md").write_text(
                f"# Page {number}\n\n## Targets\n\n{body}\n\n## More\n\n{PROSE}\n", "utf-8"
            )

    def page(self, number: int) -> Path:
        return self.source / "section" / f"page-{number:04d}.md"

    def build(self, *, fresh: bool = True) -> Run:
        out = self.root / "_build"
        probe = self.root / "probe.json"
        probe.unlink(missing_ok=True)
        env = dict(os.environ, BENCH_PROBE=str(probe), SOURCE_DATE_EPOCH="1767225600")
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
        args = [sys.executable, "-m", "sphinx", "-b", "html", "-d", str(out / "doctrees")]
        args += [str(self.source), str(out / "html"), "-q", "-n", "-W", *(["-E"] if fresh else [])]
        before, started = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
        subprocess.run(args, check=True, env=env, cwd=self.root)
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        counts = json.loads(probe.read_text("utf-8"))
        size = sum(path.stat().st_size for path in (out / "html").rglob("*.html"))
        return Run(
            cpu,
            wall,
            counts["read"],
            counts["written"],
            size,
            counts["read_ms"],
            counts["write_ms"],
        )


def _not_conf_or_templates(folder: str, names: list[str]) -> list[str]:
    if Path(folder) == REPO / "handbook":
        return [name for name in names if name not in ("conf.py", "_templates")]
    return []


def best(runs: list[Run]) -> Run:
    return min(runs, key=lambda run: run.cpu)


def static_body(workdir: Path) -> str:
    """The role and directive output of a real build, written back as static MyST."""
    sample = Handbook(workdir / "sample", 1)
    sample.build()
    html = (workdir / "sample" / "_build" / "html" / "section" / "page-0000.html").read_text()
    soup = BeautifulSoup(html, "html.parser")
    first, second = (span.get_text() for span in soup.select("span.policy-value"))
    table = soup.select_one("table.sla-table")
    assert table is not None, "the sample build has no SLA table"
    caption = table.select_one("caption").get_text(" ", strip=True)
    rows = [[_cell(cell) for cell in row.select("th, td")] for row in table.select("tr")]
    lines = [f"| {' | '.join(rows[0])} |", "|" + " --- |" * len(rows[0])]
    lines += [f"| {' | '.join(row)} |" for row in rows[1:]]
    prose = f"Availability is {first}; Severity 1 response is {second}."
    return prose + f"\n\n```{{table}} {caption}\n" + "\n".join(lines) + "\n```"


def _cell(cell: object) -> str:
    text = cell.get_text(" ", strip=True).replace("|", "\\|")  # type: ignore[attr-defined]
    return f"**{text}**" if cell.select_one("strong") else text  # type: ignore[attr-defined]


def measure(sizes: list[int], compare: int, rounds: int, workdir: Path) -> dict:
    """Every full build ``rounds`` times, in rounds that visit each build in turn, so a burst
    of load on the machine slows every build of a round rather than one; each the best."""
    largest = max(sizes)
    static = static_body(workdir)  # also warms up imports and byte-compiled files
    books = {"one": Handbook(workdir / "one", 1)}
    books |= {f"full-{n}": Handbook(workdir / f"full-{n}", n) for n in sizes}
    books["static"] = Handbook(workdir / "static", compare, static=static)
    books["floor"] = Handbook(workdir / "floor", largest, sidebar=False)
    if f"full-{compare}" not in books:
        books[f"full-{compare}"] = Handbook(workdir / f"full-{compare}", compare)
    runs: dict[str, list[Run]] = {label: [] for label in books}
    for _ in range(rounds):
        for label, book in books.items():
            runs[label].append(book.build())
    bests = {label: best(results) for label, results in runs.items()}
    rebuilt = books[f"full-{largest}"]
    rebuilds = {"no change": rebuilt.build(fresh=False)}
    policy = rebuilt.root / "policy" / "support.yaml"
    os.utime(policy)
    rebuilds["policy touched, unchanged"] = rebuilt.build(fresh=False)
    with rebuilt.page(largest // 2).open("a", encoding="utf-8") as file:
        file.write("\nOne more sentence.\n")
    rebuilds["one page edited"] = rebuilt.build(fresh=False)
    text = policy.read_text("utf-8")
    policy.write_text(text.replace("availability: 99.5%", "availability: 99.9%", 1), "utf-8")
    rebuilds["policy edited"] = rebuilt.build(fresh=False)
    return {
        "one": bests["one"],
        "full": {n: bests[f"full-{n}"] for n in sorted({*sizes, compare})},
        "floor": bests["floor"],
        "static": bests["static"],
        "compare": compare,
        "rebuilds": rebuilds,
    }


def per_page(run: Run, one: Run, pages: int) -> float:
    return (run.cpu - one.cpu) / (pages - 1)


def report(results: dict, sizes: list[int]) -> tuple[dict, list[tuple[str, bool]]]:
    one, full, floor, plain = (results[key] for key in ("one", "full", "floor", "static"))
    small, large, compare = min(sizes), max(sizes), results["compare"]
    rows = [("one page (fixed cost)", 1, one)]
    rows += [(f"full, {n} pages", n, full[n]) for n in sorted(full)]
    rows += [("no sidebar (floor)", large, floor), ("static tables, no directives", compare, plain)]
    print(f"{'full builds (-E)':<30} {'pages':>6} {'CPU s':>7} {'wall s':>7} {'ms/page':>8} "
          f"{'read/write ms':>14} {'HTML KB/page':>13}")  # fmt: skip
    for label, pages, run in rows:
        marginal = f"{per_page(run, one, pages) * 1000:8.2f}" if pages > 1 else f"{'':>8}"
        split = f"{run.read_ms:.1f}/{run.write_ms:.1f}" if pages > 1 else ""
        print(f"{label:<30} {pages:>6} {run.cpu:>7.2f} {run.wall:>7.2f} {marginal} "
              f"{split:>14} {run.html_bytes / pages / 1000:>13.1f}")  # fmt: skip
    rebuilds = results["rebuilds"]
    print(f"\n{f'rebuilds of {large} pages':<30} {'read':>6} {'written':>8} {'CPU s':>7}")
    for label, run in rebuilds.items():
        print(f"{label:<30} {run.read:>6} {run.written:>8} {run.cpu:>7.2f}")
    scaling = per_page(full[large], one, large) / per_page(full[small], one, small)
    sidebar = full[large].cpu / floor.cpu
    overhead = full[compare].cpu / plain.cpu - 1
    touched, edited = rebuilds["policy touched, unchanged"].read, rebuilds["policy edited"].read
    limits = TARGETS
    checks = [
        (f"per-page time at {large} pages / at {small}: {scaling:.2f}x "
         f"(at most {limits['per_page_1000_vs_100']}x)", scaling <= limits["per_page_1000_vs_100"]),
        (f"full {large}-page build / no-sidebar floor: {sidebar:.2f}x "
         f"(at most {limits['full_vs_no_sidebar']}x)", sidebar <= limits["full_vs_no_sidebar"]),
        (f"extension overhead at {compare} pages, against static tables: {overhead:+.1%} "
         f"(under {limits['extension_overhead']:.0%})", overhead < limits["extension_overhead"]),
        (f"policy touched, unchanged: {touched} pages re-read (0 expected)", touched == 0),
        (f"policy edited: {edited} pages re-read ({large} use it)", edited == large),
    ]  # fmt: skip
    document = {
        "method": METHOD,
        "builds": {label: asdict(run) | {"pages": pages} for label, pages, run in rows},
        "rebuilds": {label: asdict(run) for label, run in rebuilds.items()},
        "ratios": {
            "per_page_1000_vs_100": scaling,
            "full_vs_no_sidebar": sidebar,
            "extension_overhead": overhead,
        },
        "targets": TARGETS,
        "checks": [{"check": text, "ok": ok} for text, ok in checks],
    }
    return document, checks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 300, 1000])
    parser.add_argument("--compare", type=int, default=300, help="pages for the overhead pair")
    parser.add_argument("--rounds", type=int, default=2, help="runs of each full build (best)")
    args = parser.parse_args(argv)
    if len(args.sizes) < 2 or min(args.sizes) < 2:
        parser.error("--sizes needs at least two sizes of 2 pages or more")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="handbook-bench-") as folder:
        results = measure(sorted(args.sizes), args.compare, args.rounds, Path(folder))
    document, checks = report(results, sorted(args.sizes))
    print()
    for text, ok in checks:
        print(f"{'ok  ' if ok else 'FAIL'} {text}")
    document["seconds"] = round(time.perf_counter() - started, 1)
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(document, indent=2) + "\n", "utf-8")
    print(f"\n{document['seconds']:.0f} s in all; report: {REPORT.relative_to(REPO)}")
    return 0 if all(ok for _text, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
