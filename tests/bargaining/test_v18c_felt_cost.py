"""v18c §3: the cost of fighting felt at the scenario's date (ripeness) is the discounted sum of
the costs paid since ``War.started`` (validation/v18c_expectations.md)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from detente.bargaining.problem import build_problem, discounted_periods
from detente.scenario import load_scenario

CASES = Path(__file__).resolve().parents[2] / "validation" / "cases"


def test_discounted_periods_fractional_and_limits() -> None:
    # c · Σ_{t<T} δ^t for a fractional T, the limit T at δ = 1, bounded by 1 / (1 − δ)
    assert float(discounted_periods(0.5, 2.0)) == pytest.approx(1.5)
    assert float(discounted_periods(1.0, 7.5)) == pytest.approx(7.5)
    assert float(discounted_periods(0.995, 1e6)) == pytest.approx(200.0)
    assert float(discounted_periods(0.995, 2.5)) < 2.5


def test_felt_cost_is_discounted_and_bounded() -> None:
    sc = load_scenario(CASES / "colombia_havana_2012" / "scenario.yaml")
    assert sc.war is not None and sc.war.started == dt.date(1964, 5, 27)
    p = build_problem(sc)
    i = p.index("FARC")
    c, d = float(p.cost_per_period[i]), float(p.discount[i])
    weeks = (sc.meta.as_of - sc.war.started).days / sc.war.period.days
    assert float(p.cumulative_cost[i]) == pytest.approx(c * (1 - d**weeks) / (1 - d))
    # 48 years of fighting: close to, never above, the bound c / (1 − δ); undiscounted it was 11.2
    assert float(p.cumulative_cost[i]) <= c / (1 - d) + 1e-12
    assert float(p.cumulative_cost[i]) > 0.99 * c / (1 - d)
    assert c * weeks > 10 * float(p.cumulative_cost[i])


def test_felt_cost_grows_with_the_war_but_less_than_linearly() -> None:
    sc = load_scenario(CASES / "good_friday_1998" / "scenario.yaml")
    assert sc.war is not None
    early = sc.model_copy(
        update={"war": sc.war.model_copy(update={"started": dt.date(1996, 4, 6)})}
    )
    w_long = build_problem(sc).cumulative_cost
    w_short = build_problem(early).cumulative_cost
    assert np.all(w_long >= w_short)
    sf = build_problem(sc).index("SF")
    ratio_w = w_long[sf] / w_short[sf]
    assert 1.0 < ratio_w < 5.0  # 29 years vs 2 years of the same weekly cost: 14x undiscounted
