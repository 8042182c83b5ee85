"""The link allowlist: located errors like the policy's, and one entry never covers two hosts.

Issue #9 item 5: the allowlist is validated by pydantic through the policy's located-error path,
so its errors read ``FILE:LINE: [index].key: message``. Issue #8 defect 8: a ``url:`` or
``sign_in:`` pattern that can match URLs on more than one host is refused. That rule is tested by
matching: every refused pattern below is shown to match URLs on two different hosts, and for
patterns the validator accepts, hypothesis builds URLs the compiled pattern matches and checks
that each is on the one host the validator named.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from generlate_handbook.links.allowlist import (
    Allowlist,
    AllowlistError,
    host_pattern,
    load_allowlist,
    parse_allowlist,
)
from generlate_handbook.links.patterns import pattern_host
from generlate_handbook.policy.source import PolicyErrors


def errors_of(text: str) -> list[str]:
    with pytest.raises(AllowlistError) as caught:
        parse_allowlist(text, "x.yaml")
    return str(caught.value).splitlines()


# -- located errors ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- host: a.example\n", "x.yaml:1: [0].reason: missing required key 'reason'"),
        ("- host: a.example\n  reason: ''\n", "x.yaml:2: [0].reason: must not be empty"),
        ("- host: a.example\n  reason: '   '\n", "x.yaml:2: [0].reason: must not be empty"),
        ("- host: a.example\n  reason: 5\n", "x.yaml:2: [0].reason: expected text, got 5"),
        ("# c\n- reason: r\n", "x.yaml:2: [0]: give exactly one of host: or url: per entry"),
        (
            "- host: a.example\n  url: https://b/\n  reason: r\n",
            "x.yaml:1: [0]: give exactly one of host: or url: per entry",
        ),
        ("- host: https://a.example/x\n  reason: r\n", "x.yaml:1: [0].host: must be a host name"),
        ("- host: '*.com'\n  reason: r\n", "x.yaml:1: [0].host: '*.com' covers a whole top-level"),
        ("- url: .*\n  reason: r\n", "x.yaml:1: [0].url: '.*' must start with http"),
        (
            "- url: https://a.example/(\n  reason: r\n",
            "x.yaml:1: [0].url: 'https://a.example/(' is not a valid regular expression",
        ),
        (
            "- host: a.example\n  reason: r\n  reasons: r\n",
            "x.yaml:3: [0].reasons: unknown key 'reasons'; did you mean 'reason'?",
        ),
        (
            "- host: a.example\n  reason: r\n  skip: sometimes\n",
            "x.yaml:3: [0].skip: expected true or false, got 'sometimes'",
        ),
        (
            "- host: a\n  reason: r\n- host: A\n  reason: r\n",
            "x.yaml:3: [1].host: duplicate entry for host a (first at line 1)",
        ),
        (
            "- host: a\n  reason: r\n- url: https://b\\.example/\n  reason: ''\n",
            "x.yaml:4: [1].reason: must not be empty",
        ),
        (
            "- host: a\n  reason: r\n  sign_in: https?://.*\n",
            "x.yaml:3: [0].sign_in: 'https?://.*' can match URLs on more than one host",
        ),
        ("- host: a\n  reason: r\n  host: b\n", "x.yaml:3: YAML syntax: found duplicate key"),
        ("- host: [a\n", "x.yaml:2: YAML syntax:"),
        ("host: a\n", "x.yaml:1: the allowlist must be a YAML list of entries"),
        ("- just a string\n", "x.yaml:1: [0]: expected a mapping, got 'just a string'"),
    ],
)
def test_malformed_allowlist_is_located_like_the_policy(text, expected):
    assert errors_of(text)[0].startswith(expected), errors_of(text)


def test_every_bad_entry_is_reported_in_one_run():
    lines = errors_of(
        "- host: a.example\n"  # 1: no reason
        "- url: https?://.*\n"  # 2: every host
        "  reason: r\n"
        "- host: ok.example\n"  # 4: fine
        "  reason: r\n"
        "  reasons: typo\n"  # 6
        "- host: A.example\n"  # 7: the same host as entry 0
        "  reason: r\n"
    )
    assert [line.split(": ")[0:2] for line in lines] == [
        ["x.yaml:1", "[0].reason"],
        ["x.yaml:2", "[1].url"],
        ["x.yaml:6", "[2].reasons"],
        ["x.yaml:7", "[3].host"],
    ]


def test_allowlist_errors_are_the_policys_error_type():
    assert AllowlistError is PolicyErrors
    with pytest.raises(PolicyErrors) as caught:
        parse_allowlist("- host: a.example\n", "x.yaml")
    (error,) = caught.value.errors
    assert (error.file, error.line, error.key_path) == ("x.yaml", 1, "[0].reason")


def test_allowlist_entries_and_patterns(tmp_path):
    allowlist = parse_allowlist(
        "- host: docs.google.com\n  reason: sign-in\n  sign_in: https://accounts\\.google\\.com/\n"
        "- host: '*.corp.example'\n  reason: intranet\n"
        "- url: https://status\\.example\\.com/admin/\n  reason: robots get 403\n  skip: true\n"
    )
    assert [e.line for e in allowlist] == [1, 4, 6]
    assert allowlist.match("https://docs.google.com/document/d/1#heading").reason == "sign-in"
    assert allowlist.match("https://DOCS.GOOGLE.COM:443/x") is not None
    assert allowlist.match("https://docs.google.com.evil.example/") is None
    assert allowlist.match("https://wiki.corp.example/page").reason == "intranet"
    assert allowlist.match("https://corp.example/") is None
    assert allowlist.ignore_patterns() == [r"https://status\.example\.com/admin/"]
    assert allowlist.allowed_redirects() == {
        host_pattern("docs.google.com"): r"https://accounts\.google\.com/"
    }
    assert load_allowlist(tmp_path / "none.yaml") == Allowlist()


def test_real_allowlist_is_valid(repo):
    load_allowlist(repo / "handbook" / "_links" / "allowlist.yaml")


# -- one host per entry, proven by matching ------------------------------------------------------
#: (pattern, two URLs on different hosts that the pattern matches)
MULTI_HOST = [
    (r"https?://.*", "https://a.example/", "http://b.example/"),
    (r"https?://(.*)", "https://a.example/", "https://b.example/x"),
    (r"http(s)?://.", "https://a.example/", "http://b.example/"),
    (
        r"https://status\.example\.com",
        "https://status.example.com/",
        "https://status.example.com.evil.example/",
    ),
    (r"https://status.example.com/", "https://status.example.com/", "https://statusXexample.com/"),
    (r"https://[a-z]+\.example\.com/", "https://a.example.com/", "https://b.example.com/"),
    (r"https://(?:www\.)?example\.com/", "https://example.com/", "https://www.example.com/"),
    (r"https://a\.example/|https://b\.example/", "https://a.example/", "https://b.example/"),
    (r"https://a\.example/x|a\.example/y", "https://a.example/x", "a.example/y"),
    (r"https://a\.example:.*", "https://a.example:8080/", "https://a.example:x@evil.example/"),
    (r"https://.*@a\.example/", "https://u@a.example/", "https://evil.example/@a.example/"),
    (r"https://a\.example(?=/)", "https://a.example/", "https://a.example/"),  # see below
]


@pytest.mark.parametrize(("pattern", "url_a", "url_b"), MULTI_HOST)
def test_pattern_for_more_than_one_host_is_refused(pattern, url_a, url_b):
    compiled = re.compile(pattern)
    assert compiled.match(url_a) and compiled.match(url_b)
    if url_a == url_b:  # a look-ahead is not a literal end of host: refused on principle
        assert pattern_host(pattern) is None
    else:
        assert urlsplit(url_a).hostname != urlsplit(url_b).hostname
    for key in ("url", "sign_in"):
        entry = f"- {key}: '{pattern}'\n  reason: r\n  skip: true\n"
        if key == "sign_in":
            entry = f"- host: a.example\n  reason: r\n  sign_in: '{pattern}'\n"
        assert any(
            "more than one host" in line or "must start with" in line for line in errors_of(entry)
        )


def test_everything_pattern_with_skip_is_refused():
    """The issue's case: one entry that would stop every link from being checked."""
    (line,) = errors_of("- url: 'https?://.*'\n  reason: r\n  skip: true\n")
    assert line.startswith("x.yaml:1: [0].url: 'https?://.*' can match URLs on more than one host")


#: (pattern, its host, URLs on other hosts it must not match)
SINGLE_HOST = [
    (
        r"https://status\.example\.com/admin/",
        "status.example.com",
        ["https://status.example.com.evil.example/admin/", "https://evil.example/admin/"],
    ),
    (r"https?://a\.example/", "a.example", ["https://a.example.evil/", "https://xa.example/"]),
    (r"http(s)?://a\.example:8443/", "a.example", ["https://a.example:8443@evil.example/"]),
    (r"^https://A\.Example/x", "a.example", ["https://b.example/x"]),
    (r"https://a\.example(?:[/?#]|\Z)", "a.example", ["https://a.example.evil/"]),
    (r"https://a\.example/x|https://a\.example/y", "a.example", ["https://b.example/x"]),
    (r"https://generlate\.looker\.com/login", "generlate.looker.com", ["https://evil/login"]),
]


@pytest.mark.parametrize(("pattern", "host", "others"), SINGLE_HOST)
def test_pattern_for_one_host_is_accepted(pattern, host, others):
    assert pattern_host(pattern) == host
    allowlist = parse_allowlist(f"- url: '{pattern}'\n  reason: r\n")
    assert len(allowlist) == 1
    for url in others:
        assert allowlist.match(url) is None, url


# Fragments of URL patterns and, for each, a strategy for the text it matches.
_HOSTY = [
    ("example", st.just("example")),
    (r"\.", st.just(".")),
    ("com", st.just("com")),
    (".", st.sampled_from(list("a.@/:?#-"))),
    (".*", st.text(alphabet="ab.@/:?#", max_size=6)),
    ("[a-z]+", st.text(alphabet="abz", min_size=1, max_size=3)),
    (r"(?:www\.)?", st.sampled_from(["", "www."])),
    ("@", st.just("@")),
    (":8080", st.just(":8080")),
    (r"\d+", st.text(alphabet="0123456789", min_size=1, max_size=3)),
    ("/", st.just("/")),
    (r"(?:/|\?)", st.sampled_from(["/", "?"])),
    ("(?:/|x)", st.sampled_from(["/", "x"])),
    ("$", st.just("")),
]
_SCHEMES = [
    ("https://", st.just("https://")),
    ("http://", st.just("http://")),
    ("https?://", st.sampled_from(["http://", "https://"])),
    ("http(s)?://", st.sampled_from(["http://", "https://"])),
]


#: Literal host fragments, listed often so that many drawn patterns are single-host ones.
_LITERAL = [
    ("example", st.just("example")),
    (r"\.", st.just(".")),
    ("com", st.just("com")),
    ("a-b", st.just("a-b")),
]

#: What usually ends the host part: mostly real ends of a host, for many accepted patterns.
_ENDS = [
    ("/", st.just("/")),
    (r"(?:/|\?)", st.sampled_from(["/", "?"])),
    ("$", st.just("")),
    (":8080/", st.just(":8080/")),
]


@st.composite
def pattern_and_match(draw: st.DrawFn) -> tuple[str, str]:
    """A URL pattern built from fragments (scheme, host part, its end, the rest), and a string
    built to match it."""
    scheme = draw(st.sampled_from(_SCHEMES))
    host = draw(st.lists(st.sampled_from(_LITERAL * 4 + _HOSTY), min_size=1, max_size=5))
    end = draw(st.sampled_from(_ENDS * 3 + _HOSTY))
    rest = draw(st.lists(st.sampled_from(_HOSTY), max_size=3))
    parts = [*host, end, *rest]
    pattern = scheme[0] + "".join(p for p, _ in parts)
    text = draw(scheme[1]) + "".join(draw(s) for _, s in parts)
    return pattern, text


@settings(max_examples=500)
@given(pattern_and_match())
def test_accepted_pattern_only_matches_urls_on_its_host(case):
    pattern, url = case
    host = pattern_host(pattern)
    matched = re.match(pattern, url) is not None
    event(f"accepted: {host is not None}, matched: {matched}")
    if host is not None and matched:
        assert urlsplit(url).hostname == host, (pattern, url)


# -- bounded input -------------------------------------------------------------------------------
BOMB = "".join(
    f"  x{i}: &a{i} [{', '.join([f'*a{i - 1}' if i else 'lol'] * 9)}]\n" for i in range(9)
)


def test_alias_bomb_is_refused_before_it_expands():
    """9**9 values behind 1 KB: refused at the first alias, in well under a second."""
    text = f"- host: a.example\n  reason: r\n{BOMB}  skip: *a8\n"
    (line,) = errors_of(text)
    assert line == "x.yaml:4: aliases (*name) are not allowed in the allowlist: write the value out"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"- host: a\n  reason: " + b"r" * 300_000 + b"\n", "larger than 256 KB: not read"),
        (b"- host: a\n  reason: caf\xe9\n", "cannot read: 'utf-8' codec can't decode"),
    ],
)
def test_oversized_or_undecodable_file_is_one_located_error(tmp_path, data, expected):
    path = tmp_path / "allowlist.yaml"
    path.write_bytes(data)
    with pytest.raises(AllowlistError) as caught:
        load_allowlist(path, display="handbook/_links/allowlist.yaml")
    (line,) = str(caught.value).splitlines()
    assert line.startswith("handbook/_links/allowlist.yaml: ") and expected in line, line


def test_error_quotes_a_bounded_excerpt_of_a_long_value():
    (line,) = errors_of(f"- url: 'https?://{'a' * 3_000}.*'\n  reason: r\n")  # < 4,000 chars
    assert "more than one host" in line and len(line) < 500
