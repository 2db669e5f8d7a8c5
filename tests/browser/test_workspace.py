"""The workspace driven in headless Chromium, as an analyst would use it.

Every test fails on a browser console error (see conftest.page) and leaves a screenshot.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.xdist_group("browser")
Snap = Callable[[Page, str], Path]

LATEST = "Russia–Ukraine, latest (June 2026)"
EARLIER = "Russia–Ukraine, the US 28-point plan (Nov 2025)"


def _chart_drawn(page: Page, selector: str) -> None:
    """vega-embed drew the chart: a canvas or SVG with a non-trivial size is in place."""
    chart = page.locator(f"{selector} .vega-embed").first
    expect(chart).to_be_visible()
    box = chart.locator("canvas, svg").first.bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 50


def test_load_a_snapshot(page: Page, snap: Snap) -> None:
    page.goto("/")
    expect(page.get_by_role("heading", name="Scenarios")).to_be_visible()
    page.get_by_role("link", name=LATEST).click()
    expect(page).to_have_url(re.compile(r"/scenario/ukraine-2026-06$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(LATEST)
    # the zone, the bundles, the actors, red lines, ledger and sources are on the page
    _chart_drawn(page, "figure.chart")
    bundles = page.locator("#bundle-zones")
    expect(bundles.locator("tr[data-bundle=prisoner_exchange]")).to_have_attribute(
        "data-zone", "open"
    )
    expect(bundles.locator("tr[data-bundle=settlement]")).to_have_attribute("data-zone", "closed")
    for heading in ("Actors", "Issues", "Positions and red lines", "Ledger", "Sources"):
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Crimea"))).not_to_have_count(0)
    snap(page, "scenario-latest")


def test_moving_a_red_line_slider_changes_the_bundle_zone(page: Page, snap: Snap) -> None:
    page.goto("/scenario/ukraine-2026-06/whatif")
    row = page.locator("#bundle-zones tr[data-bundle=ceasefire]")
    expect(row).to_have_attribute("data-zone", "closed")
    # Ukraine's ceiling on cease-fire sequencing: 55 as written; moved to 100 it opens the
    # cease-fire bundle (Russia's floor is 60)
    slider = page.get_by_label("Ukraine on Cease-fire sequencing: highest acceptable")
    expect(slider).to_have_value("55")
    with page.expect_response(re.compile(r"/whatif\?")) as resp:
        slider.fill("100")
    assert resp.value.ok
    expect(row).to_have_attribute("data-zone", "open")
    expect(row).to_have_class("changed")
    changes = page.locator("table.changes")
    expect(changes).to_contain_text("Ukraine on Cease-fire sequencing: highest acceptable")
    expect(changes).to_contain_text("100")
    # the address records the value (permalink) and reloading reproduces the page
    expect(page).to_have_url(re.compile(r"p\d+\.hi=100"))
    page.reload()
    expect(page.locator("#bundle-zones tr[data-bundle=ceasefire]")).to_have_attribute(
        "data-zone", "open"
    )
    _chart_drawn(page, "#whatif-result")
    snap(page, "whatif-ceasefire-open")
    # the edited scenario downloads as a file that the loader accepts
    with page.expect_download() as dl:
        page.get_by_role("link", name="Download the edited scenario (YAML)").click()
    text = Path(dl.value.path()).read_text(encoding="utf-8")
    assert "# what-if: Ukraine on Cease-fire sequencing: highest acceptable: 55.0 -> 100.0" in text


def test_run_a_simulation_and_see_progress_and_the_result(page: Page, snap: Snap) -> None:
    page.goto("/scenario/teaching/simulate?runs=400&seed=7")
    # record every status the page shows while the stream runs
    page.evaluate(
        """() => {
            window.__statuses = [];
            const el = document.getElementById('sim-status');
            new MutationObserver(() => window.__statuses.push(el.textContent))
              .observe(el, {childList: true, characterData: true, subtree: true});
        }"""
    )
    page.get_by_role("button", name="Run 400 runs (seed 7)").click()
    expect(page.locator("#sim-status")).to_have_text("Done.", timeout=120_000)
    statuses: list[str] = page.evaluate("() => window.__statuses")
    progress = [s for s in statuses if re.fullmatch(r"\d+ of 400 runs done", s)]
    assert progress, statuses
    assert page.locator("#sim-progress").get_attribute("value") == "400"
    result = page.locator("#sim-result")
    expect(result.get_by_role("heading", name="Result")).to_be_visible()
    expect(result).to_contain_text("p agreement")
    expect(result).to_contain_text("seed 7")
    snap(page, "simulation-done")


def test_compare_two_snapshots(page: Page, snap: Snap) -> None:
    page.goto("/compare")
    page.get_by_label(f"{EARLIER} (2025-11-22)").check()
    page.get_by_label(f"{LATEST} (2026-06-23)").check()
    page.get_by_role("button", name="Compare").click()
    expect(page).to_have_url(re.compile(r"id=ukraine-2025-11.*id=ukraine-2026-06"))
    summary = page.locator("table").first
    expect(summary).to_contain_text(EARLIER)
    expect(summary).to_contain_text(LATEST)
    expect(summary).to_contain_text("Exchange of prisoners and detained civilians: open")
    _chart_drawn(page, "section:has(h2:text('Zone of agreement'))")
    _chart_drawn(page, "section:has(h2:text('Trust on four dimensions'))")
    expect(page.get_by_role("heading", name="Red lines")).to_be_visible()
    # P(agreement) per bundle: simulated on request, loaded in place
    page.get_by_label("Runs per snapshot").fill("100")
    page.get_by_role("button", name="Simulate P(agreement) per bundle").click()
    table = page.locator("#compare-agreements")
    expect(table).to_contain_text("100 runs per snapshot", timeout=120_000)
    expect(table.get_by_role("row", name=re.compile("Full settlement"))).to_have_count(1)
    snap(page, "compare")


def test_download_a_charts_data(page: Page) -> None:
    page.goto("/scenario/teaching")
    figure = page.locator("figure.chart").first
    with page.expect_download() as dl:
        figure.get_by_role("link", name="CSV").click()
    assert dl.value.suggested_filename == "teaching-zone.csv"
    rows = list(csv.DictReader(io.StringIO(Path(dl.value.path()).read_text(encoding="utf-8"))))
    valley = next(r for r in rows if r["issue_id"] == "valley")
    assert float(valley["zone_low"]) == 50.0
    with page.expect_download() as dl:
        figure.get_by_role("link", name="JSON").click()
    data = json.loads(Path(dl.value.path()).read_text(encoding="utf-8"))
    assert [r["issue_id"] for r in data] == [r["issue_id"] for r in rows]


def test_upload_a_broken_scenario_and_see_the_located_error(
    page: Page, snap: Snap, tmp_path: Path, console: Any
) -> None:
    console.allow(r"status of 400")  # the refused upload's response
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "meta:\n  name: Broken\n  as_of: 2024-01-01\nactors:\n  - id: A\n    name: [unclosed\n",
        encoding="utf-8",
    )
    page.goto("/upload")
    page.get_by_label("Scenario file").set_input_files(str(broken))
    page.get_by_role("button", name="Upload and open").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("The scenario was not accepted")
    expect(alert).to_contain_text("broken.yaml:7:1")  # file, line and column
    snap(page, "upload-broken")
    # a schema error is located by field too
    bad = tmp_path / "bad-field.yaml"
    good = (Path(__file__).parents[2] / "src/detente/scenarios/teaching.yaml").read_text()
    bad.write_text(good.replace("veto: true", "veto: perhaps", 1), encoding="utf-8")
    page.get_by_label("Scenario file").set_input_files(str(bad))
    page.get_by_role("button", name="Upload and open").click()
    expect(page.get_by_role("alert")).to_contain_text("veto")
    expect(page.get_by_role("alert")).to_contain_text("bad-field.yaml")


def test_stop_a_running_simulation(page: Page, snap: Snap) -> None:
    page.goto("/scenario/ukraine-2026-06/simulate?runs=5000&seed=3")
    stop = page.get_by_role("button", name="Stop")
    expect(stop).to_be_disabled()
    page.get_by_role("button", name=re.compile(r"^Run 5000 runs")).click()
    expect(page.locator("#sim-status")).to_contain_text("of 5000 runs done", timeout=60_000)
    stop.click()
    expect(page.locator("#sim-status")).to_have_text("Done.", timeout=120_000)
    expect(page.locator("#sim-result h2")).to_contain_text(
        re.compile(r"stopped early: \d+ of 5000")
    )
    expect(page.get_by_role("button", name=re.compile(r"^Run 5000 runs"))).to_be_enabled()
    expect(stop).to_be_disabled()
    snap(page, "simulation-stopped")


def test_trust_explorer_zooms_in_time(page: Page, snap: Snap) -> None:
    page.goto("/scenario/ukraine-2026-06")
    page.get_by_role("link", name="Trust explorer").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Trust explorer")
    page.locator("#truster").select_option("UA")
    page.locator("#trustee").select_option("RU")
    page.locator("#from").fill("2022-01-01")
    page.locator("#to").fill("2022-12-31")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"truster=UA&trustee=RU&from=2022-01-01&to=2022-12-31"))
    chart = page.locator("div.vega[data-spec=trust-chart]")
    expect(chart).to_have_attribute("data-ready", "1")
    expect(page.locator("#trust-moves")).to_contain_text("2022-04-03")
    # scrolling over the chart zooms its time axis (Vega-Lite interval bound to scales)
    ticks = chart.locator("g.role-axis-label text")
    before = ticks.all_text_contents()
    box = chart.locator("svg").first.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, -600)
    expect(ticks).not_to_have_text(before)
    snap(page, "trust-explorer")
