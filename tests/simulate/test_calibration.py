"""Cease-fire durability against Fortna (2004), *Does Peacekeeping Keep Peace?*.

Targets (Kaplan–Meier survival of civil-war cease-fires, with / without peacekeepers):
1 y 0.79 / 0.61, 2 y 0.68 / 0.55, 5 y 0.56 / 0.39 (references §4). Tolerance ±0.05.
The simulated process (agreement at once, no spoilers, no rearmament) must reproduce them.
"""

from __future__ import annotations

import numpy as np
import pytest

from detente.simulate import run_simulation
from detente.simulate.durability import (
    CALIBRATION_TOLERANCE,
    FORTNA_TARGETS,
    PEACEKEEPER_HR,
    calibration_scenario,
    survival,
)

from .helpers import make_scenario

WEEKS_PER_YEAR = 365.25 / 7


@pytest.mark.parametrize("arm", ["none", "peacekeepers"])
def test_model_curve_within_tolerance(arm: str) -> None:
    hr = PEACEKEEPER_HR if arm == "peacekeepers" else 1.0
    for years, target in FORTNA_TARGETS[arm].items():
        assert abs(survival(years, hr) - target) <= CALIBRATION_TOLERANCE


@pytest.mark.parametrize("arm", ["none", "peacekeepers"])
def test_simulated_ceasefires_survive_like_fortna(arm: str) -> None:
    sc = calibration_scenario(peacekeepers=arm == "peacekeepers")
    periods = 5 * 53 + 2
    r = run_simulation(sc, 4096, 2004, periods)
    assert r.summary()["p_agreement"] == 1.0
    surv = r.survival()
    for years, target in FORTNA_TARGETS[arm].items():
        age = round(years * WEEKS_PER_YEAR)
        got = surv[age]["survival"]
        assert abs(got - target) <= CALIBRATION_TOLERANCE, (years, got, target)
    assert np.isfinite(r.summary()["p_breakdown_5y"])


@pytest.mark.parametrize("peacekeepers", [False, True])
def test_calibration_scenario_is_the_stylised_test_war(peacekeepers: bool) -> None:
    """The library's calibration workload is the test helper's war with cost 0.006."""
    mech = ("pk",) if peacekeepers else ()
    ours = run_simulation(calibration_scenario(peacekeepers=peacekeepers), 300, 3, 60)
    helper = run_simulation(make_scenario(mechanisms=mech, cost=(0.006, 0.006)), 300, 3, 60)
    assert ours.summary()["p_breakdown_1y"] == helper.summary()["p_breakdown_1y"]
    assert ours.survival() == helper.survival()
