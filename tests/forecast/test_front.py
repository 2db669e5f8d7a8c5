"""The ``front`` model: war outcomes anchored on the line of contact, red lines and the war."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from detente.forecast import forecast_bands, get_model, make_issue
from detente.forecast.data import WarContext
from detente.forecast.front import front_forecast
from detente.forecast.scenario_adapter import issues_from_scenario, scenario_issues
from detente.scenario import load_scenario

SCENARIOS = sorted((Path(__file__).parents[2] / "scenarios").glob("ukraine-*.yaml"))


def test_six_ukraine_snapshots() -> None:
    assert len(SCENARIOS) == 6


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_no_held_ground_handed_back_without_a_named_mechanism(path: Path) -> None:
    """Issue 15: on every contested issue of every Ukraine snapshot the forecast is the front
    unless a named mechanism (red line, war) moves it; and it lies inside its own band."""
    issues = [i for i in scenario_issues(path) if i.context is not None and i.context.contested]
    assert issues, "a Ukraine snapshot without territorial issues"
    bands = forecast_bands(get_model("front"), issues, runs=200, seed=3)
    for issue, band in zip(issues, bands, strict=True):
        assert issue.status_quo is not None
        assert band.q05 <= band.forecast <= band.q95
        assert band.reference == issue.status_quo
        if abs(band.forecast - issue.status_quo) > 1e-9:
            movers = [m for m in band.mechanisms if getattr(m, "moves", False)]
            assert movers, (issue.issue_id, band.forecast, issue.status_quo, band.mechanisms)
        assert str(band.mechanisms[0]).startswith("front: contested issue")


def test_compromise_ignores_the_front_where_the_front_model_does_not() -> None:
    # The failure the issue describes, kept visible: in June 2026 the capability × salience
    # mean puts Donetsk well on Ukraine's side of a front at 79.
    path = next(p for p in SCENARIOS if "2026-06" in p.stem)
    donetsk = next(i for i in scenario_issues(path) if i.issue_id == "donetsk")
    assert get_model("compromise").predict(donetsk) < donetsk.status_quo - 5  # type: ignore[operator]
    assert get_model("front").predict(donetsk) == donetsk.status_quo


def _issue(lo: list[float], hi: list[float], veto: list[bool], *, war: bool = True):  # type: ignore[no-untyped-def]
    context = WarContext(
        contested=True,
        lo=np.array(lo),
        hi=np.array(hi),
        veto=np.array(veto),
        belligerents=("A", "B") if war else (),
        p_a=0.3 if war else 0.0,
        p_b=0.1 if war else 0.0,
        stalemate=0.6 if war else 1.0,
        terms_a=100.0 if war else None,
        terms_b=0.0 if war else None,
    )
    return make_issue(
        "land", ["A", "B", "C"], [100.0, 0.0, 10.0], [0.5, 0.5, 0.2], [3.0, 1.0, 2.0],
        status_quo=60.0, context=context,
    )  # fmt: skip


def test_red_line_moves_the_settlement_and_says_who() -> None:
    fc = front_forecast(_issue([70, 0, 0], [100, 80, 100], [True, True, False]))
    assert fc.point == 70.0
    (moved,) = [m for m in fc.mechanisms if m.moves]
    assert moved.kind == "red line"
    assert "A accepts 70–100" in moved.text
    # A non-veto actor's red line does not bind.
    assert front_forecast(_issue([0, 0, 70], [100, 100, 100], [True, True, False])).point == 60.0


def test_incompatible_red_lines_leave_it_to_the_war_lottery() -> None:
    fc = front_forecast(_issue([70, 0, 0], [100, 50, 100], [True, True, False]))
    assert fc.values.tolist() == [100.0, 0.0, 60.0]
    assert fc.probabilities.tolist() == [0.3, 0.1, 0.6]
    assert fc.point == 60.0
    assert fc.mechanisms[-1].kind == "war" and not fc.mechanisms[-1].moves
    without_war = front_forecast(_issue([70, 0, 0], [100, 50, 100], [True, True, False], war=False))
    assert without_war.point == 60.0
    assert without_war.mechanisms[-1].kind == "no settlement"


def test_a_side_that_prevails_with_probability_half_takes_its_terms() -> None:
    issue = _issue([70, 0, 0], [100, 50, 100], [True, True, False])
    ctx = issue.context
    assert ctx is not None
    strong = make_issue(
        issue.issue_id, issue.actors, issue.positions, issue.saliences, issue.capabilities,
        status_quo=60.0,
        context=WarContext(ctx.contested, ctx.lo, ctx.hi, ctx.veto, ("A", "B"), 0.55, 0.05, 0.4,
                           100.0, 0.0),
    )  # fmt: skip
    fc = front_forecast(strong)
    assert fc.point == 100.0
    assert (
        fc.mechanisms[-1].moves and "A prevails with probability >= 1/2" in fc.mechanisms[-1].text
    )


def test_war_lottery_bands_come_from_the_same_distribution() -> None:
    issue = _issue([70, 0, 0], [100, 50, 100], [True, True, False])
    (band,) = forecast_bands(get_model("front"), [issue], runs=2000, seed=1)
    assert band.forecast == band.q50 == 60.0
    assert band.q05 == 0.0 and band.q95 == 100.0  # p_b = 0.1 > 5 %, p_a = 0.3 > 5 %


def test_scenario_capabilities_include_allies_support() -> None:
    path = next(p for p in SCENARIOS if "2026-06" in p.stem)
    scenario = load_scenario(path)
    issue = issues_from_scenario(scenario)[0]
    ua = next(a for a in scenario.actors if a.id == "UA")
    expected = ua.capability + sum(s.capability * s.level for s in ua.support)
    assert issue.capabilities[issue.actors.index("UA")] == pytest.approx(expected)
    assert issue.capability_source is not None and "support" in issue.capability_source


def test_nash_war_uses_the_war_lottery_as_disagreement() -> None:
    path = next(p for p in SCENARIOS if "2026-06" in p.stem)
    for issue in scenario_issues(path):
        if issue.n_actors < 2:
            continue
        value = get_model("nash-war").predict(issue)
        assert issue.positions.min() <= value <= issue.positions.max()
