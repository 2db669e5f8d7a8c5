"""Per-run tables sorted as 32-bit keys (a prefix of the utility and the index, equal
prefixes repaired by the full keys while unpacking): the order of the full packed keys,
byte for byte, whatever the utilities; rows that do not fit keep the 64-bit sort."""

from __future__ import annotations

import numpy as np
import pytest

from detente.simulate import row_keys
from detente.simulate.tables import _ABOVE, _INDEX_BITS, _SORT_CELLS, build_table


def _reference(u: np.ndarray, feasible: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Order and sorted utilities by NumPy: the utility's bits without the index bits (1.5 if
    infeasible) with ties to the lower index, in the order of their values."""
    mask = np.uint64((1 << _INDEX_BITS) - 1)
    bits = np.where(feasible, u.view(np.uint64) & ~mask, np.float64(_ABOVE).view(np.uint64))
    # in the order of the values (negative ones included: their bits flipped, the others'
    # sign bit set, the order-preserving map of doubles to unsigned integers)
    sign = np.uint64(1 << 63)
    neg = (bits & sign) != 0
    value_key = np.where(neg, ~bits & ~mask, bits | sign)
    idx = np.lexsort((np.broadcast_to(np.arange(u.shape[1]), u.shape), value_key), axis=1)
    return idx, np.take_along_axis(bits, idx, axis=1)


def _check(u: np.ndarray, feasible: np.ndarray) -> None:
    t = build_table(u, feasible)
    for side in (0, 1):
        order, sorted_bits = _reference(np.ascontiguousarray(u[:, :, side]), feasible)
        assert np.array_equal(t.order[:, side], order)
        assert t.sorted_u[:, side].view(np.uint64).tobytes() == sorted_bits.tobytes()
    assert np.array_equal(t.n_feasible, feasible.sum(axis=1))


def _crowded(rng: np.random.Generator, rows: int, k: int) -> np.ndarray:
    """Utilities in crowds: many within 2^-16 of each other (one prefix), exact ties, values
    that differ only in the index bits (equal once truncated), tiny ones (prefix 0), 1 and
    values in [1, 1.5)."""
    u = rng.random((rows, k, 2))
    centre = rng.random((rows, 1, 2))
    u[:, ::3] = centre + rng.random((rows, (k + 2) // 3, 2)) * 2.0**-18  # one prefix
    u[:, 1::7] = np.round(u[:, 1::7], 2)  # exact ties
    bits = u.view(np.uint64)
    bits[:, 2::5] = (bits[:, 2::5] & ~np.uint64(0xFFF)) | rng.integers(
        0, 4096, bits[:, 2::5].shape
    ).astype(np.uint64)
    u[:, 3::11] = rng.random(u[:, 3::11].shape) * 2.0**-20  # below 2^-15: prefix 0
    u[:, 4::13] = 0.0
    u[:, 5::17] = 1.0
    u[:, 6::19] = 1.0 + rng.random(u[:, 6::19].shape) * 0.49
    return u


@pytest.mark.parametrize("k", [1, 3, 64, 1024, 4095])
def test_32_bit_keys_give_the_order_of_the_full_keys(k: int) -> None:
    rng = np.random.default_rng(k)
    rows = 2 * max(1, _SORT_CELLS // (2 * k)) + 3  # two full chunks and a partial one
    u = _crowded(rng, rows, k)
    feasible = rng.random((rows, k)) < 0.8
    feasible[1] = False  # nothing feasible
    feasible[2] = True
    _check(u, feasible)


def test_groups_of_one_prefix_are_ordered_by_utility_then_index() -> None:
    """Every utility of a row within one prefix (2^-17 apart at most), in reverse order of
    the index: the unpacking's insertion reorders the whole row."""
    k = 300
    base = np.float64(0.6)
    u = np.empty((3, k, 2))
    u[:, :, 0] = base + np.arange(k)[::-1] * 2.0**-40  # one prefix, decreasing in the index
    u[:, :, 1] = base  # all tied: by index
    u[2, ::2, 0] = base  # ties inside the group
    feasible = np.ones((3, k), dtype=bool)
    feasible[1, ::3] = False
    _check(u, feasible)
    t = build_table(u, feasible)
    assert np.array_equal(t.order[0, 0], np.arange(k)[::-1])


@pytest.mark.parametrize("bad", [np.nan, -0.25, -0.0, 1.5, 1.75, np.inf])
def test_rows_that_do_not_fit_keep_the_64_bit_sort(bad: float) -> None:
    """A feasible utility outside [+0, 1.5) (NaN, negative, -0.0, 1.5 and above) sends its
    chunk of rows to the 64-bit keys; the other chunks keep the 32-bit ones: the same order
    either way."""
    rng = np.random.default_rng(11)
    k = 200
    step = max(1, _SORT_CELLS // (2 * k))
    rows = 3 * step
    u = _crowded(rng, rows, k)
    u[step + 1, 7, 1] = bad  # the second chunk does not fit
    feasible = rng.random((rows, k)) < 0.9
    feasible[step + 1, 7] = True
    _check(u, feasible)
    # infeasible, the same value does not matter
    feasible[step + 1, 7] = False
    _check(u, feasible)


def test_the_prefix_orders_feasible_utilities_below_the_infeasible_key() -> None:
    x = np.sort(np.random.default_rng(2).random(10_000) * 1.5)
    x = np.concatenate([[0.0, 2.0**-30, 2.0**-15], x, [np.nextafter(1.5, 0.0)]])
    high = x.view(np.uint64) & ~np.uint64((1 << _INDEX_BITS) - 1)
    prefix = np.array([int(row_keys._prefix(h)) for h in high])
    assert (np.diff(prefix) >= 0).all()
    assert prefix.max() < row_keys._PREFIX_ABOVE < 2**20
    assert int(row_keys._prefix(np.uint64(row_keys._KEY_ABOVE))) == row_keys._PREFIX_ABOVE
