"""``.github/CODEOWNERS``, generated from the pages' front matter (``owner:``).

GitHub asks a page's owners to review every pull request that changes it. The file is generated,
never edited: ``make codeowners`` writes it and ``make check`` fails when it is out of date.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from generlate_handbook.publishing.frontmatter import PageInfo

HEADER = (
    "# Generated from the owner: line of each page's front matter by `make codeowners`.\n"
    "# Do not edit: change the page's front matter and run `make codeowners`;\n"
    "# `make check` fails when this file is out of date.\n"
)
#: Characters CODEOWNERS reads as pattern syntax or separators: a page path with one of these
#: could not be listed as itself.
_UNSAFE_PATH = re.compile(r"[\s#*?\[\]!\\]")


def unsafe_path(path: str) -> bool:
    """Whether ``path`` cannot be written literally as a CODEOWNERS pattern."""
    return bool(_UNSAFE_PATH.search(path))


def render(pages: Iterable[PageInfo]) -> str:
    """The file's text: one line per page that has owners, in path order."""
    lines = [
        f"/{page.path} {' '.join(page.owners)}"
        for page in sorted(pages, key=lambda p: p.path)
        if page.owners and not unsafe_path(page.path)
    ]
    return HEADER + "\n" + "".join(f"{line}\n" for line in lines)
