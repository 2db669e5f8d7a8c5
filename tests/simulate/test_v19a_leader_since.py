"""v19a §2: the simulation reads ``Actor.leader_since`` as the analysis does: a red line stated
before the actor's leader took over costs a new leader less to cross (Fearon 1994; Tomz 2007),
in the ``positions`` step's crossing costs too (validation/v19a_expectations.md §2)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from detente.bargaining.problem import build_problem, felt_cost, predecessor_lines
from detente.bargaining.redlines import LEADER_RELIEF, crossing_cost
from detente.scenario import load_scenario
from detente.simulate.engine import iter_periods
from detente.simulate.model import build_model
from detente.simulate.state import evolve
from detente.simulate.steps.positions import crossing_costs, run_felt_cost

CASES = Path(__file__).resolve().parents[2] / "validation" / "cases"


def test_one_mask_for_the_analysis_and_the_move_sets() -> None:
    sc = load_scenario(CASES / "beagle_1984" / "scenario.yaml")
    p = build_problem(sc)
    mask = predecessor_lines(sc, p.actors, p.issues)
    assert np.array_equal(mask, p.leader_change)
    # Argentina's islands line was stated by the junta (1978), before Alfonsín (1983-12-10)
    ar = p.index("AR")
    assert mask[ar, p.issues.index("islands")] == 1.0 and mask.sum() == 1.0
    m = build_model(sc)
    sets = [ms for ms in m.agenda.move_sets if m.actor_ids[ms.actor] == "AR"]
    assert sets
    for ms in sets:
        names = [m.issue_ids[k] for k in ms.issues]
        assert ms.lead.tolist() == [1.0 if n == "islands" else 0.0 for n in names]


def test_a_predecessors_line_costs_less_to_cross_in_the_run() -> None:
    sc = load_scenario(CASES / "beagle_1984" / "scenario.yaml")
    m = build_model(sc)
    j = next(i for i, ms in enumerate(m.agenda.move_sets) if m.actor_ids[ms.actor] == "AR")
    ms = m.agenda.move_sets[j]
    # a year into the run (rev19 finding 7: at period 0 and W0 = 0, felt and paid W agree)
    *_, s = iter_periods(m, 4, np.random.SeedSequence(0), 52)
    assert s.period == 51
    relief = np.zeros((4, 2))
    cost = crossing_costs(m, s, j, relief)
    # the engine's felt W: the analysis' felt_cost of the costs paid so far, aged by the periods
    w = run_felt_cost(m, s, ms.actor)
    w0, paid = m.agenda.cumulative0[ms.actor], s.cum_cost[:, ms.actor]
    assert w == pytest.approx(felt_cost(w0, paid, s.period + 1.0, m.discount[ms.actor]))
    assert np.all(w < 0.95 * (w0 + paid))  # the felt form differs from the paid sum here
    pts = np.abs(ms.to - ms.stated) / 100.0
    for r in range(4):
        same = crossing_cost(ms.stated, ms.base, w[r]) * pts
        new = crossing_cost(ms.stated, ms.base, w[r], 0.0, ms.lead) * pts
        assert cost[r] == pytest.approx(new.sum())
        # the islands line at half its cost (LEADER_RELIEF 0.5), maritime at full cost
        assert cost[r] < same.sum()
        isl = [m.issue_ids[k] for k in ms.issues].index("islands")
        assert new[isl] == pytest.approx(same[isl] * (1 - LEADER_RELIEF))
    # a new leader in the run relieves every line; the islands line is not relieved twice
    led = evolve(s, leader_changed=np.ones((4, 2), dtype=bool))
    assert crossing_costs(m, led, j, relief) == pytest.approx(
        [(crossing_cost(ms.stated, ms.base, w[r], 0.0, 1.0) * pts).sum() for r in range(4)]
    )
