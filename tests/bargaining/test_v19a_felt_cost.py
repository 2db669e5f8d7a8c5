"""v19a §1: the cost of fighting felt at the scenario's date (ripeness) is the discounted sum of
the costs paid since ``War.started``, bounded by ``c / (1 − δ)`` (validation/v19a_expectations.md;
Zartman 2000, 2001: the hurting stalemate is a present perception)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from detente.bargaining.problem import build_problem, discounted_periods, felt_cost
from detente.scenario import load_scenario

CASES = Path(__file__).resolve().parents[2] / "validation" / "cases"


def test_discounted_periods_reads_fractional_and_array_periods() -> None:
    assert float(discounted_periods(0.5, 2.0)) == pytest.approx(1.5)
    assert float(discounted_periods(1.0, 7.5)) == pytest.approx(7.5)
    assert float(discounted_periods(0.995, 1e6)) == pytest.approx(200.0)
    both = discounted_periods(np.array([0.5, 1.0]), np.array([2.0, 3.0]))
    assert np.allclose(both, [1.5, 3.0])


def test_felt_cost_decays_the_prior_spreads_the_paid_and_is_bounded() -> None:
    # no time: the sum; a constant cost c for T periods: c (1 − δ^T) / (1 − δ)
    assert float(felt_cost(0.3, 0.2, 0.0, 0.9)) == pytest.approx(0.5)
    c, d, t = 0.01, 0.9, 5.0
    assert float(felt_cost(0.0, c * t, t, d)) == pytest.approx(c * (1 - d**t) / (1 - d))
    # the prior fades as the reference point adapts: δ^T · prior
    assert float(felt_cost(1.0, 0.0, 3.0, 0.5)) == pytest.approx(0.125)
    # composition: the felt cost after T1 then T2 periods at the same cost is the felt cost
    # after T1 + T2 periods (the run continues the analysis' sum)
    w1 = felt_cost(0.0, c * 4.0, 4.0, d)
    assert float(felt_cost(w1, c * 6.0, 6.0, d)) == pytest.approx(
        float(felt_cost(0.0, c * 10.0, 10.0, d))
    )
    # a war at its bound does not feel worse by going on at the same cost
    bound = c / (1 - d)
    assert float(felt_cost(bound, c * 50.0, 50.0, d)) == pytest.approx(bound)
    # negative and NaN inputs read as 0
    assert float(felt_cost(-1.0, float("nan"), 2.0, 0.9)) == 0.0


def test_the_analysis_w_is_the_felt_cost_since_the_start() -> None:
    sc = load_scenario(CASES / "colombia_havana_2012" / "scenario.yaml")
    assert sc.war is not None and sc.war.started == dt.date(1964, 5, 27)
    p = build_problem(sc)
    i = p.index("FARC")
    c, d = float(p.cost_per_period[i]), float(p.discount[i])
    weeks = (sc.meta.as_of - sc.war.started).days / sc.war.period.days
    assert float(p.cumulative_cost[i]) == pytest.approx(c * (1 - d**weeks) / (1 - d))
    # 48 years of fighting: close to, never above, the bound; undiscounted it was 11.2
    assert float(p.cumulative_cost[i]) <= c / (1 - d) + 1e-12
    assert float(p.cumulative_cost[i]) > 0.99 * c / (1 - d)
    assert c * weeks > 10 * float(p.cumulative_cost[i])


def test_good_friday_w_is_bounded_whatever_the_start() -> None:
    sc = load_scenario(CASES / "good_friday_1998" / "scenario.yaml")
    assert sc.war is not None
    early = sc.model_copy(
        update={"war": sc.war.model_copy(update={"started": dt.date(1996, 4, 6)})}
    )
    p_long, p_short = build_problem(sc), build_problem(early)
    sf = p_long.index("SF")
    assert np.all(p_long.cumulative_cost >= p_short.cumulative_cost)
    # 29 years vs 2 years of the same weekly cost: 14x undiscounted, < 3x felt
    assert 1.0 < p_long.cumulative_cost[sf] / p_short.cumulative_cost[sf] < 3.0
    c, d = float(p_long.cost_per_period[sf]), float(p_long.discount[sf])
    assert float(p_long.cumulative_cost[sf]) < c / (1 - d) < 0.96  # §1.3: the pass needed > 0.96
