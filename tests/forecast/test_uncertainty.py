"""Monte Carlo bands: seeded, byte-identical, ordered, and sensible at the edges."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.forecast import ForecastBand, InputUncertainty, forecast_bands, get_model, make_issue
from detente.forecast.synthetic import synthetic_issues
from detente.forecast.uncertainty import truncated_normal


def _bytes(bands: list[ForecastBand]) -> bytes:
    return np.array([[b.q05, b.q25, b.q50, b.q75, b.q95] for b in bands]).tobytes()


@pytest.mark.parametrize("name", ["compromise", "median", "nash", "sq-gravity"])
def test_same_seed_same_bytes(name: str) -> None:
    issues = synthetic_issues(3, 8, seed=1)
    model = get_model(name)
    a = forecast_bands(model, issues, runs=300, seed=5)
    b = forecast_bands(model, issues, runs=300, seed=5)
    c = forecast_bands(model, issues, runs=300, seed=6)
    assert _bytes(a) == _bytes(b)
    assert _bytes(a) != _bytes(c)


def test_issue_bands_do_not_depend_on_other_issues() -> None:
    issues = synthetic_issues(3, 8, seed=1)
    model = get_model("compromise")
    together = forecast_bands(model, issues, runs=200, seed=5)
    alone = forecast_bands(model, issues[:1], runs=200, seed=5)
    assert _bytes(together[:1]) == _bytes(alone)


def test_bands_are_ordered_and_bracket_the_forecast() -> None:
    (band,) = forecast_bands(get_model("compromise"), synthetic_issues(1, 10, seed=3), runs=2000)
    assert band.q05 <= band.q25 <= band.q50 <= band.q75 <= band.q95
    assert band.q05 < band.forecast < band.q95
    assert band.forecast == band.q50
    assert abs(band.at_stated_inputs - band.forecast) < band.q75 - band.q25
    assert band.runs == 2000


def test_zero_uncertainty_collapses_the_band() -> None:
    spec = InputUncertainty(position_sd_share=0.0, salience_rel_sd=0.0, capability_rel_sd=0.0)
    issue = make_issue("i", ["a", "b", "c"], [10.0, 50.0, 70.0], [1, 3, 1], [1, 1, 1])
    (band,) = forecast_bands(get_model("median"), [issue], runs=50, spec=spec)
    assert band.q05 == band.q95 == band.forecast == 50.0


def test_truncated_normal_respects_bounds() -> None:
    rng = np.random.default_rng(0)
    draws = truncated_normal(
        rng, np.array([1.0, 99.0]), np.array([30.0, 30.0]), 0.0, 100.0, (5000, 2)
    )
    assert draws.min() >= 0.0
    assert draws.max() <= 100.0
    assert draws[:, 0].mean() < 30 < 70 < draws[:, 1].mean()


@pytest.mark.parametrize("name", ["compromise", "median", "nash", "bdm", "anchored", "front"])
@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10**6), n=st.integers(3, 9), noise=st.floats(0.0, 0.3))
def test_no_point_forecast_outside_its_own_band(name: str, seed: int, n: int, noise: float) -> None:
    """Property (issue 15): the point forecast is the median of the runs the band comes from."""
    issue = synthetic_issues(1, n, seed=seed)[0]
    spec = InputUncertainty(noise, noise * 4, noise * 4)
    (band,) = forecast_bands(get_model(name), [issue], runs=60, seed=seed, spec=spec)
    assert band.q05 <= band.q25 <= band.forecast <= band.q75 <= band.q95
    assert band.forecast == band.q50
    assert np.isfinite(band.at_stated_inputs)


def test_models_that_need_capabilities_say_so() -> None:
    issue = make_issue("i", ["a", "b", "c"], [10.0, 50.0, 70.0], [1, 3, 1])
    (band,) = forecast_bands(get_model("bdm"), [issue], runs=20)
    assert band.notes == ("no capabilities given: every actor counts 1",)
    (band,) = forecast_bands(get_model("compromise"), [issue], runs=20)
    assert band.notes == ()
