"""The HTML report of the latest snapshot (``detente report``) as a reader sees it at 1,400 px:
under 6,000 px tall with every section folded but the summary, no blank chart and no table
wider than the page once everything is unfolded, and no serious accessibility violation."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from detente.web.store import default_dir

pytestmark = pytest.mark.xdist_group("browser")
AxeCheck = Callable[[Page], list[dict[str, Any]]]
Snap = Callable[..., Path]

MAX_HEIGHT = 6000
"""Pixels at 1,400 px width, sections folded (the issue's reading budget)."""


@pytest.fixture(scope="module")
def latest_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``detente report`` of the latest Russia–Ukraine snapshot, default options."""
    out = tmp_path_factory.mktemp("report")
    cmd = [
        sys.executable,
        "-c",
        "from detente.cli.app import main; main()",
        "report",
        str(default_dir() / "ukraine-2026-06.yaml"),
        "--out",
        str(out),
    ]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=600, check=False)
    assert r.returncode == 0, r.stdout + r.stderr
    path = out / "report.html"
    assert path.is_file()
    return path


def _unfold(page: Page) -> None:
    page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")


def test_report_is_short_folded_with_no_blank_chart_or_overflowing_table(
    page: Page, latest_report: Path, snap: Snap
) -> None:
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(latest_report.as_uri())
    expect(page.get_by_role("heading", name="Summary")).to_be_visible()
    sections = page.locator("details.section")
    assert sections.count() >= 5
    assert page.evaluate("() => [...document.querySelectorAll('details')].every(d => !d.open)")
    height = page.evaluate("() => document.documentElement.scrollHeight")
    snap(page, "report-folded")
    assert height < MAX_HEIGHT, f"folded report is {height} px tall"
    print(f"folded report height at 1400 px: {height} px")

    _unfold(page)
    snap(page, "report-unfolded", full=False)  # ~36,000 px whole: the top is enough
    # no chart without data marks (an empty or all-blank plot says nothing)
    marks: list[dict[str, Any]] = page.evaluate(
        """() => [...document.querySelectorAll('figure svg')].map((svg, k) => ({
            k, title: (svg.querySelector('.role-title-text') || {}).textContent || '',
            marks: svg.querySelectorAll(
              'g.role-mark > path, g.role-mark > line, g.role-mark > rect, ' +
              'g.role-mark > text, g.role-mark > circle').length}))"""
    )
    assert len(marks) >= 5
    blank = [m for m in marks if m["marks"] == 0]
    assert not blank, blank
    # no table or chart wider than the page's text column, and no horizontal scrolling
    wide: list[dict[str, Any]] = page.evaluate(
        """() => {
            const right = document.body.getBoundingClientRect().right + 1;
            return [...document.querySelectorAll('table, figure svg')]
              .map(el => ({tag: el.tagName, right: el.getBoundingClientRect().right,
                           text: (el.textContent || '').slice(0, 80)}))
              .filter(x => x.right > right);
        }"""
    )
    assert not wide, wide
    assert page.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    # long tables are capped: the rest is behind a disclosure
    rows = page.evaluate(
        "() => [...document.querySelectorAll('details.section table')]"
        ".filter(t => !t.closest('details.more')).map(t => t.tBodies[0].rows.length)"
    )
    assert max(rows) <= 14
    # human words, not repository paths or internal ids, in what the reader sees
    text = "\n".join(page.locator("details.section").all_inner_texts())
    assert not re.search(r"docs/\w|\.md\b|src/detente", text)
    assert "support.UA." not in text and "line.crimea" not in text


def test_report_accessibility(page: Page, latest_report: Path, axe: AxeCheck) -> None:
    page.goto(latest_report.as_uri())
    assert not (v := axe(page)), v
    _unfold(page)
    assert not (v := axe(page)), v


def test_report_links_its_data_bundle_and_every_link_target_exists(
    page: Page, latest_report: Path
) -> None:
    """The summary links the whole bundle; every chart and section links its CSV; the links
    are relative and each resolves (as the browser resolves it) to a file beside the report."""
    from urllib.parse import unquote, urlparse

    page.goto(latest_report.as_uri())
    bundle = page.get_by_role("link", name="report-data.zip")
    expect(bundle).to_be_visible()  # in the open summary
    _unfold(page)
    links: list[dict[str, str]] = page.evaluate(
        """() => [...document.querySelectorAll('a[href]')]
            .filter(a => !a.getAttribute('href').startsWith('#'))
            .map(a => ({raw: a.getAttribute('href'), url: a.href,
                        inFigure: !!a.closest('figure')}))"""
    )
    assert len(links) >= 20
    figures = page.locator("figure").count()
    assert sum(1 for a in links if a["inFigure"]) >= figures
    for a in links:
        assert not re.match(r"[a-z]+:", a["raw"]), a  # relative: works offline
        url = urlparse(a["url"])
        assert url.scheme == "file", a
        target = Path(unquote(url.path))
        assert target.is_file(), a
        assert target.parent in (latest_report.parent, latest_report.parent / "data"), a
    # the zip opens and holds the CSVs the page links
    import zipfile

    with zipfile.ZipFile(latest_report.parent / "report-data.zip") as z:
        names = set(z.namelist())
    assert {a["raw"] for a in links if a["raw"].endswith(".csv")} <= names
