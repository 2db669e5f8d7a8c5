"""Closed forms from references §2 and textbook bargaining solutions, as regression tests."""

from __future__ import annotations

import math

import numpy as np
import pytest

from detente.bargaining import build_problem
from detente.bargaining.commitment import powell_condition, renege_periods
from detente.bargaining.solutions import solve_all
from detente.bargaining.war import take_it_or_leave_it
from detente.bargaining.zone import ZoneLP, compute_zone

from .helpers import make_problem, one_issue_war


@pytest.mark.parametrize(
    ("p", "c_a", "c_b"),
    [(0.5, 0.1, 0.1), (0.3, 0.05, 0.2), (0.8, 0.25, 0.1), (0.6, 0.0, 0.0), (0.1, 0.05, 0.4)],
)
def test_fearon_range_exact(p: float, c_a: float, c_b: float) -> None:
    """Fearon (1995), 'Rationalist explanations for war', §'War as a bargaining failure':
    with one issue, A's expected share p and costs c_A, c_B, the deals both prefer to war
    are exactly x ∈ [p − c_A, p + c_B]."""
    prob = build_problem(one_issue_war(p, c_a, c_b))
    zone = compute_zone(prob)
    assert zone.exists
    lo, hi = zone.intervals[0] / 100.0
    assert lo == pytest.approx(max(0.0, p - c_a), abs=1e-9)
    assert hi == pytest.approx(min(1.0, p + c_b), abs=1e-9)


def test_fearon_range_with_discounted_horizon() -> None:
    """Costs accrue for H periods, discounted: c = cost · (1 − δ^H)/(1 − δ) (our stated form)."""
    delta, horizon = 0.95, 10
    prob = build_problem(one_issue_war(0.5, 0.01, 0.02, horizon=horizon, delta=delta))
    factor = (1 - delta**horizon) / (1 - delta)
    lo, hi = compute_zone(prob).intervals[0] / 100.0
    assert lo == pytest.approx(0.5 - 0.01 * factor, abs=1e-9)
    assert hi == pytest.approx(0.5 + 0.02 * factor, abs=1e-9)


@pytest.mark.parametrize(("p", "c_a", "cbar"), [(0.5, 0.05, 0.2), (0.3, 0.1, 0.3), (0.4, 0.0, 0.1)])
def test_take_it_or_leave_it_closed_form(p: float, c_a: float, cbar: float) -> None:
    """References §2 (Fearon 1995 private-cost variant): with c_B ~ U[0, c̄] the optimal offer is
    x* = p + (c̄ − c_A)/2 and P(war) = (c̄ − c_A)/(2c̄). Solved numerically with the model's own
    utilities and checked against the closed form."""
    prob = build_problem(one_issue_war(p, c_a, 0.0))
    x, p_war = take_it_or_leave_it(prob, "A", "B", cbar)
    assert x / 100.0 == pytest.approx(p + (cbar - c_a) / 2, abs=1e-6)
    assert p_war == pytest.approx((cbar - c_a) / (2 * cbar), abs=1e-6)


@pytest.mark.parametrize(
    ("p", "shift", "delta", "c_a"),
    [
        (0.6, -0.3, 0.9, 0.05),
        (0.6, -0.01, 0.9, 0.05),
        (0.5, -0.1, 0.5, 0.1),
        (0.7, -0.2, 0.95, 0.01),
        (0.4, 0.0, 0.9, 0.0),
    ],
)
def test_powell_commitment_condition(p: float, shift: float, delta: float, c_a: float) -> None:
    """Powell (2006), 'War as a commitment problem': a declining A (p → p') fights when
    δ(p − p')/(1 − δ) > (1 − p) + (1 − δ)·d_A (references §2). One Powell period is the
    implementation period; with T = 1 it is the per-period δ."""
    prob = build_problem(one_issue_war(p, c_a, 0.05, shift=shift, delta=delta, implementation=1))
    res = {r.actor: r for r in powell_condition(prob)}
    p_after = p + shift
    expected = delta * (p - p_after) / (1 - delta) > (1 - p) + (1 - delta) * c_a
    assert res["A"].p_now == pytest.approx(p)
    assert res["A"].p_after == pytest.approx(p_after)
    assert res["A"].war_unavoidable is expected


def test_powell_condition_both_outcomes_occur() -> None:
    """The parameter sets above are not all on one side of the condition."""
    outcomes = set()
    for shift in (-0.3, -0.01):
        prob = build_problem(
            one_issue_war(0.6, 0.05, 0.05, shift=shift, delta=0.9, implementation=1)
        )
        outcomes.add(powell_condition(prob)[0].war_unavoidable)
    assert outcomes == {True, False}


def test_powell_period_is_the_implementation_period() -> None:
    """Over T periods the discount is δ^T: a shift that forces war at T = 1 need not at T = 26."""
    short = build_problem(one_issue_war(0.6, 0.05, 0.05, shift=-0.3, delta=0.9, implementation=1))
    long = build_problem(one_issue_war(0.6, 0.05, 0.05, shift=-0.3, delta=0.9, implementation=26))
    assert powell_condition(short)[0].war_unavoidable
    assert not powell_condition(long)[0].war_unavoidable


def test_renege_period_of_rising_party() -> None:
    """B rises (p falls by 0.2 over T periods): it reneges on x at the first t where its war
    value 1 − (p − 0.2 t/T) − c_B exceeds 1 − x."""
    prob = build_problem(one_issue_war(0.5, 0.05, 0.05, shift=-0.2))
    x = np.array([52.0])
    t_periods = prob.implementation_periods
    expected = next(
        t for t in range(1, t_periods + 1) if 1 - (0.5 - 0.2 * t / t_periods) - 0.05 > 1 - 0.52
    )
    assert renege_periods(prob, x) == [None, expected]


def test_nash_split_the_dollar_asymmetric_disagreement() -> None:
    """Nash (1950): splitting a unit with disagreement (d_A, d_B) gives A (1 + d_A − d_B)/2."""
    prob = make_problem([[100.0], [0.0]], [[1.0], [1.0]], [0.2, 0.1])
    lp = ZoneLP(prob)
    sols = solve_all(prob, compute_zone(prob, lp=lp), lp)
    assert sols["nash"].x[0] / 100 == pytest.approx((1 + 0.2 - 0.1) / 2, abs=1e-5)
    # With a linear frontier, KS equalises gains too: same point.
    assert sols["kalai_smorodinsky"].x[0] / 100 == pytest.approx(0.55, abs=1e-5)


def test_nash_and_ks_differ_with_risk_aversion() -> None:
    """Textbook frontier u_B = 1 − u_A² (B risk-averse, r = 2), disagreement (0, 0):
    Nash maximises u(1 − u²) → u_A = 1/√3; KS equalises u_A = u_B → u_A = (√5 − 1)/2."""
    prob = make_problem([[100.0], [0.0]], [[1.0], [1.0]], [0.0, 0.0], risk=[1.0, 2.0])
    lp = ZoneLP(prob)
    sols = solve_all(prob, compute_zone(prob, lp=lp), lp)
    assert sols["nash"].x[0] / 100 == pytest.approx(1 / math.sqrt(3), abs=1e-4)
    assert sols["kalai_smorodinsky"].x[0] / 100 == pytest.approx((math.sqrt(5) - 1) / 2, abs=1e-5)
    # Utilitarian: max u + 1 − u² → u = 1/2.
    assert sols["utilitarian"].x[0] / 100 == pytest.approx(0.5, abs=1e-4)
