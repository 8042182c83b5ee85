"""``handbook-policy diff``: each kind of policy edit, its exact lines, verdicts and exit status.

A schedule edit also lists the targets counted on that schedule whose worst-case calendar time
it changes: a reviewer sees the consequence, not only the cause.

Each case copies the real policy and pages into a fresh git repository, commits them, applies one
edit to ``policy/support.yaml`` and runs ``handbook-policy diff HEAD`` for 2026 and 2027.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from generlate_handbook.cli import main

REPO = Path(__file__).resolve().parent.parent
YEARS = ["--year", "2026", "--year", "2027"]


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=T", "-c", "user.email=t@example.com", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "policy", tmp_path / "policy")
    shutil.copytree(REPO / "handbook", tmp_path / "handbook")
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "policy")
    return tmp_path


def edit(repo: Path, old: str, new: str) -> None:
    path = repo / "policy" / "support.yaml"
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def run_diff(repo: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["--policy", str(repo / "policy"), "diff", *YEARS, *args])
    out = capsys.readouterr()
    return status, out.out, out.err


SEV1 = "Severity 1 response, self-hosted and managed"
SEV1_RES = "Severity 1 resolution, self-hosted and managed"
WORST = "at their worst on the calendar over 2026, 2027:"
CASES = [
    pytest.param(
        "within: 24h",
        "within: 16h",
        f"{SEV1}: 24 working hours (3 business days) → 16 working hours (2 business days) "
        "(stricter)",
        1,
        id="target-tighter",
    ),
    pytest.param(
        "within: 72h",
        "within: 80h",
        f"{SEV1_RES}: 72 working hours (9 business days) → "
        "80 working hours (2 business weeks) (looser)",
        3,
        id="target-looser",
    ),
    pytest.param(
        "availability: 99.5%",
        "availability: 99.0%",
        "Managed availability: 99.5% → 99% (looser; allowed downtime 3 hours 36 minutes → "
        "7 hours 12 minutes a month)",
        3,
        id="availability",
    ),
    pytest.param(
        "      fri: 09:00-17:00",
        "      fri: 09:00-16:00",
        [
            f"{SEV1}: 24 working hours (3 business days) → 24 working hours (looser; {WORST}"
            " 121 hours → 138 hours)",
            f"{SEV1_RES}: 72 working hours (9 business days) → 72 "
            f"working hours (looser; {WORST} 313 hours → 331 "
            "hours)",
            "Working hours, Friday: 09:00–17:00 Pacific Time → 09:00–16:00 Pacific Time "
            "(looser; 1 fewer working hour a week)",
            "Severity 2 response, self-hosted and managed: 1 business week (40 working hours) → 1 "
            "business week (39 working hours) (neutral; at their worst on the calendar over 2026, "
            "2027: 169 hours → 169 hours)",
        ],
        3,
        id="schedule-day-hours",
    ),
    pytest.param(
        "      fri: 02:00-17:00",
        "      fri: 02:00-17:00\n      sat: 09:00-12:00",
        [
            "Support window, Saturday: closed → 09:00–12:00 Pacific Time "
            "(stricter; 3 more hours in the support window a week)",
            "Internal first response: 1 hour in the support window → 1 hour in the support window "
            f"(stricter; {WORST} 59 hours → 40 hours)",
            "Each engineer's first response: 1 hour in the support window → 1 hour in the support "
            f"window (stricter; {WORST} 59 hours → 40 hours)",
        ],
        1,
        id="schedule-day-added",
    ),
    pytest.param(
        "    holidays: []\n  support-window",
        "    holidays: [2026-12-25]\n  support-window",
        [
            f"{SEV1}: 24 working hours (3 business days) → 24 working hours (3 business days) "
            f"(looser; {WORST} 121 hours → 144 hours)",
            f"{SEV1_RES}: 72 working hours (9 business days) → 72 "
            "working hours (9 business days) (looser; at their worst on the calendar over 2026, "
            "2027: 313 hours → 336 hours)",
            "Severity 2 response, self-hosted and managed: 1 business week (40 working hours) → 1 "
            "business week (40 working hours) (looser; at their worst on the calendar over 2026, "
            "2027: 169 hours → 240 hours)",
            "Working hours, holiday 2026-12-25: added: closed all day (looser; 8 working hours "
            "closed)",
        ],
        3,
        id="holiday",
    ),
    pytest.param(
        "within: when complete",
        "within: 10 business days",
        "Severity 2 resolution, self-hosted and managed: when complete → 10 business days "
        "(80 working hours) (stricter)",
        1,
        id="when-complete-to-deadline",
    ),
    pytest.param(
        "within: 72h",
        "within: when complete",
        f"{SEV1_RES}: 72 working hours (9 business days) → when complete (looser)",
        3,
        id="deadline-to-when-complete",
    ),
    pytest.param(
        "      The hours during which Generlate is responsible",
        "      The only hours during which Generlate is responsible",
        "Working hours: description: The hours during which Generlate is responsible for "
        "upholding the contractual SLAs. → The only hours during which Generlate is responsible "
        "for upholding the contractual SLAs. (neutral)",
        1,
        id="renamed-description",
    ),
    pytest.param(
        "    max_downtime: 2h",
        "    max_downtime: 3h",
        "Managed longest maintenance window: 2 hours → 3 hours (looser)",
        3,
        id="maintenance",
    ),
    pytest.param(
        "  first_response:\n    within: 1h\n    clock: support-window\n    priority",
        "  first_response:\n    within: 1h\n    clock: working-hours\n    priority",
        "Internal first response: 1 hour in the support window → 1 working hour (looser; at "
        "their worst on the calendar over 2026, 2027: 59 hours → 66 hours)",
        3,
        id="target-clock-changed",
    ),
]


@pytest.mark.parametrize(("old", "new", "line", "status"), CASES)
def test_each_edit_is_one_line_with_its_verdict_and_exit_status(
    repo: Path,
    capsys: pytest.CaptureFixture[str],
    old: str,
    new: str,
    line: str | list[str],
    status: int,
) -> None:
    edit(repo, old, new)
    code, out, err = run_diff(repo, capsys, "HEAD")
    changes = [text.strip() for text in out.splitlines()[1:] if not text.startswith("      ")]
    assert changes == (line if isinstance(line, list) else [line]), out
    assert (code, err) == (status, "")


def test_a_severity_added_is_said_plainly_with_its_new_targets(repo, capsys) -> None:
    edit(
        repo,
        "  sev2:\n    name: Severity 2",
        "  sev3:\n    name: Severity 3\n    description:"
        " Cosmetic problems.\n  sev2:\n    name: Severity 2",
    )
    edit(
        repo,
        "      sev2:\n        response:",
        "      sev3:\n        response:\n          within:"
        " 2 business weeks\n        resolution:\n          within: when complete\n"
        "      sev2:\n        response:",
    )
    # The help desk maps every severity to Zendesk priorities: sev3 takes one of sev2's.
    edit(repo, "    sev2: [normal, low]\n", "    sev2: [normal]\n    sev3: [low]\n")
    code, out, _ = run_diff(repo, capsys, "HEAD")
    assert "  Severity: added: Severity 3 (stricter)" in out.splitlines()
    assert (
        "  Severity 3 response, self-hosted and managed: added: 2 business weeks "
        "(80 working hours) (stricter)" in out.splitlines()
    )
    assert code == 1


def test_no_change_exits_zero(repo, capsys) -> None:
    assert run_diff(repo, capsys, "HEAD")[:2] == (
        0,
        "Policy changes from HEAD to the working tree: no policy change\n",
    )


def test_the_pages_that_render_a_fact_are_named(repo, capsys) -> None:
    edit(repo, "availability: 99.5%", "availability: 99.9%")
    _, out, _ = run_diff(repo, capsys, "HEAD")
    assert "      pages: customer-support/slas.md" in out.splitlines()


def test_json_and_markdown_carry_the_same_changes(repo, capsys) -> None:
    edit(repo, "within: 24h", "within: 16h")
    _, out, _ = run_diff(repo, capsys, "HEAD", "--format", "json")
    document = json.loads(out)
    assert [change["verdict"] for change in document["changes"]] == ["stricter"]
    assert document["changes"][0]["qualifiers"] == ["self-hosted", "managed"]
    _, markdown, _ = run_diff(repo, capsys, "HEAD", "--format", "markdown")
    assert markdown.startswith("<!-- handbook-policy-diff -->\n### Policy changes: 1 change")
    assert "| stricter | Severity 1 response, self-hosted and managed |" in markdown


def test_markdown_escapes_policy_text(repo, capsys) -> None:
    edit(repo, "name: Severity 1", "name: 'Sev <img src=x onerror=alert(1)> | [x](y)'")
    _, markdown, _ = run_diff(repo, capsys, "HEAD", "--format", "markdown")
    assert "<img" not in markdown
    assert "&lt;img src=x onerror=alert\\(1\\)&gt; \\| \\[x\\]\\(y\\)" in markdown


def test_default_base_is_the_merge_base_with_main(repo, capsys) -> None:
    git(repo, "checkout", "-qb", "feature")
    edit(repo, "within: 24h", "within: 16h")
    git(repo, "commit", "-qam", "tighten")
    code, out, _ = run_diff(repo, capsys)
    assert code == 1 and "the merge base with main" in out.splitlines()[0]


@pytest.mark.parametrize("revision", ["no-such-branch", "--output=/tmp/x", "HEAD~5"])
def test_a_revision_that_does_not_exist_is_a_usage_error(repo, capsys, revision) -> None:
    code, out, err = run_diff(repo, capsys, "--", revision)
    assert (code, out) == (2, "")
    assert err == f"handbook-policy diff: no such revision: {revision!r}\n"


def test_a_policy_that_does_not_load_at_the_revision_is_located(repo, capsys) -> None:
    edit(repo, "availability: 99.5%", "availability: 99.5")
    git(repo, "commit", "-qam", "broken")
    edit(repo, "availability: 99.5", "availability: 99.5%")
    code, _, err = run_diff(repo, capsys, "HEAD")
    sha = git(repo, "rev-parse", "HEAD").strip()[:12]
    assert code == 4
    assert err.startswith(f"{sha}:policy/support.yaml:")
    assert "plans.managed.availability" in err


def test_outside_git_is_a_usage_error(tmp_path, capsys) -> None:
    shutil.copytree(REPO / "policy", tmp_path / "policy")
    code, _, err = run_diff(tmp_path, capsys, "HEAD")
    assert code == 2 and "is not in a git checkout" in err


def test_a_regions_hours_are_said_as_hours_and_judged_neutral(repo, capsys) -> None:
    path = repo / "policy" / "reporting.yaml"
    path.write_text(path.read_text().replace("      mon: 06:00-17:00", "      mon: 10:00-17:00"))
    code, out, _ = run_diff(repo, capsys, "HEAD")
    assert (
        "  US hours, Monday: 06:00–17:00 Pacific Time → 10:00–17:00 Pacific Time (neutral)"
        in out.splitlines()
    )
    assert code == 1


def test_policy_files_with_non_ascii_names_are_read_at_the_revision(repo, capsys) -> None:
    git(repo, "mv", "policy/reporting.yaml", "policy/réporting.yaml")
    git(repo, "commit", "-qm", "rename")
    assert run_diff(repo, capsys, "HEAD")[0] == 0


def test_markdown_never_mentions_a_team(repo, capsys) -> None:
    edit(repo, "name: Severity 1", "name: '@generlate/security'")
    _, markdown, _ = run_diff(repo, capsys, "HEAD", "--format", "markdown")
    assert "@generlate" not in markdown and "&#64;generlate/security" in markdown
