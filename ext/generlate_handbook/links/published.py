"""What reaches ``_build/html``: what the current sources produce, and never the page sources.

* Page sources are not published: ``html_copy_source`` is forced off (Sphinx's default copies
  every page, editor notes included, to ``_sources/``); setting it to ``True`` in ``conf.py``
  warns ``[links.copy_source]``.
* After every HTML build, incremental or fresh (``-E``), output that no current source produced
  is removed: files in ``_images/`` and ``_downloads/`` that no page uses any more (Sphinx only
  ever adds to them), ``_sources/``, and the pages of deleted documents. A file linked from an
  earlier build therefore disappears with the link, even from a build that re-reads nothing.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.util import logging

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sphinx.application import Sphinx
    from sphinx.config import Config

logger = logging.getLogger(__name__)

WARNING_TYPE = "links"
#: Run before other ``build-finished`` handlers, so files they write are never touched.
EARLY = 100


def no_source_copies(app: Sphinx, config: Config) -> None:
    """Force ``html_copy_source`` off; warn if ``conf.py`` asked for it."""
    raw = getattr(config, "_raw_config", {})
    if raw.get("html_copy_source") is True:
        conf_py = Path(app.confdir, "conf.py")
        try:
            lines = conf_py.read_text("utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            lines = []
        line = next(
            (n for n, text in enumerate(lines, 1) if text.startswith("html_copy_source")), 1
        )
        logger.warning(
            "html_copy_source = True would publish every page's source, editor notes "
            "included; the handbook never publishes its sources (it is turned off)",
            type=WARNING_TYPE,
            subtype="copy_source",
            location=f"{conf_py}:{line}",
        )
    config.html_copy_source = False


class _Rendered:
    """Pages the HTML builder renders in this run that are not documents (genindex, search)."""

    def __init__(self) -> None:
        self.pages: set[str] = set()

    def reset(self, app: Sphinx) -> None:
        self.pages = set()

    def note(self, app: Sphinx, pagename: str, *_args: object) -> None:
        self.pages.add(pagename)


def _prune(folder: Path, keep: Iterable[str]) -> list[Path]:
    """Remove every file under ``folder`` whose relative path is not in ``keep``."""
    if not folder.is_dir():
        return []
    wanted = set(keep)
    removed = []
    for path in sorted(folder.rglob("*"), reverse=True):
        if path.is_dir() and not path.is_symlink():
            if not any(path.iterdir()):
                path.rmdir()
        elif path.relative_to(folder).as_posix() not in wanted:
            path.unlink()
            removed.append(path)
    return removed


def _stale_pages(outdir: Path, expected: set[str], extra: set[str]) -> list[Path]:
    """``*.html`` pages of documents that no longer exist (not under ``_*`` or ``.*``)."""
    stale = []
    for path in outdir.rglob("*.html"):
        rel = path.relative_to(outdir)
        if any(part.startswith(("_", ".")) for part in rel.parts[:-1]):
            continue
        if rel.as_posix() in extra:
            continue
        if rel.with_suffix("").as_posix() not in expected:
            stale.append(path)
    return stale


def _extra_files(app: Sphinx) -> set[str]:
    """Files ``html_extra_path`` copies into the output (relative paths)."""
    files: set[str] = set()
    for entry in app.config.html_extra_path:
        root = Path(app.confdir, entry)
        if root.is_file():
            files.add(root.name)
        elif root.is_dir():
            files |= {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    return files


def remove_stale_output(
    app: Sphinx, exception: BaseException | None, rendered: _Rendered
) -> list[Path]:
    """After an HTML build, remove what no current source produced; return what was removed."""
    builder = app.builder
    if exception is not None or not isinstance(builder, StandaloneHTMLBuilder):
        return []
    env = app.env
    outdir = Path(app.outdir)
    images = (Path(name).as_posix() for _docs, name in env.images.values())
    removed = _prune(outdir / builder.imagedir, images)
    downloads = (Path(dest).as_posix() for _docs, dest in env.dlfiles.values())  # hash/name
    removed += _prune(outdir / "_downloads", downloads)
    sources = outdir / "_sources"
    if not app.config.html_copy_source and sources.is_dir():
        removed += [p for p in sources.rglob("*") if p.is_file()]
        shutil.rmtree(sources)
    if builder.name == "html":  # dirhtml and singlehtml name their pages differently
        expected = set(env.found_docs) | rendered.pages
        for page in _stale_pages(outdir, expected, _extra_files(app)):
            page.unlink()
            removed.append(page)
    if removed:
        logger.info("removed %d file(s) no current source produced", len(removed))
    return removed


def setup_published(app: Sphinx) -> None:
    """Register the output hygiene (called from the links extension's ``setup``)."""
    rendered = _Rendered()
    app.connect("config-inited", no_source_copies)
    app.connect("builder-inited", rendered.reset)
    app.connect("html-page-context", rendered.note)
    app.connect(
        "build-finished",
        lambda app, exc: remove_stale_output(app, exc, rendered),
        priority=EARLY,
    )
