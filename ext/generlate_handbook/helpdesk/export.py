"""The policy as Zendesk request bodies: business-hours schedules and one SLA policy per plan.

``schedules.json`` is ``{"schedules": [...]}``; each entry is the documented Schedule object
(``name`` and ``time_zone``, the body of *Create Schedule*; ``intervals``, the body of
*Update Intervals for a Schedule*) with its ``holidays`` (each the body of *Create Holiday*).
``sla_policies.json`` is ``{"sla_policies": [...]}``; each entry is exactly the ``sla_policy``
body of *Create SLA Policy*. Both mirror what Zendesk's list endpoints return, so ``drift`` reads
an export and a live help desk alike. ``unenforced.txt`` lists every policy fact Zendesk cannot
enforce, and why (:mod:`.unenforced`).
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..policy.helpdesk import PRIORITIES, Helpdesk
from ..policy.model import CALENDAR, Policy, ScheduleSpec, Target
from ..policy.units import Duration
from ..policy.zendesk_zones import zendesk_zone_name
from .unenforced import Unenforced, unenforced_facts

MINUTES_PER_DAY = 24 * 60
METRICS: dict[str, str] = {"response": "first_reply_time", "resolution": "total_resolution_time"}
METRIC_WORDS: dict[str, str] = {
    "first_reply_time": "first reply",
    "total_resolution_time": "resolution",
    "next_reply_time": "next reply",
    "requester_wait_time": "requester wait",
    "agent_work_time": "agent work",
    "periodic_update_time": "periodic update",
    "pausable_update_time": "pausable update",
}
FILES = ("schedules.json", "sla_policies.json", "unenforced.txt")


class ExportError(ValueError):
    """The policy cannot be exported (no ``helpdesk`` section)."""


@dataclass(frozen=True)
class MetricOrigin:
    """Where one Zendesk policy metric comes from in the policy."""

    plan: str
    severity: str
    kind: Literal["response", "resolution"]
    priority: str
    target: int
    business_hours: bool


@dataclass
class ZendeskExport:
    schedules: list[dict[str, Any]]
    sla_policies: list[dict[str, Any]]
    unenforced: list[Unenforced]
    origins: dict[str, list[MetricOrigin]] = field(default_factory=dict)  # by SLA policy title
    plan_titles: dict[str, str] = field(default_factory=dict)

    def files(self) -> dict[str, str]:
        """File name -> text, exactly as ``export`` writes them."""
        return {
            "schedules.json": json_text({"schedules": self.schedules}),
            "sla_policies.json": json_text({"sla_policies": self.sla_policies}),
            "unenforced.txt": unenforced_text(self.unenforced),
        }

    def write(self, out: Path) -> list[Path]:
        """Write every file atomically (a temporary file renamed into place)."""
        return [write_atomic(out, name, text) for name, text in self.files().items()]


def write_atomic(out: Path, name: str, text: str) -> Path:
    """``out/name`` written whole or not at all: a temporary file renamed into place."""
    out.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=out, prefix=f".{name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(tmp, out / name)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out / name


def json_text(data: object) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def unenforced_text(items: list[Unenforced]) -> str:
    lines = ["What Zendesk does not enforce, and why", ""]
    lines += [f"- {item.key_path}: {item.reason}" for item in items]
    return "\n".join(lines) + "\n"


def build_export(policy: Policy) -> ZendeskExport:
    """The whole export for ``policy``; :class:`ExportError` without a ``helpdesk`` section."""
    helpdesk = policy.helpdesk
    if helpdesk is None:
        raise ExportError(
            "the policy has no helpdesk section: add one to map severities, plans and schedules"
            " to Zendesk (see README, 'The policy in Zendesk')"
        )
    schedules = [
        schedule_body(zendesk_name, policy.schedules[schedule_id])
        for schedule_id, zendesk_name in helpdesk.schedules.items()
    ]
    export = ZendeskExport(schedules, [], [])
    default_clock = next(iter(helpdesk.schedules))
    notes: list[Unenforced] = []
    for plan_id, plan in policy.plans.items():
        title = helpdesk.title_for(plan_id, plan.name)
        export.plan_titles[plan_id] = title
        metrics, origins = _policy_metrics(policy, helpdesk, plan_id, default_clock, notes)
        sla = policy.sla_for(plan_id)
        export.sla_policies.append(
            {
                "title": title,
                "description": f"{sla.name}, {plan.name} plan. Generated from the handbook"
                " policy: change it there, not in Zendesk.",
                "filter": {"all": [helpdesk.plans[plan_id].condition()], "any": []},
                "policy_metrics": metrics,
            }
        )
        export.origins[title] = origins
    export.unenforced = unenforced_facts(policy) + _dedupe(notes)
    return export


def _dedupe(items: list[Unenforced]) -> list[Unenforced]:
    return list(dict.fromkeys(items))


def schedule_body(name: str, spec: ScheduleSpec) -> dict[str, Any]:
    """One schedule: Zendesk zone name, intervals in minutes from Sunday 00:00, holidays."""
    return {
        "name": name,
        "time_zone": zendesk_zone_name(spec.zone.key),
        "intervals": week_intervals(spec),
        "holidays": [
            {
                "name": holiday.name or "Holiday",
                "start_date": holiday.date.isoformat(),
                "end_date": holiday.date.isoformat(),
            }
            for holiday in sorted(spec.holidays, key=lambda h: h.date)
        ],
    }


def week_intervals(spec: ScheduleSpec) -> list[dict[str, int]]:
    """``[{"start_time": 1980, "end_time": 2460}, ...]``: Monday 09:00-17:00 is 1980-2460.

    The policy counts weekdays from Monday (0), Zendesk's week from Sunday 00:00; touching
    intervals within a day are merged, as Zendesk stores them; none spans midnight.
    """
    intervals: list[dict[str, int]] = []
    for weekday, pairs in spec.weekly_hours.items():
        offset = ((weekday + 1) % 7) * MINUTES_PER_DAY
        merged: list[list[int]] = []
        for start, end in pairs:
            if merged and merged[-1][1] == start:
                merged[-1][1] = end
            else:
                merged.append([start, end])
        intervals += [{"start_time": offset + a, "end_time": offset + b} for a, b in merged]
    return sorted(intervals, key=lambda item: item["start_time"])


def _policy_metrics(
    policy: Policy,
    helpdesk: Helpdesk,
    plan_id: str,
    default_clock: str,
    notes: list[Unenforced],
) -> tuple[list[dict[str, Any]], list[MetricOrigin]]:
    sla_id = policy.plans[plan_id].sla
    sla = policy.slas[sla_id]
    metrics: list[dict[str, Any]] = []
    origins: list[MetricOrigin] = []
    claimed = helpdesk.priority_to_severity()
    for priority in PRIORITIES:
        sev_id = claimed.get(priority)
        if sev_id is None or sev_id not in sla.targets:
            continue
        for kind, metric in METRICS.items():
            target: Target = getattr(sla.targets[sev_id], kind)
            if not isinstance(target.within, Duration):
                continue  # "when complete": no deadline, so no Zendesk target
            clock = policy.target_clock(sla, target)
            path = f"slas.{sla_id}.targets.{sev_id}.{kind}.within"
            minutes, business = target_minutes(policy, target.within, clock, path, notes)
            if business and clock != default_clock:
                notes.append(
                    Unenforced(
                        path,
                        f"counts on the {clock} clock, but Zendesk counts business hours on the"
                        f" ticket's schedule, which is the default schedule"
                        f" ({helpdesk.schedules[default_clock]}) unless a trigger sets another;"
                        " it is exported with business hours and needs that trigger",
                    )
                )
            metrics.append(
                {
                    "priority": priority,
                    "metric": metric,
                    "target": minutes,
                    "business_hours": business,
                }
            )
            origins.append(MetricOrigin(plan_id, sev_id, kind, priority, minutes, business))  # type: ignore[arg-type]
    return metrics, origins


def target_minutes(
    policy: Policy, duration: Duration, clock: str, path: str, notes: list[Unenforced]
) -> tuple[int, bool]:
    """A target in whole minutes and whether it counts business hours."""
    if clock == CALENDAR:
        exact = duration.fixed().total_seconds() / 60
        business = False
    else:
        exact = policy.duration_on(duration, clock).total_seconds() / 60
        business = True
    minutes = math.ceil(exact - 1e-9)
    if minutes != exact:
        notes.append(
            Unenforced(
                path, f"Zendesk targets are whole minutes: {exact:g} is exported as {minutes}"
            )
        )
    return minutes, business
