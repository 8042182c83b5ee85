"""Policy values in the words a reader sees: "99.5%", "24 working hours (3 business days)".

:func:`resolve` walks a dotted key path through the typed model (``plans.managed.availability``)
and remembers the clock in force on the way, so a duration is worded on the clock it counts on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from .policy.model import (
    CALENDAR,
    Exclusion,
    Measured,
    Plan,
    Policy,
    ScheduleSpec,
    Severity,
    Sla,
    TimeTarget,
)
from .policy.tree import children
from .policy.units import DAY_NAMES, Count, Duration, DurationUnit, NoDeadline, Percentage
from .policy.zones import reader_name

# English in every locale (strftime's %a and %b follow the build machine's locale).
MONTH_ABBREVIATIONS = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)


class KeyPathError(LookupError):
    """A key path that names nothing in the policy."""


@dataclass(frozen=True)
class Resolved:
    value: Any
    clock: str  # the clock in force where the value sits: a schedule id or "calendar"
    path: str


def resolve(policy: Policy, key_path: str) -> Resolved:
    """Find ``key_path`` in the policy; :class:`KeyPathError` says where the path went wrong."""
    parts = key_path.strip().split(".")
    if not key_path.strip() or any(not part for part in parts):
        raise KeyPathError(
            f"{key_path!r} is not a dotted key path such as plans.managed.availability"
        )
    current: Any = policy
    clock = CALENDAR
    walked: list[str] = []
    for part in parts:
        options = children(current)
        if part not in options:
            where = ".".join(walked) or "the policy"
            known = ", ".join(options) or "nothing: it is a single value"
            raise KeyPathError(
                f"{'.'.join([*walked, part])!r}: {where} has no {part!r} (it has {known})"
            )
        current = options[part]
        walked.append(part)
        if isinstance(getattr(current, "clock", None), str):
            clock = current.clock  # a target's own clock, or its SLA's
    return Resolved(current, clock, ".".join(parts))


def format_resolved(policy: Policy, resolved: Resolved) -> str:
    """The reader's wording of a resolved value."""
    return format_value(policy, resolved.value, resolved.clock)


def format_value(policy: Policy, value: Any, clock: str = CALENDAR) -> str:
    match value:
        case Duration():
            return format_duration(policy, value, clock)
        case NoDeadline():
            return "when complete"
        case Measured():  # a target or limit: its one figure
            return format_value(policy, value.amount, clock)
        case Percentage():
            return format_percentage(value)
        case Count():
            return format_count(value)
        case ScheduleSpec():
            return format_schedule(value)
        case Severity() | Plan() | Exclusion() | Sla():
            return value.name
        case list() if all(isinstance(item, str) for item in value):
            return join_words(value)
        case str():
            return value.strip()
        case date():
            return value.isoformat()
    raise KeyPathError(
        f"{type(value).__name__} has no single reader-facing value; name one of its keys"
    )


def _number(value: Decimal | float) -> str:
    number = Decimal(str(value)).normalize()
    return f"{number:f}"


# Where a unit's noun phrase ends and its qualifier starts: "hour | in the support window",
# "working hour | (PT)", "hour | of support", "hour | , Pacific Time".
_QUALIFIER = re.compile(r"\s+(?:in|of|on|per|at|during|for)\s|\s*[(\[,;:]|\s+[–-]\s")


def plural(amount: Decimal | float | int, word: str) -> str:
    """``plural(2, "working hour (PT)")`` -> ``2 working hours (PT)``: only the noun phrase's
    last word is pluralised, never a qualifier after it."""
    match = _QUALIFIER.search(word)
    head, tail = (word[: match.start()], word[match.start() :]) if match else (word, "")
    if Decimal(str(amount)) != 1 and head and not head.endswith("s"):
        head = f"{head}s"
    return f"{_number(amount)} {head}{tail}"


def format_duration(policy: Policy, duration: Duration, clock: str) -> str:
    """Calendar: ``24 hours``. Business: ``24 working hours (3 business days)``."""
    unit = duration.unit
    if clock == CALENDAR or clock not in policy.schedules:
        return plural(duration.amount, unit.value)
    spec = policy.schedules[clock]
    hours_word = spec.hour_unit
    day_minutes, week_minutes = spec.open_minutes()
    working = policy.duration_on(duration, clock)
    hours = Decimal(working.total_seconds()) / 3600
    if unit.is_business:
        return f"{plural(duration.amount, unit.value)} ({plural(hours, hours_word)})"
    if unit is DurationUnit.MINUTE:
        return plural(duration.amount, f"minute{'' if duration.amount == 1 else 's'}")
    text = plural(hours, hours_word)
    if day_minutes and working >= timedelta(minutes=day_minutes):
        weeks = Decimal(working.total_seconds() / 60) / week_minutes
        days = Decimal(working.total_seconds() / 60) / day_minutes
        if weeks == weeks.to_integral_value():
            return f"{text} ({plural(weeks, 'business week')})"
        if days == days.to_integral_value():
            return f"{text} ({plural(days, 'business day')})"
    return text


def format_target(policy: Policy, target: TimeTarget) -> str:
    """A target as a reader sees it: ``24 working hours (3 business days)``, ``when complete``."""
    return format_value(policy, target.within, target.clock)


def format_percentage(value: Percentage) -> str:
    return f"{_number(value.value)}%"


def format_count(value: Count) -> str:
    if value.low == value.high:
        return plural(value.low, value.noun)
    return f"{value.low}–{value.high} {value.noun}s"


def format_minutes(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def format_days(days: list[int]) -> str:
    """``[0, 1, 2, 3, 4]`` -> ``Monday–Friday``; gaps are listed."""
    runs: list[list[int]] = []
    for day in sorted(days):
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts = [
        DAY_NAMES[run[0]] if len(run) == 1 else f"{DAY_NAMES[run[0]]}–{DAY_NAMES[run[-1]]}"
        for run in runs
    ]
    return join_words(parts)


def format_schedule(spec: ScheduleSpec) -> str:
    """``09:00–17:00 Pacific Time, Monday–Friday``; differing days are grouped by hours."""
    by_hours: dict[str, list[int]] = {}
    for day, pairs in spec.weekly_hours.items():
        hours = ", ".join(f"{format_minutes(a)}–{format_minutes(b)}" for a, b in pairs)
        by_hours.setdefault(hours, []).append(day)
    zone = reader_name(spec.zone)
    groups = [f"{hours} {zone}, {format_days(days)}" for hours, days in by_hours.items()]
    return "; ".join(groups)


def format_timedelta(delta: timedelta, use_days: bool = True) -> str:
    """``3 hours 36 minutes``; seconds only below an hour; ``use_days=False``: ``91 hours``."""
    seconds = round(delta.total_seconds())
    days, rest = divmod(seconds, 86400) if use_days else (0, seconds)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = []
    if days:
        parts.append(plural(days, "day"))
    if hours:
        parts.append(plural(hours, "hour"))
    if minutes:
        parts.append(plural(minutes, "minute"))
    if secs and not days and not hours:
        parts.append(plural(secs, "second"))
    return " ".join(parts) or "0 minutes"


def join_words(items: list[str]) -> str:
    """``["a", "b", "c"]`` -> ``a, b and c``."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def format_day_month(day: date) -> str:
    """``4 Nov``: the same on every platform and locale (no glibc-only ``%-d``)."""
    return f"{day.day} {MONTH_ABBREVIATIONS[day.month - 1]}"


def format_moment(moment: datetime, *, year: bool = True) -> str:
    """``Wed 4 Nov 2026, 16:00`` (``year=False``: ``Wed 4 Nov, 16:00``), in ``moment``'s zone."""
    weekday = DAY_NAMES[moment.weekday()][:3]
    text = f"{weekday} {format_day_month(moment)}"
    return f"{text} {moment.year}, {moment:%H:%M}" if year else f"{text}, {moment:%H:%M}"
