"""The blocking pass's two-party path counted without a branch (branch s16b:
``reasons._blocking`` over every candidate, utilities of a table of the linear form computed
from its distances): the rule written out in NumPy (tests/simulate/test_perf14_blocking.py's
reference), on two-issue linear tables with utilities at the belligerents' needs, values
that admit every package or none, NaN values, odd candidate counts and regimes with no
candidate inside; and the same names as the stored utilities of the same table."""

from __future__ import annotations

import numpy as np
import pytest
from tests.simulate.test_perf14_blocking import _reference

from detente.bargaining.utility import distances
from detente.simulate.cells import _linear_utilities
from detente.simulate.reasons import TOL_UTILITY, _blocking
from detente.simulate.tables import NO_LINEAR


@pytest.mark.parametrize(("k1", "k2"), [(1, 1), (3, 5), (10, 10), (17, 23), (32, 32)])
@pytest.mark.parametrize("seed", range(4))
def test_the_linear_form_names_whom_the_rule_names(k1: int, k2: int, seed: int) -> None:
    rng = np.random.default_rng(seed * 100 + k1 + k2)
    a, b = np.linspace(0.0, 100.0, k1), np.linspace(0.0, 100.0, k2)
    cand = np.stack(np.meshgrid(a, b, indexing="ij"), axis=-1).reshape(-1, 2)
    k = cand.shape[0]
    ideal = np.array([[0.0, 0.0], [100.0, 100.0], [40.0, 70.0]])  # a third actor, unasked
    n_rows, n_runs, n_g = 12, 40, 3
    dist = np.ascontiguousarray(distances(ideal, cand).transpose(1, 2, 0))
    w = rng.uniform(0.2, 0.8, (n_rows, 3))
    lin_w = np.ascontiguousarray(np.stack([w, 1.0 - w], axis=2))
    lin_w[0] = 0.5  # the grid's diagonals tie
    u = np.empty((n_rows, k, 3))
    _linear_utilities(dist, lin_w, u)
    inside = rng.uniform(size=(n_g, k)) < rng.uniform(0.2, 1.0, size=(n_g, 1))
    inside[0] = False  # a regime with no candidate inside
    rows = rng.integers(0, n_rows, size=n_runs).astype(np.int64)
    idx = np.flatnonzero(rng.uniform(size=n_runs) < 0.9).astype(np.int64)
    at = rng.integers(0, n_g, size=idx.size).astype(np.int64)
    value = rng.uniform(0.3, 1.0, size=(n_runs, 2))
    # values exactly at a package's utility (the tolerance decides), admitting every package
    # or none, and NaN
    for j in range(0, n_runs, 4):
        value[j] = u[rows[j], rng.integers(0, k), :2] + TOL_UTILITY * rng.choice([-1.0, 0.0])
    value[1] = -1.0
    value[2] = 2.0
    value[3, 1] = np.nan
    parties = np.arange(2, dtype=np.int64)
    need = np.zeros(0)
    ref = _reference(u, inside, at, rows, idx, value, parties, need, 3)
    flat = np.ascontiguousarray(u.reshape(-1, 3))
    for f in (_blocking, _blocking.py_func):
        # the linear form, then the same utilities stored
        for table in ((np.zeros((0, 3)), dist, lin_w), (flat, *NO_LINEAR)):
            who = np.zeros((n_runs, 3), dtype=bool)
            f(*table, inside, at, rows, idx, value, parties, need, who)
            assert np.array_equal(who, ref)
    assert ref.any() and not ref[idx].all()  # not vacuous
