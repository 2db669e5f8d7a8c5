"""The vectorised bilateral engine on the NegMAS reference workload (two discrete issues,
linear-additive utilities, time-based strategies), generated here; the reference figures were
measured with NegMAS (benchmarks/vs_negmas.py, docs/benchmarks.md)."""

from __future__ import annotations

import numpy as np
import pytest

from detente.simulate.bilateral import (
    BOULWARE,
    CONCEDER,
    HARDLINER,
    TimeBasedStrategy,
    linear_additive_utilities,
    negotiate,
    outcome_grid,
)

ASPIRATION = TimeBasedStrategy("aspiration", 4.0, 1e-3)
# NegMAS 0.16.0 on the same workload, measured here (docs/benchmarks.md): mean steps.
NEGMAS_MEAN_STEPS = {("asp-asp", 10): 82.8, ("boul-conc", 10): 58.1, ("asp-asp", 32): 83.3}


def _workload(k: int, n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    o = outcome_grid(k)
    wa, wb = rng.uniform(0.2, 0.8, n), rng.uniform(0.2, 0.8, n)
    ua = linear_additive_utilities(o, k, np.stack([wa, 1 - wa], 1), increasing=False)
    ub = linear_additive_utilities(o, k, np.stack([wb, 1 - wb], 1), increasing=True)
    return ua, ub


def test_outcome_grid_enumerates_all() -> None:
    g = outcome_grid(3)
    assert g.shape == (9, 2)
    assert len({tuple(r) for r in g}) == 9


@pytest.mark.parametrize(("pairing", "k"), sorted(NEGMAS_MEAN_STEPS))
def test_matches_negmas_agreements_and_steps(pairing: str, k: int) -> None:
    ua, ub = _workload(k, 1000)
    a, b = (ASPIRATION, ASPIRATION) if pairing == "asp-asp" else (BOULWARE, CONCEDER)
    r = negotiate(ua, ub, a, b)
    assert r.agreement_rate == 1.0
    assert abs(r.mean_steps - NEGMAS_MEAN_STEPS[(pairing, k)]) < 1.5


def test_no_zone_and_hardliner_never_agree() -> None:
    ua, ub = _workload(10, 300)
    r = negotiate(ua, ub, ASPIRATION, ASPIRATION, reserved_a=0.8, reserved_b=0.8)
    assert r.agreement_rate == 0.0
    assert (r.steps == 100).all()
    r2 = negotiate(ua, ub, HARDLINER, BOULWARE)
    assert r2.agreement_rate == 0.0


def test_agreements_meet_both_aspirations() -> None:
    ua, ub = _workload(10, 300, seed=3)
    r = negotiate(ua, ub, BOULWARE, CONCEDER)
    rows = np.flatnonzero(r.agreed)
    t = r.steps[rows] / 101
    for u, strat in ((ua, BOULWARE), (ub, CONCEDER)):
        got = u[rows, r.outcome[rows]]
        need = np.array([strat.aspiration(x) for x in t]) - strat.eps - 1e-9
        assert (got >= need).all()  # thresholds fall over time, so an older offer also meets it


def test_rows_are_independent() -> None:
    ua, ub = _workload(10, 200, seed=5)
    full = negotiate(ua, ub, BOULWARE, CONCEDER)
    part = negotiate(ua[50:80], ub[50:80], BOULWARE, CONCEDER)
    assert np.array_equal(full.outcome[50:80], part.outcome)
    assert np.array_equal(full.steps[50:80], part.steps)
