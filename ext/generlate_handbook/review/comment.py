"""Post the policy diff on a pull request as one comment, updated in place on every push.

Run by the workflow (``.github/workflows/policy-diff.yml``) after ``handbook-policy diff
--format markdown``::

    python -m generlate_handbook.review.comment --body diff.md --status 3

It reads the pull request's number from ``GITHUB_EVENT_PATH``, the repository from
``GITHUB_REPOSITORY``, the API from ``GITHUB_API_URL`` (https, or http on the loopback address
for tests) and the token from ``GITHUB_TOKEN``. Our comment is found again by its first line
(:data:`~.render.MARKER`), so a push edits it instead of adding another. ``--status 3`` (a
looser change) adds the label :data:`LOOSER_LABEL`; any other status removes it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .render import MARKER

LOOSER_LABEL = "policy: looser"
MAX_BODY = 60_000  # GitHub refuses comments over 65,536 characters
MAX_PAGES = 20  # of 100 comments each
TIMEOUT = 20  # seconds per request
LOOSER_STATUS = 3


class CommentError(Exception):
    """A missing setting or an API answer we cannot use."""


class GitHub:
    """The few REST calls we need, with a token, a time-out and JSON in and out."""

    def __init__(self, api: str, token: str, repository: str) -> None:
        parts = urllib.parse.urlsplit(api)
        loopback = parts.hostname in {"127.0.0.1", "localhost", "::1"}
        if parts.scheme != "https" and not (parts.scheme == "http" and loopback):
            raise CommentError(f"GITHUB_API_URL must be an https URL, got {api!r}")
        if repository.count("/") != 1:
            raise CommentError(f"GITHUB_REPOSITORY must be owner/name, got {repository!r}")
        self.base = f"{api.rstrip('/')}/repos/{urllib.parse.quote(repository)}"
        self.token = token

    def call(self, method: str, path: str, body: object = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.base + path,
            data=data,
            method=method,
            headers={
                "Authorization": f"Bearer {self.token}",
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": "2022-11-28",
                "Content-Type": "application/json",
                "User-Agent": "generlate-handbook-policy-diff",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
                text = answer.read(5_000_000).decode() or "null"
        except urllib.error.HTTPError as error:
            raise CommentError(f"{method} {path}: HTTP {error.code}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise CommentError(f"{method} {path}: {error}") from None
        return json.loads(text)


def our_comment(github: GitHub, number: int) -> dict[str, Any] | None:
    for page in range(1, MAX_PAGES + 1):
        comments = github.call("GET", f"/issues/{number}/comments?per_page=100&page={page}")
        for comment in comments:
            if str(comment.get("body", "")).startswith(MARKER):
                return dict(comment)
        if len(comments) < 100:
            return None
    return None


def publish(github: GitHub, number: int, body: str, labels: Sequence[str], status: int) -> str:
    """Create or update our comment and set or clear the label; says what it did."""
    if len(body) > MAX_BODY:
        body = body[:MAX_BODY] + "\n\n…cut short: run `handbook-policy diff` for every change.\n"
    done = []
    existing = our_comment(github, number)
    if existing is None:
        github.call("POST", f"/issues/{number}/comments", {"body": body})
        done.append("commented")
    elif existing.get("body") != body:
        github.call("PATCH", f"/issues/comments/{int(existing['id'])}", {"body": body})
        done.append("updated the comment")
    else:
        done.append("comment already up to date")
    looser = status == LOOSER_STATUS
    if looser and LOOSER_LABEL not in labels:
        github.call("POST", f"/issues/{number}/labels", {"labels": [LOOSER_LABEL]})
        done.append(f"labelled {LOOSER_LABEL!r}")
    elif not looser and LOOSER_LABEL in labels:
        github.call("DELETE", f"/issues/{number}/labels/{urllib.parse.quote(LOOSER_LABEL)}")
        done.append(f"removed the label {LOOSER_LABEL!r}")
    return ", ".join(done)


def _event(path: str) -> tuple[int, list[str]]:
    try:
        event = json.loads(Path(path).read_text(encoding="utf-8"))
        pull = event["pull_request"]
        return int(pull["number"]), [str(label["name"]) for label in pull.get("labels", [])]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise CommentError(f"{path}: not a pull_request event ({error})") from None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--body", required=True, help="the Markdown diff to post")
    parser.add_argument("--status", type=int, required=True, help="handbook-policy diff's exit")
    args = parser.parse_args(argv)
    try:
        settings = {
            name: os.environ.get(name, "")
            for name in ("GITHUB_TOKEN", "GITHUB_REPOSITORY", "GITHUB_EVENT_PATH")
        }
        missing = [name for name, value in settings.items() if not value]
        if missing:
            raise CommentError(f"not set: {', '.join(missing)}")
        number, labels = _event(settings["GITHUB_EVENT_PATH"])
        github = GitHub(
            os.environ.get("GITHUB_API_URL", "https://api.github.com"),
            settings["GITHUB_TOKEN"],
            settings["GITHUB_REPOSITORY"],
        )
        body = Path(args.body).read_text(encoding="utf-8")
        print(f"pull request #{number}: {publish(github, number, body, labels, args.status)}")
    except (CommentError, OSError) as error:
        print(f"policy diff comment: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
