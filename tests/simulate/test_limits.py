"""Limiting cases of the negotiation process (the issue's evidence list)."""

from __future__ import annotations

import numpy as np

from detente.simulate import anatomy_of_run, run_simulation
from detente.simulate.engine import EVENT_FLAGS, simulate_block
from detente.simulate.model import build_model

from .helpers import make_scenario


def _first(scenario, runs=512, periods=60, seed=1):  # type: ignore[no-untyped-def]
    m = build_model(scenario)
    return m, simulate_block(m, runs, periods, np.random.default_rng(seed))


def test_full_information_zone_good_faith_agrees_in_first_rounds() -> None:
    _m, o = _first(make_scenario(strategies=("good_faith", "good_faith"), optimism=0.0))
    assert (o.first_agreement >= 0).all()
    assert o.first_agreement.max() <= 1


def test_no_zone_and_hardliners_never_agree() -> None:
    sc = make_scenario(strategies=("hardliner", "hardliner"), reservation=(0.8, 0.8))
    r = run_simulation(sc, 600, 3, 80)
    assert r.summary()["p_agreement"] == 0.0


def test_no_zone_blocks_even_good_faith() -> None:
    sc = make_scenario(strategies=("good_faith", "good_faith"), reservation=(0.8, 0.8))
    assert run_simulation(sc, 300, 3, 40).summary()["p_agreement"] == 0.0


def test_hazard_of_agreement_rises_as_beliefs_converge() -> None:
    """Mutual optimism blocks a deal at first; learning from battles opens it (Slantchev)."""
    sc = make_scenario(
        strategies=("good_faith", "good_faith"),
        optimism=0.9,
        cost=(0.003, 0.003),
        simulation={"belief_strength": 4.0, "concession_periods": 10_000},
    )
    _m, o = _first(sc, runs=1024, periods=80)
    first = o.first_agreement
    assert (first == 0).mean() < 0.05  # optimism blocks an immediate deal

    def hazard(lo: int, hi: int) -> float:
        at_risk = ((first < 0) | (first >= lo)).sum()
        return float(((first >= lo) & (first < hi)).sum()) / max(int(at_risk), 1)

    assert hazard(20, 40) > hazard(0, 20)
    # beliefs converge: the gap between the two sides' beliefs shrinks
    gap0 = np.abs(o.paths["belief.A"][0] - o.paths["belief.B"][0]).mean()
    gap_end = np.abs(o.paths["belief.A"][-1] - o.paths["belief.B"][-1]).mean()
    assert gap_end < gap0 / 2
    # with full information the same scenario agrees within the first rounds
    _, o0 = _first(make_scenario(strategies=("good_faith", "good_faith"), cost=(0.003, 0.003)))
    assert (o0.first_agreement >= 0).all()
    assert o0.first_agreement.max() <= 8
    assert np.median(o0.first_agreement) < np.median(np.where(first < 0, 10**6, first))


def test_peace_offensive_overtures_without_moving_positions() -> None:
    sc = make_scenario(strategies=("peace_offensive", "linear"), optimism=0.0)
    m, o = _first(sc, periods=60)
    overtures = (o.events & EVENT_FLAGS["overture_A"]) > 0
    assert overtures.any()
    assert not ((o.events & EVENT_FLAGS["overture_B"]) > 0).any()
    # an overture comes when under pressure: a battle lost or a low belief of winning
    lost = (o.events & EVENT_FLAGS["battle_won_by_A"]) == 0
    assert (overtures & lost).sum() > (overtures & ~lost).sum()
    # its position never moves: any agreement is on A's best package
    agreed = o.first_agreement >= 0
    best = m.candidates[np.argmax(m.cand_utility[:, 0])]
    assert np.allclose(o.terms[agreed], best)
    rows = anatomy_of_run(sc, seed=1, periods=30, runs=10)
    assert any("overture by A" in r["events"] for r in rows)


def test_rearm_during_truce_raises_breakdown_hazard() -> None:
    base = make_scenario(strategies=("linear", "good_faith"))
    rearm = make_scenario(strategies=("rearm_during_truce", "good_faith"))
    p0 = run_simulation(base, 3000, 5, 104).summary()["p_breakdown_1y"]
    p1 = run_simulation(rearm, 3000, 5, 104).summary()["p_breakdown_1y"]
    assert p1 > p0 + 0.03


def test_spoilers_count_against_their_state_and_raise_breakdown() -> None:
    calm = run_simulation(make_scenario(), 2000, 9, 104).summary()["p_breakdown_1y"]
    spoil = run_simulation(make_scenario(factions=True), 2000, 9, 104).summary()
    assert spoil["p_breakdown_1y"] > calm
    _m, o = _first(make_scenario(factions=True), periods=104)
    assert ((o.events & EVENT_FLAGS["spoiler"]) > 0).any()
    # A's trust in B falls below its start in runs with spoiler violations
    hit = ((o.events & EVENT_FLAGS["spoiler"]) > 0).any(axis=0)
    assert o.paths["trust.A"][-1, hit].mean() < o.paths["trust.A"][-1, ~hit].mean()


def test_peacekeepers_lower_breakdown() -> None:
    none = run_simulation(make_scenario(), 3000, 2, 104).summary()["p_breakdown_1y"]
    pk = run_simulation(make_scenario(mechanisms=("pk",)), 3000, 2, 104).summary()
    assert pk["p_breakdown_1y"] < none - 0.05


def test_peace_offensive_erodes_the_other_sides_support() -> None:
    """Same fixed positions; the one making overtures wears down B's allies' support."""
    from .helpers import fixture_scenario

    base = fixture_scenario()

    def support_end(strategy: str) -> float:
        sim = base.simulation.model_copy(update={"strategies": {"A": strategy, "B": "linear"}})
        m = build_model(base.model_copy(update={"simulation": sim}))
        o = simulate_block(m, 256, 52, np.random.default_rng(0))
        return float(o.paths["support.B.aid"][-1].mean())

    assert support_end("peace_offensive") < support_end("hardliner") - 0.05
