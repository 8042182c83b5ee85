"""One report document from tickets: the shape every format renders (documented in README).

``{"report": {...}, "period": {...}, "months": [...], "engineers": [...], "kpis": {...},
"breaches": [...], "skipped": [...]}``: see :func:`build_report`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..policy.model import Policy
from . import aggregate
from .measures import NS, local_offsets, measure
from .replies import Replies
from .tickets import Problem, Tickets

SCHEMA = 1
DAY = 86_400 * NS


@dataclass(frozen=True)
class Period:
    first: date | None  # inclusive, in the working-hours zone
    last: date | None  # inclusive


def in_period(policy: Policy, tickets: Tickets, period: Period, as_of: int) -> NDArray[np.bool_]:
    """Tickets created in the period (local dates of the working-hours zone) and by ``as_of``."""
    mask = tickets.created <= as_of
    if period.first is None and period.last is None:
        return mask
    zone = policy.schedules["working-hours"].zone
    local_day = (tickets.created + local_offsets(tickets.created, zone)) // DAY
    epoch = date(1970, 1, 1).toordinal()
    if period.first is not None:
        mask &= local_day >= period.first.toordinal() - epoch
    if period.last is not None:
        mask &= local_day <= period.last.toordinal() - epoch
    return mask


def _subset(tickets: Tickets, mask: NDArray[np.bool_]) -> Tickets:
    fields = {
        name: getattr(tickets, name)[mask]
        for name in tickets.__dataclass_fields__
        if name not in {"skipped", "skipped_rows"}
    }
    return Tickets(**fields, skipped=tickets.skipped, skipped_rows=tickets.skipped_rows)


def _problems(problems: list[Problem]) -> list[dict[str, Any]]:
    return [
        {"file": p.file, "line": p.line, "column": p.column, "reason": p.reason} for p in problems
    ]


def build_report(
    policy: Policy,
    tickets: Tickets,
    *,
    as_of: int,
    period: Period,
    source: Path,
    replies: Replies | None = None,
) -> dict[str, Any]:
    """The whole report: team per month and over the period, engineers, KPIs, breaches."""
    chosen = _subset(tickets, in_period(policy, tickets, period, as_of))
    measured = measure(policy, chosen, as_of)
    everything = np.ones(len(chosen), dtype=bool)
    skipped = tickets.skipped + (replies.skipped if replies else [])
    return {
        "report": {
            "schema": SCHEMA,
            "source": source.name,
            "as_of": datetime.fromtimestamp(as_of // NS, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "from": period.first.isoformat() if period.first else None,
            "to": period.last.isoformat() if period.last else None,
            "tickets_read": len(tickets) + tickets.skipped_rows,
            "tickets": len(chosen),
            "skipped_rows": tickets.skipped_rows + (replies.skipped_rows if replies else 0),
            "months_in": "the working-hours schedule's zone",
        },
        "period": aggregate.team(policy, measured, everything),
        "months": aggregate.by_month(policy, measured),
        "engineers": aggregate.engineers(policy, measured, everything, replies),
        "kpis": aggregate.kpis(policy, measured, everything),
        "breaches": aggregate.breaches(measured),
        "skipped": _problems(skipped),
    }
