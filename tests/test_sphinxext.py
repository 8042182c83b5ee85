"""The Sphinx extension, built: the ``policy`` role and every directive, in MyST and in rST.

Each build renders a COPY of the real ``policy/`` folder (in ``tmp_path``), so tests can break
or change it. The two feature pages (tests/sphinx_projects/features-myst, features-rst) are the
same page in two syntaxes; each one's doctrees are compared with its own stored snapshots
(syrupy: tests/__snapshots__/test_sphinxext/, refresh with
``make test PYTEST_ARGS="--snapshot-update"``) and with each other.
"""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
from docutils import nodes
from sphinx.testing.util import SphinxTestApp
from sphinx_build import (
    CONF,
    REPO,
    TESTS,
    Built,
    copy_policy,
    edit_policy,
    line_of,
    run,
    text_of,
    write_project,
)
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

pytestmark = pytest.mark.build  # pyproject: "builds a Sphinx project (slower)"

PROJECTS = TESTS / "sphinx_projects"


class TextSnapshot(SingleFileSnapshotExtension):
    """One readable text file per snapshot."""

    _write_mode = WriteMode.TEXT
    file_extension = "txt"


FORMATS = ("myst", "rst")
SUFFIX = {"myst": ".md", "rst": ".rst"}

# The feature pages' sections, each compared with a snapshot.
SECTIONS = [
    "Role",
    "SLA table",
    "Support hours",
    "Availability budget",
    "SLA examples",
    "Policy list",
]


# --- The feature pages, built once per module in both syntaxes ---------------------------------


@pytest.fixture(scope="module")
def features(tmp_path_factory) -> dict[str, Built]:
    """Both feature projects, built once (with ``SphinxTestApp``, which ``make_app`` wraps)."""
    built = {}
    for fmt in FORMATS:
        root = tmp_path_factory.mktemp(f"features-{fmt}")
        copy_policy(root)
        srcdir = root / "src"
        shutil.copytree(PROJECTS / f"features-{fmt}", srcdir)
        (srcdir / "conf.py").write_text(CONF, "utf-8")
        app = SphinxTestApp(
            "html",
            srcdir=srcdir,
            builddir=root / "_build",
            freshenv=True,
            status=io.StringIO(),
            warning=io.StringIO(),
        )
        built[fmt] = run(app)
    return built


def section(doctree: nodes.document, title: str) -> nodes.section:
    for node in doctree.findall(nodes.section):
        if node[0].astext() == title:
            return node
    raise AssertionError(f"no section {title!r}")


def normalised(node: nodes.section) -> str:
    """The section's content (not its title) as pformat, without automatic ``idN`` ids."""
    text = "".join(child.pformat() for child in node.children if not isinstance(child, nodes.title))
    return re.sub(r"\bid\d+\b", "id#", text)


@pytest.mark.parametrize("fmt", FORMATS)
def test_feature_pages_build_without_warnings(features, fmt):
    assert features[fmt].warnings == ""
    assert set(features[fmt].doctrees) == {"index", "links"}


@pytest.mark.parametrize("title", SECTIONS, ids=lambda title: title.lower().replace(" ", "-"))
@pytest.mark.parametrize("fmt", FORMATS)
def test_doctree_matches_snapshot(features, fmt, title, snapshot):
    """Each syntax against its own snapshot, written from that syntax's build."""
    actual = normalised(section(features[fmt].doctrees["index"], title))
    assert actual == snapshot(extension_class=TextSnapshot)


@pytest.mark.parametrize("title", SECTIONS)
def test_myst_and_rst_give_the_same_doctree(features, title):
    myst = normalised(section(features["myst"].doctrees["index"], title))
    rst = normalised(section(features["rst"].doctrees["index"], title))
    assert myst == rst


@pytest.mark.parametrize("fmt", FORMATS)
def test_role_renders_values_in_a_readers_words(features, fmt):
    doctree = features[fmt].doctrees["index"]
    values = {
        node["policy-key"]: node.astext()
        for node in doctree.findall(nodes.inline)
        if "policy-value" in node["classes"]
    }
    assert values == {
        "plans.managed.availability": "99.5%",
        "slas.standard.targets.sev1.response": "24 working hours (3 business days)",
        "schedules.working-hours": "09:00–17:00 Pacific Time, Monday–Friday",
    }
    spans = features[fmt].html("index").select("span.policy-value")
    assert [text_of(span) for span in spans] == [
        "99.5%",
        "24 working hours (3 business days)",
        "09:00–17:00 Pacific Time, Monday–Friday",
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_sla_table_has_a_row_per_severity_with_anchors(features, fmt):
    doctree = features[fmt].doctrees["index"]
    (table,) = [t for t in doctree.findall(nodes.table) if "sla-table" in t["classes"]]
    (group,) = table.findall(nodes.tgroup)
    assert group["cols"] == 4
    assert len(list(group.findall(nodes.colspec))) == 4
    assert table[0].astext() == (
        "Self-hosted: targets count working hours, 09:00–17:00 Pacific Time, Monday–Friday"
    )
    (head,) = group.findall(nodes.thead)
    assert [entry.astext() for entry in head.findall(nodes.entry)] == [
        "Severity",
        "Description",
        "Response time",
        "Resolution time",
    ]
    (body,) = group.findall(nodes.tbody)
    rows = list(body.children)
    assert [row["ids"] for row in rows] == [["sla-self-hosted-sev1"], ["sla-self-hosted-sev2"]]
    cells = [[entry.astext() for entry in row.children] for row in rows]
    assert cells == [
        [
            "Severity 1",
            "Any error reported where usage of Generlate is severely impacted, and causes a high "
            "impact to the business, in a production environment.",
            "Within 24 working hours (3 business days) of becoming aware of the issue.",
            "Within 72 working hours (9 business days), using commercially reasonable efforts to "
            "provide a resolution or workaround.",
        ],
        [
            "Severity 2",
            "Any error reported that involves partial, non-critical loss of use, or any general "
            "usage questions, feature requests, and similar.",
            "Within 1 business week (40 working hours) of becoming aware of the issue.",
            "When complete, using commercially reasonable efforts to provide a resolution, "
            "workaround, or product update.",
        ],
    ]
    # The HTML: the same rows, anchored, severity names in bold.
    html = features[fmt].html("index").select_one("table.sla-table")
    assert [row.get("id") for row in html.select("tbody tr")] == [
        "sla-self-hosted-sev1",
        "sla-self-hosted-sev2",
    ]
    assert [text_of(cell) for cell in html.select("tbody tr td strong")] == [
        "Severity 1",
        "Severity 2",
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_links_to_sla_rows_resolve(features, fmt):
    index = features[fmt].html("index")
    same_page = index.find("a", string="the Severity 1 row")
    assert same_page is not None and same_page["href"] == "#sla-self-hosted-sev1"
    links = features[fmt].html("links")
    assert links.find("a", string="x")["href"] == "index.html#sla-self-hosted-sev2"
    assert links.find("a", string="Severity 1")["href"] == "index.html#sla-self-hosted-sev1"
    assert features[fmt].warnings == ""  # nitpicky: an unresolved ref would have warned


def caption(table: object) -> str:
    return text_of(table.select_one("caption .caption-text"))  # type: ignore[attr-defined]


def rows_of(table: object) -> list[list[str]]:
    return [[text_of(cell) for cell in row.select("td")] for row in table.select("tbody tr")]  # type: ignore[attr-defined]


@pytest.mark.parametrize("fmt", FORMATS)
def test_support_hours_gives_a_row_per_daylight_saving_regime(features, fmt):
    html = features[fmt].html("index")
    table = html.select_one("table#hours-working-hours")
    assert caption(table) == "Working hours in 2026, by daylight-saving period"
    assert [text_of(th) for th in table.select("thead th")] == [
        "Dates in 2026",
        "Pacific Time (America/Los_Angeles)",
        "UTC",
        "UK time (Europe/London)",
    ]
    assert rows_of(table) == [
        ["1 Jan – 7 Mar", "09:00–17:00 PST", "17:00–01:00 (+1 day)", "17:00–01:00 (+1 day) GMT"],
        ["8 Mar – 28 Mar", "09:00–17:00 PDT", "16:00–24:00", "16:00–24:00 GMT"],
        ["29 Mar – 24 Oct", "09:00–17:00 PDT", "16:00–24:00", "17:00–01:00 (+1 day) BST"],
        ["25 Oct – 31 Oct", "09:00–17:00 PDT", "16:00–24:00", "16:00–24:00 GMT"],
        ["1 Nov – 31 Dec", "09:00–17:00 PST", "17:00–01:00 (+1 day)", "17:00–01:00 (+1 day) GMT"],
    ]
    window = html.select_one("table#hours-support-window")
    assert rows_of(window)[0] == [
        "1 Jan – 7 Mar",
        "02:00–17:00 PST",
        "10:00–01:00 (+1 day)",
        "10:00–01:00 (+1 day) GMT",
    ]
    intro = table.find_previous("p")
    assert text_of(intro) == (
        "Working hours: 09:00–17:00 Pacific Time, Monday–Friday. The hours during which "
        "Generlate is responsible for upholding the contractual SLAs."
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_availability_budget(features, fmt):
    table = features[fmt].html("index").select_one("table#availability-managed")
    assert caption(table) == "Managed: downtime allowed by 99.5% availability"
    assert [text_of(th) for th in table.select("thead th")] == [
        "Period",
        "Allowed downtime",
        "Used by one maintenance window (2 hours)",
    ]
    assert rows_of(table) == [
        ["Month (30 days)", "3 hours 36 minutes", "56%"],
        ["Quarter (90 days)", "10 hours 48 minutes", "19%"],
        ["Year (365 days)", "1 day 19 hours 48 minutes", "5%"],
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_sla_examples_give_computed_due_times(features, fmt):
    table = features[fmt].html("index").select_one("table.sla-examples")
    assert caption(table) == (
        "Self-hosted, Severity 1: response 24 working hours (3 business days), resolution "
        "72 working hours (9 business days), internal first response 1 hour in the support window"
    )
    assert [text_of(th) for th in table.select("thead th")] == [
        "Ticket",
        "Opened",
        "Response due",
        "Resolution due",
        "Internal first response due",
    ]
    assert rows_of(table) == [
        [
            "Opened on a Friday afternoon",
            "Fri 16 Oct 2026, 16:00 PDT Fri 16 Oct, 23:00 UTC",
            "Wed 21 Oct 2026, 16:00 PDT Wed 21 Oct, 23:00 UTC",
            "Thu 29 Oct 2026, 16:00 PDT Thu 29 Oct, 23:00 UTC",
            "Fri 16 Oct 2026, 17:00 PDT Sat 17 Oct, 00:00 UTC",
        ],
        [
            # Daylight saving time ends on 1 Nov: the same local due time is an hour later in UTC.
            "Opened on the Friday before daylight saving time ends",
            "Fri 30 Oct 2026, 16:00 PDT Fri 30 Oct, 23:00 UTC",
            "Wed 4 Nov 2026, 16:00 PST Thu 5 Nov, 00:00 UTC",
            "Thu 12 Nov 2026, 16:00 PST Fri 13 Nov, 00:00 UTC",
            "Fri 30 Oct 2026, 17:00 PDT Sat 31 Oct, 00:00 UTC",
        ],
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_policy_list_renders_one_bullet_per_kpi(features, fmt):
    (bullets,) = features[fmt].html("index").select("ul.policy-list")
    assert [text_of(item) for item in bullets.select("li")] == [
        "Total case volume",
        "Type of case (how-to question, defect, product improvement)",
        "Percent of issues/questions by product/feature",
        "Average number of cases per customer",
        "Volume of cases by each customer",
        "Volume of cases incoming during US hours, Europe hours, etc.",
    ]


# --- Escaping ----------------------------------------------------------------------------------


def test_policy_text_is_escaped_in_html(make_app, tmp_path):
    policy = copy_policy(tmp_path)
    edit_policy(
        policy,
        "Any error reported where usage",
        "<script>alert(1)</script> Any error reported where usage",
    )
    srcdir = write_project(
        tmp_path,
        {
            "index.md": "# Escaping\n\n"
            "Severity 1 is {policy}`severities.sev1.description`\n\n"
            "```{sla-table} self-hosted\n```\n"
        },
    )
    built = run(make_app("html", srcdir=srcdir, builddir=tmp_path / "_build"))
    assert built.warnings == ""
    raw = built.raw_html("index")
    assert "<script>alert" not in raw
    # Once in the role's span, once in the table's description cell.
    assert raw.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 2
    html = built.html("index")
    assert "<script>alert(1)</script>" in text_of(html.select_one("span.policy-value"))
    assert "<script>alert(1)</script>" in text_of(html.select_one("tr#sla-self-hosted-sev1"))


# --- Located errors ----------------------------------------------------------------------------

ERROR_PAGES = {
    "myst": """\
# Errors

A known value: {policy}`plans.managed.availability`.

The next paragraph names no policy value.

{policy}`plans.managed.uptime` is not a key.

```{sla-table} enterprise
```

```{support-hours}
:schedules: weekend-hours
:zones: UTC
```

```{support-hours}
:zones: UTC Mars/Olympus_Mons
```

```{sla-examples} self-hosted
2026-10-30T16:00:00 A naive time
```

```{sla-examples} self-hosted
:severity: sev9
2026-10-30T16:00:00-07:00 An unknown severity
```

```{availability-budget} self-hosted
```

```{policy-list} plans.managed.availability
```
""",
    "rst": """\
Errors
======

A known value: :policy:`plans.managed.availability`.

The next paragraph names no policy value.

:policy:`plans.managed.uptime` is not a key.

.. sla-table:: enterprise

.. support-hours::
   :schedules: weekend-hours
   :zones: UTC

.. support-hours::
   :zones: UTC Mars/Olympus_Mons

.. sla-examples:: self-hosted

   2026-10-30T16:00:00 A naive time

.. sla-examples:: self-hosted
   :severity: sev9

   2026-10-30T16:00:00-07:00 An unknown severity

.. availability-budget:: self-hosted

.. policy-list:: plans.managed.availability
""",
}

# (a text on the line the warning must point at, its type, a text its message must contain)
EXPECTED_ERRORS = [
    ("plans.managed.uptime", "policy.key", "'plans.managed.uptime': plans.managed has no 'uptime'"),
    ("enterprise", "policy.plan", "unknown plan 'enterprise' (known: self-hosted, managed)"),
    ("support-hours", "policy.schedule", "unknown schedule 'weekend-hours'"),
    ("Mars/Olympus_Mons", "policy.zone", "unknown time zone 'Mars/Olympus_Mons'"),
    ("A naive time", "policy.example", "2026-10-30T16:00:00 has no UTC offset"),
    ("sev9", "policy.example", "unknown severity 'sev9' (known: sev1, sev2)"),
    ("availability-budget", "policy.plan", "plan 'self-hosted' has no availability target"),
    ("policy-list", "policy.key", "'plans.managed.availability' is a single value, not a list"),
]


def pointed_line(text: str, needle: str) -> int:
    """The line a warning about ``needle`` names: a role's own line, else its directive's first."""
    lines = text.splitlines()
    number = next(n for n, line in enumerate(lines, start=1) if needle in line)
    if re.search(r"(\{policy\}|:policy:)`", lines[number - 1]):
        return number
    while not re.match(r"(```\{|\.\. )", lines[number - 1]):
        number -= 1
    return number


@pytest.mark.parametrize("fmt", FORMATS)
def test_errors_are_located_on_the_page(make_app, tmp_path, fmt):
    copy_policy(tmp_path)
    page = ERROR_PAGES[fmt]
    srcdir = write_project(tmp_path, {f"index{SUFFIX[fmt]}": page})
    built = run(make_app("html", srcdir=srcdir, builddir=tmp_path / "_build"))
    path = srcdir / f"index{SUFFIX[fmt]}"
    warnings = built.warning_lines()
    assert len(warnings) == len(EXPECTED_ERRORS), built.warnings
    for (needle, kind, message), warning in zip(EXPECTED_ERRORS, warnings, strict=True):
        line = pointed_line(page, needle)
        assert warning.startswith(f"{path}:{line}: WARNING: "), (needle, warning)
        assert warning.endswith(f"[{kind}]"), (needle, warning)
        assert message in warning, (needle, warning)
    # Lines as an editor counts them (the rST title takes two).
    line = {"myst": 7, "rst": 8}[fmt]
    assert warnings[0].startswith(f"{path}:{line}: WARNING: unknown policy key path")
    # The page still renders what it can, and marks what it cannot.
    html = built.html("index")
    assert text_of(html.select_one("span.policy-value")) == "99.5%"
    assert "plans.managed.uptime" in text_of(html.select_one(".problematic"))
    assert html.select("table") == []


def test_suppressed_policy_warnings_stay_silent(make_app, tmp_path):
    copy_policy(tmp_path)
    srcdir = write_project(
        tmp_path,
        {"index.md": ERROR_PAGES["myst"]},
        conf=CONF + 'suppress_warnings = ["policy.key", "policy.plan", "policy.example"]\n',
    )
    built = run(make_app("html", srcdir=srcdir, builddir=tmp_path / "_build"))
    types = [line.rsplit("[", 1)[-1] for line in built.warning_lines()]
    assert types == ["policy.schedule]", "policy.zone]"]


# --- A broken or inconsistent policy -----------------------------------------------------------

POLICY_PAGE = "# Policy\n\nAvailability: {policy}`plans.managed.availability`.\n"


def test_broken_policy_warns_located_in_the_yaml(make_app, tmp_path):
    policy = copy_policy(tmp_path)
    edit_policy(policy, "availability: 99.5%", "availability: 150%")
    line = line_of(policy.read_text("utf-8"), "availability: 150%")
    srcdir = write_project(tmp_path, {"index.md": POLICY_PAGE})
    built = run(make_app("html", srcdir=srcdir, builddir=tmp_path / "_build"))
    (warning,) = built.warning_lines()
    assert re.fullmatch(
        rf".*support\.yaml:{line}: WARNING: plans\.managed\.availability: "
        rf"'150%' is above 100% \[policy\.load\]",
        warning,
    ), warning
    assert warning.startswith(f"{policy}:{line}:")
    # No value is rendered from a policy that failed to load.
    html = built.html("index")
    assert html.select("span.policy-value") == []
    assert text_of(html.select_one("span.policy-missing")) == "plans.managed.availability"


def test_inconsistent_policy_warns_with_the_check(make_app, tmp_path):
    policy = copy_policy(tmp_path)
    edit_policy(policy, "availability: 99.5%", "availability: 99.9%")
    line = line_of(policy.read_text("utf-8"), "max_downtime: 2h")
    srcdir = write_project(tmp_path, {"index.md": POLICY_PAGE})
    built = run(make_app("html", srcdir=srcdir, builddir=tmp_path / "_build"))
    (warning,) = built.warning_lines()
    assert warning.startswith(
        f"{policy}:{line}: WARNING: plans.managed.maintenance.max_downtime: one maintenance "
        "window (2 hours) is more than the downtime plans.managed.availability (99.9%) allows"
    ), warning
    assert warning.endswith("[policy.check]")
    # The values still render: the policy is valid, only inconsistent.
    assert text_of(built.html("index").select_one("span.policy-value")) == "99.9%"


def test_policy_check_can_be_switched_off(make_app, tmp_path):
    policy = copy_policy(tmp_path)
    edit_policy(policy, "availability: 99.5%", "availability: 99.9%")
    srcdir = write_project(
        tmp_path, {"index.md": POLICY_PAGE}, conf=CONF + "policy_check = False\n"
    )
    built = run(make_app("html", srcdir=srcdir, builddir=tmp_path / "_build"))
    assert built.warnings == ""


def test_missing_policy_folder_is_named_in_the_warning(make_app, tmp_path):
    conf = CONF.replace('policy_dir = "../policy"', 'policy_dir = "../no-such-policy"')
    srcdir = write_project(tmp_path, {"index.md": POLICY_PAGE}, conf=conf)
    built = run(make_app("html", srcdir=srcdir, builddir=tmp_path / "_build"))
    (warning,) = built.warning_lines()
    assert warning.endswith("[policy.load]")
    assert str(tmp_path / "no-such-policy") in warning, warning


# --- Incremental rebuild -----------------------------------------------------------------------

INCREMENTAL_PAGES = {
    "index.md": "# Home\n\nAvailability: {policy}`plans.managed.availability`.\n\n"
    "```{toctree}\nbudget\nplain\n```\n",
    "budget.md": "# Budget\n\n```{availability-budget} managed\n```\n",
    "plain.md": "# Plain\n\nThis page names nothing from the policy.\n",
}


def test_policy_change_rereads_exactly_the_dependent_pages(make_app, tmp_path):
    policy = copy_policy(tmp_path)
    # The 99.9% below fails the maintenance check on purpose; this test is about rebuilding.
    srcdir = write_project(tmp_path, INCREMENTAL_PAGES, conf=CONF + "policy_check = False\n")
    builddir = tmp_path / "_build"

    def build() -> Built:
        return run(make_app("html", srcdir=srcdir, builddir=builddir, freshenv=False))

    first = build()
    assert first.read == ["budget", "index", "plain"]
    assert "99.5%" in first.raw_html("index")
    assert "3 hours 36 minutes" in first.raw_html("budget")

    unchanged = build()
    assert unchanged.read == []

    edit_policy(policy, "availability: 99.5%", "availability: 99.9%")
    changed = build()
    assert changed.warnings == ""
    assert changed.read == ["budget", "index"]
    assert re.search(r"updating environment: 0 added, 2 changed, 0 removed", changed.status)
    budget = changed.html("budget").select_one("table#availability-managed")
    assert caption(budget) == "Managed: downtime allowed by 99.9% availability"
    assert rows_of(budget)[0] == ["Month (30 days)", "43 minutes 12 seconds", "278%"]
    assert text_of(changed.html("index").select_one("span.policy-value")) == "99.9%"
    for docname in ("index", "budget", "plain"):
        assert "99.5%" not in changed.raw_html(docname), docname
        assert "3 hours 36 minutes" not in changed.raw_html(docname), docname


# --- Parallel build of the real handbook -------------------------------------------------------


def policy_output(built: Built) -> dict[str, list[str]]:
    """Per page: every policy-value span, generated table and list, as text."""
    result = {}
    for docname in built.doctrees:
        html = built.html(docname)
        elements = html.select("span.policy-value, table.policy-table, ul.policy-list")
        result[docname] = [text_of(element) for element in elements]
    return result


@pytest.fixture
def handbook_copy(tmp_path) -> Path:
    shutil.copytree(
        REPO / "handbook", tmp_path / "handbook", ignore=shutil.ignore_patterns("_build")
    )
    shutil.copytree(REPO / "policy", tmp_path / "policy")
    return tmp_path / "handbook"


def test_parallel_build_of_the_handbook_matches_serial(make_app, handbook_copy):
    def build(parallel: int) -> Built:
        return run(
            make_app(
                "html",
                srcdir=handbook_copy,
                builddir=handbook_copy.parent / f"_build-j{parallel}",
                freshenv=True,
                parallel=parallel,
            )
        )

    parallel, serial = build(2), build(0)
    assert parallel.warnings == ""
    assert serial.warnings == ""
    # Sphinx read in chunks, in worker processes ("reading sources... [ 33%] a .. b").
    assert re.search(r"reading sources\.\.\. \[\s*\d+%\] \S+ \.\. \S+", parallel.status)
    values = policy_output(parallel)
    assert values == policy_output(serial)
    assert "99.5%" in values["customer-support/slas"]
    # Every page that uses the policy depends on it, whichever process read it.
    assert parallel.dependencies == serial.dependencies
    policy = str((handbook_copy.parent / "policy" / "support.yaml").resolve())
    users = {doc for doc, deps in parallel.dependencies.items() if any(policy in d for d in deps)}
    assert users == {doc for doc, texts in values.items() if texts}


def test_broken_then_fixed_policy_rerenders_the_dependent_pages(make_app, tmp_path):
    policy = copy_policy(tmp_path)
    srcdir = write_project(tmp_path, INCREMENTAL_PAGES)
    builddir = tmp_path / "_build"

    def build() -> Built:
        return run(make_app("html", srcdir=srcdir, builddir=builddir, freshenv=False))

    assert build().warnings == ""
    edit_policy(policy, "availability: 99.5%", "availability: 150%")
    broken = build()
    assert broken.read == ["budget", "index"]
    (warning,) = broken.warning_lines()
    assert warning.endswith("'150%' is above 100% [policy.load]")
    assert text_of(broken.html("index").select_one("span.policy-missing")) == (
        "plans.managed.availability"
    )
    assert broken.html("budget").select("table") == []

    edit_policy(policy, "availability: 150%", "availability: 99.5%")
    fixed = build()
    assert fixed.warnings == ""
    assert fixed.read == ["budget", "index"]
    assert text_of(fixed.html("index").select_one("span.policy-value")) == "99.5%"
    assert rows_of(fixed.html("budget").select_one("table#availability-managed"))[0] == [
        "Month (30 days)",
        "3 hours 36 minutes",
        "56%",
    ]
