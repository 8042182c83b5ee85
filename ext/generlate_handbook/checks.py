"""Invariants of a valid policy: the things that must hold for the handbook to make sense.

Each check returns located errors that name the values involved. Targets on different clocks
are compared by their worst-case calendar time over a whole year (``clock.worst_case_elapsed``).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from . import clock as biz
from .clock.availability import SHORTEST_MONTH_DAYS, allowed_downtime, share_of
from .policy.model import CALENDAR, Policy, TimeTarget
from .policy.source import KeyPath, PolicyError, PolicySource, format_path
from .policy.units import NoDeadline
from .wording import format_minutes, format_percentage, format_target, format_timedelta


def describe(policy: Policy, target: TimeTarget) -> str:
    """``slas.standard.targets.sev1.response (24 working hours (3 business days))``."""
    return f"{format_path(target.path)} ({format_target(policy, target)})"


class Checker:
    """Runs every invariant over ``years`` (the DST calendars the policy must hold in)."""

    def __init__(self, policy: Policy, source: PolicySource, years: Sequence[int]) -> None:
        self.policy = policy
        self.source = source
        self.years = tuple(years)

    # -- helpers -----------------------------------------------------------------------------

    def worst_case(self, target: TimeTarget) -> timedelta | None:
        """The longest calendar time the target can take; None when it has no deadline."""
        working = self.policy.working_time(target)
        if working is None or target.clock == CALENDAR:
            return working
        schedule = biz.schedule_for(self.policy, target.clock)
        return max(biz.worst_case_elapsed(working, schedule, year) for year in self.years)

    def looser(self, a: TimeTarget, b: TimeTarget) -> bool:
        """Whether ``a`` allows more time than ``b``."""
        if a.clock == b.clock:
            first, second = self.policy.working_time(a), self.policy.working_time(b)
        else:
            first, second = self.worst_case(a), self.worst_case(b)
        if first is None:
            return second is not None
        return second is not None and first > second

    def compare_note(self, a: TimeTarget, b: TimeTarget) -> str:
        if a.clock == b.clock:
            return ""
        worst_a, worst_b = self.worst_case(a), self.worst_case(b)
        return (
            f"; compared on the calendar at their worst over {self._years_text()}: "
            f"{_maybe(worst_a)} against {_maybe(worst_b)}"
        )

    def _years_text(self) -> str:
        return ", ".join(str(year) for year in self.years)

    def error(self, path: KeyPath, message: str) -> PolicyError:
        return self.source.error(path, message)

    # -- the invariants ----------------------------------------------------------------------

    def sla_targets(self) -> Iterator[tuple[str, str, TimeTarget, TimeTarget]]:
        for sla_id in self.policy.slas:
            for sev_id in self.policy.severities:
                response, resolution = (
                    self.policy.sla_target(sla_id, sev_id, kind)
                    for kind in ("response", "resolution")
                )
                yield sla_id, sev_id, response, resolution

    def unless_looser(
        self, ours: TimeTarget, theirs: TimeTarget, rule: str
    ) -> Iterator[PolicyError]:
        """An error at ``ours`` when it allows more time than ``theirs``."""
        if self.looser(ours, theirs):
            yield self.error(
                ours.path,
                f"{rule}: {describe(self.policy, ours)} allows more time than "
                f"{describe(self.policy, theirs)}{self.compare_note(ours, theirs)}",
            )

    def response_not_after_resolution(self) -> Iterator[PolicyError]:
        for _, _, response, resolution in self.sla_targets():
            yield from self.unless_looser(
                response, resolution, "a response must not be due after its resolution"
            )

    def severities_ordered(self) -> Iterator[PolicyError]:
        by_sla: dict[str, list[tuple[TimeTarget, TimeTarget]]] = {}
        for sla_id, _, response, resolution in self.sla_targets():
            by_sla.setdefault(sla_id, []).append((response, resolution))
        for rows in by_sla.values():
            for higher, lower in itertools.pairwise(rows):
                for high, low in zip(higher, lower, strict=True):
                    yield from self.unless_looser(
                        high, low, "a higher severity must not be looser than a lower one"
                    )

    def internal_within_contract(self) -> Iterator[PolicyError]:
        first = self.policy.named_target("internal", "first_response")
        resolution = self.policy.named_target("internal", "resolution")
        for _, _, response_target, resolution_target in self.sla_targets():
            for ours, theirs in ((first, response_target), (resolution, resolution_target)):
                if not isinstance(theirs.within, NoDeadline):
                    yield from self.unless_looser(
                        ours, theirs, "an internal target must not be looser than the contract"
                    )

    def internal_within_individual(self) -> Iterator[PolicyError]:
        for name in ("first_response", "resolution"):
            yield from self.unless_looser(
                self.policy.named_target("internal", name),
                self.policy.named_target("individual", name),
                "a team target must be no looser than the individual targets it rolls up",
            )

    def window_covers_working_hours(self) -> Iterator[PolicyError]:
        """The internal first-response window must cover every contractual clock, every day."""
        window_id = self.policy.internal.first_response.clock
        if window_id == CALENDAR:
            return
        window = biz.schedule_for(self.policy, window_id)
        for clock_id in dict.fromkeys(sla.clock for sla in self.policy.slas.values()):
            if clock_id in (CALENDAR, window_id):
                continue
            hours = biz.schedule_for(self.policy, clock_id)
            gaps = [gap for year in self.years for gap in uncovered(hours, window, year)]
            if gaps:
                yield self.error(
                    ("schedules", window_id),
                    describe_gaps(window_id, clock_id, hours, gaps, self.years),
                )

    def maintenance_fits_availability(self) -> Iterator[PolicyError]:
        for plan_id, plan in self.policy.plans.items():
            if plan.maintenance is None or plan.availability is None:
                continue
            downtime = plan.maintenance.max_downtime.fixed()
            budget = allowed_downtime(plan.availability, SHORTEST_MONTH_DAYS)
            if downtime > budget:
                yield self.error(
                    ("plans", plan_id, "maintenance", "max_downtime"),
                    f"one maintenance window ({format_timedelta(downtime)}) is more than the "
                    f"downtime plans.{plan_id}.availability "
                    f"({format_percentage(plan.availability)}) allows in a "
                    f"{SHORTEST_MONTH_DAYS}-day month ({format_timedelta(budget)}, "
                    f"{share_of(downtime, budget):.0%} used)",
                )

    def all(self) -> list[PolicyError]:
        checks: Iterable[Callable[[], Iterator[PolicyError]]] = (
            self.response_not_after_resolution,
            self.severities_ordered,
            self.internal_within_contract,
            self.internal_within_individual,
            self.window_covers_working_hours,
            self.maintenance_fits_availability,
        )
        return sorted({error for check in checks for error in check()})


def _maybe(delta: timedelta | None) -> str:
    return "no deadline" if delta is None else format_timedelta(delta)


@dataclass(frozen=True)
class Gap:
    """Part of a local day's working hours that the window does not cover (UTC instants)."""

    day: date
    start: datetime
    end: datetime


def uncovered(hours: biz.Schedule, window: biz.Schedule, year: int) -> Iterator[Gap]:
    """Every stretch of ``hours`` in ``year`` (its local calendar) outside ``window``."""
    day = date(year, 1, 1)
    while day.year == year:
        for start, end in biz.open_intervals_on(day, hours):
            for gap_start, gap_end in _subtract((start, end), window):
                yield Gap(day, gap_start, gap_end)
        day += timedelta(days=1)


def _subtract(
    interval: tuple[datetime, datetime], window: biz.Schedule
) -> Iterator[tuple[datetime, datetime]]:
    start, end = interval
    cursor = start
    for open_start, open_end in biz.open_segments(start, end, window):
        if open_start > cursor:
            yield cursor, open_start
        cursor = max(cursor, open_end)
    if cursor < end:
        yield cursor, end


def describe_gaps(
    window_id: str, clock_id: str, hours: biz.Schedule, gaps: list[Gap], years: Sequence[int]
) -> str:
    total = sum((gap.end - gap.start for gap in gaps), timedelta())
    days = sorted({gap.day for gap in gaps})
    first = gaps[0]
    local_start = first.start.astimezone(hours.zone)
    local_end = first.end.astimezone(hours.zone)
    span = ", ".join(str(year) for year in years)
    return (
        f"the {window_id} schedule does not cover the {clock_id} schedule on {len(days)} days "
        f"in {span} ({format_timedelta(total, use_days=False)} in all), first on "
        f"{first.day.isoformat()} "
        f"{_hm(local_start)}–{_hm(local_end, local_start)} {hours.zone.key} "
        f"({_hm(first.start)}–{_hm(first.end, first.start)} UTC); define both in the same zone,"
        f" or make the window cover the hours in every daylight-saving regime"
    )


def _hm(moment: datetime, start: datetime | None = None) -> str:
    """``HH:MM``; an end at midnight after ``start``'s day is the end of that day, ``24:00``."""
    if (
        start is not None
        and moment.date() > start.date()
        and (moment.hour, moment.minute) == (0, 0)
    ):
        return "24:00"
    return format_minutes(moment.hour * 60 + moment.minute)


def check_policy(policy: Policy, source: PolicySource, years: Sequence[int]) -> list[PolicyError]:
    """Every invariant's errors, sorted by file and line."""
    return Checker(policy, source, years).all()
