"""What a policy change means for customers: facts → compare → render; git revisions; pages.

``policy_diff`` compares the policy at a git revision with the working tree's and names the
handbook pages that render each changed fact. Used by ``handbook-policy diff``, the pull-request
comment and the "Policy changes" page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from ..policy.model import Policy
from .compare import Change, diff_policies
from .pages import handbook_uses, renders


def with_pages(changes: Sequence[Change], source_dir: Path | None, policy: Policy) -> list[Change]:
    """Each change with the handbook pages that render it (none when no source folder)."""
    if source_dir is None or not source_dir.is_dir():
        return list(changes)
    uses = handbook_uses(source_dir, policy)
    return [
        replace(
            change,
            pages=tuple(
                page
                for page, page_uses in uses.items()
                if any(renders(page_uses, path) for path in change.paths)
            ),
        )
        for change in changes
    ]


__all__ = ["Change", "diff_policies", "with_pages"]
