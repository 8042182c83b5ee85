"""Includes refuse a file outside the source folder before reading it (see :mod:`.containment`).

``include`` and ``literalinclude`` are replaced by subclasses that check their path (and
``literalinclude``'s ``:diff:`` file) first and, if it leads outside the handbook, warn
``[links.outside]`` at the directive's line and insert nothing: the file is never opened, so a
hostile path cannot publish a secret, nor hang the build on a named pipe or ``/dev/zero``.

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
from sphinx.directives.code import LiteralInclude
from sphinx.directives.other import Include
from sphinx.util.docutils import SphinxDirective

from generlate_handbook.links.containment import BEFORE_COLLECTORS, outside_path, warn_outside

try:  # MyST's reader for Markdown pages (myst-parser is a dependency; guard all the same)
    from myst_parser.mocking import MockIncludeDirective, MockState
except ImportError:  # pragma: no cover
    MockIncludeDirective = MockState = None  # type: ignore[assignment,misc]

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sphinx.application import Sphinx

#: The options MyST adds to ``include`` for Markdown pages.
_MYST_OPTIONS = {
    "relative-images": directives.flag,
    "relative-docs": directives.path,
    "heading-offset": directives.nonnegative_int,
}


class _Refusing:
    """Mixin for file-reading directives: refuse a path outside the source folder, unread."""

    def refused(self: Any, *paths: str) -> bool:
        for path in paths:
            if not path or (path.startswith("<") and path.endswith(">")):
                continue  # docutils' own standard includes (<isonum.txt>)
            where = outside_path(self.env, path, self.env.docname)
            if where is not None:
                warn_outside(self.env, path, where, self.env.docname, self.lineno)
                return True
        return False


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
    app.connect("include-read", refuse_outside_include, priority=BEFORE_COLLECTORS)
