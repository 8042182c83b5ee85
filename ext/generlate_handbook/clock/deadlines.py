"""When a ticket's targets are due under the policy: the clock applied to one ticket."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from ..policy.limits import check_moment
from ..policy.model import CALENDAR, Policy
from ..policy.units import Duration, NoDeadline
from ..wording import format_duration
from . import schedule as biz


class UnknownIdError(LookupError):
    """A plan or severity id that the policy does not define."""


@dataclass(frozen=True)
class Deadline:
    """One target applied to a ticket."""

    name: str
    target: str  # the target as a reader sees it, e.g. "24 working hours (3 business days)"
    clock: str
    due: datetime | None  # None: no deadline ("when complete")
    counted: tuple[tuple[datetime, datetime], ...] = ()  # the open segments counted

    def iso(self) -> str | None:
        return None if self.due is None else iso_utc(self.due)


@dataclass(frozen=True)
class TicketDeadlines:
    plan: str
    severity: str
    opened: datetime
    response: Deadline
    resolution: Deadline
    internal_response: Deadline

    @property
    def all(self) -> tuple[Deadline, Deadline, Deadline]:
        return (self.response, self.resolution, self.internal_response)

    def as_json(self) -> dict[str, str | None]:
        return {
            "plan": self.plan,
            "severity": self.severity,
            "opened": iso_utc(self.opened),
            "response_due": self.response.iso(),
            "resolution_due": self.resolution.iso(),
            "internal_response_due": self.internal_response.iso(),
        }


def iso_utc(moment: datetime) -> str:
    """ISO 8601 in UTC with a ``Z``: ``2026-11-05T00:00:00Z``."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat() + "Z"


def working_time(policy: Policy, value: Duration, clock: str) -> timedelta:
    if clock == CALENDAR:
        return value.fixed()
    schedule = policy.clock(clock)
    return value.on_business_clock(schedule.day_minutes(), schedule.week_minutes())


def apply(
    policy: Policy, name: str, value: Duration | NoDeadline, clock: str, opened: datetime
) -> Deadline:
    """Apply one target to a ticket opened at ``opened`` (aware; see ``clock.due``)."""
    wording = format_duration(policy, value, clock) if isinstance(value, Duration) else str(value)
    if isinstance(value, NoDeadline):
        return Deadline(name, wording, clock, None)
    amount = working_time(policy, value, clock)
    schedule = policy.clock(clock)
    segments = tuple(biz.segments_until_due(opened, amount, schedule))
    return Deadline(name, wording, clock, biz.due(opened, amount, schedule), segments)


def ticket_deadlines(
    policy: Policy, plan_id: str, severity_id: str, opened: datetime
) -> TicketDeadlines:
    """Response, resolution and internal first-response deadlines for one ticket."""
    if plan_id not in policy.plans:
        raise UnknownIdError(f"unknown plan {plan_id!r} (known: {', '.join(policy.plans)})")
    if severity_id not in policy.severities:
        known = ", ".join(policy.severities)
        raise UnknownIdError(f"unknown severity {severity_id!r} (known: {known})")
    check_moment(opened, "a ticket opened at")  # the clock's range of years
    # The calendar clock is open at every instant: this rejects naive times and converts to UTC.
    opened = biz.next_open(opened, biz.Schedule.calendar())
    sla = policy.sla_for(plan_id)
    response, resolution = (
        apply(policy, kind, target.within, policy.target_clock(sla, target), opened)
        for kind, target in (
            ("response", sla.targets[severity_id].response),
            ("resolution", sla.targets[severity_id].resolution),
        )
    )
    internal = policy.internal.first_response
    return TicketDeadlines(
        plan=plan_id,
        severity=severity_id,
        opened=opened,
        response=response,
        resolution=resolution,
        internal_response=apply(
            policy, "internal first response", internal.within, internal.clock, opened
        ),
    )
