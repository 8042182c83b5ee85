"""Loading the policy: the real one loads; each kind of mistake gets a located, readable error."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from policy_fixtures import POLICY_FILE, edited_policy, line_of

from generlate_handbook.policy.load import load, load_policy
from generlate_handbook.policy.source import PolicyErrors
from generlate_handbook.policy.units import (
    Count,
    Duration,
    DurationUnit,
    NoDeadline,
    parse_count,
    parse_duration,
    parse_percentage,
    parse_within,
)


def test_real_policy_loads_every_fact_from_the_seed():
    policy = load_policy(POLICY_FILE.parent)
    assert list(policy.severities) == ["sev1", "sev2"]
    assert set(policy.plans) == {"self-hosted", "managed"}
    # One SLA that both plans share: the seed's two identical tables cannot drift.
    assert policy.plans["self-hosted"].sla == policy.plans["managed"].sla == "standard"
    targets = policy.slas["standard"].targets
    assert targets["sev1"].response.within == Duration(Decimal(24), DurationUnit.HOUR)
    assert targets["sev1"].resolution.within == Duration(Decimal(72), DurationUnit.HOUR)
    assert targets["sev2"].response.within == Duration(Decimal(1), DurationUnit.BUSINESS_WEEK)
    assert targets["sev2"].resolution.within == NoDeadline()
    managed = policy.plans["managed"]
    assert str(managed.availability) == "99.5%"
    assert managed.maintenance is not None
    assert managed.maintenance.notice.fixed().total_seconds() == 24 * 3600
    assert managed.maintenance.max_downtime.fixed().total_seconds() == 2 * 3600
    assert policy.custom_agreements.plans == ["Enterprise Plus", "Elite"]
    assert policy.slas["standard"].excludes == ["beta-experimental"]
    assert str(policy.internal.attainment.sla_response) == "100%"
    assert str(policy.internal.attainment.sla_resolution) == "95%"
    assert str(policy.internal.engineering_help.at_most) == "10%"
    assert policy.individual.new_cases.per_week == Count(5, 7, "case")
    assert policy.individual.active_cases.at_most == Count(5, 5, "case")
    hours = policy.schedules["working-hours"]
    assert hours.zone.key == "America/Los_Angeles"
    assert hours.weekly_hours[0] == ((9 * 60, 17 * 60),)
    assert 5 not in hours.weekly_hours and 6 not in hours.weekly_hours
    window = policy.schedules["support-window"]
    assert window.zone.key == "America/Los_Angeles"
    assert window.weekly_hours[4] == ((2 * 60, 17 * 60),)
    assert len(policy.kpis) == 6


def errors_for(folder: Path) -> list[str]:
    with pytest.raises(PolicyErrors) as caught:
        load(folder)
    return [str(error) for error in caught.value.errors]


# (case id, edits, needle on the reported line, key path, message fragment)
MALFORMED = [
    (
        "yaml-syntax",
        [("  sev1:\n    name: Severity 1", "  sev1:\n    name: [Severity 1")],
        None,
        "",
        "YAML syntax",
    ),
    (
        "unknown-key-typo",
        [("    availability: 99.5%", "    availabilty: 99.5%")],
        "availabilty",
        "plans.managed.availabilty",
        "unknown key 'availabilty'; did you mean 'availability'?",
    ),
    (
        "missing-field",
        [("    audience: customers with managed instances\n", "")],
        "  managed:",
        "plans.managed.audience",
        "missing required key 'audience'",
    ),
    (
        "bare-number-without-unit",
        [("          within: 72h", "          within: 72")],
        "within: 72",
        "slas.standard.targets.sev1.resolution.within",
        "72 has no unit",
    ),
    (
        "bad-unit",
        [("      max_downtime: 2h", "      max_downtime: 2 fortnights")],
        "max_downtime",
        "plans.managed.maintenance.max_downtime",
        "'2 fortnights' is not a duration with its unit",
    ),
    (
        "unknown-time-zone",
        [
            (
                "    zone: America/Los_Angeles\n    hours:\n      mon: 09:00",
                "    zone: America/Los_Angles\n    hours:\n      mon: 09:00",
            )
        ],
        "America/Los_Angles",
        "schedules.working-hours.zone",
        "unknown time zone 'America/Los_Angles': expected an IANA zone name; did you mean "
        "America/Los_Angeles?",
    ),
    (
        "window-end-not-after-start",
        [("      mon: 09:00-17:00", "      mon: 17:00-09:00")],
        "mon: 17:00-09:00",
        "schedules.working-hours.hours.mon",
        "the end 09:00 is not after the start 17:00",
    ),
    (
        "time-past-24",
        [("      tue: 02:00-17:00", "      tue: 02:00-25:00")],
        "25:00",
        "schedules.support-window.hours.tue",
        "'25:00' is not a time of day between 00:00 and 24:00",
    ),
    (
        "percentage-above-100",
        [("    availability: 99.5%", "    availability: 100.5%")],
        "availability: 100.5%",
        "plans.managed.availability",
        "'100.5%' is above 100%",
    ),
    (
        "percentage-without-sign",
        [("    sla_resolution: 95%", "    sla_resolution: 95")],
        "sla_resolution",
        "internal.attainment.sla_resolution",
        "95 has no unit; expected a percentage",
    ),
    (
        "unknown-clock",
        [("    clock: working-hours\n", "    clock: office-hours\n")],
        "clock: office-hours",
        "slas.standard.clock",
        "unknown clock 'office-hours' (known: calendar, working-hours, support-window)",
    ),
    (
        "unknown-sla",
        [
            (
                "    audience: customers with managed instances\n    sla: standard",
                "    audience: customers with managed instances\n    sla: premium",
            )
        ],
        "sla: premium",
        "plans.managed.sla",
        "unknown SLA 'premium' (known: standard)",
    ),
    (
        "calendar-days-on-a-business-clock",
        [("          within: 72h", "          within: 3d")],
        "within: 3d",
        "slas.standard.targets.sev1.resolution.within",
        "'3 day' is ambiguous on the working-hours clock",
    ),
    (
        "response-when-complete",
        [("          within: 24h", "          within: when complete")],
        "within: when complete",
        "slas.standard.targets.sev1.response.within",
        "a response target needs a deadline",
    ),
    (
        "wrong-type",
        [("    name: Severity 1", "    name: 1")],
        "name: 1",
        "severities.sev1.name",
        "expected text, got 1",
    ),
]


@pytest.mark.parametrize(
    ("edits", "needle", "key_path", "message"),
    [pytest.param(*case[1:], id=case[0]) for case in MALFORMED],
)
def test_malformed_policy_gives_a_located_error(tmp_path, edits, needle, key_path, message):
    folder = edited_policy(tmp_path / "policy", *edits)
    errors = errors_for(folder)
    assert len(errors) == 1, errors
    error = errors[0]
    file_part, line_part, rest = error.split(":", 2)
    assert file_part.endswith("support.yaml")
    if needle is not None:
        assert int(line_part) == line_of(folder, needle)
    else:
        assert int(line_part) > 0
    assert rest.strip().startswith(f"{key_path}: " if key_path else "YAML syntax")
    assert message in error
    assert "Traceback" not in error


def test_duplicate_key_is_a_located_yaml_error(tmp_path):
    folder = edited_policy(
        tmp_path / "policy", ("  sev2:\n    name: Severity 2", "  sev1:\n    name: Severity 2")
    )
    (error,) = errors_for(folder)
    assert f"support.yaml:{line_of(folder, '  sev1:', 2)}:" in error
    assert "duplicate key" in error


def test_targets_for_every_severity_are_required(tmp_path):
    folder = edited_policy(
        tmp_path / "policy",
        (
            "  sev2:\n    name: Severity 2",
            "  sev3:\n    name: Severity 3\n    description: x\n  sev2:\n    name: Severity 2",
        ),
    )
    error, helpdesk = errors_for(folder)  # the help desk must map the new severity too
    assert f"support.yaml:{line_of(folder, '    targets:')}: slas.standard.targets: " in error
    assert "no targets for severity sev3" in error
    assert "helpdesk.priorities: no help-desk mapping for severity sev3" in helpdesk


def test_several_errors_are_all_reported_in_file_order(tmp_path):
    folder = edited_policy(
        tmp_path / "policy",
        ("    availability: 99.5%", "    availability: 150%"),
        ("      max_downtime: 2h", "      max_downtime: 2"),
    )
    errors = errors_for(folder)
    assert len(errors) == 2
    lines = [int(error.split(":")[1]) for error in errors]
    assert lines == sorted(lines)


def test_a_section_defined_in_two_files_is_an_error(tmp_path):
    folder = edited_policy(tmp_path / "policy")
    (folder / "extra.yaml").write_text("kpis:\n  - Another\n")
    (error,) = errors_for(folder)
    assert "support.yaml" in error and "kpis: already defined at" in error
    assert "extra.yaml:1" in error


def test_policy_split_across_files_loads(tmp_path):
    text = POLICY_FILE.read_text()
    head, tail = text.split("\nkpis:", 1)
    folder = tmp_path / "policy"
    folder.mkdir()
    (folder / "support.yaml").write_text(head)
    (folder / "kpis.yaml").write_text("kpis:" + tail)
    assert len(load_policy(folder).kpis) == 6


def test_empty_folder_is_an_error(tmp_path):
    (error,) = errors_for(tmp_path)
    assert error.endswith(f": the policy folder {tmp_path} has no *.yaml files")
    (error,) = errors_for(tmp_path / "nope")
    assert error.endswith(f": the policy folder {tmp_path / 'nope'} does not exist")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30m", Duration(Decimal(30), DurationUnit.MINUTE)),
        ("24h", Duration(Decimal(24), DurationUnit.HOUR)),
        ("24 hours", Duration(Decimal(24), DurationUnit.HOUR)),
        ("1.5h", Duration(Decimal("1.5"), DurationUnit.HOUR)),
        ("7d", Duration(Decimal(7), DurationUnit.DAY)),
        ("1 week", Duration(Decimal(1), DurationUnit.WEEK)),
        ("2 business days", Duration(Decimal(2), DurationUnit.BUSINESS_DAY)),
        ("1 Business Week", Duration(Decimal(1), DurationUnit.BUSINESS_WEEK)),
    ],
)
def test_durations_parse_with_their_units(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["24", 24, "h", "0h", "-1h", "24 parsecs", True, None])
def test_durations_without_a_valid_unit_are_rejected(text):
    with pytest.raises(ValueError):
        parse_duration(text)


def test_deadline_percentage_and_count_parsing():
    assert parse_within("When complete") == NoDeadline()
    assert str(parse_percentage("99.95%")) == "99.95%"
    with pytest.raises(ValueError, match="above 100%"):
        parse_percentage("101%")
    assert parse_count("5-7 cases") == Count(5, 7, "case")
    assert parse_count("1 case") == Count(1, 1, "case")
    with pytest.raises(ValueError, match="below its start"):
        parse_count("7-5 cases")


def test_holidays_in_the_yaml_close_the_day_for_the_clock(tmp_path):
    from datetime import date, datetime, timedelta

    from generlate_handbook.clock import due, schedule_for

    folder = edited_policy(
        tmp_path / "p",
        (
            "      fri: 09:00-17:00\n    holidays: []\n  support-window:",
            "      fri: 09:00-17:00\n    holidays:\n      - 2026-11-26\n"
            "      - {date: 2026-11-27, name: Day after Thanksgiving}\n  support-window:",
        ),
    )
    hours = schedule_for(load_policy(folder), "working-hours")
    assert hours.holidays == frozenset({date(2026, 11, 26), date(2026, 11, 27)})
    # Opened Wednesday 16:00 PST: 1 hour that day, then Thursday and Friday are holidays.
    opened = datetime.fromisoformat("2026-11-25T16:00:00-08:00")
    assert due(opened, timedelta(hours=2), hours).isoformat() == "2026-11-30T18:00:00+00:00"


def test_a_holiday_that_is_not_a_date_is_located(tmp_path):
    folder = edited_policy(
        tmp_path / "p",
        (
            "      fri: 09:00-17:00\n    holidays: []\n  support-window:",
            "      fri: 09:00-17:00\n    holidays: [Thanksgiving]\n  support-window:",
        ),
    )
    (error,) = errors_for(folder)
    assert f":{line_of(folder, 'holidays: [Thanksgiving]')}: schedules.working-hours.holidays" in (
        error
    )
