"""What-it-takes: exact search against brute force; greedy beyond 12; scorecards; stages."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from detente.bargaining.analysis import analyze, run_what_it_takes
from detente.bargaining.distrust import apply_all, thresholds
from detente.bargaining.whatittakes import EXACT_LIMIT, what_it_takes
from detente.bargaining.zone import compute_zone
from detente.scenario import load_scenario

FIXTURE = Path(__file__).parent / "fixtures" / "border.yaml"
COMPLIANCE = {("W", "E"): 0.2, ("E", "W"): 0.35, ("W", "G"): 0.8, ("E", "G"): 0.5}


@pytest.fixture(scope="module")
def border():  # type: ignore[no-untyped-def]
    return analyze(load_scenario(FIXTURE), compliance=COMPLIANCE, samples=500)


def test_fixture_zone_closes_under_distrust(border) -> None:  # type: ignore[no-untyped-def]
    assert border.zone_without_distrust.exists
    assert not border.zone.exists
    assert border.zone.shortfall.max() > 0


def test_exact_search_matches_brute_force(border) -> None:  # type: ignore[no-untyped-def]
    effects = list(border.effects.values())
    prob = border.problem
    opening = []
    for size in range(len(effects) + 1):
        for combo in itertools.combinations(range(len(effects)), size):
            t = thresholds(prob, apply_all(border.state, [effects[j] for j in combo]))
            if compute_zone(prob, t, samples=0).exists:
                opening.append(combo)
    minimal = [c for c in opening if not any(set(o) < set(c) for o in opening)]
    cost = {c: sum(effects[j].total_cost for j in c) for c in minimal}
    expected = sorted(minimal, key=lambda c: (cost[c], len(c)))[:5]
    res = run_what_it_takes(border, top=5)
    assert res.method == "exact"
    got = [tuple(sorted(prob_ids)) for prob_ids in (o.mechanisms for o in res.options)]
    want = [tuple(sorted(effects[j].id for j in c)) for c in expected]
    assert got == want
    assert got, "the fixture is built so that some mechanism reopens the zone"
    costs = [o.total_cost for o in res.options]
    assert costs == sorted(costs)
    for o in res.options:
        assert o.zone.exists
        assert o.nash is not None and o.nash.in_zone


def test_greedy_beyond_the_exact_limit(border) -> None:  # type: ignore[no-untyped-def]
    effects = list(border.effects.values())
    many = (effects * 3)[: EXACT_LIMIT + 1]
    res = what_it_takes(border.problem, border.state, many, lp=border.lp)
    assert res.method == "greedy"
    assert len(res.options) == 1
    assert res.options[0].zone.exists


def test_no_mechanism_can_help_reports_nothing(border) -> None:  # type: ignore[no-untyped-def]
    res = what_it_takes(border.problem, border.state, [], lp=border.lp)
    assert res.options == ()


def test_scorecards(border) -> None:  # type: ignore[no-untyped-def]
    cards = {c.id: c for c in border.cards}
    maximal = {r.actor: r for r in cards["maximal"].rows}
    # East's maximal terms break two of West's red lines: they block first.
    assert maximal["W"].red_lines_broken == ("province", "army")
    assert [b for b, _ in maximal["W"].blocking[:2]] == ["province", "army"]
    assert not maximal["W"].accept
    assert maximal["E"].accept and maximal["E"].utility == pytest.approx(1.0)
    # Distrust can only turn acceptance into rejection, never the reverse.
    for card in border.cards:
        for r in card.rows:
            assert r.threshold >= r.reservation - 1e-12
            assert not (r.accept_distrust and not r.accept)
    # The nearest acceptable amendment is in the zone of that proposal's mechanisms.
    for card in border.cards:
        if card.nearest is not None:
            state = apply_all(border.state, [border.effects[m] for m in card.mechanisms])
            t = thresholds(border.problem, state)
            zone = compute_zone(border.problem, t, samples=0)
            assert zone.exists
            assert np.all(card.nearest >= zone.intervals[:, 0] - 1e-6)
            assert np.all(card.nearest <= zone.intervals[:, 1] + 1e-6)


def test_blocking_issues_ranked_by_gain(border) -> None:  # type: ignore[no-untyped-def]
    freeze = {r.actor: r for r in next(c for c in border.cards if c.id == "freeze").rows}
    gains = [g for _, g in freeze["E"].blocking]
    assert gains == sorted(gains, reverse=True)
    assert all(g > 0 for g in gains)


def test_stages_and_commitment(border) -> None:  # type: ignore[no-untyped-def]
    # East gains from the truce (power shift +0.25 towards East): West is the declining side.
    powell = {r.actor: r for r in border.powell}
    assert powell["W"].p_after < powell["W"].p_now
    assert powell["E"].p_after > powell["E"].p_now
    plans = {(s.plan, s.actor) for s in border.stages}
    assert {p for p, _ in plans} == {"comprehensive", "ceasefire_first", "settlement_first"}
    assert border.ceasefire_issues == ("province",)
    # Only the rising side can have a reason to renege on the deal.
    w = border.problem.index("W")
    assert border.renege[w] is None
