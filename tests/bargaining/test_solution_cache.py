"""The interior-point answers kept by bargaining.solutions (Nash and utilitarian points): a
repeated model gets the same answer, a changed input is solved again."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from detente.bargaining import solutions
from detente.bargaining.problem import build_problem
from detente.bargaining.zone import ZoneLP, compute_zone
from detente.scenario import load_scenario

SCENARIOS = Path(__file__).parents[2] / "scenarios"


def test_a_changed_input_is_solved_again(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(solutions, "_barrier_cache", type(solutions._barrier_cache)())
    calls: list[str] = []
    real = solutions._barrier_max

    def counted(*args: object) -> np.ndarray:  # type: ignore[type-arg]
        calls.append("solve")
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(solutions, "_barrier_max", counted)
    problem = build_problem(load_scenario(SCENARIOS / "teaching.yaml"))
    lp = ZoneLP(problem)
    zone = compute_zone(problem, lp=lp, samples=0)
    assert zone.exists
    first = solutions._nash(lp, zone.thresholds, zone)
    solved = first.tobytes()
    first[:] = -1.0  # a caller changing its answer does not change the cache's
    again = solutions._nash(lp, zone.thresholds, zone)
    assert len(calls) == 1 and again.tobytes() == solved
    # thresholds a little higher: the zone shrinks, the point is solved again
    t2 = np.where(problem.veto, zone.thresholds + 0.01, np.nan)
    zone2 = compute_zone(problem, t2, lp=lp, samples=0)
    assert zone2.exists
    moved = solutions._nash(lp, t2, zone2)
    assert len(calls) == 2 and moved.tobytes() != again.tobytes()
    # the utilitarian point of the same zone is another objective: its own entry
    if not np.allclose(problem.risk[lp.actor_rows], 1.0):
        solutions._utilitarian(lp, zone.thresholds, zone)
        assert len(calls) == 3
    # another risk attitude (same zone LP rows): solved again
    risky = dataclasses.replace(problem, risk=problem.risk * 1.5)
    lp3 = ZoneLP(risky)
    zone3 = compute_zone(risky, zone.thresholds, lp=lp3, samples=0)
    if zone3.exists:
        n = len(calls)
        solutions._nash(lp3, zone.thresholds, zone3)
        assert len(calls) == n + 1
