"""The clock's bulk form (NumPy arrays in, arrays out) agrees with the scalar form on every case.

The properties draw random schedules, zones, holidays and DST dates from the scalar property
tests' strategies; the tables pin the array interface (dtypes, NaT, broadcasting, errors).
"""

from __future__ import annotations

import dataclasses
import threading
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_clock import DUE_CASES, ELAPSED_CASES, SCHEDULES, WORKING_HOURS, WORKING_HOURS_US, h, t
from test_clock_properties import bounded, cases, durations, instants

from generlate_handbook.clock import (
    Schedule,
    due,
    due_many,
    elapsed,
    elapsed_many,
    is_open,
    is_open_many,
)

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
NAT = np.datetime64("NaT", "ns")


def ns(moment: datetime) -> int:
    return (moment - EPOCH) // timedelta(microseconds=1) * 1000


def as_datetime(value: np.datetime64) -> datetime:
    return EPOCH + timedelta(microseconds=int(value.astype(np.int64)) // 1000)


def instants_array(moments: list[datetime]) -> np.ndarray:
    return np.array([ns(m) for m in moments], dtype=np.int64).view("datetime64[ns]")


def durations_array(deltas: list[timedelta]) -> np.ndarray:
    return np.array([d // timedelta(microseconds=1) for d in deltas], dtype="timedelta64[us]")


@bounded(80)
@given(data=st.data(), case=cases(min_week_minutes=60))
def test_due_many_equals_due_for_every_element(data: st.DataObject, case: tuple) -> None:
    schedule, anchor = case
    size = data.draw(st.integers(1, 30), label="size")
    starts = data.draw(st.lists(instants(anchor), min_size=size, max_size=size), label="starts")
    deltas = data.draw(st.lists(durations, min_size=size, max_size=size), label="durations")
    got = due_many(instants_array(starts), durations_array(deltas), schedule)
    assert got.dtype == np.dtype("datetime64[ns]")
    assert [as_datetime(v) for v in got] == [
        due(s, d, schedule) for s, d in zip(starts, deltas, strict=True)
    ]


@bounded(60)
@given(data=st.data(), case=cases(min_week_minutes=1))
def test_elapsed_many_equals_elapsed_for_every_element(data: st.DataObject, case: tuple) -> None:
    schedule, anchor = case
    size = data.draw(st.integers(1, 30), label="size")
    starts = data.draw(st.lists(instants(anchor), min_size=size, max_size=size), label="starts")
    ends = data.draw(st.lists(instants(anchor), min_size=size, max_size=size), label="ends")
    got = elapsed_many(instants_array(starts), instants_array(ends), schedule)
    assert got.dtype == np.dtype("timedelta64[ns]")
    assert [timedelta(microseconds=int(v.astype(np.int64)) // 1000) for v in got] == [
        elapsed(s, e, schedule) for s, e in zip(starts, ends, strict=True)
    ]


@bounded(60)
@given(data=st.data(), case=cases(min_week_minutes=1))
def test_is_open_many_equals_is_open_for_every_element(data: st.DataObject, case: tuple) -> None:
    schedule, anchor = case
    moments = data.draw(st.lists(instants(anchor), min_size=1, max_size=30), label="instants")
    got = is_open_many(instants_array(moments), schedule)
    assert got.tolist() == [is_open(m, schedule) for m in moments]


def test_is_open_many_nat_and_empty() -> None:
    moments = np.array(["2026-06-09T17:00", "NaT", "2026-06-09T15:59:59.999999999"], "M8[ns]")
    assert is_open_many(moments, WORKING_HOURS).tolist() == [True, False, False]
    assert is_open_many(np.array([], "M8[ns]"), WORKING_HOURS).tolist() == []


def test_the_edge_case_tables_in_one_array_per_schedule() -> None:
    for name, schedule in SCHEDULES.items():
        rows = [row for row in DUE_CASES if row[1] == name]
        starts = instants_array([t(row[2]) for row in rows])
        got = due_many(starts, durations_array([h(row[3]) for row in rows]), schedule)
        assert [as_datetime(v) for v in got] == [t(row[4]) for row in rows], name
        rows = [row for row in ELAPSED_CASES if row[1] == name]
        got = elapsed_many(
            instants_array([t(row[2]) for row in rows]),
            instants_array([t(row[3]) for row in rows]),
            schedule,
        )
        assert [v.astype("timedelta64[us]").item() for v in got] == [h(r[4]) for r in rows]


OPENED = t("2026-10-30T16:00-07:00")  # Friday afternoon before daylight time ends
DUE_24H = np.datetime64("2026-11-05T00:00", "ns")


@pytest.mark.parametrize(
    ("starts", "durations", "expected"),
    [
        (np.array([ns(OPENED)]), np.array([24 * 3600 * 10**9]), [DUE_24H]),  # int64 ns
        (np.array(["2026-10-30T23:00"], "datetime64[s]"), np.timedelta64(24, "h"), [DUE_24H]),
        (np.array(["2026-10-30T23:00"], "datetime64[us]"), np.array([1440], "m8[m]"), [DUE_24H]),
        (np.array(["2026-10-30T23:00", "NaT"], "M8[ns]"), np.timedelta64(24, "h"), [DUE_24H, NAT]),
        (
            np.array(["2026-10-30T23:00"] * 2, "M8[ns]"),
            np.array([24, "NaT"], "m8[h]"),
            [DUE_24H, NAT],
        ),
        (np.array([], "M8[ns]"), np.timedelta64(1, "h"), []),
        (np.array(["NaT"], "M8[ns]"), np.timedelta64(1, "h"), [NAT]),
    ],
    ids=["int64-ns", "seconds-unit", "minutes", "nat-start", "nat-duration", "empty", "all-nat"],
)
def test_due_many_inputs(starts: np.ndarray, durations: np.ndarray, expected: list) -> None:
    got = due_many(starts, durations, WORKING_HOURS)
    assert got.dtype == np.dtype("datetime64[ns]")
    np.testing.assert_array_equal(got, np.array(expected, dtype="datetime64[ns]"))


def test_elapsed_many_nat_and_order() -> None:
    starts = np.array(["2026-06-09T17:00", "2026-06-09T22:00", "NaT"], "M8[ns]")
    ends = np.array(["2026-06-09T20:00", "2026-06-09T17:00", "2026-06-09T20:00"], "M8[ns]")
    got = elapsed_many(starts, ends, WORKING_HOURS)  # UTC: 10:00-13:00 PDT, then end < start
    np.testing.assert_array_equal(got, np.array([3 * 3600, 0, "NaT"], "m8[s]").astype("m8[ns]"))


@pytest.mark.parametrize(
    ("starts", "durations", "error", "message"),
    [
        (np.array(["2026-06-09"], "M8[ns]"), np.array([-1]), ValueError, "negative.*index 0"),
        (np.array([1.5]), np.array([1]), TypeError, "datetime64 .*or int64"),
        (np.array(["2026-06-09"], "M8[ns]"), np.array([1.5]), TypeError, "timedelta64"),
        (np.array([datetime(2026, 6, 9, tzinfo=UTC)]), np.array([1]), TypeError, "object"),
        (np.array(["1500-01-01"], "M8[s]"), np.array([1]), ValueError, "outside the years"),
        (np.array(["2026-06-09"], "M8[s]"), np.array([10**5], "m8[D]"), ValueError, "longer"),
        (np.array(["2026-06-09"], "M8[s]"), np.array([5 * 10**18]), ValueError, "after the years"),
    ],
    ids=[
        "negative",
        "float-starts",
        "float-durations",
        "python-datetimes",
        "year-1500",
        "100000-days",
        "due-after-2260",
    ],
)
def test_due_many_rejects(starts, durations, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        due_many(starts, durations, WORKING_HOURS)


def test_never_open_schedule() -> None:
    never = Schedule(WORKING_HOURS.zone, {}, name="Never")
    starts = np.array(["2026-06-09"], "M8[ns]")
    with pytest.raises(ValueError, match="'Never' has no open hours"):
        due_many(starts, np.timedelta64(0, "h"), never)
    assert elapsed_many(starts, starts + np.timedelta64(99, "D"), never)[0] == np.timedelta64(0)


def test_one_array_across_a_century_grows_the_index() -> None:
    """Starts from 1990 to 2090 in one call, on a fresh index built around 2026."""
    schedule = dataclasses.replace(WORKING_HOURS_US, name="century")
    due(t("2026-06-09T10:00Z"), h(1), schedule)  # builds the first table around 2026
    starts = [t(f"{year}-06-09T10:00Z") for year in range(1990, 2091, 7)]
    deltas = [h(5 * year % 300) for year in range(len(starts))]
    got = due_many(instants_array(starts), durations_array(deltas), schedule)
    assert [as_datetime(v) for v in got] == [
        due(s, d, dataclasses.replace(schedule, name="scalar"))
        for s, d in zip(starts, deltas, strict=True)
    ]


def test_threads_growing_one_index_agree() -> None:
    """Sphinx's parallel builds: threads asking about far-apart years of one fresh index."""
    schedule = dataclasses.replace(WORKING_HOURS_US, name="threads")
    starts = [t(f"{year}-03-0{1 + year % 7}T12:00Z") for year in range(2000, 2060)]
    expected = [due(s, h(500), dataclasses.replace(schedule, name="alone")) for s in starts]
    results: dict[int, list[datetime]] = {}

    def work(k: int) -> None:
        order = starts[k:] + starts[:k]
        got = [due(s, h(500), schedule) for s in order]
        results[k] = got[len(starts) - k :] + got[: len(starts) - k]

    threads = [threading.Thread(target=work, args=(k * 13,)) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(got == expected for got in results.values()) and len(results) == 4
