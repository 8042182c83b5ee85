"""The source lint: editor notes and hand-typed policy figures fail, located, with a hint."""

from __future__ import annotations

import runpy
import shutil
from pathlib import Path

import pytest
from policy_fixtures import POLICY_FILE, REPO

from generlate_handbook import pages
from generlate_handbook.lint import lint_handbook, main, policy_figures
from generlate_handbook.policy.load import load_policy
from generlate_handbook.policy.model import CALENDAR
from generlate_handbook.policy.tree import leaves
from generlate_handbook.policy.units import Count, Duration, Percentage
from generlate_handbook.wording import format_minutes, format_value

SEED = Path(__file__).parent / "fixtures" / "lint" / "seed-excerpt.md"


@pytest.fixture(scope="module")
def policy():
    return load_policy(POLICY_FILE.parent)


def lint_files(tmp_path: Path, policy, files: dict[str, str]) -> list[str]:
    """Lint ``files`` in a handbook with the real one's conf.py (its MyST settings)."""
    handbook = tmp_path / "handbook"
    handbook.mkdir(exist_ok=True)
    shutil.copy(REPO / "handbook" / "conf.py", handbook / "conf.py")
    for name, text in files.items():
        (handbook / name).parent.mkdir(parents=True, exist_ok=True)
        (handbook / name).write_text(text, encoding="utf-8")
    return [str(finding) for finding in lint_handbook(handbook, policy)]


def lint_text(tmp_path: Path, policy, text: str) -> list[str]:
    return lint_files(tmp_path, policy, {"page.md": text})


def test_real_handbook_is_clean(policy):
    assert lint_handbook(REPO / "handbook", policy) == []


def test_the_lint_parses_with_the_handbooks_myst_settings():
    settings = pages.myst_settings(REPO / "handbook" / "conf.py")
    conf = runpy.run_path(str(REPO / "handbook" / "conf.py"))
    assert settings == {
        key.removeprefix("myst_"): value for key, value in conf.items() if key.startswith("myst_")
    }
    assert "colon_fence" in settings["enable_extensions"]
    # ... so a colon fence is a directive to the lint, as to MyST.
    md = pages.parser_for(REPO / "handbook")
    kinds = [(piece.kind, piece.line) for piece in pages.pieces(":::{note} A title\nBody\n:::", md)]
    assert kinds == [("title", 1), ("prose", 2)]


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
        ("In your first 90 days.", "90 days", "individual.ramp_up"),
        ("Up **99.5**% of the time.", "99.5%", "plans.managed.availability"),
    ],
)
def test_hand_typed_figures_are_found(tmp_path, policy, line, typed, key_path):
    findings = lint_text(tmp_path, policy, f"# Page\n\n{line}\n")
    (finding,) = [f for f in findings if f"figure {typed!r}" in f]
    message, hint = finding.splitlines()
    assert message.startswith(f"{tmp_path / 'handbook' / 'page.md'}:3: hand-typed policy figure")
    assert key_path in message.split("(the policy has it at ")[1].rstrip(")").split(", ")
    assert hint.startswith("    hint: write ")
    roles = hint.removeprefix("    hint: write ").split(" so the page")[0].split(" or ")
    assert f"{{policy}}`{key_path}`" in roles


FIGURES_IN_DIRECTIVES = {
    "a directive's title": ":::{note} Answered within 24 hours\nBody.\n:::\n",
    "a caption option": "```{figure} flow.png\n:caption: Answered within 24 hours\n```\n",
    "a nested directive": "::::{tab-set}\n:::{tab-item} A\nAnswered within 24 hours\n:::\n::::\n",
}


@pytest.mark.parametrize("body", FIGURES_IN_DIRECTIVES.values(), ids=FIGURES_IN_DIRECTIVES)
def test_figures_in_directive_titles_options_and_content_are_found(tmp_path, policy, body):
    (finding,) = lint_text(tmp_path, policy, f"# Page\n\n{body}")
    line = 3 + body.splitlines().index(next(x for x in body.splitlines() if "24 hours" in x))
    assert f":{line}: hand-typed policy figure '24 hours'" in finding


@pytest.mark.parametrize("line", ["During the first ninety days.", "Severity 1 and P0 incidents."])
def test_words_that_are_not_figures_pass(tmp_path, policy, line):
    assert lint_text(tmp_path, policy, f"# Page\n\n{line}\n") == []


def figure_leaves(policy):
    """Every figure in the policy, with its key path, in the reader's calendar wording."""
    for path, value in leaves(policy):
        if isinstance(value, Duration | Percentage | Count):
            yield ".".join(map(str, path)), format_value(policy, value, CALENDAR)
    for schedule_id, spec in policy.schedules.items():
        for pairs in spec.hours.values():
            for minute in {m for pair in pairs for m in pair}:
                yield f"schedules.{schedule_id}", format_minutes(minute)


def test_every_policy_figure_is_found_when_typed(tmp_path, policy):
    cases = sorted(set(figure_leaves(policy)))
    assert len(cases) >= 20, cases  # the walk reached every section
    page = "# Page\n\n" + "\n\n".join(f"Typed: {text}." for _, text in cases) + "\n"
    findings = lint_text(tmp_path, policy, page)
    for index, (key_path, text) in enumerate(cases):
        line = 3 + 2 * index
        on_line = [
            f for f in findings if f.startswith(f"{tmp_path / 'handbook' / 'page.md'}:{line}:")
        ]
        assert any(key_path in f.splitlines()[0] for f in on_line), (key_path, text, on_line)
    assert {key for key, _ in cases} == {figure.key_path for figure in policy_figures(policy)}


def test_roles_code_comments_and_directive_data_are_not_figures(tmp_path, policy):
    text = "\n".join(
        [
            "# Page",
            "",
            "Uptime is {policy}`plans.managed.availability` and `99.5%` in code is fine.",
            "% editor note: was 99.5% before; TODO check",
            "",
            "```{sla-examples} self-hosted",
            ":severity: sev1",
            "2026-10-30T16:00:00-07:00 Opened on a Friday at 16:00",
            "```",
            "",
            "```python",
            "availability = '99.5%'  # TODO <!-- in code -->",
            "```",
            "",
            "    indented code: 24 hours",
            "",
        ]
    )
    assert lint_text(tmp_path, policy, text) == []


def test_prose_inside_admonitions_is_checked(tmp_path, policy):
    text = (
        "# Page\n\n:::{note}\nWe keep 99.5% uptime.\n:::\n\n```{tip}\n:class: x\n\nFIXME: me\n```\n"
    )
    findings = lint_text(tmp_path, policy, text)
    assert [f.split(": ", 1)[0].rsplit(":", 1)[1] for f in findings] == ["4", "10"]
    assert ":4: hand-typed policy figure '99.5%'" in findings[0]
    assert ":10: FIXME in published text" in findings[1]


# Each case: a page and the (line, start of the message) the lint must report.
EDITOR_NOTES = {
    "html comment": ("Text <!-- missing link -->\n", [(3, "raw HTML comment")]),
    "unclosed html comment": (
        "See the doc. <!-- links to a google doc that references another company>\n",
        [(3, "raw HTML comment")],
    ),
    "html comment block": ("<!--\nhidden\n-->\n", [(3, "raw HTML comment")]),
    "todo in prose": ("Text.\n\nTODO: write this\n", [(5, "TODO in published text")]),
    "todo in a directive title": (
        ":::{note} TODO write the title\nBody.\n:::\n",
        [(3, "TODO in a directive's title")],
    ),
    "todo in a directive option": (
        "```{figure} flow.png\n:caption: TODO\n```\n",
        [(4, "TODO in a directive option")],
    ),
    "todo in a yaml option block": (
        "```{admonition} Title\n---\nclass: TODO\n---\nBody.\n```\n",
        [(5, "TODO in a directive option")],
    ),
    "FIXME:": ("Text. FIXME: later\n", [(3, "FIXME in published text")]),
    "Todo:": ("Todo: later\n", [(3, "Todo in published text")]),
    "XXX": ("Check XXX before launch.\n", [(3, "XXX in published text")]),
    "todo in worked-example labels": (
        "```{sla-examples} self-hosted\n2026-10-30T16:00:00-07:00 TODO label\n```\n",
        [(4, "TODO in published text")],
    ),
    "todo in a heading": ("## Later TODO\n", [(3, "TODO in published text")]),
    "comment in raw html": ("```{raw} html\n<p>x</p>\n<!-- hidden -->\n```\n", [(5, "raw HTML")]),
    "comment in a table cell": ("| a | b |\n| - | - |\n| x <!-- y --> | z |\n", [(5, "raw HTML")]),
}


@pytest.mark.parametrize(("body", "expected"), EDITOR_NOTES.values(), ids=EDITOR_NOTES)
def test_editor_notes_are_found_on_their_line(tmp_path, policy, body, expected):
    findings = lint_text(tmp_path, policy, f"# Page\n\n{body}")
    page = tmp_path / "handbook" / "page.md"
    assert [f.splitlines()[0] for f in findings] == [
        f"{page}:{line}: {message}" + f.splitlines()[0].split(message, 1)[1]
        for (line, message), f in zip(expected, findings, strict=False)
    ]
    assert len(findings) == len(expected), findings


@pytest.mark.parametrize("word", ["todo list", "a to-do", "Fix me later", "xxx-large"])
def test_ordinary_words_are_not_editor_notes(tmp_path, policy, word):
    assert lint_text(tmp_path, policy, f"# Page\n\nKeep a {word}.\n") == []


# Files in _folders are not pages: only an {include} brings them into one.
INCLUDES = {
    "a TODO in an included _part": ("_parts/_a.md", "Intro.\n\nTODO: finish\n", 3, "TODO"),
    "a comment in an included _part": ("_parts/_b.md", "<!-- hidden -->\n", 1, "raw HTML comment"),
    "a figure in an included file": ("_parts/hours.md", "Within 24 hours.\n", 1, "hand-typed"),
}


@pytest.mark.parametrize(("name", "text", "line", "message"), INCLUDES.values(), ids=INCLUDES)
def test_included_files_are_linted_at_their_own_lines(tmp_path, policy, name, text, line, message):
    page = f"# Page\n\n```{{include}} {name}\n```\n"
    findings = lint_files(tmp_path, policy, {"page.md": page, name: text})
    (finding,) = findings
    assert finding.startswith(f"{tmp_path / 'handbook' / name}:{line}: {message}"), finding


def test_a_literal_include_and_a_file_outside_the_handbook_are_not_linted(tmp_path, policy):
    (tmp_path / "outside.md").write_text("TODO outside\n", encoding="utf-8")
    page = "# Page\n\n```{include} _code/a.md\n:literal:\n```\n\n```{include} ../outside.md\n```\n"
    assert lint_files(tmp_path, policy, {"page.md": page, "_code/a.md": "TODO in code\n"}) == []


# --- The exceptions file -----------------------------------------------------------------------

EXCEPTIONS = {
    "no reason": (
        "- file: page.md\n  text: 99.5%\n",
        "exceptions.yaml:1: exception 1: missing required key 'reason'",
    ),
    "empty reason": (
        "- file: page.md\n  text: 99.5%\n  reason: ''\n",
        "exceptions.yaml:3: exception 1: reason: must not be empty",
    ),
    "misspelt key": (
        "- file: page.md\n  text: 99.5%\n  reason: ok\n  reasons: x\n",
        "exceptions.yaml:4: exception 1: reasons: unknown key 'reasons'; did you mean 'reason'?",
    ),
    "not text": (
        "- file: page.md\n  text: 99.5%\n  reason: [a, b]\n",
        "exceptions.yaml:3: exception 1: reason: expected text",
    ),
    "not a list": ("file: page.md\n", "exceptions.yaml:1: the file: expected a list"),
    "entry not a mapping": ("- page.md\n", "exceptions.yaml:1: exception 1: expected a mapping"),
    "yaml syntax": ("- file: [page.md\n", "exceptions.yaml:2: YAML syntax"),
}


@pytest.mark.parametrize(("yaml", "message"), EXCEPTIONS.values(), ids=EXCEPTIONS)
def test_bad_exceptions_are_located_errors(tmp_path, policy, yaml, message):
    findings = lint_files(
        tmp_path, policy, {"page.md": "# Page\n", "_lint/figure-exceptions.yaml": yaml}
    )
    (finding,) = findings
    assert f"figure-{message}" in finding, finding


def test_exceptions_silence_only_their_text(tmp_path, policy):
    yaml = "- file: page.md\n  text: 24 hours a day\n  reason: a phrase, not the SLA target\n"
    findings = lint_files(
        tmp_path,
        policy,
        {
            "page.md": "# Page\n\nWe answer 24 hours a day. 2 hours.\n",
            "_lint/figure-exceptions.yaml": yaml,
        },
    )
    (finding,) = findings
    assert ":3: hand-typed policy figure '2 hours'" in finding


# --- The command -------------------------------------------------------------------------------


def test_seed_page_fails_on_every_kind_of_problem(tmp_path, capsys, monkeypatch):
    handbook = tmp_path / "handbook"
    handbook.mkdir()
    shutil.copy(SEED, handbook / "customer-support.md")
    monkeypatch.chdir(REPO)
    assert main([str(handbook)]) == 1
    err = capsys.readouterr().err.splitlines()
    page = f"{handbook / 'customer-support.md'}"
    for expected in (
        f"{page}:3: raw HTML comment",
        f"{page}:5: hand-typed policy figure '100%'",
        f"{page}:8: TODO in published text",
        f"{page}:8: raw HTML comment",
        f"{page}:14: hand-typed policy figure '1 hour'",
        f"{page}:19: hand-typed policy figure '9:00a.m.'",
        f"{page}:23: hand-typed policy figure '72 hours'",
        f"{page}:26: raw HTML comment",
    ):
        assert any(line.startswith(expected) for line in err), (expected, err)
    assert err[-1].startswith("lint: ") and err[-1].endswith(f"problem(s) in {handbook}/")


def test_a_clean_handbook_passes(tmp_path, capsys, monkeypatch):
    handbook = tmp_path / "handbook"
    handbook.mkdir()
    (handbook / "index.md").write_text("# Home\n\nNothing typed by hand.\n", encoding="utf-8")
    monkeypatch.chdir(REPO)
    assert main([str(handbook)]) == 0
    assert capsys.readouterr().out == f"lint: {handbook}/ is clean\n"
