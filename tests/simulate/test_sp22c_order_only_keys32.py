"""Per-run two-issue tables below 160 candidates (sorted as 32-bit keys, e.g. the NegMAS
workload at 100 outcomes) that store their order alone (branch sp22c): the rows computed by
``cells._sorted_at`` are the stored rows of the same tables (``tables._plain_linear``
forced off) bit for bit, ties between equal prefixes included; every search kernel finds the
same positions in either form; through the engine the same outputs on the NegMAS workload."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from tests.simulate.helpers import assert_same_table, negmas_workload
from tests.simulate.test_sp21a_order_only import _both, _inputs, _searches

from detente.simulate import row_keys, simulate_block, tables


@pytest.mark.parametrize(("k1", "k2"), [(1, 1), (3, 4), (10, 10), (7, 13), (12, 13)])
@pytest.mark.parametrize("kind", ["negmas", "mixed"])
@pytest.mark.parametrize(("n", "n_a"), [(40, 2), (70, 3), (200, 2)])
def test_computed_rows_are_the_stored_rows(
    k1: int, k2: int, kind: str, n: int, n_a: int, monkeypatch: Any
) -> None:
    rng = np.random.default_rng(k1 * 1000 + k2 * 10 + n_a + n)
    ideal, weights, cand, feas = _inputs(rng, n, k1, k2, n_a, kind)
    assert k1 * k2 < tables._INSERTION_FROM  # the 32-bit keys' build
    new, old = _both(monkeypatch, ideal, weights, cand, feas)
    assert new.order_only and not old.order_only
    assert new.stored_sorted.shape[2] == 0 and old.stored_sorted.shape[2] == k1 * k2
    assert_same_table(new, old)  # sorted_u computed, bit for bit; top; best_for
    keys = new.lookup(n).keys
    assert keys[0] is None and keys[1] is None
    assert new.slice(np.arange(5, 17)).sorted_u.tobytes() == old.sorted_u.tobytes()


def test_ties_between_equal_prefixes(monkeypatch: Any) -> None:
    """Utilities within 2^-16 of each other share a 32-bit key's prefix: the build orders
    them by their full bits in a row's scratch when it stores no sorted utilities."""
    rng = np.random.default_rng(19)
    ideal, weights, cand, feas = _inputs(rng, 64, 10, 10, 2, "negmas")
    # groups of near-equal candidates in shuffled index order, and equal ones
    cand = cand[np.arange(cand.shape[0]) % 6] + rng.uniform(0.0, 1e-3, cand.shape)
    cand[::7] = cand[3]
    new, old = _both(monkeypatch, ideal, weights, cand, feas)
    assert new.order_only
    assert_same_table(new, old)


@pytest.mark.parametrize("kind", ["negmas", "mixed"])
def test_every_search_finds_the_same_positions(kind: str, monkeypatch: Any) -> None:
    rng = np.random.default_rng(13)
    ideal, weights, cand, feas = _inputs(rng, 70, 10, 10, 2, kind)  # 70 > FEW_ROWS: offset
    new, old = _both(monkeypatch, ideal, weights, cand, feas)
    assert new.order_only and new.lookup(70).offset
    assert _searches(new, np.random.default_rng(3), 4) == _searches(
        old, np.random.default_rng(3), 4
    )


def test_unpack_keys_of_the_order_alone() -> None:
    """The 64-bit keys' unpacking writes the same order with sorted utilities of width 0."""
    rng = np.random.default_rng(2)
    rows, k = 6, 37
    u = rng.uniform(0.0, 1.0, (2 * rows, k))
    keys = (u.view(np.uint64) & row_keys._HIGH) | np.arange(k, dtype=np.uint64)
    keys.sort(axis=1)
    full_o = np.empty((2, rows, k), dtype=np.int16)
    full_u = np.empty((2, rows, k), dtype=np.uint64)
    row_keys._unpack_keys(keys, 0, full_o, full_u)
    alone_o = np.empty((2, rows, k), dtype=np.int16)
    row_keys._unpack_keys(keys, 0, alone_o, np.empty((2, rows, 0), dtype=np.uint64))
    assert alone_o.tobytes() == full_o.tobytes()


@pytest.mark.parametrize("pairing", ["asp-asp", "boul-conc", "asp-nozopa", "tough-boul"])
def test_engine_outputs_equal_with_stored_rows(pairing: str, monkeypatch: Any) -> None:
    """The NegMAS workload at 100 outcomes through ``simulate_block``: the tables of the
    order alone and the stored tables give the same outputs, field by field."""
    m, inputs = negmas_workload(10, pairing, 96, seed=4)
    seed = np.random.SeedSequence(23)
    new = simulate_block(m, 96, 100, seed, inputs=inputs, until="settlement")
    with monkeypatch.context() as mp:
        mp.setattr(tables, "_plain_linear", lambda dist, w: False)
        old = simulate_block(m, 96, 100, seed, inputs=inputs, until="settlement")
    for name, value in vars(new).items():
        if isinstance(value, np.ndarray):
            other = getattr(old, name)
            assert value.dtype == other.dtype and value.tobytes() == other.tobytes(), name
