"""The extension's sharp edges: ids, configuration values, and output that depends on the day.

- every id a directive gives is registered with docutils: the same directive twice on a page, or
  a heading whose natural id a directive took, gives distinct ids and a located warning;
- a configuration value of the wrong type is a configuration error, never a traceback;
- the build's day is ``SOURCE_DATE_EPOCH`` when set: two builds on days years apart are identical.
"""

from __future__ import annotations

import collections
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sphinx_build import CONF, Built, copy_policy, run, write_project

from generlate_handbook.sphinxext import common

pytestmark = pytest.mark.build
REPO = Path(__file__).resolve().parent.parent
IGNORE = shutil.ignore_patterns("_build")

BUDGET = "```{availability-budget} managed\n```\n"
HOURS = "```{support-hours}\n:schedules: working-hours\n:year: 2026\n```\n"
SLA = "```{sla-table} self-hosted\n```\n"
POLICY_PAGE = "# Page\n\nAvailability: {policy}`plans.managed.availability`.\n"


def all_ids(html: str) -> list[str]:
    return [element["id"] for element in BeautifulSoup(html, "html.parser").select("[id]")]


# (page, the text on the line the warning points at, a text the warning must contain)
DUPLICATE_IDS = {
    "budget twice": (
        f"# Page\n\n{BUDGET}\nText.\n\n{BUDGET}",
        8,
        "'availability-managed' is already used on this page by a table on line 3",
    ),
    "support hours twice": (
        f"# Page\n\n{HOURS}\n{HOURS}",
        8,
        "'hours-working-hours' is already used on this page by a table on line 3",
    ),
    "sla table twice": (
        f"# Page\n\n{SLA}\n{SLA}",
        6,
        "'sla-self-hosted-sev1' is already used on this page by a row",
    ),
    "heading before the budget": (
        f"# Page\n\n## Availability managed\n\n{BUDGET}",
        5,
        "already used on this page by the heading 'Availability managed' on line 3",
    ),
    "heading after the budget": (
        f"# Page\n\n{BUDGET}\n## Availability managed\n",
        6,
        "the heading 'Availability managed' would have the id 'availability-managed', which a "
        "table on line 3 uses",
    ),
    "heading after the sla table": (
        f"# Page\n\n{SLA}\n## SLA self-hosted sev1\n",
        6,
        "which a row on line 3 uses",
    ),
}


@pytest.mark.parametrize(("page", "line", "message"), DUPLICATE_IDS.values(), ids=DUPLICATE_IDS)
def test_a_taken_id_is_a_located_warning_and_never_a_duplicate(
    make_app, tmp_path, page, line, message
):
    copy_policy(tmp_path)
    srcdir = write_project(tmp_path, {"index.md": page})
    built = run(make_app("html", srcdir=srcdir, builddir=tmp_path / "_build"))
    (warning,) = built.warning_lines()
    assert warning.startswith(f"{srcdir / 'index.md'}:{line}: WARNING: "), warning
    assert message in warning, warning
    assert warning.endswith("[policy.id]"), warning
    ids = all_ids(built.raw_html("index"))
    assert [i for i, n in collections.Counter(ids).items() if n > 1] == []


def test_one_of_each_directive_keeps_its_documented_ids(make_app, tmp_path):
    copy_policy(tmp_path)
    page = f"# Page\n\n## Budget\n\n{BUDGET}\n## Hours\n\n{HOURS}\n## SLA\n\n{SLA}"
    srcdir = write_project(tmp_path, {"index.md": page})
    built = run(make_app("html", srcdir=srcdir, builddir=tmp_path / "_build"))
    assert built.warnings == ""
    ids = all_ids(built.raw_html("index"))
    for anchor in ("availability-managed", "hours-working-hours", "sla-self-hosted-sev2"):
        assert ids.count(anchor) == 1, anchor


def test_policy_list_on_a_mapping_is_a_located_warning(make_app, tmp_path):
    copy_policy(tmp_path)
    page = "# Page\n\nText.\n\n```{policy-list} slas.standard.targets\n```\n"
    srcdir = write_project(tmp_path, {"index.md": page})
    built = run(make_app("html", srcdir=srcdir, builddir=tmp_path / "_build"))
    (warning,) = built.warning_lines()
    assert warning.startswith(f"{srcdir / 'index.md'}:5: WARNING: policy-list: ")
    assert "has no single reader-facing value; name one of its keys [policy.key]" in warning


# --- Configuration -----------------------------------------------------------------------------

# (the line in conf.py, the warning it must give)
BAD_CONFIG = {
    "policy_dir a number": ("policy_dir = 5", "policy_dir must be a folder path"),
    "policy_dir a list": ('policy_dir = ["../policy"]', "policy_dir must be a folder path"),
    "policy_check text": ('policy_check = "no"', "policy_check must be True or False"),
}


@pytest.mark.parametrize(("line", "message"), BAD_CONFIG.values(), ids=BAD_CONFIG)
def test_a_bad_config_value_is_a_warning_at_its_line_in_conf_py(make_app, tmp_path, line, message):
    copy_policy(tmp_path)
    conf = f"{CONF}{line}\n"
    srcdir = write_project(tmp_path, {"index.md": POLICY_PAGE}, conf=conf)
    built = run(make_app("html", srcdir=srcdir, builddir=tmp_path / "_build"))
    ours = [w for w in built.warning_lines() if w.endswith("[policy.config]")]
    (warning,) = ours
    assert warning.startswith(f"{srcdir / 'conf.py'}:{len(conf.splitlines())}: WARNING: ")
    assert message in warning


@pytest.mark.parametrize(("line", "message"), BAD_CONFIG.values(), ids=BAD_CONFIG)
def test_sphinx_build_stops_on_a_bad_config_value_without_a_traceback(tmp_path, line, message):
    copy_policy(tmp_path)
    srcdir = write_project(tmp_path, {"index.md": POLICY_PAGE}, conf=f"{CONF}{line}\n")
    script = Path(sys.executable).parent / "sphinx-build"
    result = subprocess.run(
        [str(script), "-q", "-W", "--keep-going", "-b", "html", str(srcdir), str(tmp_path / "o")],
        env={**os.environ, "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert message in result.stderr


# --- The build's day ---------------------------------------------------------------------------

DATED_PAGES = {
    "index.md": "# Hours\n\n```{support-hours}\n:schedules: working-hours\n```\n\n"
    "```{toctree}\nbudget\n```\n",
    "budget.md": "# Budget\n\n```{availability-budget} managed\n```\n",
}


def output_files(built: Built) -> dict[str, bytes]:
    return {
        path.relative_to(built.outdir).as_posix(): path.read_bytes()
        for path in sorted(built.outdir.rglob("*"))
        if path.is_file() and path.name != ".buildinfo"
    }


def build_dated(make_app, srcdir: Path, today: date, epoch: str | None) -> Built:
    """Build ``srcdir`` (incrementally) as if the machine's clock said ``today``."""

    class FakeDate(date):
        @classmethod
        def today(cls) -> date:
            return today

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(common, "date", FakeDate)
        if epoch is None:
            patch.delenv("SOURCE_DATE_EPOCH", raising=False)
        else:
            patch.setenv("SOURCE_DATE_EPOCH", epoch)
        app = make_app("html", srcdir=srcdir, builddir=srcdir.parent / "_build", freshenv=False)
        built = run(app)
    assert built.warnings == ""
    return built


def build_on(make_app, root: Path, today: date, epoch: str | None) -> dict[str, bytes]:
    """Build DATED_PAGES afresh on ``today``; every output file's bytes."""
    copy_policy(root)
    return output_files(build_dated(make_app, write_project(root, DATED_PAGES), today, epoch))


def test_source_date_epoch_makes_builds_on_different_days_identical(make_app, tmp_path):
    epoch = "1780000000"  # 2026-05-28
    first = build_on(make_app, tmp_path / "a", date(2026, 3, 1), epoch)
    later = build_on(make_app, tmp_path / "b", date(2028, 11, 30), epoch)
    assert first.keys() == later.keys()
    assert [name for name in first if first[name] != later[name]] == []
    assert b"Working hours in 2026" in first["index.html"]
    assert "searchindex.js" in first


def test_without_source_date_epoch_the_year_is_todays(make_app, tmp_path):
    built = build_on(make_app, tmp_path, date(2028, 11, 30), None)
    assert b"Working hours in 2028" in built["index.html"]
    assert b"Dates in 2028" in built["index.html"]


def test_an_incremental_build_in_a_new_year_rereads_the_pages_that_show_the_year(
    make_app, tmp_path
):
    copy_policy(tmp_path)
    srcdir = write_project(tmp_path, DATED_PAGES)
    first = build_dated(make_app, srcdir, date(2026, 12, 31), None)
    assert first.read == ["budget", "index"]
    assert build_dated(make_app, srcdir, date(2026, 12, 31), None).read == []
    new_year = build_dated(make_app, srcdir, date(2027, 1, 1), None)
    assert new_year.read == ["index"]  # the budget shows no year
    assert "Working hours in 2027" in new_year.raw_html("index")
    assert build_dated(make_app, srcdir, date(2027, 1, 2), None).read == []


def test_the_real_handbook_is_identical_on_days_years_apart(make_app, tmp_path):
    """The issue's acceptance test: same SOURCE_DATE_EPOCH, system dates years apart."""
    outputs = []
    for name, today in (("a", date(2026, 11, 27)), ("b", date(2029, 2, 1))):
        shutil.copytree(REPO / "handbook", tmp_path / name / "handbook", ignore=IGNORE)
        shutil.copytree(REPO / "policy", tmp_path / name / "policy")
        built = build_dated(make_app, tmp_path / name / "handbook", today, "1798761600")
        outputs.append(output_files(built))
    first, later = outputs
    assert first.keys() == later.keys()
    assert "searchindex.js" in first
    assert [name for name in first if first[name] != later[name]] == []
