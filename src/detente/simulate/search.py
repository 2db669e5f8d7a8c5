"""The talks' searches in a :class:`~detente.simulate.tables.TalkTable`, compiled.

- :func:`propose` finds the package a party values *least* among those meeting its demand (the
  least demanding offer that still meets its aspiration: the time-based negotiators' rule,
  Faratin et al. 1998);
- :func:`frontier` finds the most a party can get among the packages the other side values at
  least at a threshold;
- :func:`values_of` / :func:`value_of` give the utilities of chosen candidates.

Each is one search per run in its own row of the table (:mod:`detente.simulate.tables` builds
the rows): a binary search, or a search that starts at the run's previous position (its
*hint*) and gallops out to the bracket it then bisects. The hint changes the cost, never the
result.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from detente.core import TOL_UTILITY
from detente.core.jit import kernel
from detente.simulate.cells import OrderArray, SortedSource, _sorted_at, _utility_at
from detente.simulate.tables import _LOWEST, SearchArrays, TalkTable

__all__ = ["frontier", "propose", "value_of", "values_of"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

# The searches, compiled. Per-run helpers take and return numbers only (a compiled call that
# passes arrays pays for reference counting); the kernels over runs take the table's arrays
# as :meth:`~detente.simulate.tables.RunLookup.args` lists them.


@kernel
def _hint_at(
    keys: FloatArray | None,
    order: OrderArray,
    lin_dist: FloatArray,
    lin_w: FloatArray,
    side: int,
    row: int,
    base: int,
    off: float,
    k: int,
    nf: int,
    x: float,
    h: int,
) -> int:
    """The first look of :func:`_search_at` for one run (side ``side``'s sorted row ``row`` from
    entry ``base``, :func:`~detente.simulate.cells._sorted_at` of ``keys``, ``order`` and
    the linear form; ``nf`` of them feasible; ``off`` added to its values): ``h`` when the
    hint's bracket holds ``x`` (the value before it is below ``x`` and its own is not), else
    the miss encoded below -1 (``-2 - h``; -1: no hint); 0 in an empty row."""
    if k == 0:
        return 0
    if h < 0:  # no hint
        return -1
    h = min(h, k)
    below = _sorted_at(keys, order, lin_dist, lin_w, side, row, base, nf, max(h - 1, 0)) + off < x
    at = _sorted_at(keys, order, lin_dist, lin_w, side, row, base, nf, min(h, k - 1)) + off < x
    hit = (h == 0 or below) and (h == k or not at)
    return h if hit else -2 - h  # a miss keeps its hint, encoded below -1


@kernel
def _find_at(
    keys: FloatArray | None,
    order: OrderArray,
    lin_dist: FloatArray,
    lin_w: FloatArray,
    side: int,
    row: int,
    base: int,
    off: float,
    k: int,
    nf: int,
    x: float,
    code: int,
) -> int:
    """The position of :func:`_search_at` for one run, from :func:`_hint_at`'s ``code`` (the
    same row): as it is if the hint was hit, else galloping from the hint (1, 2, 4 … away)
    to a bracket and bisecting it (a plain bisection without a hint)."""
    if code >= 0:
        return code
    lo, hi = 0, k  # the position is in [lo, hi]: values before lo are below x
    if code < -1:
        h = -2 - code
        step = 1
        if (
            h < k and _sorted_at(keys, order, lin_dist, lin_w, side, row, base, nf, h) + off < x
        ):  # above the hint: gallop up
            lo = h + 1
            while h + step < k:
                if (
                    _sorted_at(keys, order, lin_dist, lin_w, side, row, base, nf, h + step) + off
                    < x
                ):
                    lo = h + step + 1
                    step *= 2
                else:
                    hi = h + step
                    break
        else:  # at or below the hint: gallop down
            hi = h
            while h - step >= 0:
                if (
                    _sorted_at(keys, order, lin_dist, lin_w, side, row, base, nf, h - step) + off
                    < x
                ):
                    lo = h - step + 1
                    break
                hi = h - step
                step *= 2
    while lo < hi:
        mid = (lo + hi) >> 1
        if _sorted_at(keys, order, lin_dist, lin_w, side, row, base, nf, mid) + off < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


@kernel
def _search_at(
    src: SortedSource,
    n_feasible: IntArray,
    k: int,
    rows: IntArray,
    offset: bool,
    x: FloatArray,
    pos: IntArray,
) -> None:
    """``pos[j]``: the position in row ``rows[j]`` of a side's sorted utilities (rows of
    ``k`` ascending values, :func:`~detente.simulate.cells._sorted_at` of ``src``;
    ``n_feasible`` per row) of the first value ≥ ``x[j]`` (``k`` if none), as
    ``np.searchsorted(row, x[j], side="left")``; with ``offset``, each value compared is
    the row's value plus ``2·rows[j]`` (``x`` includes it: :data:`FEW_ROWS`).

    On entry ``pos[j]`` is a hint: where an earlier search of the run found its position
    (-1: none). A first pass checks every run's hint (:func:`_hint_at`: independent
    loads, in flight together); where the position has moved, the search gallops from the
    hint to a bracket and bisects it (:func:`_find_at`). The result is the first position at
    or above ``x[j]`` whatever the hint (the rows ascend: :func:`build_table` sorts negative
    utilities by value, :func:`_sort_signed`): the hint only changes how many values are read (two
    when the position has not moved, against ⌈log₂ k⌉ + 1)."""
    n = x.shape[0]
    keys, order, dist, w, side, at = src
    computed = keys is None  # the order alone: the feasible counts are read
    for j in range(n):
        r = rows[j]
        off = 2.0 * r if offset else 0.0
        nf = n_feasible[r] if computed else 0
        pos[j] = _hint_at(keys, order, dist, w, side, r, at[r], off, k, nf, x[j], pos[j])
    for j in range(n):
        if pos[j] < 0:
            r = rows[j]
            off = 2.0 * r if offset else 0.0
            nf = n_feasible[r] if computed else 0
            pos[j] = _find_at(keys, order, dist, w, side, r, at[r], off, k, nf, x[j], pos[j])


@kernel
def _clip(x: float, lo: float, hi: float) -> float:
    """``np.clip(x, lo, hi)`` (NaN in ``x`` or ``lo`` propagates, as NumPy's)."""
    y = x if (x != x or x > lo) else lo
    return y if (y != y or y < hi) else hi


@kernel
def _cell(row: int, k: int, cand: int) -> int:
    """The entry of candidate ``cand`` of row ``row`` in the flattened (R·K) tables, -1 for
    no candidate (``cand`` < 0)."""
    return row * k + cand if cand >= 0 else -1


@kernel
def _propose_key(demand: float, row: int, offset: bool) -> float:
    """What :func:`propose` searches the proposer's utilities for in row ``row``."""
    # NaN asks for everything; ±inf fall to the clip's bounds
    x = _clip(1.0 if demand != demand else demand, _LOWEST, 1.0) - TOL_UTILITY
    return x + 2.0 * row if offset else x


@kernel
def _propose_at(start: int, n_feasible: int, pos: int) -> int:
    """Entry of ``order`` holding :func:`propose`'s package, given the row's first entry
    ``start`` and the search's position ``pos`` (-1: nothing is feasible)."""
    if n_feasible <= 0:
        return -1
    return start + max(min(pos, n_feasible - 1), 0)


@kernel
def _frontier_key(other_needs: float, row: int, offset: bool) -> float:
    """What :func:`frontier` searches the other side's utilities for in row ``row``."""
    x = _clip(_LOWEST if other_needs != other_needs else other_needs, _LOWEST, 1.4)
    x = x - TOL_UTILITY
    return x + 2.0 * row if offset else x


@kernel
def _propose_runs(
    src: SortedSource,
    n_feasible: IntArray,
    k: int,
    offset: bool,
    rows: IntArray,
    demand: FloatArray,
    x: FloatArray,
    pos: IntArray,
    out: IntArray,
) -> None:
    """``out[j]``: :func:`propose` of ``demand[j]`` (``src``: the proposer's sorted row, its
    order ``src[1]``; ``x``: a work array; ``pos``: the search's hints in, its positions out,
    :func:`_search_at`)."""
    order, starts = src[1], src[5]
    for j in range(rows.shape[0]):
        x[j] = _propose_key(demand[j], rows[j], offset)
    _search_at(src, n_feasible, k, rows, offset, x, pos)
    for j in range(rows.shape[0]):
        at = _propose_at(starts[rows[j]], n_feasible[rows[j]], pos[j])
        out[j] = order[at] if at >= 0 else -1


@kernel
def _frontier_runs(
    src_other: SortedSource,
    best_for: FloatArray,
    n_feasible: IntArray,
    top: FloatArray,
    k: int,
    offset: bool,
    rows: IntArray,
    me: int,
    other_needs: FloatArray,
    x: FloatArray,
    pos: IntArray,
    out: FloatArray,
) -> None:
    """``out[j]``: :func:`frontier` of ``other_needs[j]`` for ``me`` (``src_other``: the
    other's sorted utilities, ``best_for``: ``me``'s; ``x``: a work array; ``pos``: the
    search's hints in, its positions out, :func:`_search_at`, unchanged if no run's threshold
    is known)."""
    known = False  # some run has a threshold (else each gets its best package)
    for j in range(rows.shape[0]):
        known = known or other_needs[j] == other_needs[j]
        x[j] = _frontier_key(other_needs[j], rows[j], offset)
    if known:
        _search_at(src_other, n_feasible, k, rows, offset, x, pos)
    for j in range(rows.shape[0]):
        r = rows[j]
        if known:
            out[j] = best_for[r * (k + 1) + min(pos[j], k)]
        else:  # nothing known of the other's needs: its best package
            out[j] = top[r, me] if n_feasible[r] > 0 else -np.inf


@kernel
def _propose_all(
    tab: SearchArrays,
    side: int,
    demand: FloatArray,
) -> IntArray:
    keys0, keys1, order0, order1, _, _, _, n_feasible, _, k, offset, rows, dist, w, at0, at1 = tab
    n = rows.shape[0]
    out = np.empty(n, dtype=np.int64)
    src = (keys0, order0, dist, w, 0, at0) if side == 0 else (keys1, order1, dist, w, 1, at1)
    _propose_runs(src, n_feasible, k, offset, rows, demand, np.empty(n), np.full(n, -1), out)
    return out


@kernel
def _frontier_all(
    tab: SearchArrays,
    me: int,
    other_needs: FloatArray,
) -> FloatArray:
    keys0, keys1, order0, order1, best0, best1, _, n_feasible, top, k, offset, rows = tab[:12]
    dist, w, at0, at1 = tab[12:]
    n = rows.shape[0]
    out = np.empty(n)
    src_other = (keys1, order1, dist, w, 1, at1) if me == 0 else (keys0, order0, dist, w, 0, at0)
    best_for = best0 if me == 0 else best1
    _frontier_runs(
        src_other,
        best_for,
        n_feasible,
        top,
        k,
        offset,
        rows,
        me,
        other_needs,
        np.empty(n),
        np.full(n, -1),
        out,
    )
    return out


@kernel
def _values_all(
    utility: FloatArray,
    lin_dist: FloatArray,
    lin_w: FloatArray,
    k: int,
    rows: IntArray,
    cand: IntArray,
) -> FloatArray:
    n_a = lin_dist.shape[0] if lin_dist.shape[0] > 0 else utility.shape[1]
    out = np.full((rows.shape[0], n_a), np.nan)
    for j in range(rows.shape[0]):
        at = _cell(rows[j], k, cand[j])
        if at >= 0:
            for a in range(n_a):
                out[j, a] = _utility_at(utility, lin_dist, lin_w, rows[j], k, at, a)
    return out


def propose(t: TalkTable, side: int, demand: FloatArray) -> IntArray:
    """The feasible package ``side`` values least among those worth at least ``demand`` to it
    (its best one if none is), per run; -1 where nothing is feasible."""
    d = np.ascontiguousarray(demand, dtype=np.float64)
    out: IntArray = _propose_all(t.lookup(d.shape[0]).args(), side, d)
    return out


def frontier(t: TalkTable, me: int, other_needs: FloatArray) -> FloatArray:
    """The most ``me`` can get among feasible packages the other values at least at
    ``other_needs`` (``-inf`` if none). A NaN threshold excludes nothing; where every run's
    is NaN, the result is ``me``'s best feasible utility, :attr:`TalkTable.top`."""
    x = np.ascontiguousarray(other_needs, dtype=np.float64)
    known = not np.isnan(x).all()
    out: FloatArray = _frontier_all(t.lookup(x.shape[0]).args(t.best_for if known else None), me, x)
    return out


def values_of(t: TalkTable, k: IntArray) -> FloatArray:
    """Utilities (N, A) to every actor of candidate ``k`` per run (NaN where ``k`` < 0)."""
    runs = t.lookup(k.shape[0])
    cand = np.ascontiguousarray(k, dtype=np.int64)
    if cand.size and int(cand.max()) >= runs.size:  # the kernel reads without bounds checks
        raise IndexError(f"candidate {int(cand.max())} of a table of {runs.size}")
    lin_dist, lin_w = t.linear_arrays
    out: FloatArray = _values_all(runs.utility, lin_dist, lin_w, runs.size, runs.rows, cand)
    return out


def value_of(t: TalkTable, k: IntArray, actor: int) -> FloatArray:
    """Utility to ``actor`` of candidate ``k`` per run (NaN where ``k`` < 0)."""
    out: FloatArray = np.ascontiguousarray(values_of(t, k)[:, actor])
    return out
