"""States yielded by ``iter_periods`` are snapshots: later periods never write into them.

The engine reuses buffers (draws, per-block blanks, search hints, recorded paths) and its
compiled kernels write in place; a caller that keeps the state of period t (the anatomy of a
run, the trainer, a test) must still read period t's values after the run went on.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from detente.scenario import load_scenario
from detente.simulate.engine import iter_periods
from detente.simulate.model import build_model

REPO = Path(__file__).resolve().parents[2]


def _arrays(state: object) -> dict[str, bytes]:
    out = {}
    for f in dataclasses.fields(state):  # type: ignore[arg-type]
        v = getattr(state, f.name)
        if isinstance(v, np.ndarray):
            out[f.name] = v.tobytes()
    return out


@pytest.mark.parametrize(
    "scenario",
    [
        "scenarios/teaching.yaml",
        "scenarios/ukraine-2022-03.yaml",
        "tests/simulate/fixtures/two_sides.yaml",
    ],
)
def test_a_yielded_state_is_not_changed_by_later_periods(scenario: str) -> None:
    m = build_model(load_scenario(REPO / scenario))
    kept, at_yield = [], []
    for state in iter_periods(m, 256, np.random.SeedSequence(3), 40):
        kept.append(state)
        at_yield.append(_arrays(state))
    changed = [
        (t, name)
        for t, (state, snap) in enumerate(zip(kept, at_yield, strict=True))
        for name, data in _arrays(state).items()
        if snap[name] != data
    ]
    assert not changed, changed[:10]
