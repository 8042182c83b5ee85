"""The ``zendesk-setup`` directive: the Zendesk page, rendered from the export."""

from __future__ import annotations

import pytest
from test_sphinxext import copy_policy, edit_policy, rows_of, run, text_of, write_project

pytestmark = pytest.mark.build

PAGE = """\
# Zendesk

```{zendesk-setup} priorities
```

```{zendesk-setup} plans
```

```{zendesk-setup} schedules
```

```{zendesk-setup} targets
```

```{zendesk-setup} unenforced
```
"""


def test_every_part_renders_from_the_export(make_app, tmp_path):
    copy_policy(tmp_path)
    srcdir = write_project(tmp_path, {"index.md": PAGE})
    built = run(make_app("html", srcdir=srcdir, builddir=tmp_path / "_build"))
    assert built.warnings == ""
    html = built.html("index")
    assert rows_of(html.select_one("table#zendesk-priorities")) == [
        ["Urgent", "Severity 1"],
        ["High", "Severity 1"],
        ["Normal", "Severity 2"],
        ["Low", "Severity 2"],
    ]
    assert rows_of(html.select_one("table#zendesk-plans")) == [
        ["Self-hosted", "Self-hosted plan SLA", "organization tag plan_self_hosted"],
        ["Managed", "Managed plan SLA", "organization tag plan_managed"],
    ]
    tag = text_of(html.select_one("p.zendesk-engineering-help"))
    assert tag.startswith("Tickets that need help from engineering carry the tag engineering_help")
    schedules = rows_of(html.select_one("table#zendesk-schedules"))
    assert schedules[0][:2] == ["Generlate working hours", "Pacific Time (US & Canada)"]
    assert schedules[0][2].startswith("Monday 09:00–17:00 Tuesday 09:00–17:00")
    assert schedules[1][2].startswith("Monday 02:00–17:00")
    managed = rows_of(html.select_one("table#zendesk-targets-managed"))
    assert managed[0] == [
        "Urgent",
        "Severity 1",
        "1440 minutes (24 hours), business hours",
        "4320 minutes (72 hours), business hours",
    ]
    assert managed[3] == [
        "Low",
        "Severity 2",
        "2400 minutes (40 hours), business hours",
        "no target",
    ]
    unenforced = text_of(html.select_one("ul.zendesk-unenforced"))
    assert "internal.first_response" in unenforced
    assert "1 hour in the support window: Zendesk applies one SLA policy per ticket" in unenforced


def test_16h_instead_of_24h_changes_the_page(make_app, tmp_path):
    policy = copy_policy(tmp_path)
    srcdir = write_project(tmp_path, {"index.md": PAGE})
    builddir = tmp_path / "_build"
    first = run(make_app("html", srcdir=srcdir, builddir=builddir, freshenv=False))
    before = rows_of(first.html("index").select_one("table#zendesk-targets-self-hosted"))
    edit_policy(policy, "within: 24h\n          from", "within: 16h\n          from")
    second = run(make_app("html", srcdir=srcdir, builddir=builddir, freshenv=False))
    assert second.read == ["index"]
    after = rows_of(second.html("index").select_one("table#zendesk-targets-self-hosted"))
    assert before[0][2] == "1440 minutes (24 hours), business hours"
    assert after[0][2] == "960 minutes (16 hours), business hours"
    assert [row[3] for row in before] == [row[3] for row in after]


def test_an_unknown_part_and_a_policy_without_helpdesk_warn_at_the_page(make_app, tmp_path):
    policy = copy_policy(tmp_path)
    text = policy.read_text()
    policy.write_text(text[: text.index("\n# How the help desk")] + "\n")
    page = "# Zendesk\n\n```{zendesk-setup} prices\n```\n\n```{zendesk-setup} targets\n```\n"
    srcdir = write_project(tmp_path, {"index.md": page})
    built = run(make_app("html", srcdir=srcdir, builddir=tmp_path / "_build"))
    warnings = built.warning_lines()
    assert len(warnings) == 2, built.warnings
    assert warnings[0].startswith(f"{srcdir / 'index.md'}:3: WARNING: unknown part 'prices'")
    assert warnings[1].startswith(f"{srcdir / 'index.md'}:6: WARNING: the policy has no helpdesk")
    assert all(w.endswith("[policy.zendesk]") for w in warnings)


def test_zendesk_strings_are_escaped(make_app, tmp_path):
    policy = copy_policy(tmp_path)
    edit_policy(
        policy, "working-hours: Generlate working hours", "working-hours: <b>Hours</b> & co"
    )
    srcdir = write_project(tmp_path, {"index.md": PAGE})
    built = run(make_app("html", srcdir=srcdir, builddir=tmp_path / "_build"))
    raw = built.raw_html("index")
    assert "<b>Hours</b>" not in raw
    assert "&lt;b&gt;Hours&lt;/b&gt; &amp; co" in raw
