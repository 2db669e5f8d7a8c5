"""Inputs the compiled kernels cannot check themselves (they read without bounds checks) are
checked before the call: an error, never memory read past an array's end."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from detente.bargaining.utility import utility_arrays
from detente.scenario import load_scenario
from detente.simulate import RunInputs, simulate_block
from detente.simulate.model import build_model
from detente.simulate.search import value_of, values_of
from detente.simulate.tables import build_table

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def teaching():  # type: ignore[no-untyped-def]
    return build_model(load_scenario(REPO / "scenarios" / "teaching.yaml"))


@pytest.mark.parametrize("shape", [(16, 2, 1), (16, 0, 2), (16, 2), (16, 3, 2)])
def test_per_run_weights_of_the_wrong_shape_are_refused(teaching, shape) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="weights"):
        simulate_block(
            teaching, 16, 5, np.random.SeedSequence(1), inputs=RunInputs(weights=np.ones(shape))
        )


def test_the_utility_formula_refuses_weights_that_do_not_match_the_ideal_points() -> None:
    ideal = np.zeros((2, 3))
    x = np.zeros((4, 3))
    with pytest.raises(ValueError, match="weights"):
        utility_arrays(ideal, np.ones((5, 2, 2)), np.ones(2), x)


def test_a_candidate_past_the_table_is_an_index_error() -> None:
    rng = np.random.default_rng(0)
    t = build_table(rng.random((1, 5, 2)), np.ones((1, 5), dtype=bool))
    assert np.isnan(values_of(t, np.array([-1]))).all()
    assert values_of(t, np.array([4])).shape == (1, 2)
    for k in (5, 7, 100_000):
        with pytest.raises(IndexError):
            values_of(t, np.array([k]))
        with pytest.raises(IndexError):
            value_of(t, np.array([k]), 0)


@pytest.mark.parametrize("scenario", ["teaching.yaml", "ukraine-2026-06.yaml"])
def test_an_empty_block_gives_empty_outputs(scenario: str) -> None:
    m = build_model(load_scenario(REPO / "scenarios" / scenario))
    out = simulate_block(m, 0, 4, np.random.SeedSequence(2))
    assert out.first_agreement.shape == (0,)
    sub = simulate_block(m, 10, 4, np.random.SeedSequence(2), rows=[])
    assert sub.first_agreement.shape == (0,)
