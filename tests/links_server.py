"""A real HTTP server on 127.0.0.1 (port 0, a thread) answering the ways links go bad.

Besides the ordinary cases: a page alive to HEAD and gone to GET, 503, the non-standard 999,
a host that always answers 429 (``Retry-After: 1``) or asks for 400 s, and one that hangs.
"""

from __future__ import annotations

import contextlib
import threading
from collections import Counter, defaultdict
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import urlsplit

#: How long /slow takes to answer; the tests set a shorter linkcheck_timeout.
SLOW_SECONDS = 2.5
#: How long /hang holds a request at most (a test interrupts the check meanwhile).
HANG_SECONDS = 30

PAGE = b"<!doctype html><html><body><h1 id='top'>Page</h1><h2 id='present'>Here</h2></body></html>"


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def do_GET(self) -> None:
        self._answer(body=True)

    def _answer(self, *, body: bool) -> None:
        path = urlsplit(self.path).path
        with self.server.lock:
            self.server.hits[path] += 1
            self.server.methods[path].append(self.command)
            hits = self.server.hits[path]
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._route(path, hits, body=body)  # the client may give up (the time-out case)

    def _route(self, path: str, hits: int, *, body: bool) -> None:
        match path:
            case "/head-only":  # alive to HEAD, gone to GET: what a reader gets is the GET
                self._send(HTTPStatus.OK if not body else HTTPStatus.NOT_FOUND, body=body)
            case "/unavailable":
                self._send(HTTPStatus.SERVICE_UNAVAILABLE, body=body)
            case "/robots-999":
                self._send(999, body=body)
            case "/always-429":
                self._send(HTTPStatus.TOO_MANY_REQUESTS, {"Retry-After": "1"}, body=body)
            case "/retry-0":
                self._send(HTTPStatus.TOO_MANY_REQUESTS, {"Retry-After": "0"}, body=body)
            case "/retry-400":
                self._send(HTTPStatus.TOO_MANY_REQUESTS, {"Retry-After": "400"}, body=body)
            case "/hang":  # answers only when the server stops: a link still being checked
                if not self.server.stopping.wait(HANG_SECONDS):
                    self._send(HTTPStatus.OK, body=body)
            case "/ok" | "/ok2" | "/anchors" | "/private/page":
                self._send(HTTPStatus.OK, body=body)
            case "/missing" | "/private/gone":
                self._send(HTTPStatus.NOT_FOUND, body=body)
            case "/error":
                self._send(HTTPStatus.INTERNAL_SERVER_ERROR, body=body)
            case "/old":
                self._send(HTTPStatus.MOVED_PERMANENTLY, {"Location": "/ok"}, body=body)
            case "/moved-gone":
                self._send(HTTPStatus.FOUND, {"Location": "/missing"}, body=body)
            case "/busy":
                if hits == 1:
                    self._send(HTTPStatus.TOO_MANY_REQUESTS, {"Retry-After": "1"}, body=body)
                else:
                    self._send(HTTPStatus.OK, body=body)
            case "/slow":
                if self.server.stopping.wait(SLOW_SECONDS):
                    return
                self._send(HTTPStatus.OK, body=body)
            case "/private/dashboard":
                self._send(HTTPStatus.FOUND, {"Location": "/sign-in?next=dashboard"}, body=body)
            case "/sign-in":
                self._send(HTTPStatus.OK, body=body)
            case "/private/report":
                self._send(HTTPStatus.UNAUTHORIZED, {"WWW-Authenticate": "Basic"}, body=body)
            case _:
                self._send(HTTPStatus.NOT_FOUND, body=body)

    def _send(
        self, status: HTTPStatus | int, headers: dict[str, str] | None = None, *, body: bool
    ) -> None:
        phrase = status.phrase if isinstance(status, HTTPStatus) else "Request denied"
        content = PAGE if status == HTTPStatus.OK else phrase.encode()
        self.send_response(status, phrase)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        if body:
            self.wfile.write(content)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.hits: Counter[str] = Counter()
        self.methods: defaultdict[str, list[str]] = defaultdict(list)
        self.stopping = threading.Event()

    def handle_error(self, request: object, client_address: object) -> None:
        """Quiet: clients that time out close the connection under us."""


class LinkServer:
    """``with LinkServer() as server:`` ... ``server.url("/ok")``, ``server.hits["/ok"]``."""

    def __init__(self) -> None:
        self._server = _Server()
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        """``http://127.0.0.1:PORT``."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        """The URL of ``path`` on this server."""
        return self.base + path

    @property
    def methods(self) -> dict[str, list[str]]:
        """The HTTP methods of the requests per path so far, in order."""
        with self._server.lock:
            return {path: list(methods) for path, methods in self._server.methods.items()}

    @property
    def hits(self) -> Counter[str]:
        """Requests (HEAD and GET) per path so far."""
        with self._server.lock:
            return Counter(self._server.hits)

    def reset(self) -> None:
        """Forget the hit counts (and so the 429-once state)."""
        with self._server.lock:
            self._server.hits.clear()
            self._server.methods.clear()

    def __enter__(self) -> LinkServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
