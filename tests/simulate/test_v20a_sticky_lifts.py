"""v20a: a lifted refusal is an event kept in the run state, and the price of lifting it reads
ripeness's W by the one formula of the red lines (the felt cost of fighting).

Once a leader has met the adversary it refused to recognise, it cannot un-meet him: the lift is
recorded with its period (``RunState.lifted_at``) and kept for the rest of the run, even when
the felt cost of fighting falls later (it discounts older costs) and the price of the refusal
rises again (audience costs, Fearon 1994; Tomz 2007; validation/v20a_expectations.md). Before
v20a the mask was recomputed every period from an undiscounted sum of costs, a second formula
for W beside the red lines' felt cost."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from ruamel.yaml import YAML

from detente.bargaining.redlines import crossing_cost
from detente.scenario import Scenario, load_scenario, parse_scenario
from detente.simulate.engine import iter_periods
from detente.simulate.model import SimModel, build_model
from detente.simulate.state import Draws, RunState, replaced
from detente.simulate.steps import positions
from detente.simulate.steps.learn import model_cache
from detente.simulate.steps.positions import POSITIONS, crossing_costs, ripeness_w
from detente.simulate.steps.tracks import TRACKS, _lift_plan, lifted, lifting_costs

ROOT = Path(__file__).resolve().parents[2]
TEACHING = ROOT / "scenarios" / "teaching.yaml"
GF = ROOT / "validation" / "cases" / "good_friday_1998" / "scenario.yaml"
RUNS, PERIODS = 128, 40


def _refusing() -> Scenario:
    """The teaching scenario with Norland refusing to meet Sudmark's leaders (the implicit
    track, the only one, is closed at the start: tests/simulate/test_tracks.py)."""
    data: dict[str, Any] = YAML(typ="safe").load(TEACHING.read_text(encoding="utf-8"))
    data["refusals"] = [
        {"id": "r", "by": "NOR", "refuses": "SUD", "reason": "legitimacy",
         "since": "2024-06-01", "assumption": "test"}
    ]  # fmt: skip
    return parse_scenario(json.dumps(data, default=str), name="teaching+refusal.json")


def _states() -> tuple[SimModel, list[RunState]]:
    m = build_model(_refusing())
    return m, list(iter_periods(m, RUNS, np.random.SeedSequence(1), PERIODS))


def _no_costs(s: RunState) -> RunState:
    """The state with the costs of fighting paid in the run gone: W falls back to its value at
    the scenario's date (the teaching war has no felt cost before it: W = 0)."""
    return replaced(s, cum_cost=np.zeros_like(s.cum_cost))


def test_a_lift_is_kept_when_w_falls_after_it() -> None:
    """Runs that lifted the refusal on the costs of the run keep it when W falls back (all
    costs gone): the ``tracks`` step keeps the lift and its period; on the base the mask was
    recomputed from W and these runs closed the refusal again."""
    m, states = _states()
    s = states[-1]
    at_start = lifted(m, _no_costs(states[0]))
    late = (lifted(m, s) > 0) & (at_start == 0)  # lifted as the run's costs mounted
    assert late.any()
    fallen = _no_costs(s)
    assert not (lifting_costs(m, fallen) < lifting_costs(m, s)).any()  # the price rose again
    assert ((lifted(m, fallen) > 0) | ~late).all()
    nxt = TRACKS.apply(m, replaced(fallen, period=s.period + 1), _draws(m, s.n))
    assert ((lifted(m, nxt) > 0) | ~late).all()
    assert (nxt.lifted_at[late, 0] >= 0).all()
    assert np.array_equal(nxt.lifted_at, s.lifted_at)  # kept with its period, not re-dated


def _draws(m: SimModel, n: int) -> Draws:
    n_u, n_z = TRACKS.widths(m)
    return Draws(np.full((n, n_u), 0.5), np.zeros((n, n_z)))


def test_the_lift_is_recorded_with_its_period_and_never_undone() -> None:
    """``lifted_at`` is set once, in the period whose ``tracks`` step lifts the refusal, and
    never changes after; the mask :func:`lifted` returns always includes it."""
    m, states = _states()
    prev = np.full(RUNS, -1)
    for t, s in enumerate(states):
        rec = s.lifted_at[:, 0]
        assert np.array_equal(rec[prev >= 0], prev[prev >= 0])  # never undone, never re-dated
        assert ((rec == prev) | (rec == t)).all()  # a new lift is dated this period
        assert ((lifted(m, s) > 0) | (rec < 0)).all()
        prev = rec
    assert 0 < (prev >= 0).sum() < RUNS


def test_lifting_and_crossing_read_one_w() -> None:
    """One implementation of ripeness's W for both commitments: the price of a lift is the
    crossing cost of its bases at the W ``positions.ripeness_w`` gives (the felt cost of
    fighting, ``positions.run_felt_cost``), the same W the red lines' crossings read. Replacing
    the felt cost moves both; on the base the lift read ``cumulative0 + cum_cost`` instead."""
    m, states = _states()
    s = states[20]
    (ref,) = model_cache(m, _lift_plan).refusals
    a = ref.actor
    undiscounted = m.agenda.cumulative0[a] + s.cum_cost[:, a]
    felt = ripeness_w(m, s, a)
    assert (felt < undiscounted).all()  # the two formulas differ in this state
    assert m.tracks is not None and m.tracks.refusal_lead is not None
    lead = np.maximum(float(m.tracks.refusal_lead[ref.bit]), s.leader_changed[:, a])
    want = crossing_cost(
        np.zeros_like(ref.base)[None, :], ref.base[None, :], felt[:, None], 0.0, lead[:, None]
    ).sum(axis=1)
    np.testing.assert_allclose(lifting_costs(m, s)[:, ref.bit], want, rtol=1e-12)


def test_one_felt_cost_moves_both_prices(monkeypatch: pytest.MonkeyPatch) -> None:
    """Replace the felt cost of fighting (``positions.run_felt_cost``) by a constant: the price
    of the lift and those of the red lines' crossings both follow it."""
    m, states = _states()
    s = states[20]
    relief = np.zeros((s.n, 2))
    before_lift = lifting_costs(m, s)
    before_cross = [crossing_costs(m, s, j, relief) for j in range(len(m.agenda.move_sets))]
    monkeypatch.setattr(positions, "run_felt_cost", lambda m, s, side: np.full(s.n, 50.0))
    after_lift = lifting_costs(m, s)
    assert (after_lift < before_lift).all()
    (ref,) = model_cache(m, _lift_plan).refusals
    assert m.tracks is not None and m.tracks.refusal_lead is not None
    lead = float(m.tracks.refusal_lead[ref.bit])  # no change of leader in the teaching runs
    zero = np.zeros_like(ref.base)[None, :]
    want = crossing_cost(zero, ref.base[None, :], np.array([[50.0]]), 0.0, lead).sum()
    np.testing.assert_allclose(after_lift[:, ref.bit], want, rtol=1e-12)
    for j, ms in enumerate(m.agenda.move_sets):
        if ms.actor < 2:
            assert (crossing_costs(m, s, j, relief) <= before_cross[j]).all()


def test_a_crossed_red_line_stays_crossed_when_w_falls() -> None:
    """Red lines were already sticky (checked, not changed, by v20a): a crossing sets the
    regime's bit and ``moved_at``, and the ``positions`` step weighs only the move sets not
    crossed, so a W that falls after the crossing (here: all costs gone) never un-crosses a
    line (Good Friday, whose lines are crossed in these runs)."""
    m = build_model(load_scenario(GF))
    *_, s = iter_periods(m, 32, np.random.SeedSequence(1), 30)
    assert (s.moved_at >= 0).any()
    nxt = POSITIONS.apply(m, replaced(_no_costs(s), period=s.period + 1), _draws(m, s.n))
    assert np.array_equal(nxt.regime & s.regime, s.regime)
    kept = s.moved_at >= 0
    assert np.array_equal(nxt.moved_at[kept], s.moved_at[kept])
