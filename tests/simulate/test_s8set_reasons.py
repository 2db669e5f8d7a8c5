"""The settlement reasons' zone pass stops at a run's first trusted package in the zone
(its best gains are read only without a zone): what it reads is unchanged, NaN gains and
signed zeros included."""

from __future__ import annotations

import numpy as np

from detente.simulate.reasons import _zones
from detente.simulate.tables import NO_LINEAR


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
    flat = utility.reshape(-1, 2)  # the stored utilities as the pass reads them
    _zones(flat, *NO_LINEAR, feasible, rows, idx, value, tau, loss, zone, trusted, best)
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
            u.reshape(-1, 2),
            *NO_LINEAR,
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
