"""The policy's helpdesk section, the Zendesk zone table, the export and drift."""

from __future__ import annotations

import json
from zoneinfo import ZoneInfo

import pytest
from policy_fixtures import FIXTURES, POLICY_FILE, edited_policy, line_of

from generlate_handbook.cli import main
from generlate_handbook.helpdesk.export import build_export
from generlate_handbook.policy.load import load_policy
from generlate_handbook.policy.source import PolicyErrors
from generlate_handbook.policy.zendesk_zones import ZENDESK_ZONES, iana_of, zendesk_zone_name

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


def test_calendar_targets_are_not_in_business_hours(tmp_path):
    folder = edited_policy(
        tmp_path,
        ("    clock: working-hours\n", "    clock: calendar\n"),
        ("within: 1 business week", "within: 1 week"),
    )
    metrics = build_export(load_policy(folder)).sla_policies[0]["policy_metrics"]
    assert [(m["priority"], m["target"], m["business_hours"]) for m in metrics] == [
        ("urgent", 1440, False),
        ("urgent", 4320, False),
        ("high", 1440, False),
        ("high", 4320, False),
        ("normal", 10080, False),
        ("low", 10080, False),
    ]


def test_a_target_on_a_schedule_zendesk_does_not_default_to_is_listed(tmp_path):
    hours = "    working-hours: Generlate working hours\n"
    window = "    support-window: Generlate support window\n"
    folder = edited_policy(tmp_path, (hours + window, window + hours))
    export = build_export(load_policy(folder))
    assert export.schedules[0]["name"] == "Generlate support window"
    items = {item.key_path: item.reason for item in export.unenforced}
    reason = items["slas.standard.targets.sev1.response.within"]
    assert "counts on the working-hours clock" in reason
    assert "default schedule (Generlate support window) unless a trigger sets another" in reason
