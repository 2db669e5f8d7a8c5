"""The talk round's first looks (branch s13talk): a proposal's first search starts at the
side's best feasible package (``talk._first_look``), and on large tables the round asks for the
lines its first looks read one pass ahead (``tables.prefetch``). Neither changes a value: the
search finds the same position from any start, and a prefetch only changes when a read waits.
So the talks are the same with every search hint forgotten before every round."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from tests import repo_scripts

from detente.core.jit import kernel
from detente.simulate import RunInputs
from detente.simulate.engine import iter_periods
from detente.simulate.model import SimModel, build_model
from detente.simulate.state import Draws, RunState, evolve
from detente.simulate.steps import PERIOD_STEPS
from detente.simulate.steps.talk import PREFETCH_FROM, TALK, _first_look, _predicted
from detente.simulate.tables import prefetch

_ROOT = Path(__file__).resolve().parents[2]


def _benchmark() -> ModuleType:
    """benchmarks/vs_negmas.py (the NegMAS workload's scenarios)."""
    return repo_scripts.vs_negmas()


@pytest.mark.parametrize("look", [_first_look, getattr(_first_look, "py_func", _first_look)])
def test_the_first_look_is_the_best_package_then_the_prediction(look: object) -> None:
    f = look
    k = 100
    assert f(-1, 0, k, 60) == 59  # type: ignore[operator]  # no position yet: the top
    assert f(-1, 0, k, 0) == -1  # type: ignore[operator]  # nothing feasible: no hint
    for h, move in ((40, 0), (40, -3), (40, -30), (95, 30), (0, -9)):
        assert f(h, move, k, 60) == _predicted(h, move, k)  # type: ignore[operator]


@kernel
def _sum_with_prefetch(a: np.ndarray, ahead: int) -> float:
    total = 0.0
    for i in range(a.shape[0]):
        if i + ahead < a.shape[0]:
            prefetch(a, i + ahead)
        total += a[i]
    return total


def test_a_prefetch_changes_no_value() -> None:
    a = np.random.default_rng(1).uniform(size=1000)
    before = a.copy()
    assert _sum_with_prefetch(a, 16) == _sum_with_prefetch(a, 0)
    assert _sum_with_prefetch.py_func(a, 16) == _sum_with_prefetch.py_func(a, 0)
    assert prefetch(a, 3) is None  # interpreted: nothing
    assert np.array_equal(a, before)


@pytest.mark.parametrize("pairing", ["boul-conc", "tough-boul"])
def test_negmas_talks_are_the_same_with_every_hint_forgotten(pairing: str) -> None:
    """1,024 outcomes (per-run weights; at least PREFETCH_FROM candidates, so the round
    prefetches): the talks with the hints kept equal those with every search hint forgotten
    (positions -1, moves 0) before each round, where each proposal's search starts at the
    top again."""
    bench = _benchmark()
    a, b, reserved = bench.PAIRINGS[pairing]
    m = build_model(bench.negotiation_scenario(32, a, b, reserved))
    assert PREFETCH_FROM <= 32 * 32
    n, periods = 24, 40
    rng = np.random.default_rng(3)
    wa, wb = rng.uniform(0.2, 0.8, n), rng.uniform(0.2, 0.8, n)
    weights = np.stack([np.stack([wa, 1 - wa], 1), np.stack([wb, 1 - wb], 1)], axis=1)
    inputs = RunInputs(weights=weights)

    def forgetting(model: SimModel, s: RunState, d: Draws) -> RunState:
        if s.search_hint is not None:
            hints = s.search_hint.copy()
            hints[:, :, :4] = -1
            hints[:, :, 4:] = 0
            s = evolve(s, search_hint=hints)
        return TALK.apply(model, s, d)

    steps = tuple(
        replace(step, apply=forgetting) if step.name == TALK.name else step for step in PERIOD_STEPS
    )
    seed = np.random.SeedSequence(4)
    plain = iter_periods(m, n, seed, periods, inputs=inputs)
    other = iter_periods(m, n, seed, periods, inputs=inputs, steps=steps)
    talked = 0
    for x, y in zip(plain, other, strict=True):
        talked += int(x.rounds.sum())
        for name in ("rounds", "standing", "standing_by", "signed_terms", "events"):
            assert np.array_equal(getattr(x, name), getattr(y, name)), name
        for name in ("prev_demand", "pos_u", "prev_pos_u", "refused_u", "offered_u"):
            assert getattr(x, name).tobytes() == getattr(y, name).tobytes(), name
    assert talked > 0
