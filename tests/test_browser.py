"""The built handbook in a real browser: headless Chromium (Debian's), driven by Playwright.

The real handbook is built once, served on 127.0.0.1 on a free port like GitHub Pages serves it
(tests/browser_site.py), and one browser visits it for the whole module. Without Chromium or
axe-core the tests are skipped with the command that installs them; under CI=true they fail.

Screenshots of the SLA page at phone and desktop width are saved in _build/screenshots/.
"""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin

import pytest
from browser_site import REPO, chromium_path, require, serve
from ruamel.yaml import YAML

from generlate_handbook.publishing.redirects import parse_redirects

pytestmark = pytest.mark.build

HANDBOOK = REPO / "handbook"
SCREENSHOTS = REPO / "_build" / "screenshots"
#: (name, viewport width, height): a phone (CSS pixels of a common 6.1" phone) and a desktop.
WIDTHS = [("phone", 390, 844), ("desktop", 1280, 900)]
MODES = ["light", "dark"]
#: The audit: WCAG 2.0 and 2.1, levels A and AA; a serious or critical violation fails.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = {"serious", "critical"}
TIMEOUT_MS = 15_000


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real handbook, built strictly from the repository (so git dates are real)."""
    out = tmp_path_factory.mktemp("browser-build")
    env = {k: v for k, v in os.environ.items() if not k.startswith("HANDBOOK_")}
    env["NO_COLOR"] = "1"
    env.pop("FORCE_COLOR", None)
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-M", "html", str(HANDBOOK), str(out), "-n", "-W", "-q"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return out / "html"


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    with serve(site) as url:
        yield url


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


def redirects() -> list[tuple[str, str]]:
    """(old URL path, new URL path) for every line of handbook/_redirects.txt."""
    accepted, problems = parse_redirects((HANDBOOK / "_redirects.txt").read_text("utf-8"))
    assert not problems
    return [(r.old_doc + ".html", r.new_doc + ".html") for r in accepted]


def audited_pages(site: Path) -> list[str]:
    """Every HTML page of the site (URL paths), but redirect pages: they lead to audited ones."""
    moved = {old for old, _ in redirects()}
    pages = [
        path.relative_to(site).as_posix()
        for path in sorted(site.rglob("*.html"))
        if not {"_static", "_sources"} & set(path.relative_to(site).parts)
    ]
    pages = [p for p in pages if p not in moved]
    # The search page as a reader sees it: with results.
    return [("search.html?q=Severity%201" if p == "search.html" else p) for p in pages]


def tab(page: object, name: str) -> object:
    """A sphinx-design tab's label, as a reader clicks it."""
    return page.locator("label.sd-tab-label", has_text=name)  # type: ignore[attr-defined]


def title_of(path: Path) -> str:
    text = path.read_text("utf-8")
    return next(line[2:].strip() for line in text.splitlines() if line.startswith("# "))


# --- Search, tabs ------------------------------------------------------------------------------


def test_search_for_severity_1_lists_the_sla_page(page, base_url):
    page.goto(urljoin(base_url, "search.html?q=Severity%201"))
    page.wait_for_selector("#search-results p.search-summary:has-text('found')")
    links = page.locator("#search-results ul.search li a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    assert any(href.split("?")[0].split("#")[0] == "customer-support/slas.html" for href in links)


def test_plan_tabs_switch_and_show_the_managed_availability(page, base_url):
    policy = YAML(typ="safe").load((REPO / "policy" / "support.yaml").read_text("utf-8"))
    availability = str(policy["plans"]["managed"]["availability"])
    page.goto(urljoin(base_url, "customer-support/slas.html"))
    self_hosted = page.locator(".sd-tab-content").nth(0)
    managed = page.locator(".sd-tab-content").nth(1)
    assert self_hosted.is_visible() and not managed.is_visible()
    assert availability not in self_hosted.inner_text()

    tab(page, "Managed").click()
    assert managed.is_visible() and not self_hosted.is_visible()
    assert availability in managed.inner_text()
    assert managed.locator("table").count() == 2  # the SLA table and the downtime budget

    # By keyboard: the tabs are a radio group (sphinx-design); an arrow key moves between them.
    page.get_by_role("radio", name="Managed").focus()
    page.keyboard.press("ArrowLeft")
    assert self_hosted.is_visible() and not managed.is_visible()


# --- 404, redirects ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["no-such-page.html", "customer-support/a/b/c/missing.html"])
def test_404_page_works_at_any_depth(page, base_url, path):
    response = page.goto(urljoin(base_url, path))
    assert response.status == 404
    assert page.locator("h1").first.inner_text() == "Page not found"
    # The theme's styles loaded from the site's root, not relative to the missing page's folder.
    assert page.evaluate(
        "() => getComputedStyle(document.querySelector('.bd-header')).position"
    ) in {"sticky", "fixed"}
    page.get_by_role("link", name="Go to the handbook's home page").click()
    page.wait_for_load_state()
    assert page.url == urljoin(base_url, "index.html")
    assert page.locator("h1").first.inner_text().startswith(title_of(HANDBOOK / "index.md"))

    page.goto(urljoin(base_url, path))
    page.get_by_label("Search the handbook").fill("Severity 1")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_selector("#search-results ul.search li a")
    assert page.url.startswith(urljoin(base_url, "search.html?q=Severity+1"))


@pytest.mark.parametrize(("old", "new"), redirects())
def test_old_address_opens_the_new_page_keeping_the_anchor(page, base_url, old, new):
    page.goto(urljoin(base_url, old) + "#somewhere")
    page.wait_for_url(urljoin(base_url, new) + "#somewhere")
    new_source = HANDBOOK / new.replace(".html", ".md")
    assert page.locator("article h1").first.inner_text().startswith(title_of(new_source))


# --- Phone -------------------------------------------------------------------------------------


def test_wide_sla_tables_scroll_by_keyboard_on_a_phone(browser, base_url):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(urljoin(base_url, "customer-support/slas.html"))
        for plan in ("Self-hosted", "Managed"):
            tab(page, plan).click()
            region = page.get_by_role("region", name=f"{plan}: targets count working hours")
            region.wait_for()
            assert region.evaluate("el => el.scrollWidth > el.clientWidth")
            assert region.get_attribute("tabindex") == "0"
            region.focus()
            before = region.evaluate("el => el.scrollLeft")
            page.keyboard.press("ArrowRight")
            page.wait_for_function(
                "([el, x]) => el.scrollLeft > x", arg=[region.element_handle(), before]
            )
    finally:
        context.close()


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", header[16:24])


@pytest.mark.parametrize(("name", "width", "height"), WIDTHS)
def test_screenshots_of_the_sla_page(browser, base_url, name, width, height):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": height})
    try:
        page = context.new_page()
        page.goto(urljoin(base_url, "customer-support/slas.html"))
        page.locator("table.policy-table").first.scroll_into_view_if_needed()
        target = SCREENSHOTS / f"slas-{name}.png"
        target.unlink(missing_ok=True)
        page.screenshot(path=str(target))
        page.screenshot(path=str(SCREENSHOTS / f"slas-{name}-full.png"), full_page=True)
    finally:
        context.close()
    assert png_size(target) == (width, height)
    # Nothing wider than the screen but the tables' own scrolling regions.
    assert (SCREENSHOTS / f"slas-{name}-full.png").stat().st_size > 10_000


# --- Accessibility -----------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(("name", "width", "height"), WIDTHS)
def test_every_page_passes_the_axe_audit(
    browser, base_url, site, axe_source, name, width, height, mode
):
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=mode)
    context.set_default_timeout(TIMEOUT_MS)
    failures = []
    pages = audited_pages(site)
    try:
        page = context.new_page()
        for path in pages:
            page.goto(urljoin(base_url, path))
            page.wait_for_load_state("load")
            if path.startswith("search.html"):
                page.wait_for_selector("#search-results p.search-summary:has-text('found')")
            assert page.evaluate("() => document.documentElement.dataset.theme") == mode
            page.add_script_tag(content=axe_source)
            result = page.evaluate(
                "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
            )
            for violation in result["violations"]:
                if violation["impact"] in FAILING_IMPACTS:
                    nodes = "; ".join(n["html"][:120] for n in violation["nodes"][:3])
                    failures.append(
                        f"{path}: {violation['id']} ({violation['impact']}): "
                        f"{violation['help']}: {nodes}"
                    )
    finally:
        context.close()
    assert len(pages) > 10
    assert not failures, f"{name} width, {mode} mode:\n" + "\n".join(failures)


def test_axe_finds_a_violation_when_there_is_one(browser, axe_source):
    """The audit is live: a page with an unnamed button and faint text fails it."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_content(
            '<html lang="en"><head><title>t</title></head><body><main>'
            '<button><i class="icon"></i></button>'
            '<p style="color:#ccc;background:#fff">faint</p></main></body></html>'
        )
        page.add_script_tag(content=axe_source)
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
        )
    finally:
        context.close()
    found = {v["id"] for v in result["violations"] if v["impact"] in FAILING_IMPACTS}
    assert {"button-name", "color-contrast"} <= found, json.dumps(result["violations"])[:500]


# --- Setup -------------------------------------------------------------------------------------


def test_a_missing_browser_fails_under_ci_and_is_skipped_elsewhere(monkeypatch, tmp_path):
    monkeypatch.setenv("HANDBOOK_CHROMIUM", str(tmp_path / "no-chromium"))
    assert chromium_path() is None
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="may not be skipped"):
        require(chromium_path() is not None, "Chromium")
    monkeypatch.setenv("CI", "")
    with pytest.raises(pytest.skip.Exception, match="run `make browser`"):
        require(chromium_path() is not None, "Chromium")
