"""A Sphinx extension the build benchmark adds to its synthetic handbooks: it counts pages.

``read`` counts documents Sphinx read (``env-before-read-docs``), ``written`` the documents
written as HTML pages (``html-page-context`` for a document, not search or genindex).
``read_ms`` and ``write_ms`` are the median CPU milliseconds between one page and the next while
reading (``source-read``) and writing (``html-page-context``): a page's own cost, robust to a
burst of load on the machine. All go, as JSON, to the file named by ``$BENCH_PROBE`` when the
build finishes. The benchmark builds serially, so the events all fire in the main process.
"""

from __future__ import annotations

import itertools
import json
import os
import statistics
import time
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx


def median_step_ms(times: list[float]) -> float:
    steps = [later - earlier for earlier, later in itertools.pairwise(times)]
    return statistics.median(steps) * 1000 if steps else 0.0


def setup(app: Sphinx) -> dict[str, Any]:
    counts = {"read": 0, "written": 0}
    reads: list[float] = []
    writes: list[float] = []

    def before_read(_app: Sphinx, _env: object, docnames: list[str]) -> None:
        counts["read"] += len(docnames)

    def source(_app: Sphinx, _docname: str, _content: object) -> None:
        reads.append(time.process_time())

    def page(_app: Sphinx, pagename: str, _template: str, _ctx: object, doctree: object) -> None:
        if doctree is not None:
            counts["written"] += 1
            writes.append(time.process_time())

    def finished(_app: Sphinx, exception: Exception | None) -> None:
        target = os.environ.get("BENCH_PROBE")
        if target and exception is None:
            result = counts | {"read_ms": median_step_ms(reads), "write_ms": median_step_ms(writes)}
            Path(target).write_text(json.dumps(result), "utf-8")

    app.connect("env-before-read-docs", before_read)
    app.connect("source-read", source)
    app.connect("html-page-context", page)
    app.connect("build-finished", finished)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
