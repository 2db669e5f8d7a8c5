"""The settlement reasons' zone pass (reasons._zones) is the NumPy statement it replaced."""

from __future__ import annotations

import numpy as np

from detente.core import TOL_UTILITY
from detente.simulate.reasons import _zones
from detente.simulate.tables import NO_LINEAR


def test_zones_match_the_numpy_statement() -> None:
    rng = np.random.default_rng(4)
    r, k, n = 7, 60, 400
    utility = rng.random((r, k, 3))
    feasible = rng.random((r, k)) < 0.6
    feasible[2] = False  # a row with nothing feasible
    rows = rng.integers(0, r, n)
    value = rng.random((n, 2)) * 0.9
    value[::13, 0] = np.nan
    value[::17, 1] = 1.5  # nothing worth fighting's value
    tau = rng.random((n, 2))
    loss = rng.random((n, 2)) * 0.3
    idx = np.flatnonzero(rng.random(n) < 0.8).astype(np.int64)
    zone, trusted = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    best = np.full((n, 2), -np.inf)
    flat = utility.reshape(-1, 3)  # the stored utilities as the pass reads them
    _zones(flat, *NO_LINEAR, feasible, rows, idx, value, tau, loss, zone, trusted, best)

    rr = rows[idx]
    feas = feasible[rr]
    gain = [utility[rr, :, side] - value[idx, side, None] for side in (0, 1)]
    meets = [g >= -TOL_UTILITY for g in gain]
    ok = feas & meets[0] & meets[1]
    want_zone = ok.any(axis=1)
    want_best = np.stack(
        [np.where(feas & meets[1 - side], gain[side], -np.inf).max(axis=1) for side in (0, 1)],
        axis=1,
    )
    for side in (0, 1):
        fear = ((1.0 - tau[idx, side]) * loss[idx, side])[:, None]
        ok &= tau[idx, side, None] * gain[side] - fear >= -TOL_UTILITY
    assert np.array_equal(zone[idx], want_zone)
    assert np.array_equal(trusted[idx], ok.any(axis=1))
    # best is read where there is no zone; a run's pass stops at its first trusted package
    # in the zone (its best then partial), and is whole in every other run
    whole = ~ok.any(axis=1)
    assert np.array_equal(best[idx][whole], want_best[whole], equal_nan=True)
    assert (~want_zone).any() and (want_zone & whole).any()
    others = np.setdiff1d(np.arange(n), idx)
    assert not zone[others].any() and not trusted[others].any()
    assert (best[others] == -np.inf).all()
    assert want_zone.any() and not want_zone.all() and ok.any()  # the cases are exercised
