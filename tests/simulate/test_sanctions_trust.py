"""Staged sanctions relief in implementation, and the four trust dimensions in the loop."""

from __future__ import annotations

from typing import Any

import numpy as np

from detente.simulate import run_simulation
from detente.simulate.engine import EVENT_FLAGS, simulate_block
from detente.simulate.model import build_model

from .helpers import make_scenario

LAYERS = [
    {"after_periods": 13, "fraction": 0.25},
    {"after_periods": 26, "fraction": 0.25},
    {"after_periods": 52, "fraction": 0.5},
]


def _breakdown(**kw: Any) -> float:
    return float(run_simulation(make_scenario(**kw), 3000, 8, 104).summary()["p_breakdown_1y"])


def test_relief_schedule_is_a_step_function_of_verified_periods() -> None:
    m = build_model(make_scenario(mechanisms=("ss",), schedule=LAYERS, sanctioned="B"))
    assert m.relief_step[12] == 0.0
    assert m.relief_step[13] == 0.25
    assert m.relief_step[26] == 0.5
    assert m.relief_step[-1] == 1.0
    assert m.sanctioned.tolist() == [False, True]
    # not attached: no relief at stake
    assert build_model(make_scenario(schedule=LAYERS)).relief_step.size == 0


def test_staged_relief_lowers_breakdown_all_else_equal() -> None:
    none = _breakdown()
    staged = _breakdown(mechanisms=("ss",), schedule=LAYERS)
    one_side = _breakdown(mechanisms=("ss",), schedule=LAYERS, sanctioned="B")
    assert staged < none - 0.05
    assert staged < one_side < none


def test_relief_granted_up_front_deters_nothing() -> None:
    """Relief released at signature leaves nothing to forfeit: the run equals no mechanism."""
    up_front = make_scenario(mechanisms=("ss",), schedule=[{"after_periods": 0, "fraction": 1.0}])
    a = run_simulation(up_front, 1500, 3, 80).summary()
    b = run_simulation(make_scenario(), 1500, 3, 80).summary()
    assert a["p_breakdown_1y"] == b["p_breakdown_1y"]
    assert a["terms"] == b["terms"]


def test_unverified_compliance_releases_no_relief() -> None:
    """With detection near zero relief stays withheld, so the deterrent lasts; with monitors
    it is released and the hazard returns to baseline sooner."""
    blind = _breakdown(mechanisms=("ss",), schedule=LAYERS, simulation={"detection": 0.0})
    watched = _breakdown(mechanisms=("ss",), schedule=LAYERS, simulation={"detection": 1.0})
    assert blind < watched


def _block(sc: Any, runs: int = 1024, periods: int = 104, seed: int = 0) -> Any:
    return simulate_block(build_model(sc), runs, periods, np.random.default_rng(seed))


def test_spoilers_count_against_capacity() -> None:
    o = _block(make_scenario(factions=True))
    hit = ((o.events & EVENT_FLAGS["spoiler"]) > 0).any(axis=0)
    assert hit.any() and (~hit).any()
    cap = o.paths["trust_capacity.A"][-1]
    assert cap[hit].mean() < cap[~hit].mean()
    # with no factions, capacity is never updated
    o0 = _block(make_scenario())
    assert np.allclose(o0.paths["trust_capacity.A"], o0.paths["trust_capacity.A"][0])


def _capacity_prior(positive: float, negative: float) -> list[dict[str, Any]]:
    return [
        {
            "truster": "A",
            "trustee": "B",
            "capacity": {"positive": positive, "negative": negative},
            "assumption": "test",
        }
    ]


def test_capacity_matters_only_against_a_state_with_factions() -> None:
    def outcome(factions: bool, pos: float, neg: float) -> tuple[float, Any]:
        sc = make_scenario(
            factions=factions,
            trust=_capacity_prior(pos, neg),
            simulation={"sucker_loss": 0.25},
        )
        s = run_simulation(sc, 1000, 4, 104).summary()
        return float(s["p_agreement"]), s["terms"]

    doubted, trusted = outcome(True, 0.0, 30.0), outcome(True, 30.0, 0.0)
    assert doubted[0] < trusted[0] - 0.5  # A doubts B can restrain its spoilers: no deal
    assert outcome(False, 0.0, 30.0) == outcome(False, 30.0, 0.0)


def test_kept_commitments_raise_predictability_and_integrity() -> None:
    o = _block(make_scenario())
    agreed_early = (o.first_agreement >= 0) & (o.first_agreement <= 1)
    clean = ~((o.events & EVENT_FLAGS["violation"]) > 0).any(axis=0)
    runs = agreed_early & clean
    assert runs.sum() > 20
    for dim in ("predictability", "integrity"):
        path = o.paths[f"trust_{dim}.A"]
        assert (path[-1, runs] > path[0, runs]).all()
    # a kept period says nothing about peaceful intention (costly gestures do)
    pi = o.paths["trust_peaceful_intention.A"]
    assert np.allclose(pi[-1, runs], pi[0, runs])


def test_gestures_raise_peaceful_intention() -> None:
    def pi_of_b(strategy: str) -> float:
        o = _block(make_scenario(strategies=(strategy, "hardliner")), periods=12)
        return float(o.paths["trust_peaceful_intention.B"][-1].mean())

    assert pi_of_b("grit") > pi_of_b("linear") + 0.02
