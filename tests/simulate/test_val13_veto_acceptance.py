"""The simulation asks a bundle's veto parties (issue 13; docs/explanation/simulation-model.md,
"Talks: protocols"): the actors asked to accept a bundle's agreement are its veto parties
beyond the belligerents as the analysis computes them (``Agreement.veto_parties``), under
every protocol. Lakeland (teaching.yaml's mediator, ideal valley 40) is made a veto party with
a reservation of 0.95: it signs only for a valley of at most 45. A cease-fire bundle on the
demilitarised strip alone leaves the valley where it stands (60, Lakeland's utility 0.8)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from tests.simulate.helpers import under_protocol

from detente.bargaining.packages import _effective_thresholds
from detente.bargaining.problem import build_problem
from detente.bargaining.war import reservation_from_arrays
from detente.scenario import Scenario, ScenarioError, load_scenario, parse_scenario
from detente.simulate import simulate_block
from detente.simulate.agenda import bundle_results
from detente.simulate.model import SimModel, build_model, utility

ROOT = Path(__file__).resolve().parents[2]
TEACHING = ROOT / "scenarios" / "teaching.yaml"
THIRD_PARTY_CASES = (  # the development cases with a veto party beyond the belligerents
    "annan_plan_2004",
    "bishkek_1994",
    "good_friday_1998",
    "minsk_i_2014",
    "sri_lanka_2002",
)
PROTOCOLS = ("alternating", "single_text", "multilateral")
RESERVATION = 0.95
ONLY_VALLEY = "    veto: true\n    veto_issues: [valley]\n"
EVERY_ISSUE = "    veto: true\n"
STRIP = (
    "bundles:\n  - {id: strip, name: The strip alone, issues: [demilitarisation], "
    "ceasefire: true, assumption: illustrative}\n"
)


def _scenario(veto: str, protocol: str, bundle: str = STRIP) -> Scenario:
    """teaching.yaml with Lakeland's veto fields ``veto`` ("" = no veto), its ideal valley 40
    and reservation 0.95, the bundle ``bundle``, under ``protocol``."""
    text = TEACHING.read_text(encoding="utf-8")
    lak = "  - id: LAK\n    name: Lakeland\n    kind: mediator\n"
    assert lak in text
    text = text.replace(lak, lak + veto + f"    reservation: {RESERVATION}\n")
    old = "{actor: LAK, issue: valley, ideal: 50,"
    assert old in text
    text = text.replace(old, "{actor: LAK, issue: valley, ideal: 40,")
    text = text.replace("\n# What is at stake", "\n" + bundle + "\n# What is at stake", 1)
    return under_protocol(parse_scenario(text, name="teaching.yaml"), protocol)


def _signed(m: SimModel, bundle: str) -> tuple[float, np.ndarray]:
    """P(an agreement on ``bundle`` within 104 weeks) over 256 runs, and its signed terms."""
    out = simulate_block(m, 256, 104, np.random.SeedSequence(7))
    assert out.bundle_first is not None and out.bundle_terms is not None
    b = m.bundle_ids.index(bundle)
    signed = out.bundle_first[:, b] >= 0
    return float(signed.mean()), out.bundle_terms[signed, b, :]


def test_the_scenario_has_what_the_tests_read() -> None:
    sc = _scenario(ONLY_VALLEY, "alternating")
    lak = sc.actor("LAK")
    assert lak.veto and lak.veto_issues == ("valley",) and lak.reservation == RESERVATION
    assert not _scenario(EVERY_ISSUE, "alternating").actor("LAK").veto_issues
    assert not _scenario("", "alternating").actor("LAK").veto


@pytest.mark.parametrize("veto", [ONLY_VALLEY, EVERY_ISSUE, ""])
def test_the_parties_asked_are_the_analysis_veto_parties(veto: str) -> None:
    """The one rule: per bundle, the actors asked (a finite floor) are the analysis' veto
    parties of its agreement beyond the belligerents."""
    sc = _scenario(veto, "single_text")
    m = build_model(sc)
    problem = build_problem(sc)
    parties = {
        r.agreement.id: set(r.agreement.veto_parties(problem)) for r in bundle_results(sc, problem)
    }
    for b, bid in enumerate(m.bundle_ids):
        asked = {a for a, f in zip(m.actor_ids, m.veto_floors[b], strict=True) if np.isfinite(f)}
        assert asked == parties[bid] - {"NOR", "SUD"}, bid
        assert m.veto_asks[b] == bool(asked)
    lak_asked = {bid: "LAK" in parties[bid] for bid in m.bundle_ids}
    expected = {"": (False, False), ONLY_VALLEY: (True, False), EVERY_ISSUE: (True, True)}[veto]
    assert (lak_asked["settlement"], lak_asked["strip"]) == expected


def test_a_party_needs_its_value_of_no_agreement_on_the_bundle() -> None:
    """Lakeland's floor: its stated reservation on a deal that stops the fighting (the
    analysis' reservation, a stated one overriding the war model's V); on one that does not,
    the bundle's static value (the bargaining engine's V + MIN_GAIN)."""
    m = build_model(_scenario(EVERY_ISSUE, "alternating"))
    lak = m.actor_ids.index("LAK")
    assert m.veto_floors[:, lak].tolist() == [RESERVATION, RESERVATION]
    assert np.isneginf(m.veto_floors[:, :2]).all()
    partial = STRIP.replace("ceasefire: true", "ceasefire: false")
    m = build_model(_scenario(EVERY_ISSUE, "alternating", partial))
    strip = m.agenda.bundles[m.bundle_ids.index("strip")]
    assert not strip.ceasefire
    assert m.veto_floors[m.bundle_ids.index("strip"), lak] == strip.static_value[lak]
    assert strip.static_value[lak] > RESERVATION  # V + MIN_GAIN, V the stated reservation


def test_without_a_stated_reservation_the_floor_is_the_war_value_not_the_status_quo() -> None:
    """During a war no agreement means the war goes on: a non-fighting veto party's floor on a
    deal that stops the fighting is its value of no agreement in the analysis (the war model's
    V, ``reservation_from_arrays``), not its utility of the status quo (fix13v, review rev13)."""
    sc = _scenario(EVERY_ISSUE, "single_text")
    actors = tuple(
        a.model_copy(update={"reservation": None}) if a.id == "LAK" else a for a in sc.actors
    )
    sc = sc.model_copy(update={"actors": actors})
    m, problem = build_model(sc), build_problem(sc)
    lak = m.actor_ids.index("LAK")
    v = float(reservation_from_arrays(problem)[problem.index("LAK")])
    assert m.veto_floors[:, lak].tolist() == [v, v]
    u_sq = utility(
        m.ideal[lak : lak + 1], m.weights[lak : lak + 1], m.risk[lak : lak + 1], m.status_quo
    )
    assert abs(v - float(u_sq[0])) > 1e-3  # the status quo's utility differs


@pytest.mark.parametrize("case", THIRD_PARTY_CASES)
def test_the_floor_is_the_analysis_value_on_the_development_cases(case: str) -> None:
    """On every development case with a third veto party, each asked party's floor on each
    bundle is the value the analysis' zone gives its no agreement (``bundle_zone``'s
    ``_effective_thresholds`` over the analysis' reservation: V, a stated reservation
    overriding it, plus MIN_GAIN on a deal that does not stop the fighting), over the
    bundle's own veto parties (``Agreement.veto_problem``)."""
    sc = load_scenario(ROOT / "validation" / "cases" / case / "scenario.yaml")
    m, problem = build_model(sc), build_problem(sc)
    results = {r.agreement.id: r for r in bundle_results(sc, problem)}
    asked = 0
    for b, bid in enumerate(m.bundle_ids):
        ag = results[bid].agreement
        narrowed = ag.veto_problem(problem)
        want = _effective_thresholds(narrowed, ag, reservation_from_arrays(narrowed))
        for aid, floor in zip(m.actor_ids[2:], m.veto_floors[b, 2:], strict=True):
            if np.isfinite(floor):
                asked += 1
                assert floor == pytest.approx(want[narrowed.index(aid)], abs=1e-12), (bid, aid)
            else:
                assert aid not in ag.veto_parties(problem), (bid, aid)
    assert asked > 0


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_a_bundle_outside_the_party_s_veto_is_signed_without_it(protocol: str) -> None:
    """The strip leaves the valley at 60 (Lakeland's utility 0.8 < 0.95): signed in some runs
    when Lakeland's veto covers only the valley, never when it covers every issue."""
    p_only, _ = _signed(build_model(_scenario(ONLY_VALLEY, protocol)), "strip")
    p_every, _ = _signed(build_model(_scenario(EVERY_ISSUE, protocol)), "strip")
    assert p_only > 0.2, (protocol, p_only)
    assert p_every == 0.0, (protocol, p_every)


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_a_bundle_touching_the_party_s_issues_needs_its_consent(protocol: str) -> None:
    """Every signed settlement leaves Lakeland at least its reservation (valley ≤ 45), under
    every protocol, with or without the strip in its veto; without its veto the belligerents
    sign terms it would refuse."""
    for veto in (ONLY_VALLEY, EVERY_ISSUE):
        p, terms = _signed(build_model(_scenario(veto, protocol)), "settlement")
        assert p > 0.5, (protocol, veto, p)
        lak_u = 1.0 - np.abs(terms[:, 0] - 40.0) / 100.0  # its one issue, risk-neutral
        assert (lak_u >= RESERVATION - 1e-9).all(), (protocol, veto, terms[:, 0].max())
    _, free = _signed(build_model(_scenario("", protocol)), "settlement")
    assert (1.0 - np.abs(free[:, 0] - 40.0) / 100.0 < RESERVATION).any(), protocol


def test_only_the_multilateral_and_the_mediator_table_filter_the_terms() -> None:
    """Where the party sees the terms before signature (``multilateral``: positions public;
    ``single_text``: the mediator's text clears it) the settlement's table holds only terms it
    accepts; under ``alternating`` the belligerents' offers are not filtered (it ratifies)."""
    lak_u = {}
    for protocol in PROTOCOLS:
        m = build_model(_scenario(EVERY_ISSUE, protocol))
        spec = m.agenda.bundles[0]
        reach = spec.table.feasible.any(axis=0)
        lak_u[protocol] = spec.utility[reach, m.actor_ids.index("LAK")]
    assert (lak_u["single_text"] >= RESERVATION - 1e-9).all()
    assert (lak_u["multilateral"] >= RESERVATION - 1e-9).all()
    assert (lak_u["alternating"] < RESERVATION - 1e-9).any()


def test_bad_veto_issues_stay_located_errors() -> None:
    """The simulation's input errors are the scenario format's, located (unchanged)."""
    text = TEACHING.read_text(encoding="utf-8").replace(
        "  - id: LAK\n    name: Lakeland\n    kind: mediator\n",
        "  - id: LAK\n    name: Lakeland\n    kind: mediator\n    veto_issues: [nowhere]\n",
    )
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, name="teaching.yaml")
    paths = {p.path: p.message for p in info.value.problems}
    assert any(path.startswith("actors[3]") for path in paths), paths
