"""Per-run rows of two-issue utilities sorted by insertion (``row_keys._two_issue_rows``) and
the 32-bit keys' two-pass unpacking (``row_keys._unpack_keys32``) give the order of the full
keys (utility bits, then index) that every other way of building a row gives, byte for byte:
rows sorted outright when their neighbour's order is far from theirs, ties, near ties within
a 32-bit key's prefix, infeasible candidates, NaN and negative utilities."""

from __future__ import annotations

import numpy as np
import pytest
from tests.simulate.helpers import assert_same_table

from detente.bargaining.utility import distances, utility_arrays
from detente.simulate import row_keys
from detente.simulate.tables import TalkTable, build_table, linear_tables

_same = assert_same_table


def _full_key_order(u: np.ndarray, feasible: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The reference: each row's full 64-bit keys (utility bits less the index bits, 1.5 if
    infeasible; the index below) sorted as unsigned integers, unpacked."""
    mask = (1 << row_keys._INDEX_BITS) - 1
    high = u.view(np.uint64) & np.uint64(~mask & (2**64 - 1))
    high = np.where(feasible, high, np.uint64(row_keys._KEY_ABOVE))
    keys = np.sort(high | np.arange(u.shape[-1], dtype=np.uint64), axis=-1)
    return (keys & np.uint64(mask)).astype(np.int16), (keys & ~np.uint64(mask)).view(np.float64)


def _two_issue_rows(
    ideal: np.ndarray, weights: np.ndarray, cand: np.ndarray, feasible: np.ndarray
) -> tuple[TalkTable, int]:
    """The insertion-sorted table and how many of its rows were sorted outright."""
    n, n_a = weights.shape[0], ideal.shape[0]
    k = cand.shape[0]
    dist = np.ascontiguousarray(distances(ideal, cand).transpose(1, 2, 0))
    runs = np.stack([np.arange(n), np.arange(n)[::-1]]).astype(np.int64)  # any visiting order
    order = np.empty((2, n, k), dtype=np.int16)
    sorted_u = np.empty((2, n, k))
    n_feasible = np.empty(n, dtype=np.int64)
    outright = row_keys._two_issue_rows(
        dist,
        np.ascontiguousarray(weights),
        np.ascontiguousarray(feasible),
        runs,
        n_feasible,
        order,
        sorted_u.view(np.uint64),
    )
    table = TalkTable(
        np.zeros((0, k, n_a)),  # no utilities stored: computed from the linear form
        feasible,
        order.transpose(1, 0, 2),
        sorted_u.transpose(1, 0, 2),
        n_feasible,
        linear=(dist, np.ascontiguousarray(weights)),
    )
    return table, int(outright)


@pytest.mark.parametrize("n_a", [2, 3])
def test_insertion_rows_are_the_full_keys_order_even_when_sorted_outright(n_a: int) -> None:
    rng = np.random.default_rng(n_a)
    n, k = 24, 200
    ideal = rng.uniform(0.0, 100.0, (n_a, 2))
    weights = rng.uniform(-0.5, 0.9, (n, n_a, 2))  # any sign: neighbours' orders far apart
    weights[4, :, 1] = 0.0  # one issue only: ties on the other, broken by the index
    weights[5] = 0.0  # every utility 1
    weights[6, 1, 0] = np.nan  # NaN utilities for side 1: sorted as their bits
    cand = rng.uniform(-20.0, 120.0, (k, 2))
    cand[::3] = np.round(cand[::3], -1)  # exact ties
    feasible = rng.random((n, k)) < 0.8
    feasible[7] = False
    feasible[8:12] = True  # rows with every candidate feasible
    table, outright = _two_issue_rows(ideal, weights, cand, feasible)
    assert outright > 0  # the fallback ran
    u = utility_arrays(ideal, weights[:, None], np.ones(n_a), cand[None])
    assert table.utility.tobytes() == u.tobytes()
    for side in (0, 1):
        order, sorted_u = _full_key_order(u[:, :, side], feasible)
        assert table.order[:, side].tobytes() == order.tobytes()
        assert table.sorted_u[:, side].tobytes() == sorted_u.tobytes()
    assert np.array_equal(table.n_feasible, feasible.sum(axis=1))


def test_neighbouring_ratios_sort_by_insertion_alone() -> None:
    """Two issues, weights summing to 1 (the NegMAS workload's), rows visited in the order of
    the first issue's share: hardly any row needs the outright sort (the first of each side
    does)."""
    rng = np.random.default_rng(11)
    n, k = 300, 32
    opts = np.linspace(0.0, 100.0, k)
    cand = np.stack(np.meshgrid(opts, opts, indexing="ij"), axis=-1).reshape(-1, 2)
    ideal = np.array([[0.0, 0.0], [100.0, 100.0]])
    wa, wb = rng.uniform(0.2, 0.8, n), rng.uniform(0.2, 0.8, n)
    weights = np.stack([np.stack([wa, 1 - wa], 1), np.stack([wb, 1 - wb], 1)], axis=1)
    feasible = np.ones((n, cand.shape[0]), dtype=bool)
    dist = np.ascontiguousarray(distances(ideal, cand).transpose(1, 2, 0))
    runs = np.stack([np.argsort(wa, kind="stable"), np.argsort(wb, kind="stable")])
    order = np.empty((2, n, cand.shape[0]), dtype=np.int16)
    sorted_bits = np.empty((2, n, cand.shape[0]), dtype=np.uint64)
    outright = row_keys._two_issue_rows(
        dist,
        weights,
        feasible,
        runs,
        np.empty(n, dtype=np.int64),
        order,
        sorted_bits,
    )
    assert 2 <= outright <= n // 25
    u = utility_arrays(ideal, weights[:, None], np.ones(2), cand[None])
    _same(linear_tables(ideal, weights, cand, feasible), build_table(u, feasible))


def test_unpacking_orders_groups_of_equal_prefixes_by_full_key() -> None:
    """Utilities equal in their 32-bit key's prefix (within about 2^-16) but not equal, and
    exact ties, in feasible and infeasible candidates: the table is the full keys' order."""
    rng = np.random.default_rng(2)
    n, k = 6, 300
    base = rng.uniform(0.1, 0.9, (n, k // 6, 2))
    u = np.repeat(base, 6, axis=1)  # groups of six equal utilities
    u[:, 1::6] += 2.0**-30  # near ties: the same prefix, another full key
    u[:, 2::6] -= 2.0**-28
    u[:, 3::6] += 2.0**-45  # below the key's 41 bits: a tie once truncated
    perm = rng.permutation(k)
    u = np.ascontiguousarray(u[:, perm])
    feasible = rng.random((n, k)) < 0.9
    table = build_table(u, feasible)
    for side in (0, 1):
        order, sorted_u = _full_key_order(u[:, :, side], feasible)
        assert table.order[:, side].tobytes() == order.tobytes()
        assert table.sorted_u[:, side].tobytes() == sorted_u.tobytes()
