"""Sphinx configuration for the Generlate Support handbook."""

from __future__ import annotations

import os
from urllib.parse import urlsplit

project = "Generlate Support"
author = "Generlate Customer Support"
copyright = "Generlate"

extensions = [
    "myst_parser",
    "sphinx_design",
    "generlate_handbook.sphinxext",
    "generlate_handbook.links.sphinxext",
    "generlate_handbook.navigation",
    # Owner, review-by and last-updated (from git) on every page; redirects (_redirects.txt).
    "generlate_handbook.publishing.sphinxext",
    "notfound.extension",  # 404.html, working at any depth of the site
    "sphinx_sitemap",  # sitemap.xml, from html_baseurl
    "sphinx.ext.githubpages",  # .nojekyll (and CNAME for a custom domain) for GitHub Pages
]

# --- Sources ----------------------------------------------------------------------------------
source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "_links"]
myst_enable_extensions = ["colon_fence", "deflist", "attrs_inline", "attrs_block"]
# Links to headings (page.md#some-heading) are resolved, and checked, down to level 4.
myst_heading_anchors = 4

# --- Policy -------------------------------------------------------------------------------------
# Every policy figure on a page is rendered from these files by generlate_handbook.sphinxext.
policy_dir = "../policy"
# Policy invariants are checked by `handbook-policy check` (part of `make check` and CI), not by
# every build: a preview of an edited policy still renders, so an editor can see the new figures.
policy_check = False

# --- Strictness ---------------------------------------------------------------------------------
nitpicky = True

# --- HTML ---------------------------------------------------------------------------------------
# pydata-sphinx-theme: each page carries only its own section's navigation (the measured reason
# for choosing it over themes that embed the whole site tree in every page), built-in search,
# light and dark modes, a responsive layout, and an "edit this page" button.
REPOSITORY = os.environ.get("HANDBOOK_REPOSITORY", "generlate/support-handbook")
BRANCH = os.environ.get("HANDBOOK_BRANCH", "main")

html_theme = "pydata_sphinx_theme"
html_title = "Generlate Support"
html_short_title = "Generlate Support"
# The one setting for where the site lives: canonical URLs, the sitemap and the 404 page's links
# all follow it. Read the Docs previews use their own address (READTHEDOCS_CANONICAL_URL).
html_baseurl = (
    os.environ.get("HANDBOOK_BASEURL")
    or os.environ.get("READTHEDOCS_CANONICAL_URL")
    or "https://handbook.generlate.com/"
)
if not html_baseurl.endswith("/"):
    html_baseurl += "/"
# generlate_handbook.publishing adds its templates (page-meta.html, 404.html, the redirect page)
# and its accessibility fixes (handbook.css, handbook.js) itself.
html_static_path: list[str] = []
html_show_sourcelink = False
html_context = {
    "github_user": REPOSITORY.split("/")[0],
    "github_repo": REPOSITORY.split("/")[1],
    "github_version": BRANCH,
    "doc_path": "handbook",
    "default_mode": "auto",
}
html_theme_options = {
    "logo": {"text": "Generlate Support"},
    "use_edit_page_button": True,
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "navbar_align": "left",
    "header_links_before_dropdown": 6,
    "secondary_sidebar_items": ["page-toc", "edit-this-page", "policy-source"],
    "article_footer_items": ["page-meta.html"],
    "footer_start": ["copyright"],
    "footer_end": ["theme-version"],
    # Rendered once per page, not twice (the theme renders other templates to see if empty).
    "templates_skip_empty_check": ["neighbourhood-nav.html", "navbar-nav.html"],
}
# The primary sidebar lists the page's neighbourhood, not its whole section (the theme's
# sidebar-nav-bs embeds every page of the section in every page: O(N) per page). A section of
# up to navigation_full_section pages is still listed whole; see generlate_handbook.navigation.
html_sidebars = {"**": ["neighbourhood-nav"]}
navigation_window = 21  # at most this many entries per level in a larger section
navigation_full_section = 60

# --- Publishing ---------------------------------------------------------------------------------
# Last updated: the page's last commit, or that of a policy file it renders if newer (shown by
# the page-meta.html template with the page's owner and review-by date from its front matter).
html_last_updated_fmt = "%Y-%m-%d"
git_last_updated_timezone = "UTC"
# Canonical URLs (<link rel="canonical">) and sitemap.xml come from html_baseurl.
sitemap_url_scheme = "{link}"
sitemap_excludes = ["404.html", "search.html", "genindex.html"]
# 404.html: its links are absolute under html_baseurl's path, so it works at any depth.
notfound_urls_prefix = urlsplit(html_baseurl).path or "/"
notfound_template = "404.html"
notfound_context = {"title": "Page not found"}
# Redirects: one line per moved page in _redirects.txt (old path, new path).
redirects_file = "_redirects.txt"

# --- Links --------------------------------------------------------------------------------------
# Internal links are checked by every build (`make check`: MyST, Sphinx and
# generlate_handbook.links.sphinxext warnings, which also flag absolute links to this handbook:
# html_baseurl and links_self_urls). External links: `make linkcheck`, Sphinx's linkcheck builder
# set up here. The ONLY way to exempt a link is an entry, with a reason, in _links/allowlist.yaml:
# for its links a 401/403 (or a redirect to its sign_in page) counts as working; 404s still fail.
links_self_urls = ["https://handbook.generlate.com/"]  # also flagged when html_baseurl differs
links_linkcheck_cache_max_age = 24 * 60 * 60  # seconds a working link is not re-requested
linkcheck_timeout = 20  # seconds per request; a slower answer is reported as "timeout"
linkcheck_retries = 2  # a broken result is requested once more before it is reported
linkcheck_workers = 4  # concurrent requests across all hosts
linkcheck_rate_limit_timeout = 300.0  # honour 429 Retry-After (back off) up to 5 minutes
linkcheck_allow_unauthorized = False  # a 401 is broken, unless allowlisted
linkcheck_report_timeouts_as_broken = False  # keep "timeout" apart from "broken" in the report
linkcheck_allowed_redirects: dict[str, str] = {}  # report every redirect; allowlist adds sign-ins
linkcheck_anchors = True  # page.html#anchor: the anchor must exist in the fetched page
linkcheck_anchors_ignore = ["^!", r"^L\d+(-L\d+)?$"]  # #!hashbang routes, #L10-L20 code lines
linkcheck_anchors_ignore_for_url = [  # anchors these hosts create with JavaScript
    r"https://docs\.google\.com/",
    r"https://github\.com/",
    r"https://gist\.github\.com/",
]
linkcheck_ignore: list[str] = []  # do not add here: use _links/allowlist.yaml (with a reason)
