"""Benchmark: is the handbook's build linear in pages, however large one section grows?

Builds synthetic handbooks of 100, 300 and 1,000 pages **in one section** with the project's own
``conf.py``, templates, theme and extensions (plus :mod:`benchmarks.probe`, which counts pages
read and written and times each page inside the build), and reports in one run, also as JSON to
``_build/bench.json``:

- time and HTML bytes per page at each size, and the per-page ratio of 1,000 to 100 pages;
- the 1,000-page build with the sidebar switched off (``html_sidebars = {"**": []}``): the floor;
- the extension's overhead: the same 300 pages with the roles' and directive's output written
  as static text and a static table (taken from a build of the real thing) instead;
- rebuilds of the 1,000-page handbook: no change, the policy touched but unchanged, one page
  edited, the policy edited; each with the pages read and written.

How it measures, on a machine other people use too. Every time is CPU time, not wall time
(printed too). A *build* is the CPU seconds of its ``sphinx-build`` process, best of
``--rounds`` runs (``--rounds-large`` for the 1,000-page builds) taken in rounds that visit every
build in turn, so a burst of load slows a round, not one side of a comparison. A *page* is the
median CPU milliseconds of reading one page plus that of writing one (measured inside the build
between consecutive pages, best over the rounds): a burst of load lands on a few pages and the
median ignores it, where it moves a whole build's total by 20% or more. The per-page ratio and
the extension's overhead compare page times; the floor compares builds. The marginal cost per
page from build totals, ``(T(n) - T(1)) / (n - 1)``, is reported alongside.

It checks, and exits 1 when one fails: page time at 1,000 pages within 1.1x of that at 100;
the full 1,000-page build within 1.25x of the no-sidebar floor; extension overhead under 5%; a
touched policy re-reads 0 pages; a policy edit re-reads exactly the pages that use it.

Run: ``make bench`` (or ``python -m benchmarks.build --help``).
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
    "CPU time. build: CPU seconds of sphinx-build, best of the rounds (every build once per "
    "round). page: median CPU ms to read one page + median to write one, inside the build, best "
    "of the rounds. marginal: (T(n) - T(1)) / (n - 1) from build totals"
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

    @property
    def page_ms(self) -> float:
        return self.read_ms + self.write_ms


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
    """The run with the least CPU, with the least page times of any run."""
    least = min(runs, key=lambda run: run.cpu)
    read, write = min(run.read_ms for run in runs), min(run.write_ms for run in runs)
    return Run(**(asdict(least) | {"read_ms": read, "write_ms": write}))


def static_body(workdir: Path) -> str:
    """The role and directive output of a real build, written back as static MyST."""
    sample = Handbook(workdir / "sample", 1)
    sample.build()
    html = (workdir / "sample" / "_build" / "html" / "section" / "page-0000.html").read_text()
    soup = BeautifulSoup(html, "html.parser")
    first, second = (span.get_text() for span in soup.select("span.policy-value"))
    table = soup.select_one("table.sla-table")
    assert table is not None, "the sample build has no SLA table"
    for permalink in table.select("a.headerlink"):
        permalink.decompose()
    caption = table.select_one("caption").get_text(" ", strip=True)
    rows = [[_cell(cell) for cell in row.select("th, td")] for row in table.select("tr")]
    lines = [f"| {' | '.join(rows[0])} |", "|" + " --- |" * len(rows[0])]
    lines += [f"| {' | '.join(row)} |" for row in rows[1:]]
    prose = f"Availability is {first}; Severity 1 response is {second}."
    return prose + f"\n\n```{{table}} {caption}\n" + "\n".join(lines) + "\n```"


def _cell(cell: object) -> str:
    text = cell.get_text(" ", strip=True).replace("|", "\\|")  # type: ignore[attr-defined]
    return f"**{text}**" if cell.select_one("strong") else text  # type: ignore[attr-defined]


def measure(sizes: list[int], compare: int, rounds: tuple[int, int], workdir: Path) -> dict:
    """Every full build in rounds (see the module's notes), then the rebuilds."""
    largest = max(sizes)
    static = static_body(workdir)  # also warms up imports and byte-compiled files
    books = {"one": Handbook(workdir / "one", 1)}
    books |= {f"full-{n}": Handbook(workdir / f"full-{n}", n) for n in sorted({*sizes, compare})}
    books["static"] = Handbook(workdir / "static", compare, static=static)
    books["floor"] = Handbook(workdir / "floor", largest, sidebar=False)
    runs: dict[str, list[Run]] = {label: [] for label in books}
    for round_ in range(max(rounds)):
        for label, book in books.items():
            if round_ < rounds[book.pages > 300]:
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
    full = {n: bests[f"full-{n}"] for n in sorted({*sizes, compare})}
    return {"one": bests["one"], "full": full, "floor": bests["floor"],
            "static": bests["static"], "compare": compare, "rebuilds": rebuilds}  # fmt: skip


def marginal_ms(run: Run, one: Run, pages: int) -> float:
    return (run.cpu - one.cpu) / (pages - 1) * 1000


def print_tables(results: dict, rows: list[tuple[str, int, Run]]) -> None:
    one = results["one"]
    print(f"{'full builds (-E), CPU':<30} {'pages':>6} {'build s':>8} {'wall s':>7} "
          f"{'page ms':>8} {'read+write':>11} {'marginal':>9} {'HTML KB/page':>13}")  # fmt: skip
    for label, pages, run in rows:
        page, marginal = f"{'':>8} {'':>11}", f"{'':>9}"  # one page: no median, no marginal
        if pages > 1:
            page = f"{run.page_ms:8.2f} {f'{run.read_ms:.1f}+{run.write_ms:.1f}':>11}"
            marginal = f"{marginal_ms(run, one, pages):9.2f}"
        print(f"{label:<30} {pages:>6} {run.cpu:>8.2f} {run.wall:>7.1f} {page} {marginal} "
              f"{run.html_bytes / pages / 1000:>13.1f}")  # fmt: skip
    rebuilds, largest = results["rebuilds"], max(results["full"])
    print(f"\n{f'rebuilds of {largest} pages':<30} {'read':>6} {'written':>8} {'build s':>8}")
    for label, run in rebuilds.items():
        print(f"{label:<30} {run.read:>6} {run.written:>8} {run.cpu:>8.2f}")


def check(results: dict, sizes: list[int]) -> tuple[dict[str, float], list[tuple[str, bool]]]:
    full, floor, plain, one = (results[key] for key in ("full", "floor", "static", "one"))
    small, large, compare = min(sizes), max(sizes), results["compare"]
    ratios = {
        "page_time_1000_vs_100": full[large].page_ms / full[small].page_ms,
        "marginal_1000_vs_100": marginal_ms(full[large], one, large)
        / marginal_ms(full[small], one, small),
        "full_vs_no_sidebar": full[large].cpu / floor.cpu,
        "extension_overhead": full[compare].page_ms / plain.page_ms - 1,
        "extension_overhead_build": full[compare].cpu / plain.cpu - 1,
    }
    touched = results["rebuilds"]["policy touched, unchanged"].read
    edited = results["rebuilds"]["policy edited"].read
    page, sidebar = ratios["page_time_1000_vs_100"], ratios["full_vs_no_sidebar"]
    overhead = ratios["extension_overhead"]
    checks = [
        (f"page time at {large} pages / at {small}: {page:.2f}x (at most "
         f"{TARGETS['per_page_1000_vs_100']}x; from build totals: "
         f"{ratios['marginal_1000_vs_100']:.2f}x)", page <= TARGETS["per_page_1000_vs_100"]),
        (f"full {large}-page build / no-sidebar floor: {sidebar:.2f}x "
         f"(at most {TARGETS['full_vs_no_sidebar']}x)", sidebar <= TARGETS["full_vs_no_sidebar"]),
        (f"extension overhead at {compare} pages, against static tables: {overhead:+.1%} per "
         f"page (under {TARGETS['extension_overhead']:.0%}; whole build: "
         f"{ratios['extension_overhead_build']:+.1%})", overhead < TARGETS["extension_overhead"]),
        (f"policy touched, unchanged: {touched} pages re-read (0 expected)", touched == 0),
        (f"policy edited: {edited} pages re-read ({large} use it)", edited == large),
    ]  # fmt: skip
    return ratios, checks


def report(results: dict, sizes: list[int]) -> tuple[dict, list[tuple[str, bool]]]:
    one, full, floor, plain = (results[key] for key in ("one", "full", "floor", "static"))
    large, compare = max(sizes), results["compare"]
    rows = [("one page (fixed cost)", 1, one)]
    rows += [(f"full, {n} pages", n, full[n]) for n in sorted(full)]
    rows += [("no sidebar (floor)", large, floor), ("static tables, no directives", compare, plain)]
    print_tables(results, rows)
    ratios, checks = check(results, sizes)
    document = {
        "method": METHOD,
        "builds": {label: asdict(run) | {"pages": pages} for label, pages, run in rows},
        "rebuilds": {label: asdict(run) for label, run in results["rebuilds"].items()},
        "ratios": ratios,
        "targets": TARGETS,
        "checks": [{"check": text, "ok": ok} for text, ok in checks],
    }
    return document, checks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 300, 1000])
    parser.add_argument("--compare", type=int, default=300, help="pages for the overhead pair")
    parser.add_argument("--rounds", type=int, default=3, help="runs of builds up to 300 pages")
    parser.add_argument("--rounds-large", type=int, default=2, help="runs of larger builds")
    args = parser.parse_args(argv)
    if len(args.sizes) < 2 or min(args.sizes) < 2:
        parser.error("--sizes needs at least two sizes of 2 pages or more")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="handbook-bench-") as folder:
        rounds = (args.rounds, args.rounds_large)
        results = measure(sorted(args.sizes), args.compare, rounds, Path(folder))
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
