"""Policy invariants: the real policy passes each one; a fixture that breaks it fails, located."""

from __future__ import annotations

from pathlib import Path

import pytest
from policy_fixtures import (
    FIXTURES,
    POLICY_FILE,
    edited_policy,
    line_of,
    policy_with_schedule,
)

from generlate_handbook.checks import Checker, check_policy
from generlate_handbook.policy.load import load

YEARS = (2026, 2027)


def checker(folder: Path) -> Checker:
    loaded = load(folder)
    return Checker(loaded.policy, loaded.source, YEARS)


def messages(folder: Path, check: str) -> list[str]:
    return [str(error) for error in getattr(checker(folder), check)()]


CHECKS = [
    "response_not_after_resolution",
    "severities_ordered",
    "internal_within_contract",
    "internal_within_individual",
    "window_covers_working_hours",
    "maintenance_fits_availability",
]


@pytest.mark.parametrize("check", CHECKS)
def test_real_policy_passes(check):
    assert messages(POLICY_FILE.parent, check) == []


def test_real_policy_passes_all_checks_together():
    loaded = load(POLICY_FILE.parent)
    assert check_policy(loaded.policy, loaded.source, YEARS) == []


def test_response_later_than_resolution_fails(tmp_path):
    folder = edited_policy(tmp_path / "p", ("          within: 72h", "          within: 16h"))
    (message,) = messages(folder, "response_not_after_resolution")
    assert message.startswith(f"{folder / 'support.yaml'}:{line_of(folder, '        response:')}: ")
    assert "slas.standard.targets.sev1.response: a response must not be due after its" in message
    assert "(24 working hours (3 business days)) allows more time than" in message
    assert "slas.standard.targets.sev1.resolution (16 working hours (2 business days))" in message


def test_higher_severity_looser_than_lower_fails(tmp_path):
    folder = edited_policy(tmp_path / "p", ("          within: 24h", "          within: 48h"))
    (message,) = messages(folder, "severities_ordered")
    assert (
        f":{line_of(folder, '        response:')}: slas.standard.targets.sev1.response:" in message
    )
    assert "a higher severity must not be looser than a lower one" in message
    assert "(48 working hours (6 business days)) allows more time than" in message
    assert "slas.standard.targets.sev2.response (1 business week (40 working hours))" in message


def test_severities_on_different_clocks_compare_worst_case_calendar_time(tmp_path):
    # 3 calendar days for Severity 1 against 40 working hours for Severity 2: in calendar time
    # Severity 2 can take longer (a week and more), so this order is consistent...
    consistent = edited_policy(
        tmp_path / "ok",
        (
            "          within: 24h\n          from: becoming aware of the issue\n",
            "          within: 3d\n          clock: calendar\n"
            "          from: becoming aware of the issue\n",
        ),
    )
    assert messages(consistent, "severities_ordered") == []
    # ...but 10 calendar days is longer than 40 working hours can ever take (8 days 16 hours).
    loose = edited_policy(
        tmp_path / "bad",
        (
            "          within: 24h\n          from: becoming aware of the issue\n",
            "          within: 10d\n          clock: calendar\n"
            "          from: becoming aware of the issue\n",
        ),
    )
    (message,) = messages(loose, "severities_ordered")
    assert "slas.standard.targets.sev1.response (10 days) allows more time than" in message
    assert "compared on the calendar at their worst over 2026, 2027: 10 days against" in message


def test_internal_target_looser_than_contract_fails(tmp_path):
    folder = edited_policy(
        tmp_path / "p",
        (
            "    within: 1h\n    clock: support-window\n    priority",
            "    within: 60h\n    clock: support-window\n    priority",
        ),
    )
    found = messages(folder, "internal_within_contract")
    # 60 support-window hours take 4 days (Friday 17:00 to Thursday 17:00 at worst); 24 working
    # hours take at worst until Wednesday 17:00. (30 hours would still be within the contract.)
    assert found
    assert all(":internal.first_response.within:" in m.replace(" ", "") for m in found)
    assert "an internal target must not be looser than the contract" in found[0]
    assert (
        "internal.first_response.within (60 hours in the support window (4 business days))"
        in found[0]
    )


def test_internal_target_looser_than_individual_fails(tmp_path):
    folder = edited_policy(
        tmp_path / "p", ("    average_within: 1 week", "    average_within: 2 weeks")
    )
    (message,) = messages(folder, "internal_within_individual")
    assert (
        f":{line_of(folder, 'average_within: 2 weeks')}: internal.resolution.average_within:"
        in (message)
    )
    assert "(2 weeks) allows more time than individual.resolution.average_within (7 days)" in (
        message
    )


def test_utc_defined_support_window_is_rejected(tmp_path):
    """The seed's "9:00-0:00 UTC (2am-5pm PT)" holds only during Pacific Daylight Time."""
    folder = policy_with_schedule(
        tmp_path / "p", "support-window", FIXTURES / "support-window-utc.yaml"
    )
    loaded = load(folder)
    (message,) = [
        str(e) for e in Checker(loaded.policy, loaded.source, (2026,)).window_covers_working_hours()
    ]
    assert f":{line_of(folder, 'support-window:')}: schedules.support-window:" in message
    # Every weekday outside PDT loses 16:00-17:00 PT: 91 days and hours in 2026.
    assert "does not cover the working-hours schedule on 91 days in 2026 (91 hours in all)" in (
        message
    )
    assert "first on 2026-01-01 16:00–17:00 America/Los_Angeles (00:00–01:00 UTC)" in message


def test_window_defined_in_pacific_time_covers_every_day_of_both_regimes():
    loaded = load(POLICY_FILE.parent)
    for year in range(2024, 2031):
        assert (
            list(Checker(loaded.policy, loaded.source, (year,)).window_covers_working_hours()) == []
        )


def test_maintenance_longer_than_the_availability_budget_fails(tmp_path):
    folder = edited_policy(tmp_path / "p", ("    availability: 99.5%", "    availability: 99.9%"))
    (message,) = messages(folder, "maintenance_fits_availability")
    assert f":{line_of(folder, 'max_downtime')}: plans.managed.maintenance.max_downtime:" in message
    assert "one maintenance window (2 hours) is more than the downtime" in message
    assert "plans.managed.availability (99.9%) allows in a 28-day month (40 minutes 19 seconds" in (
        message
    )


def test_maintenance_within_budget_passes_at_the_edge(tmp_path):
    # 99.5% of a 28-day month allows 3 hours 21 minutes 36 seconds: 3 hours fits.
    folder = edited_policy(tmp_path / "p", ("      max_downtime: 2h", "      max_downtime: 3h"))
    assert messages(folder, "maintenance_fits_availability") == []
