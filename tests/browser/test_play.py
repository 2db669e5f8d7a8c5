"""Play a side (trainer mode) in headless Chromium: two rounds against tit-for-tat, the model's
assessment of each move, the permalink, the chart's data. Fails on any console error."""

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


def _offer(page: Page, valley: str, strip: str) -> None:
    page.get_by_label(re.compile(r"^Ash Valley")).fill(valley)
    page.get_by_label(re.compile(r"^Demilitarised strip")).fill(strip)
    with page.expect_response(re.compile(r"act=offer")) as resp:
        page.get_by_role("button", name="Make this offer").click()
    assert resp.value.ok


def test_play_two_rounds_and_see_the_assessment(page: Page, snap: Snap, axe: AxeCheck) -> None:
    page.goto("/scenario/teaching")
    page.get_by_role("link", name="Play a side (trainer)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Play a side: Ash Valley (teaching case)"
    )
    page.get_by_label("You play").select_option("NOR")
    page.get_by_label("Other side's strategy").select_option("tit_for_tat")
    page.get_by_role("button", name="Start").click()
    expect(page).to_have_url(re.compile(r"strategy=tit_for_tat"))
    expect(page.get_by_text("No moves yet")).to_be_visible()

    # round 1: an opening offer across Sudmark's red line; Sudmark answers with a counter
    _offer(page, "90", "80")
    transcript = page.locator("#play-transcript")
    expect(transcript.locator("tr.play-you")).to_have_count(1)
    expect(transcript).to_contain_text(
        "An opening offer by Norland that crosses Sudmark's stated red line on Ash Valley"
    )
    expect(page.get_by_role("heading", name="Sudmark's counter-offer")).to_be_visible()
    expect(page).to_have_url(re.compile(r"moves=o:90,80$"))  # the permalink is pushed

    # round 2: reject the counter, then concede on the valley and the strip
    with page.expect_response(re.compile(r"act=reject")):
        page.get_by_role("button", name="Reject it").click()
    expect(page).to_have_url(re.compile(r"moves=o:90,80~r$"))
    expect(transcript).to_contain_text("you rejected")
    _offer(page, "80", "70")
    expect(transcript.locator("tr.play-you")).to_have_count(2)
    expect(transcript).to_contain_text("A concession by Norland")
    expect(transcript).to_contain_text("still crosses Sudmark's stated red line")
    chart = page.locator("#play-session .vega-embed").first
    expect(chart).to_be_visible()
    expect(page.locator("#play-session div.vega[data-spec]")).to_have_attribute("data-ready", "1")
    snap(page, "play-two-rounds")
    assert not (v := axe(page)), v

    # the permalink replays the session exactly
    url = page.url
    assert url.endswith("moves=o:90,80~r~o:80,70")
    rows_before = transcript.locator("tr").all_inner_texts()
    page.reload()
    expect(page.locator("#play-transcript tr.play-you")).to_have_count(2)
    assert page.locator("#play-transcript tr").all_inner_texts() == rows_before

    # the chart's data downloads as the transcript
    with page.expect_download() as dl:
        page.locator("#play-session figure.chart").get_by_role("link", name="CSV").click()
    rows = list(csv.DictReader(io.StringIO(Path(dl.value.path()).read_text(encoding="utf-8"))))
    assert [r["role"] for r in rows] == ["trainee", "opponent", "trainee", "opponent"]
