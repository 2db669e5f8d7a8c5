"""The ``positions`` step: stated red lines move by the crossing-cost rule of
``bargaining.redlines`` (Fearon 1994; Tomz 2007), and their trajectories are path variables."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from detente.bargaining.problem import felt_cost
from detente.bargaining.redlines import crossing_cost
from detente.scenario import load_scenario
from detente.simulate.engine import iter_periods, path_variables
from detente.simulate.model import build_model
from detente.simulate.state import evolve
from detente.simulate.steps.positions import crossing_costs

from .helpers import make_scenario

ROOT = Path(__file__).resolve().parents[2]
RED = {("A", "land"): (60.0, 100.0), ("B", "land"): (0.0, 40.0)}


def test_red_line_variables_are_named_for_every_veto_actor_and_stated_bound() -> None:
    sc = load_scenario(ROOT / "scenarios" / "ukraine-2022-03.yaml")
    m = build_model(sc)
    names = [v for v in path_variables(m) if v.startswith("redline.")]
    pos = sc.current_positions()
    expected = []
    for a in sc.actors:
        for i in sc.issues:
            p = pos.get((a.id, i.id))
            if a.veto and p is not None and p.acceptable is not None:
                expected += [f"redline.{a.id}.{i.id}.min", f"redline.{a.id}.{i.id}.max"]
    assert sorted(names) == sorted(expected) and names
    # the opening values are the stated bounds
    s = next(iter_periods(m, 8, np.random.SeedSequence(0), 1))
    assert s.regime.shape == (8,)
    p = pos[("UA", "crimea")]
    assert p.acceptable is not None
    hi = m.agenda.hi[0, m.actor_ids.index("UA"), m.issue_ids.index("crimea")]
    assert hi == p.acceptable[1]


def test_the_crossing_cost_is_the_bargaining_engines_and_falls_with_costs_and_a_new_leader() -> (
    None
):
    m = build_model(make_scenario(strategies=("conceder", "conceder"), red_lines=RED))
    assert m.agenda.move_sets
    s = next(iter_periods(m, 4, np.random.SeedSequence(0), 1))
    ms = m.agenda.move_sets[0]
    relief = np.zeros((4, 2))
    base = crossing_costs(m, s, 0, relief)
    w = m.agenda.cumulative0[ms.actor]
    if ms.actor < 2:  # v19a: the run's costs felt by the analysis' formula (felt_cost)
        w = felt_cost(w, s.cum_cost[0, ms.actor], s.period + 1, m.discount[ms.actor])
    kappa = crossing_cost(ms.stated, ms.base, w)
    assert np.allclose(base[0], (kappa * np.abs(ms.to - ms.stated) / 100.0).sum())
    if ms.actor < 2:
        costly = evolve(s, cum_cost=s.cum_cost + 1.0)
        assert (crossing_costs(m, costly, 0, relief) < base).all()
        led = evolve(s, leader_changed=np.ones((4, 2), dtype=bool))
        assert (crossing_costs(m, led, 0, relief) < base).all()
        assert (crossing_costs(m, s, 0, relief + 0.5) < base).all()


def test_red_lines_are_crossed_only_at_the_table() -> None:
    """A move set is crossed only after a round of talks on its bundle has been held (Zartman's
    way out; Schelling 1960, Fearon 1994: a concession away from the table buys nothing)."""
    from detente.simulate.steps.positions import POSITIONS

    m = build_model(make_scenario(strategies=("conceder", "conceder"), red_lines=RED))
    assert m.agenda.move_sets
    n = 64
    s = next(iter_periods(m, n, np.random.SeedSequence(0), 1))
    n_j = len(m.agenda.move_sets)
    # worth crossing: heavy costs paid, nothing crossed, nothing in force
    fresh = evolve(
        s,
        cum_cost=s.cum_cost + 5.0,
        moved_at=np.full((n, n_j), -1, dtype=np.int64),
        regime=np.zeros(n, dtype=s.regime.dtype),
        phase=np.zeros_like(s.phase),
    )
    away = POSITIONS.apply(m, evolve(fresh, rounds=np.zeros_like(s.rounds)), None)  # type: ignore[arg-type]
    assert (away.moved_at == -1).all() and (away.regime == 0).all()
    table = POSITIONS.apply(m, evolve(fresh, rounds=np.ones_like(s.rounds)), None)  # type: ignore[arg-type]
    assert (table.moved_at >= 0).any()
    # along runs: every crossing comes after a round on its bundle
    prev = None
    crossings = 0
    for st in iter_periods(m, n, np.random.SeedSequence(1), 30):
        for j, ms in enumerate(m.agenda.move_sets):
            new = st.moved_at[:, j] == st.period
            if new.any():
                crossings += int(new.sum())
                assert prev is not None and (prev.rounds[new, ms.bundle] > 0).all()
        prev = st
    assert crossings > 0
