"""Candidate packages as the talks search them: sorted once, looked up by binary search.

A :class:`TalkTable` holds the utilities of ``K`` candidate packages for the actors in talks,
either shared by every run (``R = 1``, the scenario's packages) or one table per run
(``R = N``, e.g. when each run draws its own preferences). For each belligerent it keeps the
feasible candidates in ascending order of its utility, so that

- :func:`~detente.simulate.search.propose` finds the package a party values *least* among
  those meeting its demand (the least demanding offer that still meets its aspiration: the
  time-based negotiators' rule in the automated-negotiation literature, Faratin et al. 1998),
  ties going to the package the other side values most (shared tables) or to the lower index
  (per-run tables);
- :func:`~detente.simulate.search.frontier` finds the most a party can get among the packages
  the other side values at least at a threshold (what it can hope for, given what it believes
  the other needs).

Both (in :mod:`detente.simulate.search`) are one search per run in its own row, compiled
(:mod:`detente.core.jit`): a binary search, or, in the talks, a search that starts where the
run's previous round found its position (its *hint*: concession moves a party's target a
little each round) and gallops out to the bracket it then bisects. Either gives the first
position whose value is at least the key, whatever the hint: the hint changes the cost, never
the result. Infeasible candidates are never offered.

A table may also hold a few rows shared by groups of runs (``R`` small, e.g. one row per
*red-line regime*: which veto parties have moved their stated red lines,
:mod:`detente.simulate.redlines`): :meth:`TalkTable.with_rows` attaches each run's row
(``row_of``), and every search is then one binary search per run in its own row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray

from detente.bargaining.utility import distances
from detente.simulate.cells import (
    OrderArray,
    SortedSource,
    _best_rows,
    _linear_utilities,
    _sorted_rows,
)
from detente.simulate.memory import BlockMemory
from detente.simulate.row_keys import (
    _ABOVE,
    _HIGH,
    _INDEX_BITS,
    _KEY_MASK,
    _pack_keys,
    _pack_keys32,
    _share_rows,
    _sort_as_floats,
    _two_issue_rows,
    _unpack_keys,
    _unpack_keys32,
    _utility_keys,
)

__all__ = [
    "FEW_ROWS",
    "NO_LINEAR",
    "RunLookup",
    "TalkTable",
    "build_table",
    "linear_tables",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

_LOWEST = -0.25
"""Search keys are clipped to [−0.25, 1.4] so that a key stays inside its own row's range."""
_SORT_CELLS = 2**15
"""Per-run tables are packed, sorted and unpacked a cache-sized chunk of keys at a time."""
_INSERTION_FROM = 160
"""Per-run rows over two issues of at least this many candidates are sorted by insertion
(:func:`_two_issue_table`), smaller ones as 32-bit keys: measured (branch s16b, rows computed
in the previous row's order and their insertions started at marked keys,
:func:`row_keys._two_issue_rows`; the whole :func:`linear_tables` on the NegMAS workload's
weights, thread CPU time, core 0, the two builds alternated 12 times, load average 5.5,
median µs a run, insertion against 32-bit keys) 3.21 against 4.74 at 1,024 candidates (4,096
runs), 1.80 against 2.50 at 484, 1.16 against 1.34 at 256, 0.94 against 1.03 at 169, 0.91
against 0.95 at 144, 0.86 against 0.70 at 100 (8,192 runs)."""
FEW_ROWS = 64
"""Tables with at most this many rows (red-line regimes) are searched in their sorted
utilities as they are; larger ones (per run) with ``2·row`` added to both sides of every
comparison (the search of the flattened, offset rows that the talks have always made: the
rounding of that sum is part of the results, so it stays)."""


NO_LINEAR = (np.zeros((0, 2, 0)), np.zeros((0, 0, 2)))
"""The linear form's arrays (:attr:`TalkTable.linear_arrays`) of a table that has none: its
utilities are read from its stored array (:func:`_utility_at`)."""


@dataclass(frozen=True, eq=False)
class TalkTable:
    """Utilities and search structures of ``K`` candidates, shared (R = 1) or per run (R = N).

    A table of two-issue linear utilities (:func:`linear_tables`) stores no utilities: every
    reader computes the one it reads from the table's linear form (:func:`_utility_at`, the
    build's own arithmetic, bit for bit), and :attr:`utility` computes the whole array only
    for a reader that asks for it. A table of the order alone (:attr:`order_only`: the
    per-run two-issue tables of :func:`linear_tables` whose utilities are all floats in
    [+0, 1], :func:`_plain_linear`) stores no sorted utilities either: the
    searches compute each one they read (:func:`_sorted_at`), and :attr:`sorted_u` the
    whole array for a reader that asks for it."""

    # (R, K, A) every actor's utility of every candidate; (0, K, A) for a table of the
    # linear form (``linear``), whose utilities are computed where they are read
    stored_utility: FloatArray
    feasible: BoolArray  # (R, K) candidates that may be offered
    order: OrderArray  # (R, 2, K) each belligerent's feasible candidates, ascending utility
    # (R, 2, K) utilities in that order (infeasible: _ABOVE, at the end); (R, 2, 0) for a
    # table of the order alone (:attr:`order_only`), whose sorted utilities are computed
    # where they are read (:func:`_sorted_at`)
    stored_sorted: FloatArray
    n_feasible: IntArray  # (R,)
    row_of: IntArray | None = None  # (N,) each run's row (regime tables); None: shared or per run
    parent: TalkTable | None = None  # the table this is a view of (shares its row tables)
    # the block's work memory its arrays were taken from (best_for is taken from it too);
    # None: fresh arrays (detente.simulate.memory)
    memory: BlockMemory | None = None
    # per-run rows of two-issue linear utilities (linear_tables): the shared distances
    # (A, 2, K) and each run's weights (R, A, 2) the utilities are computed from
    # (``1 − clip(d₀·w₀ + d₁·w₁)``, _row_losses' arithmetic, :func:`_utility_at`) wherever
    # they are read; None otherwise
    linear: tuple[FloatArray, FloatArray] | None = None
    # a table of the order alone's distinct orders (:func:`_two_issue_table`): per side, its
    # distinct rows (2, R, K; the first few of each side written) and each row's entry in
    # them flattened (2, R), what the searches read (:attr:`search_order`); None: the
    # searches read :attr:`flat_order`
    shared: tuple[OrderArray, IntArray] | None = None

    @property
    def rows(self) -> int:
        """R: 1 for a shared table, else the number of runs."""
        return int(self.feasible.shape[0])

    @property
    def size(self) -> int:
        """K: candidates."""
        return int(self.feasible.shape[1])

    @property
    def utility(self) -> FloatArray:
        """(R, K, A) every actor's utility of every candidate: the stored array, or for a
        table of the linear form the array computed from it on first use (what
        :func:`_utility_at` reads, bit for bit; the talks and the block's other passes read
        single utilities instead, :attr:`linear_arrays`)."""
        return (self.parent or self)._utility

    @cached_property
    def _utility(self) -> FloatArray:
        if self.linear is None:
            return self.stored_utility
        dist, w = self.linear
        out: FloatArray = _empty(
            self.memory, "table.utility", (*self.feasible.shape, dist.shape[0]), np.float64
        )
        _linear_utilities(dist, w, out)
        return out

    @property
    def top(self) -> FloatArray:
        """(R, 2) each belligerent's best feasible utility (NaN if nothing is feasible)."""
        return (self.parent or self)._top

    @cached_property
    def _top(self) -> FloatArray:
        last = np.maximum(self.n_feasible - 1, 0)
        if self.order_only:  # the last feasible position's utility, computed (_sorted_at)
            at_last = np.empty((2, self.rows, 1))
            _sorted_rows(self.sources(), self.n_feasible, self.size, True, at_last)
            out = at_last[:, :, 0].T
        else:
            out = self.sorted_u[np.arange(self.rows), :, last]
        out = np.where((self.n_feasible > 0)[:, None], out, np.nan)
        return np.asarray(out, dtype=np.float64)

    @property
    def order_only(self) -> bool:
        """The table stores its order but not its sorted utilities (per-run two-issue linear
        utilities, :func:`linear_tables`, all floats in [+0, 1]: :func:`_two_issue_table` at
        ≥ :data:`_INSERTION_FROM` candidates, 32-bit keys below; branches sp21a, sp22c):
        every reader computes the sorted utility
        it reads from the order's candidate and the linear form (:func:`_sorted_at`, the
        build's own arithmetic and truncation, bit for bit)."""
        base = self.parent or self
        return base.stored_sorted.shape[2] == 0 and base.size > 0

    @property
    def sorted_u(self) -> FloatArray:
        """(R, 2, K) each side's utilities in its order (infeasible: 1.5, at the end): the
        stored array, or for a table of the order alone (:attr:`order_only`) the array
        computed from it on first use (what :func:`_sorted_at` reads, bit for bit; the
        searches compute the single values they read instead)."""
        return (self.parent or self)._sorted_u

    @cached_property
    def _sorted_u(self) -> FloatArray:
        if not self.order_only:
            return self.stored_sorted
        out = np.empty((2, self.rows, self.size))
        _sorted_rows(self.sources(), self.n_feasible, self.size, False, out)
        return out.transpose(1, 0, 2)

    @property
    def search_keys(self) -> tuple[FloatArray, FloatArray] | tuple[None, None]:
        """Per side, the stored rows the searches read (:attr:`flat_sorted`), or for a table
        of the order alone None: :func:`_sorted_at` then computes each value it reads from
        :attr:`flat_order` and :attr:`linear_arrays` (None, not an empty array: the kernels
        are compiled for either form apart, and a stored table's reads are what they were)."""
        base = self.parent or self
        return (None, None) if base.order_only else base.flat_sorted

    def sources(self) -> tuple[SortedSource, SortedSource]:
        """Per side, what :func:`_sorted_at` reads that side's sorted utilities from
        (:attr:`search_keys`, :attr:`flat_order`, :attr:`linear_arrays`, the side)."""
        base = self.parent or self
        keys = base.search_keys
        dist, w = base.linear_arrays
        order = base.flat_order
        at = base.row_starts
        return (
            (keys[0], order[0], dist, w, 0, at),
            (keys[1], order[1], dist, w, 1, at),
        )

    @property
    def row_starts(self) -> IntArray:
        """(R,) each row's first entry in :attr:`flat_order` and :attr:`flat_sorted`:
        ``row·K``."""
        return (self.parent or self)._row_starts

    @cached_property
    def _row_starts(self) -> IntArray:
        return np.arange(self.rows, dtype=np.int64) * self.size

    @property
    def search_order(self) -> tuple[OrderArray, OrderArray, IntArray, IntArray]:
        """Per side, the order the searches read and each row's first entry in it: the
        table's distinct orders (:attr:`shared`, rows with the same order sharing their
        entries) or :attr:`flat_order` (``row·K``, :attr:`row_starts`); the same values at
        every row and position either way."""
        return (self.parent or self)._search_order

    @cached_property
    def _search_order(self) -> tuple[OrderArray, OrderArray, IntArray, IntArray]:
        if self.shared is None:
            order, at = self.flat_order, self.row_starts
            return order[0], order[1], at, at
        lines, starts = self.shared
        return lines[0].reshape(-1), lines[1].reshape(-1), starts[0], starts[1]

    @property
    def flat_sorted(self) -> tuple[FloatArray, FloatArray]:
        """Per side, ``sorted_u`` flattened: entry ``row·K + j`` (a view of a table built by
        :func:`build_table`; computed for a table of the order alone, whose searches read
        :meth:`sources` instead)."""
        return (self.parent or self)._flat_sorted

    @cached_property
    def _flat_sorted(self) -> tuple[FloatArray, FloatArray]:
        return (
            np.ascontiguousarray(self.sorted_u[:, 0], dtype=np.float64).reshape(-1),
            np.ascontiguousarray(self.sorted_u[:, 1], dtype=np.float64).reshape(-1),
        )

    @property
    def flat_order(self) -> tuple[OrderArray, OrderArray]:
        """Per side, ``order`` flattened: entry ``row·K + j``."""
        return (self.parent or self)._flat_order

    @cached_property
    def _flat_order(self) -> tuple[OrderArray, OrderArray]:
        return (
            np.ascontiguousarray(self.order[:, 0], dtype=np.int16).reshape(-1),
            np.ascontiguousarray(self.order[:, 1], dtype=np.int16).reshape(-1),
        )

    @property
    def linear_form(self) -> tuple[FloatArray, FloatArray] | None:
        """The distances and per-run weights of a table of two-issue linear utilities
        (:attr:`linear`; None for any other table)."""
        return (self.parent or self).linear

    @property
    def linear_arrays(self) -> tuple[FloatArray, FloatArray]:
        """:attr:`linear_form`, or :data:`NO_LINEAR`: with :attr:`flat_utility`, what
        :func:`_utility_at` reads a utility from."""
        return self.linear_form or NO_LINEAR

    @property
    def flat_utility(self) -> FloatArray:
        """The stored utilities as (R·K, A): row ``row·K + k`` holds candidate ``k`` of row
        ``row``; (0, A) for a table of the linear form (:func:`_utility_at`)."""
        u = self.stored_utility
        return u.reshape(-1, u.shape[2])

    @property
    def best_for(self) -> tuple[FloatArray, FloatArray]:
        """``best_for[me][row, j]``: the most ``me`` gets among the other's order from
        position ``j`` on (suffix maximum; ``-inf`` past the feasible ones): (R, K + 1)."""
        return (self.parent or self)._best_for

    @cached_property
    def _best_for(self) -> tuple[FloatArray, FloatArray]:
        out = _empty(self.memory, "table.best_for", (2, self.rows, self.size + 1), np.float64)
        # side-major: a view of a table built by build_table
        order = np.ascontiguousarray(self.order.transpose(1, 0, 2), dtype=np.int16)
        utility = np.ascontiguousarray(self.flat_utility)
        _best_rows(utility, *self.linear_arrays, order, self.n_feasible, 0, self.rows, out)
        return out[0], out[1]

    def with_rows(self, row_of: IntArray) -> TalkTable:
        """This table with run ``j`` reading row ``row_of[j]`` (a single row: the shared
        table itself)."""
        if self.rows == 1 and self.row_of is None:
            return self
        return TalkTable(
            self.stored_utility,
            self.feasible,
            self.order,
            self.stored_sorted,
            self.n_feasible,
            row_of,
            self.parent or self,
        )

    @cached_property
    def _row_tables(self) -> tuple[TalkTable, ...]:
        return tuple(
            TalkTable(
                self.utility[r : r + 1],
                self.feasible[r : r + 1],
                self.order[r : r + 1],
                self.sorted_u[r : r + 1],
                self.n_feasible[r : r + 1],
            )
            for r in range(self.rows)
        )

    def row(self, r: int) -> TalkTable:
        """Row ``r`` as a shared table (built once)."""
        return (self.parent or self)._row_tables[r]

    @property
    def efficient(self) -> IntArray:
        """A shared table's feasible candidates that no other feasible one beats for both
        belligerents (weakly better for both, strictly for one), in index order."""
        return (self.parent or self)._efficient

    @cached_property
    def _efficient(self) -> IntArray:
        keep = np.flatnonzero(self.feasible[0])
        ua, ub = self.utility[0, keep, 0], self.utility[0, keep, 1]
        geq = (ua[None, :] >= ua[:, None]) & (ub[None, :] >= ub[:, None])
        gt = (ua[None, :] > ua[:, None]) | (ub[None, :] > ub[:, None])
        out: IntArray = keep[~(geq & gt).any(axis=1)]
        return out

    @property
    def efficient_rows(self) -> tuple[IntArray, BoolArray]:
        """Every row's :attr:`efficient` candidates, padded to the longest: indices (R, E)
        (0 past a row's own) and which entries are real (R, E)."""
        return (self.parent or self)._efficient_rows

    @cached_property
    def _efficient_rows(self) -> tuple[IntArray, BoolArray]:
        eff = [self.row(r).efficient for r in range(self.rows)]
        width = max((e.size for e in eff), default=0)
        idx = np.zeros((self.rows, width), dtype=np.int64)
        real = np.zeros((self.rows, width), dtype=bool)
        for r, e in enumerate(eff):
            idx[r, : e.size] = e
            real[r, : e.size] = True
        return idx, real

    def run_rows(self, n: int) -> IntArray:
        """The row each of ``n`` runs reads."""
        if self.row_of is not None:
            return self.row_of
        if self.rows == 1:
            return np.zeros(n, dtype=np.int64)
        return np.arange(n, dtype=np.int64)

    def lookup(self, n: int) -> RunLookup:
        """The index arrays of ``n`` runs reading this table: built once for a table bound to
        its runs (per-run rows, or a view with ``row_of``), every period's searches and
        look-ups reuse them; a shared table's are built for each call (any ``n``)."""
        if self.row_of is None and self.rows == 1:
            return self._runs(self.run_rows(n))
        found = self._lookup
        if found.rows.shape[0] != n:
            raise ValueError(f"a table of {found.rows.shape[0]} runs read by {n}")
        return found

    @cached_property
    def _lookup(self) -> RunLookup:
        return self._runs(self.run_rows(self.rows if self.row_of is None else 0))

    def _runs(self, rows: IntArray) -> RunLookup:
        # shared tables and a few regime rows are searched as they are; per-run rows with
        # 2·row added to both sides of each comparison (FEW_ROWS)
        few = self.row_of is not None and self.rows <= FEW_ROWS
        offset = not (few or (self.row_of is None and self.rows == 1))
        return RunLookup(
            np.ascontiguousarray(rows, dtype=np.int64),
            self.size,
            offset,
            self.search_keys,
            self.search_order,
            np.ascontiguousarray(self.flat_utility),
            np.ascontiguousarray(self.n_feasible, dtype=np.int64),
            np.ascontiguousarray(self.top),
            self.linear_arrays,
        )

    def slice(self, rows: IntArray) -> TalkTable:
        """The table of some runs (a shared table is its own slice)."""
        if self.row_of is not None:
            return self.with_rows(self.row_of[rows])
        if self.rows == 1:
            return self
        return self.with_rows(np.asarray(rows, dtype=np.int64))  # a view: nothing copied


@dataclass(frozen=True, eq=False)
class RunLookup:
    """The runs reading a table and the table's arrays as the talk kernels read them (built
    once for a table bound to its runs). It holds the table's arrays, not the table (which
    caches it: no reference cycle keeps a block's tables alive). :meth:`args` is the first
    argument of every search kernel."""

    rows: IntArray  # (N,) each run's row
    size: int  # K
    offset: bool  # per-run rows: keys are compared with 2·row added to both sides (FEW_ROWS)
    # per side, TalkTable.flat_sorted (R·K,); None for a table of the order alone
    # (TalkTable.order_only: the searches compute each value they read, _sorted_at)
    keys: tuple[FloatArray, FloatArray] | tuple[None, None]
    # per side, TalkTable.search_order: the order and each row's first entry in it (R,)
    order: tuple[OrderArray, OrderArray, IntArray, IntArray]
    utility: FloatArray  # (R·K, A) TalkTable.flat_utility ((0, A): the linear form's)
    n_feasible: IntArray  # (R,)
    top: FloatArray  # (R, 2) TalkTable.top
    linear: tuple[FloatArray, FloatArray]  # TalkTable.linear_arrays

    def args(self, best_for: tuple[FloatArray, FloatArray] | None = None) -> SearchArrays:
        """The search kernels' table argument, with the table's :attr:`TalkTable.best_for` if
        given (built on first use: a search that knows nothing of the other side's needs
        does not read it; empty otherwise)."""
        b0, b1 = (_NONE, _NONE) if best_for is None else best_for
        k0, k1 = self.keys
        order0, order1, at0, at1 = self.order
        return SearchArrays(
            k0,
            k1,
            order0,
            order1,
            b0.reshape(-1),
            b1.reshape(-1),
            self.utility,
            self.n_feasible,
            self.top,
            self.size,
            self.offset,
            self.rows,
            *self.linear,
            at0,
            at1,
        )


class SearchArrays(NamedTuple):
    """A table's arrays as the compiled searches read them (:meth:`RunLookup.args`): one
    argument instead of twelve (Numba passes a named tuple of arrays as it is)."""

    keys0: FloatArray | None  # per side, TalkTable.flat_sorted (R·K,); None: order_only
    keys1: FloatArray | None
    order0: OrderArray  # per side, TalkTable.search_order's order (from at0[row], at1[row])
    order1: OrderArray
    best0: FloatArray  # per side, TalkTable.best_for flattened, or empty (not read)
    best1: FloatArray
    utility: FloatArray  # (R·K, A) TalkTable.flat_utility
    n_feasible: IntArray  # (R,)
    top: FloatArray  # (R, 2)
    k: int  # K
    offset: bool  # per-run rows: keys compared with 2·row added to both sides
    rows: IntArray  # (N,) each run's row
    lin_dist: FloatArray  # TalkTable.linear_arrays: the linear form's distances (A, 2, K)
    lin_w: FloatArray  # and per-run weights (R, A, 2); empty for a table without one
    at0: IntArray  # per side, each row's first entry in order0, order1 (and keys0, keys1)
    at1: IntArray


_NONE = np.zeros(0)


def _empty(
    memory: BlockMemory | None, name: str, shape: tuple[int, ...], dtype: type
) -> NDArray[Any]:
    """``np.empty(shape, dtype)``, from ``memory``'s buffer ``name`` if given."""
    if memory is None:
        return np.empty(shape, dtype=dtype)
    return memory.empty(name, shape, dtype)


def build_table(
    utility: FloatArray, feasible: BoolArray, memory: BlockMemory | None = None
) -> TalkTable:
    """Sort the feasible candidates of every row by each belligerent's utility.

    ``utility`` (R, K, A) with utilities usually in [0, 1] (a bundle's value can fall below 0:
    negative utilities are sorted by value too, :func:`_sort_signed`), ``feasible`` (R, K).
    A shared table (R = 1) breaks ties in favour of the other side; per-run tables are in the
    order of packed keys (the utility's float64 bits with the index in the low bits: ties go to the
    lower index): one compiled pass packs every row's 32-bit keys for both sides (a prefix
    of the utility that never decreases as it grows, and the index), NumPy sorts the rows,
    and a second pass unpacks the order (int16) and the sorted utilities, side-major (each
    side's rows one contiguous block: the searches read them as they are), putting the few
    candidates of equal prefixes in the order of their full keys (:func:`_per_run_table`;
    the full keys are unique: any correct sort gives this order). With ``memory``, a
    per-run table's arrays are taken from the block's work memory
    (:mod:`detente.simulate.memory`).
    """
    r, k, _ = utility.shape
    _check_size(k)
    utility = np.ascontiguousarray(utility, dtype=np.float64)
    if r == 1:
        feas = np.ascontiguousarray(np.broadcast_to(feasible, (r, k)), dtype=np.bool_)
        return _shared_table(utility, feas)
    feas = _feasible(feasible, r, k, memory)
    bits = utility.view(np.uint64)

    def pack(lo: int, hi: int, keys: NDArray[np.uint32], n_feasible: IntArray) -> bool:
        return _pack_keys32(bits[lo:hi], feas[lo:hi], keys, n_feasible)

    def rows(lo: int, hi: int) -> FloatArray:
        return utility[lo:hi]

    return _per_run_table(utility, feas, pack, memory, rows)


def _feasible(feasible: BoolArray, r: int, k: int, memory: BlockMemory | None) -> BoolArray:
    """``feasible`` broadcast to (r, k), contiguous (in ``memory`` if given)."""
    out: BoolArray = _empty(memory, "table.feasible", (r, k), np.bool_)
    out[...] = feasible
    return out


def linear_tables(
    ideal: FloatArray,
    weights: FloatArray,
    candidates: FloatArray,
    feasible: BoolArray,
    memory: BlockMemory | None = None,
) -> TalkTable:
    """Per-run tables of risk-neutral utilities: ``build_table(utility_arrays(ideal,
    weights[:, None], ones, candidates[None]), feasible)``, the same arrays, with each run's
    utilities (the bargaining engine's loss, :func:`detente.bargaining.utility._row_losses`,
    clipped, ``1 −`` it) computed and packed into its sort keys in one compiled pass while
    they are in cache, a chunk of runs at a time. With two issues (the order of a side's
    row then depends on its weights' ratio only) and at least :data:`_INSERTION_FROM`
    candidates, each side's rows are visited in the order of that ratio and sorted by
    insertion from the row before (:func:`_two_issue_table`): no sort keys, no NumPy sort,
    one compiled call. Either way, with two issues and every utility a float in [+0, 1]
    (:func:`_plain_linear`) the table stores its order alone (:attr:`TalkTable.order_only`;
    below :data:`_INSERTION_FROM` candidates measured, branch sp22c: a block of the NegMAS
    workload at 100 outcomes 9-17 % cheaper, docs/benchmarks.md "The twenty-second
    session").

    ``ideal`` (A, I), ``weights`` (N, A, I) per run, ``candidates`` (K, I), ``feasible``
    (N, K) or broadcasting to it; A ≥ 2 (the belligerents first), N ≥ 2; ``memory``: the
    block's work memory the arrays are taken from (:mod:`detente.simulate.memory`).
    """
    n, k = weights.shape[0], candidates.shape[0]
    _check_size(k)
    if weights.ndim != 3 or weights.shape[1:] != ideal.shape or ideal.shape[0] < 2 or n < 2:
        raise ValueError(
            f"per-run weights of shape {weights.shape} for ideal points {ideal.shape}: "
            "(runs ≥ 2, actors ≥ 2, issues) expected"
        )
    # (A, I, K): each actor's distances issue by issue, read in candidate order
    dist = np.ascontiguousarray(distances(ideal, candidates).transpose(1, 2, 0))
    w = np.ascontiguousarray(weights, dtype=np.float64)
    feas = _feasible(feasible, n, k, memory)
    n_a = ideal.shape[0]
    two = dist.shape[1] == 2
    if two and k >= _INSERTION_FROM:
        return _two_issue_table(dist, w, feas, memory)
    acc = np.empty(k)
    acc_bits = acc.view(np.uint64)
    if two:
        # two issues: the table stores no utilities (its readers compute them from the
        # linear form, _utility_at); a chunk's are kept while its keys are packed and
        # unpacked, in cache
        step = _chunk_rows(k)
        stored = np.zeros((0, k, n_a))
        scratch = _empty(memory, "table.utility", (min(step, n), k, n_a), np.float64)

        def rows(lo: int, hi: int) -> FloatArray:
            return scratch[: hi - lo]

        linear: tuple[FloatArray, FloatArray] | None = (dist, w)
    else:
        stored = _empty(memory, "table.utility", (n, k, n_a), np.float64)

        def rows(lo: int, hi: int) -> FloatArray:
            return stored[lo:hi]

        linear = None

    def pack(lo: int, hi: int, keys: NDArray[np.uint32], n_feasible: IntArray) -> bool:
        return _utility_keys(
            dist, w[lo:hi], feas[lo:hi], rows(lo, hi), keys, n_feasible, acc, acc_bits
        )

    # two issues, every utility a float in [+0, 1]: the order alone (_sorted_at)
    alone = two and _plain_linear(dist, w)
    table = _per_run_table(stored, feas, pack, memory, rows, linear, alone)
    if not table.order_only:
        return table
    # each side's distinct orders, for the searches (TalkTable.shared): its rows visited in
    # the order of their weights' ratio, a row equal to the one visited before sharing its
    # entry (the NegMAS workload at 100 outcomes: 42 distinct orders a side in 8,192 rows)
    shared = (
        _empty(memory, "table.shared_order", (2, n, k), np.int16),
        _empty(memory, "table.order_starts", (2, n), np.int64),
    )
    _share_rows(table.order.transpose(1, 0, 2), _by_ratio(w), *shared)
    return replace(table, shared=shared)


def _by_ratio(w: FloatArray) -> IntArray:
    """(2, N): each side's runs in ascending order of its first issue's share of its two
    weights (with two issues, a row's order depends on that ratio only; any weights, NaN
    included: only the visiting order)."""
    with np.errstate(all="ignore"):
        share = w[:, :2, 0] / (w[:, :2, 0] + w[:, :2, 1])
    return np.ascontiguousarray(np.argsort(share.T, axis=1, kind="stable"), dtype=np.int64)


def _two_issue_table(
    dist: FloatArray,
    w: FloatArray,
    feas: BoolArray,
    memory: BlockMemory | None,
) -> TalkTable:
    """Per-run rows of utilities over two issues (:func:`_two_issue_rows`): each side's rows
    visited in the order of its first issue's share of its weights, so that each row is
    sorted by insertion from the order of the row before it. The table stores no
    utilities: its readers compute them from its linear form (``dist``, ``w``:
    :func:`_utility_at`); where every utility is a float in [+0, 1] (:func:`_plain_linear`)
    it stores its order alone, not its sorted utilities (:attr:`TalkTable.order_only`,
    :func:`_sorted_at`; measured, branch sp21a: a block of the NegMAS workload at 1,024
    outcomes 13-24 % cheaper, docs/benchmarks.md "The twenty-first session")."""
    n, k = feas.shape
    n_a = dist.shape[0]
    order: OrderArray = _empty(memory, "table.order", (2, n, k), np.int16)
    shared: tuple[OrderArray, IntArray] | None = None
    if _plain_linear(dist, w):  # the order alone: sorted utilities computed where read
        sorted_u: FloatArray = np.empty((2, n, 0))
        # each side's distinct orders, for the searches (TalkTable.shared)
        shared = (
            _empty(memory, "table.shared_order", (2, n, k), np.int16),
            _empty(memory, "table.order_starts", (2, n), np.int64),
        )
    else:
        sorted_u = _empty(memory, "table.sorted_u", (2, n, k), np.float64)
    n_feasible: IntArray = _empty(memory, "table.n_feasible", (n,), np.int64)
    runs = _by_ratio(w)
    lines, starts = shared or (None, None)
    _two_issue_rows(dist, w, feas, runs, n_feasible, order, sorted_u.view(np.uint64), lines, starts)
    stored = np.zeros((0, k, n_a))
    return _side_major_table(stored, feas, order, sorted_u, n_feasible, memory, (dist, w), shared)


_PLAIN_BOUND = 1e150
"""Distances and weights below this in magnitude: no product or sum of two of them
overflows."""


def _plain_linear(dist: FloatArray, w: FloatArray) -> bool:
    """Every two-issue utility of these distances and weights is a float in [+0, 1] (no
    NaN: finite inputs whose products and sums cannot overflow; the clip does the rest), so
    that a row's feasible candidates sort first and its table may store the order alone
    (:attr:`TalkTable.order_only`, :func:`_sorted_at`)."""
    for a in (dist, w):
        if a.size and not (np.isfinite(a).all() and float(np.abs(a).max()) < _PLAIN_BOUND):
            return False
    return True


def _side_major_table(
    utility: FloatArray,
    feas: BoolArray,
    order: OrderArray,
    sorted_u: FloatArray,
    n_feasible: IntArray,
    memory: BlockMemory | None,
    linear: tuple[FloatArray, FloatArray] | None = None,
    shared: tuple[OrderArray, IntArray] | None = None,
) -> TalkTable:
    """The table of per-run rows built side-major (``order`` and ``sorted_u`` (2, R, K): each
    side's rows one contiguous block), seen run-major (R, 2, K) as the searches index it."""
    return TalkTable(
        utility,
        feas,
        order.transpose(1, 0, 2),
        sorted_u.transpose(1, 0, 2),
        n_feasible,
        memory=memory,
        linear=linear,
        shared=shared,
    )


def _check_size(k: int) -> None:
    if k >= 2**_INDEX_BITS:
        raise ValueError(f"at most {2**_INDEX_BITS - 1} candidates, got {k}")


def _chunk_rows(k: int) -> int:
    """Rows of ``k`` candidates packed, sorted and unpacked at a time (in cache)."""
    return max(1, _SORT_CELLS // max(2 * k, 1))


def _per_run_table(
    utility: FloatArray,
    feas: BoolArray,
    pack: Callable[[int, int, NDArray[np.uint32], IntArray], bool],
    memory: BlockMemory | None,
    rows: Callable[[int, int], FloatArray],
    linear: tuple[FloatArray, FloatArray] | None = None,
    order_only: bool = False,
) -> TalkTable:
    """Per-run rows (R > 1): ``pack(lo, hi, keys, n_feasible)`` packs rows ``lo…hi`` into
    32-bit ``keys`` (2 · rows, K), side-major (:func:`_pack_row32`: a prefix of the utility
    and the index), counts their feasible candidates and says whether every prefix is
    exact enough to order (feasible utilities in [+0, 1.5)); NumPy sorts each key row (uint32:
    about half the time of 64-bit keys), and a compiled pass unpacks the order (int16) and
    the sorted utilities, side-major (each side's rows one contiguous block: the searches
    read them as they are), putting each group of equal prefixes in the order of the full
    keys (:func:`_unpack_keys32`). Rows whose utilities do not fit (NaN, negative, ≥ 1.5) are
    packed into 64-bit keys and sorted as those (:func:`_pack_keys`): either way the order
    of the unique packed keys, the utility's float64 bits with the index in the low bits.
    ``rows(lo, hi)``: the utilities (hi − lo, K, A) of rows ``lo…hi`` once packed (the
    table's stored ``utility``, or a chunk's for a table of the linear form ``linear``,
    which stores none). With ``order_only`` (a table of the linear form whose utilities
    are all floats in [+0, 1], :func:`_plain_linear`) the sorted utilities are not
    written: the table stores its order alone (:attr:`TalkTable.order_only`)."""
    r, k = feas.shape
    # (R, 2, K) views of side-major arrays: each side's rows are one contiguous block
    order: OrderArray = _empty(memory, "table.order", (2, r, k), np.int16)
    if order_only:  # the order alone: sorted utilities computed where read (_sorted_at)
        sorted_u: FloatArray = np.empty((2, r, 0))
    else:
        sorted_u = _empty(memory, "table.sorted_u", (2, r, k), np.float64)
    n_feasible: IntArray = _empty(memory, "table.n_feasible", (r,), np.int64)
    step = _chunk_rows(k)  # rows packed, sorted, unpacked in cache
    keys = _empty(memory, "table.keys32", (2 * min(step, r) * k,), np.uint32)
    wide: NDArray[np.uint64] | None = None  # 64-bit keys of rows that do not fit in 32 bits
    sorted_bits = sorted_u.view(np.uint64)
    for lo in range(0, r, step):
        hi = min(lo + step, r)
        chunk = keys[: 2 * (hi - lo) * k].reshape(2 * (hi - lo), k)  # sorted in place
        fits = pack(lo, hi, chunk, n_feasible[lo:hi])
        bits = rows(lo, hi).view(np.uint64)
        if fits:
            chunk.sort(axis=1)
            _unpack_keys32(chunk, lo, bits, n_feasible, order, sorted_bits)
            continue
        if wide is None:
            wide = _empty(memory, "table.keys", (2 * min(step, r) * k,), np.uint64)
        chunk64 = wide[: 2 * (hi - lo) * k].reshape(2 * (hi - lo), k)
        # keys that are all finite floats >= +0 sort as float64 (NumPy's faster sort for
        # them; the same order as their bits'); others (NaN, negative) as their bits
        if _pack_keys(bits, feas[lo:hi], chunk64, n_feasible[lo:hi]):
            _sort_as_floats(chunk64)
        else:  # negative utilities (or NaN): sorted in the order of their values
            _sort_signed(chunk64)
        _unpack_keys(chunk64, lo, order, sorted_bits)
    return _side_major_table(utility, feas, order, sorted_u, n_feasible, memory, linear)


_SIGN = np.uint64(1 << 63)


def _sort_signed(keys: NDArray[np.uint64]) -> None:
    """Sort each row of packed keys (utility bits above the candidate's index) in place in the
    order of the utilities' VALUES, negative ones included, ties by index: a negative
    utility's bits are flipped and a non-negative one's sign bit set (the order-preserving
    map of IEEE 754 doubles to unsigned integers), sorted as integers and mapped back. Sorting
    the raw bits would put negative utilities last and in descending order, and the searches
    need ascending rows (the hint only changes how many values are read)."""
    neg = (keys & _SIGN) != 0
    keys[neg] = (~keys[neg] & _HIGH) | (keys[neg] & np.uint64(_KEY_MASK))
    keys[~neg] |= _SIGN
    keys.sort(axis=1)
    pos = (keys & _SIGN) != 0
    keys[pos] &= ~_SIGN
    keys[~pos] = (~keys[~pos] & _HIGH) | (keys[~pos] & np.uint64(_KEY_MASK))


def _shared_table(utility: FloatArray, feas: BoolArray) -> TalkTable:
    """A single row (R = 1): ties go to the package the other side values most."""
    k = utility.shape[1]
    order = np.empty((2, 1, k), dtype=np.int16).transpose(1, 0, 2)
    sorted_u = np.empty((2, 1, k), dtype=np.float64).transpose(1, 0, 2)
    for side in (0, 1):
        u = np.where(feas, utility[:, :, side], _ABOVE)
        idx = np.lexsort((np.arange(k), -utility[0, :, 1 - side], u[0]))[None, :]
        order[:, side] = idx
        sorted_u[:, side] = np.take_along_axis(u, idx, axis=1)
    return TalkTable(utility, feas, order, sorted_u, feas.sum(axis=1).astype(np.int64))
