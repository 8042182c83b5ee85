"""``handbook-policy zendesk drift``: live Zendesk JSON against the policy, in readers' words."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from policy_fixtures import FIXTURES, POLICY_FILE, edited_policy

from generlate_handbook.cli import main
from generlate_handbook.helpdesk.export import build_export
from generlate_handbook.policy.load import load_policy

DOCS = FIXTURES / "zendesk"
SEV1_RESPONSE = ("within: 24h\n          from", "within: 16h\n          from")


# --- drift -------------------------------------------------------------------------------------


def _drift(policy_dir: Path, live: Path, capsys) -> tuple[int, list[str], str]:
    status = main(["--policy", str(policy_dir), "zendesk", "drift", str(live)])
    captured = capsys.readouterr()
    return status, captured.out.splitlines(), captured.err


def _export(policy_dir: Path, out: Path) -> Path:
    assert main(["--policy", str(policy_dir), "zendesk", "export", "--out", str(out)]) == 0
    return out


def test_drift_agrees_with_its_own_export(tmp_path, capsys):
    live = _export(POLICY_FILE.parent, tmp_path / "live")
    capsys.readouterr()
    assert _drift(POLICY_FILE.parent, live, capsys)[:2] == (0, ["Zendesk agrees with the policy"])


def test_changing_24h_to_16h_is_exactly_one_difference(tmp_path, capsys):
    live = _export(POLICY_FILE.parent, tmp_path / "before")
    edited = edited_policy(tmp_path / "policy", SEV1_RESPONSE)
    after = _export(edited, tmp_path / "after")
    capsys.readouterr()
    assert (after / "sla_policies.json").read_text() != (live / "sla_policies.json").read_text()
    status, lines, _ = _drift(edited, live, capsys)
    assert status == 1
    assert lines == [
        "Severity 1 first reply, self-hosted and managed (priorities urgent and high):"
        " Zendesk 1440 business minutes, policy 960",
        "1 difference between Zendesk and the policy",
    ]


def _live_copy(tmp_path: Path) -> Path:
    """Today's export as Zendesk's list endpoints return it: ids, urls, timestamps, seconds."""
    live = tmp_path / "live"
    build_export(load_policy(POLICY_FILE.parent)).write(live)
    (live / "unenforced.txt").unlink()
    schedules = json.loads((live / "schedules.json").read_text())
    for number, schedule in enumerate(schedules["schedules"], start=1):
        holidays = schedule.pop("holidays")
        schedule.update(
            id=number, created_at="2026-01-05T10:00:00Z", updated_at="2026-01-05T10:00:00Z"
        )
        (live / f"holidays-{number}.json").write_text(json.dumps({"holidays": holidays}))
    (live / "schedules.json").write_text(json.dumps(schedules))
    policies = json.loads((live / "sla_policies.json").read_text())
    for number, item in enumerate(policies["sla_policies"], start=40):
        item.update(id=number, url=f"https://generlate.zendesk.com/api/v2/slas/policies/{number}")
        for metric in item["policy_metrics"]:
            metric["target_in_seconds"] = metric["target"] * 60
    policies.update(count=2, next_page=None, previous_page=None)
    (live / "sla_policies.json").write_text(json.dumps(policies))
    return live


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda s, p: p["sla_policies"][1]["policy_metrics"][0].update(
                target=1500, target_in_seconds=90000
            ),
            [
                "Severity 1 first reply, managed (priority urgent):"
                " Zendesk 1500 business minutes, policy 1440"
            ],
        ),
        (
            lambda s, p: p["sla_policies"][0]["policy_metrics"][1].update(business_hours=False),
            [
                "Severity 1 resolution, self-hosted (priority urgent):"
                " Zendesk 4320 calendar minutes,"
                " policy 4320 business minutes"
            ],
        ),
        (
            lambda s, p: p["sla_policies"][0]["policy_metrics"].append(
                {
                    "priority": "low",
                    "metric": "total_resolution_time",
                    "target": 60,
                    "business_hours": True,
                }
            ),
            [
                "Severity 2 resolution, self-hosted (priority low): Zendesk 60 business minutes,"
                " policy none (when complete)"
            ],
        ),
        (
            lambda s, p: p["sla_policies"][0]["policy_metrics"].pop(0),
            [
                "Severity 1 first reply, self-hosted (priority urgent):"
                " Zendesk none, policy 1440 business minutes"
            ],
        ),
        (
            lambda s, p: s["schedules"][0].update(time_zone="Edinburgh"),
            [
                "Schedule 'Generlate working hours' time zone: Zendesk Edinburgh,"
                " policy Pacific Time (US & Canada)"
            ],
        ),
        (
            lambda s, p: s["schedules"][0]["intervals"][0].update(end_time=2520),
            ["Schedule 'Generlate working hours', Monday: Zendesk 09:00–18:00, policy 09:00–17:00"],
        ),
        (
            lambda s, p: s["schedules"][1]["intervals"].pop(),
            ["Schedule 'Generlate support window', Friday: Zendesk closed, policy 02:00–17:00"],
        ),
        (
            lambda s, p: p["sla_policies"][1]["filter"]["all"][0].update(value="managed"),
            [
                "SLA policy 'Managed plan SLA' applies to:"
                " Zendesk tickets with current_tags includes"
                " managed, policy tickets with current_tags includes plan_managed"
            ],
        ),
        (
            lambda s, p: p["sla_policies"].append(
                {**p["sla_policies"][0], "title": "VIP", "id": 99}
            ),
            ["Zendesk has SLA policy 'VIP' (id 99), which the policy does not define"],
        ),
    ],
)
def test_drift_in_readers_words(tmp_path, capsys, edit, expected):
    live = _live_copy(tmp_path)
    schedules = json.loads((live / "schedules.json").read_text())
    policies = json.loads((live / "sla_policies.json").read_text())
    edit(schedules, policies)
    (live / "schedules.json").write_text(json.dumps(schedules))
    (live / "sla_policies.json").write_text(json.dumps(policies))
    status, lines, _ = _drift(POLICY_FILE.parent, live, capsys)
    assert (status, lines[:-1]) == (1, expected)


def test_live_json_with_ids_and_timestamps_agrees(tmp_path, capsys):
    assert _drift(POLICY_FILE.parent, _live_copy(tmp_path), capsys)[:2] == (
        0,
        ["Zendesk agrees with the policy"],
    )


def test_holidays_are_compared_from_the_holidays_file(tmp_path, capsys):
    live = _live_copy(tmp_path)
    shutil.copy(DOCS / "docs-list-holidays.json", live / "holidays-1.json")
    status, lines, _ = _drift(POLICY_FILE.parent, live, capsys)
    assert status == 1
    assert lines[:2] == [
        "Schedule 'Generlate working hours' holiday 2021-07-04 (Independence Day):"
        " Zendesk closed, policy open",
        "Schedule 'Generlate working hours' holiday 2021-12-25 (Christmas):"
        " Zendesk closed, policy open",
    ]


def test_zendesks_documented_examples_parse(tmp_path, capsys):
    live = tmp_path / "docs"
    live.mkdir()
    shutil.copy(DOCS / "docs-list-schedules.json", live / "schedules.json")
    shutil.copy(DOCS / "docs-list-sla-policies.json", live / "sla_policies.json")
    shutil.copy(DOCS / "docs-list-holidays.json", live / "holidays-1.json")
    status, lines, err = _drift(POLICY_FILE.parent, live, capsys)
    assert (status, err) == (1, "")
    assert lines == [
        "note: holidays of schedule 'EMEA' not compared: no holidays list (holidays-2.json)",
        "Schedule 'Generlate working hours' is not in Zendesk",
        "Schedule 'Generlate support window' is not in Zendesk",
        "Zendesk has schedule 'North America' (id 1), which the policy does not define",
        "Zendesk has schedule 'EMEA' (id 2), which the policy does not define",
        "SLA policy 'Self-hosted plan SLA' is not in Zendesk",
        "SLA policy 'Managed plan SLA' is not in Zendesk",
        "Zendesk has SLA policy 'Incidents' (id 36), which the policy does not define",
        "7 differences between Zendesk and the policy",
    ]
    shutil.copy(DOCS / "docs-sla-policy-example.json", live / "sla_policies.json")
    status, lines, _ = _drift(POLICY_FILE.parent, live, capsys)
    assert status == 1 and "Zendesk has SLA policy 'Silver Plan' (id 25)" in lines[-2]


@pytest.mark.parametrize(
    ("schedules", "message"),
    [
        (None, "schedules.json: no such file"),
        ('{"schedules": [\n  {"name": "x",}\n]}', "schedules.json:2: not JSON"),
        ('{"items": []}', "schedules.json: expected an object with a 'schedules' list"),
        (
            '{"schedules": [{"name": "x", "time_zone": "London",'
            ' "intervals": [{"start_time": "9", "end_time": 2}]}]}',
            "schedules.json: schedules[0].intervals[0].start_time: expected int, got '9'",
        ),
        (
            '{"schedules": [{"name": "x", "time_zone": "London",'
            ' "intervals": [{"start_time": 9000, "end_time": 11000}]}]}',
            "schedules.json: schedules[0].intervals[0]: 9000-11000 is not within one week",
        ),
    ],
)
def test_unreadable_live_input_exits_2_located(tmp_path, capsys, schedules, message):
    live = _live_copy(tmp_path)
    if schedules is None:
        (live / "schedules.json").unlink()
    else:
        (live / "schedules.json").write_text(schedules)
    status, lines, err = _drift(POLICY_FILE.parent, live, capsys)
    assert (status, lines) == (2, [])
    assert message in err
    assert err.startswith("handbook-policy zendesk: ")


def test_control_characters_from_zendesk_never_reach_the_terminal(tmp_path, capsys):
    live = _live_copy(tmp_path)
    schedules = json.loads((live / "schedules.json").read_text())
    schedules["schedules"][0]["time_zone"] = "London\u001b[2J"
    (live / "schedules.json").write_text(json.dumps(schedules))
    status, lines, _ = _drift(POLICY_FILE.parent, live, capsys)
    assert status == 1
    assert "\u001b" not in "\n".join(lines)
    assert lines[0].startswith(
        "Schedule 'Generlate working hours' time zone: Zendesk London\ufffd[2J"
    )
