"""Builders for small bargaining scenarios and problems used by the tests."""

from __future__ import annotations

from typing import Any

import numpy as np

from detente.bargaining.problem import BargainingProblem
from detente.scenario import Scenario


def one_issue_war(
    p: float,
    c_a: float,
    c_b: float,
    *,
    horizon: int = 1,
    delta: float = 0.99,
    shift: float = 0.0,
    risk_b: float = 1.0,
    stalemate: float = 0.0,
    implementation: int = 52,
) -> Scenario:
    """Fearon's set-up: one issue x (A's share × 100), A's ideal 100, B's ideal 0."""
    doc: dict[str, Any] = {
        "schema_version": 1,
        "meta": {"name": "fearon", "as_of": "2025-01-01"},
        "actors": [
            {
                "id": "A",
                "name": "A",
                "kind": "state",
                "veto": True,
                "belligerent": True,
                "cost_of_fighting": c_a,
                "discount": delta,
            },
            {
                "id": "B",
                "name": "B",
                "kind": "state",
                "veto": True,
                "belligerent": True,
                "cost_of_fighting": c_b,
                "discount": delta,
                "risk": risk_b,
            },
        ],
        "issues": [
            {
                "id": "x",
                "name": "x",
                "status_quo": 50.0,
                "anchors": [{"value": 0, "label": "B all"}, {"value": 100, "label": "A all"}],
            }
        ],
        "positions": [
            {"actor": "A", "issue": "x", "ideal": 100.0, "salience": 1.0},
            {"actor": "B", "issue": "x", "ideal": 0.0, "salience": 1.0},
        ],
        "war": {
            "belligerents": ["A", "B"],
            "p": p,
            "horizon_periods": horizon,
            "truce_power_shift": shift,
            "stalemate": stalemate,
            "implementation_periods": implementation,
        },
    }
    return Scenario.model_validate(doc)


def make_problem(
    ideal: Any,
    weights: Any,
    reservation: Any,
    *,
    risk: Any = None,
    lo: Any = None,
    hi: Any = None,
    veto: Any = None,
) -> BargainingProblem:
    """A problem straight from arrays (no war model)."""
    ideal_a = np.asarray(ideal, dtype=float)
    m, n = ideal_a.shape
    w = np.asarray(weights, dtype=float)
    w = w / w.sum(axis=1, keepdims=True)
    return BargainingProblem(
        actors=tuple(f"a{i}" for i in range(m)),
        issues=tuple(f"i{k}" for k in range(n)),
        ideal=ideal_a,
        weights=w,
        risk=np.ones(m) if risk is None else np.asarray(risk, dtype=float),
        lo=np.zeros((m, n)) if lo is None else np.asarray(lo, dtype=float),
        hi=np.full((m, n), 100.0) if hi is None else np.asarray(hi, dtype=float),
        status_quo=np.full(n, 50.0),
        veto=np.ones(m, dtype=bool) if veto is None else np.asarray(veto, dtype=bool),
        reservation=np.asarray(reservation, dtype=float),
    )
