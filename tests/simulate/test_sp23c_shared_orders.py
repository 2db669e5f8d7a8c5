"""Per-run tables of the order alone whose rows share their orders (branch sp23c:
``tables.TalkTable.shared``, ``search_order``): the build writes each side's distinct orders
once (``row_keys._two_issue_rows`` with ``shared`` and ``base``: a row whose keys are already in
the previous row's order shares that row's entry) and the searches read them from each row's
first entry. Every row's shared order equals its own order (``TalkTable.order``) entry for
entry; the full order is the one the build writes without sharing; every search kernel gives
the same positions from the shared and the per-row orders; and through the engine (both
protocols, both modes) the outputs equal those of the same tables searched in their per-row
orders."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pytest
from tests.simulate.helpers import negmas_workload

from detente.bargaining.utility import distances
from detente.simulate import RunInputs, row_keys, search, simulate_block, tables
from detente.simulate.model import build_model
from detente.simulate.row_keys import _two_issue_rows
from detente.simulate.tables import linear_tables


def _grid(k1: int, k2: int) -> np.ndarray:
    a, b = np.linspace(0.0, 100.0, k1), np.linspace(0.0, 100.0, k2)
    return np.stack(np.meshgrid(a, b, indexing="ij"), axis=-1).reshape(-1, 2)


def _inputs(
    rng: np.random.Generator, n: int, cand: np.ndarray, kind: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Ideal points, per-run weights (opposed, NegMAS-like on a grid: many rows share their
    order; or drawn anyhow: few do) and feasibility."""
    ideal = np.array([[0.0, 0.0], [100.0, 100.0]])
    if kind == "negmas":
        w = rng.uniform(0.2, 0.8, (n, 2))
        weights = np.ascontiguousarray(np.stack([w, 1.0 - w], axis=2))
    else:
        weights = rng.uniform(0.0, 1.5, (n, 2, 2))
        weights[1:4] = weights[0]  # equal rows: the same order
    feasible = np.ones((n, cand.shape[0]), dtype=bool)
    if kind != "negmas":
        feasible = rng.random(feasible.shape) < 0.85
        feasible[5:9] = feasible[4]
    return ideal, weights, feasible


def _rows(
    ideal: np.ndarray, weights: np.ndarray, cand: np.ndarray, feas: np.ndarray, share: bool
) -> tuple[np.ndarray, ...]:
    dist = np.ascontiguousarray(distances(ideal, cand).transpose(1, 2, 0))
    n, k = feas.shape
    with np.errstate(all="ignore"):
        ratio = weights[:, :2, 0] / (weights[:, :2, 0] + weights[:, :2, 1])
    runs = np.ascontiguousarray(np.argsort(ratio.T, axis=1, kind="stable"), dtype=np.int64)
    order = np.full((2, n, k), -7, dtype=np.int16)
    n_f = np.zeros(n, dtype=np.int64)
    bits = np.empty((2, n, 0), dtype=np.uint64)
    if not share:
        _two_issue_rows(dist, weights, feas, runs, n_f, order, bits)
        return order, n_f
    lines = np.full((2, n, k), -9, dtype=np.int16)
    base = np.full((2, n), -1, dtype=np.int64)
    _two_issue_rows(dist, weights, feas, runs, n_f, order, bits, lines, base)
    return order, n_f, lines, base, runs


@pytest.mark.parametrize(("k1", "k2"), [(13, 13), (20, 31), (32, 32)])
@pytest.mark.parametrize("kind", ["negmas", "mixed"])
def test_every_row_reads_its_own_order(k1: int, k2: int, kind: str) -> None:
    rng = np.random.default_rng(k1 * k2)
    cand = _grid(k1, k2)
    ideal, weights, feas = _inputs(rng, 300, cand, kind)
    k = cand.shape[0]
    order, n_f, lines, base, runs = _rows(ideal, weights, cand, feas, True)
    plain, plain_f = _rows(ideal, weights, cand, feas, False)
    assert order.tobytes() == plain.tobytes() and n_f.tobytes() == plain_f.tobytes()
    for side in (0, 1):
        flat = lines[side].reshape(-1)
        starts = base[side]
        assert (starts % k == 0).all() and (starts >= 0).all()
        for row in range(order.shape[1]):
            assert flat[starts[row] : starts[row] + k].tobytes() == order[side, row].tobytes()
        # a new entry exactly where the order changes from the row visited before
        seen = order[side, runs[side]]
        changed = np.concatenate([[True], (seen[1:] != seen[:-1]).any(axis=1)])
        assert np.unique(starts).size == int(changed.sum())
        assert (np.diff(starts[runs[side]]) > 0).tolist() == changed[1:].tolist()
    if kind == "negmas":  # on a grid most rows repeat the order of the row before
        assert np.unique(base[0]).size < order.shape[1]


def _no_sharing(mp: Any) -> None:
    """Tables built as before: no distinct orders (the searches read ``flat_order``)."""
    mp.setattr(tables, "_side_major_table", _unshared(tables._side_major_table))
    mp.setattr(tables, "replace", lambda table, **kwargs: table)


@pytest.mark.parametrize("side_k", [10, 13, 32])
@pytest.mark.parametrize("kind", ["negmas", "mixed"])
def test_shared_tables_search_as_the_per_row_orders(
    side_k: int, kind: str, monkeypatch: Any
) -> None:
    rng = np.random.default_rng(4)
    cand = _grid(side_k, side_k)
    ideal, weights, feas = _inputs(rng, 200, cand, kind)
    new = linear_tables(ideal, weights, cand, feas)
    with monkeypatch.context() as mp:
        _no_sharing(mp)
        old = linear_tables(ideal, weights, cand, feas)
    assert new.shared is not None and old.shared is None
    assert new.order.tobytes() == old.order.tobytes()
    k = new.size
    o0, o1, a0, a1 = new.search_order
    for side, (flat, starts) in enumerate(((o0, a0), (o1, a1))):
        for row in range(new.rows):
            got = flat[starts[row] : starts[row] + k]
            assert got.tobytes() == old.flat_order[side][row * k : (row + 1) * k].tobytes()
    assert new.top.tobytes() == old.top.tobytes()
    assert new.sorted_u.tobytes() == old.sorted_u.tobytes()
    for seed in range(3):
        r = np.random.default_rng(seed)
        demand, need = r.uniform(-0.3, 1.2, new.rows), r.uniform(-0.3, 1.2, new.rows)
        need[::4] = np.nan
        for side in (0, 1):
            assert search.propose(new, side, demand).tobytes() == (
                search.propose(old, side, demand).tobytes()
            )
            assert search.frontier(new, side, need).tobytes() == (
                search.frontier(old, side, need).tobytes()
            )


def _unshared(f: Any) -> Any:
    def build(*args: Any, **kwargs: Any) -> Any:
        kwargs.pop("shared", None)
        return f(*args[:7], **kwargs)

    return build


def _hash(out: Any) -> list[bytes]:
    got = []
    for f in dataclasses.fields(out):
        v = getattr(out, f.name)
        if isinstance(v, np.ndarray):
            got.append(np.ascontiguousarray(v).tobytes())
        elif isinstance(v, dict):
            got += [np.ascontiguousarray(v[x]).tobytes() for x in sorted(v)]
    return got


def test_share_rows_writes_each_distinct_order_once() -> None:
    rng = np.random.default_rng(2)
    n, k = 120, 37
    distinct = np.stack([rng.permutation(k) for _ in range(9)]).astype(np.int16)
    order = distinct[rng.integers(0, 9, (2, n))]  # (2, N, K): many repeats
    runs = np.stack([rng.permutation(n), np.argsort(order[1, :, 0], kind="stable")])
    runs = np.ascontiguousarray(runs, dtype=np.int64)
    for f in (row_keys._share_rows, row_keys._share_rows.py_func):
        lines = np.full((2, n, k), -3, dtype=np.int16)
        base = np.full((2, n), -1, dtype=np.int64)
        f(order, runs, lines, base)
        for side in (0, 1):
            flat = lines[side].reshape(-1)
            for row in range(n):
                assert flat[base[side, row] : base[side, row] + k].tolist() == (
                    order[side, row].tolist()
                )
            seen = order[side, runs[side]]
            changed = 1 + int((seen[1:] != seen[:-1]).any(axis=1).sum())
            assert np.unique(base[side]).size == changed
            assert (lines[side, changed:] == -3).all()  # nothing written past them


@pytest.mark.parametrize("k", [10, 32])
@pytest.mark.parametrize("pairing", ["boul-conc", "asp-asp", "tough-boul"])
@pytest.mark.parametrize("protocol", ["alternating", "single_text"])
def test_blocks_equal_with_per_row_orders(
    k: int, pairing: str, protocol: str, monkeypatch: Any
) -> None:
    m, inputs = negmas_workload(k, pairing, 96, 5)
    if protocol == "single_text":
        from tests import repo_scripts

        bench = repo_scripts.vs_negmas()
        a, b, reserved = bench.PAIRINGS[pairing]
        doc = bench.negotiation_scenario(k, a, b, reserved).model_dump(mode="json")
        doc["simulation"]["protocol"] = "single_text"
        m = build_model(type(bench.negotiation_scenario(k, a, b, reserved)).model_validate(doc))
    for until in ("settlement", "horizon"):
        seed = np.random.SeedSequence(9)
        new = simulate_block(m, 96, 60, seed, inputs=RunInputs(weights=inputs.weights), until=until)
        with monkeypatch.context() as mp:
            _no_sharing(mp)
            old = simulate_block(
                m, 96, 60, seed, inputs=RunInputs(weights=inputs.weights), until=until
            )
        assert _hash(new) == _hash(old)
