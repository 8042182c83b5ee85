"""Publishing: who owns each page, when it is due for review, when it last changed, redirects.

- :mod:`.frontmatter`: read ``owner`` and ``review-by`` from a page's YAML front matter, with
  line numbers, without Sphinx;
- :mod:`.codeowners`: ``.github/CODEOWNERS`` generated from the front matter;
- :mod:`.check`: ``python -m generlate_handbook.publishing.check`` (part of ``make check``): a page
  without an owner fails, pages past their review date are listed, CODEOWNERS must be current;
- :mod:`.sphinxext`: shows owner, review-by and last-updated (from git) on every page;
- :mod:`.redirects`: redirect pages from ``_redirects.txt``, and links to moved pages reported
  with their new path.
"""

from __future__ import annotations

#: Files and folders Sphinx does not read as pages: any path part starting with these.
SKIPPED_PREFIXES = ("_", ".")


def is_page_path(parts: tuple[str, ...]) -> bool:
    """Whether a path below the handbook's source folder (as parts) is a page Sphinx reads."""
    return (
        bool(parts)
        and parts[-1].endswith(".md")
        and not any(part.startswith(SKIPPED_PREFIXES) for part in parts)
    )
