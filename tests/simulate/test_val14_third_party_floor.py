"""One floor for a third veto party everywhere in the simulation (issue 13, branch val14;
docs/explanation/simulation-model.md, "Who else must accept"): the value of no agreement a
veto party beyond the belligerents weighs its red-line moves (``positions.no_deal_value``)
and its refusals (``tracks._start_value``) against is the floor at which it accepts a
bundle's terms, ``SimModel.veto_floors`` (the analysis' value of no agreement: V, a stated
reservation overriding it), not its utility of the status quo (``SimModel.floors``); and the
settlement reasons name a third party whose floor closes the zone."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from tests.simulate.test_val13_veto_acceptance import (
    EVERY_ISSUE,
    ONLY_VALLEY,
    RESERVATION,
    STRIP,
    _scenario,
)

from detente.bargaining.bundles import MIN_GAIN, scenario_bundles
from detente.bargaining.problem import build_problem
from detente.scenario import Scenario, load_scenario
from detente.scenario.simulation import SimulationSettings
from detente.simulate import simulate_block
from detente.simulate.model import SimModel, build_model, utility
from detente.simulate.reasons import REASONS
from detente.simulate.state import Draws, RunState, initial_state
from detente.simulate.steps.positions import no_deal_value
from detente.simulate.steps.tracks import _start_value

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "validation" / "cases"
THIRD_PARTY_CASES = (  # development cases with a veto party beyond the belligerents
    "annan_plan_2004",
    "bishkek_1994",
    "good_friday_1998",
    "minsk_i_2014",
    "sri_lanka_2002",
)
NO_ZONE = REASONS.index("no_zone")


def _model(case: str, protocol: str | None = None, *, started: bool = True) -> SimModel:
    sc = load_scenario(CASES / case / "scenario.yaml")
    if not started and sc.war is not None:
        sc = sc.model_copy(update={"war": sc.war.model_copy(update={"started": None})})
    if protocol is not None:
        base = sc.simulation or SimulationSettings()
        sim = SimulationSettings.model_validate(base.model_dump() | {"protocol": protocol})
        sc = sc.model_copy(update={"simulation": sim})
    return build_model(sc)


def _state(m: SimModel, n: int = 4) -> RunState:
    rng = np.random.default_rng(3)
    setup = Draws(rng.random((n, 2)), rng.standard_normal((n, m.status_quo.size)))
    return initial_state(m, np.arange(n, dtype=np.int64), setup)


def _analysis_values(sc: Scenario) -> tuple[dict[str, float], dict[str, bool]]:
    """The analysis' figures: each actor's value of no agreement V
    (``BargainingProblem.reservation``), and whether each of the scenario's agreements stops
    the fighting (``bargaining.bundles.scenario_bundles``)."""
    problem = build_problem(sc)
    v = dict(zip(problem.actors, problem.reservation.tolist(), strict=True))
    return v, {ag.id: ag.ceasefire for ag in scenario_bundles(problem, sc)}


@pytest.mark.parametrize("case", THIRD_PARTY_CASES)
def test_a_third_party_s_value_of_no_deal_is_the_analysis_v(case: str) -> None:
    """On every bundle, asked or not, a third party's value of no agreement (red-line moves,
    refusals) is the analysis' V for it, plus the analysis' ``MIN_GAIN`` on a partial deal
    that does not stop the fighting (the bundle's static value: the analysis' thresholds add
    it), checked against figures the analysis computes, not the simulation's arrays."""
    sc = load_scenario(CASES / case / "scenario.yaml")
    m = build_model(sc)
    s = _state(m)
    v, stops = _analysis_values(sc)
    assert len(m.actor_ids) > 2 and set(stops) == set(m.bundle_ids)
    for b, bid in enumerate(m.bundle_ids):
        for a in range(2, len(m.actor_ids)):
            want = v[m.actor_ids[a]] + (0.0 if stops[bid] else MIN_GAIN)
            got = no_deal_value(m, s, b, a)
            assert got == pytest.approx(np.full(s.n, want), abs=1e-12), (bid, a)
            assert _start_value(m, s, b, a) == pytest.approx(got, abs=1e-12), (bid, a)


@pytest.mark.parametrize("ceasefire", [False, True])
def test_a_party_not_asked_on_a_partial_bundle(ceasefire: bool) -> None:
    """teaching.yaml, Lakeland's veto on the valley only (reservation 0.95) and a bundle on
    the demilitarised strip alone: its consent on the strip is not asked, and its value of no
    agreement there is the bundle's static value where the strip deal leaves the war on
    (V + ``MIN_GAIN``), its V (its floor on the full settlement) where it stops it."""
    bundle = STRIP if ceasefire else STRIP.replace("ceasefire: true", "ceasefire: false")
    assert bundle.count("ceasefire: ") == 1
    sc = _scenario(ONLY_VALLEY, "alternating", bundle)
    m = build_model(sc)
    s = _state(m)
    lak, strip = m.actor_ids.index("LAK"), m.bundle_ids.index("strip")
    v, stops = _analysis_values(sc)
    assert stops["strip"] is ceasefire and v["LAK"] == RESERVATION
    assert np.isneginf(m.veto_floors[strip, lak])  # not asked
    want = RESERVATION + (0.0 if ceasefire else MIN_GAIN)
    assert no_deal_value(m, s, strip, lak) == pytest.approx(np.full(s.n, want), abs=1e-12)
    assert _start_value(m, s, strip, lak) == pytest.approx(np.full(s.n, want), abs=1e-12)


def _status_quo_floor(m: SimModel, a: int) -> float:
    """Actor ``a``'s stated reservation, else its utility of the status quo: the floor the
    engine read before val14 (``SimModel.floors``), for contrast."""
    if not np.isnan(m.reservation[a]):
        return float(m.reservation[a])
    return float(
        utility(m.ideal[a : a + 1], m.weights[a : a + 1], m.risk[a : a + 1], m.status_quo)[0]
    )


def test_the_floor_is_the_war_value_not_the_status_quo_s_utility() -> None:
    """Bishkek 1994: Nagorno-Karabakh's value of no agreement on the cease-fire and the
    settlement is its V (0.516, the analysis' reservation), not its utility of the status
    quo (0.730, :func:`_status_quo_floor`); Sri Lanka 2002: the President, not asked on the
    cease-fire (her veto covers autonomy only), weighs it against her V (0.863), not 0.900."""
    m = _model("bishkek_1994")
    s = _state(m)
    nk = m.actor_ids.index("NK")
    for b in range(len(m.bundle_ids)):
        assert no_deal_value(m, s, b, nk)[0] == pytest.approx(0.516, abs=1e-3)
    assert _status_quo_floor(m, nk) == pytest.approx(0.730, abs=1e-3)
    m = _model("sri_lanka_2002")
    s = _state(m)
    pres = m.actor_ids.index("PRES")
    cease = m.bundle_ids.index("ceasefire_normalisation")
    assert np.isneginf(m.veto_floors[cease, pres])
    assert no_deal_value(m, s, cease, pres)[0] == m.veto_floors[0, pres]
    assert no_deal_value(m, s, cease, pres)[0] == pytest.approx(0.863, abs=1e-3)
    assert _status_quo_floor(m, pres) == pytest.approx(0.900, abs=1e-3)


def test_the_belligerents_values_are_unchanged() -> None:
    """A belligerent's value of no agreement on a cease-fire is its run's value of fighting."""
    m = _model("good_friday_1998")
    s = _state(m)
    s = dataclasses.replace(s, value=np.full((s.n, 2), 0.25))
    settlement = m.bundle_ids.index("settlement")
    for side in (0, 1):
        assert no_deal_value(m, s, settlement, side).tolist() == [0.25] * s.n


def _reasons(m: SimModel, periods: int) -> tuple[np.ndarray, np.ndarray]:
    out = simulate_block(m, 64, periods, np.random.SeedSequence(7))
    assert out.reason is not None and out.blocking_actor is not None
    return out.reason, out.blocking_actor


@pytest.mark.parametrize("protocol", ["single_text", "alternating", "multilateral"])
def test_a_floor_above_every_package_is_no_zone_naming_the_party(protocol: str) -> None:
    """teaching.yaml with Lakeland a veto party needing 0.95 (valley at most 45): in the first
    week (the red lines as stated) packages lie inside every party's red lines but none
    reaches Lakeland's floor. Every run is ``no_zone`` with Lakeland named; before val14 they
    were ``red_lines`` (single_text: the filtered table is empty) or ``talks``
    (alternating), and Lakeland was not named."""
    m = build_model(_scenario(EVERY_ISSUE, protocol))
    lak = m.actor_ids.index("LAK")
    reason, actor = _reasons(m, 1)
    assert (reason == NO_ZONE).all(), np.bincount(reason)
    assert actor[:, lak].all()


def test_a_third_party_holding_out_is_named_on_sri_lanka() -> None:
    """Sri Lanka 2002 under ``alternating`` (the belligerents bargain over every package, the
    President ratifies): after two years the runs that have not signed the settlement have
    no package that both sides prefer to fighting and that the President accepts (her floor,
    V = 0.863, is the top of what any package gives her). They are ``no_zone`` with the
    President named; before val14 they were ``talks``. The case is read without its start
    date (v18c set ``War.started`` 1983-07-23: with the ripeness it brings, one run in 64 still
    has a package the President accepts at the horizon and ends ``talks``), so the test keeps
    checking the naming rule, not ripeness."""
    m = _model("sri_lanka_2002", "alternating", started=False)
    pres = m.actor_ids.index("PRES")
    reason, actor = _reasons(m, 104)
    no_zone = reason == NO_ZONE
    assert no_zone.sum() >= 10, np.bincount(reason, minlength=len(REASONS))
    assert actor[no_zone, pres].all()
    assert not (reason == REASONS.index("talks")).any()
