"""No script in a page: raw HTML and links that would run code in a reader's browser are refused.

MyST passes raw HTML through, and rST (in ``{eval-rst}``) accepts any URL scheme in a link, so a
page could carry ``<script>``, an ``onerror=`` handler or a ``javascript:`` link to every member
of staff who opens it. At ``doctree-read`` each such node is reported ``[links.script]`` at its
page and line and left out of the page (a link keeps its text):

* raw HTML elements that run or embed code: ``script``, ``iframe``, ``frame``, ``object``,
  ``embed``, ``applet``, ``base``, ``form``, ``meta`` (``http-equiv`` refresh), ``style``;
* any ``on…`` event-handler attribute, and ``style`` attributes using ``expression(`` or
  ``url(javascript:``;
* a URL (raw HTML ``href``/``src``/…, or a link) with a ``javascript:``, ``vbscript:`` or
  ``data:`` scheme, except ``data:image/…`` in an ``<img>``.

Harmless raw HTML (``<br>``, ``<kbd>``, ``<img src="img/x.png">``) still passes.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx.util import logging

from generlate_handbook.links.containment import (
    BEFORE_COLLECTORS,
    node_line,
    note_refusal,
    parsed,
    precise_line,
)

if TYPE_CHECKING:
    from sphinx.application import Sphinx

logger = logging.getLogger(__name__)

ACTIVE_TAGS = frozenset(
    {"script", "iframe", "frame", "object", "embed", "applet", "base", "form", "meta", "style"}
)
URL_ATTRIBUTES = frozenset(
    {"href", "src", "srcset", "action", "formaction", "data", "poster", "background", "xlink:href"}
)
_SCRIPT_SCHEME = re.compile(r"^\s*(?:javascript|vbscript|data)\s*:", re.I)
_CONTROL = re.compile(r"[\x00-\x20]")
_STYLE = re.compile(r"expression\s*\(|url\s*\(\s*['\"]?\s*javascript:", re.I)


def script_url(url: str, *, image: bool = False) -> bool:
    """Whether following ``url`` would run code (browsers ignore control characters in it)."""
    cleaned = _CONTROL.sub("", url)
    if image and cleaned.lower().startswith("data:image/"):
        return False
    return bool(_SCRIPT_SCHEME.match(cleaned))


class _ActiveContent(HTMLParser):
    """The active parts of an HTML fragment, described for the warning."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ACTIVE_TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            elif name == "style" and value and _STYLE.search(value):
                self.found.append(f"<{tag} style=…> running script")
            elif name in URL_ATTRIBUTES and value:
                urls = [p.split()[0] for p in value.split(",") if p.split()]
                urls = urls if name == "srcset" else [value]
                if any(script_url(u, image=tag == "img") for u in urls):
                    self.found.append(f"<{tag} {name}={value.strip()[:40]!r}>")

    handle_startendtag = handle_starttag


def active_content(fragment: str) -> list[str]:
    """What in a raw HTML fragment would run code in the reader's browser (empty: nothing)."""
    return parsed(_ActiveContent(), fragment).found


def refuse_scripts(app: Sphinx, doctree: nodes.document) -> None:
    """Warn at, and leave out, raw HTML and links that would run code."""
    env = app.env
    docname = env.docname
    for node in list(doctree.findall(nodes.Element)):
        if isinstance(node, nodes.raw) and "html" in node.get("format", "").split():
            found, text = active_content(node.astext()), node.astext().strip()
        elif isinstance(node, nodes.reference) and script_url(node.get("refuri", "")):
            found, text = [f"a link to {node['refuri'][:40]!r}"], node["refuri"]
        else:
            continue
        if not found:
            continue
        note_refusal(env, docname)
        line = precise_line(env, docname, node_line(node), text.splitlines()[0] if text else "")
        logger.warning(
            "%s would run code in every reader's browser: pages carry no script",
            ", ".join(dict.fromkeys(found)),
            type="links",
            subtype="script",
            location=(docname, line) if line else docname,
        )
        if node.parent is not None:
            node.replace_self([] if isinstance(node, nodes.raw) else node.children)


def setup_scripts(app: Sphinx) -> None:
    """Register the check (called from the links extension's ``setup``)."""
    app.connect("doctree-read", refuse_scripts, priority=BEFORE_COLLECTORS)
