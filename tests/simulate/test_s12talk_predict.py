"""A proposal's search starts where its last long move would take it (``talk._predicted``,
search hints 4 and 5): where it starts changes which values the search reads, never the
position it finds, so the talks are the same with the moves forgotten before every round."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from tests import repo_scripts

from detente.simulate import RunInputs
from detente.simulate.engine import iter_periods
from detente.simulate.model import SimModel, build_model
from detente.simulate.state import Draws, RunState, evolve
from detente.simulate.steps import PERIOD_STEPS
from detente.simulate.steps.talk import PREDICT_FROM, SEARCH_HINTS, TALK, _moved, _predicted

_ROOT = Path(__file__).resolve().parents[2]


def _benchmark() -> ModuleType:
    """benchmarks/vs_negmas.py (the NegMAS workload's scenarios)."""
    return repo_scripts.vs_negmas()


@pytest.mark.parametrize("predict", [_predicted, getattr(_predicted, "py_func", _predicted)])
def test_the_start_is_the_last_position_moved_by_a_long_last_move(predict: object) -> None:
    k = 100
    f = predict
    assert f(-1, 50, k) == -1  # type: ignore[operator]  # no position yet: no hint
    assert f(40, PREDICT_FROM - 1, k) == 40  # type: ignore[operator]  # a short move
    assert f(40, 1 - PREDICT_FROM, k) == 40  # type: ignore[operator]
    assert f(40, PREDICT_FROM, k) == 40 + PREDICT_FROM  # type: ignore[operator]
    assert f(40, -PREDICT_FROM, k) == 40 - PREDICT_FROM  # type: ignore[operator]
    assert f(40, -30, k) == 10  # type: ignore[operator]
    assert f(95, 30, k) == k  # type: ignore[operator]  # within the row: 0 … k
    assert f(5, -30, k) == 0  # type: ignore[operator]
    assert _moved(-1, 7) == 0 and _moved(40, 12) == -28 and _moved(3, 3) == 0


def test_negmas_talks_are_the_same_without_the_moves() -> None:
    """On 1,024 outcomes (boulware against conceder, per-run weights, the workload where the
    conceder's proposal moves by tens of positions a round) the talks with the moves used
    equal those with every move forgotten (set to 0) before each round, and the moves were
    long enough to be used."""
    bench = _benchmark()
    a, b, reserved = bench.PAIRINGS["boul-conc"]
    m = build_model(bench.negotiation_scenario(32, a, b, reserved))
    n, periods = 24, 40
    rng = np.random.default_rng(3)
    wa, wb = rng.uniform(0.2, 0.8, n), rng.uniform(0.2, 0.8, n)
    weights = np.stack([np.stack([wa, 1 - wa], 1), np.stack([wb, 1 - wb], 1)], axis=1)
    inputs = RunInputs(weights=weights)

    def forgetting(model: SimModel, s: RunState, d: Draws) -> RunState:
        if s.search_hint is not None:
            hints = s.search_hint.copy()
            hints[:, :, 4:] = 0
            s = evolve(s, search_hint=hints)
        return TALK.apply(model, s, d)

    steps = tuple(
        replace(step, apply=forgetting) if step.name == TALK.name else step for step in PERIOD_STEPS
    )
    seed = np.random.SeedSequence(4)
    plain = iter_periods(m, n, seed, periods, inputs=inputs)
    other = iter_periods(m, n, seed, periods, inputs=inputs, steps=steps)
    longest = 0
    for x, y in zip(plain, other, strict=True):
        assert x.search_hint is not None and x.search_hint.shape[2] == SEARCH_HINTS
        longest = max(longest, int(np.abs(x.search_hint[:, :, 4:]).max()))
        for name in ("rounds", "standing", "standing_by", "signed_terms", "events"):
            assert np.array_equal(getattr(x, name), getattr(y, name)), name
        for name in ("prev_demand", "pos_u", "prev_pos_u", "refused_u", "offered_u"):
            assert getattr(x, name).tobytes() == getattr(y, name).tobytes(), name
    assert longest >= PREDICT_FROM
