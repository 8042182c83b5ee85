"""The policy at a git revision, and the history of ``policy/``: read with ``git``, bounded.

Every git call has a time-out, takes no shell, and gets a revision only after
``git rev-parse --verify --end-of-options`` accepted it, so a revision can never be read as an
option. A revision's policy files are copied to a temporary folder and loaded exactly as the
working tree's are (the loader's limits apply); errors name ``REV:policy/file.yaml``.
"""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..policy.load import LoadedPolicy, load
from ..policy.source import PolicyErrors

GIT_TIMEOUT = 30  # seconds for one git command
MAX_BLOB_BYTES = 1_000_000
MAX_COMMITS = 200


class RevisionError(Exception):
    """A revision that does not exist, or git that cannot answer (a usage or input error)."""


class RevisionPolicyError(Exception):
    """The policy does not load at a revision; ``str()`` is its located messages."""


@dataclass(frozen=True)
class Commit:
    sha: str
    date: str  # YYYY-MM-DD, the committer's date
    subject: str
    parent: str | None


def git(repo: Path, *args: str) -> str:
    try:
        done = subprocess.run(
            ["git", "-C", str(repo), *args],
            capture_output=True,
            text=True,
            timeout=GIT_TIMEOUT,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise RevisionError(f"git {args[0]} did not answer: {error}") from None
    if done.returncode:
        message = done.stderr.strip().splitlines()[-1:] or ["(no message)"]
        raise RevisionError(f"git {args[0]}: {message[0]}")
    return done.stdout


def repo_root(start: Path) -> Path | None:
    """The top of the git work tree holding ``start``, or None outside git."""
    try:
        return Path(git(start, "rev-parse", "--show-toplevel").strip())
    except RevisionError:
        return None


def resolve(repo: Path, revision: str) -> str:
    """The commit a revision names; :class:`RevisionError` when there is none."""
    try:
        return git(repo, "rev-parse", "--verify", "--end-of-options", f"{revision}^{{commit}}")[:40]
    except RevisionError:
        raise RevisionError(f"no such revision: {revision!r}") from None


def default_base(repo: Path) -> str:
    """The merge base of HEAD with ``main`` (or ``origin/main``)."""
    for branch in ("main", "origin/main"):
        try:
            return git(repo, "merge-base", "HEAD", resolve(repo, branch)).strip()
        except RevisionError:
            continue
    raise RevisionError("no branch main or origin/main to compare with: name a revision")


def policy_at(repo: Path, commit: str, policy_dir: Path) -> LoadedPolicy | None:
    """The policy as it was at ``commit``; None when ``policy/`` did not exist then."""
    folder = policy_dir.resolve().relative_to(repo.resolve()).as_posix()
    listing = git(repo, "ls-tree", "-r", "-l", "-z", "--full-tree", commit, "--", folder)
    entries = [entry.split(None, 4) for entry in listing.split("\0") if entry]
    files = [(size, name) for _, kind, _, size, name in entries if kind == "blob"]
    files = [(size, name) for size, name in files if name.endswith((".yaml", ".yml"))]
    files = [(size, name) for size, name in files if not Path(name).name.startswith((".", "#"))]
    if not files:
        return None
    with tempfile.TemporaryDirectory(prefix="policy-at-") as temp:
        for size, name in files:
            if not size.isdigit() or int(size) > MAX_BLOB_BYTES:
                raise RevisionError(f"{commit[:12]}:{name}: larger than {MAX_BLOB_BYTES} bytes")
            blob = git(repo, "show", f"{commit}:{name}")
            (Path(temp) / Path(name).name).write_text(blob, encoding="utf-8")
        try:
            return load(Path(temp))
        except PolicyErrors as errors:
            text = str(errors).replace(f"{temp}/", f"{commit[:12]}:{folder}/")
            raise RevisionPolicyError(
                f"{text}\nhandbook-policy: the policy does not load at {commit[:12]}"
            ) from None


def policy_history(repo: Path, policy_dir: Path, limit: int = MAX_COMMITS) -> list[Commit]:
    """The commits that changed ``policy/``, newest first (at most ``limit``)."""
    folder = policy_dir.resolve().relative_to(repo.resolve()).as_posix()
    out = git(repo, "log", f"-n{limit}", "--format=%H%x1f%cs%x1f%P%x1f%s", "--", folder)
    commits = []
    for line in out.splitlines():
        sha, day, parents, subject = line.split("\x1f", 3)
        commits.append(Commit(sha, day, subject, parents.split()[0] if parents else None))
    return commits
