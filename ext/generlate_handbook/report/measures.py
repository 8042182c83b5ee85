"""Each ticket's due times and verdicts, with the policy's own clock over arrays.

For every ticket: the response and resolution due times of its plan and severity, and the
internal first response on its clock; each target met (it happened at or before its due time),
breached (later, or not yet and already due at ``as_of``), pending (not yet, not yet due) or
without a deadline ("when complete": counted in none of the three).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
from numpy.typing import NDArray

from ..clock import due_many, schedule_for
from ..policy.model import CALENDAR, Policy
from ..policy.units import Duration
from .tickets import NAT, Column, Tickets

NONE, MET, BREACHED, PENDING = 0, 1, 2, 3  # a verdict, one int8 per ticket
VERDICTS = {MET: "met", BREACHED: "breached", PENDING: "pending"}
NS = 1_000_000_000


@dataclass
class Target:
    """One target over all tickets: due times (NAT: no deadline), what happened, verdicts."""

    name: str  # "response", "resolution", "internal first response"
    due: NDArray[np.int64]
    happened: NDArray[np.int64]
    verdict: NDArray[np.int8]


@dataclass
class Measured:
    tickets: Tickets
    as_of: int
    response: Target
    resolution: Target
    internal: Target
    month: Column  # YYYY-MM in the working-hours zone


class Clocks:
    """The policy's clocks in their bulk form (:func:`generlate_handbook.clock.due_many`)."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy

    def due(self, clock: str, start: NDArray[np.int64], duration: int) -> NDArray[np.int64]:
        if clock == CALENDAR:
            return start + duration
        schedule = schedule_for(self.policy, clock)
        return due_many(start, np.int64(duration), schedule).view(np.int64)


def _nanoseconds(policy: Policy, value: Duration, clock: str) -> int:
    return int(policy.duration_on(value, clock) / timedelta(microseconds=1)) * 1000


def verdicts(due: NDArray[np.int64], happened: NDArray[np.int64], as_of: int) -> NDArray[np.int8]:
    """MET, BREACHED, PENDING or NONE per ticket; what happens after ``as_of`` has not happened."""
    has_deadline = due != NAT
    done = (happened != NAT) & (happened <= as_of)
    verdict = np.full(due.shape, NONE, dtype=np.int8)
    verdict[has_deadline & done & (happened <= due)] = MET
    verdict[has_deadline & done & (happened > due)] = BREACHED
    verdict[has_deadline & ~done & (due < as_of)] = BREACHED
    verdict[has_deadline & ~done & (due >= as_of)] = PENDING
    return verdict


def contractual(policy: Policy, tickets: Tickets, clocks: Clocks, kind: str) -> NDArray[np.int64]:
    """Each ticket's ``kind`` (response or resolution) due time; NAT for "when complete"."""
    due = np.full(len(tickets), NAT, dtype=np.int64)
    for plan_id in policy.plans:
        sla = policy.sla_for(plan_id)
        for sev_id, targets in sla.targets.items():
            target = getattr(targets, kind)
            if not isinstance(target.within, Duration):
                continue
            mask = tickets.plan.equals(plan_id) & tickets.severity.equals(sev_id)
            if mask.any():
                clock = policy.target_clock(sla, target)
                duration = _nanoseconds(policy, target.within, clock)
                due[mask] = clocks.due(clock, tickets.created[mask], duration)
    return due


def months(tickets: Tickets, policy: Policy, clock: str = "working-hours") -> Column:
    """The month (``YYYY-MM``) of each ticket's creation in ``clock``'s zone, as codes."""
    zone = policy.schedules[clock].zone if clock in policy.schedules else UTC
    local = tickets.created + local_offsets(tickets.created, zone)
    month = local.astype("datetime64[ns]").astype("datetime64[M]").astype(np.int64)
    present, codes = np.unique(month, return_inverse=True)
    names = np.datetime_as_string(present.astype("datetime64[M]")).astype(object)
    return Column(codes.astype(np.int32), names)


def local_offsets(instants: NDArray[np.int64], zone: object) -> NDArray[np.int64]:
    """The zone's UTC offset at each instant, in ns (one zone lookup per distinct hour)."""
    hours, inverse = np.unique(instants // (3600 * NS), return_inverse=True)
    offsets = np.array(
        [
            datetime.fromtimestamp(int(hour) * 3600, UTC).astimezone(zone).utcoffset()  # type: ignore[arg-type]
            // timedelta(seconds=1)
            for hour in hours
        ],
        dtype=np.int64,
    )
    return offsets[inverse] * NS if len(hours) else np.zeros(0, dtype=np.int64)


def measure(policy: Policy, tickets: Tickets, as_of: int) -> Measured:
    """Every ticket's targets and verdicts at ``as_of`` (UTC ns)."""
    clocks = Clocks(policy)
    internal_target = policy.internal.first_response
    internal_due = clocks.due(
        internal_target.clock,
        tickets.created,
        _nanoseconds(policy, internal_target.within, internal_target.clock),
    )
    response_due = contractual(policy, tickets, clocks, "response")
    resolution_due = contractual(policy, tickets, clocks, "resolution")
    return Measured(
        tickets,
        as_of,
        Target(
            "response",
            response_due,
            tickets.first_response,
            verdicts(response_due, tickets.first_response, as_of),
        ),
        Target(
            "resolution",
            resolution_due,
            tickets.resolved,
            verdicts(resolution_due, tickets.resolved, as_of),
        ),
        Target(
            "internal first response",
            internal_due,
            tickets.first_response,
            verdicts(internal_due, tickets.first_response, as_of),
        ),
        months(tickets, policy),
    )
