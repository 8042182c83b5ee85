"""What a Zendesk has against what the policy says, each difference in readers' words.

``Severity 1 first reply, managed (priority urgent): Zendesk 1500 business minutes, policy 1440``.
Differences that come from one policy fact (the same target, the same two values) are one line,
naming every plan and priority they touch, so one edit to the policy is one difference.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from ..policy.model import Policy
from ..policy.zendesk_zones import same_zone
from ..wording import DAY_NAMES, format_minutes, join_words
from .export import METRIC_WORDS, MetricOrigin, ZendeskExport, build_export
from .live import LiveMetric, LivePolicy, LiveSchedule, LiveState

T = TypeVar("T")
ZENDESK_DAYS = (DAY_NAMES[6], *DAY_NAMES[:6])  # Zendesk's week starts on Sunday


@dataclass(frozen=True)
class Drift:
    differences: list[str]
    notes: list[str]


def compare(policy: Policy, live: LiveState) -> Drift:
    export = build_export(policy)
    zones = {spec_name: policy.schedules[sid].zone.key for sid, spec_name in _names(policy)}
    differences = _schedules(export, live.schedules, zones)
    differences += _policies(policy, export, live.policies)
    return Drift(differences, list(live.notes))


def _paired(
    wanted: list[dict[str, Any]], found: dict[str, T], key: str, what: str, out: list[str]
) -> Iterator[tuple[dict[str, Any], T]]:
    """Each wanted item with what Zendesk has under the same name (taken out of ``found``);
    one that Zendesk lacks is said in ``out``."""
    for item in wanted:
        have = found.pop(item[key], None)
        if have is None:
            out.append(f"{what} {item[key]!r} is not in Zendesk")
        else:
            yield item, have


def _names(policy: Policy) -> list[tuple[str, str]]:
    return list(policy.helpdesk.schedules.items()) if policy.helpdesk else []


# --- schedules --------------------------------------------------------------------------------


def _schedules(export: ZendeskExport, live: list[LiveSchedule], zones: dict[str, str]) -> list[str]:
    found = {schedule.name: schedule for schedule in live}
    out: list[str] = []
    for wanted, have in _paired(export.schedules, found, "name", "Schedule", out):
        name = wanted["name"]
        if not same_zone(have.time_zone, zones[name]):
            out.append(
                f"Schedule {name!r} time zone: Zendesk {have.time_zone},"
                f" policy {wanted['time_zone']}"
            )
        policy_days = by_day([(i["start_time"], i["end_time"]) for i in wanted["intervals"]])
        live_days = by_day(have.intervals)
        for day, day_name in enumerate(ZENDESK_DAYS):
            if policy_days.get(day) != live_days.get(day):
                out.append(
                    f"Schedule {name!r}, {day_name}: Zendesk {hours_text(live_days.get(day))},"
                    f" policy {hours_text(policy_days.get(day))}"
                )
        if have.holidays is not None:
            out += _holidays(name, wanted["holidays"], have.holidays)
    for schedule in found.values():
        out.append(
            f"Zendesk has schedule {schedule.name!r}{_id(schedule.id)},"
            " which the policy does not define"
        )
    return out


def by_day(intervals: list[tuple[int, int]]) -> dict[int, list[tuple[int, int]]]:
    days: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for start, end in sorted(intervals):
        day = start // 1440
        pair = (start - day * 1440, end - day * 1440)
        if days[day] and days[day][-1][1] == pair[0]:
            days[day][-1] = (days[day][-1][0], pair[1])
        else:
            days[day].append(pair)
    return {day: pairs for day, pairs in days.items() if pairs}


def hours_text(pairs: list[tuple[int, int]] | None) -> str:
    if not pairs:
        return "closed"
    return ", ".join(f"{format_minutes(a)}–{format_minutes(b)}" for a, b in pairs)


def _holidays(
    name: str, wanted: list[dict[str, str]], have: list[tuple[str, str, str]]
) -> list[str]:
    policy_set = {(h["start_date"], h["end_date"], h["name"]) for h in wanted}
    live_set = set(have)
    out = []
    for start, end, label in sorted(policy_set - live_set):
        out.append(
            f"Schedule {name!r} holiday {_span(start, end)} ({label}): Zendesk none, policy closed"
        )
    for start, end, label in sorted(live_set - policy_set):
        out.append(
            f"Schedule {name!r} holiday {_span(start, end)} ({label}): Zendesk closed, policy open"
        )
    return out


def _span(start: str, end: str) -> str:
    return start if start == end else f"{start} to {end}"


def _id(value: object) -> str:
    return f" (id {value})" if value is not None else ""


# --- SLA policies ------------------------------------------------------------------------------


def _policies(policy: Policy, export: ZendeskExport, live: list[LivePolicy]) -> list[str]:
    found = {item.title: item for item in live}
    out: list[str] = []
    grouped: dict[tuple[str, str, str, str], list[tuple[str, str]]] = defaultdict(list)
    for wanted, have in _paired(export.sla_policies, found, "title", "SLA policy", out):
        title = wanted["title"]
        conditions = {
            group: sorted(
                (c["field"], c["operator"], str(c["value"])) for c in wanted["filter"][group]
            )
            for group in ("all", "any")
        }
        if conditions != have.conditions:
            out.append(
                f"SLA policy {title!r} applies to: Zendesk {_filter(have.conditions)},"
                f" policy {_filter(conditions)}"
            )
        plan_id = next(p for p, t in export.plan_titles.items() if t == title)
        out += _metrics(policy, plan_id, title, export.origins[title], have.metrics, grouped)
    for (sev, kind, zendesk, wanted_text), places in grouped.items():
        plans = list(dict.fromkeys(plan for plan, _ in places))
        prios = list(dict.fromkeys(prio for _, prio in places))
        label = "priority" if len(prios) == 1 else "priorities"
        out.append(
            f"{policy.severities[sev].name} {METRIC_WORDS[kind]}, {join_words(plans)}"
            f" ({label} {join_words(prios)}): Zendesk {zendesk}, policy {wanted_text}"
        )
    for item in found.values():
        out.append(
            f"Zendesk has SLA policy {item.title!r}{_id(item.id)}, which the policy does not define"
        )
    return out


def _filter(conditions: dict[str, list[tuple[str, str, str]]]) -> str:
    parts = [" ".join(c) for c in conditions["all"]]
    if conditions["any"]:
        parts.append("any of " + "; ".join(" ".join(c) for c in conditions["any"]))
    return "tickets with " + (" and ".join(parts) if parts else "no conditions (every ticket)")


def _amount(minutes: float, business: bool) -> str:
    number = f"{minutes:g}"
    return f"{number} {'business' if business else 'calendar'} minutes"


def _metrics(
    policy: Policy,
    plan_id: str,
    title: str,
    origins: list[MetricOrigin],
    live: list[LiveMetric],
    grouped: dict[tuple[str, str, str, str], list[tuple[str, str]]],
) -> list[str]:
    wanted = {(o.priority, _metric(o.kind)): o for o in origins}
    have = {(m.priority, m.metric): m for m in live}
    severity_of = policy.helpdesk.priority_to_severity() if policy.helpdesk else {}
    out = []
    for key in list(dict.fromkeys([*wanted, *have])):
        priority, metric = key
        origin, metric_live = wanted.get(key), have.get(key)
        zendesk = (
            _amount(metric_live.minutes, metric_live.business_hours) if metric_live else "none"
        )
        target = _amount(origin.target, origin.business_hours) if origin else "none"
        if zendesk == target:
            continue
        sev = origin.severity if origin else severity_of.get(priority)
        if sev is None or metric not in ("first_reply_time", "total_resolution_time"):
            out.append(
                f"SLA policy {title!r}, priority {priority}: Zendesk has a"
                f" {METRIC_WORDS.get(metric, metric)} target ({zendesk}), the policy has none"
            )
            continue
        if origin is None and metric == "total_resolution_time":
            target = "none (when complete)"
        elif metric_live and origin and metric_live.business_hours == origin.business_hours:
            target = f"{origin.target}"  # same unit as Zendesk's, said once
        grouped[(sev, metric, zendesk, target)].append((plan_id, priority))
    return out


def _metric(kind: str) -> str:
    return {"response": "first_reply_time", "resolution": "total_resolution_time"}[kind]
