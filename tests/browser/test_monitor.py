"""The Monitor view and the tracks panel in headless Chromium: the timeline draws, the flags
and verdicts are listed, the data downloads, no console error, and axe-core finds no serious or
critical violation.

The test server has no ``--store``: it shows the repository's UCDP Ukraine sample (ingested by
the server into its own temporary directory). The served ``ukraine-2025-11`` ledger holds the
Minsk I and II commitments, which the sample judges.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.xdist_group("browser")
Snap = Callable[[Page, str], Path]
AxeCheck = Callable[[Page], list[dict[str, Any]]]

MINSK = "/monitor?scenario=ukraine-2025-11&window=week&from=2014-06-01&to=2015-12-31"


def test_monitor_timeline_with_claims_and_flags(page: Page, snap: Snap, axe: AxeCheck) -> None:
    page.goto("/")
    page.get_by_role("link", name="Monitor", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Monitor")
    expect(page.locator("div.vega[data-spec=monitor-chart]")).to_have_attribute("data-ready", "1")
    expect(page.locator(".attribution")).to_contain_text("UCDP")
    # choose the scenario, a weekly window and the Minsk years in the form
    page.locator("#scenario").select_option("ukraine-2025-11")
    page.locator("#window").select_option("week")
    page.locator("#from").fill("2014-06-01")
    page.locator("#to").fill("2015-12-31")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"scenario=ukraine-2025-11&.*window=week"))
    chart = page.locator("div.vega[data-spec=monitor-chart]")
    expect(chart).to_have_attribute("data-ready", "1")
    svg = chart.locator("svg").first
    box = svg.bounding_box()
    assert box is not None and box["width"] > 500 and box["height"] > 300
    # panels with titles in words; the claims drawn as rules, flags as points
    titles = chart.locator("g.role-title-text text").all_text_contents()
    assert any("Deaths per week" in t for t in titles), titles
    assert any("Flags raised" in t for t in titles), titles
    assert chart.locator("g.mark-rule path, g.mark-rule line").count() >= 4
    assert chart.locator("g.mark-symbol path").count() > 10
    flags = page.locator("#monitor-flags")
    expect(flags).to_contain_text("peace offensive")
    expect(flags).to_contain_text("2015-02-15")
    expect(page.locator("#monitor-verdicts")).to_contain_text("broken")
    assert not (v := axe(page)), v
    snap(page, "monitor-minsk")


def test_monitor_downloads_and_permalink(page: Page) -> None:
    page.goto(MINSK)
    figure = page.locator("figure.chart").first
    with page.expect_download() as dl:
        figure.get_by_role("link", name="CSV").click()
    assert dl.value.suggested_filename == "monitor-series.csv"
    rows = list(csv.DictReader(io.StringIO(Path(dl.value.path()).read_text(encoding="utf-8"))))
    assert rows and all("2014-05-26" <= r["period"] <= "2015-12-31" for r in rows)
    assert sum(float(r["fatalities"]) for r in rows) > 1000
    # the permalink in the footer reproduces the page
    href = page.get_by_role("link", name="Permalink to this page").get_attribute("href")
    assert href is not None and "window=week" in href and "scenario=ukraine-2025-11" in href


def test_monitor_bad_parameter_is_a_400_page(page: Page, axe: AxeCheck, console: Any) -> None:
    console.allow(r"status of 400")
    page.goto("/monitor?window=fortnight")
    expect(page.get_by_role("heading", name="400")).to_be_visible()
    expect(page.locator("p.error")).to_contain_text("window must be one of")
    assert not (v := axe(page)), v


def test_tracks_panel_on_the_scenario_page(page: Page, snap: Snap, axe: AxeCheck) -> None:
    page.goto("/scenario/ukraine-2026-06")
    panel = page.locator("#tracks")
    expect(panel.get_by_role("heading", level=2)).to_contain_text("Tracks")
    bundles = page.locator("#track-bundles")
    expect(bundles.locator("tr[data-bundle=prisoner_exchange]")).to_contain_text("open")
    # a treaty is signed at the presidents' meeting, which Russia refuses (branch fix14t)
    expect(bundles.locator("tr[data-bundle=settlement]")).to_contain_text("out of reach")
    expect(bundles.locator("tr[data-bundle=humanitarian]")).to_contain_text("out of reach")
    expect(page.locator("#track-refusals")).to_contain_text("illegitimate")
    panel.get_by_text(re.compile(r"Show all \d+ tracks")).click()
    expect(page.locator("#track-list tr[data-track=leaders]")).to_contain_text("refusal")
    assert not (v := axe(page)), v
    path = snap(page, "scenario-tracks")
    panel.screenshot(path=str(path.with_name("tracks-panel.png")))
