"""The concession clock: each side's horizon on a bundle is its stake over its cost of delay
(``agenda.concession_horizon``; war of attrition, Maynard Smith 1974, Bishop & Cannings 1978;
Alesina & Drazen 1991; Cross 1965), unless the scenario states ``concession_periods``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from detente.bargaining.problem import build_problem
from detente.errors import InputError
from detente.scenario import load_scenario
from detente.scenario.simulation import SimulationSettings
from detente.simulate.agenda import MAX_HORIZON, concession_horizon, talk_horizons
from detente.simulate.model import build_model
from detente.simulate.strategies import clock, move_args, side_factors

ROOT = Path(__file__).resolve().parents[2]
TEACHING = ROOT / "scenarios" / "teaching.yaml"


def _h(stake: float, cost: float, delta: float, ceasefire: bool = True) -> float:
    out = concession_horizon(
        np.array([stake, stake]),
        np.array([cost, cost]),
        np.array([delta, delta]),
        ceasefire=ceasefire,
    )
    assert out[0] == out[1]
    return float(out[0])


def test_horizon_is_the_stake_over_the_cost_of_delay() -> None:
    # 0.5 at stake, 0.004 a period of fighting, 0.005 of discounting: 0.5 / (0.004 + 0.0025)
    assert _h(0.5, 0.004, 0.995) == pytest.approx(0.5 / 0.0065)
    # without discounting, a period of fighting is conceded per period: stake / c
    assert _h(0.5, 0.004, 1.0) == pytest.approx(125.0)


def test_a_deal_that_does_not_stop_the_fighting_is_delayed_at_the_discount_only() -> None:
    # the war goes on whatever is agreed: only discounting makes delay costly, 1 / (1 - delta)
    assert _h(0.3, 0.004, 0.995, ceasefire=False) == pytest.approx(200.0)
    assert _h(0.3, 0.004, 1.0, ceasefire=False) == MAX_HORIZON


def test_horizon_follows_the_stakes_and_the_costs() -> None:
    assert _h(0.6, 0.004, 0.995) > _h(0.3, 0.004, 0.995)  # more at stake: longer
    assert _h(0.5, 0.008, 0.995) < _h(0.5, 0.004, 0.995)  # a costlier war: shorter
    assert _h(0.5, 0.004, 0.99) < _h(0.5, 0.004, 0.995)  # more impatient: shorter


def test_horizon_edge_cases() -> None:
    assert _h(0.0, 0.004, 0.995) == 1.0  # nothing at stake: concedes at once
    assert _h(-0.2, 0.004, 0.995) == 1.0  # a negative stake is none
    assert _h(0.5, 0.0, 1.0) == MAX_HORIZON  # no cost of delay at all: never needs to
    assert _h(1e-9, 10.0, 0.5) == 1.0  # never below one period
    h = concession_horizon(
        np.array([0.4, 0.4]), np.array([0.002, 0.008]), np.array([0.995, 0.995]), ceasefire=True
    )
    assert h[0] > h[1]  # per side
    assert MAX_HORIZON == 10_000.0  # the scenario format's largest concession_periods


@pytest.mark.parametrize("stake", [float("nan"), float("inf")])
def test_a_stake_that_is_not_a_number_is_an_error(stake: float) -> None:
    with pytest.raises(InputError, match="finite"):
        concession_horizon(
            np.array([stake, 0.4]), np.array([0.004] * 2), np.array([0.995] * 2), ceasefire=True
        )


def test_talks_use_the_bundles_horizons_unless_the_scenario_states_one() -> None:
    sc = load_scenario(TEACHING)
    m = build_model(sc)
    for spec in m.agenda.bundles:
        assert np.array_equal(talk_horizons(spec, m.settings), spec.horizon)
        assert np.all((spec.horizon >= 1.0) & (spec.horizon <= MAX_HORIZON))
    stated = SimulationSettings(concession_periods=30)
    for spec in m.agenda.bundles:
        assert np.array_equal(talk_horizons(spec, stated), [30.0, 30.0])


def test_the_settlements_horizon_is_the_rule_applied_to_the_scenario() -> None:
    sc = load_scenario(TEACHING)
    m = build_model(sc)
    spec = m.agenda.bundles[0]
    assert spec.id == "settlement" and spec.ceasefire
    pb = build_problem(sc)
    bel = [pb.index(a) for a in m.actor_ids[:2]]
    top = spec.utility[spec.table.feasible.any(axis=0)][:, :2].max(axis=0)
    stake = np.maximum(top - pb.reservation[bel], 0.0)
    want = stake / (pb.cost_per_period[bel] + (1.0 - pb.discount[bel]) * stake)
    assert np.all(want > 1.0)
    assert np.allclose(spec.horizon, np.clip(want, 1.0, MAX_HORIZON))


def test_side_factors_put_each_side_on_its_own_clock() -> None:
    pool = ("linear", "boulware", "hardliner")
    kinds, f = side_factors(pool, 9, np.array([19.0, 39.0]))
    assert f.shape == (2, 3) and f.flags.c_contiguous
    k0, a = move_args(pool, clock(9, 19.0))
    _, b = move_args(pool, clock(9, 39.0))
    assert np.array_equal(kinds, k0)
    assert np.array_equal(f[0], a) and np.array_equal(f[1], b)
    assert f[0, 0] == pytest.approx(0.5) and f[1, 0] == pytest.approx(0.75)  # linear: 1 - t
    assert clock(100, 19.0) == 1.0  # capped at the horizon
