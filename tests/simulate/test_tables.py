"""The talks' candidate tables: the compiled binary search is ``np.searchsorted``."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from tests.simulate.helpers import NO_COUNTS, fixture_scenario, stored_source

from detente.core import TOL_UTILITY
from detente.simulate import RunInputs
from detente.simulate.engine import iter_periods
from detente.simulate.model import SimModel, build_model
from detente.simulate.search import _search_at, frontier, propose
from detente.simulate.state import Draws, RunState, evolve
from detente.simulate.steps import PERIOD_STEPS
from detente.simulate.steps.talk import SEARCH_HINTS, TALK
from detente.simulate.tables import build_table


def test_search_matches_searchsorted_whatever_the_hint() -> None:
    """The search is ``np.searchsorted`` of each run's row: with ``offset``, of the rows
    offset by ``2·row`` and flattened (the rounding of those sums included); from any hint
    (none, the answer, near it, far from it, out of range)."""
    rng = np.random.default_rng(1)
    for k in (0, 1, 2, 3, 5, 8, 100, 1024):
        n = 300
        rows_sorted = np.sort(rng.integers(0, 6, (n, k)) / 4.0, axis=1)
        rows_sorted += rng.choice([0.0, 3e-13], (n, k))  # lost in some rows' offset sums
        rows_sorted.sort(axis=1)
        flat = (rows_sorted + 2.0 * np.arange(n)[:, None]).ravel()
        flat0 = np.ascontiguousarray(rows_sorted.ravel())
        for _ in range(10):
            rows = rng.integers(0, n, n)
            x = rng.integers(-2, 8, n) / 4.0 + rng.choice([0.0, 1e-17, -1e-12, 3e-13], n)
            x[::17] = np.nan
            key = x + 2.0 * rows
            expected = np.searchsorted(flat, key) - rows * k
            expected[np.isnan(x)] = 0
            plain = np.array(
                [np.searchsorted(rows_sorted[r], v) for r, v in zip(rows, x, strict=True)]
            )
            plain[np.isnan(x)] = 0
            near = expected + rng.integers(-3, 4, n)
            for hint in (
                np.full(n, -1),
                expected,
                near,
                rng.integers(-5, k + 6, n),
                np.full(n, k + 9),
                np.full(n, -7),
            ):
                got = np.ascontiguousarray(hint, dtype=np.int64).copy()
                _search_at(stored_source(flat0, k), NO_COUNTS, k, rows, True, key, got)
                assert np.array_equal(got, expected)
                got = np.ascontiguousarray(hint, dtype=np.int64).copy()
                _search_at(stored_source(flat0, k), NO_COUNTS, k, rows, False, x, got)
                assert np.array_equal(got, plain)


@pytest.mark.parametrize("per_run", [False, True])
def test_talks_are_the_same_whatever_the_search_hints(per_run: bool) -> None:
    """The search hints the talks keep (``RunState.search_hint``) are a cache: scrambling
    them before every round of talks changes no state (shared or per-run tables)."""
    m = build_model(fixture_scenario())
    n, periods = 64, 30
    rng = np.random.default_rng(8)
    inputs = None
    if per_run:
        w = rng.random((n, len(m.actor_ids), len(m.issue_ids)))
        inputs = RunInputs(weights=w / w.sum(axis=2, keepdims=True))

    def scrambled(model: SimModel, s: RunState, d: Draws) -> RunState:
        shape = (s.n, s.phase.shape[1], SEARCH_HINTS)
        hints = rng.integers(-3, s.table.size + 4, shape)
        return TALK.apply(model, evolve(s, search_hint=hints), d)

    steps = tuple(
        replace(step, apply=scrambled) if step.name == TALK.name else step for step in PERIOD_STEPS
    )
    seed = np.random.SeedSequence(9)
    plain = iter_periods(m, n, seed, periods, inputs=inputs)
    other = iter_periods(m, n, seed, periods, inputs=inputs, steps=steps)
    talked = 0
    for a, b in zip(plain, other, strict=True):
        assert a.search_hint is not None and a.search_hint.shape[2] == SEARCH_HINTS
        talked += int(a.rounds.sum())
        for name in ("rounds", "standing", "standing_by", "text", "signed_terms", "events"):
            assert np.array_equal(getattr(a, name), getattr(b, name)), name
        for name in ("prev_demand", "pos_u", "prev_pos_u", "refused_u", "offered_u", "value"):
            assert getattr(a, name).tobytes() == getattr(b, name).tobytes(), name
    assert talked > 0


def test_per_run_propose_is_the_least_valued_package_meeting_the_demand() -> None:
    rng = np.random.default_rng(2)
    n, k = 200, 37
    u = rng.random((n, k, 2))
    feasible = rng.random(k) < 0.8
    t = build_table(u, np.broadcast_to(feasible, (n, k)))
    demand = rng.random(n)
    got = propose(t, 0, demand)
    for j in range(n):
        ok = np.flatnonzero(feasible & (u[j, :, 0] >= demand[j] - TOL_UTILITY))
        if ok.size == 0:  # its best package
            ok = np.flatnonzero(feasible)
            assert u[j, got[j], 0] == u[j, ok, 0].max()
        else:
            assert u[j, got[j], 0] == u[j, ok, 0].min()


def test_a_tables_look_ups_are_built_once_and_free_with_it() -> None:
    """Per-run tables and their views build the runs' look-up once; shared tables build it
    per call; no reference cycle keeps a table alive once its block is done."""
    import gc
    import weakref

    rng = np.random.default_rng(3)
    n, k = 50, 12
    u = rng.random((n, k, 2))
    feasible = np.broadcast_to(rng.random(k) < 0.7, (n, k))
    t = build_table(u, feasible)
    runs = t.lookup(n)
    assert t.lookup(n) is runs
    assert np.array_equal(runs.rows, np.arange(n))
    sel = np.array([3, 7, 7, 40])
    view = t.slice(sel)
    assert np.array_equal(view.lookup(4).rows, sel)
    nan = np.full(4, np.nan)
    for me in (0, 1):  # nothing known of the other's needs: its best package
        expected = np.where(t.n_feasible[sel] > 0, t.top[sel, me], -np.inf)
        assert np.array_equal(frontier(view, me, nan), expected)
    shared = build_table(u[:1], feasible[:1])
    assert shared.lookup(5) is not shared.lookup(5)
    assert np.array_equal(shared.lookup(3).rows, np.zeros(3))
    gc.collect()
    gc.disable()
    try:
        ref = weakref.ref(t)
        del t, runs, view
        assert ref() is None  # freed by reference counting alone
    finally:
        gc.enable()


def test_frontier_is_the_best_for_me_among_what_the_other_accepts() -> None:
    rng = np.random.default_rng(4)
    n, k = 120, 23
    u = rng.random((n, k, 2))
    feasible = rng.random(k) < 0.8
    t = build_table(u, np.broadcast_to(feasible, (n, k)))
    needs = rng.random(n)
    needs[::7] = np.nan  # nothing known in these runs: nothing excluded
    for me in (0, 1):
        got = frontier(t, me, needs)
        for j in range(n):
            need = -np.inf if np.isnan(needs[j]) else needs[j] - TOL_UTILITY
            ok = np.flatnonzero(feasible & (u[j, :, 1 - me] >= need))
            if ok.size == 0:
                assert got[j] == -np.inf
            else:
                assert got[j] == u[j, ok, me].max()
