"""The ``handbook-policy`` command line: exit statuses, located messages, due dates as JSON."""

from __future__ import annotations

import json

import pytest
from policy_fixtures import (
    FIXTURES,
    POLICY_FILE,
    edited_policy,
    line_of,
    policy_with_schedule,
)

from generlate_handbook.cli import main

POLICY = str(POLICY_FILE.parent)


def run(capsys, *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_validate_real_policy(capsys):
    status, out, err = run(capsys, "--policy", POLICY, "validate")
    assert status == 0, err
    assert out.strip().endswith("support.yaml: valid (2 severities, 2 plans, 2 schedules)")


def test_validate_reports_file_line_and_key_path(capsys, tmp_path):
    folder = edited_policy(tmp_path / "p", ("    availability: 99.5%", "    availability: 150%"))
    status, out, err = run(capsys, "validate", str(folder / "support.yaml"))
    assert status == 1
    line = line_of(folder, "availability: 150%")
    assert err.strip() == (
        f"{folder / 'support.yaml'}:{line}: plans.managed.availability: '150%' is above 100%"
    )
    assert out == ""


def test_validate_missing_file_is_an_input_error(capsys, tmp_path):
    status, _, err = run(capsys, "validate", str(tmp_path / "nope.yaml"))
    assert status == 2
    assert err.startswith("handbook-policy: no such file:")


def test_check_real_policy(capsys):
    status, out, _ = run(capsys, "--policy", POLICY, "check", "--year", "2026")
    assert status == 0
    assert out.strip() == "policy is consistent in 2026"


def test_check_rejects_the_seeds_utc_window(capsys, tmp_path):
    folder = policy_with_schedule(
        tmp_path / "p", "support-window", FIXTURES / "support-window-utc.yaml"
    )
    status, _, err = run(capsys, "--policy", str(folder), "check", "--year", "2026")
    assert status == 1
    first, summary = err.strip().splitlines()
    assert f"support.yaml:{line_of(folder, 'support-window:')}: schedules.support-window:" in first
    assert "91 days in 2026 (91 hours in all)" in first
    assert summary == "1 policy inconsistency"


def test_due_json_matches_the_issue_example(capsys):
    status, out, err = run(
        capsys,
        "--policy",
        POLICY,
        "due",
        "--plan",
        "self-hosted",
        "--severity",
        "sev1",
        "--opened",
        "2026-10-30T16:00:00-07:00",
        "--json",
    )
    assert status == 0, err
    data = json.loads(out)
    # 1 working hour on Friday, then Monday to Wednesday across the end of daylight time.
    assert data["response_due"] == "2026-11-05T00:00:00Z"
    # 72 working hours: 1 on Friday, 8 on each of 8 weekdays, 7 on the ninth (16:00 PST).
    assert data["resolution_due"] == "2026-11-13T00:00:00Z"
    # 1 hour inside the support window (02:00-17:00 PT): 16:00-17:00 PDT on Friday.
    assert data["internal_response_due"] == "2026-10-31T00:00:00Z"
    assert data["opened"] == "2026-10-30T23:00:00Z"


def test_due_when_complete_is_null(capsys):
    status, out, _ = run(
        capsys,
        "--policy",
        POLICY,
        "due",
        "--plan",
        "managed",
        "--severity",
        "sev2",
        "--opened",
        "2026-10-30T23:00:00Z",
        "--json",
    )
    assert status == 0
    data = json.loads(out)
    assert data["resolution_due"] is None
    # One business week: 40 working hours from Friday 16:00 PDT -> the next Friday 16:00 PST.
    assert data["response_due"] == "2026-11-07T00:00:00Z"


def test_due_text_shows_utc_and_local_times(capsys):
    status, out, _ = run(
        capsys,
        "--policy",
        POLICY,
        "due",
        "--plan",
        "self-hosted",
        "--severity",
        "sev1",
        "--opened",
        "2026-10-30T16:00:00-07:00",
    )
    assert status == 0
    assert (
        "Self-hosted plan, Severity 1, opened 2026-10-30T23:00:00Z (Fri 2026-10-30 16:00 PDT)"
        in out
    )
    assert "2026-11-05T00:00:00Z  Wed 2026-11-04 16:00 PST" in out
    assert "24 working hours (3 business days) on the working-hours clock" in out


def test_explain_lists_the_counted_segments(capsys):
    status, out, _ = run(
        capsys,
        "--policy",
        POLICY,
        "explain",
        "--plan",
        "self-hosted",
        "--severity",
        "sev1",
        "--opened",
        "2026-10-30T16:00:00-07:00",
    )
    assert status == 0
    response = out.split("\n\n")[1]
    counted = [line for line in response.splitlines() if "counts" in line]
    assert [line.split()[2] for line in counted] == [
        "2026-10-30",
        "2026-11-02",
        "2026-11-03",
        "2026-11-04",
    ]
    assert counted[-1].rstrip().endswith("(total 24 hours)")
    assert "16:00–17:00 PDT" in counted[0] and "09:00–16:00 PST" in counted[-1]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--opened", "2026-10-30T16:00:00"], "2026-10-30T16:00:00 has no UTC offset"),
        (["--opened", "yesterday"], "--opened 'yesterday' is not an ISO 8601 time"),
        (
            ["--opened", "2026-10-30T16:00Z", "--plan", "gold"],
            "unknown plan 'gold' (known: self-hosted, managed)",
        ),
        (["--opened", "2026-10-30T16:00Z", "--severity", "sev9"], "unknown severity 'sev9'"),
    ],
)
def test_due_rejects_bad_input_clearly_with_exit_2(capsys, args, message):
    defaults = {"--plan": "self-hosted", "--severity": "sev1"}
    for flag, value in zip(args[::2], args[1::2], strict=True):
        defaults[flag] = value
    argv = ["--policy", POLICY, "due"] + [part for pair in defaults.items() for part in pair]
    status, out, err = run(capsys, *argv)
    assert status == 2
    assert out == ""
    assert err.startswith("handbook-policy: ")
    assert message in err
    assert "Traceback" not in err


def test_budget(capsys):
    status, out, _ = run(capsys, "--policy", POLICY, "budget")
    assert status == 0
    assert "Managed (managed): availability 99.5%" in out
    assert "Month     30 days  3 hours 36 minutes" in out
    assert "one maintenance window uses 56%" in out
    status, out, _ = run(capsys, "--policy", POLICY, "budget", "--json")
    (plan,) = json.loads(out)
    assert plan["allowed_downtime_seconds"] == {
        "month": 12960.0,
        "quarter": 38880.0,
        "year": 157680.0,
    }
    assert plan["maintenance_window_seconds"] == 7200.0


def test_budget_for_a_plan_without_availability_is_an_input_error(capsys):
    status, _, err = run(capsys, "--policy", POLICY, "budget", "--plan", "self-hosted")
    assert status == 2
    assert "plan 'self-hosted' has no availability target" in err
