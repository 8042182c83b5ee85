"""A small Zendesk REST client on :mod:`urllib.request`: bounded, polite, no redirects.

- the URL must be ``https://SUBDOMAIN.zendesk.com`` (loopback only with an explicit override,
  for tests against a fake API);
- credentials come from the environment only: ``ZENDESK_EMAIL`` + ``ZENDESK_API_TOKEN`` (basic
  authentication with ``{email}/token:{token}``, as Zendesk documents) or ``ZENDESK_OAUTH_TOKEN``;
- ``429 Too Many Requests`` (and ``503`` with ``Retry-After``) is retried after the
  ``Retry-After`` seconds Zendesk sends, at most :data:`MAX_RETRIES` times and never longer
  than :data:`MAX_WAIT` seconds a time;
- redirects are refused (they would carry the credentials elsewhere), answers are size-bounded.
"""

from __future__ import annotations

import base64
import json
import re
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.message import Message
from typing import IO, Any
from urllib.parse import urlsplit

MAX_RETRIES = 5
MAX_WAIT = 120.0
MAX_BYTES = 20 * 1024 * 1024
TIMEOUT = 30.0
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
_SUBDOMAIN = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.zendesk\.com")


class ZendeskError(Exception):
    """A problem talking to Zendesk (bad URL, missing credentials, an HTTP error)."""


def validate_url(url: str, allow_loopback: bool = False) -> str:
    """The API's base URL (scheme and host) or :class:`ZendeskError`."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    clean = (
        not parts.username
        and not parts.password
        and not parts.query
        and not parts.fragment
        and parts.path in ("", "/")
    )
    if allow_loopback and host in LOOPBACK and parts.scheme in ("http", "https") and clean:
        return f"{parts.scheme}://{parts.netloc}"
    if parts.scheme == "https" and clean and parts.port is None and _SUBDOMAIN.fullmatch(host):
        return f"https://{host}"
    raise ZendeskError(
        f"{url!r} is not a Zendesk address: expected https://SUBDOMAIN.zendesk.com"
        " (no path, port, query or credentials)"
    )


def credentials(env: Mapping[str, str]) -> str:
    """The ``Authorization`` header value from the environment; never from arguments or files."""
    oauth = env.get("ZENDESK_OAUTH_TOKEN", "").strip()
    email = env.get("ZENDESK_EMAIL", "").strip()
    token = env.get("ZENDESK_API_TOKEN", "").strip()
    if oauth:
        value = f"Bearer {oauth}"
    elif email and token:
        value = "Basic " + base64.b64encode(f"{email}/token:{token}".encode()).decode("ascii")
    else:
        raise ZendeskError(
            "no Zendesk credentials: set ZENDESK_EMAIL and ZENDESK_API_TOKEN (or"
            " ZENDESK_OAUTH_TOKEN) in the environment"
        )
    if any(ch in value for ch in "\r\n\0"):
        raise ZendeskError("the Zendesk credentials contain a line break")
    return value


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: Message,
        newurl: str,
    ) -> urllib.request.Request | None:
        raise urllib.error.HTTPError(
            req.full_url, code, f"redirect to {newurl} refused", headers, fp
        )


@dataclass
class Client:
    base: str
    authorization: str
    sleep: Callable[[float], None] = time.sleep
    max_retries: int = MAX_RETRIES
    max_wait: float = MAX_WAIT
    writes: int = 0
    log: list[str] = field(default_factory=list)
    _opener: urllib.request.OpenerDirector = field(
        default_factory=lambda: urllib.request.build_opener(_NoRedirect), repr=False
    )

    def get(self, path: str) -> Any:
        return self.send("GET", path)

    def send(self, method: str, path: str, body: object = None) -> Any:
        """One API call; JSON in, JSON out (``None`` for an empty answer)."""
        if method != "GET":
            self.writes += 1
        data = None if body is None else json.dumps(body).encode("utf-8")
        for attempt in range(self.max_retries + 1):
            request = urllib.request.Request(
                self.base + path,
                data=data,
                method=method,
                headers={
                    "Authorization": self.authorization,
                    "Accept": "application/json",
                    "Content-Type": "application/json",
                    "User-Agent": "handbook-policy (generlate handbook)",
                },
            )
            try:
                with self._opener.open(request, timeout=TIMEOUT) as response:
                    raw = response.read(MAX_BYTES + 1)
            except urllib.error.HTTPError as error:
                wait = self._retry_after(error, attempt, method, path)
                if wait is None:
                    raise ZendeskError(
                        f"{method} {path}: HTTP {error.code}: {_detail(error)}"
                    ) from None
                self.log.append(f"{method} {path}: HTTP {error.code}, retrying in {wait:g} s")
                self.sleep(wait)
                continue
            except (urllib.error.URLError, OSError) as error:
                reason = getattr(error, "reason", error)
                raise ZendeskError(f"{method} {path}: cannot reach {self.base}: {reason}") from None
            if len(raw) > MAX_BYTES:
                raise ZendeskError(f"{method} {path}: answer larger than {MAX_BYTES} bytes")
            try:
                return json.loads(raw) if raw.strip() else None
            except (json.JSONDecodeError, RecursionError):
                raise ZendeskError(f"{method} {path}: the answer is not JSON it can use") from None
        raise ZendeskError(f"{method} {path}: still rate-limited after {self.max_retries} retries")

    def _retry_after(
        self, error: urllib.error.HTTPError, attempt: int, method: str, path: str
    ) -> float | None:
        header = error.headers.get("Retry-After") if error.headers else None
        if error.code not in (429, 503) or (error.code == 503 and header is None):
            return None
        if attempt >= self.max_retries:
            raise ZendeskError(
                f"{method} {path}: still rate-limited (HTTP {error.code}) after"
                f" {self.max_retries} retries"
            )
        try:
            wait = max(0.0, float(header)) if header is not None else 60.0
        except ValueError:
            wait = 60.0
        if wait > self.max_wait:
            raise ZendeskError(
                f"{method} {path}: Zendesk asks to wait {wait:g} s (Retry-After), longer than"
                f" the {self.max_wait:g} s this tool waits; try again later"
            )
        return wait


def _detail(error: urllib.error.HTTPError) -> str:
    try:
        body = error.read(4096).decode("utf-8", "replace")
    except (OSError, AttributeError):
        return str(error.reason)
    try:
        data = json.loads(body)
        text = json.dumps(
            data.get("details") or data.get("description") or data.get("error") or data
        )
    except (json.JSONDecodeError, AttributeError, RecursionError):
        text = body
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    return text[:300] or str(error.reason)
