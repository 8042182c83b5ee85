"""Sphinx configuration for the Generlate Support handbook."""

from __future__ import annotations

import os

project = "Generlate Support"
author = "Generlate Customer Support"
copyright = "Generlate"  # noqa: A001

extensions = [
    "myst_parser",
    "sphinx_design",
    "generlate_handbook.sphinxext",
]

# --- Sources ----------------------------------------------------------------------------------
source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
myst_enable_extensions = ["colon_fence", "deflist", "attrs_inline", "attrs_block"]
# Links to headings (page.md#some-heading) are resolved, and checked, down to level 4.
myst_heading_anchors = 4

# --- Policy -------------------------------------------------------------------------------------
# Every policy figure on a page is rendered from these files by generlate_handbook.sphinxext.
policy_dir = "../policy"

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
html_baseurl = os.environ.get("HANDBOOK_BASEURL", "https://handbook.generlate.com/")
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
    "secondary_sidebar_items": ["page-toc", "edit-this-page"],
    "footer_start": ["copyright"],
    "footer_end": ["theme-version"],
}
html_sidebars = {"**": ["sidebar-nav-bs"]}
