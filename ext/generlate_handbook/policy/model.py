"""The typed policy model: the only code that knows the shape of ``policy/*.yaml``.

Structure (unknown keys, missing keys, types) is checked by pydantic; values with units are
parsed by :mod:`.units`. Cross-references between sections (a plan's SLA, a target's clock) are
resolved in :mod:`.load`, which also turns every error into a located :class:`PolicyError`.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Annotated, Any, ClassVar, Literal
from zoneinfo import ZoneInfo

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    StringConstraints,
    field_validator,
)

from . import units
from .helpdesk import Helpdesk
from .limits import excerpt
from .source import KeyPath
from .zones import parse_zone

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$")]
Text = Annotated[str, StringConstraints(min_length=1)]
Duration = Annotated[units.Duration, PlainValidator(units.parse_duration)]
Within = Annotated[units.Within, PlainValidator(units.parse_within)]
Percentage = Annotated[units.Percentage, PlainValidator(units.parse_percentage)]
Count = Annotated[units.Count, PlainValidator(units.parse_count)]
Zone = Annotated[ZoneInfo, PlainValidator(parse_zone)]
CALENDAR = "calendar"
Weekday = Literal[units.DAY_KEYS]  # mon .. sun


class Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, arbitrary_types_allowed=True, populate_by_name=True
    )


def _parse_intervals(value: object) -> tuple[tuple[int, int], ...]:
    """``"09:00-17:00"`` or a list of them -> sorted minute pairs; overlaps are errors."""
    items = value if isinstance(value, list) else [value]
    pairs: list[tuple[int, int]] = []
    for item in items:
        if not isinstance(item, str) or item.count("-") != 1:
            raise ValueError(f"expected an interval written HH:MM-HH:MM, got {excerpt(item)}")
        start_text, end_text = (part.strip() for part in item.split("-"))
        start, end = units.parse_hhmm(start_text), units.parse_hhmm(end_text)
        if end <= start:
            raise ValueError(
                f"{excerpt(item)}: the end {end_text} is not after the start {start_text}"
            )
        pairs.append((start, end))
    pairs.sort()
    for (_, end), (start, _) in itertools.pairwise(pairs):
        if start < end:
            raise ValueError(f"intervals {excerpt(value)} overlap")
    return tuple(pairs)


Intervals = Annotated[tuple[tuple[int, int], ...], PlainValidator(_parse_intervals)]


class Holiday(Model):
    date: date
    name: str = ""


def _parse_holiday(value: object) -> Holiday:
    """``2026-12-25`` or ``{date: 2026-12-25, name: Christmas Day}``."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return Holiday(date=value)
    if (
        isinstance(value, dict)
        and isinstance(value.get("date"), date)
        and set(value)
        <= {
            "date",
            "name",
        }
    ):
        return Holiday(date=value["date"], name=str(value.get("name", "")))
    raise ValueError(
        "expected a date written YYYY-MM-DD, or a mapping with date: and name:,"
        f" got {excerpt(value)}"
    )


class ScheduleSpec(Model):
    """Open hours: an IANA zone plus per-weekday intervals; unlisted days are closed."""

    name: Text
    description: str = ""
    unit: str = Field("", description="What one hour on this clock is called, e.g. 'working hour'")
    zone: Zone
    hours: dict[Weekday, Intervals]
    holidays: list[Annotated[Holiday, PlainValidator(_parse_holiday)]] = []

    @field_validator("hours")
    @classmethod
    def _some_hours(cls, value: dict[str, Any]) -> dict[str, Any]:
        if not value:
            raise ValueError("a schedule needs open hours on at least one weekday")
        return value

    @property
    def weekly_hours(self) -> dict[int, tuple[tuple[int, int], ...]]:
        """Open intervals by weekday number (0 = Monday), in minutes; closed days left out."""
        return {units.DAY_KEYS.index(day): pairs for day, pairs in self.hours.items() if pairs}

    @property
    def holiday_dates(self) -> frozenset[date]:
        return frozenset(holiday.date for holiday in self.holidays)

    def open_minutes(self) -> tuple[int | None, int]:
        """The business day (None if open days differ) and week, in minutes."""
        return units.open_minutes(self.hours.values())

    def working_time(self, duration: units.Duration) -> timedelta:
        """The open time ``duration`` means on this schedule's clock.

        Hours and minutes are themselves; a business day or week is this schedule's open time
        per day or week. With :meth:`Policy.duration_on`, the one place working time is computed.
        """
        return duration.on_business_clock(*self.open_minutes())

    @property
    def hour_unit(self) -> str:
        return self.unit or f"{self.name.lower()} hour"


class Severity(Model):
    name: Text
    description: Text


class Measured(Model):
    """A target or limit whose figure is one field, ``amount_key``: ``within``,
    ``average_within`` or ``at_most``. ``amount`` is that figure."""

    amount_key: ClassVar[str] = "within"

    @property
    def amount(self) -> Any:
        return getattr(self, self.amount_key)


class Target(Measured):
    """A contractual target: how long, counted from what, and with what effort."""

    within: Within
    from_: str = Field("", alias="from")
    effort: str = ""
    clock: str | None = None


class SeverityTargets(Model):
    response: Target
    resolution: Target


class Sla(Model):
    name: Text
    clock: Text
    applies_to: Text
    excludes: list[Id] = []
    targets: dict[Id, SeverityTargets]


class Maintenance(Model):
    notice: Duration
    max_downtime: Duration


class Plan(Model):
    name: Text
    audience: Text
    sla: Id
    maintenance: Maintenance | None = None
    availability: Percentage | None = None


class Exclusion(Model):
    name: Text
    reason: str = ""


class CustomAgreements(Model):
    plans: list[Text]
    rule: Text


class ClockedTarget(Measured):
    """A target counted on a named clock (a schedule id, or ``calendar``)."""

    within: Duration
    clock: Text = CALENDAR
    priority: str = ""


class AverageTarget(Measured):
    amount_key = "average_within"
    average_within: Duration
    clock: Text = CALENDAR


class Limit(Measured):
    amount_key = "at_most"
    at_most: Duration
    clock: Text = CALENDAR


@dataclass(frozen=True)
class TimeTarget:
    """A target as the clock counts it: how long (a duration, or when complete), on which clock.

    ``clock`` is a schedule id or ``calendar``; ``path`` is where the target sits in the policy.
    The one value the checks compare, the clock applies to tickets and the wording describes.
    """

    within: units.Within
    clock: str
    path: KeyPath = ()


class Attainment(Model):
    sla_response: Percentage
    sla_resolution: Percentage


class ShareLimit(Measured):
    amount_key = "at_most"
    at_most: Percentage
    per: Literal["day", "week", "month", "quarter", "year"]


class Internal(Model):
    first_response: ClockedTarget
    resolution: AverageTarget
    attainment: Attainment
    engineering_help: ShareLimit


class NewCases(Model):
    per_day: Count
    per_week: Count


class CountLimit(Measured):
    amount_key = "at_most"
    at_most: Count


class Individual(Model):
    ramp_up: Duration
    new_cases: NewCases
    first_response: ClockedTarget
    reply_gap: Limit
    resolution: AverageTarget
    active_cases: CountLimit


class Policy(Model):
    """The whole support policy."""

    schedules: dict[Id, ScheduleSpec]
    severities: dict[Id, Severity] = Field(min_length=1)
    slas: dict[Id, Sla]
    plans: dict[Id, Plan]
    exclusions: dict[Id, Exclusion] = {}
    custom_agreements: CustomAgreements
    internal: Internal
    individual: Individual
    kpis: list[Text] = []
    regions: dict[Id, ScheduleSpec] = {}  # regions' hours, for the ticket reports' KPIs
    helpdesk: Helpdesk | None = None

    def zone(self, clock: str) -> ZoneInfo:
        """The time zone of a clock: a schedule's zone, or UTC for ``calendar``."""
        return ZoneInfo("UTC") if clock == CALENDAR else self.schedules[clock].zone

    def sla_for(self, plan_id: str) -> Sla:
        return self.slas[self.plans[plan_id].sla]

    def target_clock(self, sla: Sla, target: Target) -> str:
        return target.clock or sla.clock

    def sla_target(self, sla_id: str, severity_id: str, kind: str) -> TimeTarget:
        """An SLA's ``response`` or ``resolution`` target for a severity, on its clock."""
        sla = self.slas[sla_id]
        target: Target = getattr(sla.targets[severity_id], kind)
        path = ("slas", sla_id, "targets", severity_id, kind)
        return TimeTarget(target.within, self.target_clock(sla, target), path)

    def named_target(self, section: str, name: str) -> TimeTarget:
        """An internal or individual target, e.g. ``("internal", "first_response")``."""
        item: ClockedTarget | AverageTarget | Limit = getattr(getattr(self, section), name)
        return TimeTarget(item.amount, item.clock, (section, name, item.amount_key))

    def working_time(self, target: TimeTarget) -> timedelta | None:
        """How much open time ``target`` allows on its clock; None when it has no deadline."""
        if isinstance(target.within, units.NoDeadline):
            return None
        return self.duration_on(target.within, target.clock)

    def duration_on(self, duration: units.Duration, clock: str) -> timedelta:
        """The open time ``duration`` means on ``clock``: the one place working time is computed.

        Hours and minutes are themselves; a business day or week is the clock's open time per
        day or week (days and weeks on the calendar are 24 and 168 hours).
        """
        if clock == CALENDAR:
            return duration.fixed()
        return self.schedules[clock].working_time(duration)
