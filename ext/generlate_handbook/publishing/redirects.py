"""Redirects for moved pages, from one file, and links to moved pages reported with the new path.

``redirects_file`` (default ``_redirects.txt`` in the source folder) has one line per moved
page, the old source path and the new one, relative to the source folder::

    # old path              new path
    customer-support.md     customer-support/index.md

sphinxext-rediraffe writes a redirect page at the old page's URL (``customer-support.html``)
for each line this module accepts. Each line is checked first, and a bad one is reported at its
``file:LINE`` and left out: a path outside the source folder or not ending in ``.md``, a new
page that does not exist, an old page that still does, a duplicate.

A link in a page to an old path is reported, ``[redirects.moved_link]``, with the new path to
write instead; the link itself is resolved to the new page.
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

logger = logging.getLogger(__name__)

WARNING_TYPE = "redirects"
MAX_FILE_BYTES = 1_000_000
SUFFIX = ".md"


@dataclass(frozen=True)
class Redirect:
    """One accepted line: old and new source paths (relative, ``.md``), and where it is."""

    old: str
    new: str
    line: int

    @property
    def old_doc(self) -> str:
        return self.old[: -len(SUFFIX)]

    @property
    def new_doc(self) -> str:
        return self.new[: -len(SUFFIX)]


# A source path as a redirect names it: relative, no '..', ending in .md.
_PATH = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*(?:/[A-Za-z0-9_][A-Za-z0-9._-]*)*\.md")


def parse_redirects(text: str) -> tuple[list[Redirect], list[tuple[int, str]]]:
    """Accepted redirects and ``(line, message)`` problems, for the file's text."""
    redirects: list[Redirect] = []
    problems: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        fields = line.split()
        if len(fields) != 2:
            problems.append((number, "expected two paths, the old one and the new one"))
            continue
        old, new = fields
        bad = [path for path in (old, new) if not valid_path(path)]
        if bad:
            problems.append(
                (
                    number,
                    f"{bad[0]!r} is not a page path: write it relative to the source folder, "
                    "ending in .md, without '..' (letters, digits, '.', '-', '_' and '/')",
                )
            )
            continue
        if old == new:
            problems.append((number, f"{old} redirects to itself"))
            continue
        if old in GENERATED or any(part.startswith("_") for part in old.split("/")):
            problems.append(
                (
                    number,
                    f"{old} is a page or folder the build makes itself "
                    "(search, index, 404, or a '_' folder): it cannot be redirected",
                )
            )
            continue
        if old in seen:
            problems.append((number, f"{old} is already redirected on line {seen[old]}"))
            continue
        seen[old] = number
        redirects.append(Redirect(old, new, number))
    return redirects, problems


# Pages the HTML build writes itself; an old path must not replace them.
GENERATED = frozenset({"search.md", "genindex.md", "404.md", "py-modindex.md"})


def valid_path(path: str) -> bool:
    """A relative ``.md`` path inside the source folder, in plain characters."""
    return bool(_PATH.fullmatch(path)) and ".." not in path.split("/")


def resolve(
    redirects: Sequence[Redirect], pages: Collection[str]
) -> tuple[list[Redirect], list[tuple[int, str]]]:
    """The redirects that can be served, each pointing at the end of its chain (a -> b -> c:
    a -> c), given the site's ``pages`` (docnames); ``(line, message)`` for the others."""
    problems: list[tuple[int, str]] = []
    live = []
    for redirect in redirects:
        if redirect.old_doc in pages:
            problems.append(
                (
                    redirect.line,
                    f"{redirect.old} is still a page, so its URL cannot redirect; remove the "
                    "page or this line",
                )
            )
        else:
            live.append(redirect)
    by_old = {r.old: r for r in live}
    resolved = []
    for redirect in live:
        target, visited = redirect.new, [redirect.old]
        while target in by_old and target not in visited:
            visited.append(target)
            target = by_old[target].new
        if target in visited:
            problems.append((redirect.line, "redirects in a circle: " + " -> ".join(visited)))
        elif target[: -len(SUFFIX)] not in pages:
            problems.append(
                (
                    redirect.line,
                    f"{redirect.new} does not exist: no page to send readers to; fix the new path",
                )
            )
        else:
            resolved.append(Redirect(redirect.old, target, redirect.line))
    return resolved, sorted(problems)


@functools.lru_cache(maxsize=8)
def _accepted_cached(path: Path, mtime_ns: int) -> tuple[Redirect, ...]:
    try:
        return tuple(parse_redirects(path.read_text(encoding="utf-8"))[0])
    except (OSError, UnicodeDecodeError):
        return ()


def _accepted(path: Path) -> tuple[Redirect, ...]:
    """The file's accepted lines (its problems are reported once, at config time)."""
    try:
        stat = path.stat()
    except OSError:
        return ()
    if stat.st_size > MAX_FILE_BYTES:
        return ()
    return _accepted_cached(path, stat.st_mtime_ns)


class _State:
    def __init__(self) -> None:
        self.file: Path | None = None
        self.redirects: list[Redirect] = []


def _state(app: Sphinx) -> _State:
    return app._handbook_redirects  # type: ignore[attr-defined,no-any-return]


def _config_inited(app: Sphinx, config: Config) -> None:
    state = _state(app)
    state.file = Path(app.srcdir, config.redirects_file)
    config.rediraffe_redirects = {}
    if not state.file.is_file():
        return
    try:
        if state.file.stat().st_size > MAX_FILE_BYTES:
            _warn(state.file, 1, f"larger than {MAX_FILE_BYTES} bytes; not read")
            return
        text = state.file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        _warn(state.file, 1, f"cannot read it: {exc}")
        return
    state.redirects, problems = parse_redirects(text)
    for line, message in problems:
        _warn(state.file, line, message)


def _check_targets(app: Sphinx, exception: BaseException | None) -> None:
    """Drop (and report) redirects to missing pages or from pages that still exist.

    Runs at every build's end, just before sphinxext-rediraffe writes the pages (even when no
    page was re-read: an edit of the redirects file alone still takes effect).
    """
    if exception is not None:
        return
    state = _state(app)
    accepted, problems = resolve(state.redirects, app.env.found_docs)
    for line, message in problems:
        _warn(state.file, line, message)
    app.config.rediraffe_redirects = {r.old: r.new for r in accepted}


def _warn(file: Path | None, line: int, message: str) -> None:
    logger.warning(message, location=f"{file}:{line}", type=WARNING_TYPE, subtype="file")


class MovedLinks(SphinxPostTransform):
    """Report a link to a moved page with its new path, and resolve it to the new page."""

    default_priority = 5  # before MyST's resolver (9) and Sphinx's (10)

    def run(self, **kwargs: Any) -> None:
        redirects = _accepted(Path(self.env.srcdir, self.config.redirects_file))
        moved = {r.old_doc: r for r in resolve(redirects, self.env.found_docs)[0]}
        if not moved:
            return
        for node in self.document.findall(addnodes.pending_xref):
            if node.get("reftype") != "myst":
                continue
            target, anchor = self._target(node)
            if target not in moved:
                continue
            redirect = moved[target]
            here = posixpath.dirname(self.env.docname)
            relative = posixpath.relpath(redirect.new, here or ".")
            logger.warning(
                "link to a moved page: %s is now %s; link to %s",
                redirect.old,
                redirect.new,
                relative + (f"#{anchor}" if anchor else ""),
                location=node,
                type=WARNING_TYPE,
                subtype="moved_link",
            )
            node["refdomain"] = "doc"
            node["reftarget"] = redirect.new_doc
            node["reftargetid"] = anchor or None

    def _target(self, node: addnodes.pending_xref) -> tuple[str | None, str | None]:
        """The docname a MyST link points at, and its #anchor: a page link MyST resolved to a
        document name, or a ``.md`` path it could not (the old page no longer exists)."""
        if node.get("refdomain") == "doc":
            return node.get("reftarget"), node.get("reftargetid")
        path, _, anchor = str(node.get("reftarget", "")).partition("#")
        if not path.endswith(SUFFIX):
            return None, None
        here = posixpath.dirname(self.env.docname)
        docname = posixpath.normpath(posixpath.join(here, path))[: -len(SUFFIX)]
        return docname, anchor or None


def setup_redirects(app: Sphinx) -> None:
    """Register the setting, the checks, the link transform, and sphinxext-rediraffe."""
    app._handbook_redirects = _State()  # type: ignore[attr-defined]
    app.setup_extension("sphinxext.rediraffe")
    app.add_config_value("redirects_file", "_redirects.txt", "env", types=frozenset({str}))
    app.connect("config-inited", _config_inited, priority=400)
    app.connect("build-finished", _check_targets, priority=400)  # rediraffe's: 500
    app.add_post_transform(MovedLinks)


__all__ = ["Redirect", "parse_redirects", "resolve", "setup_redirects", "valid_path"]
