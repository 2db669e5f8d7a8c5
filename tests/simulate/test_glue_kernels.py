"""The engine's own compiled passes (branch glue): the tracks step, the battle and the
recording of paths give what the NumPy code they replaced gave, bit for bit."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from detente.scenario import load_scenario
from detente.simulate.engine import iter_periods, path_variables, simulate_block
from detente.simulate.model import SimModel, build_model
from detente.simulate.state import Draws, RunState, evolve
from detente.simulate.steps.tracks import TRACKS
from detente.simulate.tracks import TrackTable

from .helpers import fixture_scenario

REPO = Path(__file__).resolve().parents[2]


def _tracks_numpy(m: SimModel, s: RunState, d: Draws) -> dict[str, np.ndarray]:
    """The tracks step as NumPy computed it before its compiled pass (the oracle)."""
    tt = m.tracks
    assert tt is not None
    n_b = len(m.bundle_ids)
    pick = np.full((s.n, n_b), -1, dtype=np.int64)
    total = s.agreements.sum(axis=1)
    agreed = total > s.agreements_seen
    stalls, withdrawn = s.stalls, s.withdrawn
    if tt.stall_limit.size:
        stalls, withdrawn = stalls.copy(), withdrawn.copy()
        for j in range(tt.stall_limit.size):
            own = np.flatnonzero(tt.rule_mediator == j)
            carried = np.isin(s.talk_track, own).any(axis=1)
            stalls[:, j] = np.where(agreed, 0, stalls[:, j] + (carried & ~withdrawn[:, j]))
            withdrawn[:, j] |= stalls[:, j] >= tt.stall_limit[j]
    meets_now = tt.meets(s.period)
    meets = np.broadcast_to(meets_now, (s.n, len(tt.ids)))
    same = not withdrawn.any()
    if not same:
        ruled = tt.rule_mediator >= 0
        gone = np.zeros((s.n, len(tt.ids)), dtype=bool)
        gone[:, ruled] = withdrawn[:, tt.rule_mediator[ruled]]
        meets = meets & ~gone
    for b in range(n_b):
        if len(tt.ids) <= 1 and same:
            pick[:, b] = 0 if (meets_now & tt.settles[:, b]).any() else -1
            continue
        able = meets & tt.settles[:, b]
        if len(tt.ids) <= 1:
            pick[:, b] = np.where(able.any(axis=1), 0, -1)
            continue
        count = able.sum(axis=1)
        j = np.minimum((d.u[:, b] * count).astype(np.int64), np.maximum(count - 1, 0))
        rank = np.cumsum(able, axis=1) - 1
        hit = able & (rank == j[:, None])
        pick[:, b] = np.where(count > 0, hit.argmax(axis=1), -1)
    return {"talk_track": pick, "agreements_seen": total, "stalls": stalls, "withdrawn": withdrawn}


@pytest.mark.parametrize("k", [1, 2, 5])
def test_the_tracks_pass_is_the_numpy_rule(k: int) -> None:
    """Random tracks (cadences, stops, what each settles, stalling rules) and random states:
    the compiled pass picks what the NumPy code picked, and counts stalls the same way."""
    base = build_model(fixture_scenario())
    n_b = len(base.bundle_ids)
    rng = np.random.default_rng(k)
    state = next(iter_periods(base, 64, np.random.SeedSequence(1), 1))
    for trial in range(30):
        n_m = int(rng.integers(0, 3))
        tt = TrackTable(
            ids=tuple(f"t{i}" for i in range(k)),
            cadence=rng.integers(1, 4, k).astype(np.int64),
            stop=np.where(rng.random(k) < 0.2, rng.integers(0, 20, k), 10**9).astype(np.int64),
            settles=rng.random((k, n_b)) < 0.7,
            rule_mediator=rng.integers(-1, n_m, k).astype(np.int64) if n_m else np.full(k, -1),
            stall_limit=rng.integers(1, 4, n_m).astype(np.int64),
        )
        m = dataclasses.replace(base, tracks=tt)
        n = state.n
        agreements = rng.integers(0, 3, (n, n_b)).astype(np.int64)
        s = evolve(
            state,
            period=int(rng.integers(0, 30)),
            agreements=agreements,
            agreements_seen=agreements.sum(axis=1) - rng.integers(0, 2, n),
            talk_track=rng.integers(-1, k, (n, n_b)).astype(np.int64),
            stalls=rng.integers(0, 4, (n, n_m)).astype(np.int64),
            withdrawn=rng.random((n, n_m)) < 0.3,
        )
        d = Draws(rng.random((n, TRACKS.widths(m)[0])), np.empty((n, 0)))
        want = _tracks_numpy(m, s, d)
        got = TRACKS.apply(m, s, d)
        for name, x in want.items():
            assert np.array_equal(getattr(got, name), x), (trial, name)
        if n_m:  # the incoming state's counts are left as they were
            assert got.stalls is not s.stalls


@pytest.mark.parametrize(
    "scenario", ["scenarios/teaching.yaml", "tests/simulate/fixtures/two_sides.yaml"]
)
def test_recorded_paths_are_the_states_values(scenario: str) -> None:
    """Every recorded variable of every period is its state's value as float32 (one compiled
    pass over all sources, a source unchanged since the last period copied from it)."""
    m = build_model(load_scenario(REPO / scenario))
    seed = np.random.SeedSequence(7)
    out = simulate_block(m, 48, 30, seed)
    states = list(iter_periods(m, 48, seed, 30))
    names = path_variables(m)
    assert set(out.paths) == set(names)
    for t, s in enumerate(states):
        assert np.array_equal(out.events[t], s.events)
        for name in names:
            kind, _, rest = name.partition(".")
            side = 0 if rest.startswith(m.actor_ids[0]) else 1
            if kind == "belief":
                want = s.rhat[:, side]
            elif kind == "trust":
                want = s.tau[:, side]
            elif kind == "cost":
                want = s.cum_cost[:, side]
            elif kind == "phase":
                want = s.phase[:, 0].astype(np.float64)
            else:
                continue  # the other variables: tests/simulate/test_determinism.py
            assert np.array_equal(out.paths[name][t], want.astype(np.float32), equal_nan=True)


def test_a_subset_of_rows_records_the_blocks_rows() -> None:
    m = build_model(fixture_scenario())
    seed = np.random.SeedSequence(2)
    full = simulate_block(m, 40, 12, seed)
    rows = [3, 17, 39]
    part = simulate_block(m, 40, 12, seed, rows=rows)
    for name, x in full.paths.items():
        assert np.array_equal(part.paths[name], x[:, rows], equal_nan=True), name
    assert np.array_equal(part.events, full.events[:, rows])
