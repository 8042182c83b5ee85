"""Tickets in, as columns: the reference CSV read and checked by DuckDB, never row by row.

The reference format (one ticket per line, a header line first)::

    id,created_at,plan,severity,type,product,customer,assignee,first_response_at,resolved_at,engineering_help

Times are ISO 8601 with a UTC offset or ``Z`` (empty when it has not happened yet); ``plan`` and
``severity`` are the policy's ids; ``type`` is ``question``, ``defect`` or ``improvement``;
``engineering_help`` is ``true`` or ``false``. DuckDB's CSV reader puts every line it cannot
split into columns in its rejects table (with its line); every other problem (a bad time, an
unknown plan, a response before the ticket) is found by one SQL query per rule. Each skipped row
is reported as ``FILE:LINE:COLUMN: reason``; nothing is dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
from numpy.typing import NDArray

from ..policy.model import Policy

COLUMNS = (
    "id", "created_at", "plan", "severity", "type", "product", "customer", "assignee",
    "first_response_at", "resolved_at", "engineering_help",
)  # fmt: skip
REPLY_COLUMNS = ("ticket_id", "at", "author")
TYPES = ("question", "defect", "improvement")
NAT = np.iinfo(np.int64).min  # "has not happened"
MAX_FILE_BYTES = 4_000_000_000
MAX_PROBLEMS_LISTED = 1_000
# An ISO 8601 time with a date, a time and an offset (naive times are refused, never guessed).
TIME_PATTERN = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$"
YEARS = (2000, 2100)


class TicketInputError(Exception):
    """Input that cannot be read at all (a missing file, a wrong header): located, exit 2."""


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.reason}"


@dataclass
class Tickets:
    """One entry per ticket in every array; times are UTC nanoseconds, NAT when absent."""

    id: NDArray[np.object_]
    created: NDArray[np.int64]
    plan: NDArray[np.object_]
    severity: NDArray[np.object_]
    type: NDArray[np.object_]
    product: NDArray[np.object_]
    customer: NDArray[np.object_]
    assignee: NDArray[np.object_]
    first_response: NDArray[np.int64]
    resolved: NDArray[np.int64]
    engineering_help: NDArray[np.bool_]
    skipped: list[Problem] = field(default_factory=list)
    skipped_rows: int = 0

    def __len__(self) -> int:
        return len(self.id)


def _header(path: Path, expected: tuple[str, ...]) -> None:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise TicketInputError(f"{path}: larger than {MAX_FILE_BYTES:,} bytes")
        with path.open(encoding="utf-8", errors="replace") as stream:
            first = stream.readline(10_000).strip().lstrip("\ufeff")
    except OSError as error:
        raise TicketInputError(f"{path}: {error.strerror or error}") from None
    names = [name.strip() for name in first.split(",")]
    if tuple(names) != expected:
        missing = [name for name in expected if name not in names]
        extra = [name for name in names if name not in expected]
        detail = "; ".join(
            part
            for part in (
                f"missing {', '.join(missing)}" if missing else "",
                f"unknown {', '.join(extra)}" if extra else "",
                "columns out of order" if not missing and not extra else "",
            )
            if part
        )
        raise TicketInputError(f"{path}:1: the header must be {','.join(expected)} ({detail})")


def read_csv_table(
    con: duckdb.DuckDBPyConnection, path: Path, columns: tuple[str, ...], table: str
) -> list[Problem]:
    """``path`` as table ``table`` (all text, plus ``line``); lines DuckDB could not split."""
    _header(path, columns)
    types = {name: "VARCHAR" for name in columns}
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {table}_raw AS SELECT * FROM read_csv(?, header=true, "
        f"all_varchar=true, auto_detect=false, delim=',', quote='\"', escape='\"', "
        f"store_rejects=true, rejects_table='{table}_rejects', rejects_scan='{table}_scans', "
        f"columns={types!r}, parallel=false)",
        [str(path)],
    )
    rejected = con.execute(
        f"SELECT line, coalesce(column_name, ''), error_type FROM {table}_rejects ORDER BY line"
    ).fetchall()
    problems = [
        Problem(str(path), int(line), column or "-", _reject_reason(kind))
        for line, column, kind in rejected
    ]
    # Rows keep the file's order; a row's line is the n-th line that was not rejected.
    bad = np.array(sorted({p.line for p in problems}), dtype=np.int64)
    count = con.execute(f"SELECT count(*) FROM {table}_raw").fetchone()[0]  # type: ignore[index]
    lines = np.arange(2, 2 + count + len(bad), dtype=np.int64)
    lines = lines[~np.isin(lines, bad)][:count]
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT r.*, l.line FROM "
        f"(SELECT *, row_number() OVER () AS n FROM {table}_raw) r "
        f"JOIN (SELECT unnest($lines) AS line, generate_subscripts($lines, 1) AS n) l USING (n)",
        {"lines": lines.tolist()},
    )
    return problems


def _reject_reason(kind: str) -> str:
    return {
        "MISSING COLUMNS": "too few fields on this line",
        "TOO MANY COLUMNS": "too many fields on this line",
        "UNQUOTED VALUE": "a quote inside an unquoted field",
        "LINE SIZE OVER MAXIMUM": "line too long",
        "INVALID UNICODE": "not UTF-8 text",
    }.get(kind, kind.lower())


def _rules(policy: Policy) -> list[tuple[str, str, str]]:
    """(column, SQL condition that is TRUE for a bad value, reason) for the ticket table."""
    time_ok = f"regexp_matches(COLUMN, '{TIME_PATTERN}')"
    plans = ", ".join(f"'{plan}'" for plan in policy.plans)
    severities = ", ".join(f"'{sev}'" for sev in policy.severities)
    types = ", ".join(f"'{kind}'" for kind in TYPES)
    rules = [
        ("id", "coalesce(trim(id), '') = ''", "empty ticket id"),
        ("created_at", "created_at IS NULL", "empty: every ticket has a creation time"),
        ("plan", f"plan IS NULL OR plan NOT IN ({plans})", "not a plan of the policy"),
        ("severity", f"severity IS NULL OR severity NOT IN ({severities})",
         "not a severity of the policy"),
        ("type", f"type IS NULL OR type NOT IN ({types})",
         "expected question, defect or improvement"),
        ("customer", "coalesce(trim(customer), '') = ''", "empty customer"),
        ("engineering_help", "engineering_help IS NULL OR lower(engineering_help) NOT IN "
         "('true', 'false')", "expected true or false"),
    ]  # fmt: skip
    for column in ("created_at", "first_response_at", "resolved_at"):
        rules.append(
            (column, f"{column} IS NOT NULL AND NOT {time_ok.replace('COLUMN', column)}",
             "expected an ISO 8601 time with a UTC offset, e.g. 2026-10-30T16:00:00-07:00")
        )  # fmt: skip
        rules.append(
            (column, f"{column} IS NOT NULL AND {time_ok.replace('COLUMN', column)} AND "
             f"(try_cast({column} AS TIMESTAMPTZ) IS NULL OR year(try_cast({column} AS "
             f"TIMESTAMPTZ)) NOT BETWEEN {YEARS[0]} AND {YEARS[1]})",
             f"not a real time between {YEARS[0]} and {YEARS[1]}")
        )  # fmt: skip
    for column in ("first_response_at", "resolved_at"):
        rules.append(
            (column, f"try_cast({column} AS TIMESTAMPTZ) < try_cast(created_at AS TIMESTAMPTZ)",
             "before the ticket was created")
        )  # fmt: skip
    rules.append(("id", "count(*) OVER (PARTITION BY id ORDER BY line ROWS UNBOUNDED PRECEDING)"
                  " > 1", "a second ticket with this id"))  # fmt: skip
    return rules


def load_tickets(path: Path, policy: Policy) -> Tickets:
    """The tickets of a reference CSV, and every row skipped with its reason."""
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    problems = read_csv_table(con, path, COLUMNS, "tickets")
    checks = " UNION ALL ".join(
        f"SELECT line, '{column}' AS col, '{reason}' AS reason FROM "
        f"(SELECT *, {condition} AS bad FROM tickets) WHERE bad"
        for column, condition, reason in _rules(policy)
    )
    found = con.execute(f"SELECT line, col, reason FROM ({checks}) ORDER BY line, col").fetchall()
    problems += [Problem(str(path), int(line), col, reason) for line, col, reason in found]
    bad_lines = sorted({line for _, line, *_ in (astuple(p) for p in problems)})
    con.execute("CREATE TEMP TABLE bad AS SELECT unnest($b) AS line", {"b": bad_lines or [0]})
    arrays = con.execute(
        "SELECT id, epoch_ns(created_at::TIMESTAMPTZ) AS created, plan, severity, type, "
        "coalesce(product, '') AS product, customer, coalesce(assignee, '') AS assignee, "
        f"coalesce(epoch_ns(first_response_at::TIMESTAMPTZ), {NAT}) AS first_response, "
        f"coalesce(epoch_ns(resolved_at::TIMESTAMPTZ), {NAT}) AS resolved, "
        "lower(engineering_help) = 'true' AS engineering_help "
        "FROM tickets WHERE line NOT IN (SELECT line FROM bad) ORDER BY line"
    ).fetchnumpy()
    tickets = Tickets(**{name: _array(arrays[name]) for name in arrays})
    tickets.skipped = sorted(problems)
    tickets.skipped_rows = len(bad_lines)
    return tickets


def astuple(problem: Problem) -> tuple[str, int, str, str]:
    return problem.file, problem.line, problem.column, problem.reason


def _array(values: object) -> NDArray:  # type: ignore[type-arg]
    array = np.asarray(values)
    if array.dtype.kind in "OU":
        return array.astype(object)
    return array


def check_strict(tickets: Tickets) -> list[str]:
    """The problems as lines, at most :data:`MAX_PROBLEMS_LISTED` and a count of the rest."""
    lines = [str(problem) for problem in tickets.skipped[:MAX_PROBLEMS_LISTED]]
    rest = len(tickets.skipped) - len(lines)
    if rest > 0:
        lines.append(f"… and {rest:,} more problems")
    return lines

