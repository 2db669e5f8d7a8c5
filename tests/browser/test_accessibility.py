"""Accessibility: axe-core (vendored, tests/browser/vendor) finds no serious or critical
violation on any page of the workspace, charts drawn and results shown."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.xdist_group("browser")
AxeCheck = Callable[[Page], list[dict[str, Any]]]

PAGES = [
    "/",
    "/scenario/teaching",
    "/scenario/ukraine-2026-06",
    "/scenario/teaching/whatif",
    "/scenario/teaching/whatif?p0.lo=70&p0.hi=55",  # an edit applied, one refused
    "/scenario/teaching/whatif?mech.monitors=off&p0.cx=0.5&mech.monitors.detection=2",
    "/scenario/ukraine-2026-06/whatif?aid.UA.european_aid=0.5&mech.us_guarantee=off",
    "/scenario/teaching/simulate",
    "/scenario/teaching/simulate?protocol=alternating&strategy.NOR=hardliner&strategy.SUD=nice",
    "/scenario/ukraine-2026-06/trust",
    "/scenario/teaching/play?side=NOR&strategy=tit_for_tat&moves=o:90,80~r~o:80,70",
    "/scenario/ukraine-2025-11/play?side=UA&strategy=hardliner",  # no terms inside the lines
    "/compare",
    "/compare?id=ukraine-2025-11&id=ukraine-2026-06",
    "/upload",
]


def _settle(page: Page) -> None:
    """Wait until every chart on the page is drawn (vega-embed adds .vega-embed)."""
    charts = page.locator("div.vega[data-spec]")
    for k in range(charts.count()):
        expect(charts.nth(k)).to_have_attribute("data-ready", "1")


@pytest.mark.parametrize("url", PAGES)
def test_no_serious_or_critical_violations(page: Page, axe: AxeCheck, url: str) -> None:
    page.goto(url)
    _settle(page)
    assert not (v := axe(page)), v


def test_error_page_and_rejected_upload(page: Page, axe: AxeCheck, console: Any) -> None:
    console.allow(r"status of 404")
    page.goto("/scenario/no-such-scenario")
    expect(page.get_by_role("heading", name="404")).to_be_visible()
    assert not (v := axe(page)), v
    page.goto("/upload")
    page.get_by_label("Scenario file").set_input_files(
        files=[{"name": "bad.yaml", "mimeType": "application/yaml", "buffer": b"meta: [\n"}]
    )
    console.allow(r"status of 400")
    page.get_by_role("button", name="Upload and open").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert not (v := axe(page)), v


def test_simulation_result(page: Page, axe: AxeCheck) -> None:
    page.goto("/scenario/teaching/simulate?runs=50")
    page.get_by_role("button", name=re.compile(r"^Run 50 runs")).click()
    expect(page.locator("#sim-status")).to_have_text("Done.", timeout=120_000)
    assert not (v := axe(page)), v
