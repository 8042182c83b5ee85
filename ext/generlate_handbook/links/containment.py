"""Links stay inside the handbook: no page can publish, show or include a file from outside it.

Pages arrive by pull request and are built on machines that hold credentials, so a link such as
``[c](../../.git/config)`` must never copy the file into ``_build/html/_downloads/``. Every
path a page names is resolved the way Sphinx resolves it (relative to the page, or to the
source folder for ``/``-absolute paths), lexically *and* through symlinks; if either lands
outside the source folder the build warns ``[links.outside]`` at the page and line, and:

* an image, ``{download}`` or link node is removed (its text stays) in a ``doctree-read``
  handler that runs before Sphinx's image and download collectors, so nothing is copied;
* raw HTML (``<img src=...>``, ``<a href=...>``) naming such a path is dropped;
* ``include`` and ``literalinclude`` (Markdown and rST) refuse before reading the file
  (:mod:`.includes`);
* a page whose own source is a symlink leading outside is read as a bare title;
* at ``env-updated`` any image or download that still names an outside path (another
  extension's node, say) is dropped from the environment, so the builder never copies it.
"""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import unquote

from docutils import nodes
from sphinx import addnodes
from sphinx.util import logging

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)

WARNING_TYPE = "links"
SUBTYPE = "outside"
#: Before the image and download collectors (priority 500) copy anything.
BEFORE_COLLECTORS = 100
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
#: Attributes of raw HTML whose value is a URL (``srcset`` holds several).
_URL_ATTRIBUTES = frozenset(
    {"href", "src", "srcset", "poster", "data", "action", "formaction", "background", "cite"}
)


# -- resolving ---------------------------------------------------------------------------------
def is_local_path(target: str) -> bool:
    """Whether ``target`` names a file (not a URL with a scheme, ``//host``, or ``#anchor``)."""
    return bool(target) and not (_SCHEME.match(target) or target.startswith(("//", "#", "\\\\")))


def outside_path(env: BuildEnvironment, target: str, docname: str) -> Path | None:
    """Where ``target`` (as written on ``docname``) leads if that is outside the source folder.

    ``/path`` is relative to the source folder, anything else to the page's folder (Sphinx's
    ``relfn2path``). The path is checked lexically (``..``) and with symlinks followed, as
    written and percent-decoded, with and without a ``#fragment`` or ``?query``: Sphinx reads
    an image's ``a#/../../x.png`` as a path, a browser reads a link's as a URL.
    """
    srcdir = Path(env.srcdir).resolve()
    here = srcdir / env.doc2path(docname, False).parent
    bare = target.split("#", 1)[0].split("?", 1)[0]
    for written in dict.fromkeys((target, unquote(target), bare, unquote(bare))):
        where = _outside(srcdir, here, written.replace("\\", "/"))
        if where is not None:
            return where
    return None


def _outside(srcdir: Path, here: Path, path: str) -> Path | None:
    if not path or "\x00" in path:
        return None
    parts = PurePosixPath(path).parts
    joined = srcdir.joinpath(*parts[1:]) if parts[:1] == ("/",) else here / path
    lexical = Path(os.path.normpath(joined))
    if not lexical.is_relative_to(srcdir):
        return lexical
    try:
        resolved = joined.resolve()
    except (OSError, RuntimeError, ValueError):  # a loop or an over-long name: unreadable
        return None
    return None if resolved.is_relative_to(srcdir) else resolved


def node_line(node: nodes.Node) -> int | None:
    while node is not None:
        if getattr(node, "line", None):
            return node.line
        node = node.parent
    return None


def _shown(where: Path, srcdir: Path) -> str:
    """``where`` relative to the folder holding the source folder (the repository), if inside."""
    root = srcdir.parent
    return os.path.relpath(where, root) if where.is_relative_to(root) else str(where)


def precise_line(env: BuildEnvironment, docname: str, line: int | None, target: str) -> int | None:
    """The line of ``line``'s paragraph that names ``target`` (inline nodes carry the line of
    their paragraph); ``line`` itself if none does (the target was written encoded, say)."""
    if not line:
        return line
    try:
        lines = Path(env.doc2path(docname)).read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return line
    for number in range(line, len(lines) + 1):
        if not lines[number - 1].strip():
            break
        if target in lines[number - 1]:
            return number
    return line


def warn_outside(
    env: BuildEnvironment, target: str, where: Path, docname: str, line: int | None
) -> None:
    note_refusal(env, docname)
    srcdir = Path(env.srcdir).resolve()
    logger.warning(
        "'%s' leads outside the handbook (to %s): the build never links, shows or includes "
        "a file from outside %s/",
        target,
        _shown(where, srcdir),
        srcdir.name,
        type=WARNING_TYPE,
        subtype=SUBTYPE,
        location=(docname, line) if line else docname,
    )


# -- refusals repeat until fixed --------------------------------------------------------------
# A warning raised while a page is read is not raised again by an incremental build that does
# not re-read it, so `make html` would pass the second time with the refused link still there.
# Pages with a refusal are therefore re-read by every build until the refusal is gone.
_REFUSED = "handbook_refused_docs"


def _refused(env: BuildEnvironment) -> set[str]:
    if not isinstance(getattr(env, _REFUSED, None), set):
        setattr(env, _REFUSED, set())
    return getattr(env, _REFUSED)


def note_refusal(env: BuildEnvironment, docname: str) -> None:
    """Remember that ``docname`` had a refusal, so the next build re-reads (and re-warns) it."""
    _refused(env).add(docname)


def _purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _refused(env).discard(docname)


def _merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: object) -> None:
    _refused(env).update(_refused(other) & docnames)  # type: ignore[arg-type]


def _outdated(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    return sorted((_refused(env) & env.found_docs) - removed - added - changed)


# -- raw HTML ----------------------------------------------------------------------------------
class _UrlCollector(HTMLParser):
    """Every URL in the URL-valued attributes of an HTML fragment (entities decoded)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None or name.lower().rsplit(":", 1)[-1] not in _URL_ATTRIBUTES:
                continue
            if name.lower() == "srcset":
                self.urls += [part.split()[0] for part in value.split(",") if part.split()]
            else:
                self.urls.append(value.strip())

    handle_startendtag = handle_starttag


_Parser = TypeVar("_Parser", bound=HTMLParser)


def parsed(parser: _Parser, fragment: str) -> _Parser:
    """``parser`` after reading the whole of a raw HTML fragment."""
    parser.feed(fragment)
    parser.close()
    return parser


def html_urls(fragment: str) -> list[str]:
    """The URLs a raw HTML fragment points at."""
    return parsed(_UrlCollector(), fragment).urls


# -- the doctree -------------------------------------------------------------------------------
def _targets(node: nodes.Element) -> Iterator[str]:
    """The local paths a node would link to, show or copy."""
    if isinstance(node, nodes.image):
        targets = [node.get("uri", "")]
    elif isinstance(node, addnodes.download_reference):
        targets = [node.get("reftarget", "")]
    elif isinstance(node, addnodes.pending_xref):
        # MyST links ([t](../x.md)) and {doc}; other domains' targets are names, not paths.
        known = node.get("reftype") in {"myst", "doc"} or node.get("refdomain") == "doc"
        targets = [node.get("reftarget", "")] if known else []
    elif isinstance(node, nodes.reference):
        targets = [node.get("refuri", "")]
    elif isinstance(node, nodes.raw) and "html" in node.get("format", "").split():
        targets = html_urls(node.astext())
    else:
        targets = []
    return (t for t in targets if isinstance(t, str) and is_local_path(t))


def refuse_outside_links(app: Sphinx, doctree: nodes.document) -> None:
    """Warn at, and take out, every node naming a path outside the source folder."""
    env = app.env
    docname = env.docname
    for node in list(doctree.findall(nodes.Element)):
        for target in _targets(node):
            where = outside_path(env, target, docname)
            if where is None:
                continue
            warn_outside(
                env, target, where, docname, precise_line(env, docname, node_line(node), target)
            )
            if node.parent is not None:
                keep = [] if isinstance(node, nodes.image | nodes.raw) else node.children
                node.replace_self(keep or [])
            break


def scrub_environment(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Drop any image or download still naming an outside path, so none is ever copied."""
    srcdir = Path(env.srcdir).resolve()
    for registry in (env.images, env.dlfiles):
        for rel in list(registry):
            full = srcdir / rel
            lexical = Path(os.path.normpath(full))
            if lexical.is_relative_to(srcdir) and full.resolve().is_relative_to(srcdir):
                continue
            docs, _unique = registry[rel]
            for docname in sorted(docs):
                warn_outside(env, rel, full.resolve(), docname, None)
            del registry[rel]
    return []


# -- page sources and includes -----------------------------------------------------------------
def refuse_outside_source(app: Sphinx, docname: str, content: list[str]) -> None:
    """A page that is a symlink to a file outside the source folder is read as a bare title."""
    env = app.env
    source = Path(env.doc2path(docname))
    srcdir = Path(env.srcdir).resolve()
    if not source.resolve().is_relative_to(srcdir):
        warn_outside(env, source.name, source.resolve(), docname, 1)
        content[0] = "# Refused\n" if source.suffix == ".md" else ""


def setup_containment(app: Sphinx) -> None:
    """Register the containment checks (called from the links extension's ``setup``)."""
    from generlate_handbook.links.includes import setup_includes

    setup_includes(app)
    app.connect("source-read", refuse_outside_source, priority=BEFORE_COLLECTORS)
    app.connect("doctree-read", refuse_outside_links, priority=BEFORE_COLLECTORS)
    app.connect("env-updated", scrub_environment)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("env-get-outdated", _outdated)
