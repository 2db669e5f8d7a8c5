"""The per-run set-up and the period loop's recording, compiled: the same numbers as the
NumPy expressions they replaced (bit for bit), for every shape and edge they meet."""

from __future__ import annotations

import numpy as np
import pytest
from tests.simulate.helpers import fixture_scenario

from detente.bargaining.utility import loss_arrays, utility_arrays
from detente.simulate import simulate_block
from detente.simulate.engine import iter_periods, path_variables
from detente.simulate.model import build_model
from detente.simulate.tables import _ABOVE, _INDEX_BITS, _SORT_CELLS, TalkTable, build_table


def _packed_order(u: np.ndarray, feasible: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The order and sorted utilities of per-run rows by NumPy: the utility's bits with the
    low index bits cleared (1.5 if infeasible), in the order of their values, ties to the
    lower index."""
    mask = np.uint64((1 << _INDEX_BITS) - 1)
    bits = np.where(feasible, u.view(np.uint64) & ~mask, np.float64(_ABOVE).view(np.uint64))
    # in the order of the values (negative ones included: their bits flipped, the others'
    # sign bit set, the order-preserving map of doubles to unsigned integers)
    sign = np.uint64(1 << 63)
    neg = (bits & sign) != 0
    value_key = np.where(neg, ~bits & ~mask, bits | sign)
    idx = np.lexsort((np.broadcast_to(np.arange(u.shape[1]), u.shape), value_key), axis=1)
    return idx, np.take_along_axis(bits, idx, axis=1).view(np.float64)


@pytest.mark.parametrize("k", [1, 2, 37, 100, 1024])
def test_per_run_tables_sort_packed_keys_across_chunks(k: int) -> None:
    rng = np.random.default_rng(k)
    rows = 2 * max(1, _SORT_CELLS // (2 * k)) + 3  # two full chunks and a partial one
    u = rng.random((rows, k, 3))
    u[:, ::3] = np.round(u[:, ::3], 1)  # ties: broken by the index
    feasible = rng.random((rows, k)) < 0.7
    t = build_table(u, feasible)
    for side in (0, 1):
        order, sorted_u = _packed_order(u[:, :, side], feasible)
        assert np.array_equal(t.order[:, side], order)
        assert t.sorted_u[:, side].tobytes() == np.ascontiguousarray(sorted_u).tobytes()
        # the searches read the rows as they are (no copy), the order as int16
        assert np.shares_memory(t.flat_sorted[side], t.sorted_u)
        assert t.flat_sorted[side].tobytes() == np.ascontiguousarray(sorted_u).tobytes()
        assert t.flat_order[side].dtype == np.int16
        assert np.array_equal(t.flat_order[side], order.ravel())
    assert np.array_equal(t.n_feasible, feasible.sum(axis=1))
    assert np.array_equal(t.feasible, feasible)


def test_best_for_is_numpys_running_maximum_with_nan_and_signed_zeros() -> None:
    rng = np.random.default_rng(5)
    rows, k = 40, 50
    u = rng.random((rows, k, 2))
    u[:, ::4] = 0.0
    u[:, 1::7] = -0.0
    u[0, 3, 1] = np.nan
    u[-1, -1, 0] = np.nan
    feasible = rng.random((rows, k)) < 0.6
    feasible[1] = False  # a row with nothing feasible
    t = build_table(u, feasible)
    for me in (0, 1):
        got = t.best_for[me]
        u_me = np.take_along_axis(u[:, :, me], t.order[:, 1 - me], axis=1)
        u_me = np.where(np.arange(k) < t.n_feasible[:, None], u_me, -np.inf)
        suffix = np.maximum.accumulate(u_me[:, ::-1], axis=1)[:, ::-1]
        expected = np.concatenate([suffix, np.full((rows, 1), -np.inf)], axis=1)
        assert got.tobytes() == expected.tobytes()
        # a table built from the same arrays (no sort) and a row of it agree
        again = TalkTable(t.utility, t.feasible, t.order, t.sorted_u, t.n_feasible)
        assert again.best_for[me].tobytes() == got.tobytes()
        assert t.row(7).best_for[me].tobytes() == got[7:8].tobytes()


def _reference_loss(ideal: np.ndarray, w: np.ndarray, x: np.ndarray) -> np.ndarray:
    """The per-run loss as NumPy expressions: issue by issue, in order."""
    dist = np.abs(x[..., None, :] - ideal) / 100.0
    acc = dist[..., 0] * w[..., 0]
    for i in range(1, ideal.shape[1]):
        acc = acc + dist[..., i] * w[..., i]
    return np.asarray(acc)


@pytest.mark.parametrize(
    ("w_lead", "x_lead"),
    [
        ((7, 1), (1, 11)),  # runs × candidates (the per-run tables)
        ((7,), (7,)),  # one package per run (the current line)
        ((7,), ()),  # one package for every run (the victory terms)
        ((3, 1, 4), (5, 1)),  # broadcast on the middle axis
        ((5, 1), (3, 1, 4)),
        ((2, 1, 3), (1, 4, 1)),  # no split keeps each array whole or broadcast
        ((0,), ()),  # no runs
    ],
)
def test_per_run_utilities_are_the_formula_for_any_broadcast(
    w_lead: tuple[int, ...], x_lead: tuple[int, ...]
) -> None:
    rng = np.random.default_rng(len(w_lead) + 10 * len(x_lead))
    m, n = 3, 4
    ideal = rng.uniform(0.0, 100.0, (m, n))
    w = rng.uniform(0.0, 0.6, (*w_lead, m, n))
    x = rng.uniform(-30.0, 130.0, (*x_lead, n))  # losses below 0 and above 1: clipped
    if x.size:
        x.flat[1] = np.nan
    loss = _reference_loss(ideal, w, x)
    assert loss_arrays(ideal, w, x).tobytes() == loss.tobytes()
    lv = np.clip(loss, 0.0, 1.0)
    ones = np.ones(m)
    assert utility_arrays(ideal, w, ones, x).tobytes() == (1.0 - lv).tobytes()
    risk = np.array([1.0, 1.5, 0.7])
    assert utility_arrays(ideal, w, risk, x).tobytes() == (1.0 - lv**risk).tobytes()


def test_recorded_paths_are_the_states_columns_as_float32() -> None:
    m = build_model(fixture_scenario())
    n, periods = 30, 6
    seed = np.random.SeedSequence(4)
    out = simulate_block(m, n, periods, seed)
    names = path_variables(m)
    assert list(out.paths) == names
    for t, s in enumerate(iter_periods(m, n, seed, periods)):
        for side, aid in enumerate(m.actor_ids[:2]):
            assert np.array_equal(out.paths[f"belief.{aid}"][t], s.rhat[:, side].astype(np.float32))
            assert np.array_equal(
                out.paths[f"cost.{aid}"][t], s.cum_cost[:, side].astype(np.float32)
            )
            assert np.array_equal(out.paths[f"trust.{aid}"][t], s.tau[:, side].astype(np.float32))
        assert np.array_equal(out.paths["phase"][t], s.phase[:, 0].astype(np.float32))
        for i in np.flatnonzero(m.front_moves):
            got = out.paths[f"line.{m.issue_ids[i]}"][t]
            assert np.array_equal(got, s.line[:, i].astype(np.float32))


@pytest.mark.parametrize(
    "special",
    [
        (),  # every key a finite float >= +0: sorted as float64
        (np.nan,),  # the rest: sorted by value (negative ones too), ties by index
        (-0.0,),
        (-0.25, 0.0),
        (np.inf,),
        (-np.inf, 5e-324),
        (5e-324, 0.0, 2.2250738585072014e-308),  # denormals and +0 stay on the float path
    ],
)
def test_per_run_tables_order_keys_by_value_whatever_the_values(
    special: tuple[float, ...],
) -> None:
    rng = np.random.default_rng(len(special))
    rows, k = 2 * max(1, _SORT_CELLS // (2 * 64)) + 1, 64  # chunks with and without them
    u = rng.random((rows, k, 2))
    u[:, ::5] = np.round(u[:, ::5], 1)
    for i, x in enumerate(special):
        u[rows // 2 + i, 3 * i :: 7, i % 2] = x  # only some chunks hold the special values
    feasible = rng.random((rows, k)) < 0.8
    t = build_table(u, feasible)
    for side in (0, 1):
        order, sorted_u = _packed_order(u[:, :, side], feasible)
        assert np.array_equal(t.order[:, side], order)
        assert t.sorted_u[:, side].tobytes() == np.ascontiguousarray(sorted_u).tobytes()
