"""Fuzzing: the real policy file, mutated, is accepted or refused with located errors, in bounds.

Hypothesis mutates ``policy/support.yaml`` as text (values, keys, structure, YAML syntax) and
each mutant goes through what ``handbook-policy validate`` and ``check`` do and what the Sphinx
extension does with a policy: its loading function, then the wording, schedules, support-hours
periods, due dates and budgets its directives render. Every outcome must be a valid policy or
:class:`PolicyErrors` whose every error names the file (and a line, when it has one); nothing
may raise anything else, take longer than the per-example deadline, or need more memory than
the address-space limit the run is given.

The run happens in a child process (``RLIMIT_AS``, a wall-clock timeout) so a runaway example
cannot take the test session, or the machine, down with it. A few real Sphinx builds of hostile
policies live in ``test_sphinxext_hostile.py``.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import tempfile
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generlate_handbook.policy.source import PolicyError

TESTS = Path(__file__).resolve().parent
POLICY_TEXT = (TESTS.parent / "policy" / "support.yaml").read_text(encoding="utf-8")
EXAMPLES = 300
MEMORY_LIMIT = 2 * 1024**3  # bytes of address space for the whole fuzzing run
DEADLINE = timedelta(seconds=5)  # per example; the usual example takes ~50 ms

# Values an editor (or an attacker) might type; hypothesis also invents its own.
VALUES = [
    *("", "0", "-1", "24", "24h", "0h", "1.5h", "999999999999h", "3660d", "3661d", "1e400"),
    *(".inf", ".nan", "２４h", "٠٩:٠٠-١٧:٠٠", "24:00-09:00", "09:00-24:00", "00:00-24:00"),
    *("2026-02-30", "0001-01-01", "9999-12-31", "2026-12-25", "[2026-12-25, 2026-02-29]"),
    *("[{date: 2026-12-25, name: x}]", "{date: 2026-13-01}", "{}", "[]", "null", "~", "true"),
    *("*nope", "&a x", "!!python/object/apply:os.system [id]", "!!binary AAAA", "!!int 12"),
    *("!!timestamp 2026-13-01", "!!float 1e999", "'quoted'", '"\\u202e evil"', '"\\x07"'),
    *("|\n  block", ">", "[[[", "{a: [", "when complete", "1 business week", "400 business weeks"),
    *("1 business day", "5-7 cases", "7-5 cases", "0 cases", "99999999 cases", "0%", "100%"),
    *("100.0001%", "99.5 %", "calendar", "working-hours", "support-window", "sev1", "managed"),
    *("Etc/GMT+14", "UTC", "Mars/Base", "America/Los_Angles", "x" * 5000, "9" * 40, "[" * 60),
    *("mon", "[09:00-12:00, 11:00-17:00]", "[09:00-12:00, 13:00-17:00]", "'12:00-13:00'"),
]
KEYS = [
    *("name", "description", "unit", "zone", "hours", "holidays", "within", "clock", "sla"),
    *("targets", "sev1", "sev3", "response", "resolution", "plans", "<<", "? [a]", "a b"),
    *("availabilty", "at_most", "per", "kpis", "Mon", "sat", "'quoted key'", "&k key"),
]
ANCHORED = [
    "x: &a [1, 2]\ny: *a",
    "&b [*b]",
    "<<: *a",
    "extra: &c {within: 24h}\nmore: {<<: *c}",
    "  - &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    + "".join(f"  - &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]\n" for i in range(1, 8)),
]
LINE = re.compile(r"^(?P<indent>\s*(?:- )?)(?P<key>[^:#\s][^:#]*):(?P<gap>\s*)(?P<value>.*)$")


@st.composite
def mutated_policy(draw: st.DrawFn) -> str:
    """The real policy text with one to three mutations."""
    lines = POLICY_TEXT.splitlines()
    for _ in range(draw(st.integers(1, 3))):
        lines = draw(_mutation(lines))
    return "\n".join(lines) + "\n"


def _mutation(lines: list[str]) -> st.SearchStrategy[list[str]]:
    keyed = [n for n, line in enumerate(lines) if LINE.match(line)]
    index = st.integers(0, max(len(lines) - 1, 0))
    value = st.one_of(st.sampled_from(VALUES), st.text(max_size=40))
    return st.one_of(
        st.tuples(st.sampled_from(keyed), value).map(lambda a: _set_value(lines, *a)),
        st.tuples(st.sampled_from(keyed), st.sampled_from(KEYS)).map(lambda a: _set_key(lines, *a)),
        index.map(lambda n: lines[:n] + lines[n + 1 :]),  # delete a line
        index.map(lambda n: lines[: n + 1] + lines[n:]),  # duplicate a line
        st.tuples(index, st.sampled_from(["  ", "    ", "- "])).map(
            lambda a: [*lines[: a[0]], a[1] + lines[a[0]], *lines[a[0] + 1 :]]
        ),  # indent
        index.map(lambda n: [*lines[:n], lines[n][2:], *lines[n + 1 :]]),  # dedent
        st.tuples(index, st.text(alphabet="{}[]:,-?&*!|>'\"#%@` \t\\\n", max_size=12)).map(
            lambda a: [*lines[: a[0]], _insert(lines[a[0]], a[1]), *lines[a[0] + 1 :]]
        ),  # YAML syntax
        st.tuples(index, st.sampled_from(ANCHORED)).map(
            lambda a: [*lines[: a[0]], *a[1].splitlines(), *lines[a[0] :]]
        ),  # anchors, aliases, merges
    )


def _set_value(lines: list[str], n: int, value: str) -> list[str]:
    match = LINE.match(lines[n])
    assert match
    first, *rest = value.split("\n") or [""]
    indent = " " * (len(match["indent"]) + 2)
    new = [f"{match['indent']}{match['key']}: {first}", *(indent + part for part in rest)]
    return [*lines[:n], *new, *lines[n + 1 :]]


def _set_key(lines: list[str], n: int, key: str) -> list[str]:
    match = LINE.match(lines[n])
    assert match
    return [*lines[:n], f"{match['indent']}{key}:{match['gap']}{match['value']}", *lines[n + 1 :]]


def _insert(line: str, text: str) -> str:
    middle = len(line) // 2
    return line[:middle] + text + line[middle:]


# --- what validate, check and the extension do with each mutant --------------------------------

KEY_PATHS = [
    "schedules.working-hours",
    "schedules.support-window.zone",
    "severities.sev1.name",
    "slas.standard.targets.sev1.response",
    "slas.standard.targets.sev2.resolution",
    "plans.managed.availability",
    "plans.managed.maintenance.max_downtime",
    "internal.first_response",
    "internal.resolution",
    "individual.new_cases.per_week",
    "individual.reply_gap",
    "custom_agreements.plans",
    "kpis",
]


def exercise(folder: Path, text: str) -> None:
    """Validate, check and render one policy text; raise AssertionError on any defect."""
    from zoneinfo import ZoneInfo

    from generlate_handbook.checks import check_policy
    from generlate_handbook.clock.availability import budgets
    from generlate_handbook.clock.deadlines import ticket_deadlines
    from generlate_handbook.clock.regimes import regimes
    from generlate_handbook.clock.schedule import Schedule
    from generlate_handbook.sphinxext.common import load_errors, try_load
    from generlate_handbook.wording import KeyPathError, format_resolved, format_schedule, resolve

    path = folder / "support.yaml"
    path.write_text(text, encoding="utf-8")
    config = SimpleNamespace(policy_dir=str(folder))
    loaded = try_load(config)  # the extension's own loading (cached by the files' texts)
    if loaded is None:
        errors = load_errors(config)
        assert errors, "the extension refused the policy without an error"
        for error in errors:
            assert_located(error, path)
        return
    for error in check_policy(loaded.policy, loaded.source, [2026]):
        assert_located(error, path)
    policy = loaded.policy
    for key_path in KEY_PATHS:
        with contextlib.suppress(KeyPathError):
            format_resolved(policy, resolve(policy, key_path))
    for spec in policy.schedules.values():
        format_schedule(spec)
        regimes(Schedule.from_spec(spec), [ZoneInfo("UTC"), ZoneInfo("Asia/Kolkata")], 2026)
    opened = datetime(2026, 10, 30, 23, tzinfo=UTC)
    for plan_id, plan in policy.plans.items():
        if plan.availability is not None:
            budgets(plan.availability)
        for severity_id in policy.severities:
            try:
                ticket_deadlines(policy, plan_id, severity_id, opened).as_json()
            except LookupError as error:  # load refuses a plan whose SLA lacks a severity
                raise AssertionError(f"{plan_id}/{severity_id} loaded, not computable") from error


def assert_located(error: PolicyError, path: Path) -> None:
    """Named file; a line or a key path (a missing section has no line); a bounded message."""
    text = str(error)
    assert Path(error.file).name == path.name, text
    assert error.line > 0 or error.key_path, text
    assert text.startswith(f"{error.file}:"), text
    assert error.message and len(text) < 1000, text


@settings(
    max_examples=EXAMPLES,
    deadline=DEADLINE,
    derandomize=True,  # the same examples on every run and machine: a failure reproduces
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(text=mutated_policy())
def fuzz_policy(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        exercise(Path(tmp), text)


def main() -> None:
    """Run the fuzzing under an address-space limit; exit status 0 when every example passed."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    fuzz_policy()
    print(f"{EXAMPLES} mutated policies: each accepted or refused with located errors")


@pytest.mark.fuzz
def test_mutated_policies_are_accepted_or_refused_with_located_errors_in_bounds():
    done = subprocess.run(
        [sys.executable, "-c", "import test_policy_fuzz as fuzz; fuzz.main()"],
        cwd=TESTS,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), str(TESTS.parent)])},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, textwrap.shorten(done.stderr, 8000)
    assert f"{EXAMPLES} mutated policies" in done.stdout
