"""The offline gate: a fresh, strict HTML build, its warnings shown one located line each.

Usage::

    python -m generlate_handbook.links.gate SOURCEDIR BUILDDIR [--root DIR] [sphinx options...]

Runs ``sphinx-build -M html SOURCEDIR BUILDDIR -n -W --keep-going -E`` plus the given options
(``make check`` passes SPHINXOPTS), and prints each warning as ``handbook/page.md:LINE: message``
followed by an indented ``hint:``. Paths are relative to ``--root`` (default: the current
folder, the repository root under make). Exit status: 0 clean, 1 problems, 2 Sphinx failed
without saying why in a warning (its log is shown) or bad usage, 130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import sys

from generlate_handbook.links._cli import (
    Args,
    github_annotation,
    interrupted,
    parse_command_line,
    run_sphinx,
    tail,
)
from generlate_handbook.links.diagnostics import display_path, hint, parse_warnings, sort_key

#: Nitpicky, warnings are errors, report them all, fresh environment.
STRICT = ("-n", "-W", "--keep-going", "-E")
WARNINGS_FILE = "check-warnings.txt"
LOG_FILE = "check.log"


def main(argv: list[str] | None = None) -> int:
    """Run the gate; return the exit status."""
    args = parse_command_line(sys.argv[1:] if argv is None else argv, "gate", __doc__)
    if isinstance(args, int):
        return args
    try:
        return _gate(args)
    except KeyboardInterrupt:
        return interrupted("make check", args.outdir)


def _gate(args: Args) -> int:
    """Build, print the located warnings; return the exit status."""
    warnings_file = args.outdir / WARNINGS_FILE
    log = args.outdir / LOG_FILE
    shown = display_path(str(args.sourcedir), args.root)
    print(f"Building {shown}/ afresh, strictly (warnings are errors)...", flush=True)
    warnings_file.parent.mkdir(parents=True, exist_ok=True)
    warnings_file.write_text("", encoding="utf-8")
    status = run_sphinx(
        [
            "-M",
            "html",
            str(args.sourcedir),
            str(args.outdir),
            *STRICT,
            "--warning-file",
            str(warnings_file),
            *args.sphinx_opts,
        ],
        log,
    )
    text = warnings_file.read_text(encoding="utf-8") if warnings_file.exists() else ""
    diagnostics = sorted(parse_warnings(text, args.root), key=sort_key)
    for diagnostic in diagnostics:
        print(diagnostic.render(shown))
    for diagnostic in diagnostics:
        annotation = github_annotation(
            diagnostic.where,
            f"{diagnostic.message}\nhint: {hint(diagnostic, shown)}",
            "make check",
        )
        if annotation:
            print(annotation)
    if status not in (0, 1) or (status and not diagnostics):
        print(
            f"\nsphinx-build failed (exit {status}); the end of its log "
            f"({display_path(str(log), args.root)}):\n{tail(log)}",
            file=sys.stderr,
        )
        return 2
    if diagnostics:
        noun = "problem" if len(diagnostics) == 1 else "problems"
        print(f"\n{len(diagnostics)} {noun} in {shown}/: the build is not clean.")
        return 1
    print(f"{shown}/ builds clean: no broken internal links, no warnings.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
