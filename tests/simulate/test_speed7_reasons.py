"""The settlement reasons' zone pass (reasons._zones) is the NumPy statement it replaced."""

from __future__ import annotations

import numpy as np

from detente.core import TOL_UTILITY
from detente.simulate.reasons import _zones


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
    _zones(utility, feasible, rows, idx, value, tau, loss, zone, trusted, best)

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


def test_zones_keep_nan_gains_and_the_earlier_of_equal_zeros() -> None:
    """The running maxima: a NaN among the admitted gains makes the best NaN, wherever it
    stands; of -0.0 and +0.0 the earlier is kept (NumPy's maximum of two numbers)."""
    utility = np.array(
        [
            [[0.5, 0.9], [np.nan, 0.9], [0.7, 0.9], [0.0, 0.1]],  # a NaN gain admitted
            [[0.3, 0.9], [0.3, 0.9], [0.1, 0.2], [0.0, 0.0]],  # equal gains: -0.0, +0.0
        ]
    )
    feasible = np.ones((2, 4), dtype=bool)
    rows = np.array([0, 1, 1], dtype=np.int64)
    idx = np.arange(3, dtype=np.int64)
    value = np.array([[0.95, 0.5], [0.3, 0.5], [0.95, 0.95]])
    tau, loss = np.ones((3, 2)), np.zeros((3, 2))
    zone, trusted = np.zeros(3, dtype=bool), np.zeros(3, dtype=bool)
    best = np.full((3, 2), -np.inf)
    _zones(utility, feasible, rows, idx, value, tau, loss, zone, trusted, best)
    assert not zone[0] and np.isnan(best[0, 0]) and best[0, 1] == -np.inf
    # run 1: side 0's gains 0.3 - 0.3 = +0.0 twice, side 1 admits them: in the zone (trusted)
    assert zone[1] and trusted[1]
    # run 2: nothing worth 0.95 to side 1: no zone, side 0 best is -inf, side 1's none admitted
    assert not zone[2] and best[2, 0] == -np.inf and best[2, 1] == -np.inf
    # a zone nobody trusts (τ = 0, a loss): the pass is whole; side 0's gains -0.0 and +0.0
    for first, second in ((-0.0, 0.0), (0.0, -0.0)):
        u = np.array([[[first, 0.9], [second, 0.9]]])
        z, t, b = np.zeros(1, dtype=bool), np.zeros(1, dtype=bool), np.full((1, 2), -np.inf)
        one = np.zeros(1, dtype=np.int64)
        _zones(
            u,
            np.ones((1, 2), dtype=bool),
            one,
            one,
            np.array([[0.0, 0.5]]),
            np.zeros((1, 2)),
            np.ones((1, 2)),
            z,
            t,
            b,
        )
        assert z[0] and not t[0]
        assert b[0, 0] == 0.0 and np.signbit(b[0, 0]) == np.signbit(first)
