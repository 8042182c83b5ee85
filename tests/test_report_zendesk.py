"""Zendesk's incremental ticket export (with metric_sets) as the report's input."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generlate_handbook.policy.load import load_policy
from generlate_handbook.report.aggregate import iso_array
from generlate_handbook.report.measures import measure
from generlate_handbook.report.tickets import TicketInputError
from generlate_handbook.report.zendesk import load_zendesk

REPO = Path(__file__).resolve().parent.parent
EXPORT = REPO / "tests" / "fixtures" / "zendesk-export"
AS_OF = 1_795_204_800 * 10**9  # 2026-11-20T20:00:00Z


@pytest.fixture(scope="module")
def policy():
    return load_policy(REPO / "policy")


@pytest.fixture(scope="module")
def tickets(policy):
    return load_zendesk(EXPORT, policy)


def column(tickets, name: str) -> list[str]:
    values = getattr(tickets, name)
    return [str(values.names[code]) for code in values.codes]


def test_each_ticket_is_mapped_through_the_helpdesk_section(tickets) -> None:
    assert list(tickets.id) == ["101", "102", "103"]
    assert column(tickets, "plan") == ["managed", "self-hosted", "self-hosted"]
    assert column(tickets, "severity") == ["sev1", "sev2", "sev1"]  # urgent, low, high
    assert column(tickets, "type") == ["defect", "question", "improvement"]  # incident, none, task
    assert column(tickets, "product") == ["sync", "", ""]
    assert column(tickets, "customer") == ["55", "requester 9002", "56"]
    assert column(tickets, "assignee") == ["7001", "", "7002"]
    assert tickets.engineering_help.tolist() == [False, True, False]
    # 101: 7,260 minutes after it was created; exactly when its response was due.
    assert iso_array(tickets.first_response) == [
        "2026-11-05T00:00:00Z",
        None,
        "2026-11-03T17:30:00Z",
    ]
    assert iso_array(tickets.resolved) == ["2026-11-13T00:00:00Z", None, None]


def test_unmapped_tickets_are_skipped_by_page_and_key_path(tickets) -> None:
    assert [str(p) for p in tickets.skipped] == [
        "page-002.json: tickets[1].priority: not a severity of the policy",
        "page-002.json: tickets[2].tags (plan): not a plan of the policy",
    ]
    assert tickets.skipped_rows == 2


def test_zendesk_tickets_are_judged_by_the_policys_clock(policy, tickets) -> None:
    measured = measure(policy, tickets, AS_OF)
    # 101 Friday 16:00 PDT, sev1: 24 working hours across the end of daylight time;
    # 102 Monday 10:00 PST, sev2: 40 working hours; 103 Tuesday 09:00 PST, sev1.
    assert iso_array(measured.response.due) == [
        "2026-11-05T00:00:00Z",
        "2026-11-09T18:00:00Z",
        "2026-11-06T01:00:00Z",
    ]
    assert measured.response.verdict.tolist() == [1, 2, 1]  # met, breached, met


@pytest.mark.parametrize(
    ("pages", "message"),
    [({}, "no *.json export pages"), ({"p.json": "{not json"}, "not Zendesk export pages")],
)
def test_unreadable_exports_are_input_errors(tmp_path, policy, pages, message) -> None:
    for name, text in pages.items():
        (tmp_path / name).write_text(text)
    with pytest.raises(TicketInputError, match=re.escape(message)):
        load_zendesk(tmp_path, policy)


def test_hostile_values_in_an_export_are_skipped_by_key_path(tmp_path, policy) -> None:
    import json

    page = json.loads((EXPORT / "page-001.json").read_text())
    page["tickets"][0]["created_at"] = 1794528000  # a number, not a time
    page["metric_sets"].append(page["metric_sets"][0])  # the same metric set twice
    page["metric_sets"][1]["reply_time_in_minutes"]["calendar"] = 1e308
    (tmp_path / "page-001.json").write_text(json.dumps(page))
    tickets = load_zendesk(tmp_path, policy)
    assert [p.column for p in tickets.skipped] == [
        "tickets[0].created_at",
        "tickets[1].metric_set.reply_time_in_minutes",
    ]
    (tmp_path / "page-002.json").write_text('{"tickets": null}')
    with pytest.raises(TicketInputError, match=r"page-002\.json: not an incremental export"):
        load_zendesk(tmp_path, policy)
