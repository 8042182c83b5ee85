"""``make linkcheck`` never stalls and never calls a dead link working (issue #8, defects 6, 7).

Each test runs the real runner (``python -m generlate_handbook.links.external``, as make does)
as a subprocess over a tiny handbook with the real conf.py's link settings, against local HTTP
servers on 127.0.0.1. A runner that stalls fails the test after a bound instead of hanging it.
"""

from __future__ import annotations

import re
import time

import pytest
from links_project import run_linkcheck, summary_rows, write_links
from links_server import LinkServer

pytestmark = pytest.mark.build


@pytest.fixture
def server():
    with LinkServer() as running:
        yield running


@pytest.fixture
def other_server():
    """A second host (another port): rate limits are per host."""
    with LinkServer() as running:
        yield running


def verdict(rows: dict[str, list[str]], url: str) -> str:
    return rows[url][1]


def reason(rows: dict[str, list[str]], url: str) -> str:
    return " ".join(rows[url][3:])


# -- defect 6: 429 Too Many Requests -------------------------------------------------------------
def test_retry_after_longer_than_the_cap_is_not_waited_for(tmp_path, server, other_server):
    """``Retry-After: 400`` against the real 300 s cap: reported at once, not waited for."""
    slow_host, fine = server.url("/retry-400"), other_server.url("/ok")
    write_links(tmp_path, [slow_host, fine])
    started = time.monotonic()
    status, out = run_linkcheck(tmp_path, timeout=90)  # today: a 400 s wait
    elapsed = time.monotonic() - started

    rows = summary_rows(out)
    assert status == 1, out
    assert verdict(rows, slow_host) == "rate-limited", out
    assert "the next try would be in 400 s" in reason(rows, slow_host)
    assert "linkcheck_rate_limit_timeout (300 s)" in reason(rows, slow_host)
    assert verdict(rows, fine) == "ok", out  # another host is not held up
    assert server.hits["/retry-400"] == 1  # the retry does not ask again
    assert elapsed < 60
    assert "the host kept answering 429" in out  # the hint


def test_host_that_keeps_answering_429_fails_after_the_cap(tmp_path, server):
    """``Retry-After: 1`` for ever: reported rate-limited once the cap (3 s here) is spent."""
    busy, also_busy = server.url("/always-429"), server.url("/ok")
    # The cap comes from conf.py (Sphinx's -D cannot set a float setting such as this one).
    write_links(tmp_path, [busy], linkcheck_rate_limit_timeout=3.0)
    status, out = run_linkcheck(tmp_path, timeout=60)

    rows = summary_rows(out)
    assert status == 1, out
    assert verdict(rows, busy) == "rate-limited", out
    assert "linkcheck_rate_limit_timeout (3 s)" in reason(rows, busy)
    # Asked again after 1 s; the next wait (2 s) would pass the cap: 2 requests, not hundreds.
    assert 2 <= server.hits["/always-429"] <= 3, server.hits
    assert also_busy not in rows


def test_rate_limited_host_is_not_asked_for_its_other_links(tmp_path, server):
    """Once a host is given up on, its other links are reported without a request."""
    first, second = server.url("/retry-400"), server.url("/retry-400?page=2")
    write_links(tmp_path, [first, second])
    status, out = run_linkcheck(tmp_path, "-D", "linkcheck_workers=1", timeout=60)

    rows = summary_rows(out)
    assert status == 1, out
    assert verdict(rows, first) == verdict(rows, second) == "rate-limited", out
    assert server.hits["/retry-400"] == 1


def test_429_then_200_is_still_honoured(tmp_path, server):
    """The cap does not stop a short, honoured wait: one 429 with Retry-After: 1, then 200."""
    busy = server.url("/busy")
    write_links(tmp_path, [busy])
    status, out = run_linkcheck(tmp_path, timeout=60)
    assert status == 0, out
    assert verdict(summary_rows(out), busy) == "ok"
    assert server.hits["/busy"] == 2


# -- defect 7: dead links reported as working ----------------------------------------------------
@pytest.mark.parametrize(
    ("path", "expected_reason"),
    [
        ("/unavailable", "503 Service Unavailable"),  # Sphinx: "ignored"
        ("/head-only", "404 Not Found"),  # 200 to HEAD, 404 to GET; Sphinx: "ok"
        ("/robots-999", "999 Request denied"),  # requests: not an error; Sphinx: "ok"
        ("/error", "500 Internal Server Error"),
    ],
)
def test_dead_link_is_broken(tmp_path, server, path, expected_reason):
    url = server.url(path)
    write_links(tmp_path, [url])
    status, out = run_linkcheck(tmp_path)

    rows = summary_rows(out)
    assert status == 1, out
    assert verdict(rows, url) == "broken", out
    assert reason(rows, url) == expected_reason
    assert f"handbook/index.md:3: broken link {url} ({expected_reason})" in out


def test_links_are_requested_as_a_browser_would(tmp_path, server):
    """Every request is a GET: a HEAD answer is never taken for the page's."""
    write_links(tmp_path, [server.url("/ok"), server.url("/head-only")])
    run_linkcheck(tmp_path)
    methods = server.methods
    assert methods["/ok"] and methods["/head-only"]
    assert {m for ms in methods.values() for m in ms} == {"GET"}


def test_non_standard_status_passes_only_under_an_allowlist_entry(tmp_path, server):
    """999 is accepted for a link an entry covers (like a 401/403); a 404 there still fails."""
    denied, gone = server.url("/robots-999"), server.url("/missing")
    entry = f"- url: {re.escape(server.base)}/\n  reason: answers 999 to every robot\n"
    write_links(tmp_path, [denied, gone], allowlist=entry)
    status, out = run_linkcheck(tmp_path)

    rows = summary_rows(out)
    assert status == 1, out
    assert verdict(rows, denied) == "allowlisted", out
    assert reason(rows, denied) == "999 Request denied accepted: answers 999 to every robot"
    assert verdict(rows, gone) == "broken"


def test_retry_after_zero_is_not_a_tight_loop(tmp_path, server):
    """``Retry-After: 0`` for ever: each wait doubles from 1 s, so a 4 s cap allows 3 requests."""
    busy = server.url("/retry-0")
    write_links(tmp_path, [busy], linkcheck_rate_limit_timeout=4.0)
    status, out = run_linkcheck(tmp_path, timeout=60)
    assert status == 1, out
    assert verdict(summary_rows(out), busy) == "rate-limited", out
    assert 2 <= server.hits["/retry-0"] <= 3, server.hits
