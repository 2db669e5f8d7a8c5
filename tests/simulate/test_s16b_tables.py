"""Per-run two-issue tables whose rows are computed in the previous row's order (branch s16b:
``row_keys._two_issue_rows``, its insertion ``row_keys._insert_keys``): the same bytes as
every other way of building them — the packed keys' path (``build_table`` of the utility
array, NumPy's sort of 32- or 64-bit keys) and the full keys sorted outright — on ties,
near ties, infeasible candidates (none, some, all), NaN, infinite and negative weights,
1 / 2 / 77 / 100 / 221 / 667 / 1,024 candidates, two and three actors, any visiting order;
and through the engine, blocks built on either side of ``tables._INSERTION_FROM`` give the
same outputs field by field."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from tests.simulate.helpers import assert_same_table, negmas_workload

from detente.bargaining.utility import distances, utility_arrays
from detente.simulate import row_keys, simulate_block, tables
from detente.simulate.tables import build_table, linear_tables

_MASK = np.uint64(row_keys._KEY_MASK)
_HIGH = np.uint64(~row_keys._KEY_MASK & (2**64 - 1))


def _full_key_order(u: np.ndarray, feasible: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The definition: each row's full keys (utility bits less the index bits, 1.5 if
    infeasible, the index below) sorted as unsigned integers, unpacked."""
    high = np.where(feasible, u.view(np.uint64) & _HIGH, np.uint64(row_keys._KEY_ABOVE))
    keys = np.sort(high | np.arange(u.shape[-1], dtype=np.uint64), axis=-1)
    return (keys & _MASK).astype(np.int16), (keys & _HIGH).view(np.float64)


def _grid(k1: int, k2: int, ties: bool) -> np.ndarray:
    """Candidates on a k1 × k2 grid of options in [0, 100] (the NegMAS workload's form), or
    scattered with exact ties (``ties``)."""
    if not ties:
        a, b = np.linspace(0.0, 100.0, k1), np.linspace(0.0, 100.0, k2)
        return np.stack(np.meshgrid(a, b, indexing="ij"), axis=-1).reshape(-1, 2)
    rng = np.random.default_rng(k1 * 31 + k2)
    cand = rng.uniform(-20.0, 120.0, (k1 * k2, 2))
    cand[::3] = np.round(cand[::3], -1)  # exact ties between candidates
    return cand


def _weights(rng: np.random.Generator, n: int, n_a: int, kind: str) -> np.ndarray:
    if kind == "negmas":  # opposed weights summing to 1, from U(0.2, 0.8)
        w = rng.uniform(0.2, 0.8, (n, n_a))
        return np.ascontiguousarray(np.stack([w, 1.0 - w], axis=2))
    w = rng.uniform(-0.5, 0.9, (n, n_a, 2))  # any sign: neighbours' orders far apart
    w[1, :, 1] = 0.0  # one issue only: ties on the other, broken by the index
    w[2] = 0.0  # every utility 1
    w[3] = 0.25  # equal weights: the grid's diagonals tie
    if kind == "odd":
        w[4, 1, 0] = np.nan  # NaN utilities for side 1: sorted as their bits
        w[5, 0, 1] = np.inf  # 0 · inf: NaN where a distance is 0, else utility 0
        w[6, 1] = -np.inf
    return w


def _feasible(rng: np.random.Generator, n: int, k: int, kind: str) -> np.ndarray:
    if kind == "all":
        return np.ones((n, k), dtype=bool)
    feasible = rng.random((n, k)) < 0.8
    feasible[0] = False  # a row with nothing feasible
    feasible[1:3] = True  # rows with every candidate feasible
    return feasible


_SIZES = [(1, 1), (1, 2), (7, 11), (10, 10), (13, 17), (23, 29), (32, 32)]


@pytest.mark.parametrize(("k1", "k2"), _SIZES)
@pytest.mark.parametrize("ties", [False, True])
@pytest.mark.parametrize("kind", ["negmas", "mixed", "odd"])
@pytest.mark.parametrize("feasible_kind", ["all", "some"])
def test_insertion_rows_are_the_packed_keys_table(
    k1: int, k2: int, ties: bool, kind: str, feasible_kind: str, monkeypatch: Any
) -> None:
    """The rows built by insertion from the previous row's order (forced at every size)
    against the packed keys' path and the full keys sorted outright, every derived array
    included (best replies, the flattened rows, the tops)."""
    n_a = 3 if kind == "mixed" else 2
    rng = np.random.default_rng(k1 * 1000 + k2 + len(kind) + 7 * ties + len(feasible_kind))
    n = 40
    cand = _grid(k1, k2, ties)
    k = cand.shape[0]
    ideal = rng.uniform(0.0, 100.0, (n_a, 2)) if ties else np.array([[0.0, 0.0], [100.0, 100.0]])
    if n_a == 3 and not ties:
        ideal = np.array([[0.0, 0.0], [100.0, 100.0], [50.0, 20.0]])
    weights = _weights(rng, n, n_a, kind)
    feasible = _feasible(rng, n, k, feasible_kind)
    monkeypatch.setattr(tables, "_INSERTION_FROM", 1)
    new = linear_tables(ideal, weights, cand, feasible)
    u = utility_arrays(ideal, weights[:, None], np.ones(n_a), cand[None])
    for side in (0, 1):
        order, sorted_u = _full_key_order(u[:, :, side], feasible)
        assert new.order[:, side].tobytes() == order.tobytes()
        assert new.sorted_u[:, side].tobytes() == sorted_u.tobytes()
    if kind == "odd":
        # a NaN with its sign bit set (0 · inf) is ordered as its bits by the insertion (as
        # before this branch at 512 candidates or more) and as a negative value by the
        # packed keys' path: the engine never builds one (per-run weights are checked
        # finite, distances are finite), so only the full keys' order is compared
        return
    assert_same_table(new, build_table(u, feasible))
    monkeypatch.setattr(tables, "_INSERTION_FROM", 2**13)  # the 32-bit keys' path
    assert_same_table(new, linear_tables(ideal, weights, cand, feasible))


@pytest.mark.parametrize("visit", ["ratio", "index", "reversed", "shuffled"])
def test_any_visiting_order_gives_the_same_rows(visit: str) -> None:
    """The visiting order changes how far each row's insertions move (and which rows fall
    back to the outright sort), never the rows; the NegMAS order moves few."""
    rng = np.random.default_rng(len(visit))
    n = 300
    cand = _grid(32, 32, False)
    k = cand.shape[0]
    ideal = np.array([[0.0, 0.0], [100.0, 100.0]])
    weights = _weights(rng, n, 2, "negmas")
    feasible = np.ones((n, k), dtype=bool)
    dist = np.ascontiguousarray(distances(ideal, cand).transpose(1, 2, 0))
    if visit == "ratio":
        runs = np.argsort(weights[:, :, 0].T, axis=1, kind="stable")
    elif visit == "index":
        runs = np.stack([np.arange(n)] * 2)
    elif visit == "reversed":
        runs = np.stack([np.arange(n)[::-1]] * 2)
    else:
        runs = np.stack([rng.permutation(n), rng.permutation(n)])
    order = np.empty((2, n, k), dtype=np.int16)
    bits = np.empty((2, n, k), dtype=np.uint64)
    n_feasible = np.empty(n, dtype=np.int64)
    outright = row_keys._two_issue_rows(
        dist, weights, feasible, np.ascontiguousarray(runs, dtype=np.int64), n_feasible, order, bits
    )
    if visit == "ratio":
        assert 2 <= outright <= n // 25  # the first row of each side, hardly any other
    u = utility_arrays(ideal, weights[:, None], np.ones(2), cand[None])
    for side in (0, 1):
        want_order, want_u = _full_key_order(u[:, :, side], feasible)
        assert order[side].tobytes() == want_order.tobytes()
        assert bits[side].tobytes() == want_u.view(np.uint64).tobytes()
    assert np.array_equal(n_feasible, np.full(n, k))


def _flags(k: int) -> np.ndarray:
    """The insertion's work space, holding garbage (it is written before it is read)."""
    return np.full((k + 7) // 8 * 8, 7, dtype=np.uint8)


def _keys(rng: np.random.Generator, k: int) -> np.ndarray:
    """Unique full keys: utilities' bits (exact ties and near ties) above the index."""
    u = rng.random(k)
    u[::5] = np.round(u[::5], 2)
    u[1::7] = u[0]
    return (u.view(np.uint64) & _HIGH) | np.arange(k, dtype=np.uint64)


@pytest.mark.parametrize("k", [1, 2, 7, 8, 9, 16, 17, 100, 1024])
@pytest.mark.parametrize("written", ["sorted", "near", "runs", "reversed", "shuffled"])
def test_insertion_carries_each_keys_distances(k: int, written: str) -> None:
    rng = np.random.default_rng(k + len(written))
    want = np.sort(_keys(rng, k))
    keys = want.copy()
    if written == "near":  # a neighbouring row's order: a few candidates moved
        for _ in range(max(1, k // 40)):
            i, j = rng.integers(0, k, 2)
            keys[[i, j]] = keys[[j, i]]
    elif written == "runs":  # sorted stretches in reverse order: insertions cascade
        cut = np.sort(rng.choice(np.arange(1, k), min(3, k - 1), replace=False))
        keys = np.concatenate(np.split(want, cut)[::-1])
    elif written == "reversed":
        keys = keys[::-1].copy()
    elif written == "shuffled":
        keys = rng.permutation(keys)
    near = np.stack([(keys & _MASK).astype(np.float64), -(keys & _MASK).astype(np.float64)])
    assert row_keys._insert_keys(keys, near, _flags(k), k * k)
    assert keys.tobytes() == want.tobytes()
    assert np.array_equal(near[0], (keys & _MASK).astype(np.float64))
    assert np.array_equal(near[1], -(keys & _MASK).astype(np.float64))


def test_past_its_budget_the_keys_stay_a_permutation_with_their_distances() -> None:
    rng = np.random.default_rng(3)
    keys = rng.permutation(_keys(rng, 500))
    want = np.sort(keys)
    near = np.stack([(keys & _MASK).astype(np.float64)] * 2)
    assert not row_keys._insert_keys(keys, near, _flags(500), 10)
    assert np.array_equal(np.sort(keys), want)
    assert np.array_equal(near[0], (keys & _MASK).astype(np.float64))
    assert np.array_equal(near[1], near[0])


def _same_output(a: Any, b: Any) -> None:
    for f in a.__dataclass_fields__:
        x, y = getattr(a, f), getattr(b, f)
        if isinstance(x, dict):
            assert list(x) == list(y), f
            for v in x:
                assert np.asarray(x[v]).tobytes() == np.asarray(y[v]).tobytes(), (f, v)
        elif isinstance(x, np.ndarray):
            assert x.shape == y.shape and x.dtype == y.dtype, f
            assert x.tobytes() == y.tobytes(), f
        else:
            assert x == y, f


@pytest.mark.parametrize(("k", "pairing", "n"), [(10, "boul-conc", 301), (13, "asp-asp", 64)])
@pytest.mark.parametrize("until", ["horizon", "settlement"])
def test_blocks_built_either_way_are_identical(
    k: int, pairing: str, n: int, until: str, monkeypatch: Any
) -> None:
    """The NegMAS workload (100 and 169 outcomes, odd run counts) simulated with its tables
    built by insertion and by the 32-bit keys: every output field the same bytes."""
    m, inputs = negmas_workload(k, pairing, n, 5)
    out = {}
    for path, threshold in (("keys", 2**13), ("insertion", 1)):
        monkeypatch.setattr(tables, "_INSERTION_FROM", threshold)
        out[path] = simulate_block(m, n, 100, np.random.SeedSequence(2), inputs=inputs, until=until)
    _same_output(out["keys"], out["insertion"])
