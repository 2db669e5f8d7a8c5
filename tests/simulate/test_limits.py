"""Limiting cases of the negotiation process (the issue's evidence list)."""

from __future__ import annotations

import numpy as np

from detente.simulate import anatomy_of_run, run_simulation
from detente.simulate.engine import EVENT_FLAGS, iter_periods, simulate_block
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

    # (without a stated rearmament the sucker's loss is 0: the first deals come at 10-16
    # periods, as beliefs converge; the former global loss 0.1 delayed them to 22-34)
    assert hazard(10, 30) > hazard(0, 10)
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
    m = build_model(sc)
    overtures, lost, demands, bad = [], [], [], []
    for s in iter_periods(m, 512, np.random.SeedSequence(1), 60):
        overtures.append((s.events & EVENT_FLAGS["overture_A"]) > 0)
        assert not ((s.events & EVENT_FLAGS["overture_B"]) > 0).any()
        lost.append(~s.fighting | (s.y < 0))
        demands.append(s.prev_demand[:, 0, 0].copy())
        bad.append((s.events & EVENT_FLAGS["bad_faith_signature"]) > 0)
    ov, ls = np.array(overtures), np.array(lost)
    assert ov.any()
    # an overture comes under pressure: after battles lost or with a low belief of winning
    assert (ov & ls).sum() > (ov & ~ls).sum()
    # its position never moves: every demand it states is its best package
    d = np.array(demands)
    assert np.allclose(d[~np.isnan(d)], m.table.top[0, 0])
    # it signs only in bad faith (under pressure, a pause to regroup)
    agreed = s.first[:, 0] >= 0
    assert agreed.any()
    assert np.array(bad).any(axis=0)[agreed].all()
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
    """Same fixed positions and no zone (conflicting red lines, so no pause is ever signed):
    the one making overtures wears down B's allies' support."""

    def support_end(strategy: str) -> float:
        sc = make_scenario(
            strategies=(strategy, "linear"),
            support=(0.0, 0.5),
            red_lines={("A", "land"): (60.0, 100.0), ("B", "land"): (0.0, 40.0)},
            crossing_cost=10.0,  # lines too costly to cross: never a zone
        )
        o = simulate_block(build_model(sc), 256, 52, np.random.SeedSequence(0))
        return float(o.paths["support.B.aid"][-1].mean())

    assert support_end("peace_offensive") < support_end("hardliner") - 0.05
