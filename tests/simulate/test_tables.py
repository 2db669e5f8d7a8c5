"""The talks' candidate tables: the vectorised binary search is ``np.searchsorted``."""

from __future__ import annotations

import numpy as np

from detente.core import TOL_UTILITY
from detente.simulate.tables import _lower_bound, build_table, propose


def test_lower_bound_matches_searchsorted_with_ties_and_edges() -> None:
    rng = np.random.default_rng(1)
    for k in (1, 2, 3, 5, 8, 100, 1024):
        n = 300
        rows_sorted = np.sort(rng.integers(0, 6, (n, k)) / 4.0, axis=1)
        flat = (rows_sorted + 2.0 * np.arange(n)[:, None]).ravel()
        for _ in range(10):
            rows = rng.integers(0, n, n)
            x = rng.integers(-2, 8, n) / 4.0 + rng.choice([0.0, 1e-17, -1e-12], n)
            key = x + 2.0 * rows
            expected = np.searchsorted(flat, key) - rows * k
            assert np.array_equal(_lower_bound(flat, k, rows, key), expected)


def test_per_run_propose_is_the_least_valued_package_meeting_the_demand() -> None:
    rng = np.random.default_rng(2)
    n, k = 200, 37
    u = rng.random((n, k, 2))
    feasible = rng.random(k) < 0.8
    t = build_table(u, np.broadcast_to(feasible, (n, k)))
    demand = rng.random(n)
    got = propose(t, 0, demand)
    for j in range(n):
        ok = np.flatnonzero(feasible & (u[j, :, 0] >= demand[j] - TOL_UTILITY))
        if ok.size == 0:  # its best package
            ok = np.flatnonzero(feasible)
            assert u[j, got[j], 0] == u[j, ok, 0].max()
        else:
            assert u[j, got[j], 0] == u[j, ok, 0].min()
