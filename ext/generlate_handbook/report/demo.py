"""Synthetic tickets in the reference CSV format, generated as arrays (NumPy) and written by DuckDB.

Realistic enough to try the report on: arrivals by hour of the week in customers' own time zones
(US, Europe, Asia), weekends quieter, a severity and plan mix, response and resolution times with
a tail that breaches, both daylight-saving changes of the year, a few engineers with uneven load,
about one case in ten needing engineering help, a few tickets still open at the end.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import numpy as np
from numpy.typing import NDArray

from ..policy.model import Policy

HOUR = 3_600_000_000_000  # nanoseconds
ZONES = ("America/New_York", "America/Los_Angeles", "Europe/London", "Europe/Berlin", "Asia/Tokyo")
ZONE_WEIGHTS = (0.3, 0.25, 0.2, 0.15, 0.1)
TYPES = (("question", 0.55), ("defect", 0.35), ("improvement", 0.10))
PRODUCTS = (("api", 0.3), ("web", 0.25), ("sync", 0.2), ("reports", 0.15), ("auth", 0.1))
ENGINEERS = (
    ("alex", 0.28),
    ("blair", 0.22),
    ("casey", 0.18),
    ("devon", 0.14),
    ("emery", 0.1),
    ("finley", 0.08),
)
# Local arrival weight by hour of day: mostly office hours.
HOUR_WEIGHTS = np.array(
    [1, 1, 1, 1, 1, 2, 4, 8, 14, 16, 16, 15, 13, 15, 16, 15, 13, 9, 6, 4, 3, 2, 2, 1], dtype=float
)
CUSTOMERS = 400
MAX_COUNT = 20_000_000


def _choice(rng: np.random.Generator, table: tuple[tuple[str, float], ...], n: int) -> NDArray:
    names = np.array([name for name, _ in table], dtype=object)
    weights = np.array([weight for _, weight in table])
    return names[rng.choice(len(names), size=n, p=weights / weights.sum())]


def _offsets(zone: str, year: int) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """UTC hour starts of the year (and a day around it) and the zone's offset at each."""
    start = datetime(year, 1, 1, tzinfo=UTC) - timedelta(days=1)
    hours = 24 * 368
    info = ZoneInfo(zone)
    instants = np.array([int((start + timedelta(hours=h)).timestamp()) for h in range(hours)])
    offsets = np.array(
        [
            int((start + timedelta(hours=h)).astimezone(info).utcoffset().total_seconds())  # type: ignore[union-attr]
            for h in range(hours)
        ]
    )
    return instants * 1_000_000_000, offsets * 1_000_000_000


def _local_to_utc(local_ns: NDArray[np.int64], zone: str, year: int) -> NDArray[np.int64]:
    instants, offsets = _offsets(zone, year)
    guess = local_ns - offsets[len(offsets) // 2]
    index = np.clip(np.searchsorted(instants, guess, side="right") - 1, 0, len(instants) - 1)
    return local_ns - offsets[index]


def _arrivals(rng: np.random.Generator, n: int, year: int) -> NDArray[np.int64]:
    """Creation instants (UTC ns): a day of the year, weekdays busier, an hour by weight."""
    days = 365
    day_weights = np.ones(days)
    first = datetime(year, 1, 1).weekday()
    weekday = (np.arange(days) + first) % 7
    day_weights[weekday >= 5] = 0.15
    day = rng.choice(days, size=n, p=day_weights / day_weights.sum())
    hour = rng.choice(24, size=n, p=HOUR_WEIGHTS / HOUR_WEIGHTS.sum())
    minute = rng.integers(0, 60, size=n)
    epoch = int(datetime(year, 1, 1, tzinfo=UTC).timestamp()) * 1_000_000_000
    local = epoch + day * 24 * HOUR + hour * HOUR + minute * 60_000_000_000
    zone = rng.choice(len(ZONES), size=n, p=np.array(ZONE_WEIGHTS))
    created = np.empty(n, dtype=np.int64)
    for index, name in enumerate(ZONES):  # one vectorised conversion per zone
        mask = zone == index
        created[mask] = _local_to_utc(local[mask], name, year)
    return created


def _delays(rng: np.random.Generator, median_hours: NDArray, sigma: float) -> NDArray[np.int64]:
    hours = rng.lognormal(np.log(median_hours), sigma)
    return (hours * HOUR).astype(np.int64)


def demo_tickets(policy: Policy, count: int, seed: int, year: int) -> dict[str, NDArray]:
    """``count`` tickets created in ``year``, as columns of the reference format."""
    if not 1 <= count <= MAX_COUNT:
        raise ValueError(f"--count must be between 1 and {MAX_COUNT:,}")
    rng = np.random.default_rng(seed)
    plans = np.array(list(policy.plans), dtype=object)
    severities = np.array(list(policy.severities), dtype=object)
    created = np.sort(_arrivals(rng, count, year))
    severity_index = rng.choice(len(severities), size=count, p=_front_weighted(len(severities)))
    urgent = severity_index == 0
    response = created + _delays(rng, np.where(urgent, 0.5, 1.2), 1.3)
    resolution = response + _delays(rng, np.where(urgent, 30.0, 90.0), 1.0)
    end = int(datetime(year + 1, 1, 1, tzinfo=UTC).timestamp()) * 1_000_000_000
    response_missing = (rng.random(count) < 0.01) | (response > end)
    resolution_missing = (rng.random(count) < 0.03) | (resolution > end) | response_missing
    nat = np.iinfo(np.int64).min
    return {
        "id": np.char.add("T", np.arange(1, count + 1).astype(str)).astype(object),
        "created": created,
        "plan": plans[rng.choice(len(plans), size=count)],
        "severity": severities[severity_index],
        "type": _choice(rng, TYPES, count),
        "product": _choice(rng, PRODUCTS, count),
        "customer": np.char.add(
            "customer-", np.char.zfill((rng.zipf(1.3, size=count) % CUSTOMERS).astype(str), 3)
        ).astype(object),
        "assignee": _engineers(rng, count),
        "first_response": np.where(response_missing, nat, response),
        "resolved": np.where(resolution_missing, nat, resolution),
        "engineering_help": rng.random(count) < 0.1,
    }


def _engineers(rng: np.random.Generator, count: int) -> NDArray:
    """About one new case per engineer per working day (250 a year), unevenly spread."""
    extra = max(0, round(count / 250) - len(ENGINEERS))
    names = [name for name, _ in ENGINEERS] + [f"cse-{i:04d}" for i in range(1, extra + 1)]
    weights = rng.dirichlet(np.full(len(names), 4.0))
    return np.array(names, dtype=object)[rng.choice(len(names), size=count, p=weights)]


def _front_weighted(n: int) -> NDArray:
    weights = np.array([1.0] + [4.0] * (n - 1)) if n > 1 else np.ones(1)
    return weights / weights.sum()


def write_csv(columns: dict[str, NDArray], out: Path) -> None:
    """The columns as the reference CSV, written by DuckDB (atomically: temp file, rename)."""
    frame = {name: values for name, values in columns.items()}  # noqa: F841 (DuckDB reads it)
    out.parent.mkdir(parents=True, exist_ok=True)
    temp = out.with_name(f".{out.name}.tmp")
    time = "strftime(make_timestamp({c} // 1000), '%Y-%m-%dT%H:%M:%SZ')"
    nat = np.iinfo(np.int64).min
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute(
        f"COPY (SELECT id, {time.format(c='created')} AS created_at, plan, severity, type, "
        "product, customer, assignee, "
        f"CASE WHEN first_response = {nat} THEN NULL ELSE {time.format(c='first_response')} END "
        "AS first_response_at, "
        f"CASE WHEN resolved = {nat} THEN NULL ELSE {time.format(c='resolved')} END "
        "AS resolved_at, "
        "CASE WHEN engineering_help THEN 'true' ELSE 'false' END AS engineering_help "
        f"FROM frame) TO '{_sql_path(temp)}' (HEADER, DELIMITER ',')"
    )
    temp.replace(out)


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def demo_replies(columns: dict[str, NDArray], seed: int) -> dict[str, NDArray]:
    """Agent and customer replies for each answered ticket: the first at its first response,
    then a few more spaced hours apart (a tail of long gaps), none after resolution."""
    rng = np.random.default_rng(seed + 1)
    nat = np.iinfo(np.int64).min
    answered = np.flatnonzero(columns["first_response"] != nat)
    per_ticket = rng.poisson(2.0, size=answered.size) + 1
    ticket = np.repeat(answered, per_ticket)
    gaps = _delays(rng, np.full(ticket.size, 6.0), 1.2)
    group_start = np.repeat(np.cumsum(per_ticket) - per_ticket, per_ticket)
    gaps[np.arange(ticket.size) == group_start] = 0  # the first reply is the first response
    cumulative = np.cumsum(gaps)
    offset = cumulative - np.repeat(cumulative[np.cumsum(per_ticket) - per_ticket], per_ticket)
    at = columns["first_response"][ticket] + offset
    resolved = columns["resolved"][ticket]
    keep = (resolved == nat) | (at <= resolved)
    author = np.where(rng.random(ticket.size) < 0.7, "agent", "customer").astype(object)
    author[np.arange(ticket.size) == group_start] = "agent"
    return {"ticket_id": columns["id"][ticket][keep], "at": at[keep], "author": author[keep]}


def write_replies_csv(replies: dict[str, NDArray], out: Path) -> None:
    frame = replies  # noqa: F841 (DuckDB reads it)
    out.parent.mkdir(parents=True, exist_ok=True)
    temp = out.with_name(f".{out.name}.tmp")
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute(
        'COPY (SELECT ticket_id, strftime(make_timestamp("at" // 1000), '
        "'%Y-%m-%dT%H:%M:%SZ') AS \"at\", author FROM frame)"
        f" TO '{_sql_path(temp)}' (HEADER, DELIMITER ',')"
    )
    temp.replace(out)
