"""Real Sphinx builds with hostile pages and policies: a located warning each, never a crash.

Regression tests for issue #8 (defects 3, 4 and 5) in the build: before, each of these ended
in "Extension error" or a traceback, or hung.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from test_policy_limits import bomb
from test_sphinxext import copy_policy, edit_policy, run, write_project

pytestmark = pytest.mark.build

RANGE_PAGE = """\
# Ranges

```{support-hours}
:schedules: working-hours
:year: 10000
```

```{sla-examples} managed
:severity: sev1
9999-12-31T23:00:00Z A ticket at the end of time
```

```{policy-list} slas.standard.targets
```
"""


def test_out_of_range_years_and_lists_of_mappings_warn_at_the_directive(make_app, tmp_path):
    copy_policy(tmp_path)
    srcdir = write_project(tmp_path, {"index.md": RANGE_PAGE})
    built = run(make_app("html", srcdir=srcdir, builddir=tmp_path / "_build"))
    page = srcdir / "index.md"
    warnings = built.warning_lines()
    expected = [
        (5, "year 10000 is outside the years allowed, 1700–2260"),  # the option's own line
        (8, "opened 9999-12-31T23:00:00Z is outside the years the clock handles (1700–2260)"),
        (13, "policy-list: SeverityTargets has no single reader-facing value"),
    ]
    assert len(warnings) == len(expected), built.warnings
    for (line, message), warning in zip(expected, warnings, strict=True):
        assert warning.startswith(f"{page}:{line}: "), warning
        assert message in warning, warning


def write_policy_edit(policy: Path, case: str) -> str:
    """Break the copied policy as ``case`` says; returns the text the warning must contain."""
    text = policy.read_text("utf-8")
    if case == "alias bomb":
        policy.write_text(text[: text.index("kpis:")] + "kpis:\n" + bomb(), "utf-8")
        return "more than 10,000 values"
    if case == "impossible holiday":
        edit_policy(
            policy,
            "    holidays: []\n  support-window:",
            "    holidays: [2026-02-30]\n  support-window:",
        )
        return "'2026-02-30' is not a real date"
    if case == "5,000 brackets":
        edit_policy(policy, "  - Total case volume", "  - " + "[" * 5000)
        return "nested more than 32 levels deep"
    if case == "overflowing duration":
        edit_policy(policy, "    within: 24h", "    within: 999999999999h")
        return "longer than the longest target allowed"
    if case == "named pipe":
        os.mkfifo(policy.parent / "extra.yaml")
        return "extra.yaml: not a regular file (a named pipe); a policy file must be one"
    raise AssertionError(case)


@pytest.mark.parametrize(
    "case",
    ["alias bomb", "impossible holiday", "5,000 brackets", "overflowing duration", "named pipe"],
)
def test_a_hostile_policy_gives_one_located_warning(make_app, tmp_path, case):
    policy = copy_policy(tmp_path)
    message = write_policy_edit(policy, case)
    srcdir = write_project(tmp_path, {"index.md": "# P\n\n{policy}`plans.managed.availability`\n"})
    built = run(make_app("html", srcdir=srcdir, builddir=tmp_path / "_build"))
    (warning,) = built.warning_lines()
    assert message in warning and warning.endswith("[policy.load]"), warning
    # FILE:LINE: WARNING: ..., or for a whole file (no line) WARNING: FILE: ...
    located = rf"(WARNING: )?{re.escape(str(policy.parent))}/\S+\.yaml(:\d+)?: "
    assert re.match(located, warning), warning
    assert len(warning) < 400


def test_an_editors_lock_file_in_the_policy_folder_is_ignored(make_app, tmp_path):
    policy = copy_policy(tmp_path)
    (policy.parent / ".#support.yaml").symlink_to("editor@host.4242:1700000000")
    srcdir = write_project(tmp_path, {"index.md": "# P\n\n{policy}`plans.managed.availability`\n"})
    built = run(make_app("html", srcdir=srcdir, builddir=tmp_path / "_build"))
    assert built.warnings == ""
    assert "99.5%" in built.raw_html("index")
