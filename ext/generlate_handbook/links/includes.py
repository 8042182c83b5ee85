"""Includes refuse a file outside the source folder before reading it (see :mod:`.containment`).

``include``, ``literalinclude`` and the ``:file:`` of ``raw`` and ``csv-table`` are replaced by
subclasses that check their path (and ``literalinclude``'s ``:diff:`` file) first and, if it
leads outside the handbook, warn ``[links.outside]`` at the directive's line and insert nothing:
the file is never opened, so a hostile path cannot publish a secret, nor hang the build on a
named pipe or ``/dev/zero``. ``raw`` and ``csv-table`` with ``:url:`` (the build machine would
fetch the URL, a cloud metadata address say, into the page) are refused,
``[links.url_insertion]``.

MyST runs a directive that subclasses docutils' ``Include`` through its own reader, which opens
the file without calling the directive's ``run``. So :class:`ContainedInclude` deliberately does
not subclass it: it checks the path, then hands over to MyST's reader (a Markdown page) or to
Sphinx's ``Include`` (an rST page), with the options both accept. The ``include-read`` event,
which both emit once a file is read, stays as a second line of defence: an included file from
outside contributes nothing.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.parsers.rst.directives.misc import Raw
from sphinx.directives.code import LiteralInclude
from sphinx.directives.other import Include
from sphinx.directives.patches import CSVTable
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from generlate_handbook.links.containment import (
    BEFORE_COLLECTORS,
    note_refusal,
    outside_path,
    warn_outside,
)

try:  # MyST's reader for Markdown pages (myst-parser is a dependency; guard all the same)
    from myst_parser.mocking import MockIncludeDirective, MockState
except ImportError:  # pragma: no cover
    MockIncludeDirective = MockState = None  # type: ignore[assignment,misc]

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sphinx.application import Sphinx

logger = logging.getLogger(__name__)

#: The options MyST adds to ``include`` for Markdown pages.
_MYST_OPTIONS = {
    "relative-images": directives.flag,
    "relative-docs": directives.path,
    "heading-offset": directives.nonnegative_int,
}


class _Refusing:
    """Mixin for file-reading directives: refuse a path outside the source folder, unread."""

    #: docutils reads an absolute ``:file:`` as it stands (Sphinx's directives: from srcdir).
    literal_absolute = False

    def refused(self: Any, *paths: str) -> bool:
        env = self.state.document.settings.env
        for path in paths:
            if not path or (path.startswith("<") and path.endswith(">")):
                continue  # docutils' own standard includes (<isonum.txt>)
            where = outside_path(env, path, env.docname)
            if where is None and self.literal_absolute and os.path.isabs(path):
                literal = Path(os.path.normpath(path))
                inside = literal.is_relative_to(Path(env.srcdir).resolve())
                where = None if inside and literal.resolve().is_relative_to(env.srcdir) else literal
            if where is not None:
                warn_outside(env, path, where, env.docname, self.lineno)
                return True
        return False

    def refused_url(self: Any) -> bool:
        """``:url:`` makes the build fetch a URL (a cloud metadata address, say) into a page."""
        url = self.options.get("url")
        if not url:
            return False
        env = self.state.document.settings.env
        note_refusal(env, env.docname)
        logger.warning(
            "'%s': reading a URL into a page at build time is refused (a build machine can "
            "reach addresses readers must not see); paste the content, or link to the URL",
            url,
            type="links",
            subtype="url_insertion",
            location=(env.docname, self.lineno),
        )
        return True


class ContainedInclude(_Refusing, SphinxDirective):
    """``include`` that refuses a file outside the source folder before reading it."""

    required_arguments = 1
    optional_arguments = 0
    final_argument_whitespace = True
    has_content = False
    option_spec: ClassVar[dict[str, Any]] = {**Include.option_spec, **_MYST_OPTIONS}

    def run(self) -> Sequence[nodes.Node]:
        if self.refused(self.arguments[0]):
            return []
        if MockState is not None and isinstance(self.state, MockState):
            reader = MockIncludeDirective(
                self.state._renderer,
                name=self.name,
                klass=Include,
                arguments=self.arguments,
                options=self.options,
                body=list(self.content),
                lineno=self.lineno,
            )
            return reader.run()
        options = {k: v for k, v in self.options.items() if k in Include.option_spec}
        include = Include(
            self.name,
            self.arguments,
            options,
            self.content,
            self.lineno,
            self.content_offset,
            self.block_text,
            self.state,
            self.state_machine,
        )
        return include.run()


class ContainedLiteralInclude(_Refusing, LiteralInclude):
    """``literalinclude`` that refuses files (and ``:diff:`` files) outside the source folder."""

    def run(self) -> list[nodes.Node]:
        if self.refused(self.arguments[0], self.options.get("diff", "")):
            return []
        return super().run()


class ContainedRaw(_Refusing, Raw):
    """``raw`` whose ``:file:`` must be inside the source folder, and never a ``:url:``."""

    literal_absolute = True

    def run(self) -> list[nodes.Node]:
        if self.refused_url() or self.refused(self.options.get("file", "")):
            return []
        return super().run()


class ContainedCSVTable(_Refusing, CSVTable):
    """``csv-table`` whose ``:file:`` must be inside the source folder, and never a ``:url:``."""

    literal_absolute = True  # Sphinx's csv-table still reads an absolute path that exists

    def run(self) -> list[nodes.Node]:
        if self.refused_url() or self.refused(self.options.get("file", "")):
            return []
        return super().run()


def refuse_outside_include(app: Sphinx, relative: Path, _parent: str, content: list[str]) -> None:
    """``include-read``: an included file from outside the source folder contributes nothing.

    ``relative`` is the included file relative to the source folder (``../../x`` if outside).
    """
    env = app.env
    srcdir = Path(env.srcdir).resolve()
    joined = srcdir / relative
    target = joined.resolve()
    if Path(os.path.normpath(joined)).is_relative_to(srcdir) and target.is_relative_to(srcdir):
        return
    warn_outside(env, relative.as_posix(), target, env.docname, None)
    content[0] = ""


def setup_includes(app: Sphinx) -> None:
    """Register the refusing include directives and the ``include-read`` check."""
    app.add_directive("include", ContainedInclude, override=True)
    app.add_directive("literalinclude", ContainedLiteralInclude, override=True)
    app.add_directive("raw", ContainedRaw, override=True)
    app.add_directive("csv-table", ContainedCSVTable, override=True)
    app.connect("include-read", refuse_outside_include, priority=BEFORE_COLLECTORS)
