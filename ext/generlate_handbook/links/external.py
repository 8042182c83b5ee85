"""The external link check: Sphinx's linkcheck builder, the allowlist, the cache, a summary.

Usage::

    python -m generlate_handbook.links.external SOURCEDIR OUTDIR [--fresh] [--root DIR]
                                                [sphinx options...]

Validates the allowlist, runs ``sphinx-build -b linkcheck SOURCEDIR OUTDIR`` plus the given
options (``make linkcheck`` passes SPHINXOPTS; page files given there restrict the check to
those pages) with its log in ``OUTDIR/sphinx.log``, then reads
Sphinx's report ``OUTDIR/output.json`` and prints a table (page:line, status, URL, reason) and
the dead links, also written to ``OUTDIR/summary.txt``. Working links are remembered for 24 hours
in ``OUTDIR/cache.json`` and shown as "cached"; ``--fresh`` or ``LINKCHECK_FRESH=1`` checks
every link again. Exit status: 0 no dead links, 1 dead links (broken, rate-limited or timed
out), 2 a bad allowlist, bad usage or a Sphinx failure, 130 interrupted (Ctrl-C: one line, no
traceback; this run's report files are absent, none is half-written).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from generlate_handbook.links import ALLOWLIST, FROM_CACHE_FILE, OCCURRENCES_FILE, REPORT_FILE
from generlate_handbook.links._cli import (
    Args,
    github_annotation,
    interrupted,
    parse_command_line,
    run_sphinx,
    split_filenames,
    tail,
)
from generlate_handbook.links.allowlist import AllowlistError, load_allowlist
from generlate_handbook.links.cache import fresh_from_env
from generlate_handbook.links.diagnostics import display_path
from generlate_handbook.links.files import atomic_write_text
from generlate_handbook.links.report import (
    Row,
    classify_all,
    read_report,
    render_failures,
    render_table,
    render_totals,
)

LOG_FILE = "sphinx.log"
SUMMARY_FILE = "summary.txt"
ALLOWLIST_HINT = (
    "    hint: each entry needs host: (or url:) and a non-empty reason:; "
    "see the Links section of the README"
)


def main(argv: list[str] | None = None) -> int:
    """Run the external link check; return the exit status."""
    argv = sys.argv[1:] if argv is None else argv
    args = parse_command_line(argv, "linkcheck", __doc__, flags=("--fresh",))
    if isinstance(args, int):
        return args
    try:
        return _check(args)
    except KeyboardInterrupt:
        return interrupted("make linkcheck", args.outdir, "; no report was written for this run")


def _check(args: Args) -> int:
    """Validate the allowlist, run Sphinx, print and save the summary; return the exit status."""
    root, outdir = args.root, args.outdir
    srcdir = display_path(str(args.sourcedir), root)
    allowlist_path = args.sourcedir / ALLOWLIST
    try:
        allowlist = load_allowlist(allowlist_path, display=display_path(str(allowlist_path), root))
    except AllowlistError as exc:
        for error in exc.errors:
            print(f"{error}\n{ALLOWLIST_HINT}")
        return 2

    fresh = "--fresh" in args.flags or fresh_from_env()
    log = outdir / LOG_FILE
    report = outdir / REPORT_FILE
    for stale in (REPORT_FILE, "output.txt", OCCURRENCES_FILE, FROM_CACHE_FILE, SUMMARY_FILE):
        (outdir / stale).unlink(missing_ok=True)  # this run's files, or none if it stops early
    note = "fresh: every link is requested" if fresh else "links that worked lately are cached"
    print(
        f"Checking the external links in {srcdir}/ ({note}) with Sphinx's linkcheck "
        f"(log: {display_path(str(log), root)})...",
        flush=True,
    )
    options, pages = split_filenames(args.sphinx_opts)
    if fresh:
        options += ["-D", "links_linkcheck_fresh=1"]
    status = run_sphinx(
        ["-b", "linkcheck", *options, str(args.sourcedir), str(outdir), *pages], log
    )
    if status not in (0, 1) or not report.exists():
        print(
            f"sphinx-build -b linkcheck failed (exit {status}) before writing its report; "
            f"the end of its log:\n{tail(log)}",
            file=sys.stderr,
        )
        return 2

    from_cache = {
        url: float(checked)
        for url, checked in _read_json(outdir / FROM_CACHE_FILE).items()
        if isinstance(checked, int | float) and not isinstance(checked, bool)
    }
    rows = classify_all(
        read_report(report),
        srcdir=srcdir,
        allowlist=allowlist,
        from_cache=from_cache,
        now=time.time(),
    )
    return _report(rows, _read_places(outdir / OCCURRENCES_FILE, srcdir), outdir, root)


def _report(rows: list[Row], places: dict[str, list[str]], outdir: Path, root: Path) -> int:
    """Print and save the summary; 1 if any link is dead, else 0."""
    failures = render_failures(rows, places)
    summary = "\n\n".join(
        part
        for part in (
            render_table(rows) if rows else "",
            render_totals(rows),
            f"Dead links:\n{failures}" if failures else "",
        )
        if part
    )
    atomic_write_text(outdir / SUMMARY_FILE, summary + "\n")
    print(summary)
    for row in (r for r in rows if r.failed):
        for where in places.get(row.uri) or [row.where]:
            annotation = github_annotation(
                where, f"{row.verdict} link {row.uri} ({row.reason})", "make linkcheck"
            )
            if annotation:
                print(annotation)
    dead = sum(r.failed for r in rows)
    if dead:
        noun = "dead link" if dead == 1 else "dead links"
        report = display_path(str(outdir / REPORT_FILE), root)
        print(f"\nmake linkcheck: {dead} {noun} (report: {report})")
        return 1
    return 0


def _read_places(path: Path, srcdir: str) -> dict[str, list[str]]:
    """``occurrences.json`` as URL -> ``page:line`` list; entries of the wrong shape skipped."""
    places: dict[str, list[str]] = {}
    for uri, found in _read_json(path).items():
        if isinstance(found, list):
            places[uri] = [
                f"{srcdir}/{item[0]}:{item[1]}" if item[1] else f"{srcdir}/{item[0]}"
                for item in found
                if isinstance(item, list) and len(item) == 2 and isinstance(item[0], str)
            ]
    return places


def _read_json(path: Path) -> dict[str, Any]:
    """A JSON object written by the extension; empty if missing or unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


if __name__ == "__main__":
    sys.exit(main())
