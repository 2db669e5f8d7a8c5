"""Per-run preference weights must be finite: a NaN or infinite weight is a located error
(review rev13s: a row of NaN keys breaks the searches' "any start gives the same position")."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from detente.scenario import load_scenario
from detente.simulate import RunInputs, simulate_block
from detente.simulate.model import build_model

TEACHING = Path(__file__).resolve().parents[2] / "scenarios" / "teaching.yaml"


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_weight_is_a_located_error(bad: float) -> None:
    m = build_model(load_scenario(TEACHING))
    n = 4
    w = np.full((n, *m.ideal.shape), 1.0 / m.ideal.shape[1])
    w[2, 1, 0] = bad
    with pytest.raises(ValueError, match=r"RunInputs.weights\[2, 1, 0\]"):
        simulate_block(m, n, 3, np.random.SeedSequence(1), inputs=RunInputs(weights=w))


def test_finite_weights_run() -> None:
    m = build_model(load_scenario(TEACHING))
    n = 4
    w = np.full((n, *m.ideal.shape), 1.0 / m.ideal.shape[1])
    out = simulate_block(m, n, 3, np.random.SeedSequence(1), inputs=RunInputs(weights=w))
    assert out is not None
