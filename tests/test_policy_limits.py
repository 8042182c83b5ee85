"""Hostile and broken policy input: every limit holds, with a located error, never a traceback.

Each case is a regression test for issue #8 (defects 3, 4 and 11): it fails on a loader that
expands an alias bomb, recurses into 5,000 brackets, quotes a whole value in a message, reads
a named pipe, or accepts full-width digits.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from policy_fixtures import POLICY_FILE, edited_policy, line_of, policy_text

from generlate_handbook.checks import check_policy
from generlate_handbook.policy import limits, source
from generlate_handbook.policy.load import load, load_cached
from generlate_handbook.policy.source import PolicyErrors, snapshot

LOCATED = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+): (?P<rest>.+)$")


def errors_for(location: Path | list[Path]) -> list[str]:
    with pytest.raises(PolicyErrors) as caught:
        load(location)
    return [str(error) for error in caught.value.errors]


def bomb(levels: int = 9, width: int = 9) -> str:
    """A billion-laughs alias bomb as a list of lists: ``width ** levels`` strings."""
    lines = ["  - &l0 [" + ", ".join(["lol"] * width) + "]"]
    lines += [f"  - &l{i} [" + ", ".join([f"*l{i - 1}"] * width) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def with_kpis(folder: Path, kpis_body: str) -> Path:
    text = policy_text()
    text = text[: text.index("kpis:")] + "kpis:\n" + kpis_body
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "support.yaml").write_text(text, encoding="utf-8")
    return folder


# --- defect 3: the alias bomb, in a subprocess with a memory and time bound --------------------

BOUNDED = textwrap.dedent(
    """
    import resource, sys
    from pathlib import Path
    limit = 1024 * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from generlate_handbook.cli import main
    sys.exit(main(sys.argv[1:]))
    """
)


@pytest.mark.parametrize("verb", ["validate", "check"])
def test_an_alias_bomb_is_refused_at_its_line_within_a_second_and_1_gb(tmp_path, verb):
    folder = with_kpis(tmp_path / "p", bomb())
    assert (folder / "support.yaml").stat().st_size < 6000
    done = subprocess.run(
        [sys.executable, "-c", BOUNDED, "--policy", str(folder), verb],
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )
    assert done.returncode == 1, done.stderr[-2000:]
    (message,) = done.stderr.strip().splitlines()
    assert len(message) < 300
    located = LOCATED.match(message)
    assert located and located["rest"].startswith("kpis[")
    assert "more than 10,000 values" in message


def test_a_duplicate_key_pointing_at_a_bomb_is_refused_briefly(tmp_path):
    body = bomb() + "extra: &big [*l8, *l8]\n"
    folder = with_kpis(tmp_path / "p", body)
    text = (folder / "support.yaml").read_text() + "extra: *big\n"
    (folder / "support.yaml").write_text(text)
    (message,) = errors_for(folder)
    assert len(message) < 300 and "10,000 values" in message


def test_a_long_value_is_quoted_as_a_bounded_excerpt(tmp_path):
    long_zone = "America/" + "x" * 3000
    folder = edited_policy(
        tmp_path / "p",
        (
            "    zone: America/Los_Angeles\n    hours:\n      mon: 09:00-17:00",
            f"    zone: {long_zone}\n    hours:\n      mon: 09:00-17:00",
        ),
    )
    (message,) = errors_for(folder)
    assert "unknown time zone 'America/xxxx" in message
    assert len(message) < 250


# (case, edit (old, new), needle on the reported line, key path, message fragment)
LIMITS = [
    (
        "deep nesting",
        ("  - Total case volume", "  - " + "[" * 5000),
        "[[[[",
        "kpis[0]",
        "nested more than 32 levels deep",
    ),
    (
        "long string",
        ("  - Total case volume", "  - " + "x" * 5000),
        "xxxx",
        "kpis[0]",
        "5,000 characters long; a value has at most 4,000",
    ),
    (
        "long number",
        ("    within: 24h", "    within: 1234567890123"),
        "1234567890123",
        "slas.standard.targets.sev1.response.within",
        "has a number longer than 12 digits",
    ),
    (
        "3,000-digit number",
        ("    within: 24h", "    within: " + "9" * 3000),
        "9999",
        "slas.standard.targets.sev1.response.within",
        "longer than 12 digits",
    ),
    (
        "overflowing duration",
        ("    within: 24h", "    within: 999999999999h"),
        "999999999999h",
        "slas.standard.targets.sev1.response.within",
        "longer than the longest target allowed, 3,660 days (10 years)",
    ),
    (
        "holiday that does not exist",
        ("    holidays: []\n  support-window:", "    holidays: [2026-02-30]\n  support-window:"),
        "2026-02-30",
        "schedules.working-hours.holidays[0]",
        "'2026-02-30' is not a real date or time (day is out of range for month)",
    ),
    (
        "full-width digits",
        ("    within: 24h", "    within: ２４h"),
        "２４h",
        "slas.standard.targets.sev1.response.within",
        "'２４h' is not a duration",
    ),
    (
        "Arabic-Indic digits",
        ("      mon: 09:00-17:00", "      mon: ٠٩:٠٠-١٧:٠٠"),
        "٠٩:٠٠",
        "schedules.working-hours.hours.mon",
        "'٠٩:٠٠' is not a time of day written HH:MM",
    ),
    (
        "right-to-left override in a name",
        ("    name: Severity 1", '    name: "Severity \\u202e1"'),
        "Severity \\u202e1",
        "severities.sev1.name",
        "U+202E RIGHT-TO-LEFT OVERRIDE: control and bidirectional characters are refused",
    ),
    (
        "control character in a description",
        (
            "    reason: The SLAs apply to generally available products only.",
            '    reason: "\\x1b[31mThe SLAs apply to generally available products only."',
        ),
        "\\x1b[31m",
        "exclusions.beta-experimental.reason",
        "U+001B",
    ),
    (
        "list as a key",
        ("\nkpis:\n", "\n? [a]: 1\nkpis:\n"),
        "? [a]",
        "(top level)",
        "a key must be a name, not a list or a mapping",
    ),
    (
        "alias to the value it is in",
        ("  - Total case volume", "  - &me [*me]"),
        "&me",
        "kpis[0][0]",
        "the alias *me refers to a value it is in",
    ),
]


@pytest.mark.parametrize(
    ("case", "edit", "needle", "key_path", "message"), LIMITS, ids=[c[0] for c in LIMITS]
)
def test_each_limit_gives_a_located_error(tmp_path, case, edit, needle, key_path, message):
    folder = edited_policy(tmp_path / "p", edit)
    errors = errors_for(folder)
    expected_start = f"{folder / 'support.yaml'}:{line_of(folder, needle)}: {key_path}"
    assert any(e.startswith(expected_start) and message in e for e in errors), errors
    assert all(len(e) < 400 for e in errors)


def test_a_too_large_file_is_refused_before_it_is_parsed(tmp_path):
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "support.yaml").write_text(policy_text() + "#" * limits.MAX_FILE_BYTES)
    (message,) = errors_for(folder)
    assert message.endswith(f"a policy file has at most {limits.MAX_FILE_BYTES:,}")


def test_an_error_inside_a_merge_is_located_where_the_merged_key_is_written(tmp_path):
    folder = edited_policy(
        tmp_path / "p",
        ("  self-hosted:\n    name: Self-hosted", "  self-hosted: &sh\n    name: Self-hosted"),
        (
            "    audience: customers with on-premises/self-hosted Generlate instances\n",
            "    audience: customers with on-premises/self-hosted Generlate instances\n"
            "    bogus: 1\n",
        ),
        ("  managed:\n    name: Managed\n", "  managed:\n    <<: *sh\n    name: Managed\n"),
    )
    errors = errors_for(folder)
    line = line_of(folder, "bogus: 1")
    assert (
        f"{folder / 'support.yaml'}:{line}: plans.managed.bogus: unknown key 'bogus'"
        in "\n".join(errors)
    )


def test_a_merge_of_a_scalar_is_a_located_syntax_error(tmp_path):
    folder = edited_policy(
        tmp_path / "p",
        ("  managed:\n    name: Managed\n", "  managed:\n    <<: 5\n    name: Managed\n"),
    )
    (message,) = errors_for(folder)
    assert message.startswith(f"{folder / 'support.yaml'}:")
    assert "expected a mapping or list of mappings for merging" in message


# --- files in policy/: editors' files, pipes, links, unreadable, mid-write ------------------------


def copy_of_policy(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "support.yaml").write_text(policy_text(), encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    "name", [".#support.yaml", ".support.yaml.swp", "support.yaml~", "#support.yaml#", ".x.yaml"]
)
def test_editor_files_are_skipped(tmp_path, name):
    folder = copy_of_policy(tmp_path / "p")
    (folder / name).symlink_to("root@host.12345:1700000000")  # dangling, as Emacs writes it
    loaded = load(folder)
    assert [path.name for path in loaded.files] == ["support.yaml"]
    assert load_cached(folder).files == loaded.files


def test_a_named_pipe_is_named_and_never_read(tmp_path):
    folder = copy_of_policy(tmp_path / "p")
    os.mkfifo(folder / "extra.yaml")
    done = subprocess.run(
        [str(Path(sys.executable).parent / "handbook-policy"), "--policy", str(folder), "validate"],
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr.strip() == (
        f"{folder / 'extra.yaml'}: not a regular file (a named pipe); a policy file must be one"
    )


def test_a_broken_link_is_named_as_itself(tmp_path):
    folder = copy_of_policy(tmp_path / "p")
    (folder / "more.yaml").symlink_to(tmp_path / "gone.yaml")
    (message,) = errors_for(folder)
    assert message.startswith(f"{folder / 'more.yaml'}: cannot read: a broken symbolic link")


def test_an_unreadable_file_is_named(tmp_path, monkeypatch):
    folder = copy_of_policy(tmp_path / "p")
    real_open = os.open

    def refuse(path, *args, **kwargs):
        if str(path).endswith("support.yaml"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(source.os, "open", refuse)
    (message,) = errors_for(folder)
    assert message == f"{folder / 'support.yaml'}: cannot read: Permission denied"


def test_a_file_that_changes_while_read_is_read_again(tmp_path, monkeypatch):
    """A file caught mid-write (cut short) must not pass: the second look sees it change."""
    folder = copy_of_policy(tmp_path / "p")
    path = folder / "support.yaml"
    full = path.read_text()
    path.write_text(full[: full.index("Europ") + 5])  # the editor has written this much
    real_read = source._read_regular
    calls = []

    def read_then_finish_writing(target):
        data = real_read(target)
        calls.append(target)
        if len(calls) == 1:
            path.write_text(full)  # ...and finishes writing while we read
        return data

    monkeypatch.setattr(source, "_read_regular", read_then_finish_writing)
    snap = snapshot(path)
    assert len(calls) == 2
    assert snap.text == full


def test_a_file_that_never_settles_is_an_error_not_a_truncated_policy(tmp_path, monkeypatch):
    folder = copy_of_policy(tmp_path / "p")
    path = folder / "support.yaml"
    real_read = source._read_regular

    def always_changing(target):
        data = real_read(target)
        path.write_text(path.read_text() + "#\n")
        return data

    monkeypatch.setattr(source, "_read_regular", always_changing)
    monkeypatch.setattr(source.time, "sleep", lambda seconds: None)
    (message,) = errors_for(folder)
    assert message.endswith("the file kept changing while it was read; save it and retry")


# --- wording fixes (defect 11) -------------------------------------------------------------------


def test_a_unit_with_extra_words_pluralises_its_noun(tmp_path):
    from generlate_handbook.wording import format_resolved, resolve

    folder = edited_policy(
        tmp_path / "p", ("    unit: working hour\n", "    unit: working hour (PT)\n")
    )
    policy = load(folder).policy
    text = format_resolved(policy, resolve(policy, "slas.standard.targets.sev1.response"))
    assert text == "24 working hours (PT) (3 business days)"


def test_the_coverage_error_prints_end_of_day_as_24_00(tmp_path):
    folder = edited_policy(
        tmp_path / "p",
        ("      mon: 09:00-17:00\n      tue", "      mon: 09:00-24:00\n      tue"),
        ("      mon: 02:00-17:00", "      mon: 02:00-23:00"),
    )
    loaded = load(folder)
    (coverage,) = [
        e
        for e in check_policy(loaded.policy, loaded.source, [2026])
        if "does not cover" in e.message
    ]
    assert "2026-01-05 23:00–24:00 America/Los_Angeles (07:00–08:00 UTC)" in coverage.message


def test_every_message_quotes_at_most_an_excerpt():
    huge = {"k" * 50: ["v" * 10_000] * 1000}
    assert len(limits.excerpt(huge)) <= limits.EXCERPT_CHARS
    assert limits.excerpt("short") == "'short'"


def test_the_real_policy_is_far_inside_every_limit():
    size = POLICY_FILE.stat().st_size
    assert size * 20 < limits.MAX_FILE_BYTES
    load(POLICY_FILE.parent)


def test_the_policy_years_are_the_clocks_years():
    from generlate_handbook.clock import instants

    assert (limits.MIN_YEAR, limits.MAX_YEAR) == (instants.FIRST_YEAR, instants.LAST_YEAR)
