"""``handbook-policy report`` and ``demo-tickets`` from the command line: input errors, formats,
exit statuses, and that ticket data never reaches the published handbook."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from bs4 import BeautifulSoup

from generlate_handbook.cli import main
from generlate_handbook.clock import due
from generlate_handbook.policy.load import load_policy
from generlate_handbook.policy.units import Duration
from generlate_handbook.report.measures import measure
from generlate_handbook.report.tickets import NAT, load_tickets

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "tests" / "fixtures" / "tickets" / "hand-checked.csv"
HEADER = FIXTURE.read_text().splitlines()[0]
GOOD = FIXTURE.read_text().splitlines()[1]
AS_OF = ["--as-of", "2026-11-20T12:00:00-08:00"]


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["--policy", str(REPO / "policy"), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


BAD_ROWS = [
    (
        "A1,2026-10-30T16:00:00,managed,sev1,defect,api,acme,alex,,,false",
        "created_at",
        "expected an ISO 8601 time with a UTC offset, e.g. 2026-10-30T16:00:00-07:00",
    ),
    (
        "A1,2026-02-30T16:00:00Z,managed,sev1,defect,api,acme,alex,,,false",
        "created_at",
        "not a real time between 2000 and 2100",
    ),
    (
        "A1,2026-10-30T16:00:00Z,gold,sev1,defect,api,acme,alex,,,false",
        "plan",
        "not a plan of the policy",
    ),
    (
        "A1,2026-10-30T16:00:00Z,managed,sev9,defect,api,acme,alex,,,false",
        "severity",
        "not a severity of the policy",
    ),
    (
        "A1,2026-10-30T16:00:00Z,managed,sev1,bug,api,acme,alex,,,false",
        "type",
        "expected question, defect or improvement",
    ),
    (
        "A1,2026-10-30T16:00:00Z,managed,sev1,defect,api,acme,alex,,,yes",
        "engineering_help",
        "expected true or false",
    ),
    (
        "A1,2026-10-30T16:00:00Z,managed,sev1,defect,api,acme,alex,2026-10-29T00:00:00Z,,false",
        "first_response_at",
        "before the ticket was created",
    ),
    ("A1,2026-10-30T16:00:00Z,managed,sev1,defect,api,,alex,,,false", "customer", "empty customer"),
    (
        "A1,2026-10-30T16:00:00Z,managed,sev1,defect,api,acme,alex,,false",
        "engineering_help",
        "too few fields on this line",
    ),
    (
        "A1,2026-10-30T16:00:00Z,managed,sev1,defect,api,acme,alex,,,false,extra",
        "-",
        "too many fields on this line",
    ),
    (
        "A1,2026-10-30T16:00:00+25:00,managed,sev1,defect,api,acme,alex,,,false",
        "created_at",
        "expected an ISO 8601 time with a UTC offset, e.g. 2026-10-30T16:00:00-07:00",
    ),
]


@pytest.mark.parametrize(("row", "column", "reason"), BAD_ROWS)
def test_a_malformed_row_is_skipped_with_its_line_column_and_reason(
    tmp_path, row, column, reason
) -> None:
    path = tmp_path / "t.csv"
    path.write_text(f"{HEADER}\n{GOOD.replace('A1', 'OK1')}\n{row}\n{GOOD.replace('A1', 'OK2')}\n")
    tickets = load_tickets(path, load_policy(REPO / "policy"))
    assert [str(p) for p in tickets.skipped] == [f"{path}:3:{column}: {reason}"]
    assert list(tickets.id) == ["OK1", "OK2"] and tickets.skipped_rows == 1


def test_an_unclosed_quote_stops_the_run_at_its_line_instead_of_swallowing_rows(
    tmp_path, capsys
) -> None:
    path = tmp_path / "t.csv"
    unclosed = GOOD.replace("A1", "Q1").replace(",api,", ',"api,')
    path.write_text(f"{HEADER}\n{GOOD}\n{unclosed}\n{GOOD.replace('A1', 'A2')}\n")
    for strict in ([], ["--strict"]):
        code, _, err = run(capsys, "report", str(path), *strict, *AS_OF)
        assert code == 2
        assert f"{path}:3: a quote that does not close on its line" in err


def test_blank_lines_keep_every_row_at_its_own_line(tmp_path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(f"{HEADER}\r\n{GOOD}\r\n\r\n\r\n{BAD_ROWS[2][0].replace('A1', 'X1')}\r\n")
    tickets = load_tickets(path, load_policy(REPO / "policy"))
    assert [str(p) for p in tickets.skipped] == [f"{path}:5:plan: not a plan of the policy"]
    assert list(tickets.id) == ["A1"]


def test_a_file_the_csv_reader_cannot_read_is_an_input_error(tmp_path, capsys) -> None:
    path = tmp_path / "t.csv"
    path.write_text(f"{HEADER}\r\n{GOOD}\n\r\n{GOOD.replace('A1', 'A2')}\r\n")
    code, _, err = run(capsys, "report", str(path), *AS_OF)
    assert code == 2 and f"{path}: not a CSV file that can be read" in err


def test_a_second_ticket_with_the_same_id_is_skipped(tmp_path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(f"{HEADER}\n{GOOD}\n{GOOD}\n")
    tickets = load_tickets(path, load_policy(REPO / "policy"))
    assert [str(p) for p in tickets.skipped] == [f"{path}:3:id: a second ticket with this id"]


def test_strict_stops_on_a_malformed_row(tmp_path, capsys) -> None:
    path = tmp_path / "t.csv"
    path.write_text(f"{HEADER}\n{BAD_ROWS[0][0]}\n")
    code, out, err = run(capsys, "report", str(path), "--strict", *AS_OF)
    assert (code, out) == (2, "")
    assert f"{path}:2:created_at: expected an ISO 8601 time" in err


def test_without_strict_the_report_counts_what_it_skipped(tmp_path, capsys) -> None:
    path = tmp_path / "t.csv"
    path.write_text(FIXTURE.read_text() + BAD_ROWS[2][0].replace("A1", "X1") + "\n")
    code, _, err = run(
        capsys, "report", str(path), "--format", "json", "--out", str(tmp_path / "r.json"), *AS_OF
    )
    report = json.loads((tmp_path / "r.json").read_text())
    assert code == 0 and "skipped 1 malformed rows" in err
    assert report["report"]["skipped_rows"] == 1
    assert report["skipped"] == [
        {"file": str(path), "line": 10, "column": "plan", "reason": "not a plan of the policy"}
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as-of", "2026-11-20T12:00:00"], "expected an ISO 8601 time with a UTC offset"),
        (["--as-of", "9999-01-01T00:00:00Z"], "between 2000 and 2100"),
        (["--from", "2026-13-01"], "--from '2026-13-01' is not a date"),
        (["--from", "2026-12-01", "--to", "2026-01-01"], "--from is after --to"),
    ],
)
def test_bad_arguments_are_usage_errors(capsys, args, message) -> None:
    code, _, err = run(capsys, "report", str(FIXTURE), *args)
    assert code == 2 and message in err


def test_a_named_pipe_or_a_missing_file_is_an_input_error_not_a_hang(tmp_path, capsys) -> None:
    pipe = tmp_path / "tickets.csv"
    os.mkfifo(pipe)
    assert run(capsys, "report", str(pipe), *AS_OF)[:1] == (2,)
    code, _, err = run(capsys, "report", str(tmp_path / "missing.csv"), *AS_OF)
    assert code == 2 and "missing.csv: not a regular file" in err


def test_a_wrong_header_is_located(tmp_path, capsys) -> None:
    path = tmp_path / "t.csv"
    path.write_text("id,created,plan\n")
    code, _, err = run(capsys, "report", str(path), *AS_OF)
    assert code == 2 and f"{path}:1: the header must be id,created_at," in err
    assert "missing created_at" in err and "unknown created" in err


def test_fail_on_miss_exits_one_when_a_team_target_was_missed(tmp_path, capsys) -> None:
    out = str(tmp_path / "r.json")
    assert run(capsys, "report", str(FIXTURE), "--format", "json", "--out", out, *AS_OF)[0] == 0
    code = run(
        capsys, "report", str(FIXTURE), "--fail-on-miss", "--format", "json", "--out", out, *AS_OF
    )[0]
    assert code == 1


def test_from_and_to_choose_days_in_pacific_time(tmp_path, capsys) -> None:
    out = tmp_path / "r.json"
    run(
        capsys,
        "report",
        str(FIXTURE),
        "--from",
        "2026-10-01",
        "--to",
        "2026-10-31",
        "--format",
        "json",
        "--out",
        str(out),
        *AS_OF,
    )
    report = json.loads(out.read_text())
    assert [m["month"] for m in report["months"]] == ["2026-10"]
    assert report["report"]["tickets"] == 3  # A1, A7 and A9 (Friday 23:30 PDT)


def test_csv_has_a_row_per_month_and_one_for_the_period(tmp_path, capsys) -> None:
    out = tmp_path / "r.csv"
    run(capsys, "report", str(FIXTURE), "--format", "csv", "--out", str(out), *AS_OF)
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert [r["month"] for r in rows] == ["2026-03", "2026-06", "2026-10", "2026-11", "all"]
    assert rows[-1]["sla_response_met"] == "5" and rows[-1]["sla_response_target"] == "100%"


def test_html_is_self_contained_and_escapes_ticket_text(tmp_path, capsys) -> None:
    path = tmp_path / "t.csv"
    hostile = "<script>alert(1)</script>"
    path.write_text(
        f"{HEADER}\n"
        + GOOD.replace("acme", f'"{hostile}"').replace("api", '"<img src=x onerror=alert(2)>"')
        + "\n"
    )
    out = tmp_path / "r.html"
    run(capsys, "report", str(path), "--format", "html", "--out", str(out), *AS_OF)
    html = BeautifulSoup(out.read_text(), "html.parser")
    assert html.find("script") is None and html.find("img") is None
    assert hostile in html.get_text()
    urls = [
        tag.get(attr) for tag in html.find_all(True) for attr in ("src", "href") if tag.get(attr)
    ]
    assert urls == []
    assert html.find("html")["lang"] == "en"
    for svg in html.find_all("svg"):
        assert svg["role"] == "img" and svg.find("title") and svg.find("desc")
    for table in html.find_all("table"):
        assert table.find("caption") and table.find("th", scope="col")


def test_the_default_output_is_under_build_report(tmp_path, capsys) -> None:
    shutil.copytree(REPO / "policy", tmp_path / "policy")
    code = main(
        ["--policy", str(tmp_path / "policy"), "report", str(FIXTURE), "--format", "json", *AS_OF]
    )
    out = capsys.readouterr().out.strip()
    assert code == 0 and out == str(tmp_path / "_build" / "report" / "report.json")


@pytest.mark.parametrize("where", ["handbook/report.html", "_build/html/report.html"])
def test_a_report_is_never_written_where_the_handbook_is_published(tmp_path, capsys, where):
    shutil.copytree(REPO / "policy", tmp_path / "policy")
    (tmp_path / "handbook").mkdir()
    out = tmp_path / where
    code = main(
        [
            "--policy",
            str(tmp_path / "policy"),
            "report",
            str(FIXTURE),
            "--format",
            "html",
            "--out",
            str(out),
            *AS_OF,
        ]
    )
    assert code == 2 and not out.exists()
    assert "would publish it; reports hold customer data" in capsys.readouterr().err


def test_the_output_is_never_an_input_a_folder_or_a_device(tmp_path, capsys) -> None:
    tickets = tmp_path / "t.csv"
    tickets.write_text(FIXTURE.read_text())
    for out, message in (
        (tickets, "that is an input of this run"),
        (tmp_path, "not a regular"),
        (Path("/dev/null"), "not a regular file"),
    ):
        code, _, err = run(
            capsys, "report", str(tickets), "--format", "csv", "--out", str(out), *AS_OF
        )
        assert code == 2 and message in err
    assert tickets.read_text() == FIXTURE.read_text()
    code, _, err = run(
        capsys,
        "demo-tickets",
        "--count",
        "5",
        "--out",
        str(tmp_path / "a.csv"),
        "--replies-out",
        str(tmp_path / "a.csv"),
    )
    assert code == 2 and "that is an input of this run" in err


def test_ticket_data_never_reaches_the_built_handbook(tmp_path, capsys) -> None:
    for folder in ("handbook", "policy"):
        shutil.copytree(REPO / folder, tmp_path / folder)
    marker = "customer-zq9x-never-published"
    tickets = tmp_path / "t.csv"
    tickets.write_text(f"{HEADER}\n{GOOD.replace('acme', marker)}\n")
    for fmt in ("json", "html", "csv"):
        main(
            ["--policy", str(tmp_path / "policy"), "report", str(tickets), "--format", fmt, *AS_OF]
        )
    assert marker in (tmp_path / "_build" / "report" / "report.html").read_text()
    sphinx = Path(sys.executable).parent / "sphinx-build"
    subprocess.run(
        [
            str(sphinx),
            "-q",
            "-b",
            "html",
            str(tmp_path / "handbook"),
            str(tmp_path / "_build" / "html"),
        ],
        check=True,
    )
    for path in (tmp_path / "_build" / "html").rglob("*"):
        if path.is_file():
            assert marker.encode() not in path.read_bytes(), path


def test_demo_tickets_are_reproducible_and_bounded(tmp_path, capsys) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    assert run(capsys, "demo-tickets", "--count", "500", "--seed", "7", "--out", str(a))[0] == 0
    run(capsys, "demo-tickets", "--count", "500", "--seed", "7", "--out", str(b))
    assert a.read_bytes() == b.read_bytes()
    assert len(a.read_text().splitlines()) == 501
    code, _, err = run(capsys, "demo-tickets", "--count", "0", "--out", str(a))
    assert code == 2 and "--count must be between 1 and" in err


def test_bulk_due_times_equal_the_scalar_clocks_for_every_demo_ticket(tmp_path, capsys) -> None:
    """100,000 demo tickets (both DST changes, weekends, every plan and severity)."""
    path = tmp_path / "demo.csv"
    run(capsys, "demo-tickets", "--count", "100000", "--seed", "11", "--out", str(path))
    policy = load_policy(REPO / "policy")
    tickets = load_tickets(path, policy)
    measured = measure(policy, tickets, int(4e18))
    from generlate_handbook.clock import schedule_for

    for target, kind in ((measured.response, "response"), (measured.resolution, "resolution")):
        for plan_id in policy.plans:
            sla = policy.sla_for(plan_id)
            for sev_id, targets in sla.targets.items():
                rule = getattr(targets, kind)
                mask = tickets.plan.equals(plan_id) & tickets.severity.equals(sev_id)
                if not isinstance(rule.within, Duration):
                    assert (target.due[mask] == NAT).all()
                    continue
                clock = policy.target_clock(sla, rule)
                amount = policy.duration_on(rule.within, clock)
                schedule = schedule_for(policy, clock)
                expected = np.array(
                    [
                        int(
                            due(datetime.fromtimestamp(ns / 1e9, UTC), amount, schedule).timestamp()
                        )
                        * 10**9
                        for ns in tickets.created[mask].tolist()
                    ],
                    dtype=np.int64,
                )
                assert np.array_equal(target.due[mask], expected), (plan_id, sev_id, kind)
