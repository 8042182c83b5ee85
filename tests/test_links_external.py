"""External links: Sphinx's linkcheck, with the real conf.py settings, against a local server.

A tiny handbook links to a real HTTP server on 127.0.0.1 (see links_server.py) that answers
200, 404, 500, redirects, 429-then-200, too slowly, without the anchor, and 401 behind the
allowlist. The runner (``python -m generlate_handbook.links.external``) is called as make calls
it; the assertions read its summary and exit status, the cache file and the server's hit counts.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from links_project import line_of, real_settings, write_project
from links_server import LinkServer

from generlate_handbook.links import CACHE_FILE, external
from generlate_handbook.links._cli import split_args, split_filenames
from generlate_handbook.links.allowlist import parse_allowlist
from generlate_handbook.links.cache import CachedLink, LinkCache, ignore_pattern
from generlate_handbook.links.report import LinkResult, Verdict, classify

pytestmark = pytest.mark.build

#: Short enough for /slow (links_server.SLOW_SECONDS) to time out, long enough for loopback.
TIMEOUT = 1


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Straight to 127.0.0.1, never via a proxy; no stray LINKCHECK_FRESH; no ::error lines."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.delenv("LINKCHECK_FRESH", raising=False)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


@pytest.fixture
def server():
    with LinkServer() as running:
        yield running


def run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], *extra: str
) -> tuple[int, str, dict[str, str]]:
    """Run the runner as ``make linkcheck`` does; return (exit status, output, rows by URL)."""
    status = external.main(
        [
            str(tmp_path / "handbook"),
            str(tmp_path / "_build" / "linkcheck"),
            "--root",
            str(tmp_path),
            *extra,
        ]
    )
    out = capsys.readouterr().out
    rows = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[1] in set(Verdict) and parts[2].startswith("http"):
            rows[parts[2]] = line
    return status, out, rows


# -- the verdicts --------------------------------------------------------------------------------
def links_page(server: LinkServer) -> str:
    u = server.url
    return f"""
        # Links

        - [ok]({u("/ok")})
        - [gone]({u("/missing")})
        - [error]({u("/error")})
        - [moved]({u("/old")})
        - [moved away]({u("/moved-gone")})
        - [busy]({u("/busy")})
        - [slow]({u("/slow")})
        - [anchor here]({u("/anchors")}#present)
        - [anchor gone]({u("/anchors")}#absent)
        - [report]({u("/private/report")})
        - [dashboard]({u("/private/dashboard")})
        - [private gone]({u("/private/gone")})
        - [mail](mailto:support@generlate.com)

        The [gone page]({u("/missing")}) again: Sphinx checks it once, we list both places.
    """


def allowlist_for(server: LinkServer) -> str:
    return f"""
        - url: {re.escape(server.url("/private/"))}
          reason: needs sign-in (the reports are for staff only)
          sign_in: {re.escape(server.url("/sign-in"))}
    """


def make_handbook(tmp_path: Path, page: str, allowlist: str) -> None:
    write_project(
        tmp_path,
        {"index.md": "# Home\n\n```{toctree}\nlinks\n```\n", "links.md": page},
        overrides={"linkcheck_timeout": TIMEOUT},
        allowlist=allowlist,
    )


def test_linkcheck_verdicts(tmp_path, capsys, server):
    page = links_page(server)
    make_handbook(tmp_path, page, allowlist_for(server))
    started = time.monotonic()
    status, out, rows = run(tmp_path, capsys)
    elapsed = time.monotonic() - started

    def row(path: str, verdict: str, *words: str) -> None:
        url = server.url(path)
        line = rows[url]
        where = f"handbook/links.md:{line_of(page, path)}"
        assert line.startswith(where), line
        assert line.split()[1] == verdict, line
        for word in words:
            assert word in line, (word, line)

    assert status == 1, out
    row("/ok", "ok")
    row("/missing", "broken", "404 Not Found")
    row("/error", "broken", "500 Internal Server Error")
    row("/old", "redirected", "301 to " + server.url("/ok"))
    row("/moved-gone", "broken", "404 Not Found")
    row("/busy", "ok")
    row("/slow", "timeout", f"no answer within {TIMEOUT}")
    assert rows[server.url("/anchors") + "#present"].split()[1] == "ok"
    absent = rows[server.url("/anchors") + "#absent"]
    assert absent.split()[1] == "broken" and "Anchor 'absent' not found" in absent
    row("/private/report", "allowlisted", "401 Unauthorized accepted: needs sign-in")
    row("/private/dashboard", "ok")  # redirected to the entry's sign-in page
    row("/private/gone", "broken", "404 Not Found")  # the allowlist does not hide a 404
    assert "mailto:" not in out

    # 429 + Retry-After: 1 was honoured: asked again after the pause, and then it worked.
    assert server.hits["/busy"] >= 2
    # Dead links, one located line each, naming page, line, URL and status, then a hint.
    dead = [line for line in out.splitlines() if re.match(r"handbook/links\.md:\d+: ", line)]
    assert sorted(dead) == sorted(
        f"handbook/links.md:{line_of(page, path)}: {verdict} link "
        f"{server.url(path.removesuffix(') again'))} ({reason})"
        for path, verdict, reason in [
            ("/missing", "broken", "404 Not Found"),
            ("/missing) again", "broken", "404 Not Found"),
            ("/error", "broken", "500 Internal Server Error"),
            ("/moved-gone", "broken", "404 Not Found"),
            ("/slow", "timeout", f"no answer within {TIMEOUT} s"),
            ("/anchors#absent", "broken", "Anchor 'absent' not found"),
            ("/private/gone", "broken", "404 Not Found"),
        ]
    )
    assert "hint: the page is gone: find its new address" in out
    assert "hint: the page exists but has no such anchor" in out
    assert "12 links: 4 ok, 1 allowlisted, 1 redirected, 5 broken, 1 timeout" in out
    summary = (tmp_path / "_build" / "linkcheck" / "summary.txt").read_text()
    assert "PAGE:LINE" in summary and "Dead links:" in summary
    assert str(tmp_path) not in out  # paths relative to the root
    assert elapsed < 30


# -- the cache -----------------------------------------------------------------------------------
def test_cache_spares_working_links_and_fresh_ignores_it(tmp_path, capsys, server, monkeypatch):
    u = server.url
    page = f"""
        # Links

        - [ok]({u("/ok")}) and [ok2]({u("/ok2")})
        - [report]({u("/private/report")})
        - [gone]({u("/missing")})
    """
    make_handbook(tmp_path, page, allowlist_for(server))
    cache_file = tmp_path / "_build" / "linkcheck" / CACHE_FILE

    status, out, rows = run(tmp_path, capsys)
    assert status == 1, out
    first = server.hits
    assert first["/ok"] >= 1 and first["/ok2"] >= 1 and first["/missing"] >= 1
    cached = json.loads(cache_file.read_text())["links"]
    assert set(cached) == {u("/ok"), u("/ok2"), u("/private/report")}  # never the broken one
    assert cached[u("/private/report")]["allowlist"].startswith("url ")

    server.reset()
    status, out, rows = run(tmp_path, capsys)
    assert status == 1, out  # still broken: broken links are never cached
    assert server.hits["/ok"] == 0 and server.hits["/ok2"] == 0
    assert server.hits["/private/report"] == 0
    assert server.hits["/missing"] >= 1
    assert rows[u("/ok")].split()[1] == "cached"
    assert rows[u("/private/report")].split()[1] == "cached"
    assert rows[u("/missing")].split()[1] == "broken"
    # A cached entry keeps the time it was really checked (it is not renewed by being used).
    assert json.loads(cache_file.read_text())["links"][u("/ok")] == cached[u("/ok")]

    server.reset()
    status, out, rows = run(tmp_path, capsys, "--fresh")
    assert server.hits["/ok"] >= 1 and server.hits["/private/report"] >= 1
    assert rows[u("/ok")].split()[1] == "ok"

    server.reset()
    monkeypatch.setenv("LINKCHECK_FRESH", "1")
    status, out, rows = run(tmp_path, capsys)
    assert server.hits["/ok"] >= 1 and rows[u("/ok")].split()[1] == "ok"


def test_bad_allowlist_stops_before_any_request(tmp_path, capsys, server):
    make_handbook(tmp_path, f"# Links\n\n[ok]({server.url('/ok')})\n", "- host: example.com\n")
    status, out, _ = run(tmp_path, capsys)
    assert status == 2
    assert out.startswith("handbook/_links/allowlist.yaml:1: [0].reason: missing required key")
    assert "hint:" in out
    assert server.hits["/ok"] == 0


# -- judging Sphinx's results and the cache's freshness ------------------------------------------
def test_classify_accepts_only_sign_in_walls_for_allowlisted_links():
    allowlist = parse_allowlist("- host: intranet.example\n  reason: needs sign-in\n")

    def verdict(uri: str, info: str, status: str = "broken") -> Verdict:
        result = LinkResult("p.md", 3, status, 0, uri, info)
        row = classify(result, page="handbook/p.md", allowlist=allowlist, from_cache={})
        assert row is not None and row.where == "handbook/p.md:3"
        return row.verdict

    inside, outside = "https://intranet.example/x", "https://public.example/x"
    forbidden = f"403 Client Error: Forbidden for url: {inside}"
    assert verdict(inside, "unauthorized") is Verdict.ALLOWLISTED
    assert verdict(inside, forbidden) is Verdict.ALLOWLISTED
    assert verdict(inside, f"404 Client Error: Not Found for url: {inside}") is Verdict.BROKEN
    assert verdict(inside, "HTTPSConnectionPool(...): Failed to resolve") is Verdict.BROKEN
    assert verdict(outside, "unauthorized") is Verdict.BROKEN
    assert verdict(outside, "", "working") is Verdict.OK


def test_cache_freshness():
    now = 1_000_000.0
    day = 24 * 3600
    cache = LinkCache(
        {
            "https://a/": CachedLink(now - 60),
            "https://old/": CachedLink(now - day - 1),
            "https://future/": CachedLink(now + 60),  # clock skew: not trusted
            "https://walled/": CachedLink(now - 60, allowlist="host walled"),
            "https://unlisted/": CachedLink(now - 60, allowlist="host gone"),
        }
    )
    fresh = cache.fresh(now, day, frozenset({"host walled"}))
    assert set(fresh) == {"https://a/", "https://walled/"}
    cache.record("https://a/", now, working=False)
    assert "https://a/" not in cache.links
    assert re.match(ignore_pattern("https://a/x?q=1"), "https://a/x?q=1")
    assert not re.match(ignore_pattern("https://a/x"), "https://a/x#anchor")


def test_readme_documents_the_link_settings_conf_py_sets(repo):
    """The numbers the README promises are the ones the real conf.py gives Sphinx."""
    settings = real_settings()
    readme = (repo / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### `make linkcheck`") : readme.index("### The allowlist")]
    retries = {1: "no retry", 2: "one retry", 3: "two retries"}[settings["linkcheck_retries"]]
    cap_minutes = settings["linkcheck_rate_limit_timeout"] / 60
    cache_hours = settings["links_linkcheck_cache_max_age"] / 3600
    for promise in (
        f"a {settings['linkcheck_timeout']}-second time-out per request",
        f"{retries} for a broken result",
        f"{settings['linkcheck_workers']} requests at a time",
        f"up to {cap_minutes:g} minutes in all",
        f"for {cache_hours:g} hours",
    ):
        assert promise in section, promise
    assert settings["linkcheck_ignore"] == []  # exemptions live in the allowlist only
    # A dict (Sphinx's default is a sentinel that reports redirects only as info): every
    # redirect is reported, and only the allowlist's sign_in pages are added to it.
    assert settings["linkcheck_allowed_redirects"] == {}


def test_real_conf_runs_the_strict_linkcheck_builder(tmp_path, make_app):
    """``-b linkcheck`` with the real settings is ours (GET only, capped waits), not Sphinx's."""
    from generlate_handbook.links.linkcheck import StrictLinkcheckBuilder

    src = write_project(tmp_path, {"index.md": "# Home\n"})
    app = make_app("linkcheck", srcdir=src)
    assert type(app.builder) is StrictLinkcheckBuilder


def test_page_files_among_sphinx_options_go_last(tmp_path, monkeypatch):
    """``make linkcheck SPHINXOPTS="-j 2 handbook/a.md"`` restricts the check to that page."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.md").write_text("# A\n")
    args = split_args(["handbook", "out", "--fresh", "-j", "2", "a.md", "-D", "x=1"], ("--fresh",))
    assert args.flags == {"--fresh"}
    assert split_filenames(args.sphinx_opts) == (["-j", "2", "-D", "x=1"], ["a.md"])
