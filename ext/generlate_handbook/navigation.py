"""Sphinx extension: a primary sidebar that lists the current page's neighbourhood.

pydata-sphinx-theme's ``sidebar-nav-bs`` embeds the whole toctree of the page's top-level
section in every page, so a section of N pages costs O(N) HTML and time on each of its N pages.
This extension gives its ``neighbourhood-nav.html`` template (``templates/`` beside this module,
added to ``templates_path``, so a project's own ``_templates/neighbourhood-nav.html`` would take
precedence) a bounded list instead:

- a top-level section of at most ``navigation_full_section`` pages is listed whole, expanded
  (a small handbook keeps the navigation it always had, without collapse toggles);
- a larger one lists the path from the section down to the page: at each level the entries
  around the page on that path (at most ``navigation_window``, with a link to the nearest
  hidden entry on each side that has more), and the page's own first children.

The outline (each page's toctree children and parent) is built once per build, after reading;
each page then costs O(depth x window) however large its section grows. A page whose sidebar
changed since the last build (a neighbour renamed, added or removed) is written again, even
though its own source did not change. The template escapes every title and address; pages
outside the toctree (the root page, search) get no sidebar.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment

TEMPLATE = "neighbourhood-nav"
ENV_KEY = "generlate_navigation"  # env attribute: each page's sidebar digest at the last build
_EXTERNAL = re.compile(r"https?://", re.IGNORECASE)


@dataclass(frozen=True)
class Entry:
    """One sidebar line: a page (with its listed children) or a link to hidden neighbours."""

    title: str
    href: str
    current: bool = False  # this page: aria-current="page"
    on_path: bool = False  # this page or one of its ancestors: highlighted
    external: bool = False
    children: tuple[Entry, ...] = ()
    more: int = 0  # > 0: this line stands for `more` hidden entries, linking to the nearest
    earlier: bool = False  # the hidden entries come before the window (else after it)


@dataclass
class Outline:
    """The toctree as parent and children maps, built once per build from ``env.tocs``."""

    root: str
    children: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # doc: (title, ref)
    parent: dict[str, str] = field(default_factory=dict)  # the first toctree that lists a page
    position: dict[str, int] = field(default_factory=dict)  # its index in that toctree's list
    size: dict[str, int] = field(default_factory=dict)  # pages under each top-level section

    def add(self, doc: str, title: str, ref: str) -> None:
        """List ``ref`` (a page, or an http(s) address) under ``doc``."""
        entries = self.children.setdefault(doc, [])
        if not _EXTERNAL.match(ref) and ref not in self.parent:
            self.parent[ref] = doc
            self.position[ref] = len(entries)
        entries.append((title, ref))

    def count_sections(self) -> None:
        for _title, section in self.children.get(self.root, []):
            self.size[section] = len(self.descendants(section))

    @classmethod
    def of(cls, env: BuildEnvironment) -> Outline:
        outline = cls(root=env.config.root_doc)
        titles = {doc: node.astext() for doc, node in env.titles.items()}
        for doc in sorted(env.tocs):
            for toctree in env.tocs[doc].findall(addnodes.toctree):
                for title, ref in toctree["entries"]:
                    if ref in titles and ref != doc:
                        outline.add(doc, title or titles[ref], ref)
                    elif _EXTERNAL.match(ref) and title:
                        outline.add(doc, title, ref)
        outline.count_sections()
        return outline

    def descendants(self, doc: str) -> set[str]:
        seen: set[str] = set()
        stack = [doc]
        while stack:
            for _title, ref in self.children.get(stack.pop(), []):
                if ref in self.parent and ref not in seen:
                    seen.add(ref)
                    stack.append(ref)
        return seen

    def chain(self, doc: str) -> list[str]:
        """The pages from the top-level section down to ``doc``; [] outside the toctree."""
        chain = [doc]
        while chain[-1] in self.parent and self.parent[chain[-1]] != self.root:
            if self.parent[chain[-1]] in chain:  # a toctree cycle (Sphinx warns about it)
                return []
            chain.append(self.parent[chain[-1]])
        if chain[-1] not in self.parent or doc == self.root:
            return []
        return chain[::-1]


def neighbourhood(
    outline: Outline,
    docname: str,
    pathto: Callable[[str], str],
    window: int,
    full_section: int,
) -> tuple[Entry, ...]:
    """The sidebar entries for ``docname``: bounded by the section's depth times ``window``."""
    chain = outline.chain(docname)
    if not chain:
        return ()
    expand_all = outline.size.get(chain[0], 0) <= full_section
    limit = max(window, full_section) if expand_all else window

    def level(doc: str, depth: int, seen: frozenset[str]) -> tuple[Entry, ...]:
        kids = outline.children.get(doc, [])
        focus = chain[depth + 1] if depth + 1 < len(chain) else None  # doc's child on the path
        at = outline.position.get(focus, 0) if focus else 0  # looked up: O(window), not O(kids)
        start = min(max(at - limit // 2, 0), max(len(kids) - limit, 0))
        stop = min(start + limit, len(kids))
        entries: list[Entry] = []
        if start > 0:
            entries.append(_more(kids[start - 1][1], start, True, pathto))
        for title, ref in kids[start:stop]:
            if _EXTERNAL.match(ref):
                entries.append(Entry(title=title, href=ref, external=True))
                continue
            if ref not in outline.parent:  # neither a page nor a web address: never a link
                continue
            on_path = depth + 1 < len(chain) and ref == chain[depth + 1]
            expand = (expand_all or on_path) and ref not in seen
            below = depth + 1 if on_path else len(chain)  # off the path: no focus below
            entries.append(
                Entry(
                    title=title,
                    href=pathto(ref),
                    current=ref == docname,
                    on_path=on_path,
                    children=level(ref, below, seen | {ref}) if expand else (),
                )
            )
        if stop < len(kids):
            entries.append(_more(kids[stop][1], len(kids) - stop, False, pathto))
        return tuple(entries)

    return level(chain[0], 0, frozenset(chain[:1]))


def _more(ref: str, count: int, earlier: bool, pathto: Callable[[str], str]) -> Entry:
    href = ref if _EXTERNAL.match(ref) else pathto(ref)
    return Entry(title="", href=href, more=count, earlier=earlier)


def _build_outline(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """After reading (in the main process, before any writer forks): the outline, once; and
    the pages whose sidebar changed (a neighbour renamed, added or removed), to be rewritten."""
    outline = Outline.of(env)
    app.builder._neighbourhood_outline = outline  # type: ignore[attr-defined]
    window, full = _limits(app)
    signatures = {
        doc: hashlib.blake2b(repr(neighbourhood(outline, doc, str, window, full)).encode(),
                             digest_size=16).hexdigest()
        for doc in sorted(env.found_docs)
    }  # fmt: skip
    previous = getattr(env, ENV_KEY, {})
    setattr(env, ENV_KEY, signatures)  # pickled with the environment
    return [doc for doc, signature in signatures.items() if previous.get(doc) != signature]


def _limits(app: Sphinx) -> tuple[int, int]:
    """``navigation_window`` (at least 1) and ``navigation_full_section`` (at least 0)."""
    config = app.config
    return max(1, int(config.navigation_window)), max(0, int(config.navigation_full_section))


def _page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: object
) -> None:
    sidebars = context.get("sidebars") or []
    names = (TEMPLATE, f"{TEMPLATE}.html")
    if not any(name in sidebars for name in names):
        return
    outline = getattr(app.builder, "_neighbourhood_outline", None)
    if outline is None:  # a builder that never read (nothing to list)
        outline = Outline.of(app.env)
        app.builder._neighbourhood_outline = outline  # type: ignore[attr-defined]
    entries = neighbourhood(outline, pagename, context["pathto"], *_limits(app))
    context["neighbourhood"] = entries
    if not entries:  # no sidebar at all, so the theme hides the column on wide screens
        context["sidebars"] = [name for name in sidebars if name not in names]


def _add_templates(app: Sphinx, config: Config) -> None:
    folder = str(Path(__file__).parent / "templates")
    if folder not in config.templates_path:
        config.templates_path.append(folder)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value(
        "navigation_window",
        21,
        "html",
        types=frozenset({int}),
        description="Most sidebar entries listed at one level of a large section",
    )
    app.add_config_value(
        "navigation_full_section",
        60,
        "html",
        types=frozenset({int}),
        description="A top-level section of at most this many pages is listed whole",
    )
    app.connect("config-inited", _add_templates)
    app.connect("env-updated", _build_outline)
    # Before pydata-sphinx-theme's own handlers (priority 500) read context["sidebars"].
    app.connect("html-page-context", _page_context, priority=400)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
