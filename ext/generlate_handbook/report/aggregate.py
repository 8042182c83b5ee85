"""The handbook's success measures from measured tickets: team, engineers, KPIs, breaches.

Every figure is computed over arrays (``np.unique`` + ``np.bincount``); the result is plain data
(dicts, lists, numbers) in the report's documented JSON shape, which every renderer reads.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..clock import Schedule, index, is_open_many, schedule_for
from ..policy.model import Policy
from ..policy.units import Duration
from ..policy.zones import reader_name
from ..wording import format_count, format_percentage, format_value
from .measures import BREACHED, MET, NS, PENDING, Measured, Target, local_offsets
from .replies import Replies, longest_gaps
from .tickets import NAT, Column

HOUR = 3600 * NS
TOP_CUSTOMERS = 10


def _attainment(target: Target, mask: NDArray[np.bool_], goal: str | None) -> dict[str, Any]:
    verdict = target.verdict[mask]
    met, breached = int((verdict == MET).sum()), int((verdict == BREACHED).sum())
    return {
        "met": met,
        "breached": breached,
        "pending": int((verdict == PENDING).sum()),
        "attainment": round(met / (met + breached), 6) if met + breached else None,
        "target": goal,
    }


def _ratio(value: Any) -> float:
    return float(value.value) / 100


def _missed(figure: dict[str, Any], goal: float) -> bool:
    return figure["attainment"] is not None and figure["attainment"] < goal


def team(policy: Policy, m: Measured, mask: NDArray[np.bool_]) -> dict[str, Any]:
    """The team's figures over the tickets in ``mask``, each against its target."""
    goals = policy.internal.attainment
    response = _attainment(m.response, mask, format_percentage(goals.sla_response))
    resolution = _attainment(m.resolution, mask, format_percentage(goals.sla_resolution))
    count = int(mask.sum())
    help_count = int(m.tickets.engineering_help[mask].sum())
    limit = policy.internal.engineering_help.at_most
    share = help_count / count if count else None
    resolved = mask & (m.tickets.resolved != NAT) & (m.tickets.resolved <= m.as_of)
    hours = (m.tickets.resolved[resolved] - m.tickets.created[resolved]) / HOUR
    average = float(hours.mean()) if hours.size else None
    goal_hours = policy.internal.resolution.average_within.fixed().total_seconds() / 3600
    internal = _attainment(
        m.internal,
        mask,
        format_value(
            policy, policy.internal.first_response.within, policy.internal.first_response.clock
        ),
    )
    misses = [
        name
        for name, missed in (
            ("sla_response", _missed(response, _ratio(goals.sla_response))),
            ("sla_resolution", _missed(resolution, _ratio(goals.sla_resolution))),
            ("engineering_help", share is not None and share > _ratio(limit)),
            ("average_resolution", average is not None and average > goal_hours),
        )
        if missed
    ]
    return {
        "tickets": count,
        "sla_response": response,
        "sla_resolution": resolution,
        "engineering_help": {
            "count": help_count,
            "share": _round(share),
            "limit": format_percentage(limit),
        },
        "internal_first_response": internal,
        "average_resolution": {
            "hours": _round(average),
            "resolved": int(resolved.sum()),
            "goal_hours": goal_hours,
        },
        "missed": misses,
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def by_month(policy: Policy, m: Measured) -> list[dict[str, Any]]:
    return [
        {"month": str(name), **team(policy, m, m.month.codes == code)}
        for code, name in enumerate(m.month.names)
    ]


def iso_array(ns: NDArray[np.int64]) -> list[str | None]:
    """ISO 8601 UTC strings (``…Z``) for an array of instants; None where NAT."""
    text = np.datetime_as_string(ns.astype("datetime64[ns]").astype("datetime64[s]"), unit="s")
    return [
        None if value == NAT else f"{string}Z"
        for value, string in zip(ns.tolist(), text, strict=True)
    ]


def breaches(m: Measured) -> list[dict[str, Any]]:
    """Every breach, ticket by ticket: which target, due when, happened when, how late."""
    columns: dict[str, list[Any]] = {
        "ticket": [],
        "target": [],
        "due": [],
        "happened": [],
        "hours_late": [],
    }
    for target in (m.response, m.resolution, m.internal):
        index = np.flatnonzero(target.verdict == BREACHED)
        happened = target.happened[index]
        happened = np.where((happened != NAT) & (happened <= m.as_of), happened, NAT)
        late = (np.where(happened == NAT, m.as_of, happened) - target.due[index]) / HOUR
        columns["ticket"] += m.tickets.id[index].tolist()
        columns["target"] += [target.name] * len(index)
        columns["due"] += iso_array(target.due[index])
        columns["happened"] += iso_array(happened)
        columns["hours_late"] += np.round(late, 2).tolist()
    keys = list(columns)
    return [dict(zip(keys, row, strict=True)) for row in zip(*columns.values(), strict=True)]


def kpis(policy: Policy, m: Measured, mask: NDArray[np.bool_]) -> dict[str, Any]:
    t = m.tickets
    count = int(mask.sum())
    per_customer = t.customer[mask].counts()
    customers = t.customer.names
    order = np.argsort(-per_customer, kind="stable")[:TOP_CUSTOMERS]
    order = order[per_customer[order] > 0]
    regions = {}
    inside_any = np.zeros(count, dtype=bool)
    created = t.created[mask]
    for region_id, spec in policy.regions.items():
        inside = is_open_many(created, Schedule.from_spec(spec)) if count else inside_any
        inside_any |= inside
        regions[region_id] = {"name": spec.name, "tickets": int(inside.sum())}
    return {
        "volume": count,
        "by_type": _shares(t.type[mask]),
        "by_product": _shares(t.product[mask]),
        "average_cases_per_customer": round(count / int((per_customer > 0).sum()), 6)
        if count
        else None,
        "top_customers": [
            {"customer": str(customers[i]), "tickets": int(per_customer[i])} for i in order
        ],
        "regions": regions,
        "outside_regions": int((~inside_any).sum()),
        "hour_of_week": hour_of_week(policy, created),
    }


def hour_of_week(policy: Policy, created: NDArray[np.int64]) -> dict[str, Any]:
    """Tickets by local hour of the week (Monday 00:00 = 0) in the working-hours zone, and for
    each region whether it is open in that hour (in the week of the first ticket)."""
    spec = policy.schedules["working-hours"]
    local = created + local_offsets(created, spec.zone)
    slot = ((local // (24 * HOUR) + 3) % 7) * 24 + (local // HOUR) % 24  # 1970-01-01: Thursday
    counts = np.bincount(slot.astype(np.int64), minlength=168)
    open_in: dict[str, list[bool]] = {}
    if created.size:
        monday = (int(local.min()) // (24 * HOUR) - (int(local.min()) // (24 * HOUR) + 3) % 7) * (
            24 * HOUR
        )
        hours = monday + np.arange(168, dtype=np.int64) * HOUR
        week = hours - local_offsets(hours, spec.zone)  # the local hours, as UTC instants
        middle = week + HOUR // 2
        for region_id, region in policy.regions.items():
            open_in[region_id] = is_open_many(middle, Schedule.from_spec(region)).tolist()
    return {"zone": reader_name(spec.zone), "tickets": counts.tolist(), "regions_open": open_in}


def _shares(values: Column) -> dict[str, dict[str, float | int]]:
    counts = values.counts()
    total = int(counts.sum())
    return {
        str(name): {"tickets": int(n), "share": round(int(n) / total, 6)}
        for name, n in zip(values.names, counts, strict=True)
        if n
    }


def engineers(
    policy: Policy, m: Measured, mask: NDArray[np.bool_], replies: Replies | None
) -> list[dict[str, Any]]:
    """Per assignee, over the period: each figure against the individual target."""
    t = m.tickets
    individual = policy.individual
    names, inverse = t.assignee.names, t.assignee.codes[mask]
    n = len(names)
    work_days = _working_days(policy, t.created[mask])
    fr_index = np.flatnonzero(mask)
    first = m.internal.verdict[fr_index]  # the individual first response shares that clock
    met = np.bincount(inverse, weights=first == MET, minlength=n)
    judged = np.bincount(inverse, weights=(first == MET) | (first == BREACHED), minlength=n)
    resolved = (t.resolved[mask] != NAT) & (t.resolved[mask] <= m.as_of)
    hours = np.where(resolved, (t.resolved[mask] - t.created[mask]) / HOUR, 0.0)
    resolution_sum = np.bincount(inverse, weights=hours, minlength=n)
    resolution_count = np.bincount(inverse, weights=resolved, minlength=n)
    active = _most_active(inverse, n, t.created[mask], t.resolved[mask], m.as_of)
    gaps = longest_gaps(replies, t.id[mask], inverse, n) if replies is not None else None
    cases = np.bincount(inverse, minlength=n)
    return [
        {
            "assignee": str(names[i]) or "(unassigned)",
            "tickets": int(cases[i]),
            "new_cases_per_working_day": round(cases[i] / work_days, 6) if work_days else None,
            "new_cases_target": format_count(individual.new_cases.per_day),
            "first_response": {
                "met": int(met[i]),
                "judged": int(judged[i]),
                "share": round(met[i] / judged[i], 6) if judged[i] else None,
                "target": _say(
                    policy, individual.first_response.within, individual.first_response.clock
                ),
            },
            "longest_reply_gap_hours": None if gaps is None else _round(_nan(gaps[i])),
            "reply_gap_target": _say(policy, individual.reply_gap.at_most, "calendar"),
            "average_resolution_hours": _round(resolution_sum[i] / resolution_count[i])
            if resolution_count[i]
            else None,
            "resolution_target": _say(policy, individual.resolution.average_within, "calendar"),
            "most_active_cases": int(active[i]),
            "active_cases_target": format_count(individual.active_cases.at_most),
        }
        for i in range(n)
    ]


def _nan(value: float) -> float | None:
    return None if np.isnan(value) else float(value)


def _say(policy: Policy, value: Duration, clock: str) -> str:
    return format_value(policy, value, clock)


def _working_days(policy: Policy, created: NDArray[np.int64]) -> int:
    """Days with working hours between the first and the last ticket (inclusive)."""
    if created.size == 0:
        return 0
    first, last = int(created.min()), int(created.max())
    table = index.index_of(schedule_for(policy, "working-hours")).covering(first, last)
    starts = table.starts[(table.ends > first) & (table.starts <= last)]
    return int(np.unique(starts // (24 * HOUR)).size)


def _most_active(
    owner: NDArray[np.intp],
    n: int,
    opened: NDArray[np.int64],
    closed: NDArray[np.int64],
    as_of: int,
) -> NDArray[np.int64]:
    """Per owner, the most cases open at the same moment (a sweep over sorted events)."""
    end = np.where((closed == NAT) | (closed > as_of), as_of, closed)
    who = np.concatenate((owner, owner))
    when = np.concatenate((opened, end))
    step = np.concatenate((np.ones(len(owner), np.int64), -np.ones(len(owner), np.int64)))
    order = np.lexsort((step, when, who))  # a close before an open at the same instant
    who, step = who[order], step[order]
    running = np.cumsum(step)
    starts = np.searchsorted(who, np.arange(n))
    base = np.concatenate(([0], running))[starts]
    result = np.zeros(n, dtype=np.int64)
    np.maximum.at(result, who, running - base[who])
    return result
