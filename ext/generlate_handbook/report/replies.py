"""The optional replies file (``ticket_id,at,author``): the longest gap between an engineer's
replies on a ticket, computed in DuckDB (a window over each ticket's replies in time order)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
from numpy.typing import NDArray

from .tickets import REPLY_COLUMNS, TIME_PATTERN, YEARS, Problem, read_csv_table

NS = 1_000_000_000


@dataclass
class Replies:
    """Per ticket that has two agent replies or more: the longest gap between them (ns)."""

    ticket: NDArray[np.object_]
    longest_gap: NDArray[np.int64]
    skipped: list[Problem] = field(default_factory=list)
    skipped_rows: int = 0


def load_replies(path: Path) -> Replies:
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    problems = read_csv_table(con, path, REPLY_COLUMNS, "replies")
    found = con.execute(
        "SELECT line, col, reason FROM ("
        "SELECT line, 'ticket_id' AS col, 'empty ticket id' AS reason FROM replies "
        "WHERE coalesce(trim(ticket_id), '') = '' UNION ALL "
        "SELECT line, 'author', 'expected agent or customer' FROM replies "
        "WHERE author IS NULL OR author NOT IN ('agent', 'customer') UNION ALL "
        "SELECT line, 'at', 'expected an ISO 8601 time with a UTC offset' FROM replies "
        f'WHERE "at" IS NULL OR NOT regexp_matches("at", \'{TIME_PATTERN}\') '
        'OR try_cast("at" AS TIMESTAMPTZ) IS NULL '
        f'OR year(try_cast("at" AS TIMESTAMPTZ)) NOT BETWEEN {YEARS[0]} AND {YEARS[1]}'
        ") ORDER BY line"
    ).fetchall()
    problems += [Problem(str(path), int(line), col, reason) for line, col, reason in found]
    bad = {"line": np.array(sorted({p.line for p in problems}), dtype=np.int64)}  # noqa: F841
    arrays = con.execute(
        'SELECT ticket_id, max(gap) AS gap FROM (SELECT ticket_id, epoch_ns("at"::TIMESTAMPTZ) - '
        'lag(epoch_ns("at"::TIMESTAMPTZ)) OVER (PARTITION BY ticket_id ORDER BY '
        "\"at\"::TIMESTAMPTZ) AS gap FROM replies WHERE author = 'agent' AND line NOT IN "
        "(SELECT line FROM bad)) WHERE gap IS NOT NULL GROUP BY ticket_id ORDER BY ticket_id"
    ).fetchnumpy()
    return Replies(
        np.asarray(arrays["ticket_id"]).astype(object),
        np.asarray(arrays["gap"]).astype(np.int64),
        sorted(problems),
        len({problem.line for problem in problems}),
    )


def longest_gaps(
    replies: Replies, ids: NDArray[np.object_], owner: NDArray[np.intp], n: int
) -> NDArray[np.float64]:
    """Per owner (``owner[i]`` owns ticket ``ids[i]``): the longest gap in hours, NaN if none."""
    result = np.full(n, np.nan)
    if replies.ticket.size == 0 or ids.size == 0:
        return result
    order = np.argsort(ids)
    sorted_ids = ids[order]
    where = np.searchsorted(sorted_ids, replies.ticket)
    where = np.minimum(where, len(sorted_ids) - 1)
    known = sorted_ids[where] == replies.ticket
    owners = owner[order][where[known]]
    np.fmax.at(result, owners, replies.longest_gap[known] / (3600 * NS))
    return result
