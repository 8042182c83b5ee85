"""Page titles are escaped in the theme's top navigation, as everywhere else.

pydata-sphinx-theme's ``navbar-nav.html`` calls ``generate_header_nav_html`` (its
``toctree.py``), which joins each top-level page's title as plain text
(``node.astext()``) into HTML without escaping it. A page titled ``# Plain \\<img src=x
onerror=alert(3)>``, or one whose title uses the ``policy`` role on a policy name holding
``<script>``, would put live markup into the navigation of every page. Titles everywhere else
(``<title>``, breadcrumbs, previous/next, sidebars, page TOC, search) go through Sphinx's HTML
writer or the search's own escaping and are safe.

This module replaces that one context function, after the theme has added it, with one that
produces the theme's markup (same classes, same dropdown) from escaped titles and links. No
template is overridden, so the theme's own ``navbar-nav.html`` keeps calling it.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from textwrap import dedent
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from docutils import nodes
from sphinx import addnodes
from sphinx.environment.adapters.toctree import _get_toctree_ancestors
from sphinx.locale import get_translation

if TYPE_CHECKING:
    from collections.abc import Callable

    from sphinx.application import Sphinx

_ = get_translation("pydata_sphinx_theme")
#: After the theme's own ``html-page-context`` handlers (priority 500), which add the function.
AFTER_THEME = 600
_SPECIAL_TITLES = {"genindex": "Index", "modindex": "Python Module Index", "search": "Search"}
_ITEM = dedent(
    """
    <li class="{nav_item} {active}">
      <a class="{nav_link} nav-{ext_int}" href="{href}"{aria_current}>
        {title}
      </a>
    </li>
    """
)
_DROPDOWN = """
<li class="nav-item dropdown">
    <button class="btn dropdown-toggle nav-item" type="button"
    data-bs-toggle="dropdown" aria-expanded="false"
    aria-controls="{id}">
        {text}
    </button>
    <ul id="{id}" class="dropdown-menu">
        {items}
    </ul>
</li>
"""


@dataclass(frozen=True)
class NavLink:
    """One top-level navigation link; ``title_html`` is already escaped."""

    href: str
    title_html: str
    is_current: bool = False
    is_current_page: bool = False
    is_external: bool = False

    def render(self, *, in_dropdown: bool) -> str:
        return _ITEM.format(
            nav_item="" if in_dropdown else "nav-item",
            nav_link="nav-link dropdown-item" if in_dropdown else "nav-link",
            active="current active" if self.is_current else "",
            aria_current=' aria-current="page"' if self.is_current_page else "",
            ext_int="external" if self.is_external else "internal",
            href=escape(self.href, quote=True),
            title=self.title_html,
        )


def title_html(app: Sphinx, page: str, explicit: str | None) -> str:
    """A page's title as escaped HTML (inline math kept for MathJax, escaped too)."""
    if explicit is not None:
        return escape(explicit)
    node = app.env.titles.get(page)
    if node is None:
        return escape(_(_SPECIAL_TITLES.get(page, page)))
    parts = []
    for child in node.children:
        text = escape(child.astext())
        if isinstance(child, nodes.math):
            text = f'<span class="math notranslate nohighlight">\\({text}\\)</span>'
        parts.append(text)
    return "".join(parts)


def nav_links(app: Sphinx, pagename: str, context: dict[str, Any]) -> list[NavLink]:
    """The root document's toctree entries, then the theme's ``external_links``."""
    env = app.env
    ancestors = [*_get_toctree_ancestors(env.toctree_includes, pagename)]
    active = ancestors[-1] if ancestors else None
    links = []
    root_toc = env.tocs[app.config.root_doc]
    for toc in root_toc.findall(addnodes.toctree):
        for explicit, entry in toc["entries"]:
            page = toc["parent"] if entry == "self" else entry
            external = bool(urlparse(page).netloc)
            href = (
                page
                if external
                else context["pathto"]("py-modindex" if page == "modindex" else page)
            )
            links.append(
                NavLink(
                    href=href,
                    title_html=title_html(app, page, explicit),
                    is_current=page == active,
                    is_current_page=page == pagename,
                    is_external=external,
                )
            )
    for link in context.get("theme_external_links", []):
        links.append(NavLink(href=link["url"], title_html=escape(link["name"]), is_external=True))
    return links


def escaped_header_nav(app: Sphinx, pagename: str, context: dict[str, Any]) -> Callable[..., str]:
    """A drop-in ``generate_header_nav_html`` for this page, escaping every title."""
    ids: list[str] = []
    computed: list[list[NavLink]] = []

    def generate_header_nav_html(
        n_links_before_dropdown: int = 5, dropdown_text: str = "More"
    ) -> str:
        if not computed:  # the theme renders the navigation twice (header, mobile sidebar)
            computed.append(nav_links(app, pagename, context))
        links = computed[0]
        cutoff = int(n_links_before_dropdown)
        if len(links) <= cutoff + 1:  # never a dropdown holding a single link
            cutoff += 1
        out = "\n".join(link.render(in_dropdown=False) for link in links[:cutoff])
        rest = links[cutoff:]
        if rest:
            ids.append("pst-nav-more-links" + (f"-{len(ids) + 1}" if ids else ""))
            out += _DROPDOWN.format(
                id=ids[-1],
                text=escape(_(dropdown_text)),
                items="\n".join(link.render(in_dropdown=True) for link in rest),
            )
        return out

    return generate_header_nav_html


def replace_header_nav(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: object
) -> None:
    """Swap in the escaping navigation wherever the theme offers its own."""
    if "generate_header_nav_html" in context:
        context["generate_header_nav_html"] = escaped_header_nav(app, pagename, context)


def setup_escaping(app: Sphinx) -> None:
    """Register the escaped top navigation."""
    app.connect("html-page-context", replace_header_nav, priority=AFTER_THEME)
