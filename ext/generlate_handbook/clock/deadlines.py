"""When a ticket's targets are due under the policy: the clock applied to one ticket.

Data only: each :class:`TargetDue` carries the policy's :class:`~..policy.model.TimeTarget`
(how long, on which clock) and what the clock made of it; the wording layer says it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..policy.model import Policy, TimeTarget
from . import api
from .instants import iso_utc, to_utc
from .schedule import Schedule, Segment, schedule_for


class UnknownIdError(LookupError):
    """A plan or severity id that the policy does not define."""


@dataclass(frozen=True)
class TargetDue:
    """One target applied to one ticket: when it is due and the open time counted."""

    name: str  # "response", "resolution", "internal first response"
    target: TimeTarget
    due: datetime | None  # None: no deadline ("when complete")
    counted: tuple[Segment, ...] = ()  # the open segments counted, in UTC

    @property
    def clock(self) -> str:
        return self.target.clock

    def iso(self) -> str | None:
        return None if self.due is None else iso_utc(self.due)


@dataclass(frozen=True)
class TicketDeadlines:
    plan: str
    severity: str
    opened: datetime
    response: TargetDue
    resolution: TargetDue
    internal_response: TargetDue

    @property
    def all(self) -> tuple[TargetDue, TargetDue, TargetDue]:
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


def apply(policy: Policy, name: str, target: TimeTarget, opened: datetime) -> TargetDue:
    """Apply one target to a ticket opened at ``opened`` (aware; see ``clock.due``)."""
    amount = policy.working_time(target)
    if amount is None:
        return TargetDue(name, target, None)
    schedule = schedule_for(policy, target.clock)
    segments = tuple(api.segments_until_due(opened, amount, schedule))
    return TargetDue(name, target, api.due(opened, amount, schedule), segments)


def ticket_deadlines(
    policy: Policy, plan_id: str, severity_id: str, opened: datetime
) -> TicketDeadlines:
    """Response, resolution and internal first-response deadlines for one ticket."""
    if plan_id not in policy.plans:
        raise UnknownIdError(f"unknown plan {plan_id!r} (known: {', '.join(policy.plans)})")
    if severity_id not in policy.severities:
        known = ", ".join(policy.severities)
        raise UnknownIdError(f"unknown severity {severity_id!r} (known: {known})")
    opened = to_utc(opened, Schedule.calendar().zone, "opened")  # rejects a naive time
    sla_id = policy.plans[plan_id].sla
    response, resolution = (
        apply(policy, kind, policy.sla_target(sla_id, severity_id, kind), opened)
        for kind in ("response", "resolution")
    )
    internal = policy.named_target("internal", "first_response")
    return TicketDeadlines(
        plan=plan_id,
        severity=severity_id,
        opened=opened,
        response=response,
        resolution=resolution,
        internal_response=apply(policy, "internal first response", internal, opened),
    )
