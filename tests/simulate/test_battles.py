"""Battles are won with the relative strength r; the stalemate belongs to the war lottery.

Regression: battles used to be won by A with ``(1 − s)·r``, handing the stalemate mass to B,
so with ``stalemate = 0.65`` the line drifted towards B even when A was much stronger.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from detente.simulate.engine import _r_true, _war_value, simulate_block
from detente.simulate.model import build_model, utility

from .helpers import make_scenario

RUNS, PERIODS, SIGMA = 4000, 20, 0.5


def _fight(stalemate: float, capability: tuple[float, float]) -> tuple[float, float, float]:
    """Mean drift of the contested line per period towards A's terms, its standard error and
    A's mean belief at the end, when talks never succeed (hardliners, no zone)."""
    sc = make_scenario(
        strategies=("hardliner", "hardliner"),
        reservation=(0.99, 0.99),
        stalemate=stalemate,
        volatility=SIGMA,
        capability=capability,
    )
    m = build_model(sc)
    o = simulate_block(m, RUNS, PERIODS, np.random.default_rng(20260622))
    assert (o.first_agreement < 0).all()  # every run fights every period
    land = o.paths["line.land"].astype(np.float64)
    assert land.min() > 0.0 and land.max() < 100.0  # no clipping at the ends of the scale
    moved = (land[-1] - 50.0) / PERIODS  # A's victory terms are at 100 on `land`
    se = float(moved.std(ddof=1) / math.sqrt(RUNS))
    return float(moved.mean()), se, float(o.paths["belief.A"][-1].mean())


def _drift(r: float) -> float:
    return SIGMA * math.sqrt(2.0 / math.pi) * (2.0 * r - 1.0)


@pytest.mark.parametrize("stalemate", [0.0, 0.65])
def test_equal_strength_line_does_not_drift(stalemate: float) -> None:
    mean, se, belief = _fight(stalemate, (1.0, 1.0))
    # 5 standard errors (≈ 0.009 per period here); the old bug gave −0.26 at s = 0.65.
    assert abs(mean) < 5 * se
    assert se < 0.003
    assert belief == pytest.approx(0.5, abs=0.01)  # beliefs are about battles: r = 0.5


@pytest.mark.parametrize("stalemate", [0.0, 0.65])
def test_stronger_side_pushes_the_line_towards_its_terms(stalemate: float) -> None:
    r = 2.0 / 3.0  # capabilities 2 : 1, exponent 1
    mean, se, belief = _fight(stalemate, (2.0, 1.0))
    assert mean > 0.0
    assert abs(mean - _drift(r)) < 5 * se  # σ√(2/π)(2r − 1) ≈ 0.133 per period
    assert belief == pytest.approx(r, abs=0.01)


def test_explicit_p_is_the_chance_of_prevailing() -> None:
    sc = make_scenario(stalemate=0.65)
    assert sc.war is not None
    sc = sc.model_copy(update={"war": sc.war.model_copy(update={"p": 0.3})})
    m = build_model(sc)
    r = _r_true(m, np.zeros((1, 0)), np.zeros((1, 2)))
    assert r[0] == pytest.approx(0.3 / 0.35)
    # the value of fighting at that belief is the lottery (p, 1 − p − s, s), costs aside
    v = _war_value(m, np.array([[r[0], r[0]]]), m.status_quo[None, :], np.zeros(2))
    u = utility(m.ideal[:2], m.weights[:2], m.risk[:2], np.vstack([m.victory, m.status_quo]))
    assert np.allclose(v[0], 0.3 * u[0] + 0.05 * u[1] + 0.65 * u[2])
