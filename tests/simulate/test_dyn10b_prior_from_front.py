"""The sides' prior about the balance of forces starts from the front's stated drift
(branch dyn10b, issue 13): ``prior_r`` inverts the fight step's map from the balance to the
front's expected move; without a stated drift the capability prior is kept, bit for bit."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from scipy.special import ndtr, ndtri

from detente.scenario import load_scenario
from detente.simulate.beliefs import balance_prior, believed_r, prior_r
from detente.simulate.model import SimModel, build_model, capability_r
from detente.simulate.state import Draws, initial_state

ROOT = Path(__file__).resolve().parents[2]


def _model(name: str) -> SimModel:
    return build_model(load_scenario(ROOT / "scenarios" / f"{name}.yaml"))


def _start(m: SimModel, n: int = 16) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(3)
    setup = Draws(rng.random((n, 2)), rng.standard_normal((n, m.status_quo.size)))
    s = initial_state(m, np.arange(n, dtype=np.int64), setup)
    return s.bal_mean, s.bal_prec


def test_without_a_stated_drift_the_capability_prior_is_kept_bit_for_bit() -> None:
    m = _model("ukraine-2022-03")
    assert not (m.front_drift != 0.0).any()
    r0 = capability_r(m, np.atleast_2d(m.support_level))
    assert prior_r(m, r0) is r0
    mean, prec = _start(m)
    want_mean, want_prec = balance_prior(
        np.full(16, r0[0]), m.settings.optimism, m.settings.belief_strength
    )
    assert mean.tobytes() == want_mean.tobytes()
    assert prec.tobytes() == want_prec.tobytes()


@pytest.mark.parametrize(
    ("name", "want"),
    # branch dyn12: the mean over the stated issues only, and 2026-06's drift over the figures'
    # dates (before: 0.516, 0.524, 0.527)
    # and fix12's starting fronts known at as_of (dyn12: 0.524, 0.535, 0.640)
    [("ukraine-2022-11", 0.506), ("ukraine-2023-12", 0.535), ("ukraine-2026-06", 0.553)],
)
def test_a_stated_drift_centres_the_priors_on_the_balance_the_front_shows(
    name: str, want: float
) -> None:
    m = _model(name)
    stated = m.front_moves & (m.front_volatility > 0) & (m.front_drift_sd > 0)
    beta = float(np.mean(m.direction[stated] * m.front_drift[stated] / m.front_volatility[stated]))
    r0 = capability_r(m, np.atleast_2d(m.support_level))
    got = prior_r(m, r0)
    assert got == pytest.approx(np.full(1, ndtr(beta)), abs=1e-12)
    assert float(got[0]) == pytest.approx(want, abs=5e-4)  # measured after dyn12's fixes
    assert prior_r(m, r0) is not r0  # not the capability ratio (2023-12's is 0.534, close)
    # an issue the front moves without a stated drift does not count as a standstill
    # (since fix12 only 2023-12 has such an issue: Zaporizhzhia–Kherson, one figure at both ends)
    moving = m.front_moves & (m.front_volatility > 0)
    with_zeros = np.mean(m.direction[moving] * m.front_drift[moving] / m.front_volatility[moving])
    if (moving & ~stated).any():
        assert abs(float(ndtr(with_zeros)) - want) > 0.005
    else:
        assert name != "ukraine-2023-12"
    mean, prec = _start(m)
    g = m.settings.optimism / 2.0
    # optimism and strength as before: A believes Φ(β̄) + g, B Φ(β̄) − g (g = optimism / 2)
    assert believed_r(mean, prec)[:, 0] == pytest.approx(ndtr(beta) + g, abs=1e-12)
    assert believed_r(mean, prec)[:, 1] == pytest.approx(ndtr(beta) - g, abs=1e-12)
    assert (prec == m.settings.belief_strength).all()


def test_the_prior_inverts_the_fight_steps_map_from_balance_to_expected_move() -> None:
    # the fight step moves issue i by drift_i + dir_i·σ_i·(β_t − β₀ + z) with β₀ =
    # mean_i dir_i·drift_i/σ_i: a front whose every issue drifts dir_i·σ_i·b shows balance b
    m = _model("ukraine-2025-05")
    moving = m.front_moves & (m.front_volatility > 0)
    r0 = capability_r(m, np.atleast_2d(m.support_level))
    for b in (-0.8, -0.1, 0.25, 1.3):
        drift = np.where(moving, m.direction * m.front_volatility * b, 0.0)
        got = prior_r(dataclasses.replace(m, front_drift=drift), r0)
        assert float(ndtri(got[0])) == pytest.approx(b, abs=1e-9)
    # the true balance a run draws at the stated drift is the same β̄
    n = 8
    setup = Draws(np.full((n, 2), 0.5), np.zeros((n, m.status_quo.size)))
    s = initial_state(m, np.arange(n, dtype=np.int64), setup)
    assert ndtr(s.beta0) == pytest.approx(prior_r(m, r0)[0], abs=1e-12)
