"""Per-run two-issue tables that store their order alone (branch sp21a:
``tables.TalkTable.order_only``): every sorted utility a search reads is computed from the
order's candidate and the linear form (``cells._sorted_at``: the build's arithmetic and
truncation). The same bits as the stored table the build wrote before (the same rows with
``tables._plain_linear`` forced off) for every position of every row, the same ``top``, the
same positions from every search kernel (stored and computed, compiled and interpreted, any
hint), and through the engine the same outputs on the NegMAS workload; weights that could give
a NaN utility keep the stored form."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from tests.simulate.helpers import assert_same_table, negmas_workload

from detente.bargaining.utility import distances
from detente.simulate import cells, search, simulate_block, tables
from detente.simulate.steps import talk
from detente.simulate.tables import linear_tables


def _inputs(
    rng: np.random.Generator, n: int, k1: int, k2: int, n_a: int, kind: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Ideal points, per-run weights, a grid of candidates and feasibility (some rows with
    nothing or everything feasible)."""
    ideal = rng.uniform(0.0, 100.0, (n_a, 2))
    ideal[0], ideal[1] = (0.0, 0.0), (100.0, 100.0)
    a, b = np.linspace(0.0, 100.0, k1), np.linspace(0.0, 100.0, k2)
    cand = np.stack(np.meshgrid(a, b, indexing="ij"), axis=-1).reshape(-1, 2)
    if kind == "negmas":
        w = rng.uniform(0.2, 0.8, (n, n_a))
        weights = np.ascontiguousarray(np.stack([w, 1.0 - w], axis=2))
    else:  # any sign, one issue only, all zero, equal: ties and clipped utilities
        weights = rng.uniform(-0.5, 1.5, (n, n_a, 2))
        weights[1, :, 1] = 0.0
        weights[2] = 0.0
        weights[3] = 0.25
    feasible = rng.random((n, k1 * k2)) < 0.8
    feasible[0] = False
    feasible[1:3] = True
    return ideal, weights, cand, feasible


def _both(
    monkeypatch: Any, ideal: np.ndarray, weights: np.ndarray, cand: np.ndarray, feas: np.ndarray
) -> tuple[tables.TalkTable, tables.TalkTable]:
    """The table of the order alone and the stored table of the same rows."""
    new = linear_tables(ideal, weights, cand, feas)
    with monkeypatch.context() as mp:
        mp.setattr(tables, "_plain_linear", lambda dist, w: False)
        old = linear_tables(ideal, weights, cand, feas)
    return new, old


@pytest.mark.parametrize(("k1", "k2"), [(13, 13), (16, 16), (20, 31), (32, 32)])
@pytest.mark.parametrize("kind", ["negmas", "mixed"])
@pytest.mark.parametrize("n_a", [2, 3])
def test_computed_rows_are_the_stored_rows(
    k1: int, k2: int, kind: str, n_a: int, monkeypatch: Any
) -> None:
    rng = np.random.default_rng(k1 * 1000 + k2 * 10 + n_a)
    ideal, weights, cand, feas = _inputs(rng, 40, k1, k2, n_a, kind)
    new, old = _both(monkeypatch, ideal, weights, cand, feas)
    assert new.order_only and not old.order_only
    assert new.stored_sorted.shape[2] == 0
    assert_same_table(new, old)  # sorted_u computed, bit for bit; top; best_for
    # the searches read nothing stored from a table of the order alone
    keys = new.lookup(40).keys
    assert keys[0] is None and keys[1] is None
    assert new.slice(np.arange(5, 17)).sorted_u.tobytes() == old.sorted_u.tobytes()


def test_sorted_at_compiled_and_interpreted(monkeypatch: Any) -> None:
    rng = np.random.default_rng(7)
    ideal, weights, cand, feas = _inputs(rng, 12, 32, 32, 2, "mixed")
    new, old = _both(monkeypatch, ideal, weights, cand, feas)
    k = new.size
    py = getattr(cells._sorted_at, "py_func", cells._sorted_at)
    dist, w = new.linear_arrays
    for side in (0, 1):
        order, want = new.flat_order[side], old.flat_sorted[side]
        for row in range(new.rows):
            nf = int(new.n_feasible[row])
            for j in rng.integers(0, k, 60):
                args = (None, order, dist, w, side, row, row * k, nf, int(j))
                got = np.float64(cells._sorted_at(*args))
                assert got.tobytes() == want[row * k + j].tobytes()
                assert np.float64(py(*args)).tobytes() == want[row * k + j].tobytes()


def _searches(t: tables.TalkTable, rng: np.random.Generator, reps: int) -> list[tuple[int, ...]]:
    """Every search kernel's positions in ``t`` for random keys and hints."""
    k, n = t.size, t.rows
    rows = np.arange(n, dtype=np.int64)
    lk = t.lookup(n)
    dist, w = t.linear_arrays
    out: list[tuple[int, ...]] = []
    for _ in range(reps):
        x = rng.uniform(-0.3, 1.6, n) + (2.0 * rows if lk.offset else 0.0)
        hints = rng.integers(-1, k + 3, n)
        for side in (0, 1):
            keys, order, starts = lk.keys[side], lk.order[side], lk.order[2 + side]
            pos = hints.copy()
            search._search_at(
                (keys, order, dist, w, side, starts), lk.n_feasible, k, rows, lk.offset, x, pos
            )
            out.append(tuple(pos))
            for j in range(n):
                off = 2.0 * j if lk.offset else 0.0
                nf = int(lk.n_feasible[j])
                args = (keys, order, dist, w, side, j, int(starts[j]), off, k, nf, x[j])
                code = search._hint_at(*args, int(hints[j]))
                found = (
                    search._find_at(*args, code),
                    talk._find_at(*args, code),
                    search._find_at.py_func(*args, search._hint_at.py_func(*args, int(hints[j]))),
                )
                assert len(set(found)) == 1
                out.append((code, found[0]))
        demand = rng.uniform(-0.3, 1.2, n)
        need = rng.uniform(-0.3, 1.2, n)
        need[::5] = np.nan
        for side in (0, 1):
            out.append(tuple(search.propose(t, side, demand)))
            out.append(tuple(np.float64(search.frontier(t, side, need)).view(np.uint64)))
    return out


@pytest.mark.parametrize("kind", ["negmas", "mixed"])
def test_every_search_finds_the_same_positions(kind: str, monkeypatch: Any) -> None:
    rng = np.random.default_rng(11)
    ideal, weights, cand, feas = _inputs(rng, 70, 32, 32, 2, kind)  # 70 > FEW_ROWS: offset
    new, old = _both(monkeypatch, ideal, weights, cand, feas)
    assert new.order_only and new.lookup(70).offset
    assert _searches(new, np.random.default_rng(3), 3) == _searches(
        old, np.random.default_rng(3), 3
    )


def test_weights_that_could_give_nan_keep_the_stored_rows() -> None:
    rng = np.random.default_rng(5)
    ideal, weights, cand, feas = _inputs(rng, 8, 16, 16, 2, "negmas")
    dist = np.ascontiguousarray(distances(ideal, cand).transpose(1, 2, 0))
    assert tables._plain_linear(dist, weights)
    for bad in (np.nan, np.inf, 1e200):
        w = weights.copy()
        w[3, 1, 0] = bad
        assert not tables._plain_linear(dist, w)
        t = linear_tables(ideal, w, cand, feas)
        assert not t.order_only and t.stored_sorted.shape[2] == t.size


@pytest.mark.parametrize("pairing", ["asp-asp", "boul-conc", "tough-boul"])
def test_engine_outputs_equal_with_stored_rows(pairing: str, monkeypatch: Any) -> None:
    """The NegMAS workload at 1,024 outcomes through ``simulate_block``: the tables of the
    order alone and the stored tables give the same outputs, field by field."""
    m, inputs = negmas_workload(32, pairing, 96, seed=4)
    seed = np.random.SeedSequence(21)
    new = simulate_block(m, 96, 100, seed, inputs=inputs, until="settlement")
    with monkeypatch.context() as mp:
        mp.setattr(tables, "_plain_linear", lambda dist, w: False)
        old = simulate_block(m, 96, 100, seed, inputs=inputs, until="settlement")
    for name, value in vars(new).items():
        if isinstance(value, np.ndarray):
            other = getattr(old, name)
            assert value.dtype == other.dtype and value.tobytes() == other.tobytes(), name
