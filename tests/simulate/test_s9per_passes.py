"""Fewer passes per period (issue 13, branch s9per): the same bytes.

- simulate_block's states (``RunState.in_place``) have the implement step write the
  agreements' record in place: every output must be what the states ``iter_periods`` yields
  (each a copy) give, period after period, on scenarios with bundles, factions, sanctions
  relief and breakdowns;
- the verify step folds the observed acts into each run's evidence in its pass over the runs,
  guessing which acts the block saw: any guess gives the same bytes;
- :func:`detente.trust.kernels.apply_observed_acts_into` into other arrays is
  :func:`apply_observed_acts` in place.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from detente.scenario import load_scenario
from detente.simulate.engine import iter_periods, simulate_block
from detente.simulate.model import SimModel, build_model
from detente.simulate.steps import verify
from detente.simulate.steps.learn import model_cache
from detente.trust.kernels import apply_observed_acts, apply_observed_acts_into
from detente.trust.vectorised import observed_act_increments

from .helpers import make_scenario

REPO = Path(__file__).resolve().parents[2]
LAYERS = [{"after_periods": 3, "fraction": 0.5}, {"after_periods": 9, "fraction": 0.5}]


def _models() -> list[SimModel]:
    return [
        build_model(load_scenario(REPO / "scenarios/ukraine-2026-06.yaml")),
        build_model(
            make_scenario(
                factions=True,
                mechanisms=("ss",),
                schedule=LAYERS,
                sanctioned="B",
                strategies=("rearm_during_truce", "good_faith"),
            )
        ),
    ]


@pytest.mark.parametrize("which", [0, 1])
def test_simulate_block_gives_what_the_yielded_states_hold(which: int) -> None:
    m = _models()[which]
    n, periods = 200, 60
    out = simulate_block(m, n, periods, np.random.SeedSequence(11))
    actors = m.actor_ids[:2]
    last: Any = None
    for t, state in enumerate(iter_periods(m, n, np.random.SeedSequence(11), periods)):
        assert out.events[t].tobytes() == state.events.tobytes(), t
        # the agreements' record reaches the paths through the phase and trust (verified
        # compliance, relief, hazards: what breaks down and what is observed)
        got = out.paths["phase"][t]
        assert got.tobytes() == state.phase[:, 0].astype(np.float32).tobytes(), t
        for side, aid in enumerate(actors):
            got = out.paths[f"trust.{aid}"][t]
            assert got.tobytes() == state.tau[:, side].astype(np.float32).tobytes(), (t, aid)
        last = state
    assert last is not None
    assert int((last.agreements > 0).sum()) > 0  # agreements were signed
    assert bool(last.broke.any())  # and some broke down
    assert out.bundle_first is not None and out.bundle_duration is not None
    assert out.bundle_broke is not None
    assert out.bundle_first.tobytes() == last.first.tobytes()
    assert out.bundle_duration.tobytes() == last.duration.tobytes()
    assert out.bundle_broke.tobytes() == last.broke.tobytes()
    assert out.agreements.tobytes() == last.agreements.sum(axis=1).tobytes()
    assert out.cum_cost.tobytes() == last.cum_cost.tobytes()


def _acts_case(seed: int) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    n = 257
    r0 = rng.choice([0.0, -0.0, 0.3, 1.7, 12.0], size=(n, 2, 4))
    s0 = rng.choice([0.0, -0.0, 0.4, 2.5], size=(n, 2, 4))
    relevance = rng.choice([-1.0, -0.5, 0.0, 0.3, 1.0], size=(2, 7, 4))
    dr, ds = observed_act_increments(relevance, np.array([0.1, 1.0, 0.0, 0.3, 2.0, 0.5, 0.7]))
    acts = (rng.random((n, 2, 7)) < 0.1).astype(np.int64)
    acts[:, :, 3] = 0  # an act no run saw
    packed = (acts << np.arange(7)).sum(axis=2)
    return r0, s0, dr, ds, packed


@pytest.mark.parametrize("seed", [1, 2])
def test_acts_applied_into_other_arrays_are_those_applied_in_place(seed: int) -> None:
    r0, s0, dr, ds, acts = _acts_case(seed)
    r, s = r0.copy(), s0.copy()
    apply_observed_acts(r, s, dr, ds, acts, np.zeros(2, dtype=np.int64))
    r1, s1 = np.empty_like(r0), np.empty_like(s0)
    before = r0.tobytes(), s0.tobytes()
    active = np.zeros(2, dtype=np.int64)
    apply_observed_acts_into(r0, s0, dr, ds, acts, active, r1, s1)
    assert (r1.tobytes(), s1.tobytes()) == (r.tobytes(), s.tobytes())
    assert (r0.tobytes(), s0.tobytes()) == before
    assert active.tolist() == [int(np.bitwise_or.reduce(acts[:, o])) for o in (0, 1)]


def test_the_verify_pass_gives_the_same_bytes_whatever_its_guess() -> None:
    m = _models()[1]
    states = list(iter_periods(m, 300, np.random.SeedSequence(5), 30))
    # a period with agreements in force: kept agreements, defections, spoilers, stalling
    s = next(x for x in states[10:] if x.implementing.any())
    p = model_cache(m, verify._Plan)
    u = np.random.default_rng(9).random((s.n, 6))
    c = np.ascontiguousarray
    results = []
    truth = None
    for guess in (0, 1, 127, None):
        g = np.zeros(2, np.int64) if guess is None else np.full(2, guess, np.int64)
        if guess is None:  # the true acts, as left by an earlier call
            assert truth is not None
            g[:] = truth
        tr, ts = np.empty(s.tr.shape), np.empty(s.ts.shape)
        verified = np.empty(s.verified.shape, np.int64)
        seen, events = np.empty((s.n, 2), dtype=bool), np.empty(s.n, dtype=np.int32)
        tr0, ts0 = c(s.tr).copy(), c(s.ts).copy()
        verify._observe_conduct(
            u,
            p.detection,
            c(s.implementing),
            c(s.defect),
            c(s.spoil),
            c(s.stalled),
            c(s.gesture),
            c(s.overture),
            c(s.shift),
            c(s.phase),
            c(s.bad_faith),
            p.dr,
            p.ds,
            p.defection,
            p.bad_faith,
            tr0,
            ts0,
            c(s.verified),
            c(s.events, np.int32),
            tr,
            ts,
            verified,
            seen,
            events,
            np.empty((s.n, 2), dtype=np.int64),
            g,
        )
        truth = g.copy()
        assert tr0.tobytes() == c(s.tr).tobytes()  # the state's evidence is left as it was
        results.append(b"".join(a.tobytes() for a in (tr, ts, verified, seen, events)))
    assert truth is not None and int(truth.sum()) > 0
    assert len(set(results)) == 1
