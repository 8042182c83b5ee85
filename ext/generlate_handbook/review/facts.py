"""A policy as a table of facts in readers' words, each with how a change to it is judged.

A :class:`Fact` is one thing the policy promises or says (Severity 1 response for the managed
plan, Managed availability, the working hours on Friday, a holiday, a KPI). Two policies are
compared fact by fact (:mod:`.compare`); the :class:`Measure` says which direction of change is
stricter for customers.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from pydantic import BaseModel

from ..clock.availability import allowed_downtime
from ..policy.model import CALENDAR, Policy, ScheduleSpec
from ..policy.source import KeyPath
from ..policy.units import DAY_KEYS, DAY_NAMES, Count, Duration, NoDeadline, Percentage
from ..policy.zones import reader_name
from ..wording import format_minutes, format_timedelta, format_value


class Better(StrEnum):
    """Which direction of change is stricter for customers."""

    LESS_TIME = "less time"  # a deadline: sooner is stricter
    HIGHER = "higher"  # availability, attainment, notice: more is stricter
    LOWER = "lower"  # a limit (downtime, share of cases, reply gap): less is stricter
    MORE_OPEN = "more open time"  # a schedule: more open time is stricter
    NEUTRAL = "neutral"  # wording, names, lists of words


@dataclass(frozen=True)
class Fact:
    """One fact of a policy, in readers' words."""

    key: KeyPath  # stable identity across revisions
    label: str  # "Severity 1 response"
    text: str  # "24 working hours (3 business days)"
    better: Better
    paths: tuple[KeyPath, ...]  # where it lives in the policy, for the pages that render it
    qualifier: str = ""  # "managed": facts differing only by qualifier are reported together
    amount: Decimal | None = None  # for HIGHER / LOWER / MORE_OPEN
    deadline: Duration | NoDeadline | None = None  # for LESS_TIME
    clock: str = CALENDAR
    spec: ScheduleSpec | None = field(default=None, compare=False)  # the clock's schedule
    added_is: Better = Better.NEUTRAL  # a fact that appears: HIGHER = a new commitment


def policy_facts(policy: Policy) -> dict[KeyPath, Fact]:
    """Every fact of ``policy``, by key."""
    facts = [
        *_target_facts(policy),
        *_severity_facts(policy),
        *_plan_facts(policy),
        *_schedule_facts(policy),
        *_named_target_facts(policy),
        *_list_facts(policy),
    ]
    covered = {path for fact in facts for path in fact.paths}
    facts.extend(_text_facts(policy, covered))
    return {fact.key: fact for fact in facts}


def _deadline_fact(
    policy: Policy,
    key: KeyPath,
    label: str,
    value: Duration | NoDeadline,
    clock: str,
    paths: tuple[KeyPath, ...],
    qualifier: str = "",
) -> Fact:
    return Fact(
        key,
        label,
        format_value(policy, value, clock),
        Better.LESS_TIME,
        paths,
        qualifier=qualifier,
        deadline=value,
        clock=clock,
        spec=policy.schedules.get(clock),
        added_is=Better.HIGHER,
    )


def _target_facts(policy: Policy) -> Iterator[Fact]:
    """Each plan's response and resolution target for each severity."""
    for plan_id, plan in policy.plans.items():
        sla = policy.sla_for(plan_id)
        for sev_id, severity in policy.severities.items():
            targets = sla.targets.get(sev_id)
            if targets is None:
                continue
            for kind in ("response", "resolution"):
                target = getattr(targets, kind)
                yield _deadline_fact(
                    policy,
                    ("target", sev_id, kind, plan_id),
                    f"{severity.name} {kind}",
                    target.within,
                    policy.target_clock(sla, target),
                    (
                        ("slas", plan.sla, "targets", sev_id, kind, "within"),
                        ("slas", plan.sla, "targets", sev_id, kind, "clock"),
                        ("slas", plan.sla, "clock"),
                        ("plans", plan_id, "sla"),
                    ),
                    qualifier=plan.name.lower(),
                )


def _severity_facts(policy: Policy) -> Iterator[Fact]:
    for sev_id, severity in policy.severities.items():
        yield Fact(
            ("severity", sev_id),
            "Severity",
            severity.name,
            Better.NEUTRAL,
            (("severities", sev_id),),
            added_is=Better.HIGHER,
        )


def _plan_facts(policy: Policy) -> Iterator[Fact]:
    for plan_id, plan in policy.plans.items():
        base: KeyPath = ("plans", plan_id)
        yield Fact(
            ("plan", plan_id),
            f"{plan.name} plan",
            plan.name,
            Better.NEUTRAL,
            (base,),
            added_is=Better.HIGHER,
        )
        if plan.availability is not None:
            yield Fact(
                ("plan", plan_id, "availability"),
                f"{plan.name} availability",
                format_value(policy, plan.availability),
                Better.HIGHER,
                ((*base, "availability"),),
                amount=plan.availability.value,
                added_is=Better.HIGHER,
            )
        if plan.maintenance is not None:
            for name, better, words in (
                ("notice", Better.HIGHER, "maintenance notice"),
                ("max_downtime", Better.LOWER, "longest maintenance window"),
            ):
                value: Duration = getattr(plan.maintenance, name)
                yield Fact(
                    ("plan", plan_id, "maintenance", name),
                    f"{plan.name} {words}",
                    format_value(policy, value),
                    better,
                    ((*base, "maintenance", name),),
                    amount=Decimal(value.fixed().total_seconds()),
                    added_is=Better.HIGHER,
                )


def _day_minutes(spec: ScheduleSpec, day: str) -> int:
    return sum(end - start for start, end in spec.hours.get(day, ()))  # type: ignore[call-overload]


def _schedule_facts(policy: Policy) -> Iterator[Fact]:
    """Schedules' days and holidays (open time: more is stricter); the regions' hours the
    reports count by are the handbook's own definitions, so a change to them is neutral."""
    yield from _open_hours_facts(policy.schedules, "schedules", Better.MORE_OPEN)
    yield from _open_hours_facts(policy.regions, "regions", Better.NEUTRAL)


def _open_hours_facts(
    specs: dict[str, ScheduleSpec], section: str, better: Better
) -> Iterator[Fact]:
    for sched_id, spec in specs.items():
        base: KeyPath = (section, sched_id)
        zone = reader_name(spec.zone)
        for index, day in enumerate(DAY_KEYS):
            pairs = spec.hours.get(day, ())  # type: ignore[call-overload]
            hours = ", ".join(f"{format_minutes(a)}–{format_minutes(b)}" for a, b in pairs)
            yield Fact(
                (section, sched_id, day),
                f"{spec.name}, {DAY_NAMES[index]}",
                f"{hours} {zone}" if pairs else "closed",
                better,
                ((*base, "hours", day),),
                amount=Decimal(_day_minutes(spec, day)),
                spec=spec,
            )
        yield _text((section, sched_id, "zone"), f"{spec.name}, time zone", zone, (*base, "zone"))
        for holiday in spec.holidays:
            day_name = DAY_NAMES[holiday.date.weekday()]
            open_minutes = _day_minutes(spec, day_name[:3].lower())
            yield Fact(
                (section, sched_id, "holiday", holiday.date.isoformat()),
                f"{spec.name}, holiday {holiday.date.isoformat()}",
                f"closed all day{f' ({holiday.name})' if holiday.name else ''}",
                better,
                ((*base, "holidays"),),
                amount=Decimal(-open_minutes),
                spec=spec,
                added_is=Better.LOWER if better is Better.MORE_OPEN else better,
            )


# Targets outside the SLAs: (section, name, label); and goals with a direction: (key path,
# label, which way is stricter). The values are read from the policy by key path.
NAMED_TARGETS = (
    ("internal", "first_response", "Internal first response"),
    ("internal", "resolution", "Internal average resolution"),
    ("individual", "first_response", "Each engineer's first response"),
    ("individual", "reply_gap", "Each engineer's longest gap between replies"),
    ("individual", "resolution", "Each engineer's average resolution"),
)
GOALS = (
    (("internal", "attainment", "sla_response"), "SLA response attainment goal", Better.HIGHER),
    (("internal", "attainment", "sla_resolution"), "SLA resolution attainment goal", Better.HIGHER),
    (
        ("internal", "engineering_help", "at_most"),
        "Cases needing engineering help, per {per}",
        Better.LOWER,
    ),
    (("individual", "active_cases", "at_most"), "Active cases per engineer", Better.LOWER),
    (("individual", "ramp_up"), "Ramp-up time of a new engineer", Better.LOWER),
)


def _named_target_facts(policy: Policy) -> Iterator[Fact]:
    """Internal and individual targets, and the goals with a direction."""
    for section, name, label in NAMED_TARGETS:
        model = getattr(getattr(policy, section), name)
        paths = ((section, name, model.amount_key), (section, name, "clock"))
        yield _deadline_fact(policy, (section, name), label, model.amount, model.clock, paths)
    per = policy.internal.engineering_help.per
    for key, label, better in GOALS:
        value = functools.reduce(getattr, key, policy)
        yield Fact(
            key,
            label.format(per=per),
            format_value(policy, value),
            better,
            (key,),
            amount=_amount(value),
            added_is=Better.HIGHER,
        )


def _amount(value: Percentage | Count | Duration) -> Decimal:
    if isinstance(value, Percentage):
        return value.value
    if isinstance(value, Count):
        return Decimal(value.high)
    return Decimal(value.fixed().total_seconds())


def _text(key: KeyPath, label: str, text: str, path: KeyPath) -> Fact:
    return Fact(key, label, " ".join(text.split()), Better.NEUTRAL, (path,))


def _text_facts(policy: Policy, covered: set[KeyPath]) -> Iterator[Fact]:
    """Everything no other fact covers, as wording: names, descriptions, KPIs, counts."""
    for path, value in _leaves(policy, ()):
        if path not in covered:
            yield _text(("text", *path), _text_label(policy, path), _say(policy, value), path)


def _list_facts(policy: Policy) -> Iterator[Fact]:
    """Lists whose items come and go: the SLAs' exclusions, the KPIs."""
    for kpi in policy.kpis:
        yield Fact(("kpi", kpi), "KPI", kpi, Better.NEUTRAL, (("kpis",),))
    for sla_id, sla in policy.slas.items():
        for exclusion in sla.excludes:
            excluded = policy.exclusions.get(exclusion)
            yield Fact(
                ("sla", sla_id, "excludes", exclusion),
                f"{sla.name}: not covered",
                excluded.name if excluded else exclusion,
                Better.NEUTRAL,
                (("slas", sla_id, "excludes"),),
                added_is=Better.LOWER,
            )


_NAMED = ("plans", "severities", "schedules", "slas", "exclusions")


def _text_label(policy: Policy, path: KeyPath) -> str:
    """``("plans", "managed", "audience")`` -> ``Managed: audience``."""
    words = [part.replace("_", " ") for part in path]
    if path[0] == "slas" and len(path) == 6 and path[3] in policy.severities:
        return f"{policy.severities[path[3]].name} {path[4]}, {words[5]}"
    if path[0] in _NAMED and len(path) > 2:
        entity = getattr(policy, path[0]).get(path[1])
        words = [getattr(entity, "name", path[1]) + ":", *words[2:]]
    label = " ".join(words)
    return label[:1].upper() + label[1:]


def _leaves(node: Any, path: KeyPath) -> Iterator[tuple[KeyPath, Any]]:
    """Every scalar (or list of words) in the model, with its key path."""
    if isinstance(node, BaseModel):
        for name, info in type(node).model_fields.items():
            yield from _leaves(getattr(node, name), (*path, info.alias or name))
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, (*path, str(key)))
    elif node is not None and node != "" and node != []:
        yield path, node


def _say(policy: Policy, value: Any) -> str:
    try:
        return format_value(policy, value)
    except LookupError:
        return str(value)


def downtime_note(fact: Fact) -> str:
    """For an availability: the downtime it allows in a 30-day month."""
    if fact.key[-1:] != ("availability",) or fact.amount is None:
        return ""
    allowed = allowed_downtime(Percentage(fact.amount), 30)
    return format_timedelta(allowed, use_days=False)


def working_time(fact: Fact) -> timedelta | None:
    """A deadline's working time on its own clock; None for "when complete"."""
    if fact.deadline is None or isinstance(fact.deadline, NoDeadline):
        return None
    if fact.spec is None:
        return fact.deadline.fixed()
    return fact.spec.working_time(fact.deadline)
