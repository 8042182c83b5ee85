"""The pull-request comment step, against a recorded event and a fake GitHub API on 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from browser_site import serving

from generlate_handbook.review import comment
from generlate_handbook.review.render import MARKER

REPOSITORY = "generlate/support-handbook"
TOKEN = "test-token"


class FakeGitHub:
    """Issue comments and labels of one pull request, as GitHub's REST API serves them."""

    def __init__(self, comments: list[dict[str, Any]] | None = None) -> None:
        self.comments = comments or []
        self.labels: list[str] = []
        self.writes: list[tuple[str, str, Any]] = []


def serve(fake: FakeGitHub) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def _answer(self, status: int, body: object) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _handle(self) -> None:
            assert self.headers["Authorization"] == f"Bearer {TOKEN}"
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length)) if length else None
            base = f"/repos/{REPOSITORY}/issues"
            path = self.path.split("?")[0]
            if self.command == "GET" and path == f"{base}/7/comments":
                page = int(self.path.split("page=")[-1])
                return self._answer(200, fake.comments[(page - 1) * 100 : page * 100])
            fake.writes.append((self.command, path, body))
            if self.command == "POST" and path == f"{base}/7/comments":
                assert set(body) == {"body"} and isinstance(body["body"], str)
                fake.comments.append({"id": 900 + len(fake.comments), "body": body["body"]})
                return self._answer(201, fake.comments[-1])
            if self.command == "PATCH" and path.startswith(f"{base}/comments/"):
                assert set(body) == {"body"}
                target = next(c for c in fake.comments if c["id"] == int(path.split("/")[-1]))
                target["body"] = body["body"]
                return self._answer(200, target)
            if self.command == "POST" and path == f"{base}/7/labels":
                assert body == {"labels": ["policy: looser"]}
                fake.labels += body["labels"]
                return self._answer(200, [{"name": name} for name in fake.labels])
            if self.command == "DELETE" and path == f"{base}/7/labels/policy%3A%20looser":
                fake.labels.remove("policy: looser")
                return self._answer(200, [])
            return self._answer(404, {"message": "Not Found"})

        do_GET = do_POST = do_PATCH = do_DELETE = _handle

    with serving(Handler) as url:
        yield url.rstrip("/")


@pytest.fixture
def fake() -> FakeGitHub:
    return FakeGitHub([{"id": n, "body": f"a reviewer's comment {n}"} for n in range(150)])


@pytest.fixture
def api(fake: FakeGitHub) -> Iterator[str]:
    yield from serve(fake)


def run(tmp_path: Path, monkeypatch, api: str, body: str, status: int, labels=()) -> int:
    event = tmp_path / "event.json"
    event.write_text(
        json.dumps({"pull_request": {"number": 7, "labels": [{"name": name} for name in labels]}})
    )
    diff = tmp_path / "diff.md"
    diff.write_text(body)
    for name, value in {
        "GITHUB_TOKEN": TOKEN,
        "GITHUB_REPOSITORY": REPOSITORY,
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_API_URL": api,
    }.items():
        monkeypatch.setenv(name, value)
    return comment.main(["--body", str(diff), "--status", str(status)])


def test_first_run_comments_and_labels_a_looser_change(tmp_path, monkeypatch, api, fake) -> None:
    body = f"{MARKER}\n### Policy changes: 1 change: 1 looser\n"
    assert run(tmp_path, monkeypatch, api, body, 3) == 0
    assert [(method, path) for method, path, _ in fake.writes] == [
        ("POST", f"/repos/{REPOSITORY}/issues/7/comments"),
        ("POST", f"/repos/{REPOSITORY}/issues/7/labels"),
    ]
    assert fake.comments[-1]["body"] == body and fake.labels == ["policy: looser"]


def test_a_push_updates_the_same_comment_and_never_adds_another(
    tmp_path, monkeypatch, api, fake
) -> None:
    run(tmp_path, monkeypatch, api, f"{MARKER}\nfirst\n", 3)
    fake.writes.clear()
    assert run(tmp_path, monkeypatch, api, f"{MARKER}\nsecond\n", 1, ["policy: looser"]) == 0
    ours = [c for c in fake.comments if c["body"].startswith(MARKER)]
    assert [c["body"] for c in ours] == [f"{MARKER}\nsecond\n"]
    assert [(method, path.rsplit("/", 2)[-2]) for method, path, _ in fake.writes] == [
        ("PATCH", "comments"),
        ("DELETE", "labels"),
    ]
    assert fake.labels == []


def test_an_unchanged_diff_writes_nothing(tmp_path, monkeypatch, api, fake) -> None:
    run(tmp_path, monkeypatch, api, f"{MARKER}\nsame\n", 1)
    fake.writes.clear()
    assert run(tmp_path, monkeypatch, api, f"{MARKER}\nsame\n", 1) == 0
    assert fake.writes == []


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("GITHUB_API_URL", "http://api.example.com", "must be an https URL"),
        ("GITHUB_REPOSITORY", "no-slash", "must be owner/name"),
        ("GITHUB_TOKEN", "", "not set: GITHUB_TOKEN"),
    ],
)
def test_bad_settings_are_refused_before_any_request(
    tmp_path, monkeypatch, capsys, api, fake, setting, value, message
) -> None:
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 7}}))
    (tmp_path / "diff.md").write_text(MARKER)
    env = {
        "GITHUB_TOKEN": TOKEN,
        "GITHUB_REPOSITORY": REPOSITORY,
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_API_URL": api,
        setting: value,
    }
    monkeypatch.setattr(comment.os, "environ", env)
    assert comment.main(["--body", str(tmp_path / "diff.md"), "--status", "1"]) == 1
    assert message in capsys.readouterr().err
    assert fake.writes == []
