"""The business-hours clock on the handbook's real schedules: an edge-case table and API checks.

Times are written as ISO strings with their offsets so each row reads like the policy does.
"""

from __future__ import annotations

import ast
import dataclasses
import functools
import pickle
import time
from collections.abc import Callable
from copy import deepcopy
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
import pytest

from generlate_handbook.clock import (
    InstantError,
    NaiveDatetimeError,
    OutOfRangeError,
    Schedule,
    due,
    elapsed,
    is_open,
    next_open,
    open_intervals_on,
    open_segments,
    segments_until_due,
    worst_case_elapsed,
)
from generlate_handbook.clock import index as index_module

LA = ZoneInfo("America/Los_Angeles")
WEEKDAYS = range(5)

WORKING_HOURS = Schedule(LA, {d: ((9 * 60, 17 * 60),) for d in WEEKDAYS}, name="Working hours")
SUPPORT_WINDOW = Schedule(LA, {d: ((2 * 60, 17 * 60),) for d in WEEKDAYS}, name="Support window")
US_HOLIDAYS = frozenset(holidays.US(years=(2026, 2027)))
WORKING_HOURS_US = dataclasses.replace(WORKING_HOURS, holidays=US_HOLIDAYS)
WEEKENDS = Schedule(LA, {5: ((0, 1440),), 6: ((0, 1440),)}, name="Weekends, 00:00-24:00")
CALENDAR = Schedule.calendar()

SCHEDULES = {
    "wh": WORKING_HOURS,
    "sw": SUPPORT_WINDOW,
    "wh+us": WORKING_HOURS_US,
    "weekends": WEEKENDS,
    "calendar": CALENDAR,
}


def t(text: str) -> datetime:
    return datetime.fromisoformat(text)


def h(hours: float) -> timedelta:
    return timedelta(hours=hours)


# id, schedule, start, working hours, expected deadline. 2026-06-09 is a Tuesday.
DUE_CASES = [
    ("before-opening", "wh", "2026-06-09T07:30-07:00", 2, "2026-06-09T11:00-07:00"),
    ("at-opening", "wh", "2026-06-09T09:00-07:00", 2, "2026-06-09T11:00-07:00"),
    ("inside", "wh", "2026-06-09T15:00-07:00", 4, "2026-06-10T11:00-07:00"),
    ("at-closing", "wh", "2026-06-09T17:00-07:00", 1, "2026-06-10T10:00-07:00"),
    ("after-closing", "wh", "2026-06-09T20:00-07:00", 1, "2026-06-10T10:00-07:00"),
    ("opened-in-utc", "wh", "2026-06-09T16:00Z", 1, "2026-06-09T10:00-07:00"),
    ("ends-at-closing", "wh", "2026-06-09T09:00-07:00", 8, "2026-06-09T17:00-07:00"),
    ("ends-at-closing-next-day", "wh", "2026-06-09T13:00-07:00", 12, "2026-06-10T17:00-07:00"),
    ("friday-evening", "wh", "2026-06-12T18:00-07:00", 3, "2026-06-15T12:00-07:00"),
    ("saturday", "wh", "2026-06-13T10:00-07:00", 3, "2026-06-15T12:00-07:00"),
    ("friday-afternoon-into-monday", "wh", "2026-06-12T16:30-07:00", 1, "2026-06-15T09:30-07:00"),
    ("sw-before-opening", "sw", "2026-06-09T01:00-07:00", 1, "2026-06-09T03:00-07:00"),
    ("sw-friday-evening", "sw", "2026-06-12T18:00-07:00", 16, "2026-06-16T03:00-07:00"),
    ("holiday-thanksgiving", "wh+us", "2026-11-25T16:00-08:00", 2, "2026-11-27T10:00-08:00"),
    (
        "holiday-friday-before-weekend",
        "wh+us",
        "2026-07-02T16:00-07:00",
        2,
        "2026-07-06T10:00-07:00",
    ),
    ("opened-on-holiday", "wh+us", "2026-07-03T10:00-07:00", 1, "2026-07-06T10:00-07:00"),
    ("same-dates-no-holidays", "wh", "2026-07-02T16:00-07:00", 2, "2026-07-03T10:00-07:00"),
    ("dst-start-wh", "wh", "2026-03-06T16:00-08:00", 2, "2026-03-09T10:00-07:00"),
    ("dst-start-sw", "sw", "2026-03-06T16:00-08:00", 2, "2026-03-09T03:00-07:00"),
    ("dst-end-acceptance-24h", "wh", "2026-10-30T16:00-07:00", 24, "2026-11-05T00:00Z"),
    ("dst-end-acceptance-72h", "wh", "2026-10-30T16:00-07:00", 72, "2026-11-13T00:00Z"),
    ("dst-end-sw", "sw", "2026-10-30T16:00-07:00", 2, "2026-11-02T03:00-08:00"),
    ("dst-end-sw-24h", "sw", "2026-10-30T16:00-07:00", 24, "2026-11-03T10:00-08:00"),
    ("multi-week-200h", "wh", "2026-06-01T09:00-07:00", 200, "2026-07-03T17:00-07:00"),
    ("multi-week-200h-holidays", "wh+us", "2026-06-01T09:00-07:00", 200, "2026-07-07T17:00-07:00"),
    ("multi-week-2000h", "wh", "2026-01-05T09:00-08:00", 2000, "2026-12-18T17:00-08:00"),
    ("year-2000h-holidays", "wh+us", "2026-01-01T00:00-08:00", 2000, "2026-12-31T17:00-08:00"),
    ("24h-weekend-fall-back", "weekends", "2026-10-31T00:00-07:00", 48, "2026-11-01T23:00-08:00"),
    ("24h-25-hour-sunday", "weekends", "2026-10-31T00:00-07:00", 49, "2026-11-02T00:00-08:00"),
    ("24h-23-hour-sunday", "weekends", "2026-03-07T00:00-08:00", 47, "2026-03-09T00:00-07:00"),
    ("24h-past-23-hour-sunday", "weekends", "2026-03-07T00:00-08:00", 48, "2026-03-14T01:00-07:00"),
    ("24h-from-midweek", "weekends", "2026-10-28T12:00-07:00", 1, "2026-10-31T01:00-07:00"),
    ("zero-before-opening", "wh", "2026-06-09T07:30-07:00", 0, "2026-06-09T09:00-07:00"),
    ("zero-inside", "wh", "2026-06-09T10:00-07:00", 0, "2026-06-09T10:00-07:00"),
    ("zero-at-closing", "wh", "2026-06-09T17:00-07:00", 0, "2026-06-10T09:00-07:00"),
    ("calendar", "calendar", "2026-10-30T16:00-07:00", 24, "2026-10-31T23:00Z"),
    ("calendar-across-dst", "calendar", "2026-10-31T12:00-07:00", 72, "2026-11-03T11:00-08:00"),
]


@pytest.mark.parametrize(
    ("schedule", "start", "hours", "expected"),
    [pytest.param(*row[1:], id=row[0]) for row in DUE_CASES],
)
def test_due(schedule: str, start: str, hours: float, expected: str) -> None:
    got = due(t(start), h(hours), SCHEDULES[schedule])
    assert got == t(expected)
    assert got.tzinfo is UTC
    # The same table read backwards: the open time between start and deadline is the target.
    assert elapsed(t(start), got, SCHEDULES[schedule]) == h(hours)


def test_acceptance_example_segments() -> None:
    """Friday 1h, Monday and Tuesday 8h across the end of daylight time, Wednesday 7h."""
    segments = segments_until_due(t("2026-10-30T16:00-07:00"), h(24), WORKING_HOURS)
    assert segments == [
        (t("2026-10-30T23:00Z"), t("2026-10-31T00:00Z")),
        (t("2026-11-02T17:00Z"), t("2026-11-03T01:00Z")),
        (t("2026-11-03T17:00Z"), t("2026-11-04T01:00Z")),
        (t("2026-11-04T17:00Z"), t("2026-11-05T00:00Z")),
    ]
    assert all(a.tzinfo is UTC and b.tzinfo is UTC for a, b in segments)
    assert segments_until_due(t("2026-06-09T10:00-07:00"), h(0), WORKING_HOURS) == []


# id, schedule, start, end, expected open hours.
ELAPSED_CASES = [
    ("same-day", "wh", "2026-06-09T10:00-07:00", "2026-06-09T15:00-07:00", 5),
    ("around-the-day", "wh", "2026-06-09T07:00-07:00", "2026-06-09T20:00-07:00", 8),
    ("end-before-start", "wh", "2026-06-09T15:00-07:00", "2026-06-09T10:00-07:00", 0),
    ("empty", "wh", "2026-06-09T15:00-07:00", "2026-06-09T15:00-07:00", 0),
    ("weekend", "wh", "2026-06-12T17:00-07:00", "2026-06-15T09:00-07:00", 0),
    ("dst-start-wh", "wh", "2026-03-06T12:00-08:00", "2026-03-09T12:00-07:00", 8),
    ("dst-start-sw", "sw", "2026-03-06T12:00-08:00", "2026-03-09T12:00-07:00", 15),
    ("dst-end-wh", "wh", "2026-10-30T10:00-07:00", "2026-11-02T10:00-08:00", 8),
    ("dst-end-sw", "sw", "2026-10-30T10:00-07:00", "2026-11-02T10:00-08:00", 15),
    ("acceptance", "wh", "2026-10-30T16:00-07:00", "2026-11-05T00:00Z", 24),
    ("holiday", "wh+us", "2026-07-02T00:00-07:00", "2026-07-07T00:00-07:00", 16),
    ("july-with-holidays", "wh+us", "2026-07-01T00:00-07:00", "2026-08-01T00:00-07:00", 176),
    ("year-with-holidays", "wh+us", "2026-01-01T00:00-08:00", "2027-01-01T00:00-08:00", 2000),
    ("year-no-holidays", "wh", "2026-01-01T00:00-08:00", "2027-01-01T00:00-08:00", 2088),
    ("24h-25-hour-weekend", "weekends", "2026-10-31T00:00-07:00", "2026-11-02T00:00-08:00", 49),
    ("24h-23-hour-weekend", "weekends", "2026-03-07T00:00-08:00", "2026-03-09T00:00-07:00", 47),
    ("24h-october", "weekends", "2026-10-01T00:00-07:00", "2026-11-01T00:00-07:00", 216),
    ("calendar-across-dst", "calendar", "2026-10-31T12:00-07:00", "2026-11-01T12:00-08:00", 25),
]


@pytest.mark.parametrize(
    ("schedule", "start", "end", "hours"),
    [pytest.param(*row[1:], id=row[0]) for row in ELAPSED_CASES],
)
def test_elapsed(schedule: str, start: str, end: str, hours: float) -> None:
    assert elapsed(t(start), t(end), SCHEDULES[schedule]) == h(hours)


def test_holidays_package_dates_close_whole_days() -> None:
    us = holidays.US(years=2026)
    observed = date(2026, 7, 3)  # Independence Day falls on a Saturday, observed Friday
    assert observed in us
    assert open_intervals_on(observed, WORKING_HOURS_US) == []
    assert not is_open(t("2026-07-03T12:00-07:00"), WORKING_HOURS_US)
    assert is_open(t("2026-07-03T12:00-07:00"), WORKING_HOURS)
    assert next_open(t("2026-07-02T17:00-07:00"), WORKING_HOURS_US) == t("2026-07-06T09:00-07:00")


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ("2026-06-09T08:59:59-07:00", False),
        ("2026-06-09T09:00-07:00", True),
        ("2026-06-09T16:59:59.999999-07:00", True),
        ("2026-06-09T17:00-07:00", False),
        ("2026-06-13T12:00-07:00", False),
        ("2026-11-02T17:00Z", True),  # 09:00 PST on the Monday after daylight time ends
        ("2026-11-02T16:30Z", False),  # 08:30 PST (it would be 09:30 PDT)
    ],
)
def test_is_open(when: str, expected: bool) -> None:
    assert is_open(t(when), WORKING_HOURS) is expected


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ("2026-06-09T07:00-07:00", "2026-06-09T09:00-07:00"),
        ("2026-06-09T12:34:56.789-07:00", "2026-06-09T12:34:56.789-07:00"),
        ("2026-06-09T17:00-07:00", "2026-06-10T09:00-07:00"),
        ("2026-10-30T17:00-07:00", "2026-11-02T09:00-08:00"),
        ("2026-03-06T17:00-08:00", "2026-03-09T09:00-07:00"),
    ],
)
def test_next_open(when: str, expected: str) -> None:
    got = next_open(t(when), WORKING_HOURS)
    assert got == t(expected)
    assert got.tzinfo is UTC


@pytest.mark.parametrize(
    ("schedule", "day", "expected"),
    [
        ("wh", "2026-03-06", [("2026-03-06T17:00Z", "2026-03-07T01:00Z")]),
        ("wh", "2026-03-08", []),
        ("wh", "2026-03-09", [("2026-03-09T16:00Z", "2026-03-10T00:00Z")]),
        ("wh", "2026-10-30", [("2026-10-30T16:00Z", "2026-10-31T00:00Z")]),
        ("wh", "2026-11-02", [("2026-11-02T17:00Z", "2026-11-03T01:00Z")]),
        ("sw", "2026-03-09", [("2026-03-09T09:00Z", "2026-03-10T00:00Z")]),
        ("sw", "2026-11-02", [("2026-11-02T10:00Z", "2026-11-03T01:00Z")]),
        ("wh+us", "2026-11-26", []),
        ("weekends", "2026-03-08", [("2026-03-08T08:00Z", "2026-03-09T07:00Z")]),  # 23 hours
        ("weekends", "2026-11-01", [("2026-11-01T07:00Z", "2026-11-02T08:00Z")]),  # 25 hours
        ("weekends", "2026-11-02", []),
        ("calendar", "2026-11-01", [("2026-11-01T00:00Z", "2026-11-02T00:00Z")]),
    ],
)
def test_open_intervals_on(schedule: str, day: str, expected: list[tuple[str, str]]) -> None:
    got = open_intervals_on(date.fromisoformat(day), SCHEDULES[schedule])
    assert got == [(t(a), t(b)) for a, b in expected]
    assert all(a.tzinfo is UTC for a, _ in got)


@pytest.mark.parametrize(
    ("interval", "expected"),
    [
        # 02:30 does not exist on 2026-03-08; fold=0 reads it as PST, i.e. 10:30Z = 03:30 PDT.
        ((150, 210), []),  # 02:30-03:30 -> 10:30Z-10:30Z: empty that day
        ((60, 150), [("2026-03-08T09:00Z", "2026-03-08T10:30Z")]),  # 01:00-"02:30"
        ((120, 240), [("2026-03-08T10:00Z", "2026-03-08T11:00Z")]),  # 02:00-04:00: 1 real hour
        ((60, 240), [("2026-03-08T09:00Z", "2026-03-08T11:00Z")]),  # 01:00-04:00: 2 real hours
    ],
    ids=["inside-gap", "ends-in-gap", "starts-in-gap", "spans-gap"],
)
def test_spring_forward_gap(interval: tuple[int, int], expected: list[tuple[str, str]]) -> None:
    schedule = Schedule(LA, {6: (interval,)})
    assert open_intervals_on(date(2026, 3, 8), schedule) == [(t(a), t(b)) for a, b in expected]
    week_before = open_intervals_on(date(2026, 3, 1), schedule)
    assert [b - a for a, b in week_before] == [timedelta(minutes=interval[1] - interval[0])]


def test_gap_overlap_counted_once() -> None:
    """01:00-02:30 and 03:00-04:00 overlap in UTC on the spring-forward day; count it once."""
    schedule = Schedule(LA, {6: ((60, 150), (180, 240))})
    day = date(2026, 3, 8)
    assert open_intervals_on(day, schedule) == [(t("2026-03-08T09:00Z"), t("2026-03-08T11:00Z"))]
    start = t("2026-03-08T00:00-08:00")
    assert elapsed(start, start + h(24), schedule) == h(2)
    assert due(start, h(2), schedule) == t("2026-03-08T11:00Z")


def test_fall_back_repeated_hour_means_first_occurrence() -> None:
    schedule = Schedule(LA, {6: ((60, 90),)})  # 01:00-01:30 happens twice on 2026-11-01
    assert open_intervals_on(date(2026, 11, 1), schedule) == [
        (t("2026-11-01T01:00-07:00"), t("2026-11-01T01:30-07:00"))
    ]


def test_open_segments_merge_and_clip() -> None:
    segments = list(
        open_segments(t("2026-10-30T12:00-07:00"), t("2026-11-03T12:00-08:00"), WEEKENDS)
    )
    assert segments == [(t("2026-10-31T00:00-07:00"), t("2026-11-02T00:00-08:00"))]
    segments = list(
        open_segments(t("2026-06-09T12:00-07:00"), t("2026-06-11T10:00-07:00"), WORKING_HOURS)
    )
    assert segments == [
        (t("2026-06-09T12:00-07:00"), t("2026-06-09T17:00-07:00")),
        (t("2026-06-10T09:00-07:00"), t("2026-06-10T17:00-07:00")),
        (t("2026-06-11T09:00-07:00"), t("2026-06-11T10:00-07:00")),
    ]
    assert list(open_segments(t("2026-06-09T12:00Z"), t("2026-06-09T11:00Z"), CALENDAR)) == []


@pytest.mark.parametrize(
    ("schedule", "duration", "expected"),
    [
        # Just after Friday 17:00 to Monday 10:00 is 65 h, but the weekend daylight time ends
        # has a 25-hour Sunday: Friday 2026-10-30 17:00 PDT to Monday 10:00 PST is 66 h.
        ("wh", 1, 66),
        ("wh", 0, 65),
        ("wh+us", 1, 89),  # a Friday or Monday holiday next to a weekend
        ("sw", 1, 59),  # Friday 17:00 PDT to Monday 03:00 PST (58 h in other weeks)
        ("calendar", 5, 5),
        ("weekends", 1, 121),  # Sunday 24:00 to Saturday 01:00
    ],
)
def test_worst_case_elapsed(schedule: str, duration: float, expected: float) -> None:
    assert worst_case_elapsed(h(duration), SCHEDULES[schedule], 2026) == h(expected)


def test_worst_case_elapsed_without_dst_is_friday_evening() -> None:
    utc_hours = dataclasses.replace(WORKING_HOURS, zone=ZoneInfo("UTC"))
    assert worst_case_elapsed(h(1), utc_hours, 2026) == h(65)
    assert worst_case_elapsed(h(8), utc_hours, 2026) == h(72)  # Friday 17:00 -> Monday 17:00


def test_worst_case_elapsed_bounds_every_start() -> None:
    worst = worst_case_elapsed(h(4), WORKING_HOURS_US, 2026)
    first = t("2026-01-01T00:00-08:00")
    starts = [first + i * timedelta(minutes=997) for i in range(520)]
    observed = max(due(s, h(4), WORKING_HOURS_US) - s for s in starts)
    assert observed <= worst
    # Attained by a ticket opened as the office closes before the Independence Day weekend.
    closing = t("2026-07-02T17:00-07:00")
    assert due(closing, h(4), WORKING_HOURS_US) - closing == worst


def test_schedule_properties() -> None:
    assert WORKING_HOURS.week_minutes() == 40 * 60
    assert WORKING_HOURS.day_minutes() == 8 * 60
    assert SUPPORT_WINDOW.day_minutes() == 15 * 60
    assert CALENDAR.week_minutes() == 7 * 24 * 60
    assert CALENDAR.day_minutes() == 24 * 60
    assert CALENDAR.zone == ZoneInfo("UTC") and not CALENDAR.holidays
    uneven = Schedule(LA, {0: ((540, 1020),), 4: ((540, 780),)})
    assert uneven.day_minutes() is None
    assert Schedule(LA, {}).day_minutes() is None
    assert Schedule(LA, {}).week_minutes() == 0


def test_schedule_is_hashable_and_normalised() -> None:
    a = Schedule(LA, {0: [[540, 1020]], 1: ()}, holidays={date(2026, 1, 1)})
    b = Schedule("America/Los_Angeles", {0: ((540, 1020),)}, frozenset([date(2026, 1, 1)]))
    assert a == b and hash(a) == hash(b)
    assert dict(a.hours) == {0: ((540, 1020),)}
    assert a.hours[0] == ((540, 1020),) and 1 not in a.hours
    assert isinstance(a.holidays, frozenset)
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.name = "x"  # type: ignore[misc]

    @functools.lru_cache
    def week(schedule: Schedule) -> int:
        return schedule.week_minutes()

    assert week(a) == week(b) == 480
    assert week.cache_info().hits == 1


def test_schedule_pickles_and_copies_without_its_index() -> None:
    due(AWARE, h(1), WORKING_HOURS_US)  # the index is built and kept on the instance
    for copy in (pickle.loads(pickle.dumps(WORKING_HOURS_US)), deepcopy(WORKING_HOURS_US)):
        assert copy == WORKING_HOURS_US and copy.hours == WORKING_HOURS_US.hours
        assert due(AWARE, h(30), copy) == due(AWARE, h(30), WORKING_HOURS_US)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"hours": {7: ((0, 60),)}}, "weekday 7"),
        ({"hours": {0: ((540, 1441),)}}, "0 <= start < end <= 1440"),
        ({"hours": {0: ((600, 600),)}}, "0 <= start < end <= 1440"),
        ({"hours": {0: ((-1, 60),)}}, "0 <= start < end <= 1440"),
        ({"hours": {0: ((540, 720), (700, 800))}}, "Monday intervals overlap"),
        ({"hours": {2: ((700, 800), (540, 600))}}, "Wednesday intervals overlap or are out of"),
        ({"hours": {0: ((540.0, 600),)}}, "whole minutes"),
        ({"hours": {0: (540, 600)}}, "not a pair"),
        ({"hours": [(540, 600)]}, "mapping"),
        ({"zone": "Mars/Olympus_Mons"}, "unknown time zone"),
        ({"zone": 5}, "zone must be a ZoneInfo"),
        ({"holidays": {datetime(2026, 1, 1, tzinfo=UTC)}}, "is not a date"),
        ({"holidays": {"2026-01-01"}}, "is not a date"),
    ],
)
def test_schedule_validation(kwargs: dict[str, object], message: str) -> None:
    fields: dict[str, object] = {"zone": LA, "hours": {0: ((540, 1020),)}, "name": "Test"}
    fields.update(kwargs)
    with pytest.raises(ValueError, match=message):
        Schedule(**fields)  # type: ignore[arg-type]


def test_touching_intervals_are_allowed() -> None:
    split = Schedule(LA, {0: ((540, 720), (720, 1020))})
    assert split.week_minutes() == 480
    assert open_intervals_on(date(2026, 6, 8), split) == open_intervals_on(
        date(2026, 6, 8), WORKING_HOURS
    )
    assert due(t("2026-06-08T11:00-07:00"), h(1), split) == t("2026-06-08T12:00-07:00")


NAIVE = datetime(2026, 10, 30, 16, 0)
AWARE = t("2026-10-30T16:00-07:00")


@pytest.mark.parametrize(
    "call",
    [
        lambda: due(NAIVE, h(24), WORKING_HOURS),
        lambda: elapsed(NAIVE, AWARE, WORKING_HOURS),
        lambda: elapsed(AWARE, NAIVE, WORKING_HOURS),
        lambda: is_open(NAIVE, WORKING_HOURS),
        lambda: next_open(NAIVE, WORKING_HOURS),
        lambda: open_segments(NAIVE, AWARE, WORKING_HOURS),
        lambda: segments_until_due(NAIVE, h(1), WORKING_HOURS),
        lambda: due(NAIVE, h(1), CALENDAR),
    ],
    ids=["due", "elapsed-start", "elapsed-end", "is_open", "next_open", "segments", "until", "cal"],
)
def test_naive_datetimes_rejected(call) -> None:
    with pytest.raises(NaiveDatetimeError, match="no UTC offset") as raised:
        call()
    assert isinstance(raised.value, ValueError)


def test_naive_message_suggests_offsets() -> None:
    with pytest.raises(NaiveDatetimeError) as raised:
        due(NAIVE, h(24), WORKING_HOURS)
    message = str(raised.value)
    assert message.startswith("2026-10-30T16:00:00 has no UTC offset; write it as ")
    assert "2026-10-30T16:00:00-07:00" in message
    assert "2026-10-30T16:00:00Z" in message


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="negative"):
        due(AWARE, h(-1), WORKING_HOURS)
    with pytest.raises(TypeError, match="timedelta"):
        due(AWARE, 60, WORKING_HOURS)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="datetime"):
        due(date(2026, 1, 1), h(1), WORKING_HOURS)  # type: ignore[arg-type]
    never = Schedule(LA, {}, name="Never")
    with pytest.raises(ValueError, match="'Never' has no open hours"):
        due(AWARE, h(1), never)
    with pytest.raises(ValueError, match="no open hours"):
        next_open(AWARE, never)
    assert elapsed(AWARE, AWARE + h(100), never) == timedelta(0)
    assert not is_open(AWARE, never)


@pytest.mark.parametrize(
    "call",
    [
        lambda: due(t("1699-12-31T23:59Z"), h(1), WORKING_HOURS),
        lambda: is_open(t("2261-01-01T00:00Z"), WORKING_HOURS),
        lambda: elapsed(AWARE, t("9999-01-01T00:00Z"), WORKING_HOURS),
        lambda: due(t("2260-12-31T20:00Z"), h(8), WORKING_HOURS),  # due in 2261
    ],
    ids=["start-1699", "t-2261", "end-9999", "answer-2261"],
)
def test_years_outside_the_clock_are_errors(call) -> None:
    with pytest.raises(OutOfRangeError, match=r"years the clock handles \(1700–2260\)") as raised:
        call()
    assert isinstance(raised.value, InstantError) and isinstance(raised.value, ValueError)


@pytest.mark.parametrize("when", ["1700-01-01T00:00Z", "2260-12-29T12:00Z"])
def test_the_first_and_last_days_of_the_clock_years_work(when: str) -> None:
    fresh = dataclasses.replace(WORKING_HOURS, name=f"edge {when}")  # its index starts there
    deadline = due(t(when), h(1), fresh)
    assert deadline > t(when) and elapsed(t(when), deadline, fresh) == h(1)
    assert is_open(t(when), fresh) == is_open(t(when), WORKING_HOURS)
    assert is_open(t("2260-12-31T23:59:59.999999Z"), fresh)  # Monday 15:59 PST: open


def test_results_are_utc_whatever_the_input_zone() -> None:
    start = datetime(2026, 10, 30, 16, tzinfo=LA)
    tokyo = start.astimezone(ZoneInfo("Asia/Tokyo"))
    assert due(start, h(24), WORKING_HOURS) == due(tokyo, h(24), WORKING_HOURS)
    assert due(tokyo, h(24), WORKING_HOURS).tzinfo is UTC
    assert next_open(tokyo, CALENDAR).tzinfo is UTC
    assert due(tokyo, h(1), CALENDAR).tzinfo is UTC


def _best_of(repeats: int, call: Callable[[], object], number: int = 200) -> float:
    best = float("inf")
    for _ in range(repeats):
        began = time.perf_counter()
        for _ in range(number):
            call()
        best = min(best, time.perf_counter() - began)
    return best


def test_cost_does_not_grow_with_the_target(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every answer is a binary search in the index: once it covers the dates, a 2000-hour
    target converts no local day and costs about what a 1-hour target does."""
    schedule = dataclasses.replace(WORKING_HOURS, name="cost")  # a fresh index
    start = t("2026-01-05T09:00-08:00")
    tables = []
    monkeypatch.setattr(index_module, "_table", _spy(index_module._table, tables))
    assert due(start, h(40 * 52 * 5), schedule) == t("2030-12-27T17:00-08:00")
    assert 1 <= len(tables) <= 3  # built for 2025-2027, then grown geometrically to 2031
    converted: list[date] = []
    monkeypatch.setattr(
        index_module, "day_segments", _spy(index_module.day_segments, converted, keep=1)
    )
    for i in range(200):
        due(start + timedelta(minutes=37 * i), h(2000), schedule)
    assert converted == []
    short = _best_of(5, lambda: due(start, h(1), schedule))
    long = _best_of(5, lambda: due(start, h(2000), schedule))
    assert long < 3 * short, f"2000 h took {long / short:.1f} times as long as 1 h"


def _spy(function: Callable, calls: list, keep: int = 0) -> Callable:
    def spy(*args: object) -> object:
        calls.append(args[keep] if keep else args)
        return function(*args)

    return spy


FORBIDDEN_IMPORTS = {"sphinx", "docutils", "pydantic", "yaml", "ruamel"}


def test_clock_is_pure_python() -> None:
    source = Path(__file__).parent.parent / "ext" / "generlate_handbook" / "clock" / "schedule.py"
    imported: set[str] = set()
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert not imported & FORBIDDEN_IMPORTS
