"""``zendesk push`` and ``zendesk fetch`` against a fake Zendesk API on 127.0.0.1 (no network)."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from policy_fixtures import POLICY_FILE, edited_policy
from zendesk_fake import FakeZendeskServer

from generlate_handbook.cli import main
from generlate_handbook.helpdesk.client import Client, ZendeskError, credentials, validate_url
from generlate_handbook.helpdesk.push import list_policies

EMAIL, TOKEN = "admin@generlate.example", "s3cret-token"
AUTH = "Basic " + base64.b64encode(f"{EMAIL}/token:{TOKEN}".encode()).decode()


@pytest.fixture
def server(monkeypatch) -> Iterator[FakeZendeskServer]:
    monkeypatch.setenv("ZENDESK_EMAIL", EMAIL)
    monkeypatch.setenv("ZENDESK_API_TOKEN", TOKEN)
    monkeypatch.delenv("ZENDESK_OAUTH_TOKEN", raising=False)
    with FakeZendeskServer(AUTH) as running:
        yield running


def push(server, *extra, policy=POLICY_FILE.parent) -> int:
    return main(
        ["--policy", str(policy), "zendesk", "push", "--url", server.url, "--test-loopback", *extra]
    )


def test_first_run_creates_everything_second_run_writes_nothing(server, capsys):
    fake = server.fake
    assert push(server, "--apply") == 0
    out = capsys.readouterr().out
    assert out.startswith("made ")
    assert fake.violations == []
    writes = [(method, path) for method, path, _ in fake.writes]
    window = next(k for k, v in fake.schedules.items() if v["name"] == "Generlate support window")
    assert writes == [
        ("POST", "/api/v2/business_hours/schedules"),
        # Zendesk gives a new schedule 09:00-17:00 Monday to Friday: the working hours already are
        ("POST", "/api/v2/business_hours/schedules"),
        ("PUT", f"/api/v2/business_hours/schedules/{window}/workweek"),
        ("POST", "/api/v2/slas/policies"),
        ("POST", "/api/v2/slas/policies"),
    ]
    names = {s["name"]: s["time_zone"] for s in fake.schedules.values()}
    assert names == {
        "Generlate working hours": "Pacific Time (US & Canada)",
        "Generlate support window": "Pacific Time (US & Canada)",
    }
    titles = sorted(p["title"] for p in fake.policies.values())
    assert titles == ["Managed plan SLA", "Self-hosted plan SLA"]
    before = len(fake.requests)
    assert push(server, "--apply") == 0
    assert capsys.readouterr().out == "Zendesk already matches the policy: nothing to change\n"
    assert [r for r in fake.requests[before:] if r[0] != "GET"] == []
    assert fake.violations == []


def test_dry_run_lists_the_changes_and_writes_nothing(server, capsys):
    assert push(server) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "dry run: Zendesk needs 6 changes (run with --apply to make them):"
    assert "  create SLA policy 'Managed plan SLA'" in out
    assert server.fake.writes == []


def test_a_policy_change_updates_only_what_changed(server, tmp_path, capsys):
    assert push(server, "--apply") == 0
    edited = edited_policy(
        tmp_path / "policy", ("within: 24h\n          from", "within: 16h\n          from")
    )
    before = len(server.fake.writes)
    assert push(server, "--apply", policy=edited) == 0
    assert capsys.readouterr().out.splitlines()[-2:] == [
        "  update SLA policy 'Self-hosted plan SLA'",
        "  update SLA policy 'Managed plan SLA'",
    ]
    changed = server.fake.writes[before:]
    assert [(m, p.rsplit("/", 1)[0]) for m, p, _ in changed] == [
        ("PUT", "/api/v2/slas/policies")
    ] * 2
    metrics = changed[0][2]["sla_policy"]["policy_metrics"]
    assert metrics[0] == {
        "priority": "urgent",
        "metric": "first_reply_time",
        "target": 960,
        "business_hours": True,
    }
    assert server.fake.violations == []


def test_holidays_are_added_renamed_and_removed(server, tmp_path, capsys):
    old = "      fri: 09:00-17:00\n    holidays: []\n  support-window:"
    with_holidays = edited_policy(
        tmp_path / "a",
        (old, "      fri: 09:00-17:00\n    holidays: [2026-12-25, 2026-12-31]\n  support-window:"),
    )
    assert push(server, "--apply", policy=with_holidays) == 0
    (sid,) = [k for k, v in server.fake.schedules.items() if v["name"] == "Generlate working hours"]
    assert sorted(h["start_date"] for h in server.fake.holidays[sid].values()) == [
        "2026-12-25",
        "2026-12-31",
    ]
    renamed = edited_policy(
        tmp_path / "b",
        (
            old,
            "      fri: 09:00-17:00\n"
            "    holidays: [{date: 2026-12-25, name: Christmas}]\n  support-window:",
        ),
    )
    capsys.readouterr()
    assert push(server, "--apply", policy=renamed) == 0
    assert capsys.readouterr().out.splitlines()[1:] == [
        "  rename holiday 2026-12-25 of 'Generlate working hours' to 'Christmas'",
        "  remove holiday 2026-12-31 (Holiday) from 'Generlate working hours'",
    ]
    assert [h["name"] for h in server.fake.holidays[sid].values()] == ["Christmas"]
    assert server.fake.violations == []


def test_fetch_then_drift_agrees_after_push(server, tmp_path, capsys):
    assert push(server, "--apply") == 0
    out = tmp_path / "live"
    assert (
        main(["zendesk", "fetch", "--url", server.url, "--test-loopback", "--out", str(out)]) == 0
    )
    assert json.loads((out / "sla_policies.json").read_text())["sla_policies"][0]["id"] > 0
    capsys.readouterr()
    assert main(["--policy", str(POLICY_FILE.parent), "zendesk", "drift", str(out)]) == 0
    assert capsys.readouterr().out == "Zendesk agrees with the policy\n"


def test_sla_policies_are_read_across_pages(server, capsys):
    assert push(server, "--apply") == 0
    server.fake.page_size = 1
    before = len(server.fake.requests)
    assert push(server, "--apply") == 0
    assert capsys.readouterr().out.endswith("nothing to change\n")
    pages = [p for m, p, _ in server.fake.requests[before:] if p == "/api/v2/slas/policies"]
    assert len(pages) == 2
    assert server.fake.writes[5:] == []


def test_a_next_page_on_another_host_is_refused(server):
    assert push(server, "--apply") == 0
    server.fake.page_size = 1
    server.fake.base_url = "http://127.0.0.2:9"
    with pytest.raises(ZendeskError, match="points away from"):
        list_policies(Client(server.url, AUTH))


def test_redirects_are_refused(monkeypatch):
    class Redirect(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            self.send_response(302)
            self.send_header("Location", "http://127.0.0.2:9/steal")
            self.send_header("Content-Length", "0")
            self.end_headers()

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        client = Client(f"http://127.0.0.1:{httpd.server_address[1]}", AUTH)
        with pytest.raises(ZendeskError, match="HTTP 302"):
            client.get("/api/v2/slas/policies")
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def test_rate_limits_are_retried_after_retry_after(server):
    server.fake.rate_limit_next = 2
    waits: list[float] = []
    client = Client(server.url, AUTH, sleep=waits.append)
    assert client.get("/api/v2/slas/policies")["sla_policies"] == []
    assert waits == [0.0, 0.0]
    server.fake.rate_limit_next = 10
    with pytest.raises(ZendeskError, match=r"still rate-limited .* after 3 retries"):
        Client(server.url, AUTH, sleep=waits.append, max_retries=3).get("/api/v2/slas/policies")


def test_wrong_credentials_are_an_api_error(server, monkeypatch, capsys):
    monkeypatch.setenv("ZENDESK_API_TOKEN", "wrong")
    assert push(server, "--apply") == 2
    assert "HTTP 401" in capsys.readouterr().err
    assert server.fake.writes == []


def test_missing_credentials_exit_2(server, monkeypatch, capsys):
    monkeypatch.delenv("ZENDESK_API_TOKEN")
    assert push(server) == 2
    assert "set ZENDESK_EMAIL and ZENDESK_API_TOKEN" in capsys.readouterr().err
    assert server.fake.requests == []


@pytest.mark.parametrize(
    ("url", "loopback", "expected"),
    [
        ("https://generlate.zendesk.com", False, "https://generlate.zendesk.com"),
        ("https://generlate.zendesk.com/", False, "https://generlate.zendesk.com"),
        ("https://Generlate.Zendesk.com", False, "https://generlate.zendesk.com"),
        ("http://generlate.zendesk.com", False, None),
        ("https://generlate.zendesk.com.evil.example", False, None),
        ("https://evil.example/generlate.zendesk.com", False, None),
        ("https://generlate.zendesk.com/api/v2", False, None),
        ("https://user:pw@generlate.zendesk.com", False, None),
        ("https://generlate.zendesk.com:8443", False, None),
        ("https://generlate.zendesk.com?x=1", False, None),
        ("http://127.0.0.1:8080", False, None),
        ("http://127.0.0.1:8080", True, "http://127.0.0.1:8080"),
        ("http://10.0.0.1:8080", True, None),
    ],
)
def test_url_validation(url, loopback, expected):
    if expected is None:
        with pytest.raises(ZendeskError, match="not a Zendesk address"):
            validate_url(url, allow_loopback=loopback)
    else:
        assert validate_url(url, allow_loopback=loopback) == expected


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"ZENDESK_EMAIL": EMAIL, "ZENDESK_API_TOKEN": TOKEN}, AUTH),
        ({"ZENDESK_OAUTH_TOKEN": "abc"}, "Bearer abc"),
        ({"ZENDESK_EMAIL": EMAIL}, None),
        ({"ZENDESK_OAUTH_TOKEN": "abc\r\nX-Evil: 1"}, None),
    ],
)
def test_credentials_come_from_the_environment(env, expected):
    if expected is None:
        with pytest.raises(ZendeskError):
            credentials(env)
    else:
        assert credentials(env) == expected
