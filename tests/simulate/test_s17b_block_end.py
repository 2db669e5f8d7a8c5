"""The block's fixed cost cut byte for byte (branch s17b).

- until the settlement, every run's record up to its stop is the default mode's, NaN and 0
  after it, and every entry of a reused output is written (none left from before; the
  record's copies of unchanged rows are explicit loops now);
- verify's test for the runs still going is one branch-free pass per act: it says what the
  run-by-run test with an early exit says;
- the settlement's reasons when every run of the block signed it: what the full passes give
  those runs;
- a step that draws nothing is given empty draws (no generator is made for it).
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from detente.scenario import load_scenario
from detente.simulate import RunInputs, engine, simulate_block
from detente.simulate.model import SimModel, build_model
from detente.simulate.reasons import REASONS, settlement_reasons
from detente.simulate.state import Draws, RunState, replaced
from detente.simulate.steps import PERIOD_STEPS, Step, going1
from detente.simulate.steps.verify import _seen_going

ROOT = Path(__file__).resolve().parents[2]


def _negmas_model(k: int, pairing: str) -> SimModel:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from vs_negmas import PAIRINGS, negotiation_scenario
    finally:
        sys.path.pop(0)
    a, b, rv = PAIRINGS[pairing]
    return build_model(negotiation_scenario(k, a, b, rv))


def _weights(n: int, seed: int) -> RunInputs:
    rng = np.random.default_rng(seed)
    wa, wb = rng.uniform(0.2, 0.8, n), rng.uniform(0.2, 0.8, n)
    w = np.stack([np.stack([wa, 1 - wa], 1), np.stack([wb, 1 - wb], 1)], axis=1)
    return RunInputs(weights=w)


def _garbage(out: Any) -> Any:
    """``out`` with every path and event entry overwritten (a reused output's old values)."""
    out.paths[next(iter(out.paths))].base[...] = np.float32(7.25)
    out.events[...] = 12345
    return out


def _stopped_record_is_blanked_default(full: Any, cut: Any, periods: int) -> None:
    assert cut.stopped_at is not None
    stop = np.where(full.first_agreement >= 0, full.first_agreement, periods - 1)
    np.testing.assert_array_equal(cut.stopped_at, stop)
    t = np.arange(periods)[:, None]
    after = t > stop[None, :]  # (P, N)
    for v, a in full.paths.items():
        want = np.where(after, np.float32(np.nan), a)
        assert want.tobytes() == cut.paths[v].tobytes(), v
    assert np.where(after, 0, full.events).tobytes() == cut.events.tobytes()


@pytest.mark.parametrize(
    ("k", "pairing", "n"),
    [(10, "boul-conc", 300), (32, "asp-asp", 129), (13, "tough-boul", 64), (10, "asp-asp", 1)],
)
def test_settlement_record_is_the_default_one_blanked(k: int, pairing: str, n: int) -> None:
    m = _negmas_model(k, pairing)
    inputs = _weights(n, 3)
    seed = np.random.SeedSequence(21)
    full = simulate_block(m, n, 100, seed, inputs=inputs)
    # written over a reused output whose every entry holds another value
    prev = _garbage(simulate_block(m, n, 100, seed, inputs=inputs, until="settlement"))
    cut = simulate_block(m, n, 100, seed, inputs=inputs, until="settlement", reuse=prev)
    assert cut.events is prev.events  # the reused arrays were written over, not replaced
    _stopped_record_is_blanked_default(full, cut, 100)


@pytest.mark.parametrize("name", ["teaching", "ukraine-2022-03", "ukraine-2025-11"])
def test_settlement_record_of_scenarios(name: str) -> None:
    m = build_model(load_scenario(ROOT / "scenarios" / f"{name}.yaml"))
    seed = np.random.SeedSequence(5, spawn_key=(1,))
    full = simulate_block(m, 150, 90, seed)
    prev = _garbage(simulate_block(m, 150, 90, seed, until="settlement"))
    cut = simulate_block(m, 150, 90, seed, until="settlement", reuse=prev)
    assert cut.events is prev.events
    _stopped_record_is_blanked_default(full, cut, 90)


def _seen_going_reference(act: np.ndarray, first: np.ndarray, period: int) -> bool:
    """The test as s16a wrote it: run by run, stopping at the first act of a going run."""
    for i in range(act.shape[0]):
        if going1(int(first[i, 0]), period):
            for c in range(act.shape[1]):
                if act[i, c]:
                    return True
    return False


def test_seen_going_is_the_run_by_run_test() -> None:
    rng = np.random.default_rng(8)
    for trial in range(400):
        n = int(rng.integers(0, 70))
        c = int(rng.integers(0, 4))
        period = int(rng.integers(0, 30))
        first = np.where(rng.random((n, 2)) < 0.5, rng.integers(0, 35, (n, 2)), -1)
        act = rng.random((n, c)) < [0.0, 0.02, 0.3][trial % 3]
        if trial % 4 == 0:  # acts only in stopped runs
            act &= ((first[:, 0] >= 0) & (first[:, 0] < period))[:, None]
        flat = np.ascontiguousarray(act).view(np.uint8).reshape(-1)
        got = _seen_going(flat, first.astype(np.int64), period)
        assert bool(got) == _seen_going_reference(act, first, period), trial


def test_reasons_when_every_run_signed_are_the_full_passes() -> None:
    """Every run of the block reached the settlement: the reasons are those the full passes
    give each of these runs (run with one other run marked unsigned, so the passes run)."""
    m = build_model(
        load_scenario(ROOT / "validation" / "cases" / "good_friday_1998" / "scenario.yaml")
    )
    states = list(engine.iter_periods(m, 48, np.random.SeedSequence(4), 60, until="settlement"))
    s = states[-1]
    assert (s.first[:, 0] >= 0).all()
    quick = settlement_reasons(m, s)
    assert (quick.reason == REASONS.index("reached")).all()
    first = s.first.copy()
    first[0, 0] = -1
    full = settlement_reasons(m, replaced(s, first=first))
    assert full.reason[1:].tobytes() == quick.reason[1:].tobytes()
    assert full.blocking_issue[1:].tobytes() == quick.blocking_issue[1:].tobytes()
    assert full.blocking_actor[1:].tobytes() == quick.blocking_actor[1:].tobytes()
    assert quick.blocking_issue.dtype == full.blocking_issue.dtype == np.bool_
    assert quick.reason.dtype == np.int8


def test_a_step_drawing_nothing_gets_empty_draws() -> None:
    m = _negmas_model(10, "boul-conc")
    seen: list[tuple[int, ...]] = []

    def tracks(mm: SimModel, s: RunState, d: Draws) -> RunState:
        seen.append(d.u.shape + d.z.shape)
        return base.apply(mm, s, d)

    base = next(s for s in PERIOD_STEPS if s.name == "tracks")
    assert base.widths(m) == (0, 0)
    steps: tuple[Step, ...] = tuple(
        dataclasses.replace(s, apply=tracks) if s is base else s for s in PERIOD_STEPS
    )
    saved = engine.PERIOD_STEPS
    engine.PERIOD_STEPS = steps
    try:
        simulate_block(m, 5, 4, np.random.SeedSequence(1), inputs=_weights(5, 1), rows=[1, 3])
    finally:
        engine.PERIOD_STEPS = saved
    assert seen == [(2, 0, 2, 0)] * 4
