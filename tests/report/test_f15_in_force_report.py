"""The report's simulation and bargaining sections label an agreement in force at the start
(branch f15): the Black Sea Grain Initiative of ukraine-2022-11 is not a new partial deal."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.report.base import ReportContext
from detente.report.sections import bargaining, simulate
from detente.scenario import load_scenario

REPO = Path(__file__).resolve().parents[2]
GRAIN = "Black Sea shipping (grain corridor)"


@pytest.fixture(scope="module")
def ukraine() -> tuple[simulate.Section, ReportContext]:
    sc = load_scenario(REPO / "scenarios" / "ukraine-2022-11.yaml")
    ctx = ReportContext(scenario=sc, scenario_hash="x", runs=200, quick=True)
    sec = simulate.build(ctx)
    assert sec is not None
    return sec, ctx


def test_the_headline_says_the_corridor_is_in_force_not_a_partial_deal(
    ukraine: tuple[simulate.Section, ReportContext],
) -> None:
    sec, ctx = ukraine
    rec = next(a for a in ctx.cache["simulation"].agreements() if a["bundle"] == "black_sea")
    start = rec["in_force_at_start"]
    assert rec["p_agreement"] is not None
    partial = sec.summary.split("partial deals: ")[1].split(";")[0]
    assert GRAIN not in partial  # not listed as a deal still to reach
    assert (
        f"{GRAIN} in force since 2022-07-22 (age {start['age_periods']} weeks): "
        "P(still in force at the horizon) "
    ) in sec.summary
    assert "P(ended within a year) " in sec.summary and "P(signed anew) " in sec.summary
    assert "in force at the start</th>" in sec.body
    assert "P(signed anew) after it ends" in sec.body
    rows = {r["bundle"]: r for r in next(d for d in sec.data if d.name == "agreements").rows}
    assert rows["black_sea"]["in_force_since"] == "2022-07-22"
    assert rows["black_sea"]["p_in_force_at_horizon"] == start["p_in_force_at_horizon"]
    assert rows["energy"]["in_force_since"] is None


def test_the_bargaining_table_marks_the_bundle_in_force(
    ukraine: tuple[simulate.Section, ReportContext],
) -> None:
    _sec, ctx = ukraine
    sec = bargaining.build(ctx)
    assert sec is not None
    rows = {r["bundle"]: r for r in next(d for d in sec.data if d.name == "bundles").rows}
    assert rows[GRAIN]["in force at the scenario's date"] == "since 2022-07-22"
    assert {r["in force at the scenario's date"] for b, r in rows.items() if b != GRAIN} == {"no"}
    assert "its zone is that of signing it anew once it ends" in sec.body


def test_a_scenario_without_agreements_in_force_reads_as_before() -> None:
    sc = load_scenario(REPO / "tests" / "simulate" / "fixtures" / "two_sides.yaml")
    ctx = ReportContext(scenario=sc, scenario_hash="x", runs=100, quick=True)
    sec = simulate.build(ctx)
    assert sec is not None
    assert "in force" not in sec.summary and "in force" not in sec.body
    rows = next(d for d in sec.data if d.name == "agreements").rows
    assert rows and all("in_force_since" not in r for r in rows)
    bsec = bargaining.build(ctx)
    assert bsec is not None
    bundle_rows = next(d for d in bsec.data if d.name == "bundles").rows
    assert bundle_rows and all("in force at the scenario's date" not in r for r in bundle_rows)
