"""Property-based tests of the business-hours clock on random schedules, zones and holidays.

Examples are derandomized and bounded so CI is deterministic and quick. For a deeper, random
search run ``CLOCK_HYPOTHESIS_SCALE=20 pytest tests/test_clock_properties.py``.

The oracle is deliberately naive and independent of the clock's internals: a schedule is open
at ``t`` if ``t`` lies in ``[local start, local end)`` of some non-holiday local day near ``t``,
each end resolved by zoneinfo (wall-clock arithmetic, ``fold=0``); ``due`` and ``elapsed`` are
then counted one minute at a time (:mod:`clock_reference`).
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from clock_reference import reference_due, reference_elapsed
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from generlate_handbook.clock import (
    Schedule,
    due,
    elapsed,
    is_open,
    next_open,
    open_segments,
    segments_until_due,
    worst_case_elapsed,
)

SCALE = int(os.environ.get("CLOCK_HYPOTHESIS_SCALE", "1"))


def bounded(examples: int) -> settings:
    return settings(
        max_examples=examples * SCALE,
        deadline=None,
        derandomize=SCALE == 1,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )


ZONES = [
    ZoneInfo(name)
    for name in (
        "America/Los_Angeles",
        "Europe/London",
        "Australia/Sydney",
        "UTC",
        "America/Santiago",  # changes at local midnight: 24:00 and 00:00 fall in gaps/folds
    )
]
# DST changes in those zones in 2026, and two ordinary dates (mid-year and the year end).
ANCHORS = [
    date.fromisoformat(day)
    for day in (
        "2026-03-08",
        "2026-11-01",
        "2026-03-29",
        "2026-10-25",
        "2026-04-05",
        "2026-10-04",
        "2026-09-06",
        "2026-06-15",
        "2026-12-30",
    )
]
POINTS = sorted({*range(0, 1441, 30), 1, 59, 61, 89, 151, 1439})
MINUTE = timedelta(minutes=1)


@st.composite
def day_hours(draw: st.DrawFn) -> tuple[tuple[int, int], ...]:
    points = sorted(draw(st.lists(st.sampled_from(POINTS), max_size=6, unique=True)))
    if draw(st.integers(0, 5)) == 0:
        points = [0, 1440]
    return tuple(zip(points[0::2], points[1::2], strict=False))


@st.composite
def cases(draw: st.DrawFn, min_week_minutes: int = 240) -> tuple[Schedule, date]:
    """A random schedule with holidays near a random anchor date, and that anchor."""
    anchor = draw(st.sampled_from(ANCHORS))
    hours = {weekday: draw(day_hours()) for weekday in range(7)}
    offsets = draw(st.sets(st.integers(-7, 21), max_size=5))
    schedule = Schedule(
        zone=draw(st.sampled_from(ZONES)),
        hours=hours,
        holidays=frozenset(anchor + timedelta(days=n) for n in offsets),
    )
    assume(schedule.week_minutes() >= min_week_minutes)
    return schedule, anchor


@st.composite
def minute_starts(draw: st.DrawFn, anchor: date) -> datetime:
    midnight = datetime.combine(anchor, time(0), tzinfo=UTC)
    return midnight + draw(st.integers(-5 * 1440, 3 * 1440)) * MINUTE


@st.composite
def instants(draw: st.DrawFn, anchor: date) -> datetime:
    """Any microsecond within a few days of the anchor, in UTC or a fixed offset."""
    midnight = datetime.combine(anchor, time(0), tzinfo=UTC)
    micro = draw(st.integers(-5 * 86_400_000_000, 3 * 86_400_000_000))
    t = midnight + timedelta(microseconds=micro)
    return t.astimezone(draw(st.sampled_from([UTC, ZoneInfo("Asia/Kolkata"), ZoneInfo("UTC")])))


class Naive:
    """The obviously-correct definition of open, with a per-day memo so stepping is bearable."""

    def __init__(self, schedule: Schedule) -> None:
        self.schedule = schedule
        self.days: dict[date, list[tuple[datetime, datetime]]] = {}

    def raw(self, day: date) -> list[tuple[datetime, datetime]]:
        if day not in self.days:
            s = self.schedule
            midnight = datetime.combine(day, time(0), tzinfo=s.zone)
            self.days[day] = [
                ((midnight + a * MINUTE).astimezone(UTC), (midnight + b * MINUTE).astimezone(UTC))
                for a, b in ([] if day in s.holidays else s.hours.get(day.weekday(), ()))
            ]
        return self.days[day]

    def is_open(self, t: datetime, schedule: Schedule) -> bool:
        u = t.astimezone(UTC)
        local = u.astimezone(schedule.zone).date()
        return any(a <= u < b for n in (-1, 0, 1) for a, b in self.raw(local + timedelta(days=n)))


@bounded(60)
@given(data=st.data(), case=cases(min_week_minutes=600))
def test_due_matches_minute_stepping_reference(data: st.DataObject, case: tuple) -> None:
    schedule, anchor = case
    start = data.draw(minute_starts(anchor), label="start")
    cap = min(80 * 60, schedule.week_minutes() * 5 // 2)  # up to 2.5 weeks of open time
    duration = data.draw(st.integers(0, cap), label="minutes") * MINUTE
    naive = Naive(schedule)
    expected = reference_due(start, duration, schedule, naive.is_open, max_minutes=60 * 1440)
    assert due(start, duration, schedule) == expected


@bounded(40)
@given(data=st.data(), case=cases())
def test_elapsed_matches_minute_stepping_reference(data: st.DataObject, case: tuple) -> None:
    schedule, anchor = case
    start = data.draw(minute_starts(anchor), label="start")
    end = start + data.draw(st.integers(-60, 12 * 1440), label="minutes") * MINUTE
    naive = Naive(schedule)
    assert elapsed(start, end, schedule) == reference_elapsed(start, end, schedule, naive.is_open)


@bounded(150)
@given(data=st.data(), case=cases(min_week_minutes=1))
def test_is_open_and_next_open_match_the_definition(data: st.DataObject, case: tuple) -> None:
    schedule, anchor = case
    t = data.draw(instants(anchor), label="t")
    naive = Naive(schedule)
    assert is_open(t, schedule) == naive.is_open(t, schedule)
    opening = next_open(t, schedule)
    assert opening >= t
    assert naive.is_open(opening, schedule)
    assert (opening == t) == naive.is_open(t, schedule)
    if opening > t:  # nothing open in between: the next minute boundary after t is closed
        probe = t + timedelta(microseconds=1)
        assert probe == opening or not naive.is_open(probe, schedule)
        assert elapsed(t, opening, schedule) == timedelta(0)


durations = st.one_of(
    st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=80)),
    st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=2000)),
    st.integers(0, 200).map(lambda n: n * timedelta(hours=1)),
)


@bounded(120)
@given(data=st.data(), case=cases(min_week_minutes=60))
def test_round_trip_and_deadline_placement(data: st.DataObject, case: tuple) -> None:
    schedule, anchor = case
    start = data.draw(instants(anchor), label="start")
    duration = data.draw(durations, label="duration")
    deadline = due(start, duration, schedule)
    assert deadline.tzinfo is UTC
    assert deadline >= start
    assert deadline >= next_open(start, schedule)
    assert elapsed(start, deadline, schedule) == duration
    if duration:
        # Inside an open interval, or exactly at its end: the instant just before is open.
        assert is_open(deadline - timedelta(microseconds=1), schedule)
        # The segments due() counted add up to the target and end at the deadline.
        segments = segments_until_due(start, duration, schedule)
        assert sum((b - a for a, b in segments), timedelta(0)) == duration
        assert segments[-1][1] == deadline
        assert segments[0][0] == next_open(start, schedule)
        assert all(b1 < a2 for (_, b1), (a2, _) in pairwise(segments))
    else:
        assert deadline == next_open(start, schedule)


@bounded(100)
@given(data=st.data(), case=cases(min_week_minutes=60))
def test_due_is_monotonic(data: st.DataObject, case: tuple) -> None:
    schedule, anchor = case
    start = data.draw(instants(anchor), label="start")
    later = start + data.draw(st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=9)))
    duration = data.draw(durations, label="duration")
    longer = duration + data.draw(
        st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=3))
    )
    assert due(start, duration, schedule) <= due(later, duration, schedule)
    assert due(start, duration, schedule) <= due(start, longer, schedule)


@bounded(60)
@given(data=st.data(), case=cases(min_week_minutes=1))
def test_elapsed_agrees_with_segments(data: st.DataObject, case: tuple) -> None:
    """elapsed() subtracts running totals; open_segments() lists intervals. They must agree."""
    schedule, anchor = case
    start = data.draw(instants(anchor), label="start")
    end = start + data.draw(st.timedeltas(min_value=-timedelta(days=1), max_value=timedelta(400)))
    segments = list(open_segments(start, end, schedule))
    assert elapsed(start, end, schedule) == sum((b - a for a, b in segments), timedelta(0))
    assert all(start <= a < b <= end for a, b in segments)


@bounded(12)
@given(data=st.data(), case=cases(min_week_minutes=120))
def test_worst_case_bounds_sampled_starts(data: st.DataObject, case: tuple) -> None:
    schedule, _ = case
    duration = data.draw(st.integers(0, 40), label="hours") * timedelta(hours=1)
    worst = worst_case_elapsed(duration, schedule, 2026)
    local_new_year = datetime(2026, 1, 1, tzinfo=schedule.zone)
    offsets = data.draw(st.lists(st.integers(0, 365 * 86_400 - 1), min_size=1, max_size=20))
    for seconds in offsets:
        start = local_new_year + timedelta(seconds=seconds)
        assert due(start, duration, schedule) - start <= worst
