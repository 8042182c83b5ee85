"""Shared bits of the two runners: argument splitting and running ``sphinx-build``."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from generlate_handbook.links.files import remove_partials

#: Seconds an interrupted Sphinx gets to stop by itself before it is killed.
STOP_GRACE_SECONDS = 10.0


class UsageError(Exception):
    """Bad command line."""


@dataclass
class Args:
    """``SOURCEDIR OUTDIR [our flags] [sphinx options...]``."""

    sourcedir: Path
    outdir: Path
    root: Path
    flags: set[str] = field(default_factory=set)
    sphinx_opts: list[str] = field(default_factory=list)


def split_args(argv: list[str], flags: tuple[str, ...] = ()) -> Args:
    """Take SOURCEDIR, OUTDIR, ``--root DIR`` and ``flags``; pass everything else to Sphinx.

    Hand-rolled rather than argparse so any Sphinx option (``-j auto``, ``-D x=y``, file
    names) passes through untouched, exactly as SPHINXOPTS gives it.
    """
    positional: list[str] = []
    rest: list[str] = []
    chosen: set[str] = set()
    root = Path.cwd()
    items = iter(argv)
    for arg in items:
        if arg in flags:
            chosen.add(arg)
        elif arg == "--root":
            value = next(items, None)
            if value is None:
                raise UsageError("--root needs a folder")
            root = Path(value)
        elif arg.startswith("--root="):
            root = Path(arg.partition("=")[2])
        elif len(positional) < 2 and not arg.startswith("-"):
            positional.append(arg)
        else:
            rest.append(arg)
    if len(positional) < 2:
        raise UsageError("expected SOURCEDIR and OUTDIR")
    return Args(Path(positional[0]), Path(positional[1]), root, chosen, rest)


def parse_command_line(
    argv: list[str], name: str, doc: str | None, flags: tuple[str, ...] = ()
) -> Args | int:
    """:func:`split_args` for a runner's ``main``; on ``-h`` or a usage error, print the runner's
    help and return the exit status (0 or 2) instead."""
    if any(a in {"-h", "--help"} for a in argv):
        print(doc)
        return 0
    try:
        return split_args(argv, flags=flags)
    except UsageError as exc:
        print(f"{name}: {exc}\n{doc}", file=sys.stderr)
        return 2


def split_filenames(opts: list[str]) -> tuple[list[str], list[str]]:
    """Split Sphinx options from page files (existing ``.md`` files) given among them.

    ``sphinx-build`` takes file names only after SOURCEDIR and OUTDIR, and options only before
    them once a file name is given, so ``SPHINXOPTS="-j 2 handbook/a.md"`` must be reordered.
    """
    options, filenames = [], []
    for opt in opts:
        is_page = not opt.startswith("-") and opt.endswith(".md") and Path(opt).is_file()
        (filenames if is_page else options).append(opt)
    return options, filenames


def run_sphinx(args: list[str], log: Path) -> int:
    """Run ``python -m sphinx ARGS`` with its output in ``log``; return its exit status.

    On Ctrl-C (KeyboardInterrupt here) Sphinx is given time to stop cleanly (it got the same
    SIGINT from the terminal; it is sent one if not), killed only if it does not, and the
    KeyboardInterrupt is raised again once it has exited: see :func:`interrupted`.
    """
    log.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("FORCE_COLOR", None)
    with log.open("w", encoding="utf-8") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "sphinx", *args],
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
        )
        try:
            return proc.wait()
        except KeyboardInterrupt:
            _stop(proc)
            raise


def _stop(proc: subprocess.Popen[bytes], grace: float = STOP_GRACE_SECONDS) -> None:
    """Let an interrupted Sphinx finish its clean-up (no second Ctrl-C breaks it), then reap it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        proc.wait(timeout=0.5)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGINT)  # only we were interrupted (e.g. kill -INT)
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def interrupted(name: str, outdir: Path, detail: str = "") -> int:
    """After Ctrl-C: remove half-written files from ``outdir``, say so in one line, exit 130."""
    remove_partials(outdir)
    print(f"\n{name}: interrupted{detail}.", file=sys.stderr)
    return 130


def github_annotation(where: str, message: str, title: str) -> str | None:
    """A GitHub Actions ``::error`` line for ``path:LINE``, when running there; else None.

    GitHub shows it on the pull request's diff, at that line.
    """
    if os.environ.get("GITHUB_ACTIONS") != "true":
        return None
    path, _, line = where.rpartition(":")
    if not line.isdigit():
        path, line = where, ""

    def escape(text: str, *, prop: bool = False) -> str:
        text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return text.replace(":", "%3A").replace(",", "%2C") if prop else text

    props = [f"file={escape(path, prop=True)}"]
    if line:
        props.append(f"line={line}")
    props.append(f"title={escape(title, prop=True)}")
    return f"::error {','.join(props)}::{escape(message)}"


def tail(path: Path, lines: int = 40) -> str:
    """The last ``lines`` lines of a log file."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])
