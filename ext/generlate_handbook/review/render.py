"""A policy diff for people (text), for a pull request (Markdown) and for tools (JSON)."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence

from .compare import Change, Verdict

MARKER = "<!-- handbook-policy-diff -->"  # finds our own pull-request comment again
_ORDER = {Verdict.LOOSER: 0, Verdict.STRICTER: 1, Verdict.NEUTRAL: 2}


def ordered(changes: Sequence[Change]) -> list[Change]:
    """Looser first (what a reviewer must look at), then stricter, then neutral."""
    return sorted(changes, key=lambda change: _ORDER[change.verdict])


def summary(changes: Sequence[Change]) -> str:
    """``3 changes: 1 looser, 1 stricter, 1 neutral`` or ``no policy change``."""
    if not changes:
        return "no policy change"
    counts = Counter(change.verdict for change in changes)
    parts = [f"{counts[verdict]} {verdict}" for verdict in _ORDER if counts[verdict]]
    noun = "change" if len(changes) == 1 else "changes"
    return f"{len(changes)} {noun}: {', '.join(parts)}"


def as_text(changes: Sequence[Change], base: str, target: str) -> str:
    lines = [f"Policy changes from {base} to {target}: {summary(changes)}"]
    for change in ordered(changes):
        lines.append(f"  {change.line()}")
        if change.pages:
            lines.append(f"      pages: {', '.join(change.pages)}")
    return "\n".join(lines) + "\n"


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~])")


def md_escape(text: str) -> str:
    """Policy text as literal Markdown: no markup, no HTML, no table break."""
    text = " ".join(text.split())
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("@", "&#64;")  # no @team mention from a policy string


_BADGE = {Verdict.LOOSER: "**looser**", Verdict.STRICTER: "stricter", Verdict.NEUTRAL: "neutral"}


def as_markdown(changes: Sequence[Change], base: str, target: str) -> str:
    lines = [
        MARKER,
        f"### Policy changes: {md_escape(summary(changes))}",
        "",
        f"From {md_escape(base)} to {md_escape(target)}, in readers' words. "
        "**Looser** means customers are promised less: a second reviewer should approve it.",
        "",
    ]
    if changes:
        lines += ["| Verdict | What | Change | Pages |", "| --- | --- | --- | --- |"]
        for change in ordered(changes):
            detail = f" ({md_escape(change.detail)})" if change.detail else ""
            pages = ", ".join(f"`{md_escape(page)}`" for page in change.pages) or "none"
            lines.append(
                f"| {_BADGE[change.verdict]} | {md_escape(change.subject)} "
                f"| {md_escape(change.change)}{detail} | {pages} |"
            )
    return "\n".join(lines) + "\n"


def as_json(changes: Sequence[Change], base: str, target: str) -> str:
    document = {
        "base": base,
        "target": target,
        "summary": summary(changes),
        "changes": [
            {
                "subject": change.subject,
                "label": change.label,
                "qualifiers": list(change.qualifiers),
                "before": change.before,
                "after": change.after,
                "verdict": str(change.verdict),
                "detail": change.detail,
                "line": change.line(),
                "pages": list(change.pages),
            }
            for change in ordered(changes)
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


RENDERERS = {"text": as_text, "markdown": as_markdown, "json": as_json}
