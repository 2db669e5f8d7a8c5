"""The learn step's kernels give NumPy's bits: sums over types, values of fighting."""

from __future__ import annotations

import numpy as np
import pytest

from detente.simulate.beliefs import pairwise_sum


@pytest.mark.parametrize("n", [*range(1, 20), 31, 64, 127, 128, 129, 200, 517])
def test_pairwise_sum_is_numpys_sum(n: int) -> None:
    rng = np.random.default_rng(n)
    a = rng.random((40, n)) * rng.choice([1e-9, 1.0, 1e9, -1.0], size=(40, n))
    a[0] = -0.0
    a[1, 0] = np.nan
    want = a.sum(axis=1)
    got = np.array([pairwise_sum(np.ascontiguousarray(row), n) for row in a])
    assert got.tobytes() == want.tobytes()
