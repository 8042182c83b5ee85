"""Edit links to the policy: a page that renders policy values links to the YAML lines it uses.

On ``html-page-context`` the page's MyST source is read with the same markdown-it scan as the
policy diff (:mod:`..review.pages`), each key path it renders is located in the policy files, and
the theme's secondary sidebar shows "Edit policy/support.yaml" plus a link to each line, next to
"Edit on GitHub". URLs follow ``html_context``'s ``github_user``, ``github_repo``,
``github_version`` and ``doc_path`` (as pydata-sphinx-theme's edit button does); without them
only the file and lines are named.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config

from .. import pages as myst
from ..review.pages import MAX_PAGE_BYTES, page_uses
from .common import try_load
from .dependency import build_policy

TEMPLATE = "policy-source.html"
MAX_LINES = 8


def _repo_root(app: Sphinx, context: dict[str, Any]) -> Path:
    root = Path(app.srcdir)
    for _ in [part for part in str(context.get("doc_path", "")).split("/") if part]:
        root = root.parent
    return root


def _sources(app: Sphinx, pagename: str, context: dict[str, Any]) -> list[dict[str, Any]]:
    loaded = build_policy(app.config, try_load).loaded  # loaded once per build
    source = Path(app.env.doc2path(pagename))
    if loaded is None or not source.is_file() or source.stat().st_size > MAX_PAGE_BYTES:
        return []
    md = myst.parser_for(Path(app.srcdir))
    uses = page_uses(source.read_text(encoding="utf-8", errors="replace"), loaded.policy, md)
    by_file: dict[Path, set[int]] = {}
    names = {loaded.source.display_name(path): path for path in loaded.files}
    for use in uses:
        name, line = loaded.source.locate(use.path)
        if name in names and line:
            by_file.setdefault(names[name], set()).add(line)
    root = _repo_root(app, context)
    user, repo = context.get("github_user"), context.get("github_repo")
    version = context.get("github_version", "main")
    sources = []
    for path, lines in sorted(by_file.items()):
        try:
            relative = path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            relative = path.name
        base = f"https://github.com/{quote(str(user))}/{quote(str(repo))}" if user and repo else ""
        sources.append(
            {
                "file": relative,
                "lines": sorted(lines)[:MAX_LINES],
                "more": max(0, len(lines) - MAX_LINES),
                "edit_url": f"{base}/edit/{quote(str(version))}/{quote(relative)}" if base else "",
                "view_url": f"{base}/blob/{quote(str(version))}/{quote(relative)}" if base else "",
            }
        )
    return sources


def _page_context(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: nodes.document | None,
) -> None:
    context["policy_sources"] = _sources(app, pagename, context) if doctree is not None else []


def _add_templates(app: Sphinx, config: Config) -> None:
    folder = str(Path(__file__).parent / "templates")
    if folder not in config.templates_path:
        config.templates_path.append(folder)


def setup_policy_source(app: Sphinx) -> None:
    app.connect("config-inited", _add_templates)
    app.connect("html-page-context", _page_context)
