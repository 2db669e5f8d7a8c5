"""Streaming stores (branch sp20): ``detente.core.prefetch.store_streaming`` stores the bits an
assignment stores (only past the caches), and the per-run tables of two-issue utilities built
with it (``row_keys._two_issue_rows``, its sorted utilities) are the tables the packed keys
give (``test_s16b_tables``) and the same whichever way they are stored."""

from __future__ import annotations

import numpy as np
import pytest

from detente.core.jit import kernel
from detente.core.prefetch import store_fence, store_streaming
from detente.simulate import row_keys


@kernel
def _streamed(src: np.ndarray, out: np.ndarray) -> None:
    for i in range(src.shape[0]):
        store_streaming(out, i, src[i])
    store_fence()


@kernel
def _assigned(src: np.ndarray, out: np.ndarray) -> None:
    for i in range(src.shape[0]):
        out[i] = src[i]


def _values(dtype: type, size: int = 4099) -> np.ndarray:
    rng = np.random.default_rng(20)
    if np.issubdtype(dtype, np.floating):
        special = [0.0, -0.0, np.inf, -np.inf, np.nan, 5e-324, -5e-324, 1.0, 1.5]
        x = np.concatenate([special, rng.uniform(-2, 2, size)])
        return x.astype(dtype)
    info = np.iinfo(dtype)
    return rng.integers(info.min, info.max, size, dtype=dtype, endpoint=True)


@pytest.mark.parametrize("dtype", [np.uint64, np.int64, np.float64, np.int16, np.float32])
@pytest.mark.parametrize("offset", [0, 1, 3])  # unaligned starts: the stores of a view
def test_a_streaming_store_stores_the_assignments_bits(dtype: type, offset: int) -> None:
    src = _values(dtype)[offset:]
    streamed = np.full(src.shape, 7, dtype=dtype)
    assigned = np.full(src.shape, 7, dtype=dtype)
    _streamed(src, streamed)
    _assigned(src, assigned)
    assert streamed.tobytes() == assigned.tobytes() == src.tobytes()
    interpreted = np.zeros_like(src)
    _streamed.py_func(src, interpreted)  # NUMBA_DISABLE_JIT: ``a[i] = v``
    assert interpreted.tobytes() == src.tobytes()
    assert store_fence() is None


def test_a_streaming_store_casts_as_an_assignment() -> None:
    src = np.array([0, 1, 2**40 + 3, 2**63 - 1], dtype=np.int64)
    streamed, assigned = np.zeros(4, np.float64), np.zeros(4, np.float64)
    _streamed(src, streamed)
    _assigned(src, assigned)
    assert streamed.tobytes() == assigned.tobytes()


def test_two_issue_rows_are_the_same_stored_either_way() -> None:
    """The kernel's streamed sorted utilities against its interpreted form's assignments."""
    rng = np.random.default_rng(3)
    n, k = 40, 200
    dist = rng.uniform(0, 1, (2, 2, k))
    weights = rng.uniform(0.2, 0.8, (n, 2, 2))
    weights[:, :, 1] = 1 - weights[:, :, 0]
    feasible = rng.uniform(size=(n, k)) < 0.9
    feasible[::3] = True
    share = weights[:, :, 0] / weights.sum(axis=2)
    runs = np.ascontiguousarray(np.argsort(share.T, axis=1, kind="stable"), dtype=np.int64)
    outs = []
    for f in (row_keys._two_issue_rows, row_keys._two_issue_rows.py_func):
        n_f = np.full(n, -9, np.int64)
        order = np.full((2, n, k), -9, np.int16)
        bits = np.full((2, n, k), 9, np.uint64)
        outright = f(dist, weights, feasible, runs, n_f, order, bits)
        outs.append((outright, n_f, order, bits))
    (o0, *a0), (o1, *a1) = outs
    assert o0 == o1
    for x, y in zip(a0, a1, strict=True):
        assert x.tobytes() == y.tobytes()
