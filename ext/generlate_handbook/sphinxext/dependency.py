"""The policy a build renders: loaded once per build, and depended on by content, not mtime.

**One snapshot per build.** At ``builder-inited`` (before any page is read, and before ``-j N``
forks its readers) the policy is loaded once; every role and directive of the build renders
that snapshot (:func:`build_policy`), so a file saved mid-build cannot give two pages two
different figures, and no page pays for finding, checking and resolving the files again.

**Content, not modification times.**

Every page that renders a policy figure notes the policy YAML with ``env.note_dependency`` (so
tools that read ``env.dependencies``, such as sphinx-last-updated-by-git, see it). Sphinx
re-reads a page when such a file is newer than the page's last reading, so on its own a bare
``touch policy/support.yaml`` (a checkout, an editor saving unchanged text, a ``git stash``
round trip) would re-read every one of those pages.

So the environment remembers a SHA-256 of the policy folder's content (every ``*.yaml`` file's
name and bytes). At ``builder-inited``, before Sphinx looks for outdated pages, a digest equal
to the remembered one means the files were touched but say the same thing: each page that
depends on them, and that is otherwise up to date (its source and its other dependencies are no
newer than its last reading), is marked as read after the policy's newest file, and is not
re-read. A different digest leaves Sphinx's check alone, so a real change re-reads exactly the
pages that use the policy. A policy file added or removed re-reads them too
(``env-get-outdated``). Everything runs in the main process before reading, so ``-j N`` builds
behave the same.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Sequence, Set
from dataclasses import dataclass
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment

from ..policy.load import LoadedPolicy
from ..policy.source import policy_files, take_snapshots

ENV_KEY = "generlate_policy_content"  # env attribute: (digest, file names) at the last build
REREAD_KEY = "generlate_policy_rereads"  # env attribute: pages to re-read in this build


def policy_folder(app: Sphinx) -> Path:
    return Path(app.confdir) / str(app.config.policy_dir)


def policy_digest(files: Sequence[Path]) -> str:
    """SHA-256 over each file's name and text, read as the policy's loader reads it: bounded in
    size, never blocking on a named pipe or a device (an unreadable file digests its problem)."""
    digest = hashlib.sha256()
    for shot in take_snapshots(files):
        problem = shot.problem.message if shot.problem else ""
        text = shot.text if shot.text is not None else f"\0unreadable: {problem}"
        data = text.encode("utf-8", "surrogatepass")
        digest.update(f"{shot.path.name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def modified_us(path: Path) -> int:
    """A file's modification time in whole microseconds, rounded up as Sphinx does."""
    return -(-path.stat().st_mtime_ns // 1_000)


def _files(app: Sphinx) -> list[Path]:
    folder = policy_folder(app)
    return [path.resolve() for path in policy_files(folder)] if folder.is_dir() else []


@dataclass(frozen=True)
class Snapshot:
    """The policy as this build reads it: loaded (None if it has errors) and its files."""

    loaded: LoadedPolicy | None
    files: tuple[Path, ...]


_SNAPSHOTS: dict[str, Snapshot] = {}  # config.policy_dir -> this build's snapshot


def build_policy(config: Config, load: Callable[[Config], LoadedPolicy | None]) -> Snapshot:
    """This build's snapshot (taken at builder-inited); ``load`` it if there is none yet."""
    key = str(config.policy_dir)
    if key not in _SNAPSHOTS:
        loaded = load(config)
        folder = Path(key) if key else None  # "" after a bad policy_dir: nothing to depend on
        found = loaded.files if loaded else []
        if loaded is None and folder is not None and folder.is_dir():
            found = policy_files(folder)  # a fixed file re-reads the pages
        _SNAPSHOTS[key] = Snapshot(loaded, tuple(path.resolve() for path in found))
    return _SNAPSHOTS[key]


def policy_for_page(
    env: BuildEnvironment, config: Config, load: Callable[[Config], LoadedPolicy | None]
) -> LoadedPolicy | None:
    """The build's policy for the page being read, which now depends on the policy's files."""
    snapshot = build_policy(config, load)
    noted = env.dependencies.get(env.docname, ())
    for path in snapshot.files:
        if path not in noted:  # a page renders many values; note each file once
            env.note_dependency(path)
    return snapshot.loaded


def take_snapshot(app: Sphinx, load: Callable[[Config], LoadedPolicy | None]) -> None:
    _SNAPSHOTS.pop(str(app.config.policy_dir), None)
    build_policy(app.config, load)


def check_policy_content(app: Sphinx) -> None:
    """Before Sphinx looks for outdated pages: compare the policy with the remembered one."""
    env = app.env
    files = _files(app)
    content = (policy_digest(files), tuple(str(path) for path in files))
    remembered = getattr(env, ENV_KEY, None)
    setattr(env, ENV_KEY, content)  # pickled with the environment
    setattr(env, REREAD_KEY, [])
    if remembered is None or not files:
        return
    if remembered[1] != content[1]:  # a file added or removed: pages did not note the new one
        before = set(remembered[1])
        users = [doc for doc, deps in env.dependencies.items() if _uses(deps, before)]
        setattr(env, REREAD_KEY, users)
    elif remembered[0] == content[0]:
        _forgive_touches(env, files)


def _forgive_touches(env: BuildEnvironment, files: list[Path]) -> None:
    """Mark each page that is otherwise current as read after the (unchanged) policy files."""
    newest = max(modified_us(path) for path in files)
    policy = set(files)
    for docname, read_at in list(env.all_docs.items()):
        deps = {Path(dep) for dep in env.dependencies.get(docname, ())}
        if read_at < newest and deps & policy and _current_apart_from(env, docname, deps - policy):
            env.all_docs[docname] = newest


def _current_apart_from(env: BuildEnvironment, docname: str, others: Set[Path]) -> bool:
    """Whether the page's source and ``others`` are no newer than the page's last reading."""
    read_at = env.all_docs[docname]
    try:
        return all(modified_us(path) <= read_at for path in {Path(env.doc2path(docname)), *others})
    except OSError:  # something is missing: let Sphinx decide
        return False


def _uses(deps: Iterable[object], files: Set[str]) -> bool:
    return any(os.fspath(dep) in files for dep in deps)


def reread_policy_users(
    app: Sphinx, env: BuildEnvironment, added: Set[str], changed: Set[str], removed: Set[str]
) -> list[str]:
    return getattr(env, REREAD_KEY, [])


def setup_policy_dependency(app: Sphinx, load: Callable[[Config], LoadedPolicy | None]) -> None:
    """``load`` loads the policy for a config, or returns None when it has errors."""
    app.connect("builder-inited", lambda app: take_snapshot(app, load), priority=400)
    app.connect("builder-inited", check_policy_content)
    app.connect("env-get-outdated", reread_policy_users)
