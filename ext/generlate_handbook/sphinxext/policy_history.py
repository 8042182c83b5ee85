"""The ``policy-history`` directive: each commit that changed the policy, in readers' words.

Built from ``git log`` of the policy folder with the same diff engine as ``handbook-policy diff``.
Outside a git checkout (a source tarball) it says the history is unavailable. Pages using it are
re-read when the newest commit touching the policy changes (``env-get-outdated``).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util.docutils import SphinxDirective

from ..review.compare import Change, Verdict
from ..review.history import Entry, history
from ..review.revisions import RevisionError, git, repo_root

MAX_LIMIT = 500
_DOCS = "policy_history_docs"
_HEAD = "policy_history_head"


class PolicyHistory(SphinxDirective):
    """``{policy-history}`` with optional ``:limit:`` (newest commits shown, default 50)."""

    option_spec = {"limit": directives.positive_int}  # noqa: RUF012

    def run(self) -> list[nodes.Node]:
        docs: set[str] = getattr(self.env, _DOCS, set())
        docs.add(self.env.docname)
        setattr(self.env, _DOCS, docs)
        limit = min(self.options.get("limit", 50), MAX_LIMIT)
        entries = history(Path(self.config.policy_dir), limit)
        if entries is None:
            return [
                nodes.paragraph(
                    text="The policy's history is unavailable: this copy of "
                    "the handbook was built outside its git repository."
                )
            ]
        if not entries:
            return [nodes.paragraph(text="No commit has changed the policy yet.")]
        items = nodes.bullet_list(classes=["policy-history"])
        for entry in entries:
            items += _entry_item(entry)
        return [items]


def _entry_item(entry: Entry) -> nodes.list_item:
    commit = entry.commit
    head = nodes.paragraph()
    head += nodes.strong(text=commit.date)
    head += nodes.Text(f": {commit.subject} ")
    head += nodes.literal(text=commit.sha[:12])
    item = nodes.list_item("", head)
    if entry.problem:
        item += nodes.paragraph(text=entry.problem[:1].upper() + entry.problem[1:] + ".")
    elif commit.parent is None or not entry.changes:
        text = "Created the policy." if _created(entry.changes) else "No fact changed."
        item += nodes.paragraph(text=text)
    if entry.changes and not _created(entry.changes):
        item += _change_list(entry.changes)
    return item


def _created(changes: Iterable[Change]) -> bool:
    changes = list(changes)
    return bool(changes) and all(change.before is None for change in changes)


def _change_list(changes: Iterable[Change]) -> nodes.bullet_list:
    bullets = nodes.bullet_list()
    for change in changes:
        para = nodes.paragraph()
        para += nodes.Text(f"{change.subject}: {change.change} (")
        verdict = nodes.strong if change.verdict is Verdict.LOOSER else nodes.inline
        para += verdict(text=change.judgement)
        para += nodes.Text(")")
        bullets += nodes.list_item("", para)
    return bullets


def _policy_head(app: Sphinx) -> str:
    folder = Path(app.config.policy_dir)
    repo = repo_root(folder) if folder.is_dir() else None
    if repo is None:
        return ""
    try:
        return git(repo, "log", "-n1", "--format=%H", "--", str(folder.resolve())).strip()
    except RevisionError:
        return ""


def _outdated(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    head = _policy_head(app)
    if getattr(env, _HEAD, None) == head:
        return []
    setattr(env, _HEAD, head)
    return sorted(getattr(env, _DOCS, set()) - removed)


def _purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    getattr(env, _DOCS, set()).discard(docname)


def _merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    docs: set[str] = getattr(env, _DOCS, set())
    docs |= getattr(other, _DOCS, set())
    setattr(env, _DOCS, docs)


def setup_policy_history(app: Sphinx) -> dict[str, Any]:
    app.add_directive("policy-history", PolicyHistory)
    app.connect("env-get-outdated", _outdated)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    return {}
