"""Handbook pages as MyST parses them: markdown-it-py with MyST's own configuration.

The settings come from ``conf.py``'s ``myst_*`` assignments (read as literals, never run), so
the lint and the tests see the same blocks, fences and lines as the build. A directive's
Markdown content is parsed again, at its own lines, so a note inside an admonition is found
where it is.

:func:`pieces` cuts a page into what a reader sees and what they do not, each with its line:

========== ===================================================================================
``prose``  text of a paragraph, heading, list item or table cell (code, roles removed)
``html``   raw HTML (blocks and inline), published as it is
``title``  a directive's argument line (``:::{note} Title``), published for most directives
``option`` a directive option line (``:caption: Text``)
``data``   the content of a directive that is data (``toctree``, the policy directives)
``code``   code: fences, ``code-block``, indented blocks
``include`` the argument of an ``{include}`` of Markdown (the file is part of the page)
========== ===================================================================================

MyST comments (``% note``) and front matter are not pieces: readers never see them.
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser

Kind = Literal["prose", "html", "title", "option", "data", "code", "include"]

# Directives whose content is code or data, not Markdown (everything else is parsed again).
CODE_DIRECTIVES = frozenset(
    {"code", "code-block", "sourcecode", "code-cell", "literalinclude", "math", "raw", "eval-rst"}
)
DATA_DIRECTIVES = frozenset(
    {
        "toctree",
        "include",
        "sla-table",
        "sla-examples",
        "support-hours",
        "availability-budget",
        "policy-list",
        "csv-table",
        "list-table",
    }
)
MAX_DEPTH = 50  # nested directives read; MyST itself gives up long before Python's stack does
DIRECTIVE = re.compile(r"^\{(?P<name>[\w:.+-]+)\}\s*(?P<argument>.*)$")
OPTION = re.compile(r"^\s*:(?P<key>[\w-]+):(?:\s+(?P<value>.*))?$")


@dataclass(frozen=True)
class Piece:
    line: int  # 1-based, in the file
    kind: Kind
    text: str
    directive: str = ""  # the enclosing directive's name, for titles, options and data


@functools.cache
def _parser(settings: tuple[tuple[str, object], ...]) -> MarkdownIt:
    options = {key: set(value) if key == "enable_extensions" else value for key, value in settings}
    return create_md_parser(MdParserConfig(**options), RendererHTML)


def myst_settings(conf_py: Path) -> dict[str, object]:
    """``myst_*`` settings assigned as literals in ``conf_py`` (without the prefix)."""
    try:
        tree = ast.parse(conf_py.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError):
        return {}
    found: dict[str, object] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if isinstance(target, ast.Name) and target.id.startswith("myst_"):
            try:
                found[target.id.removeprefix("myst_")] = ast.literal_eval(value)
            except ValueError:
                continue  # not a literal: MyST's default stands
    return found


def parser_for(handbook: Path) -> MarkdownIt:
    """The markdown-it parser MyST builds for the handbook at ``handbook`` (its conf.py)."""
    settings = myst_settings(handbook / "conf.py")
    known = set(MdParserConfig.__dataclass_fields__)
    frozen = tuple(
        sorted(
            (key, tuple(sorted(value)) if isinstance(value, list | set | tuple) else value)
            for key, value in settings.items()
            if key in known
        )
    )
    return _parser(frozen)


def tokens(
    text: str, md: MarkdownIt, first_line: int = 1, depth: int = 0
) -> Iterator[tuple[Token, int]]:
    """Every block token with the 1-based line it starts on, directive content included
    (down to ``MAX_DEPTH`` nested directives: deeper content is not read)."""
    for token in md.parse(text):
        line = first_line + (token.map[0] if token.map else 0)
        yield token, line
        if token.type in ("fence", "colon_fence") and depth < MAX_DEPTH:
            directive = directive_of(token, line)
            if directive and directive.markdown:
                yield from tokens(directive.content, md, directive.content_line, depth + 1)


@dataclass(frozen=True)
class _Directive:
    name: str
    argument: str
    options: list[tuple[int, str, str]]  # line, key, text of the whole line
    content: str
    content_line: int

    @property
    def markdown(self) -> bool:
        return self.name not in CODE_DIRECTIVES | DATA_DIRECTIVES


def directive_of(token: Token, line: int) -> _Directive | None:
    """The directive a fence opens (name, argument, options with lines, content), or None."""
    match = DIRECTIVE.match(token.info.strip())
    if not match:
        return None
    lines = token.content.splitlines()
    options: list[tuple[int, str, str]] = []
    index = 0
    if lines and lines[0].strip() == "---":  # options as a YAML block
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), len(lines))
        for i in range(1, end):
            key = lines[i].split(":", 1)[0].strip()
            options.append((line + 1 + i, key, lines[i]))
        index = end + 1
    else:
        while index < len(lines) and (option := OPTION.match(lines[index])):
            options.append((line + 1 + index, option["key"], lines[index]))
            index += 1
    content = "\n".join(lines[index:])
    return _Directive(match["name"], match["argument"], options, content, line + 1 + index)


def pieces(text: str, md: MarkdownIt) -> Iterator[Piece]:
    """What a page is made of, line by line (see the module's table)."""
    for token, line in tokens(text, md):
        if token.type == "inline":
            yield from _inline_pieces(token, line)
        elif token.type == "html_block":
            yield from _lines(token.content, line, "html")
        elif token.type in ("code_block", "math_block"):
            yield from _lines(token.content, line + (token.type == "math_block"), "code")
        elif token.type in ("fence", "colon_fence"):
            yield from _fence_pieces(token, line)


def _fence_pieces(token: Token, line: int) -> Iterator[Piece]:
    directive = directive_of(token, line)
    if directive is None:  # a plain code fence
        yield from _lines(token.content, line + 1, "code")
        return
    name = directive.name
    if directive.argument:
        kind: Kind = "include" if name == "include" else "title"
        if kind == "include" and any(key in ("literal", "code") for _, key, _ in directive.options):
            kind = "data"
        yield Piece(line, kind, directive.argument, name)
    for number, _key, option_line in directive.options:
        yield Piece(number, "option", option_line, name)
    if name in CODE_DIRECTIVES:
        kind = "html" if name == "raw" and "html" in directive.argument.split() else "code"
        yield from _lines(directive.content, directive.content_line, kind, name)
    elif name in DATA_DIRECTIVES:
        yield from _lines(directive.content, directive.content_line, "data", name)
    # Markdown content: tokens() has parsed it, at its own lines.


def _lines(text: str, first: int, kind: Kind, directive: str = "") -> Iterator[Piece]:
    for offset, content in enumerate(text.splitlines()):
        if content.strip():
            yield Piece(first + offset, kind, content, directive)


def _inline_pieces(token: Token, line: int) -> Iterator[Piece]:
    """A paragraph's text, one piece per source line; inline HTML as its own pieces."""
    parts: list[str] = []
    for child in token.children or []:
        if child.type in ("softbreak", "hardbreak"):
            yield from _text_piece(parts, line)
            parts, line = [], line + 1
        elif child.type == "text":
            parts.append(child.content)
        elif child.type == "html_inline":
            parts.append(" ")
            yield Piece(line, "html", child.content)
            line += child.content.count("\n")  # a comment can span lines
        elif child.type in ("code_inline", "myst_role", "math_inline", "image"):
            parts.append(" ")
    yield from _text_piece(parts, line)


def _text_piece(parts: list[str], line: int) -> Iterator[Piece]:
    text = "".join(parts)
    if text.strip():
        yield Piece(line, "prose", text)
