"""Per-run rows with negative utilities (a bundle's value g - K can fall below 0: a stated
cost of fighting among its effects) are sorted by value, so that the searches, which may
start from any hint, find the same position (review rev12b, finding S1)."""

from __future__ import annotations

import numpy as np
import pytest
from tests.simulate.helpers import NO_COUNTS, stored_source

from detente.simulate.row_keys import _HIGH, _KEY_MASK
from detente.simulate.search import _search_at
from detente.simulate.tables import _sort_signed, build_table


def test_rows_with_negative_utilities_ascend_and_every_hint_finds_the_same_position() -> None:
    k = 20
    rng = np.random.default_rng(0)
    u = np.empty((2, k, 2))
    u[:, :, 0] = np.linspace(-0.5, 0.9, k)
    u[:, :, 1] = rng.uniform(0.0, 1.0, (2, k))
    table = build_table(u, np.ones((2, k), dtype=bool))
    lookup = table.lookup(2)
    keys = lookup.keys[0]
    row = keys[:k]  # row 0 (offset 0 when offsets are used)
    assert np.all(np.diff(row) >= 0.0), row
    x = np.full(2, 0.1) + (2.0 * lookup.rows if lookup.offset else 0.0)
    found = set()
    for hint in (-1, 0, 5, 12, 19):
        pos = np.full(2, hint, dtype=np.int64)
        _search_at(stored_source(keys, k), NO_COUNTS, k, lookup.rows, lookup.offset, x, pos)
        found.add(tuple(pos.tolist()))
    assert found == {(9, 9)}  # the first of the 20 values >= 0.1


@pytest.mark.parametrize("seed", range(20))
def test_signed_sort_orders_by_value_and_ties_by_index(seed: int) -> None:
    rng = np.random.default_rng(seed)
    k = int(rng.integers(1, 40))
    pool = np.array([-0.5, -0.25, 0.0, -0.0, 0.1, 0.9, 1.5, -1e-300, 0.3])
    u = np.where(rng.random((3, k)) < 0.5, rng.choice(pool, (3, k)), rng.uniform(-1, 1, (3, k)))
    keys = (u.view(np.uint64) & _HIGH) | np.arange(k, dtype=np.uint64)[None, :]
    before = keys.copy()
    _sort_signed(keys)
    values = (keys & _HIGH).view(np.float64)
    index = (keys & np.uint64(_KEY_MASK)).astype(np.int64)
    for r in range(3):
        assert np.all(np.diff(values[r]) >= 0.0)
        assert sorted(keys[r].tolist()) == sorted(before[r].tolist())  # the same keys
        same = (keys[r, 1:] & _HIGH) == (keys[r, :-1] & _HIGH)
        assert np.all(index[r, 1:][same] > index[r, :-1][same])  # ties by index
