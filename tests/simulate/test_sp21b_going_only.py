"""Until the settlement the implement step leaves the runs already stopped as they are
(branch sp21b: ``RunState.going_only``, ``implement._going_rows``, ``implement._idle_going``).
The block's outputs are checked against the default mode by test_s15b_until_settlement and
against the step loop by test_s16a_idle_going; here the two kernels against NumPy."""

from __future__ import annotations

import numpy as np
import pytest

from detente.simulate.steps.implement import _busy_going, _going_rows
from detente.simulate.steps.signing import busy


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("n_b", [1, 3])
def test_going_rows_keeps_the_runs_still_going(seed: int, n_b: int) -> None:
    rng = np.random.default_rng(seed)
    n, period = 300, 40
    first = rng.integers(-1, 60, size=(n, n_b)).astype(np.int64)
    first[rng.uniform(size=n) < 0.3, 0] = -1
    k = int(rng.integers(0, n + 1))
    rows = np.sort(rng.choice(n, size=k, replace=False)).astype(np.int64)
    signers = np.flatnonzero(rng.uniform(size=k) < 0.4).astype(np.int64)
    going = (first[:, 0] < 0) | (first[:, 0] >= period)
    want_rows = rows[going[rows]]
    want_signers = np.flatnonzero(np.isin(want_rows, rows[signers]))
    for f in (_going_rows, _going_rows.py_func):
        r, s = np.concatenate([rows, [-7] * 3]), np.concatenate([signers, [-7] * 3])
        kept, n_s = f(r, k, s, signers.size, first, period)
        assert np.array_equal(r[:kept], want_rows)
        assert np.array_equal(s[:n_s], want_signers)


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("n_b", [1, 2])
def test_busy_going_is_busy_of_the_runs_still_going(seed: int, n_b: int) -> None:
    rng = np.random.default_rng(seed)
    n, period = int(rng.integers(0, 50)), 20
    sparse = rng.uniform(0.0, 0.08)
    signed = rng.uniform(size=(n, n_b)) < sparse
    phase = np.where(rng.uniform(size=(n, n_b)) < sparse, 2, 0).astype(np.int64)
    spoil = rng.uniform(size=(n, 2)) < sparse
    first = rng.integers(-1, 30, size=(n, n_b)).astype(np.int64)
    going = (first[:, 0] < 0) | (first[:, 0] >= period)
    want = busy(signed[going], phase[going], spoil[going])
    for f in (_busy_going, _busy_going.py_func):
        assert f(signed, phase, spoil, first, period) == want
