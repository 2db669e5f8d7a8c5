"""Sort keys of per-run table rows: utilities packed with their candidate, sorted, unpacked.

:mod:`detente.simulate.tables` sorts each side's candidates in ascending order of utility, one
row per run. A row is sorted as packed integer keys (the utility's float64 bits above the
candidate's index, or a monotone 20-bit prefix of them above the index when every feasible
utility lies in [+0, 1.5)), compiled (:mod:`detente.core.jit`); the unpacking passes give each
side's order and sorted utilities. Rows of utilities over two issues are instead sorted by
insertion from a neighbouring row's order (:func:`_two_issue_rows`): the same order, that of
the full keys.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from detente.bargaining.utility import _UTILITY, _finish1, _row_losses, _weigh
from detente.core.jit import inline_kernel, kernel
from detente.core.prefetch import store_fence, store_streaming

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
OrderArray = NDArray[np.int16]
BoolArray = NDArray[np.bool_]

_ABOVE = 1.5
"""Sort key of an infeasible candidate: above every utility (≤ 1), below the next row's (2)."""
_INDEX_BITS = 12
"""Low bits of a float64 utility that carry the candidate index in the packed sort key."""

_KEY_MASK = (1 << _INDEX_BITS) - 1
"""The candidate index's bits of a packed key."""
_KEY_ABOVE = int(np.float64(_ABOVE).view(np.uint64)) & ~_KEY_MASK
"""The packed key (without index) of an infeasible candidate: 1.5 has no low bits to clear."""


_HIGH = np.uint64(~_KEY_MASK & (2**64 - 1))
"""The bits of a packed key above the index: the utility's."""
_KEY_NORMAL = np.uint64(np.finfo(np.float64).smallest_normal.view(np.uint64))
"""Added to every key sorted as a float (:func:`_sort_as_floats`): a key of a package worth
0 (bits 0 but for the index) would be a subnormal float, which a thread with the
flush-to-zero or denormals-are-zero flags on (set by some fast-math libraries) sorts as 0,
losing the index; shifted, every key is a normal float."""
_KEY_FINITE = int(np.float64(np.inf).view(np.uint64)) - int(_KEY_NORMAL)
"""Packed keys below this (sign bit clear, exponent not all ones once shifted by
:data:`_KEY_NORMAL`) are finite floats ≥ +0: ordered as float64 exactly as their bits are
ordered as integers."""


def _sort_as_floats(keys: NDArray[np.uint64]) -> None:
    """Sort each row of ``keys`` (all below :data:`_KEY_FINITE`) in place, in the order of
    their bits, as normal float64s (NumPy's faster sort for floats): shifted up by
    :data:`_KEY_NORMAL` (an order-preserving shift) and back."""
    keys += _KEY_NORMAL
    keys.view(np.float64).sort(axis=1)
    keys -= _KEY_NORMAL


@kernel
def _pack_keys(
    bits: NDArray[np.uint64],
    feasible: BoolArray,
    keys: NDArray[np.uint64],
    n_feasible: IntArray,
) -> bool:
    """``keys[side · rows + row, j]``: candidate ``j``'s utility to ``side`` (float64 bits,
    the index bits cleared; :data:`_KEY_ABOVE` if infeasible) with ``j`` in the low bits;
    each row's feasible candidates counted. True if every key is a finite float ≥ +0
    (:data:`_KEY_FINITE`): then they sort as float64 in the order of their bits."""
    rows = bits.shape[0]
    largest = np.uint64(0)
    for row in range(rows):
        count = 0
        for j in range(bits.shape[1]):
            ok = feasible[row, j]
            k0, k1 = bits[row, j, 0] & _HIGH, bits[row, j, 1] & _HIGH
            if ok:
                count += 1
                largest = max(largest, k0, k1)
            keys[row, j] = _key(k0, ok, j)
            keys[rows + row, j] = _key(k1, ok, j)
        n_feasible[row] = count
    return bool(largest < np.uint64(_KEY_FINITE))


@kernel
def _utility_keys(
    dist: FloatArray,
    weights: FloatArray,
    feasible: BoolArray,
    utility: FloatArray,
    keys: NDArray[np.uint32],
    n_feasible: IntArray,
    acc: FloatArray,
    acc_bits: NDArray[np.uint64],
) -> bool:
    """:func:`_pack_keys32` of rows whose utilities it computes first: ``utility[row, q, a]
    = 1 − clip(Σ_k dist[a, k, q] · weights[row, a, k])`` (:func:`_row_losses` into ``acc``;
    ``acc_bits``: its bits), each side's keys packed from them while in cache."""
    rows = weights.shape[0]
    largest = np.uint64(0)
    for row in range(rows):
        n_feasible[row] = _count(feasible[row])
        for a in range(dist.shape[0]):
            _row_losses(dist[a], weights[row, a], _UTILITY, acc)
            for q in range(acc.shape[0]):
                utility[row, q, a] = acc[q]
            if a < 2:
                top = _pack_row32(acc_bits, feasible[row], keys[a * rows + row])
                largest = max(largest, top)
    return bool(largest < np.uint64(_KEY_ABOVE))


_PREFIX_SHIFT = 36
"""The sort prefix of a utility (:func:`_prefix`) is its bits from bit 36 up (11 exponent
bits, 16 of the mantissa)…"""
_PREFIX_BASE = (1023 - 15) << (52 - _PREFIX_SHIFT)
"""… less those of 2^-15 (every utility below it has prefix 0): below 2^20 for every
utility below 2, and for a feasible one (below 1.5, :data:`_KEY_ABOVE`) below the prefix of
the infeasible candidates' key, :data:`_PREFIX_ABOVE`."""


@kernel
def _prefix(high: np.uint64) -> np.uint64:
    """The sort prefix of a key's utility bits ``high`` (at most :data:`_KEY_ABOVE`):
    non-decreasing in ``high``, below 2^20."""
    top = high >> np.uint64(_PREFIX_SHIFT)
    base = np.uint64(_PREFIX_BASE)
    return top - base if top > base else np.uint64(0)


_PREFIX_ABOVE = (_KEY_ABOVE >> _PREFIX_SHIFT) - _PREFIX_BASE
"""The prefix of an infeasible candidate's key (1.5): above every feasible one's when the
feasible utilities are below 1.5."""


@kernel
def _pack_keys32(
    bits: NDArray[np.uint64],
    feasible: BoolArray,
    keys: NDArray[np.uint32],
    n_feasible: IntArray,
) -> bool:
    """:func:`_pack_row32` of both sides of every row: ``keys[side · rows + row]``; each
    row's feasible candidates counted. True if every feasible utility is a float in
    [+0, 1.5) (bits below :data:`_KEY_ABOVE`): then the keys sort as :func:`_unpack_keys32`
    reads them."""
    rows = bits.shape[0]
    largest = np.uint64(0)
    for row in range(rows):
        n_feasible[row] = _count(feasible[row])
        for side in range(2):
            top = _pack_row32(bits[row, :, side], feasible[row], keys[side * rows + row])
            largest = max(largest, top)
    return bool(largest < np.uint64(_KEY_ABOVE))


@kernel
def _pack_row32(
    bits: NDArray[np.uint64], feasible: BoolArray, keys: NDArray[np.uint32]
) -> np.uint64:
    """``keys[j]``: the prefix (:func:`_prefix`) of candidate ``j``'s utility bits without
    the index bits (:data:`_KEY_ABOVE` if infeasible) above ``j`` in the low bits; returns
    the largest feasible utility's bits without the index (0 if none)."""
    largest = np.uint64(0)
    shift = np.uint64(_INDEX_BITS)
    for j in range(bits.shape[0]):
        ok = feasible[j]
        high = bits[j] & _HIGH if ok else np.uint64(_KEY_ABOVE)
        if ok:
            largest = max(largest, high)
        keys[j] = np.uint32(((_prefix(high) << shift) | np.uint64(j)) & np.uint64(0xFFFFFFFF))
    return largest


@kernel
def _unpack_keys32(
    keys: NDArray[np.uint32],
    lo: int,
    bits: NDArray[np.uint64],
    n_feasible: IntArray,
    order: OrderArray,
    sorted_bits: NDArray[np.uint64],
) -> None:
    """Rows ``lo…`` of each side's order and sorted utilities (their bits without the index
    bits, :data:`_KEY_ABOVE` if infeasible) from sorted 32-bit ``keys`` (2 · rows, K),
    side-major, of rows whose feasible utilities are floats in [+0, 1.5)
    (:func:`_pack_keys32`), the utilities' bits of those rows ``bits`` (rows, K, A) and each
    row's count of feasible candidates ``n_feasible`` (R,). The keys are in the order of
    (prefix, index): the row's ``n_feasible`` feasible candidates first, then the infeasible
    ones (:data:`_PREFIX_ABOVE`, above every feasible prefix), by index, as their full keys
    are.
    A first pass, without branches, reads each feasible candidate's utility bits; every
    group of equal prefixes (utilities within about 2^-16 of each other, or equal: rare and
    short) is then put in the order of the full keys (utility bits, index) by insertion, in
    rows that have one. The result is the order of the full keys: the prefix never
    decreases as they increase. With ``sorted_bits`` of width 0 ((2, R, 0): a table of the
    order alone, :attr:`detente.simulate.tables.TalkTable.order_only`) only the order is
    written, each row's bits kept in a scratch row while its groups are ordered."""
    mask = np.uint32(_KEY_MASK)
    shift = np.uint32(_INDEX_BITS)
    rows = keys.shape[0] // 2
    k = keys.shape[1]
    store = sorted_bits.shape[2] == k  # else (2, R, 0): the order alone
    scratch = np.empty(0 if store else k, dtype=np.uint64)  # a row's bits, in cache
    for side in range(2):
        for i in range(rows):
            row = lo + i
            line = keys[side * rows + i]
            at = order[side, row]
            ubits = sorted_bits[side, row] if store else scratch
            n_f = min(max(n_feasible[row], 0), k)
            ties = 0
            previous = np.uint32(0xFFFFFFFF)  # above every key's prefix (< 2^20)
            for j in range(n_f):
                key = line[j]
                q = np.int64(key & mask)
                at[j] = np.int16(q)
                ubits[j] = bits[i, q, side] & _HIGH
                group = key >> shift
                ties += group == previous
                previous = group
            for j in range(n_f, k):  # infeasible: in index order, as their full keys
                at[j] = np.int16(line[j] & mask)
                ubits[j] = np.uint64(_KEY_ABOVE)
            if ties:
                _order_groups(line, n_f, at, ubits)


@kernel
def _order_groups(
    line: NDArray[np.uint32], n_f: int, at: OrderArray, ubits: NDArray[np.uint64]
) -> None:
    """Each group of equal prefixes among the first ``n_f`` sorted keys ``line`` put in the
    order of the full keys (``ubits`` | index ``at``) by insertion."""
    shift = np.uint32(_INDEX_BITS)
    for j in range(1, n_f):
        group = line[j] >> shift
        if (line[j - 1] >> shift) != group:
            continue
        q = at[j]
        high = ubits[j]
        full = high | np.uint64(q)
        p = j
        while p > 0 and (line[p - 1] >> shift) == group:
            if (ubits[p - 1] | np.uint64(at[p - 1])) < full:
                break
            ubits[p] = ubits[p - 1]
            at[p] = at[p - 1]
            p -= 1
        ubits[p] = high
        at[p] = q


@kernel
def _count(feasible: BoolArray) -> int:
    count = 0
    for j in range(feasible.shape[0]):
        if feasible[j]:
            count += 1
    return count


@kernel
def _key(high: np.uint64, feasible: bool, j: int) -> np.uint64:
    """The packed sort key of candidate ``j`` whose utility's bits without the index bits
    are ``high``: those bits (:data:`_KEY_ABOVE` if infeasible) with ``j`` in the low bits."""
    return (high if feasible else np.uint64(_KEY_ABOVE)) | np.uint64(j)


@kernel
def _unpack_keys(
    keys: NDArray[np.uint64],
    lo: int,
    order: OrderArray,
    sorted_bits: NDArray[np.uint64],
) -> None:
    """Rows ``lo…`` of each side's order (the sorted keys' index bits) and sorted utilities
    (``sorted_bits``: their float64 bits, the rest of the key: the utility truncated by at
    most 2^-40); ``keys`` (2 · rows, K), side-major. With ``sorted_bits`` of width 0
    ((2, R, 0): a table of the order alone) only the order is written."""
    mask = np.uint64(_KEY_MASK)
    high = ~mask
    rows = keys.shape[0] // 2
    store = sorted_bits.shape[2] == keys.shape[1]
    for side in range(2):
        for i in range(rows):
            row = lo + i
            for j in range(keys.shape[1]):
                key = keys[side * rows + i, j]
                order[side, row, j] = np.int16(key & mask)
                if store:
                    sorted_bits[side, row, j] = key & high


@kernel
def _two_issue_rows(
    dist: FloatArray,
    weights: FloatArray,
    feasible: BoolArray,
    runs: IntArray,
    n_feasible: IntArray,
    order: OrderArray,
    sorted_bits: NDArray[np.uint64],
    shared: OrderArray | None = None,
    base: IntArray | None = None,
) -> int:
    """Per-run rows of two-issue utilities, each sorted by insertion from the row before.

    Side ``a``'s utilities ``1 − clip(Σ_k dist[a, k, q] · weights[row, a, k])``
    (:func:`_row_losses`' arithmetic) give its order and sorted utilities (their bits
    without the index bits, :data:`_KEY_ABOVE` if infeasible): the order of the full 64-bit
    keys (:func:`_key`: utility bits, index), the order every other way of building a row
    gives. ``runs`` (2, N): each side's rows in the order they are visited, its weights'
    ratio ascending (the caller's): with two issues a row's order depends on that ratio
    only, so the previous row's order is nearly this row's (a few dozen of 1,024 candidates
    move). Each side keeps its candidates' full keys (``keys``) and their two distances
    (``near``) in the previous row's sorted order: a row's utilities are computed in that
    order in one pass over contiguous distances (:func:`_row_losses` of ``near``: no
    gather), packed above the candidates' indices, and sorted by insertion with the
    distances carried along (:func:`_insert_keys`); its order and sorted utilities are then
    unpacked. A row where the insertions would move more than ``8 · K`` candidates is sorted
    outright. The utilities are not written: the table's readers compute each one they read
    from the same distances and weights (:func:`detente.simulate.cells._utility_at`).
    The sorted utilities (8 of the 10 bytes a candidate's row entry takes) are written past
    the caches (:func:`~detente.core.prefetch.store_streaming`: the same bits): a block's
    tables (~80 MB at 4,096 runs of 1,024 candidates) do not fit in a core's cache, and
    written through it each line is first read from memory; measured (branch sp20,
    2026-12-03, thread CPU, core 0, the NegMAS workload's 1,024-outcome blocks of 4,096
    runs): this call 4.5-5.0 → 3.6-4.1 µs a run, ``initial_state`` 5.4-6.3 → 4.0-4.5, while
    the talks' reads of the tables cost the same (docs/benchmarks.md, "The twentieth
    session"). With ``sorted_bits`` of width 0 ((2, N, 0): a table of the order alone,
    :attr:`detente.simulate.tables.TalkTable.order_only`) only the order is written: its
    readers compute each sorted utility from it (:func:`detente.simulate.cells._sorted_at`;
    branch sp21a, docs/benchmarks.md "The twenty-first session"). A row whose keys are
    already in order in the previous row's order (no key below the one before it) has the
    previous row's order exactly (the keys are unique): its insertion is skipped. With
    ``shared`` (2, N, K) and ``base`` (2, N), each side's distinct orders are also written
    once each, in the order visited, to ``shared[side]`` (rows ``0…``), and ``base[side,
    row]`` is the entry of ``shared[side]`` flattened where row ``row``'s order starts: a row
    with the previous row's order shares its entry (the searches read ``shared``: the NegMAS
    workload at 1,024 outcomes has ~460 distinct orders a side in a block of 4,096 runs,
    1.8 MB instead of 16; branch sp23c, docs/benchmarks.md "The twenty-third session").
    Returns the rows sorted outright."""
    k = dist.shape[2]
    store = sorted_bits.shape[2] == k  # else (2, N, 0): the order alone
    mask = np.uint64(_KEY_MASK)
    above = np.uint64(_KEY_ABOVE)
    keys = np.empty(k, dtype=np.uint64)  # full keys in the previous row's order
    near = np.empty((2, k))  # their candidates' distances, issue by issue, in that order
    d0, d1 = near[0], near[1]
    u = np.empty(k)
    u_bits = u.view(np.uint64)
    flags = np.empty((k + 7) // 8 * 8, dtype=np.uint8)  # the insertions' marks
    outright = 0
    for side in range(2):
        for j in range(k):  # the first row is written in index order
            keys[j] = np.uint64(j)
            d0[j] = dist[side, 0, j]
            d1[j] = dist[side, 1, j]
        slots = 0  # distinct orders written to shared[side]
        for t in range(runs.shape[1]):
            row = runs[side, t]
            ok = feasible[row]
            if side == 0:
                n_feasible[row] = _count(ok)
            w0, w1 = weights[row, side, 0], weights[row, side, 1]
            for j in range(k):  # one pass over contiguous distances: vectorised
                u[j] = _linear_utility(d0[j], d1[j], w0, w1)
                keys[j] = (u_bits[j] & _HIGH) | (keys[j] & mask)
            if n_feasible[row] < k:  # infeasible candidates: above every utility
                for j in range(k):
                    if not ok[keys[j] & mask]:
                        keys[j] = above | (keys[j] & mask)
            down = False  # some key below the one before it: the order moved
            for j in range(1, k):
                down |= keys[j] < keys[j - 1]
            if down and not _insert_keys(keys, near, flags, 8 * k):
                keys.sort()
                for j in range(k):
                    c = np.int64(keys[j] & mask)
                    d0[j] = dist[side, 0, c]
                    d1[j] = dist[side, 1, c]
                outright += 1
            at = order[side, row]
            for j in range(k):
                at[j] = np.int16(keys[j] & mask)
            if shared is not None and base is not None:
                if down or t == 0:  # a new order: written once
                    line = shared[side, slots]
                    for j in range(k):
                        line[j] = np.int16(keys[j] & mask)
                    slots += 1
                base[side, row] = (slots - 1) * k
            if store:
                ubits = sorted_bits[side, row]
                for j in range(k):
                    store_streaming(ubits, j, keys[j] & _HIGH)
    if store:
        store_fence()
    return outright


@kernel
def _share_rows(order: OrderArray, runs: IntArray, shared: OrderArray, base: IntArray) -> None:
    """Each side's distinct orders of a table's rows ``order`` (2, N, K), written once each to
    ``shared[side]`` (rows ``0…``) visiting its rows in the order ``runs[side]``: a row equal
    to the row visited before it shares that row's entry; ``base[side, row]``: the entry of
    ``shared[side]`` flattened where row ``row``'s order starts (what
    :func:`_two_issue_rows` writes with ``shared``, for the tables sorted as keys)."""
    k = order.shape[2]
    for side in range(2):
        slots = 0
        prev = -1
        for t in range(runs.shape[1]):
            row = runs[side, t]
            line = order[side, row]
            moved = prev < 0
            if not moved:
                last = order[side, prev]
                for j in range(k):  # no early exit: vectorised
                    moved |= line[j] != last[j]
            if moved:
                out = shared[side, slots]
                for j in range(k):
                    out[j] = line[j]
                slots += 1
            base[side, row] = (slots - 1) * k
            prev = row


@inline_kernel
def _insert_keys(
    keys: NDArray[np.uint64], near: FloatArray, flags: NDArray[np.uint8], budget: int
) -> bool:
    """Sort unique ``keys`` in place by insertion, each key's column of ``near`` (2, K)
    moved with it, unless that moves more than ``budget`` keys (False: then ``keys`` is a
    permutation of what it was, partly sorted, ``near`` still beside it). ``flags``: work
    space of at least ``K`` bytes rounded up to a multiple of 8.
    A first pass marks each key below the one before it (without a branch: it vectorises);
    the insertions then start only at marked keys, skipping eight unmarked ones at a time.
    After an insertion at ``j`` the sorted prefix ends with the largest key so far, not
    with ``keys[j]`` as marked, so the keys after it are compared one by one until one is
    in place: its successors' marks are then exact again (neither it nor they have moved).
    """
    k = keys.shape[0]
    d0, d1 = near[0], near[1]
    words = flags[: (k + 7) // 8 * 8].view(np.uint64)
    for j in range(k, words.shape[0] * 8):
        flags[j] = 0
    if k:
        flags[0] = 0
    for j in range(1, k):
        flags[j] = np.uint8(keys[j] < keys[j - 1])
    moved = 0
    j = 1
    while j < k:
        if (j & 7) == 0 and words[j >> 3] == 0:
            j += 8
            continue
        if flags[j] == 0:
            j += 1
            continue
        while j < k:  # marked: insert, then each next key until one is in place
            x = keys[j]
            if x > keys[j - 1]:
                break
            a, b = d0[j], d1[j]
            p = j
            while p > 0 and keys[p - 1] > x:
                keys[p] = keys[p - 1]
                d0[p] = d0[p - 1]
                d1[p] = d1[p - 1]
                p -= 1
            keys[p] = x
            d0[p] = a
            d1[p] = b
            moved += j - p
            if moved > budget:
                return False
            j += 1
        j += 1
    return True


@kernel
def _insert_rows(at: OrderArray, ubits: NDArray[np.uint64], budget: int) -> bool:
    """Sort a row's order ``at`` and sorted utilities ``ubits`` (bits without the index
    bits) in place by insertion, in the order of their full keys (``ubits | at``: unique),
    unless that moves more than ``budget`` candidates (False: then the row is a permutation
    of what it was, partly sorted): :func:`_insert_keys` of the row's full keys."""
    k = at.shape[0]
    keys = np.empty(k, dtype=np.uint64)
    for j in range(k):
        keys[j] = ubits[j] | np.uint64(at[j])
    done = _insert_keys(keys, np.empty((2, k)), np.empty((k + 7) // 8 * 8, np.uint8), budget)
    for j in range(k):
        at[j] = np.int16(keys[j] & np.uint64(_KEY_MASK))
        ubits[j] = keys[j] & _HIGH
    return done


@inline_kernel
def _linear_utility(d0: float, d1: float, w0: float, w1: float) -> float:
    """A candidate's two-issue linear utility ``1 − clip(d₀·w₀ + d₁·w₁)`` from its two
    distances and the actor's two weights: :func:`_row_losses`' arithmetic and clip, bit for
    bit, by the same scalar kernels (products summed issue by issue in order,
    :func:`~detente.bargaining.utility._weigh`, then
    :func:`~detente.bargaining.utility._finish1`). The one way a table of the linear form
    computes a utility: its build (:func:`_two_issue_rows`) and every reader
    (:func:`detente.simulate.cells._utility_at`)."""
    return _finish1(_weigh(d0 * w0, d1, w1), _UTILITY)
