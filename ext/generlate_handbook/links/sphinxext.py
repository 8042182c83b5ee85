"""Sphinx extension for the link checks (listed in ``conf.py``'s ``extensions``).

In every build:

* warns ``[links.absolute_self_url]`` at each link or image that points at the handbook itself
  by absolute URL (``html_baseurl`` plus ``links_self_urls``), suggesting the relative link;
* reads the allowlist (``links_allowlist``, default ``_links/allowlist.yaml``, the path
  ``make linkcheck``'s runner reads too) and warns ``[links.allowlist]`` at each bad line;
* warns ``[links.ignore_outside_allowlist]`` if ``linkcheck_ignore`` is set: the allowlist,
  where every exemption carries a reason, is the only way to exempt a link;
* warns ``[links.outside]`` at each link, image, download, include or raw HTML URL that leads
  outside the source folder, and publishes none of them (:mod:`.containment`);
* publishes no page sources and removes output no current source produced (:mod:`.published`);
* warns ``[links.script]`` at raw HTML or a link that would run code (:mod:`.scripts`).

In a ``linkcheck`` build:

* turns allowlist entries into ``linkcheck_allowed_redirects`` (``sign_in``) and
  ``linkcheck_ignore`` (``skip: true``) items;
* adds the fresh working links of the cache to ``linkcheck_ignore`` (exact, escaped patterns)
  unless ``links_linkcheck_fresh`` is set or ``LINKCHECK_FRESH`` is in the environment, and
  records them in ``from-cache.json``;
* records every place each external URL is linked from in ``occurrences.json`` (Sphinx checks,
  and reports, each URL once, at its first place);
* after the build, merges Sphinx's ``output.json`` back into the cache;
* replaces Sphinx's ``linkcheck`` builder with :class:`.linkcheck.StrictLinkcheckBuilder`
  (GET only, 5xx and non-standard statuses broken, 429 waits capped, atomic reports).

Every file it writes is written whole or not at all (:mod:`.files`).
"""

from __future__ import annotations

import json
import posixpath
import re
import time
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from docutils import nodes
from sphinx.util import logging
from sphinx.util.nodes import get_node_line

from generlate_handbook.links import (
    ALLOWLIST,
    CACHE_FILE,
    FROM_CACHE_FILE,
    OCCURRENCES_FILE,
    REPORT_FILE,
)
from generlate_handbook.links.allowlist import Allowlist, AllowlistError, load_allowlist
from generlate_handbook.links.cache import LinkCache, fresh_from_env, ignore_pattern
from generlate_handbook.links.containment import setup_containment
from generlate_handbook.links.files import atomic_write_text
from generlate_handbook.links.linkcheck import StrictLinkcheckBuilder
from generlate_handbook.links.published import setup_published
from generlate_handbook.links.report import Verdict, classify, read_report
from generlate_handbook.links.scripts import setup_scripts

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)

WARNING_TYPE = "links"
_HTML_URL = re.compile(r"""\b(?:href|src)\s*=\s*["']([^"']+)["']""", re.I)


def fresh_requested(config: Config) -> bool:
    """Whether this run must ignore the cache (``-D links_linkcheck_fresh=1``, LINKCHECK_FRESH)."""
    return bool(config.links_linkcheck_fresh) or fresh_from_env()


class _LinksState:
    """Per-application state: the allowlist read at config time, the URLs served from cache."""

    def __init__(self) -> None:
        self.allowlist = Allowlist()
        self.from_cache: dict[str, float] = {}
        self.occurrences: dict[str, set[tuple[str, int]]] = {}

    # -- config-inited ----------------------------------------------------------------------
    def config_inited(self, app: Sphinx, config: Config) -> None:
        """Read the allowlist; feed it to the linkcheck settings."""
        if config.linkcheck_ignore:
            conf_py = Path(app.confdir, "conf.py")
            logger.warning(
                "linkcheck_ignore is set (%s); the allowlist %s is the only place to exempt "
                "a link, with a reason",
                ", ".join(map(str, config.linkcheck_ignore)),
                config.links_allowlist,
                type=WARNING_TYPE,
                subtype="ignore_outside_allowlist",
                location=f"{conf_py}:{_assignment_line(conf_py, 'linkcheck_ignore')}",
            )
        path = Path(app.confdir, config.links_allowlist)
        try:
            self.allowlist = load_allowlist(path)
        except AllowlistError as exc:
            self.allowlist = Allowlist()
            for error in exc.errors:
                logger.warning(
                    "%s",
                    f"{error.key_path}: {error.message}" if error.key_path else error.message,
                    type=WARNING_TYPE,
                    subtype="allowlist",
                    location=f"{error.file}:{max(error.line, 1)}",
                )
            return
        # New objects: never mutate the values conf.py handed over.
        config.linkcheck_ignore = [*config.linkcheck_ignore, *self.allowlist.ignore_patterns()]
        redirects = self.allowlist.allowed_redirects()
        if redirects:
            current = config.linkcheck_allowed_redirects
            base = current if isinstance(current, dict) else {}
            config.linkcheck_allowed_redirects = {**base, **redirects}

    # -- builder-inited ---------------------------------------------------------------------
    def builder_inited(self, app: Sphinx) -> None:
        """In a linkcheck build, let fresh cached results stand in for requests."""
        if app.builder.name != "linkcheck":
            return
        outdir = Path(app.outdir)
        outdir.mkdir(parents=True, exist_ok=True)
        self.from_cache = {}
        if not fresh_requested(app.config):
            cache = LinkCache.load(outdir / CACHE_FILE)
            fresh = cache.fresh(
                time.time(),
                float(app.config.links_linkcheck_cache_max_age),
                self.allowlist.labels(),
            )
            self.from_cache = {url: link.checked for url, link in fresh.items()}
            app.config.linkcheck_ignore = [
                *app.config.linkcheck_ignore,
                *(ignore_pattern(url) for url in sorted(fresh)),
            ]
        atomic_write_text(
            outdir / FROM_CACHE_FILE, json.dumps(self.from_cache, indent=1, sort_keys=True) + "\n"
        )
        if self.from_cache:
            logger.info("links: %d working link(s) taken from the cache", len(self.from_cache))

    # -- doctree-resolved (main process, also with -j) ---------------------------------------
    def doctree_resolved(self, app: Sphinx, doctree: nodes.document, docname: str) -> None:
        """In a linkcheck build, note where each external URL is linked from."""
        if app.builder.name != "linkcheck":
            return
        source = app.env.doc2path(docname, False).as_posix()
        for node in doctree.findall(nodes.Element):
            uri = _external_uri(node)
            if uri:
                self.occurrences.setdefault(uri, set()).add((source, _line(node)))

    # -- build-finished ---------------------------------------------------------------------
    def build_finished(self, app: Sphinx, exception: BaseException | None) -> None:
        """After a linkcheck build, remember what worked and forget what did not."""
        if exception is not None or app.builder.name != "linkcheck":
            return
        outdir = Path(app.outdir)
        places = {uri: sorted(found) for uri, found in sorted(self.occurrences.items())}
        atomic_write_text(outdir / OCCURRENCES_FILE, json.dumps(places, indent=1) + "\n")
        report = outdir / REPORT_FILE
        if not report.exists():
            return
        now = time.time()
        max_age = float(app.config.links_linkcheck_cache_max_age)
        cache_path = outdir / CACHE_FILE
        cache = LinkCache.load(cache_path)
        for result in read_report(report):
            row = classify(
                result, page="", allowlist=self.allowlist, from_cache=self.from_cache, now=now
            )
            if row is None or row.verdict is Verdict.CACHED:
                continue
            # OK, or a 401/403 accepted by an entry (row.allowlist); not a skip: entry's link.
            working = row.verdict is Verdict.OK or (
                row.verdict is Verdict.ALLOWLISTED and row.allowlist is not None
            )
            cache.record(result.uri, now, working=working, allowlist=row.allowlist)
        cache.prune(now, max_age)
        cache.save(cache_path)


def _assignment_line(path: Path, name: str) -> int:
    """The line where ``name`` is assigned in a Python file (1 if not found)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return 1
    pattern = re.compile(rf"^{re.escape(name)}\b")
    return next((i for i, line in enumerate(lines, start=1) if pattern.match(line)), 1)


def _external_uri(node: nodes.Element) -> str | None:
    """The http(s) URL a node links to, found the way Sphinx's HyperlinkCollector finds it."""
    if isinstance(node, nodes.reference):
        uri = node.get("refuri")
    elif isinstance(node, nodes.image):
        uri = node.get("candidates", {}).get("?")
    elif isinstance(node, nodes.raw):
        uri = node.get("source")
    else:
        return None
    return uri if isinstance(uri, str) and uri.startswith(("http:", "https:")) else None


def _line(node: nodes.Element) -> int:
    """The node's source line, 0 if unknown."""
    try:
        return get_node_line(node)
    except ValueError:
        return 0


# -- absolute links to the handbook itself ---------------------------------------------------
def _self_bases(config: Config) -> list[tuple[str, str]]:
    """(host, path prefix) of each URL the handbook is published at."""
    bases = []
    for url in [config.html_baseurl, *config.links_self_urls]:
        if not url:
            continue
        parts = urlsplit(url if "://" in url else f"https://{url}")
        if parts.hostname:
            path = parts.path if parts.path.endswith("/") else parts.path + "/"
            bases.append((parts.hostname.lower(), path))
    return bases


def _self_target(url: str, bases: list[tuple[str, str]]) -> str | None:
    """The handbook-relative path of ``url`` (``section/page.html``) if it is a self-link."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        return None
    host = parts.hostname.lower()
    for base_host, base_path in bases:
        if host == base_host and (parts.path + "/").startswith(base_path):
            return parts.path[len(base_path) :] if len(parts.path) >= len(base_path) else ""
    return None


def _suggestion(env: BuildEnvironment, rel: str, fragment: str) -> str:
    """The relative source link to use instead, or a note that the page does not exist."""
    path = rel.removesuffix(".html").rstrip("/")
    if path.endswith("/index") or path == "index":
        path = path.removesuffix("index").rstrip("/")
    candidates = [path, f"{path}/index"] if path else [env.config.root_doc]
    for docname in candidates:
        if docname in env.found_docs:
            here = posixpath.dirname(env.docname)
            target = env.doc2path(docname, False).as_posix()
            link = posixpath.relpath(target, here or ".")
            return f"write it relative: {link}" + (f"#{fragment}" if fragment else "")
    return "write it as a relative link to the page's .md file (no page by that name here)"


def check_self_urls(app: Sphinx, doctree: nodes.document) -> None:
    """Warn at each absolute link or image pointing at the handbook itself."""
    bases = _self_bases(app.config)
    if not bases:
        return
    env = app.env
    for node in doctree.findall(nodes.Element):
        if isinstance(node, nodes.reference):
            urls = [node.get("refuri", "")]
        elif isinstance(node, nodes.image):
            urls = [node.get("uri", "")]
        elif isinstance(node, nodes.raw) and "html" in node.get("format", ""):
            urls = _HTML_URL.findall(node.astext())
        else:
            continue
        for url in urls:
            rel = _self_target(url, bases) if url else None
            if rel is None:
                continue
            logger.warning(
                "absolute link to this handbook: %s; %s",
                url,
                _suggestion(env, rel, urlsplit(url).fragment),
                type=WARNING_TYPE,
                subtype="absolute_self_url",
                location=(env.docname, _line(node)),
            )


def setup(app: Sphinx) -> ExtensionMetadata:
    """Register the link checks."""
    app.add_config_value("links_allowlist", ALLOWLIST, "", types=frozenset({str}))
    app.add_config_value("links_self_urls", [], "env", types=frozenset({list, tuple}))
    app.add_config_value(
        "links_linkcheck_cache_max_age", 24 * 60 * 60, "", types=frozenset({int, float})
    )
    app.add_config_value("links_linkcheck_fresh", False, "", types=frozenset({bool}))
    app.add_builder(StrictLinkcheckBuilder, override=True)
    state = _LinksState()
    app.connect("config-inited", state.config_inited)  # before linkcheck's own (priority 900)
    app.connect("builder-inited", state.builder_inited)
    app.connect("doctree-resolved", state.doctree_resolved)
    app.connect("build-finished", state.build_finished)
    app.connect("doctree-read", check_self_urls)
    setup_containment(app)  # links stay inside the handbook
    setup_published(app)  # no page sources, no stale output in _build/html
    setup_scripts(app)  # no script in a page (raw HTML, javascript: links)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
