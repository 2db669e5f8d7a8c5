"""The front's true dynamics come from the scenario (default: no drift), not from capabilities.

Regression (issue "Talks that behave like talks"): the true chance of winning a battle used to
be the capability ratio, so a snapshot's front drifted toward the side with the larger defence
budget, and every contested issue moved, recognition issues included.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from scipy.special import ndtr

from detente.errors import InputError
from detente.simulate.engine import iter_periods, simulate_block
from detente.simulate.model import build_model

from .helpers import make_scenario

RUNS, PERIODS, SIGMA = 4000, 20, 0.5


def _fight(**kw: Any) -> tuple[float, float, Any]:
    """Mean movement of ``land`` per period toward A's terms (at 100), its standard error and
    the block output, when talks never succeed (hardliners, no zone)."""
    sc = make_scenario(
        strategies=("hardliner", "hardliner"), reservation=(0.99, 0.99), volatility=SIGMA, **kw
    )
    o = simulate_block(build_model(sc), RUNS, PERIODS, np.random.SeedSequence(20260622))
    assert (o.first_agreement < 0).all()
    land = o.paths["line.land"].astype(np.float64)
    assert land.min() > 0.0 and land.max() < 100.0
    moved = (land[-1] - 50.0) / PERIODS
    return float(moved.mean()), float(moved.std(ddof=1) / math.sqrt(RUNS)), o


@pytest.mark.parametrize("stalemate", [0.0, 0.65])
@pytest.mark.parametrize("capability", [(1.0, 1.0), (2.0, 1.0), (1.0, 3.0)])
def test_no_drift_by_default_whatever_the_capabilities(
    stalemate: float, capability: tuple[float, float]
) -> None:
    mean, se, o = _fight(stalemate=stalemate, capability=capability)
    assert abs(mean) < 5 * se  # 5 standard errors, ≈ 0.007 points per period here
    # beliefs start from the capabilities and learn that the balance is even
    r0 = capability[0] / sum(capability)
    a0 = float(o.paths["belief.A"][0].mean())
    a_end = float(o.paths["belief.A"][-1].mean())
    assert abs(a0 - r0) < 0.05
    assert abs(a_end - 0.5) < abs(a0 - 0.5) - 0.02 or abs(r0 - 0.5) < 1e-9


def test_stated_drift_moves_the_line_and_beliefs_learn_it() -> None:
    drift = 0.2  # points per period toward A (up the scale)
    mean, se, o = _fight(front={"drift": drift})
    assert abs(mean - drift) < 5 * se
    # the true chance that A wins a battle is Φ(drift / σ); with the drift stated, both sides'
    # priors are centred on it (beliefs.prior_r, branch dyn10b) and the battles keep them there
    truth = float(ndtr(drift / SIGMA))
    r0 = 0.5  # the capabilities' ratio, which the prior no longer starts from
    for side in ("A", "B"):
        start = float(o.paths[f"belief.{side}"][0].mean())
        end = float(o.paths[f"belief.{side}"][-1].mean())
        assert abs(start - truth) < 0.01 < abs(r0 - truth)
        assert abs(end - truth) < 0.01


def test_drift_uncertainty_spreads_runs() -> None:
    _, _, sure = _fight(front={"drift": 0.1})
    _, _, unsure = _fight(front={"drift": 0.1, "drift_sd": 0.3})
    spread = [float(np.std(o.paths["line.land"][-1])) for o in (sure, unsure)]
    assert spread[1] > spread[0] * 1.5


def test_volatility_per_issue_overrides_the_war_default() -> None:
    _, _, calm = _fight(front={"volatility": 0.1})
    _, _, wild = _fight(front={"volatility": 1.0})
    sd = [float(np.std(o.paths["line.land"][-1])) for o in (calm, wild)]
    assert sd[1] == pytest.approx(sd[0] * 10.0, rel=0.1)


def test_recognition_issue_does_not_move_with_the_front() -> None:
    sc = make_scenario(
        strategies=("hardliner", "hardliner"),
        reservation=(0.99, 0.99),
        bloc_contested=True,
        bloc_front={"moves": False},
    )
    m = build_model(sc)
    assert m.contested.tolist() == [True, True]
    assert m.front_moves.tolist() == [True, False]
    for s in iter_periods(m, 64, np.random.SeedSequence(1), 30):
        assert np.all(s.line[:, 1] == 50.0)
    assert np.any(s.line[:, 0] != 50.0)
    # by default a contested issue moves
    both = build_model(make_scenario(bloc_contested=True))
    assert both.front_moves.tolist() == [True, True]


def test_front_needs_a_contested_issue() -> None:
    with pytest.raises(InputError, match=r"front\.moves"):
        build_model(make_scenario(bloc_front={"drift": 0.1}))


def test_cutting_a_patrons_aid_shifts_the_front() -> None:
    """A support_change shock cuts A's aid: A's true strength falls from that period on."""
    kw: dict[str, Any] = {"support": (1.0, 0.0), "front": {"volatility": SIGMA}}
    cut = [
        {
            "id": "cut",
            "kind": "support_change",
            "actor": "A",
            "date": "2026-01-02",
            "support": "aid",
            "level": 0.0,
            "assumption": "test",
        }
    ]
    base, se, _ = _fight(**kw)
    after, _, o = _fight(shocks=cut, **kw)
    assert abs(base) < 5 * se  # no drift while the aid flows
    assert after < base - 10 * se  # A (capability 1 + aid 1 → 1) loses ground
    assert np.all(o.paths["support.A.aid"] == 0.0)


def test_explicit_p_sets_the_beliefs_not_the_truth() -> None:
    sc = make_scenario(stalemate=0.65, strategies=("hardliner", "hardliner"))
    assert sc.war is not None
    sc = sc.model_copy(update={"war": sc.war.model_copy(update={"p": 0.3})})
    s = next(iter_periods(build_model(sc), 8, np.random.SeedSequence(0), 1))
    # beliefs are centred on r = p / (1 − s) before the first battle is weighed in
    assert abs(float(s.rhat[:, 0].mean()) - 0.3 / 0.35) < 0.06
