"""The source lint: editor notes and hand-typed policy figures fail, located, with a hint."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from policy_fixtures import POLICY_FILE, REPO

from generlate_handbook.lint import lint_handbook, main, policy_figures
from generlate_handbook.policy.load import load_policy

SEED = REPO.parent / "shared" / "seed" / "customer-support.md"


@pytest.fixture(scope="module")
def policy():
    return load_policy(POLICY_FILE.parent)


def lint_text(tmp_path: Path, policy, text: str) -> list[str]:
    handbook = tmp_path / "handbook"
    handbook.mkdir(exist_ok=True)
    (handbook / "page.md").write_text(text, encoding="utf-8")
    return [str(finding) for finding in lint_handbook(handbook, policy)]


def test_real_handbook_is_clean(policy):
    assert lint_handbook(REPO / "handbook", policy) == []


@pytest.mark.parametrize(
    ("line", "typed", "key_path"),
    [
        ("We keep 99.5% uptime.", "99.5%", "plans.managed.availability"),
        ("We keep 99.5 percent uptime.", "99.5 percent", "plans.managed.availability"),
        ("Respond within 24 hours.", "24 hours", "slas.standard.targets.sev1.response.within"),
        ("Resolve within 72h.", "72h", "slas.standard.targets.sev1.resolution.within"),
        ("A 2-hour window.", "2-hour", "plans.managed.maintenance.max_downtime"),
        (
            "Within one business week.",
            "one business week",
            "slas.standard.targets.sev2.response.within",
        ),
        ("Take 5-7 cases a week.", "5-7", "individual.new_cases.per_week"),
        ("Take 5–7 cases a week.", "5–7", "individual.new_cases.per_week"),
        ("No more than 5 active cases.", "5 active cases", "individual.active_cases.at_most"),
        ("Open from 9:00 to 17:00.", "9:00", "schedules.working-hours"),
        ("Open until 5pm.", "5pm", "schedules.working-hours"),
        ("From 2am PT.", "2am", "schedules.support-window"),
        ("During the first ninety days.", None, None),
        ("In your first 90 days.", "90 days", "individual.ramp_up"),
    ],
)
def test_hand_typed_figures_are_found(tmp_path, policy, line, typed, key_path):
    findings = lint_text(tmp_path, policy, f"# Page\n\n{line}\n")
    if typed is None:
        assert findings == []
        return
    matching = [finding for finding in findings if f"figure {typed!r}" in finding]
    assert matching, findings
    first = matching[0]
    assert first.startswith(f"{tmp_path / 'handbook' / 'page.md'}:3: hand-typed policy figure")
    assert f"{typed!r}" in first
    assert key_path in first
    assert f"hint: write {{policy}}`{key_path}`" in first or f"{{policy}}`{key_path}`" in first


def test_roles_code_comments_and_directive_data_are_not_figures(tmp_path, policy):
    text = "\n".join(
        [
            "# Page",
            "",
            "Uptime is {policy}`plans.managed.availability` and `99.5%` in code is fine.",
            "% editor note: was 99.5% before",
            "",
            "```{sla-examples} self-hosted",
            ":severity: sev1",
            "2026-10-30T16:00:00-07:00 Opened on a Friday at 16:00",
            "```",
            "",
            "```python",
            "availability = '99.5%'",
            "```",
            "",
        ]
    )
    assert lint_text(tmp_path, policy, text) == []


def test_prose_inside_admonitions_is_checked(tmp_path, policy):
    text = "# Page\n\n:::{note}\nWe keep 99.5% uptime.\n:::\n"
    (finding,) = lint_text(tmp_path, policy, text)
    assert ":4: hand-typed policy figure '99.5%'" in finding


def test_html_comments_and_todos_are_editor_notes(tmp_path, policy):
    text = "# Page\n\nText <!-- missing link -->\n\nTODO: write this\n\n% TODO: fine in a comment\n"
    findings = lint_text(tmp_path, policy, text)
    assert len(findings) == 2
    assert ":3: raw HTML comment" in findings[0]
    assert "hint: turn the editor note into a MyST comment line starting with '%'" in findings[0]
    assert ":5: TODO in published text" in findings[1]


def test_unclosed_html_comment_is_found_on_its_line(tmp_path, policy):
    text = "# Page\n\nSee the doc. <!-- links to a google doc that references another company>\n"
    (finding,) = lint_text(tmp_path, policy, text)
    assert ":3: raw HTML comment" in finding


def test_exceptions_need_a_reason_and_silence_only_their_text(tmp_path, policy):
    handbook = tmp_path / "handbook"
    (handbook / "_lint").mkdir(parents=True)
    (handbook / "_lint" / "figure-exceptions.yaml").write_text(
        "- file: page.md\n  text: 24 hours a day\n  reason: a phrase, not the SLA target\n"
        "- file: page.md\n  text: 99.5%\n"
    )
    findings = lint_text(tmp_path, policy, "# Page\n\nWe answer 24 hours a day. 2 hours.\n")
    assert any("figure-exceptions.yaml:4: exception 2 lacks reason" in f for f in findings)
    assert any("hand-typed policy figure '2 hours'" in f for f in findings)
    assert not any("'24 hours'" in f for f in findings)


def test_seed_page_fails_on_every_kind_of_problem(tmp_path, policy, capsys, monkeypatch):
    if not SEED.exists():
        pytest.skip("the seed is not beside the repository")
    handbook = tmp_path / "handbook"
    handbook.mkdir()
    shutil.copy(SEED, handbook / "customer-support.md")
    monkeypatch.chdir(REPO)
    assert main([str(handbook)]) == 1
    err = capsys.readouterr().err
    assert "raw HTML comment" in err
    assert "TODO in published text" in err
    assert "hand-typed policy figure '99.5%'" in err
    assert "hand-typed policy figure '72 hours'" in err
    assert err.rstrip().splitlines()[-1].startswith("lint: ")


def test_every_policy_figure_has_a_pattern(policy):
    keys = {figure.key_path for figure in policy_figures(policy)}
    assert {
        "plans.managed.availability",
        "plans.managed.maintenance.notice",
        "slas.standard.targets.sev1.response.within",
        "internal.attainment.sla_resolution",
        "individual.new_cases.per_week",
        "schedules.support-window",
    } <= keys
