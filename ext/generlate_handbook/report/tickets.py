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

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
from numpy.typing import NDArray

from ..policy.model import Policy

COLUMNS = (
    "id",
    "created_at",
    "plan",
    "severity",
    "type",
    "product",
    "customer",
    "assignee",
    "first_response_at",
    "resolved_at",
    "engineering_help",
)
REPLY_COLUMNS = ("ticket_id", "at", "author")
TYPES = ("question", "defect", "improvement")
NAT = np.iinfo(np.int64).min  # "has not happened"
MAX_FILE_BYTES = 4_000_000_000
MAX_PROBLEMS_LISTED = 1_000
# An ISO 8601 time with a date, a time and a real UTC offset (-14:59 to +14:59); a naive time is
# refused, never guessed.
TIME_PATTERN = (
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-](0\d|1[0-4]):?[0-5]\d)$"
)
YEARS = (2000, 2100)


class TicketInputError(Exception):
    """Input that cannot be read at all (a missing file, a wrong header): located, exit 2."""


@dataclass(frozen=True, order=True)
class Problem:
    """A skipped row: a CSV's file, line and column, or a JSON page and the ticket's key path."""

    file: str
    line: int  # 0 in JSON input: ``column`` is then a key path such as tickets[3].priority
    column: str
    reason: str
    row: int = field(default=0, compare=False)  # the row's position in the table read

    def __post_init__(self) -> None:
        if not self.row:
            object.__setattr__(self, "row", self.line)

    def __str__(self) -> str:
        if not self.line:
            return f"{self.file}: {self.column}: {self.reason}"
        return f"{self.file}:{self.line}:{self.column}: {self.reason}"


@dataclass(frozen=True)
class Column:
    """A column of names as codes into its sorted distinct names (what DuckDB's dense_rank
    gives), so grouping and counting are integer operations."""

    codes: NDArray[np.int32]
    names: NDArray[np.object_]

    def __getitem__(self, mask: NDArray[np.bool_]) -> Column:
        return Column(self.codes[mask], self.names)

    def __len__(self) -> int:
        return len(self.codes)

    def equals(self, name: str) -> NDArray[np.bool_]:
        where = np.flatnonzero(self.names == name)
        return self.codes == where[0] if where.size else np.zeros(len(self.codes), dtype=bool)

    def counts(self) -> NDArray[np.int64]:
        return np.bincount(self.codes, minlength=len(self.names))


CATEGORIES = ("plan", "severity", "type", "product", "customer", "assignee")


@dataclass
class Tickets:
    """One entry per ticket in every array; times are UTC nanoseconds, NAT when absent."""

    id: NDArray[np.object_]
    created: NDArray[np.int64]
    plan: Column
    severity: Column
    type: Column
    product: Column
    customer: Column
    assignee: Column
    first_response: NDArray[np.int64]
    resolved: NDArray[np.int64]
    engineering_help: NDArray[np.bool_]
    skipped: list[Problem] = field(default_factory=list)
    skipped_rows: int = 0

    def __len__(self) -> int:
        return len(self.id)


def _header(path: Path, expected: tuple[str, ...]) -> None:
    try:
        if not path.is_file():  # a folder, a named pipe or a device would block or mislead
            raise TicketInputError(f"{path}: not a regular file")
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
    data_lines = scan_lines(path)
    types = {name: "VARCHAR" for name in columns}
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {table}_raw AS SELECT * FROM read_csv(?, header=true, "
            f"all_varchar=true, auto_detect=false, delim=',', quote='\"', escape='\"', "
            f"store_rejects=true, rejects_table='{table}_rejects', rejects_scan='{table}_scans', "
            f"columns={types!r}, parallel=false)",
            [str(path)],
        )
    except duckdb.Error as error:  # e.g. mixed line endings, not UTF-8 at all
        reason = str(error).splitlines()[0].split(": ", 1)[-1]
        raise TicketInputError(f"{path}: not a CSV file that can be read ({reason})") from None
    rejected = con.execute(
        f"SELECT line, coalesce(column_name, ''), error_type FROM {table}_rejects ORDER BY line"
    ).fetchall()
    problems = [
        Problem(str(path), int(line), column or "-", _reject_reason(kind))
        for line, column, kind in rejected
    ]
    # Rows keep the file's order: a row's line is the n-th non-blank line not rejected.
    bad = np.array(sorted({p.line for p in problems}), dtype=np.int64)
    count = con.execute(f"SELECT count(*) FROM {table}_raw").fetchone()[0]  # type: ignore[index]
    lines = data_lines[~np.isin(data_lines, bad)]
    if len(lines) != count:
        raise TicketInputError(
            f"{path}: {count:,} rows read from {len(lines):,} lines of data;"
            " is a field split across lines?"
        )
    line_numbers = {"line": lines}  # noqa: F841 (DuckDB scans it by name)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {table} AS "
        f"SELECT * FROM {table}_raw POSITIONAL JOIN line_numbers"
    )
    return problems


def scan_lines(path: Path) -> NDArray[np.int64]:
    """The numbers of the lines holding rows (non-blank, after the header), from the bytes.

    One ticket is one line, so every line's quotes must pair up: a quote that does not close on
    its line would make the CSV reader swallow the lines after it, so that stops the run, with
    the lines, whatever ``--strict`` says.
    """
    data = np.fromfile(path, dtype=np.uint8)
    newlines = np.flatnonzero(data == ord("\n"))
    starts = np.concatenate(([0], newlines + 1))
    ends = np.concatenate((newlines, [len(data)]))
    if len(data) and data[-1] == ord("\n"):  # the last line's newline opens no line
        starts, ends = starts[:-1], ends[:-1]
    lengths = ends - starts
    last = np.maximum(ends - 1, 0)
    blank = (lengths == 0) | ((lengths == 1) & (data[last] == ord("\r")))
    quotes = np.bincount(
        np.searchsorted(newlines, np.flatnonzero(data == ord('"'))), minlength=len(starts)
    )[: len(starts)]
    odd = np.flatnonzero(quotes % 2 == 1) + 1
    if odd.size:
        where = ", ".join(map(str, odd[:10].tolist())) + (" …" if odd.size > 10 else "")
        raise TicketInputError(
            f"{path}:{odd[0]}: a quote that does not close on its line"
            f" (lines {where}); each ticket must be on one line"
        )
    return (np.flatnonzero(~blank) + 1)[1:].astype(np.int64)


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
        (
            "severity",
            f"severity IS NULL OR severity NOT IN ({severities})",
            "not a severity of the policy",
        ),
        (
            "type",
            f"type IS NULL OR type NOT IN ({types})",
            "expected question, defect or improvement",
        ),
        ("customer", "coalesce(trim(customer), '') = ''", "empty customer"),
        (
            "engineering_help",
            "engineering_help IS NULL OR lower(engineering_help) NOT IN ('true', 'false')",
            "expected true or false",
        ),
    ]
    for column in ("created_at", "first_response_at", "resolved_at"):
        rules.append(
            (
                column,
                f"{column} IS NOT NULL AND NOT {time_ok.replace('COLUMN', column)}",
                "expected an ISO 8601 time with a UTC offset, e.g. 2026-10-30T16:00:00-07:00",
            )
        )
        rules.append(
            (
                column,
                f"{column} IS NOT NULL AND {time_ok.replace('COLUMN', column)} AND "
                f"(try_cast({column} AS TIMESTAMPTZ) IS NULL OR year(try_cast({column} AS "
                f"TIMESTAMPTZ)) NOT BETWEEN {YEARS[0]} AND {YEARS[1]})",
                f"not a real time between {YEARS[0]} and {YEARS[1]}",
            )
        )
    for column in ("first_response_at", "resolved_at"):
        rules.append(
            (
                column,
                f"try_cast({column} AS TIMESTAMPTZ) < try_cast(created_at AS TIMESTAMPTZ)",
                "before the ticket was created",
            )
        )
    rules.append(
        (
            "id",
            "count(*) OVER (PARTITION BY id ORDER BY line ROWS UNBOUNDED PRECEDING) > 1",
            "a second ticket with this id",
        )
    )
    return rules


def find_problems(
    con: duckdb.DuckDBPyConnection, table: str, locate: Locate, rules: list[tuple[str, str, str]]
) -> list[Problem]:
    """Every rule over ``table`` in one scan: (line, column, reason) for each bad value."""
    cases = ", ".join(
        f"CASE WHEN {condition} THEN '{column}|{reason}' END" for column, condition, reason in rules
    )
    found = con.execute(
        f"SELECT line, problem FROM (SELECT line, unnest([{cases}]) AS problem FROM {table}) "
        "WHERE problem IS NOT NULL ORDER BY line, problem"
    ).fetchall()
    problems = []
    for line, problem in found:
        column, reason = problem.split("|", 1)
        problems.append(Problem(*locate(int(line), column), reason, row=int(line)))
    return problems


def load_tickets(path: Path, policy: Policy) -> Tickets:
    """The tickets of a reference CSV, and every row skipped with its reason."""
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    problems = read_csv_table(con, path, COLUMNS, "tickets")
    return tickets_from_table(con, policy, problems, lambda line, column: (str(path), line, column))


Locate = Callable[[int, str], tuple[str, int, str]]  # (row's line, column) -> file, line, column


def tickets_from_table(
    con: duckdb.DuckDBPyConnection, policy: Policy, problems: list[Problem], locate: Locate
) -> Tickets:
    """Check table ``tickets`` (the reference columns as text, plus ``line``) and read it."""
    rules = _rules(policy)
    window = [rule for rule in rules if "OVER" in rule[1]]
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE tickets AS SELECT *, {window[0][1]} AS dup FROM tickets"
    )
    rules = [rule for rule in rules if "OVER" not in rule[1]] + [
        (window[0][0], "dup", window[0][2])
    ]
    problems += find_problems(con, "tickets", locate, rules)
    bad_lines = sorted({problem.row for problem in problems})
    bad = {"line": np.array(bad_lines, dtype=np.int64)}  # noqa: F841 (DuckDB scans it)
    con.execute(
        "CREATE TEMP TABLE good AS SELECT * FROM tickets ANTI JOIN bad USING (line) ORDER BY line"
    )
    names: dict[str, list[str]] = {}
    for column in CATEGORIES:  # a hash of distinct values per column, no sort of the rows
        names[column] = sorted(
            row[0]
            for row in con.execute(f"SELECT DISTINCT coalesce({column}, '') FROM good").fetchall()
        )
        con.execute(f"CREATE TYPE {column}_names AS ENUM (SELECT unnest($n))", {"n": names[column]})
    codes = ", ".join(
        f"enum_code(coalesce({c}, '')::{c}_names)::INTEGER AS {c}" for c in CATEGORIES
    )
    arrays = con.execute(
        f"SELECT id, epoch_ns(created_at::TIMESTAMPTZ) AS created, {codes}, "
        f"coalesce(epoch_ns(first_response_at::TIMESTAMPTZ), {NAT}) AS first_response, "
        f"coalesce(epoch_ns(resolved_at::TIMESTAMPTZ), {NAT}) AS resolved, "
        "lower(engineering_help) = 'true' AS engineering_help FROM good ORDER BY line"
    ).fetchnumpy()
    fields: dict[str, object] = {name: _array(arrays[name]) for name in arrays}
    for column in CATEGORIES:
        fields[column] = Column(
            np.asarray(fields[column], dtype=np.int32), np.array(names[column], dtype=object)
        )
    tickets = Tickets(**fields)  # type: ignore[arg-type]
    tickets.skipped = sorted(problems)
    tickets.skipped_rows = len(bad_lines)
    return tickets


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
