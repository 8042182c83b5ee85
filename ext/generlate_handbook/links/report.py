"""Read Sphinx's linkcheck report (``output.json``) and judge each link for the summary table.

Sphinx writes one JSON object per line: ``filename`` (relative to the source folder), ``lineno``,
``status`` (working, broken, timeout, redirected, ignored, unchecked), ``code``, ``uri`` and
``info``. This module turns them into :class:`Row` s with our verdicts: an allowlisted 401/403
(or non-standard status such as 999) is accepted, a link taken from the cache is "cached", and
only broken, rate-limited and timed-out links fail.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from generlate_handbook.links.allowlist import Allowlist, is_standard_status


class Verdict(StrEnum):
    """What the summary says of one link."""

    OK = "ok"
    CACHED = "cached"
    ALLOWLISTED = "allowlisted"
    REDIRECTED = "redirected"
    IGNORED = "ignored"
    BROKEN = "broken"
    RATE_LIMITED = "rate-limited"
    TIMEOUT = "timeout"


#: Verdicts that fail ``make linkcheck``.
FAILING = frozenset({Verdict.BROKEN, Verdict.RATE_LIMITED, Verdict.TIMEOUT})
#: How :mod:`.linkcheck` starts the reason of a link whose host kept answering 429.
RATE_LIMITED_PREFIX = "rate-limited: "

_HTTP_ERROR = re.compile(
    r"(\d{3}) (?:Client Error|Server Error|Non-standard Status): (.*?)(?: for url: .*)?\Z", re.S
)
_READ_TIMEOUT = re.compile(r"read timeout=([\d.]+)")
_POOL = re.compile(r"HTTPS?ConnectionPool\(host='[^']*', port=\d+\): ")


@dataclass(frozen=True)
class LinkResult:
    """One line of Sphinx's ``output.json``."""

    filename: str
    lineno: int
    status: str
    code: int
    uri: str
    info: str


@dataclass(frozen=True)
class Row:
    """One link in the summary table."""

    page: str  #: the page's path as shown, e.g. ``handbook/escalation.md``
    line: int
    uri: str
    verdict: Verdict
    reason: str
    allowlist: str | None = None  #: label of the allowlist entry covering the link, if any

    @property
    def failed(self) -> bool:
        """Whether this link fails the check."""
        return self.verdict in FAILING

    @property
    def where(self) -> str:
        """``page:line``."""
        return f"{self.page}:{self.line}" if self.line > 0 else self.page


def read_report(path: Path) -> list[LinkResult]:
    """Parse ``output.json`` (JSON lines)."""
    results = []
    for text in path.read_text(encoding="utf-8").splitlines():
        if not text.strip():
            continue
        item = json.loads(text)
        results.append(
            LinkResult(
                filename=str(item.get("filename", "")),
                lineno=int(item.get("lineno") or 0),
                status=str(item.get("status", "")),
                code=int(item.get("code") or 0),
                uri=str(item.get("uri", "")),
                info=str(item.get("info") or ""),
            )
        )
    return results


def http_status(result: LinkResult) -> int | None:
    """The HTTP status behind a result, when Sphinx's message or code gives it."""
    if result.code:
        return result.code
    if result.info == "unauthorized":
        return 401
    match = _HTTP_ERROR.match(result.info)
    return int(match.group(1)) if match else None


def short_reason(info: str) -> str:
    """Sphinx's (requests') error message, shortened for a table cell."""
    if info == "unauthorized":
        return "401 Unauthorized"
    match = _HTTP_ERROR.match(info)
    if match:
        return f"{match.group(1)} {match.group(2)}"
    if "timed out" in info.lower():
        seconds = _READ_TIMEOUT.search(info)
        return f"no answer within {seconds.group(1)} s" if seconds else "timed out"
    if "NameResolutionError" in info or "Failed to resolve" in info:
        return "host not found (DNS)"
    if "Connection refused" in info:
        return "connection refused"
    if "SSLError" in info or "CERTIFICATE" in info:
        return "TLS/SSL error: " + _POOL.sub("", info)[:120]
    info = _POOL.sub("", info)
    return info if len(info) <= 160 else info[:157] + "..."


def classify(
    result: LinkResult,
    *,
    page: str,
    allowlist: Allowlist,
    from_cache: Mapping[str, float],
    now: float | None = None,
) -> Row | None:
    """Judge one result; None for links Sphinx does not check (mailto:, tel:, #anchors)."""
    now = time.time() if now is None else now
    entry = allowlist.match(result.uri)
    label = entry.label if entry is not None and not entry.skip else None

    def row(verdict: Verdict, reason: str) -> Row:
        return Row(page, result.lineno, result.uri, verdict, reason, label)

    match result.status:
        case "unchecked":
            return None
        case "working":
            return row(Verdict.OK, "")
        case "redirected":
            code = f"{result.code} " if result.code else ""
            return row(Verdict.REDIRECTED, f"{code}to {result.info}")
        case "timeout":
            return row(Verdict.TIMEOUT, short_reason(result.info))
        case "ignored":
            if result.uri in from_cache and not result.info:
                return row(Verdict.CACHED, f"worked {_ago(now - from_cache[result.uri])}")
            if entry is not None and entry.skip:
                return row(Verdict.ALLOWLISTED, f"not requested (skip): {entry.reason}")
            target = result.info.removeprefix("ignored redirect: ")
            if target != result.info and target in from_cache:
                # Sphinx does not follow a redirect to a URL it is told to ignore, and the cached
                # URLs are ignored for the run: the link redirects to a known working page.
                code = f"{result.code} " if result.code else ""
                return row(Verdict.REDIRECTED, f"{code}to {target}")
            return row(Verdict.IGNORED, result.info or "ignored (linkcheck_ignore)")
        case "broken" if result.info.startswith(RATE_LIMITED_PREFIX):
            return row(Verdict.RATE_LIMITED, result.info.removeprefix(RATE_LIMITED_PREFIX))
        case "broken":
            status = http_status(result)
            if entry is not None and not entry.skip and entry.accepts(status):
                return row(
                    Verdict.ALLOWLISTED, f"{short_reason(result.info)} accepted: {entry.reason}"
                )
            return row(Verdict.BROKEN, short_reason(result.info) or "broken")
        case _:
            return row(Verdict.BROKEN, f"unexpected linkcheck status {result.status!r}")


def classify_all(
    results: Iterable[LinkResult],
    *,
    srcdir: str,
    allowlist: Allowlist,
    from_cache: Mapping[str, float],
    now: float | None = None,
) -> list[Row]:
    """Judge every result, sorted by page, line and URL; ``srcdir`` prefixes the page paths."""
    rows = []
    for result in results:
        page = f"{srcdir.rstrip('/')}/{result.filename}" if srcdir else result.filename
        row = classify(result, page=page, allowlist=allowlist, from_cache=from_cache, now=now)
        if row is not None:
            rows.append(row)
    return sorted(rows, key=lambda r: (r.page, r.line, r.uri))


def failure_hint(row: Row) -> str:
    """How an editor fixes a dead (or redirected) link, by what went wrong."""
    reason = row.reason
    if row.verdict is Verdict.REDIRECTED:
        return "not a failure: update the link to the address it redirects to"
    if row.verdict is Verdict.TIMEOUT:
        return (
            "the server did not answer in time: open the link in a browser; fix or remove it "
            "if it is gone (a time-out is never cached, so the next run asks again)"
        )
    if reason.startswith(("401", "403")):
        return (
            "the host wants a sign-in: if the link is right, allowlist the host with a reason "
            "in handbook/_links/allowlist.yaml (a 404 there will still fail)"
        )
    if reason.startswith("Anchor "):
        return "the page exists but has no such anchor: fix the #fragment, or drop it"
    if reason.startswith(("404", "410")):
        return "the page is gone: find its new address, or remove the link"
    if row.verdict is Verdict.RATE_LIMITED or reason.startswith("429"):
        return (
            "the host kept answering 429 Too Many Requests past linkcheck_rate_limit_timeout: "
            "re-run later; if it never lets robots in, allowlist it with skip: true"
        )
    if reason.startswith("503"):
        return "the server said it is unavailable: re-run later; if it stays down, fix the link"
    if row.allowlist is None and reason[:3].isdigit() and not is_standard_status(int(reason[:3])):
        return (
            "not an HTTP status a working page answers (some sites answer robots 999): open it "
            "in a browser; if it works there, allowlist the host with a reason"
        )
    return "check the link in a browser; if the page or site is gone, fix or remove the link"


def render_table(rows: list[Row]) -> str:
    """The summary table: PAGE:LINE, STATUS, URL, REASON; one row per link."""
    header = ("PAGE:LINE", "STATUS", "URL", "REASON")
    cells = [header, *((r.where, str(r.verdict), r.uri, r.reason) for r in rows)]
    widths = [max(len(c[i]) for c in cells) for i in range(3)]
    lines = []
    for i, cell in enumerate(cells):
        lines.append(
            "  ".join(c.ljust(w) for c, w in zip(cell[:3], widths, strict=True)) + "  " + cell[3]
        )
        if i == 0:
            lines.append("  ".join("-" * w for w in widths) + "  " + "-" * len("REASON"))
    return "\n".join(line.rstrip() for line in lines)


def render_totals(rows: list[Row]) -> str:
    """``12 links: 8 ok, 2 cached, 1 broken``."""
    counts = Counter(r.verdict for r in rows)
    parts = [f"{counts[v]} {v}" for v in Verdict if counts[v]]
    noun = "link" if len(rows) == 1 else "links"
    return f"{len(rows)} {noun}: {', '.join(parts) if parts else 'none checked'}"


def render_failures(rows: list[Row], places: Mapping[str, list[str]] | None = None) -> str:
    """One ``page:line: verdict URL (reason)`` line per place a failing link is used, + a hint.

    ``places`` maps a URL to every ``page:line`` linking it (Sphinx reports only the first).
    """
    out = []
    for r in rows:
        if r.failed:
            for where in (places or {}).get(r.uri) or [r.where]:
                out.append(f"{where}: {r.verdict} link {r.uri} ({r.reason})")
            out.append(f"    hint: {failure_hint(r)}")
    return "\n".join(out)


def _ago(seconds: float) -> str:
    """``12 min ago``, ``3 h ago``."""
    seconds = max(0.0, seconds)
    if seconds < 90:
        return f"{int(seconds)} s ago"
    if seconds < 90 * 60:
        return f"{round(seconds / 60)} min ago"
    return f"{round(seconds / 3600)} h ago"
