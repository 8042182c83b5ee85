"""The policy's helpdesk section, the Zendesk zone table, the export and drift."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from policy_fixtures import FIXTURES, POLICY_FILE, edited_policy, line_of

from generlate_handbook.cli import main
from generlate_handbook.helpdesk.export import build_export
from generlate_handbook.helpdesk.zones import ZENDESK_ZONES, iana_of, zendesk_zone_name
from generlate_handbook.policy.load import load_policy
from generlate_handbook.policy.source import PolicyErrors

DOCS = FIXTURES / "zendesk"
SEV1_RESPONSE = ("within: 24h\n          from", "within: 16h\n          from")


@pytest.fixture(scope="module")
def policy():
    return load_policy(POLICY_FILE.parent)


# --- the helpdesk section ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "needle", "key_path", "message"),
    [
        (
            "    sev2: [normal, low]\n",
            "    sev2: [normal, high]\n",
            "sev2: [normal, high]",
            "helpdesk.priorities.sev2[1]",
            "priority 'high' is already claimed by sev1",
        ),
        (
            "    sev2: [normal, low]\n",
            "    sev3: [normal, low]\n",
            "sev3:",
            "helpdesk.priorities.sev3",
            "unknown severity 'sev3' (known: sev1, sev2)",
        ),
        (
            "    sev2: [normal, low]\n",
            "    sev2: [normal, critical]\n",
            "sev2: [normal, critical]",
            "helpdesk.priorities.sev2[1]",
            "expected 'urgent', 'high', 'normal' or 'low', got 'critical'",
        ),
        (
            "      organization_tag: plan_managed\n",
            "      organization_tag: plan_self_hosted\n",
            "    managed:",
            "helpdesk.plans.managed",
            "marker 'plan_self_hosted' is already used by self-hosted",
        ),
        (
            "      organization_tag: plan_managed\n",
            "      organization_tag: plan_managed\n"
            "      ticket_field: {id: 360001, value: managed}\n",
            "    managed:",
            "helpdesk.plans.managed",
            "give exactly one of organization_tag or ticket_field",
        ),
        (
            "      organization_tag: plan_managed\n",
            "      organization_tag: Plan Managed\n",
            "organization_tag: Plan Managed",
            "helpdesk.plans.managed.organization_tag",
            "'Plan Managed' is not a valid id",
        ),
        (
            "    support-window: Generlate support window\n",
            "    support-windw: Generlate support window\n",
            "support-windw:",
            "helpdesk.schedules.support-windw",
            "unknown schedule 'support-windw' (known: working-hours, support-window)",
        ),
        (
            "    support-window: Generlate support window\n",
            "    support-window: Generlate working hours\n",
            "    support-window: Generlate working hours",
            "helpdesk.schedules.support-window",
            "Zendesk schedule name 'Generlate working hours' is already used by working-hours",
        ),
        (
            "  engineering_help_tag: engineering_help\n",
            "  engineering_help_tag: plan_managed\n",
            "organization_tag: plan_managed",
            "helpdesk.plans.managed.organization_tag",
            "the engineering-help tag cannot also mark a plan",
        ),
        (
            "    zone: America/Los_Angeles\n    hours:\n      mon: 09:00",
            "    zone: America/Vancouver\n    hours:\n      mon: 09:00",
            "zone: America/Vancouver",
            "schedules.working-hours.zone",
            "Zendesk has no time zone for 'America/Vancouver'",
        ),
    ],
)
def test_helpdesk_errors_are_located(tmp_path, old, new, needle, key_path, message):
    folder = edited_policy(tmp_path, (old, new))
    with pytest.raises(PolicyErrors) as caught:
        load_policy(folder)
    line = line_of(folder, needle)
    hits = [e for e in caught.value.errors if e.key_path == key_path]
    assert hits, caught.value.errors
    assert message.replace("'", "") in hits[0].message.replace("'", "").replace('"', "")
    assert hits[0].line == line
    assert hits[0].file.endswith("support.yaml")


def test_a_missing_plan_mapping_is_an_error(tmp_path):
    folder = edited_policy(tmp_path, ("    managed:\n      organization_tag: plan_managed\n", ""))
    with pytest.raises(PolicyErrors) as caught:
        load_policy(folder)
    (error,) = caught.value.errors
    assert (error.key_path, error.message) == (
        "helpdesk.plans",
        "no help-desk mapping for plan managed",
    )


def test_priorities_default_to_the_documented_mapping(tmp_path):
    folder = edited_policy(
        tmp_path, ("  priorities:\n    sev1: [urgent, high]\n    sev2: [normal, low]\n", "")
    )
    helpdesk = load_policy(folder).helpdesk
    assert helpdesk.priorities == {"sev1": ["urgent", "high"], "sev2": ["normal", "low"]}


def test_lookups_for_ticket_tooling(policy, tmp_path):
    helpdesk = policy.helpdesk
    assert [helpdesk.severity_of(p) for p in ("urgent", "high", "normal", "low", None, "x")] == [
        "sev1",
        "sev1",
        "sev2",
        "sev2",
        None,
        None,
    ]
    assert helpdesk.plan_of(["vip", "plan_managed"]) == "managed"
    assert helpdesk.plan_of(["vip"]) is None
    with pytest.raises(ValueError, match="more than one plan"):
        helpdesk.plan_of(["plan_managed", "plan_self_hosted"])
    assert helpdesk.is_engineering_help(["engineering_help"]) is True
    assert helpdesk.is_engineering_help(["engineering"]) is False
    folder = edited_policy(
        tmp_path,
        (
            "      organization_tag: plan_managed\n",
            "      ticket_field: {id: 360001, value: managed}\n",
        ),
    )
    by_field = load_policy(folder).helpdesk
    assert by_field.field_to_plan() == {(360001, "managed"): "managed"}
    assert by_field.plan_of([], {360001: "managed"}) == "managed"


# --- zone names ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("iana", "zendesk"),
    [
        ("America/Los_Angeles", "Pacific Time (US & Canada)"),
        ("America/New_York", "Eastern Time (US & Canada)"),
        ("America/Chicago", "Central Time (US & Canada)"),
        ("Europe/London", "London"),
        ("Europe/Paris", "Paris"),
        ("Europe/Kyiv", "Kyiv"),
        ("Asia/Kolkata", "Kolkata"),
        ("Asia/Tokyo", "Tokyo"),
        ("Asia/Shanghai", "Beijing"),
        ("Australia/Sydney", "Sydney"),
        ("UTC", "UTC"),
        ("Etc/UTC", "UTC"),
    ],
)
def test_zendesk_zone_names(iana, zendesk):
    assert zendesk_zone_name(iana) == zendesk


@pytest.mark.parametrize("iana", ["America/Vancouver", "Europe/Oslo", "Asia/Dubai", "Etc/GMT-3"])
def test_zones_zendesk_has_no_name_for_are_refused(iana):
    with pytest.raises(ValueError, match="Zendesk has no time zone"):
        zendesk_zone_name(iana)


def test_a_refused_zone_suggests_zendesk_zones_with_the_same_offsets():
    with pytest.raises(ValueError, match="same UTC offsets: America/Los_Angeles, America/Tijuana"):
        zendesk_zone_name("America/Vancouver")


def test_every_zendesk_zone_is_a_real_zone_and_round_trips():
    for name, iana in ZENDESK_ZONES.items():
        ZoneInfo(iana)  # tzdata knows it
        assert iana_of(zendesk_zone_name(iana)) == iana, name


# --- export ------------------------------------------------------------------------------------


def _metric(priority, metric, target):
    return {"priority": priority, "metric": metric, "target": target, "business_hours": True}


TODAY_METRICS = [
    _metric("urgent", "first_reply_time", 1440),
    _metric("urgent", "total_resolution_time", 4320),
    _metric("high", "first_reply_time", 1440),
    _metric("high", "total_resolution_time", 4320),
    _metric("normal", "first_reply_time", 2400),
    _metric("low", "first_reply_time", 2400),
]


def _week(start, end):
    return [{"start_time": d * 1440 + start, "end_time": d * 1440 + end} for d in range(1, 6)]


def test_export_of_todays_policy_field_by_field(policy):
    export = build_export(policy)
    assert export.schedules == [
        {
            "name": "Generlate working hours",
            "time_zone": "Pacific Time (US & Canada)",
            "intervals": _week(540, 1020),
            "holidays": [],
        },
        {
            "name": "Generlate support window",
            "time_zone": "Pacific Time (US & Canada)",
            "intervals": _week(120, 1020),
            "holidays": [],
        },
    ]
    assert export.schedules[0]["intervals"][0] == {"start_time": 1980, "end_time": 2460}
    for index, (plan, tag) in enumerate(
        [("Self-hosted", "plan_self_hosted"), ("Managed", "plan_managed")]
    ):
        assert export.sla_policies[index] == {
            "title": f"{plan} plan SLA",
            "description": f"Default contractual SLA, {plan} plan. Generated from the handbook"
            " policy: change it there, not in Zendesk.",
            "filter": {
                "all": [{"field": "current_tags", "operator": "includes", "value": tag}],
                "any": [],
            },
            "policy_metrics": TODAY_METRICS,
        }
    assert len(export.sla_policies) == 2


def test_unenforced_lists_every_gap_and_drops_nothing(policy):
    items = {item.key_path: item.reason for item in build_export(policy).unenforced}
    for key in (
        "internal.first_response",
        "internal.resolution",
        "internal.attainment",
        "internal.engineering_help",
        "individual",
        "kpis",
        "custom_agreements",
        "plans.managed.availability",
        "plans.managed.maintenance",
        "slas.standard.excludes",
        "slas.standard.targets.sev2.resolution.within",
        "slas.standard.targets.sev1.response.from",
        "severities",
    ):
        assert key in items, key
    assert "one SLA policy per ticket" in items["internal.first_response"]
    assert "1 hour in the support window" in items["internal.first_response"]
    assert "priorities normal and low" in items["slas.standard.targets.sev2.resolution.within"]
    assert not [k for k, v in items.items() if "no setting" in v], "every fact has its own reason"


@pytest.mark.parametrize(
    ("hours", "holidays", "intervals", "zendesk_holidays"),
    [
        ("sat: 10:00-24:00\n      sun: 00:00-02:00", "[]", [(0, 120), (9240, 10080)], []),
        ("mon: [09:00-12:00, 12:00-17:00]", "[]", [(1980, 2460)], []),
        ("mon: [09:00-12:00, 13:00-17:00]", "[]", [(1980, 2160), (2220, 2460)], []),
        (
            "mon: 09:00-17:00",
            "[2026-12-25, {date: 2026-12-24, name: Christmas Eve}]",
            [(1980, 2460)],
            [("Christmas Eve", "2026-12-24"), ("Holiday", "2026-12-25")],
        ),
    ],
)
def test_schedule_intervals_and_holidays(tmp_path, hours, holidays, intervals, zendesk_holidays):
    text = POLICY_FILE.read_text()
    week = "".join(f"      {day}: 09:00-17:00\n" for day in ("mon", "tue", "wed", "thu", "fri"))
    old = f"    hours:\n{week}    holidays: []\n"
    assert text.count(old) == 1
    folder = edited_policy(
        tmp_path, (old, f"    hours:\n      {hours}\n    holidays: {holidays}\n")
    )
    schedule = build_export(load_policy(folder)).schedules[0]
    assert [(i["start_time"], i["end_time"]) for i in schedule["intervals"]] == intervals
    assert [(h["name"], h["start_date"]) for h in schedule["holidays"]] == zendesk_holidays
    assert all(h["start_date"] == h["end_date"] for h in schedule["holidays"])


def test_cli_export_writes_the_files_and_prints_what_is_unenforced(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["--policy", str(POLICY_FILE.parent), "zendesk", "export", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert sorted(p.name for p in out.iterdir()) == [
        "schedules.json",
        "sla_policies.json",
        "unenforced.txt",
    ]
    assert (out / "unenforced.txt").read_text() in printed
    data = json.loads((out / "sla_policies.json").read_text())
    assert data["sla_policies"][1]["policy_metrics"] == TODAY_METRICS


def test_export_without_a_helpdesk_section_is_a_policy_problem(tmp_path, capsys):
    text = POLICY_FILE.read_text()
    (tmp_path / "support.yaml").write_text(text[: text.index("\n# How the help desk")] + "\n")
    assert main(["--policy", str(tmp_path), "zendesk", "export", "--out", str(tmp_path / "o")]) == 1
    assert "no helpdesk section" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


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
