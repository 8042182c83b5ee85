"""The HTML SLA report in a real browser: it requests nothing but itself, and passes the same
accessibility audit as the handbook (axe-core, WCAG 2.1 A and AA, at phone and desktop width)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_site import serve

from generlate_handbook.cli import main

pytestmark = pytest.mark.build

REPO = Path(__file__).resolve().parent.parent
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = {"serious", "critical"}
WIDTHS = [(390, 844), (1280, 900)]


@pytest.fixture(scope="module")
def report_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("report")
    policy = ["--policy", str(REPO / "policy")]
    tickets, replies = folder / "tickets.csv", folder / "replies.csv"
    assert (
        main(
            [
                *policy,
                "demo-tickets",
                "--count",
                "3000",
                "--seed",
                "5",
                "--out",
                str(tickets),
                "--replies-out",
                str(replies),
            ]
        )
        == 0
    )
    assert (
        main(
            [
                *policy,
                "report",
                str(tickets),
                "--replies",
                str(replies),
                "--as-of",
                "2027-01-05T00:00:00Z",
                "--format",
                "html",
                "--out",
                str(folder / "report.html"),
            ]
        )
        == 0
    )
    with serve(folder) as base:
        yield f"{base}report.html"


def test_the_report_requests_nothing_but_itself(browser, report_url) -> None:
    context = browser.new_context()
    requested: list[str] = []
    try:
        page = context.new_page()
        page.on("request", lambda request: requested.append(request.url))
        page.goto(report_url)
        page.wait_for_load_state("networkidle")
        assert page.locator("h1").inner_text().startswith("SLA report: ")
    finally:
        context.close()
    assert requested == [report_url]


@pytest.mark.parametrize(("width", "height"), WIDTHS)
def test_the_report_passes_the_accessibility_audit(
    browser, axe_source, report_url, width, height
) -> None:
    # The report's Content-Security-Policy forbids every script, axe's too: bypass it to audit.
    context = browser.new_context(viewport={"width": width, "height": height}, bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(report_url)
        page.add_script_tag(content=axe_source)
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
        )
    finally:
        context.close()
    failures = [
        f"{v['id']} ({v['impact']}): {v['help']}: {v['nodes'][0]['html'][:120]}"
        for v in result["violations"]
        if v["impact"] in FAILING_IMPACTS
    ]
    assert not failures, "\n".join(failures)
