"""The policy's history: for each commit that changed ``policy/``, the facts it changed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..policy.load import LoadedPolicy
from .compare import Change, diff_policies
from .revisions import (
    Commit,
    RevisionError,
    RevisionPolicyError,
    policy_at,
    policy_history,
    repo_root,
)


@dataclass(frozen=True)
class Entry:
    commit: Commit
    changes: tuple[Change, ...]
    problem: str = ""  # the policy did not load at this commit (or its parent)


def history(policy_dir: Path, limit: int) -> list[Entry] | None:
    """Newest first; None when ``policy_dir`` is not in a git checkout (e.g. a tarball)."""
    repo = repo_root(policy_dir) if policy_dir.is_dir() else None
    if repo is None:
        return None
    try:
        commits = policy_history(repo, policy_dir, limit)
    except RevisionError:
        return None
    cache: dict[str, LoadedPolicy | str | None] = {}

    def at(sha: str | None) -> LoadedPolicy | str | None:
        if sha is None:
            return None
        if sha not in cache:
            try:
                cache[sha] = policy_at(repo, sha, policy_dir)
            except (RevisionError, RevisionPolicyError) as error:
                cache[sha] = str(error)
        return cache[sha]

    entries = []
    for commit in commits:
        old, new = at(commit.parent), at(commit.sha)
        if isinstance(new, str):
            problem = f"the policy did not load at this commit: {new.splitlines()[0]}"
            entries.append(Entry(commit, (), problem))
            continue
        if isinstance(old, str):
            parent = (commit.parent or "")[:12]
            problem = f"the policy did not load at the commit before ({parent}), so what this"
            entries.append(Entry(commit, (), f"{problem} commit changed cannot be said"))
            continue
        year = int(commit.date[:4])
        changes = diff_policies(
            old.policy if old else None, new.policy if new else None, (year, year + 1)
        )
        entries.append(Entry(commit, tuple(changes)))
    return entries
