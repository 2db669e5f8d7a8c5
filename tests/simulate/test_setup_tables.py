"""The talks' per-run tables computed and packed in one pass (``candidate_table``) are the
tables of the utilities computed first (``build_table(candidate_utilities(...))``), byte for
byte, for every shape and edge they meet."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from tests.simulate.helpers import assert_same_table, fixture_scenario

from detente.bargaining.utility import utility_arrays
from detente.simulate.model import build_model, candidate_table, candidate_utilities
from detente.simulate.tables import _SORT_CELLS, build_table, linear_tables

_same = assert_same_table


@pytest.mark.parametrize(("n_a", "n_i", "k"), [(2, 2, 100), (3, 2, 37), (2, 1, 5), (4, 3, 300)])
def test_linear_tables_are_the_tables_of_the_utilities(n_a: int, n_i: int, k: int) -> None:
    rng = np.random.default_rng(n_a * 100 + k)
    n = 2 * max(1, _SORT_CELLS // (2 * k)) + 3  # two full chunks and a partial one
    ideal = rng.uniform(0.0, 100.0, (n_a, n_i))
    weights = rng.uniform(0.0, 0.7, (n, n_a, n_i))
    weights[1] = 0.0  # every utility 1
    weights[2, :, 0] = 3.0  # losses above 1: clipped, utility +0.0
    cand = rng.uniform(-20.0, 120.0, (k, n_i))
    cand[::4] = np.round(cand[::4], -1)  # ties, broken by the index
    feasible = rng.random((n, k)) < 0.75
    feasible[3] = False  # a run with nothing feasible
    u = utility_arrays(ideal, weights[:, None], np.ones(n_a), cand[None])
    _same(linear_tables(ideal, weights, cand, feasible), build_table(u, feasible))
    # one feasibility row for every run (the simulation's), broadcast
    row = feasible[0]
    _same(linear_tables(ideal, weights, cand, row), build_table(u, np.broadcast_to(row, (n, k))))


def test_linear_tables_keep_nan_weights_as_the_utilities_do() -> None:
    rng = np.random.default_rng(3)
    n, k = 40, 64
    ideal = rng.uniform(0.0, 100.0, (2, 2))
    weights = rng.uniform(0.0, 0.7, (n, 2, 2))
    weights[5, 1, 0] = np.nan  # NaN utilities: the keys sort as their bits
    cand = rng.uniform(0.0, 100.0, (k, 2))
    feasible = np.ones((n, k), dtype=bool)
    u = utility_arrays(ideal, weights[:, None], np.ones(2), cand[None])
    assert np.isnan(u[5, :, 1]).all()
    _same(linear_tables(ideal, weights, cand, feasible), build_table(u, feasible))


@pytest.mark.parametrize("risk", [None, (1.0, 1.7, 0.6)])
@pytest.mark.parametrize("n", [0, 1, 2, 257])
def test_candidate_table_is_build_table_of_candidate_utilities(
    risk: tuple[float, ...] | None, n: int
) -> None:
    m = build_model(fixture_scenario())
    if risk is not None:
        m = replace(m, risk=np.array(risk[: m.risk.size]))
    rng = np.random.default_rng(n)
    weights = rng.uniform(0.0, 1.0, (n, *m.ideal.shape))
    feas = np.broadcast_to(m.table.feasible[0], (n, m.table.size))
    _same(candidate_table(m, weights), build_table(candidate_utilities(m, weights), feas))


def test_linear_tables_refuse_what_they_cannot_read() -> None:
    ideal = np.zeros((2, 2))
    cand = np.zeros((5, 2))
    with pytest.raises(ValueError, match="per-run weights"):
        linear_tables(ideal, np.ones((4, 2, 3)), cand, np.ones(5, dtype=bool))
    with pytest.raises(ValueError, match="per-run weights"):
        linear_tables(ideal, np.ones((1, 2, 2)), cand, np.ones(5, dtype=bool))
    with pytest.raises(ValueError, match="at most"):
        linear_tables(ideal, np.ones((4, 2, 2)), np.zeros((5000, 2)), np.ones(5000, dtype=bool))


def test_keys_sorted_as_floats_are_normal_floats_in_the_order_of_their_bits() -> None:
    """A package worth 0 has a key of its index bits only: a subnormal float, which a thread
    with flush-to-zero/denormals-are-zero on would sort as 0 (losing the index). The float
    sort shifts every key to a normal float first and back after: the order is the bits'."""
    rng = np.random.default_rng(5)
    k = 64
    u = rng.random((3, k, 2))
    u[:, :5] = 0.0  # packages worth nothing to both sides
    from detente.simulate import row_keys

    feas = np.ones((3, k), dtype=np.bool_)
    keys = np.empty((6, k), dtype=np.uint64)
    n_feas = np.empty(3, dtype=np.int64)
    assert row_keys._pack_keys(u.view(np.uint64), feas, keys, n_feas)
    assert (keys & np.uint64(~row_keys._KEY_MASK & (2**64 - 1)) == 0).any()  # index-only keys
    shifted = (keys + row_keys._KEY_NORMAL).view(np.float64)
    assert (shifted >= np.finfo(np.float64).smallest_normal).all()
    assert np.isfinite(shifted).all()
    expected = np.sort(keys, axis=1)
    row_keys._sort_as_floats(keys)
    assert np.array_equal(keys, expected)
