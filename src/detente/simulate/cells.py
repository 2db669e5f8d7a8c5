"""One cell of a talk table, read: the compiled kernels every reader of a
:class:`~detente.simulate.tables.TalkTable`'s utilities and sorted rows goes through.

A table stores its utilities (R·K, A) or, for per-run tables of a linear form, computes each
one from two distances shared by every run and the run's two weights
(:attr:`~detente.simulate.tables.TalkTable.linear_arrays`); it stores its sorted rows as keys,
or its order alone, each sorted value then computed from the order's candidate
(:attr:`~detente.simulate.tables.TalkTable.order_only`). :func:`_utility_at` and
:func:`_sorted_at` are the one way to read either form (the talks, the protocols, the searches,
the block's reasons); the whole-array readers of :mod:`detente.simulate.tables`
(:attr:`~detente.simulate.tables.TalkTable.utility`, ``sorted_u``, ``best_for``) fill their
arrays with them (:func:`_linear_utilities`, :func:`_sorted_rows`, :func:`_best_rows`).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from detente.core.jit import kernel
from detente.simulate.row_keys import _ABOVE, _HIGH, _linear_utility

__all__: list[str] = []

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
OrderArray = NDArray[np.int16]
"""Candidate indices of a table's sorted order: ``K`` < 2^12 (:data:`_INDEX_BITS`) fits int16."""

SortedSource = tuple[FloatArray | None, OrderArray, FloatArray, FloatArray, int, IntArray]
"""Where one side's sorted utilities are read (:func:`_sorted_at`): its stored rows
(flattened, ``row·K + j``; None for a table of the order alone), its order (flattened), the
linear form's distances and weights (:attr:`TalkTable.linear_arrays`), the side and each
row's first entry in the order (``row·K`` unless the table shares its orders,
:attr:`TalkTable.search_order`; a stored table's are ``row·K``)."""


@kernel
def _utility_at(
    utility: FloatArray,
    lin_dist: FloatArray,
    lin_w: FloatArray,
    row: int,
    k: int,
    at: int,
    a: int,
) -> float:
    """Actor ``a``'s utility of a table's entry ``at`` (candidate ``at − row·k`` of row
    ``row``; NaN for none, -1): the one way every reader of a table's utilities reads one.
    For a table of the linear form (``lin_dist`` (A, 2, K), ``lin_w`` (R, A, 2):
    :attr:`TalkTable.linear_arrays`) computed as the build computes its rows,
    ``1 − clip(d₀·w₀ + d₁·w₁)`` (:func:`~detente.simulate.row_keys._linear_utility`:
    :func:`detente.bargaining.utility._row_losses`' arithmetic and clip, bit for bit: two
    distances shared by every run, in cache, and the run's two weights, instead of a cache
    miss in a stored row); else read from the stored ``utility`` (R·K, A) (``lin_dist``
    empty: :data:`NO_LINEAR`)."""
    if at < 0:
        return np.nan
    if lin_dist.shape[0] == 0:
        return float(utility[at, a])
    return _linear_at(lin_dist, lin_w, row, a, at - row * k)


@kernel
def _linear_at(lin_dist: FloatArray, lin_w: FloatArray, row: int, a: int, q: int) -> float:
    """Actor ``a``'s utility of candidate ``q`` of row ``row`` of a table of the linear form
    (:func:`_linear_utility` of its two distances and the row's two weights): the one reading
    of the linear form, for :func:`_utility_at` and :func:`_sorted_at`."""
    return _linear_utility(lin_dist[a, 0, q], lin_dist[a, 1, q], lin_w[row, a, 0], lin_w[row, a, 1])


@kernel
def _sorted_at(
    keys: FloatArray | None,
    order: OrderArray,
    lin_dist: FloatArray,
    lin_w: FloatArray,
    side: int,
    row: int,
    base: int,
    nf: int,
    j: int,
) -> float:
    """Position ``j`` of side ``side``'s sorted row ``row`` (entries from ``base``; ``nf`` of
    them feasible): the stored value (``keys``), or for a table of the order alone (``keys``
    None,
    :attr:`TalkTable.order_only`) the utility of the order's candidate there computed from
    the linear form as the build computes it (:func:`_linear_utility`) and truncated as the
    build truncates it (its index bits cleared, :data:`_HIGH`), 1.5 past the feasible ones
    (:data:`_ABOVE`; a table is of the order alone only if every utility is a float in
    [+0, 1], so its feasible ones come first): the stored table's value, bit for bit. The
    one way the searches read a sorted row (its arrays passed one by one: a tuple of arrays
    unpacked in a compiled loop counts references at every read)."""
    if keys is not None:  # a stored table (compiled apart: the test is the argument's type)
        return float(keys[base + j])
    if j >= nf:
        return _ABOVE
    u = _linear_at(lin_dist, lin_w, row, side, int(order[base + j]))
    return np.uint64(np.float64(u).view(np.uint64) & _HIGH).view(np.float64)


@kernel
def _sorted_rows(
    sources: tuple[SortedSource, SortedSource],
    n_feasible: IntArray,
    k: int,
    last: bool,
    out: FloatArray,
) -> None:
    """``out[side, row, i]``: each side's sorted utilities (:func:`_sorted_at`), side-major:
    every position (``out`` (2, R, K)), or with ``last`` the row's last feasible position's
    alone (``out`` (2, R, 1); position 0 where none is feasible)."""
    keys0, order0, dist, w, _, at0 = sources[0]
    keys1, order1, _, _, _, at1 = sources[1]
    for row in range(out.shape[1]):
        nf = n_feasible[row]
        first = max(nf - 1, 0) if last else 0
        for i in range(out.shape[2]):
            j = first + i
            out[0, row, i] = _sorted_at(keys0, order0, dist, w, 0, row, at0[row], nf, j)
            out[1, row, i] = _sorted_at(keys1, order1, dist, w, 1, row, at1[row], nf, j)


@kernel
def _linear_utilities(lin_dist: FloatArray, lin_w: FloatArray, out: FloatArray) -> None:
    """``out[row, q, a]``: every utility of a table of the linear form (:func:`_utility_at`),
    for a reader that asks for the whole array (:attr:`TalkTable.utility`)."""
    k = out.shape[1]
    stored = np.empty((0, out.shape[2]))  # none: every utility from the linear form
    for row in range(out.shape[0]):
        for q in range(k):
            for a in range(out.shape[2]):
                out[row, q, a] = _utility_at(stored, lin_dist, lin_w, row, k, row * k + q, a)


@kernel
def _best_rows(
    utility: FloatArray,
    lin_dist: FloatArray,
    lin_w: FloatArray,
    order: OrderArray,
    n_feasible: IntArray,
    lo: int,
    hi: int,
    out: FloatArray,
) -> None:
    """Rows ``lo…hi`` of :attr:`TalkTable.best_for` into ``out`` (2, R, K + 1): for ``me``,
    the running maximum (``np.maximum``'s, NaN propagating) of its utilities
    (:func:`_utility_at` of ``utility`` (R·K, A), ``lin_dist``, ``lin_w``) along the other
    side's order ``order`` (2, R, K), from the last feasible candidate back; ``-inf`` past
    them."""
    k = order.shape[2]
    for me in range(2):
        other = 1 - me
        for row in range(lo, hi):
            last = min(max(n_feasible[row], 0), k)
            for j in range(last, k + 1):
                out[me, row, j] = -np.inf
            best = -np.inf
            for j in range(last - 1, -1, -1):
                at = row * k + np.int64(order[other, row, j])
                x = _utility_at(utility, lin_dist, lin_w, row, k, at, me)
                best = best if (best > x or best != best) else x
                out[me, row, j] = best
