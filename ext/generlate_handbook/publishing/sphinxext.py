"""Sphinx extension: each page shows its owner, review-by date and when it last changed.

Add ``generlate_handbook.publishing.sphinxext`` to ``extensions``. It

* reads ``owner`` and ``review-by`` from the page's front matter (:mod:`.frontmatter`, the same
  reader ``make check`` uses) into the template context as ``handbook_page``;
* loads ``sphinx_last_updated_by_git`` when the source folder is inside a git checkout, so a
  page's date is its last commit or that of a file it depends on (the policy YAML it renders),
  whichever is newer. Outside a checkout (a source tarball), or with no ``git``, the build
  still succeeds and the page says the date is unknown;
* sets up :mod:`.redirects`.

The template ``page-meta.html`` (in this package's ``templates/``, added to ``templates_path``)
shows ``handbook_page``; it is listed in ``html_theme_options["article_footer_items"]``. The
package also brings ``404.html`` (sphinx-notfound-page's page), the redirect page, and
``static/handbook.css`` and ``static/handbook.js``: the handbook's accessibility fixes on top of
the theme. Owners and dates are shown, never
checked here: ``make check`` checks them (:mod:`.check`), so a preview of a page with a
problem still builds.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generlate_handbook.publishing.frontmatter import read_page
from generlate_handbook.publishing.redirects import setup_redirects

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.util.typing import ExtensionMetadata

GIT_TIMEOUT = 20  # seconds
TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"


def _git(folder: Path, *args: str) -> str | None:
    """``git args`` in ``folder``: its output, or None when git is missing or fails."""
    git = shutil.which("git")
    if git is None:
        return None
    try:
        result = subprocess.run(
            [git, *args],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=GIT_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def git_state(folder: Path) -> str:
    """``"full"`` (a git work tree with its history), ``"shallow"`` (a shallow clone: older
    changes are missing) or ``"none"`` (no git, or not a work tree: a source tarball)."""
    if _git(folder, "rev-parse", "--is-inside-work-tree") != "true":
        return "none"
    return "shallow" if _git(folder, "rev-parse", "--is-shallow-repository") == "true" else "full"


UNKNOWN = {
    "full": "not committed yet",
    "shallow": "unknown: the git clone is too shallow (git fetch --unshallow)",
    "none": "unknown: built outside a git checkout",
}


def page_meta(app: Sphinx, pagename: str, context: dict[str, Any]) -> dict[str, Any] | None:
    """What ``page-meta.html`` shows for ``pagename``; None for pages without a source."""
    if pagename not in app.env.found_docs:
        return None
    source = Path(app.env.doc2path(pagename))
    info = read_page(source, source.name)
    state = app.config.handbook_git_state
    # Without git, Sphinx's own last_updated is the build's date: never shown as the page's.
    last_updated = (context.get("last_updated") or None) if state != "none" else None
    return {
        "owners": list(info.owners),
        "review_by": info.review_by.isoformat() if info.review_by else None,
        "last_updated": last_updated,
        "last_updated_unknown": UNKNOWN.get(state, UNKNOWN["none"]),
    }


def _html_page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: object
) -> None:
    context["handbook_page"] = page_meta(app, pagename, context)


def _add_assets(app: Sphinx, config: Config) -> None:
    """This package's templates and static files, wherever conf.py lives."""
    if str(TEMPLATES) not in map(str, config.templates_path):
        config.templates_path.append(str(TEMPLATES))
    if str(STATIC) not in map(str, config.html_static_path):
        config.html_static_path.append(str(STATIC))
    if not config.rediraffe_template:
        config.rediraffe_template = str(TEMPLATES / "redirect.html")  # absolute: used as is
    if getattr(config, "notfound_template", None) == "page.html":  # sphinx-notfound-page's default
        config.notfound_template = "404.html"


def setup(app: Sphinx) -> ExtensionMetadata:
    state = git_state(Path(app.srcdir))
    app.add_config_value("handbook_git_state", state, "env", types=frozenset({str}))
    if state != "none":
        app.setup_extension("sphinx_last_updated_by_git")
    # Same priority as sphinx_last_updated_by_git's handler (which sets last_updated) and the
    # theme's (which drops footer templates that render empty), registered after the first and
    # before the second: the theme is set up after every extension.
    app.connect("html-page-context", _html_page_context)
    setup_redirects(app)
    app.connect("config-inited", _add_assets)
    app.add_css_file("handbook.css")
    app.add_js_file("handbook.js", loading_method="defer")
    return {
        "version": "1",
        "env_version": 1,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
