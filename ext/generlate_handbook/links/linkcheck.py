"""Sphinx's ``linkcheck`` builder, made strict: no stall, and no dead link called working.

Registered in place of Sphinx's own builder (same name, ``override=True``) by
:mod:`.sphinxext`. It changes exactly these things (Sphinx 9.0):

* **GET only.** Sphinx asks with ``HEAD`` and believes a success; a server may answer ``HEAD``
  and ``GET`` differently (200 to HEAD, 404 to GET), so every link is requested with ``GET``,
  the request a reader's browser makes (streamed: the body is read only for ``#anchor`` checks).
* **503 is broken.** Sphinx reports ``503 Service Unavailable`` as "ignored"; a 5xx fails.
* **Non-standard statuses are broken.** ``requests`` treats any status outside 400-599 as a
  success, so ``999`` (what some sites answer robots) was "working"; it is broken unless an
  allowlist entry covers the link (see :meth:`.allowlist.AllowlistEntry.accepts`).
* **429 waits are capped.** Sphinx caps only its own back-off: a numeric or dated
  ``Retry-After`` is honoured however long it is, and a host that keeps answering 429 with
  ``Retry-After: 1`` is asked again for ever. Here all the waiting for one host, from its first
  429 on, is bounded by ``linkcheck_rate_limit_timeout``: a wait that would pass it is not
  started, and the link (and every later link on that host, without a request) is reported
  broken with a reason starting ``rate-limited:``. Each wait is also at least twice the one
  before (1 s at first), so ``Retry-After: 0`` cannot turn the check into a tight loop.
* **Atomic reports.** ``output.json`` and ``output.txt`` are written to temporary files and
  renamed when complete: an interrupted run leaves none rather than half of one.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from requests.exceptions import HTTPError
from sphinx.builders.linkcheck import (
    CheckExternalLinksBuilder,
    HyperlinkAvailabilityChecker,
    HyperlinkAvailabilityCheckWorker,
    RateLimit,
    _Status,
)
from sphinx.util import logging

from generlate_handbook.links.allowlist import is_standard_status
from generlate_handbook.links.files import atomic_open
from generlate_handbook.links.report import RATE_LIMITED_PREFIX

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from requests import Response

logger = logging.getLogger(__name__)

#: The shortest wait before asking a host that answered 429 again; each wait at least doubles.
MIN_WAIT_SECONDS = 1.0


@dataclass
class _Throttled:
    """Rate-limit bookkeeping shared by the worker threads of one run."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    since: dict[str, float] = field(default_factory=dict)  #: host -> its first 429 in a row
    gave_up: dict[str, str] = field(default_factory=dict)  #: host -> why we stopped asking
    waits: dict[str, float] = field(default_factory=dict)  #: host -> its last wait, seconds


class StrictWorker(HyperlinkAvailabilityCheckWorker):
    """Sphinx's worker thread with the changes listed in the module docstring."""

    def __init__(self, *args: Any, throttled: _Throttled, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._throttled = throttled
        self._gave_up_now: str | None = None  # set by limit_rate, read by _check_uri (one thread)

    def _retrieval_methods(
        self, check_anchors: bool, anchor: str
    ) -> Iterator[tuple[Callable[..., Response], dict[str, bool]]]:
        yield self._get, {"stream": True}

    def _get(self, **kwargs: Any) -> Response:
        """GET, refusing the answers Sphinx would call working (999) or ignored (503)."""
        response = self._session.get(**kwargs)
        status = response.status_code
        if status == 503 or not is_standard_status(status):
            url, reason = response.url, response.reason or "not an HTTP status"
            response.close()
            if status == 503:
                response.raise_for_status()
            raise HTTPError(f"{status} Non-standard Status: {reason} for url: {url}")
        return response

    def _check_uri(self, uri: str, hyperlink: Any) -> tuple[Any, str, int]:
        host = urlsplit(uri).netloc
        with self._throttled.lock:
            gave_up = self._throttled.gave_up.get(host)
        if gave_up is not None:
            return _Status.BROKEN, gave_up, 0
        self._gave_up_now = None
        status, info, code = super()._check_uri(uri, hyperlink)
        if self._gave_up_now is not None:
            status, info, code = _Status.BROKEN, self._gave_up_now, 0
        elif status in {_Status.WORKING, _Status.REDIRECTED}:
            with self._throttled.lock:
                self._throttled.since.pop(host, None)
                self._throttled.waits.pop(host, None)
        return status, info, code

    def limit_rate(self, response_url: str, retry_after: str | None) -> float | None:
        """Sphinx's back-off, never sooner than twice the last wait (1 s at first), and the
        whole wait for a host within the cap; None (give up) past it."""
        host = urlsplit(response_url).netloc
        now = time.time()
        with self._throttled.lock:
            since = self._throttled.since.setdefault(host, now)
            previous = self._throttled.waits.get(host, 0.0)
        asked = super().limit_rate(response_url, retry_after)
        if asked is None or not math.isfinite(asked):
            return self._give_up(host, now - since, None)
        # Never sooner than the host asked; never a tight loop ("Retry-After: 0", a past date).
        next_check = max(asked, now + max(2 * previous, MIN_WAIT_SECONDS))
        if next_check - since > float(self.rate_limit_timeout):
            return self._give_up(host, now - since, next_check - now)
        with self._throttled.lock:
            self._throttled.waits[host] = next_check - now
            self.rate_limits[host] = RateLimit(next_check - now, next_check)
        return next_check

    def _give_up(self, host: str, waited: float, wait: float | None) -> None:
        """Stop asking ``host``: this link and every later one on it are rate-limited."""
        cap = float(self.rate_limit_timeout)
        more = f"; the next try would be in {wait:.0f} s" if wait is not None else ""
        reason = (
            f"{RATE_LIMITED_PREFIX}429 Too Many Requests after {waited:.0f} s of waiting{more}, "
            f"past linkcheck_rate_limit_timeout ({cap:g} s)"
        )
        with self._throttled.lock:
            self._throttled.gave_up[host] = reason
            # Release the links queued behind this host's wait: they are reported, not asked.
            self.rate_limits[host] = RateLimit(0.0, 0.0)
        self._gave_up_now = reason


class StrictChecker(HyperlinkAvailabilityChecker):
    """Sphinx's checker, running :class:`StrictWorker` threads."""

    def invoke_threads(self) -> None:
        throttled = _Throttled()
        for _ in range(self.num_workers):
            worker = StrictWorker(
                self.config, self.rqueue, self.wqueue, self.rate_limits, throttled=throttled
            )
            worker.start()
            self.workers.append(worker)


class StrictLinkcheckBuilder(CheckExternalLinksBuilder):
    """``-b linkcheck`` with :class:`StrictChecker` and atomic report files."""

    def finish(self) -> None:
        checker = StrictChecker(self.config)
        logger.info("")
        with (
            atomic_open(self.outdir / "output.txt") as self.txt_outfile,
            atomic_open(self.outdir / "output.json") as self.json_outfile,
        ):
            for result in checker.check(self.hyperlinks):
                self.process_result(result)
        if self.broken_hyperlinks or self.timed_out_hyperlinks:
            self._app.statuscode = 1
