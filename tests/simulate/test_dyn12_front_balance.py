"""The sides' prior about the balance and the run's true balance read the same drifts
(branch dyn12, issue 13): ``beliefs.front_balance`` over the issues whose drift is stated
(``beliefs.stated_fronts``); an issue the front moves without a stated drift is no evidence of
an even front in either. With none stated the truth keeps no trend and the priors the
capability ratio (docs/explanation/simulation-model.md, "Learning")."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy.special import ndtr

from detente.scenario import load_scenario
from detente.simulate.beliefs import front_balance, prior_r, stated_fronts
from detente.simulate.model import SimModel, build_model, capability_r
from detente.simulate.state import Draws, initial_state

from .helpers import make_scenario

ROOT = Path(__file__).resolve().parents[2]
SIGMA = 0.5  # make_scenario's default volatility


def _start(m: SimModel, n: int = 8) -> tuple[np.ndarray, np.ndarray]:
    """The run's true balance β₀ at the stated drift (no drift draw) and the prior's centre."""
    setup = Draws(np.full((n, 2), 0.5), np.zeros((n, m.status_quo.size)))
    s = initial_state(m, np.arange(n, dtype=np.int64), setup)
    r0 = capability_r(m, np.atleast_2d(m.support_level))
    return s.beta0, prior_r(m, r0)


def test_an_unstated_drift_is_not_a_standstill_in_the_prior_nor_the_truth() -> None:
    # land drifts 0.2 a period toward A (stated); bloc is contested, moves, states no drift
    m = build_model(make_scenario(front={"drift": 0.2}, bloc_contested=True))
    assert m.front_moves.tolist() == [True, True]
    assert stated_fronts(m).tolist() == [True, False]
    beta0, prior = _start(m)
    want = 0.2 / SIGMA  # land alone: before, the mean with bloc's 0 gave half of it
    assert beta0 == pytest.approx(np.full(8, want), abs=1e-12)
    assert prior[0] == pytest.approx(float(ndtr(want)), abs=1e-12)
    assert float(ndtr(beta0[0])) == pytest.approx(float(prior[0]), abs=1e-12)


def test_a_stated_uncertain_zero_drift_counts() -> None:
    """A drift stated as 0 with an uncertainty (the builder's form) is information: the front
    showed no trend there; it enters the mean (only an exact 0 with no sd reads as unstated)."""
    m = build_model(
        make_scenario(
            front={"drift": 0.2},
            bloc_contested=True,
            bloc_front={"drift": 0.0, "drift_sd": 0.1},
        )
    )
    assert stated_fronts(m).tolist() == [True, True]
    beta0, prior = _start(m)
    land_dir = float(m.direction[0])
    want = (land_dir * 0.2 / SIGMA + 0.0) / 2.0
    assert beta0[0] == pytest.approx(want, abs=1e-12)
    assert prior[0] == pytest.approx(float(ndtr(want)), abs=1e-12)


def test_with_no_drift_stated_the_truth_is_even_and_the_prior_keeps_capabilities() -> None:
    m = build_model(make_scenario(capability=(3.0, 1.0), bloc_contested=True))
    assert not stated_fronts(m).any()
    beta0, prior = _start(m)
    assert (beta0 == 0.0).all()  # the engine's default: no trend
    r0 = capability_r(m, np.atleast_2d(m.support_level))
    assert prior is not None and prior.tobytes() == r0.tobytes()
    assert float(r0[0]) > 0.6  # capabilities favour A; the runs teach the sides it is even
    assert front_balance(m, np.zeros((3, 2))).tolist() == [0.0, 0.0, 0.0]


@pytest.mark.parametrize(
    ("name", "want", "stated"),
    [
        # fix12: the starting fronts rest only on figures known at as_of (dyn12: 0.524,
        # 0.535, 0.510, 0.640; 2025-11 stated no drift, prior 0.678 against a true 0.500)
        ("ukraine-2022-11", 0.506, ["donetsk", "luhansk", "zaporizhzhia_kherson"]),
        ("ukraine-2023-12", 0.535, ["donetsk", "luhansk"]),
        ("ukraine-2025-05", 0.546, ["donetsk", "luhansk"]),
        ("ukraine-2025-11", 0.589, ["donetsk", "luhansk", "zaporizhzhia_kherson"]),
        ("ukraine-2026-06", 0.553, ["donetsk", "luhansk", "zaporizhzhia_kherson"]),
    ],
)
def test_the_snapshots_prior_and_truth_agree(name: str, want: float, stated: list[str]) -> None:
    """Before dyn12 an unstated issue counted as 0: 0.516, 0.524, 0.503, 0.527."""
    m = build_model(load_scenario(ROOT / "scenarios" / f"{name}.yaml"))
    assert [m.issue_ids[i] for i in np.flatnonzero(stated_fronts(m))] == stated
    beta0, prior = _start(m)
    assert float(prior[0]) == pytest.approx(want, abs=5e-4)
    assert float(ndtr(beta0[0])) == pytest.approx(float(prior[0]), abs=1e-12)


def test_the_first_snapshot_states_no_drift() -> None:
    """2022-03 has no earlier figure, so it states no drift: the truth has no trend and the
    priors start from capabilities (Russia 0.595), the one case where they differ (documented).
    Until fix12 2025-11 was the other (its fronts rested on a figure of 2026, so its drifts were
    dropped); it now rests on the White House map of 18 Aug 2025 (S_put5000)."""
    m = build_model(load_scenario(ROOT / "scenarios" / "ukraine-2022-03.yaml"))
    assert not stated_fronts(m).any()
    beta0, prior = _start(m)
    assert (beta0 == 0.0).all()
    assert float(prior[0]) == pytest.approx(0.595, abs=5e-4)
