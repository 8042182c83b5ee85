"""``handbook-policy report``: hand-checked tickets, every due time, verdict and monthly figure.

tests/fixtures/tickets/hand-checked.csv holds tickets chosen for the clock's edge cases, each
worked out by hand on the handbook's policy (working hours 09:00-17:00 Pacific, Monday-Friday;
support window 02:00-17:00 Pacific; Severity 1: 24 and 72 working hours; Severity 2: 1 business
week and "when complete"; internal first response: 1 hour in the support window):

A1  Friday 16:00 PDT, across the end of daylight time; resolved exactly when due (met)
A2  created exactly at closing (counts from Tuesday 09:00); resolved one second late
A3  Saturday, the day before daylight time starts; never answered (breached)
A4  Tuesday 09:30 PST, answered within the hour; "when complete" resolution (no verdict)
A5  opened two hours before --as-of: response and resolution pending, internal breached
A6  created after --as-of: not counted
A7  Friday 18:00 PDT (after closing): internal counts from Monday 02:00 PST; engineering help
A9  Saturday 06:30 UTC = Friday 23:30 PDT: counts in October in Pacific Time, not November
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from generlate_handbook.policy.load import load_policy
from generlate_handbook.report.aggregate import iso_array
from generlate_handbook.report.build import Period, build_report
from generlate_handbook.report.measures import measure
from generlate_handbook.report.tickets import load_tickets

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "tests" / "fixtures" / "tickets" / "hand-checked.csv"
AS_OF = "2026-11-20T12:00:00-08:00"
AS_OF_NS = 1_795_204_800 * 10**9  # 2026-11-20T20:00:00Z

# ticket: (response due, response verdict, resolution due, resolution verdict,
#          internal first response due, internal verdict)
EXPECTED = {
    "A1": (
        "2026-11-05T00:00:00Z",
        "met",
        "2026-11-13T00:00:00Z",
        "met",
        "2026-10-31T00:00:00Z",
        "breached",
    ),
    "A2": (
        "2026-06-05T00:00:00Z",
        "met",
        "2026-06-13T00:00:00Z",
        "breached",
        "2026-06-02T10:00:00Z",
        "breached",
    ),
    "A3": ("2026-03-14T00:00:00Z", "breached", None, None, "2026-03-09T10:00:00Z", "breached"),
    "A4": ("2026-11-24T17:30:00Z", "met", None, None, "2026-11-17T18:30:00Z", "met"),
    "A5": (
        "2026-11-25T18:00:00Z",
        "pending",
        "2026-12-03T18:00:00Z",
        "pending",
        "2026-11-20T19:00:00Z",
        "breached",
    ),
    "A7": ("2026-11-07T01:00:00Z", "met", None, None, "2026-11-02T11:00:00Z", "breached"),
    "A9": ("2026-11-07T01:00:00Z", "met", None, None, "2026-11-02T11:00:00Z", "breached"),
}
VERDICT = {0: None, 1: "met", 2: "breached", 3: "pending"}


@pytest.fixture(scope="module")
def policy():
    return load_policy(REPO / "policy")


@pytest.fixture(scope="module")
def report(policy) -> dict:
    tickets = load_tickets(FIXTURE, policy)
    return build_report(policy, tickets, as_of=AS_OF_NS, period=Period(None, None), source=FIXTURE)


def iso(ns: int) -> str | None:
    return iso_array(np.array([ns], dtype=np.int64))[0]


@pytest.mark.parametrize("ticket", sorted(EXPECTED))
def test_each_tickets_due_times_and_verdicts(policy, ticket: str) -> None:
    tickets = load_tickets(FIXTURE, policy)
    measured = measure(policy, tickets, AS_OF_NS)
    i = list(tickets.id).index(ticket)
    got = tuple(
        value
        for target in (measured.response, measured.resolution, measured.internal)
        for value in (iso(int(target.due[i])), VERDICT[int(target.verdict[i])])
    )
    assert got == EXPECTED[ticket]


def test_a_ticket_created_after_as_of_is_not_counted(report) -> None:
    assert report["report"]["tickets_read"] == 8
    assert report["report"]["tickets"] == 7
    assert all(b["ticket"] != "A6" for b in report["breaches"])


MONTHS = {
    # month: (tickets, response met/breached/pending, resolution m/b/p, internal m/b/p,
    #         engineering help count, average resolution hours)
    "2026-03": (1, (0, 1, 0), (0, 0, 0), (0, 1, 0), 0, None),
    "2026-06": (1, (1, 0, 0), (0, 1, 0), (0, 1, 0), 0, 264.000278),
    "2026-10": (3, (3, 0, 0), (1, 0, 0), (0, 3, 0), 1, 186.25),
    "2026-11": (2, (1, 0, 1), (0, 0, 1), (1, 1, 0), 0, None),
}


def _triple(figure: dict) -> tuple[int, int, int]:
    return figure["met"], figure["breached"], figure["pending"]


@pytest.mark.parametrize("month", sorted(MONTHS))
def test_each_months_figures(report, month: str) -> None:
    row = next(m for m in report["months"] if m["month"] == month)
    assert (
        row["tickets"],
        _triple(row["sla_response"]),
        _triple(row["sla_resolution"]),
        _triple(row["internal_first_response"]),
        row["engineering_help"]["count"],
        row["average_resolution"]["hours"],
    ) == MONTHS[month]


def test_the_whole_period_against_its_targets(report) -> None:
    period = report["period"]
    assert period["sla_response"] == {
        "met": 5,
        "breached": 1,
        "pending": 1,
        "attainment": round(5 / 6, 6),
        "target": "100%",
    }
    assert period["sla_resolution"] == {
        "met": 1,
        "breached": 1,
        "pending": 1,
        "attainment": 0.5,
        "target": "95%",
    }
    assert period["engineering_help"] == {"count": 1, "share": round(1 / 7, 6), "limit": "10%"}
    assert period["internal_first_response"]["attainment"] == round(1 / 7, 6)
    assert period["missed"] == [
        "sla_response",
        "sla_resolution",
        "engineering_help",
        "average_resolution",
    ]


def test_every_breach_is_listed_with_how_late(report) -> None:
    rows = {(b["ticket"], b["target"]): b for b in report["breaches"]}
    assert rows[("A2", "resolution")] == {
        "ticket": "A2",
        "target": "resolution",
        "due": "2026-06-13T00:00:00Z",
        "happened": "2026-06-13T00:00:01Z",
        "hours_late": 0.0,
    }
    assert rows[("A3", "response")]["happened"] is None
    assert rows[("A3", "response")]["hours_late"] == round(
        (AS_OF_NS - 1_773_446_400 * 10**9) / 3.6e12, 2
    )
    assert sorted(rows) == sorted(
        [("A3", "response"), ("A2", "resolution")]
        + [(t, "internal first response") for t in ("A1", "A2", "A3", "A5", "A7", "A9")]
    )


def test_engineers_against_their_targets(report) -> None:
    alex = next(e for e in report["engineers"] if e["assignee"] == "alex")
    assert alex["tickets"] == 3  # A1, A3, A5 (A6 is after --as-of)
    assert alex["first_response"] == {
        "met": 0,
        "judged": 3,
        "share": 0.0,
        "target": "1 hour in the support window",
    }
    assert alex["average_resolution_hours"] == 313.0
    assert alex["most_active_cases"] == 2  # A3 and A5 are still open; A1 closed on 13 Nov


def test_kpis(report) -> None:
    kpis = report["kpis"]
    assert kpis["volume"] == 7
    assert kpis["by_type"] == {
        "defect": {"tickets": 3, "share": round(3 / 7, 6)},
        "improvement": {"tickets": 1, "share": round(1 / 7, 6)},
        "question": {"tickets": 3, "share": round(3 / 7, 6)},
    }
    assert kpis["top_customers"][0] == {"customer": "acme", "tickets": 3}
    assert kpis["average_cases_per_customer"] == round(7 / 3, 6)
    # US hours are 06:00-17:00 Pacific on weekdays: A1, A4, A5 (A2 at 17:00 is closed).
    # Europe hours 08:00-17:00 UK time: none (A4 is 17:30 GMT, A1 23:00 GMT).
    assert kpis["regions"] == {
        "us": {"name": "US hours", "tickets": 3},
        "europe": {"name": "Europe hours", "tickets": 0},
    }
    assert kpis["outside_regions"] == 4
