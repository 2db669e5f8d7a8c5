"""v19a §3: a run's own costs of fighting enter ripeness's W by the analysis' formula
(``bargaining.problem.felt_cost``): the felt cost at the date ages with the run and the costs
paid in it are weighted by the actor's δ, so a war at its bound does not make crossings cheaper
by going on (validation/v19a_expectations.md §3; Zartman 2000)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from detente.bargaining.problem import build_problem, felt_cost
from detente.bargaining.redlines import crossing_cost
from detente.scenario import load_scenario
from detente.simulate.engine import iter_periods
from detente.simulate.model import SimModel, build_model
from detente.simulate.state import RunState, evolve
from detente.simulate.steps.positions import crossing_costs, run_felt_cost

GF = Path(__file__).resolve().parents[2] / "validation" / "cases" / "good_friday_1998"


def _good_friday() -> tuple[SimModel, RunState, int, float]:
    sc = load_scenario(GF / "scenario.yaml")
    m = build_model(sc)
    j = next(i for i, ms in enumerate(m.agenda.move_sets) if m.actor_ids[ms.actor] == "SF")
    s = next(iter_periods(m, 4, np.random.SeedSequence(0), 1))
    p = build_problem(sc)
    return m, s, j, float(p.cost_per_period[p.index("SF")])


def test_the_run_reads_the_analysis_formula() -> None:
    m, s, j, _ = _good_friday()
    ms = m.agenda.move_sets[j]
    a = ms.actor
    w = run_felt_cost(m, s, a)
    want = felt_cost(m.agenda.cumulative0[a], s.cum_cost[:, a], s.period + 1, m.discount[a])
    assert np.allclose(w, want)
    pts = np.abs(ms.to - ms.stated) / 100.0
    cost = crossing_costs(m, s, j, np.zeros((4, 2)))
    for r in range(4):
        k = crossing_cost(ms.stated, ms.base, w[r], 0.0, ms.lead)
        assert cost[r] == pytest.approx((k * pts).sum())


def test_a_war_at_its_bound_does_not_ripen_by_going_on() -> None:
    # Sinn Féin after 29 years: W0 is at its bound c / (1 − δ); a year more at the same weekly
    # cost leaves the felt cost (and the crossing cost) where it was, where the undiscounted
    # sum W0 + 52 c would have cut it
    m, s, j, c = _good_friday()
    ms = m.agenda.move_sets[j]
    a = ms.actor
    d = float(m.discount[a])
    w0 = float(m.agenda.cumulative0[a])
    assert w0 == pytest.approx(c / (1 - d), rel=1e-3)
    later = evolve(s, period=51, cum_cost=np.full((4, 2), 52 * c))
    assert run_felt_cost(m, later, a) == pytest.approx(np.full(4, w0), rel=1e-3)
    relief = np.zeros((4, 2))
    year = crossing_costs(m, later, j, relief)
    at_w0 = (crossing_cost(ms.stated, ms.base, w0, 0.0, ms.lead) * np.abs(ms.to - ms.stated)).sum()
    assert year == pytest.approx(np.full(4, at_w0 / 100.0), rel=1e-3)
    undiscounted = crossing_cost(ms.stated, ms.base, w0 + 52 * c)
    assert (undiscounted < 0.95 * crossing_cost(ms.stated, ms.base, w0)).all()
