"""sp19: the linear utility's one scalar form (``bargaining.utility._weigh`` and ``_finish1``).

``row_keys._linear_utility`` (a per-run table's two-issue utility, computed by its build and
every reader) and the row kernels ``_row_losses`` / ``_finish`` / ``_weighted_losses`` call the
same two scalar kernels; this compares each, bit for bit, with the NumPy expression they
implement (``1 − clip(d₀·w₀ + d₁·w₁, 0, 1)``, products summed in issue order), on random values
and the special ones (±0, ±inf, NaN, subnormals, values outside [0, 1]).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from detente.bargaining.utility import (
    _CLIPPED,
    _LOSS,
    _UTILITY,
    _finish,
    _row_losses,
    _weighted_losses,
)
from detente.simulate.row_keys import _linear_utility

SPECIAL = np.array(
    [0.0, -0.0, np.inf, -np.inf, np.nan, 5e-324, -5e-324, 2.2e-308, 1.0, -1.0, 0.5, 1.5, 1e308]
)


@njit(cache=False)
def _linear_all(d0, d1, w0, w1, out):  # type: ignore[no-untyped-def]
    for i in range(out.shape[0]):
        out[i] = _linear_utility(d0[i], d1[i], w0[i], w1[i])


def _values(rng: np.random.Generator, n: int) -> np.ndarray:
    x = rng.uniform(-0.5, 1.5, n) * rng.choice([1.0, 1e-3, 1e3], n)
    pick = rng.random(n) < 0.05
    x[pick] = rng.choice(SPECIAL, int(pick.sum()))
    return x


def _bits(x: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(x).view(np.uint64)


def test_linear_utility_is_the_numpy_expression_bit_for_bit() -> None:
    rng = np.random.default_rng(19)
    grid = np.array(np.meshgrid(SPECIAL, SPECIAL, SPECIAL, SPECIAL)).reshape(4, -1)
    d0, d1, w0, w1 = (np.concatenate([g, _values(rng, 300_000)]) for g in grid)
    out = np.empty(d0.size)
    _linear_all(d0, d1, w0, w1, out)
    with np.errstate(all="ignore"):
        want = 1.0 - np.clip(d0 * w0 + d1 * w1, 0.0, 1.0)
    assert np.array_equal(_bits(out), _bits(want))


def test_row_kernels_match_the_numpy_sum_and_clip() -> None:
    rng = np.random.default_rng(7)
    for n_i in (0, 1, 2, 3):
        dist = np.ascontiguousarray(_values(rng, n_i * 5_000).reshape(n_i, 5_000))
        w = _values(rng, n_i)
        with np.errstate(all="ignore"):
            loss = np.zeros(5_000)
            for k in range(n_i):
                loss = dist[0] * w[0] if k == 0 else loss + dist[k] * w[k]
            # ``_clip01`` gives +0 for a loss of −0 where ``np.clip`` keeps −0 (int18 did
            # the same; a utility ``1 − c`` is 1 either way): compared as that
            clipped = np.clip(loss, 0.0, 1.0) + 0.0
        for what, want in ((_LOSS, loss), (_CLIPPED, clipped), (_UTILITY, 1.0 - clipped)):
            acc = np.empty(5_000)
            _row_losses(dist, w, what, acc)
            assert np.array_equal(_bits(acc), _bits(want))
            again = loss.copy()
            _finish(again, what)
            assert np.array_equal(_bits(again), _bits(want))
            # the same sum with a weight per package (the broadcasting kernel's other branch)
            per_q = np.ascontiguousarray(np.broadcast_to(w, (5_000, n_i)))
            out = np.empty((1, 5_000, 1))
            _weighted_losses(dist[None, None], per_q[None, :, None, :], what, out)
            assert np.array_equal(_bits(out[0, :, 0]), _bits(want))
