"""Durability of agreements: the baseline breakdown hazard and its calibration to Fortna.

The baseline hazard of a cease-fire breaking down is Weibull with a decreasing hazard
(shape ``k < 1``: most failures come early, as in the cease-fire literature):

    S₀(τ) = exp(−(τ / λ)^k),        τ in years since signature,

and mechanisms and behaviour multiply it (proportional hazards): with hazard ratio ``HR`` the
survival is ``S₀(τ)^HR``. Simulated per period of length ``Δ`` years, the probability of
breakdown in period ``n`` given survival so far is

    h_n = 1 − exp(−HR · [((n+1)Δ/λ)^k − (nΔ/λ)^k]).

Calibration target (Fortna 2004, *Does Peacekeeping Keep Peace?*, civil-war cease-fires,
Kaplan–Meier survival): with / without peacekeepers 0.79 / 0.61 at 1 year, 0.68 / 0.55 at 2
years, 0.56 / 0.39 at 5 years. ``k`` and ``λ`` are fitted to the no-peacekeeper curve and the
peacekeeper hazard ratio to the other by least squares on these six points (see
``benchmarks/ceasefire_calibration.py``); every fitted survival lies within ±0.05 of its
target. The fitted HR (≈0.59) is close to Fortna's unadjusted Cox estimate of 0.54.

:func:`calibration_scenario` is the stylised war that calibration simulates (shared by the
benchmark and the tests): two equal belligerents in good faith with full information, who
agree at once, and nothing but the baseline hazard (and peacekeepers) to end agreements.
"""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from detente.scenario.schema import Scenario

__all__ = [
    "CALIBRATION_TOLERANCE",
    "FORTNA_TARGETS",
    "PEACEKEEPER_HR",
    "WEIBULL_SCALE_YEARS",
    "WEIBULL_SHAPE",
    "calibration_scenario",
    "cumulative_hazard",
    "period_hazard",
    "survival",
]

WEIBULL_SHAPE = 0.46
"""Weibull shape k (< 1: decreasing hazard), fitted to Fortna's no-peacekeeper curve."""
WEIBULL_SCALE_YEARS = 5.55
"""Weibull scale λ in years, fitted to Fortna's no-peacekeeper curve."""
PEACEKEEPER_HR = 0.59
"""Hazard ratio of peacekeepers, fitted to Fortna's with-peacekeeper curve (her Cox HR: 0.54)."""
CALIBRATION_TOLERANCE = 0.05
"""Largest allowed absolute gap between simulated and target survival."""

FORTNA_TARGETS: dict[str, dict[float, float]] = {
    "peacekeepers": {1.0: 0.79, 2.0: 0.68, 5.0: 0.56},
    "none": {1.0: 0.61, 2.0: 0.55, 5.0: 0.39},
}
"""Fortna (2004) Kaplan–Meier survival of cease-fires by years since signature."""


def cumulative_hazard(
    years: NDArray[np.float64] | float,
    shape: float = WEIBULL_SHAPE,
    scale: float = WEIBULL_SCALE_YEARS,
) -> NDArray[np.float64]:
    """Baseline cumulative hazard ``(τ/λ)^k``."""
    tau = np.maximum(np.asarray(years, dtype=np.float64), 0.0)
    out: NDArray[np.float64] = (tau / scale) ** shape
    return out


def survival(years: float, hazard_ratio: float = 1.0) -> float:
    """Model survival ``S₀(τ)^HR`` at ``years`` after signature."""
    return math.exp(-hazard_ratio * float(cumulative_hazard(years)))


def period_hazard(
    age_periods: NDArray[np.int64], period_years: float, hazard_ratio: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Breakdown probability in the period after ``age_periods`` of survival, with ``HR``."""
    a = age_periods.astype(np.float64) * period_years
    dh = cumulative_hazard(a + period_years) - cumulative_hazard(a)
    out: NDArray[np.float64] = -np.expm1(-hazard_ratio * dh)
    return out


def calibration_scenario(*, peacekeepers: bool) -> Scenario:
    """The calibration workload: a stylised two-sided war (two issues, equal sides, cost 0.006
    per week, good faith on both sides, full information: no optimism, no private costs or
    resolve; no factions, no rearmament), with
    peacekeepers attached to any agreement or none."""
    from detente.scenario import parse_scenario

    actors: list[dict[str, Any]] = [
        {
            "id": aid,
            "name": f"Side {aid}",
            "kind": "state",
            "veto": True,
            "belligerent": True,
            "capability": 1.0,
            "cost_of_fighting": 0.006,
        }
        for aid in ("A", "B")
    ]
    issue: dict[str, Any] = {"anchors": [{"value": 0, "label": "B"}, {"value": 100, "label": "A"}]}
    doc = {
        "schema_version": 1,
        "meta": {"name": "cease-fire calibration (stylised)", "as_of": "2026-01-01"},
        "actors": actors,
        "issues": [
            {"id": "land", "name": "Land", "status_quo": 50, "contested": True, **issue},
            {"id": "bloc", "name": "Bloc", "status_quo": 50, **issue},
        ],
        "positions": [
            {"actor": "A", "issue": "land", "ideal": 100, "salience": 1.0},
            {"actor": "A", "issue": "bloc", "ideal": 100, "salience": 0.3},
            {"actor": "B", "issue": "land", "ideal": 0, "salience": 1.0},
            {"actor": "B", "issue": "bloc", "ideal": 0, "salience": 0.8},
        ],
        "mechanisms": [{"id": "pk", "kind": "peacekeepers", "name": "Peacekeepers"}],
        "war": {
            "belligerents": ["A", "B"],
            "stalemate": 0.2,
            "horizon_periods": 104,
            "line_volatility": 0.5,
        },
        "simulation": {
            "strategies": {"A": "good_faith", "B": "good_faith"},
            "optimism": 0.0,
            "cost_spread": 0.0,
            "resolve_spread": 0.0,
            "mechanisms": ["pk"] if peacekeepers else [],
        },
    }
    return parse_scenario(json.dumps(doc))
