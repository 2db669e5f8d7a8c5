"""The what-if view's switches and grouped sliders driven in headless Chromium: a mechanism
switched off from its folded group updates the result in place and the address."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.xdist_group("browser")
Snap = Callable[[Page, str], Path]


def test_switch_a_mechanism_off_and_price_a_red_line(page: Page, snap: Snap) -> None:
    page.goto("/scenario/teaching/whatif")
    group = page.locator("details.knobs", has_text="Mechanisms")
    switch = page.get_by_label("Lakeland monitoring mission (monitors)")
    expect(switch).to_be_hidden()  # folded: only the first group is open
    group.locator("summary").click()
    expect(switch).to_have_value("on")
    with page.expect_response(re.compile(r"/whatif\?")) as resp:
        switch.select_option("off")
    assert resp.value.ok
    changes = page.locator("table.changes")
    expect(changes).to_contain_text("Lakeland monitoring mission (monitors)")
    expect(changes).to_contain_text("off")
    expect(page).to_have_url(re.compile(r"mech\.monitors=off"))
    # the crossing-cost slider of a red line, in the open first group
    slider = page.get_by_label("Norland on Ash Valley: cost of crossing the red line")
    expect(slider).to_have_value("0.2")
    with page.expect_response(re.compile(r"/whatif\?")) as resp:
        slider.fill("0.5")
    assert resp.value.ok
    expect(changes).to_contain_text("cost of crossing the red line")
    expect(page).to_have_url(re.compile(r"p0\.cx=0\.5"))
    # reloading the address reproduces the switch, the slider and the open group
    page.reload()
    expect(page.get_by_label("Lakeland monitoring mission (monitors)")).to_have_value("off")
    expect(page.get_by_label("Norland on Ash Valley: cost of crossing")).to_have_value("0.5")
    snap(page, "whatif-monitors-off")
