"""Turn Sphinx's warning file into one ``path:LINE: message`` line per problem, with a hint.

Sphinx writes ``/abs/handbook/page.md:12: WARNING: message [type.subtype]``; indented
continuation lines (rare: docutils quotes the offending source) follow without a location.
Paths are shown relative to the repository root; each problem gets a ``hint:`` by its kind.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

_RECORD = re.compile(
    r"^(?:(?P<location>.*?):\s)?(?P<level>WARNING|ERROR|CRITICAL|SEVERE):\s(?P<message>.*)$"
)
_TYPE = re.compile(r"\s\[(?P<type>[\w.-]+)\]$")
_LINE = re.compile(r"^(?P<path>.*?):(?P<line>\d+)$")
_XREF_TARGET = re.compile(r"cross-reference target not found: '(?P<target>[^']*)'")
_LOCAL_ID = re.compile(r"local id not found in doc '(?P<doc>[^']*)': '(?P<anchor>[^']*)'")
_PAGE_SUFFIXES = (".md", ".html", ".rst", ".txt", "")


@dataclass(frozen=True)
class Diagnostic:
    """One warning or error from a Sphinx build."""

    path: str | None  #: as shown (relative to the root when inside it); None: no location
    line: int | None
    level: str  #: WARNING, ERROR, CRITICAL
    message: str
    kind: str | None  #: Sphinx's ``type.subtype``, e.g. ``myst.xref_missing``

    @property
    def where(self) -> str:
        """``path:LINE`` (line 1 for page-wide problems such as an orphan page)."""
        if self.path is None:
            return "sphinx"
        return f"{self.path}:{self.line or 1}"

    def render(self, srcdir: str = "handbook") -> str:
        """``path:LINE: message`` and an indented ``hint:`` line (``srcdir``: pages' folder)."""
        return f"{self.where}: {self.message}\n    hint: {hint(self, srcdir)}"


def display_path(path: str, root: Path) -> str:
    """``path`` relative to ``root`` when it lies inside it, else unchanged; always with /."""
    for candidate, base in (
        (Path(os.path.abspath(path)), Path(os.path.abspath(root))),
        (Path(path).resolve(), root.resolve()),
    ):
        try:  # as written first: a symlinked page is shown where it is, not where it leads
            return candidate.relative_to(base).as_posix()
        except (ValueError, OSError):
            continue
    return path


def parse_warnings(text: str, root: Path) -> list[Diagnostic]:
    """Parse a Sphinx warning file (``--warning-file``)."""
    records: list[dict[str, str]] = []
    for raw in text.splitlines():
        match = _RECORD.match(raw)
        if match:
            record = match.groupdict(default="")
            type_match = _TYPE.search(record["message"])
            record["kind"] = type_match.group("type") if type_match else ""
            if type_match:
                record["message"] = record["message"][: type_match.start()].rstrip()
            records.append(record)
        elif raw[:1].isspace() and raw.strip() and records:
            records[-1]["message"] += " " + raw.strip()
        # Anything else (a crash report that Sphinx also writes there) is left to the log.
    root_prefix = str(root.resolve()) + os.sep
    diagnostics = []
    for rec in records:
        message = rec["message"].strip().replace(root_prefix, "")
        kind = rec["kind"] or None
        path: str | None = None
        line: int | None = None
        location = rec["location"]
        if location:
            line_match = _LINE.match(location)
            if line_match:
                path, line = line_match.group("path"), int(line_match.group("line"))
            else:
                path = location
            path = display_path(path, root)
        diagnostics.append(Diagnostic(path, line, rec["level"], message, kind))
    return diagnostics


def sort_key(d: Diagnostic) -> tuple[str, int, str]:
    """Order: by file, then line, then message."""
    return (d.path or "", d.line or 0, d.message)


# Hints by warning type; ``{srcdir}`` is the pages' folder as shown.
HINTS = {
    "image.not_readable": "add the image file at that path (relative to this page) or fix the path",
    "download.not_readable": "add the file at that path (relative to this page) or fix the path",
    "toc.not_included": (
        "list the page in a toctree (usually its section's index.md), or put "
        "'orphan: true' in its front matter if it is deliberately unlisted"
    ),
    "links.absolute_self_url": (
        "link to the page's .md source with a relative path, so previews and old versions "
        "link to themselves rather than to the live site"
    ),
    "links.outside": (
        "link, show or include only files inside {srcdir}/ (copy the file in if readers "
        "need it); a build never publishes a file from outside it, whatever the path's "
        "form (.., /.., a symlink)"
    ),
    "links.script": (
        "remove the script, event handler or javascript: URL; if readers need something "
        "interactive, ask for it in the theme or an extension, where it is reviewed as code"
    ),
    "links.url_insertion": (
        "paste the content into the page (or a file in handbook/), or link to the URL"
    ),
    "links.copy_source": "remove html_copy_source from conf.py: page sources hold editor notes",
    "links.ignore_outside_allowlist": (
        "remove the patterns from linkcheck_ignore and add an entry with a reason to "
        "handbook/_links/allowlist.yaml for each host that cannot be checked"
    ),
    "links.allowlist": (
        "each entry needs host: or url: and a non-empty reason:; see the Links section "
        "of the README"
    ),
}


def hint(d: Diagnostic, srcdir: str = "handbook") -> str:
    """How an editor fixes this kind of problem (``srcdir``: the pages' folder, as shown)."""
    kind, msg = d.kind or "", d.message
    if kind == "myst.xref_missing":
        return _xref_hint(msg, srcdir)
    if kind in {"ref.doc", "myst.doc"} or msg.startswith("unknown document"):
        return "fix the page's path (relative to this page) or create the page"
    if kind.startswith("ref.") or "undefined label" in msg:
        return "define the label with (name)= above a heading, or fix the name"
    if kind in HINTS:
        return HINTS[kind].format(srcdir=srcdir)
    label = f"[{kind}] " if kind else ""
    return f"{label}build {d.level.lower()}: fix the source at that line (warnings fail the check)"


def _xref_hint(msg: str, srcdir: str) -> str:
    """A cross-reference MyST could not resolve: a missing anchor, file or page."""
    local = _LOCAL_ID.search(msg)
    if local:
        page = f"{srcdir}/{local.group('doc')}.md"
        return (
            f"no heading in {page} has the anchor #{local.group('anchor')}; anchors are "
            "heading texts in lower case with hyphens (levels 1-4): list them with "
            f"`.venv/bin/myst-anchors -l 4 {page}`"
        )
    target_match = _XREF_TARGET.search(msg)
    target = target_match.group("target") if target_match else ""
    suffix = os.path.splitext(target.split("#", 1)[0])[1].lower()
    if suffix not in _PAGE_SUFFIXES:
        return (
            f"no file {target}: add the file at that path (relative to this page), or fix the path"
        )
    if suffix in {".md", ".html", ".rst"} or "/" in target:
        return (
            f"no page {target}: fix the path (relative to this page, ending in .md) "
            "or create the page"
        )
    return (
        f"no heading anchor, label or page named '{target}': a #anchor must match a "
        "heading on this page (lower case, hyphens, levels 1-4); a page link needs its "
        "relative path ending in .md"
    )
