"""``handbook-policy`` exit statuses: one per kind of outcome, no traceback, quiet endings.

0 success, 1 a policy problem, 2 a usage or input error (with the allowed range where there is
one); a closed pipe ends quietly with 0 and Ctrl-C quietly with 130. These run the *installed*
console script, as a user does, not ``python -m``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from policy_fixtures import POLICY_FILE, edited_policy

from generlate_handbook import cli

POLICY = str(POLICY_FILE.parent)
SCRIPT = Path(sys.executable).parent / "handbook-policy"
TICKET = ["--plan", "self-hosted", "--severity", "sev1"]


def script(*args: str, env: dict[str, str] | None = None, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(SCRIPT), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        env={**os.environ, **(env or {})},
        **kwargs,
    )


def test_the_console_script_is_installed_and_runs():
    assert SCRIPT.is_file() and os.access(SCRIPT, os.X_OK), f"{SCRIPT} is not installed"
    first_line = SCRIPT.read_text(encoding="utf-8").splitlines()[0]
    assert first_line.startswith("#!") and "python" in first_line
    done = script("--policy", POLICY, "validate")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("valid (2 severities, 2 plans, 2 schedules)")
    assert done.stderr == ""


# (case, arguments, exit status, what stderr says)
EXITS = [
    ("unknown verb", ["frobnicate"], 2, "invalid choice: 'frobnicate'"),
    ("empty --policy", ["--policy", "", "validate"], 2, "the policy folder must not be empty"),
    ("missing --policy folder", ["--policy", "/nonexistent/policy", "check"], 2, "no policy"),
    ("empty budget --plan", ["budget", "--plan", ""], 2, "the plan id must not be empty"),
    ("unknown budget --plan", ["budget", "--plan", "gold"], 2, "unknown plan 'gold'"),
    (
        "check --year 0",
        ["check", "--year", "0"],
        2,
        "year 0 is outside the years allowed, 1700–2260",
    ),
    (
        "check --year 99999",
        ["check", "--year", "99999"],
        2,
        "year 99999 is outside the years allowed, 1700–2260",
    ),
    ("check --year abc", ["check", "--year", "abc"], 2, "'abc' is not a year such as 2026"),
    (
        "due --opened 9999-12-31",
        ["due", *TICKET, "--opened", "9999-12-31T23:00:00Z"],
        2,
        "the year 9999 is outside the years allowed, 1700–2260",
    ),
    (
        "explain --opened 0001-01-01",
        ["explain", *TICKET, "--opened", "0001-01-01T00:00:00+01:00"],
        2,
        "the year 1 is outside the years allowed, 1700–2260",
    ),
    ("due --opened bad", ["due", *TICKET, "--opened", "soon"], 2, "is not an ISO 8601 time"),
    ("due naive time", ["due", *TICKET, "--opened", "2026-10-30T16:00"], 2, "no UTC offset"),
    ("due --plan ''", ["due", "--plan", "", "--severity", "sev1", "--opened", "x"], 2, "empty"),
]


@pytest.mark.parametrize(("case", "args", "status", "message"), EXITS, ids=[e[0] for e in EXITS])
def test_usage_and_input_errors_exit_2_with_a_message(case, args, status, message):
    done = script("--policy", POLICY, *args) if args[0] != "--policy" else script(*args)
    assert done.returncode == status, (case, done.stderr)
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""


def test_a_policy_problem_exits_1_with_located_errors(tmp_path):
    folder = edited_policy(tmp_path / "p", ("    availability: 99.5%", "    availability: 150%"))
    done = script("--policy", str(folder), "validate")
    assert done.returncode == 1
    assert done.stderr.strip().endswith("plans.managed.availability: '150%' is above 100%")
    assert ":9" in done.stderr.split(": ")[0]  # FILE:LINE


def test_an_inconsistent_policy_exits_1(tmp_path):
    folder = edited_policy(tmp_path / "p", ("    within: 72h", "    within: 2h"))
    done = script("--policy", str(folder), "check", "--year", "2026")
    assert done.returncode == 1
    assert "policy inconsistenc" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize(
    "verb", [["explain", *TICKET, "--opened", "2026-10-30T16:00Z"], ["budget"]]
)
def test_a_closed_output_pipe_ends_quietly(verb):
    reader, writer = os.pipe()
    os.close(reader)  # the reader is gone before the first line is written: EPIPE at once
    try:
        done = subprocess.run(
            [str(SCRIPT), "--policy", POLICY, *verb],
            stdout=writer,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
            timeout=60,
        )
    finally:
        os.close(writer)
    assert done.returncode == 0
    assert done.stderr == ""


@pytest.mark.parametrize(
    "env",
    [{"PYTHONIOENCODING": "ascii"}, {"LANG": "C", "LC_ALL": "C", "PYTHONUTF8": "0"}],
    ids=["PYTHONIOENCODING=ascii", "LANG=C"],
)
def test_an_ascii_only_terminal_gets_ascii_output(env):
    done = script(
        "--policy", POLICY, "explain", *TICKET, "--opened", "2026-10-30T16:00:00-07:00", env=env
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    counts = [line for line in done.stdout.splitlines() if "counts" in line]
    assert counts and ("16:00-17:00 PDT" in counts[0] or "16:00–17:00 PDT" in counts[0])


def test_ascii_output_spells_typographic_characters_in_ascii(capsys, monkeypatch):
    import io

    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="ascii")
    monkeypatch.setattr(sys, "stdout", stream)
    status = cli.main(["--policy", POLICY, "explain", *TICKET, "--opened", "2026-10-30T23:00Z"])
    stream.flush()
    assert status == 0
    text = raw.getvalue().decode("ascii")
    assert "16:00-17:00 PDT" in text


def test_ctrl_c_exits_130_quietly(capsys, monkeypatch):
    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "cmd_check", interrupted)
    try:
        status = cli.main(["--policy", POLICY, "check"])
    except KeyboardInterrupt:
        pytest.fail("Ctrl-C escaped handbook-policy's main()")
    out, err = capsys.readouterr()
    assert status == 130
    assert (out, err) == ("", "")
