"""``make linkcheck``'s files survive anything (issue #8, defect 11): a cache of any content is
read as a cache or as none, and Ctrl-C leaves every report file complete or absent, with no
traceback. Real runner subprocesses against a local server on 127.0.0.1."""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from links_project import finish, run_linkcheck, start_linkcheck, summary_rows, write_links
from links_server import LinkServer

from generlate_handbook.links import CACHE_FILE, OCCURRENCES_FILE, REPORT_FILE
from generlate_handbook.links.cache import CachedLink, LinkCache
from generlate_handbook.links.files import atomic_open, remove_partials

NOW = 1_000_000.0
GOOD = {"checked": NOW - 60, "allowlist": None}


@pytest.fixture
def server():
    with LinkServer() as running:
        yield running


# -- a cache of any content ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("content", "kept"),
    [
        ('{"links": []}', set()),
        ('{"version": 1, "links": []}', set()),  # crashed: [].items()
        ('{"version": 1, "links": "https://a/"}', set()),
        ('{"version": 1, "links": {"https://a/": "yesterday"}}', set()),
        ('{"version": 1, "links": {"https://a/": {"checked": "yesterday"}}}', set()),
        ('{"version": 1, "links": {"https://a/": {"checked": true}}}', set()),
        ('{"version": 1, "links": {"https://a/": {"checked": NaN}}}', set()),
        ('{"version": 1, "links": {"https://a/": {"checked": 1e999}}}', set()),
        # crashed later: an unhashable allowlist label, tested against the entries' labels
        ('{"version": 1, "links": {"https://a/": {"checked": 999940, "allowlist": ["x"]}}}', set()),
        (
            json.dumps({"version": 1, "links": {"https://a/": GOOD, "https://b/": 5}}),
            {"https://a/"},
        ),
        ('{"version": 2, "links": {}}', set()),
        ("[]", set()),
        ("null", set()),
        ('{"version": 1, "links": {"https://a/": ', set()),  # cut off mid-write
        ("[" * 100_000 + "]" * 100_000, set()),  # crashed: RecursionError
        ("\udcff", set()),  # not UTF-8
    ],
)
def test_foreign_cache_is_read_as_no_cache(tmp_path, content, kept):
    path = tmp_path / CACHE_FILE
    path.write_bytes(content.encode("utf-8", "surrogateescape"))
    cache = LinkCache.load(path)
    assert set(cache.fresh(NOW, 24 * 3600, frozenset({"host x"}))) == kept


JSON = st.recursive(
    st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=20,
)


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    links=st.dictionaries(st.text(max_size=12), JSON, max_size=4) | JSON,
    version=st.sampled_from([1, 1.0, "1", None]),
)
def test_any_json_cache_loads_without_raising(tmp_path, links, version):
    path = tmp_path / CACHE_FILE
    path.write_text(json.dumps({"version": version, "links": links}))
    cache = LinkCache.load(path)
    assert all(isinstance(link.checked, float) for link in cache.links.values())
    cache.fresh(NOW, 24 * 3600, frozenset({"host x"}))


@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=64))
def test_any_bytes_cache_loads_without_raising(tmp_path, data):
    path = tmp_path / CACHE_FILE
    path.write_bytes(data)
    LinkCache.load(path).fresh(NOW, 24 * 3600)


@pytest.mark.build
@pytest.mark.parametrize(
    "content",
    [
        '{"links": []}',  # the example
        '{"version": 1, "links": ["https://a/"]}',  # crashed: a list has no .items()
        '{"version": 1, "links": {"URL": {"checked": NOW, "allowlist": ["x"]}}}',  # crashed
    ],
)
def test_linkcheck_runs_over_a_foreign_cache_and_replaces_it(tmp_path, server, content):
    write_links(tmp_path, [server.url("/ok")])
    cache_file = tmp_path / "_build" / "linkcheck" / CACHE_FILE
    cache_file.parent.mkdir(parents=True)
    content = content.replace("URL", server.url("/ok")).replace("NOW", str(time.time() - 60))
    cache_file.write_text(content)
    status, out = run_linkcheck(tmp_path)
    assert status == 0, out
    assert summary_rows(out)[server.url("/ok")][1] == "ok"
    assert set(json.loads(cache_file.read_text())["links"]) == {server.url("/ok")}


# -- nothing half-written ------------------------------------------------------------------------
def test_interrupted_write_leaves_the_old_file_and_no_partial(tmp_path):
    path = tmp_path / "output.json"
    path.write_text("old, complete\n")
    with pytest.raises(KeyboardInterrupt), atomic_open(path) as out:
        out.write("new, half")
        raise KeyboardInterrupt
    assert path.read_text() == "old, complete\n"
    assert list(tmp_path.iterdir()) == [path]


def test_interrupted_cache_save_keeps_the_last_complete_cache(tmp_path, monkeypatch):
    path = tmp_path / CACHE_FILE
    LinkCache({"https://a/": CachedLink(NOW)}).save(path)
    before = path.read_text()

    def interrupted_dumps(*args: object, **kwargs: object) -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr(json, "dumps", interrupted_dumps)
    with pytest.raises(KeyboardInterrupt):
        LinkCache({"https://b/": CachedLink(NOW)}).save(path)
    monkeypatch.undo()
    assert path.read_text() == before
    assert list(tmp_path.iterdir()) == [path]


def test_partials_of_a_killed_writer_are_swept(tmp_path):
    (tmp_path / ".partial-output.json.abc.tmp").write_text("half")
    (tmp_path / "output.json").write_text("{}")
    assert [p.name for p in remove_partials(tmp_path)] == [".partial-output.json.abc.tmp"]
    assert [p.name for p in tmp_path.iterdir()] == ["output.json"]


def wait_until(condition: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"not reached within {timeout} s")
        time.sleep(0.1)


def is_complete(path: Path, urls: set[str]) -> bool:
    """Whether a report file holds every link of the run (or, for the cache, parses whole)."""
    text = path.read_text(encoding="utf-8")
    match path.name:
        case "output.json":
            return {json.loads(line)["uri"] for line in text.splitlines()} == urls
        case "occurrences.json":
            return set(json.loads(text)) == urls
        case "summary.txt":
            return f"{len(urls)} links:" in text
        case "cache.json":
            return json.loads(text)["version"] == 1
    raise AssertionError(path)


@pytest.mark.build
def test_ctrl_c_leaves_every_report_complete_or_absent(tmp_path, server):
    outdir = tmp_path / "_build" / "linkcheck"
    write_links(tmp_path, [server.url("/ok")])
    assert run_linkcheck(tmp_path)[0] == 0  # a finished run's files, cache.json among them
    urls = {server.url("/ok2"), server.url("/hang")}
    write_links(tmp_path, sorted(urls), linkcheck_timeout=60)

    proc = start_linkcheck(tmp_path)
    wait_until(lambda: server.hits["/hang"] > 0 and server.hits["/ok2"] > 0, 60)
    time.sleep(0.5)  # /ok2's result is in Sphinx's report by now; /hang is still open
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
    status, out, err = finish(proc, 60)

    assert "Traceback" not in out + err, out + err
    assert status == 130, out + err
    assert err.strip().endswith("make linkcheck: interrupted; no report was written for this run.")
    names = [REPORT_FILE, OCCURRENCES_FILE, "summary.txt", CACHE_FILE]
    present = {name: is_complete(outdir / name, urls) for name in names if (outdir / name).exists()}
    assert all(present.values()), present
    assert CACHE_FILE in present  # the last complete cache survives
    assert not list(outdir.glob(".partial-*"))  # no temporary file left behind
