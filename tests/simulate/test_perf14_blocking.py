"""The compiled blocking pass (``reasons._blocking``, lead, fourteenth session) against the rule
written out in NumPy (``reasons.blocking_parties``' docstring): for the belligerents alone (the
fast path that stops at the first candidate both accept) and with asked third parties, on
random tables with NaN utilities, ties at the needs and runs with no candidate inside."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray

from detente.simulate.reasons import TOL_UTILITY, _blocking
from detente.simulate.tables import NO_LINEAR


def _reference(
    u: NDArray[np.float64],
    inside: NDArray[np.bool_],
    at: NDArray[np.int64],
    rows: NDArray[np.int64],
    idx: NDArray[np.int64],
    value: NDArray[np.float64],
    parties: NDArray[np.int64],
    need: NDArray[np.float64],
    n_a: int,
) -> NDArray[np.bool_]:
    who = np.zeros((value.shape[0], n_a), dtype=bool)
    for j, run in enumerate(idx):
        k = np.flatnonzero(inside[at[j]])
        if not k.size:
            continue
        uu = u[rows[run]][np.ix_(k, parties)]
        ok = np.empty(uu.shape, dtype=bool)
        ok[:, :2] = uu[:, :2] - value[run] >= -TOL_UTILITY
        ok[:, 2:] = uu[:, 2:] >= need
        refused = (~ok).sum(axis=1)
        others = (refused[:, None] - ~ok) == 0
        pool = np.where(others.any(axis=0)[None, :], others, True)
        who[run, parties] = ~(pool & ok).any(axis=0)
    return who


@pytest.mark.parametrize("n_third", [0, 1, 2])
@pytest.mark.parametrize("seed", range(6))
def test_the_compiled_pass_follows_the_rule(n_third: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    n_rows, k, n_runs, n_g = 5, 40, 30, 3
    n_a = 2 + n_third
    u = np.round(rng.uniform(size=(n_rows, k, n_a)), 1)  # ties at the needs
    u[rng.uniform(size=u.shape) < 0.03] = np.nan
    inside = rng.uniform(size=(n_g, k)) < rng.uniform(0.05, 0.3, size=(n_g, 1))
    inside[0] = False  # a regime with no candidate inside
    rows = rng.integers(0, n_rows, size=n_runs).astype(np.int64)
    idx = np.flatnonzero(rng.uniform(size=n_runs) < 0.8).astype(np.int64)
    at = rng.integers(0, n_g, size=idx.size).astype(np.int64)
    value = np.round(rng.uniform(0.5, 1.0, size=(n_runs, 2)), 1)
    parties = np.arange(n_a, dtype=np.int64)
    need = np.round(rng.uniform(0.2, 0.9, size=n_third), 1) - TOL_UTILITY
    lin_dist, lin_w = NO_LINEAR
    flat = np.ascontiguousarray(u.reshape(-1, n_a))
    for f in (_blocking, _blocking.py_func):
        who = np.zeros((n_runs, n_a), dtype=bool)
        f(flat, lin_dist, lin_w, inside, at, rows, idx, value, parties, need, who)
        ref = _reference(u, inside, at, rows, idx, value, parties, need, n_a)
        assert np.array_equal(who, ref)
    # not vacuous: some runs name a party, some name none
    assert ref.any() and not ref[idx].all()
