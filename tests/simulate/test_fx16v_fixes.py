"""fx16v: the reviewer's fixes to v16's fixed terms.

1. For a bundle with a term, ``p_breakdown_1y`` is the breakdown's cumulative incidence with a
   lapse competing (as ``p_lapsed_1y``), so the two sum to at most 1; every null has a reason.
2. ``SimulationRun.to_arrow("agreements")`` keeps the keys only some rows have.
3. The 2022-11 ``black_sea`` bundle carries the initiative's 120-day term.
4. A non-renewal (``agreement_lapsed``) is not a failure, a broken commitment or trust evidence.
5. Nits: located errors, one rounding rule, one sucker's-loss formula, per-run weights refused
   with a renewable agreement in force, the in-force term's periods, the term under
   ``until="settlement"``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import detente
from detente.errors import InputError
from detente.scenario import Scenario, ScenarioError, load_scenario, parse_scenario
from detente.scenario.ledger import EventEntry, EventType
from detente.scenario.term import Term, days_to_periods, term_periods
from detente.simulate import RunInputs, run_simulation
from detente.simulate.durability_covariates import scenario_covariates
from detente.simulate.engine import simulate_block
from detente.simulate.model import build_model
from detente.simulate.state import evolve, initial_state
from detente.simulate.steps.expiry import sucker_fear
from detente.trust.state import trust_state

ROOT = Path(__file__).resolve().parents[2]
GEORGIA = ROOT / "validation" / "cases" / "georgia_2008" / "scenario.yaml"
UKRAINE = {d: ROOT / "scenarios" / f"ukraine-{d}.yaml" for d in ("2022-11", "2023-12")}


def _with_term(sc: Scenario, bundle: str, term: Term) -> Scenario:
    bs = tuple(b.model_copy(update={"term": term}) if b.id == bundle else b for b in sc.bundles)
    return sc.model_copy(update={"bundles": bs})


def _record(summary: dict[str, Any], bundle: str) -> dict[str, Any]:
    return next(a for a in summary["agreements"] if a["bundle"] == bundle)


# ------------------------------------------------------------------------------------ 1
@pytest.mark.parametrize("renewal", ["by_consent", "none"])
def test_breakdown_and_lapse_are_competing_incidences(renewal: str) -> None:
    """georgia_2008 with a 60-day term on its cease-fire: before fx16v 0.424 + 0.708 > 1
    (by consent, the net Kaplan–Meier risk beside a cumulative incidence) and a null
    ``p_breakdown_1y`` without a reason (not renewable: nobody at risk at a year)."""
    sc = _with_term(load_scenario(GEORGIA), "ceasefire", Term(days=60, renewal=renewal))
    r = run_simulation(sc, 64, 0, 104)
    rec = _record(r.summary(), "ceasefire")
    assert rec["p_agreement"] > 0.3
    brk, lapsed = rec["p_breakdown_1y"], rec["term"]["p_lapsed_1y"]
    assert brk is not None and lapsed is not None
    assert lapsed > 0.0
    assert brk + lapsed <= 1.0 + 1e-12
    assert "why_null" not in rec["term"]
    net = r.p_breakdown(1.0, "ceasefire")  # the net risk (lapses censored), v16's figure
    assert net is None if renewal == "none" else brk < net


def test_without_a_term_p_breakdown_is_the_kaplan_meier_value() -> None:
    r = run_simulation(load_scenario(GEORGIA), 48, 0, 104)
    rec = _record(r.summary(), "ceasefire")
    assert "term" not in rec
    assert rec["p_breakdown_1y"] == r.p_breakdown(1.0, "ceasefire")


def test_nulls_of_a_term_have_reasons() -> None:
    sc = _with_term(load_scenario(GEORGIA), "ceasefire", Term(days=60))
    rec = _record(run_simulation(sc, 16, 0, 30).summary(), "ceasefire")
    assert rec["p_breakdown_1y"] is None and rec["term"]["p_lapsed_1y"] is None
    why = rec["term"]["why_null"]
    assert set(why) == {"p_breakdown_1y", "p_lapsed_1y"}
    assert "shorter than a year" in why["p_lapsed_1y"]


# ------------------------------------------------------------------------------------ 2
def test_to_arrow_keeps_the_keys_of_every_row() -> None:
    """The 2022-11 snapshot: the corridor in force at the start (``in_force_at_start``) and a
    bundle with a term (``term``); the settlement's row, first, has neither."""
    run = detente.simulate(UKRAINE["2022-11"], runs=32, periods=60)
    names = run.to_arrow("agreements").schema.names
    assert "term" in names and "in_force_at_start" in names
    rows = run.to_arrow("agreements").to_pylist()
    sea = next(r for r in rows if r["bundle"] == "black_sea")
    assert sea["term"]["days"] == 120
    assert sea["in_force_at_start"]["term"]["periods"] == 17
    assert rows[0]["term"] is None


# ------------------------------------------------------------------------------------ 3
def test_the_corridor_bundle_has_the_initiatives_term_only_while_it_ran() -> None:
    sea = {
        d: next(b for b in load_scenario(p).bundles if b.id == "black_sea")
        for d, p in UKRAINE.items()
    }
    t = sea["2022-11"].term
    assert t is not None and (t.days, t.renewal, t.renewal_days) == (120, "by_consent", 120)
    assert t.assumption is not None and "signed anew" in t.assumption
    assert sea["2023-12"].term is None


# ------------------------------------------------------------------------------------ 4
def _grain_end(sc: Scenario) -> EventEntry:
    e = next(x for x in sc.ledger if x.id == "E_grain_end")
    assert isinstance(e, EventEntry)
    return e


def _ledger_with(sc: Scenario, kind: EventType | None) -> Scenario:
    ledger = []
    for x in sc.ledger:
        if x.id == "E_grain_end":
            if kind is None:
                continue
            x = x.model_copy(update={"type": kind})
        ledger.append(x)
    return sc.model_copy(update={"ledger": tuple(ledger)})


def test_the_corridor_non_renewal_is_a_lapse_not_a_failure() -> None:
    sc = load_scenario(UKRAINE["2023-12"])
    assert _grain_end(sc).type == EventType.agreement_lapsed
    lapsed = scenario_covariates(sc).prior_failures
    ended = scenario_covariates(_ledger_with(sc, EventType.agreement_ended)).prior_failures
    assert ended == lapsed + 1


def test_a_lapse_is_no_trust_evidence() -> None:
    """Trust with the lapse in the ledger equals trust without the entry; as an
    ``agreement_ended`` it lowers Ukraine's trust in Russia."""
    sc = load_scenario(UKRAINE["2023-12"])
    with_lapse = trust_state(sc).expected
    without = trust_state(_ledger_with(sc, None)).expected
    assert np.array_equal(with_lapse, without)
    ended = trust_state(_ledger_with(sc, EventType.agreement_ended)).expected
    assert (ended <= with_lapse + 1e-12).all() and (ended < with_lapse - 1e-3).any()


# ------------------------------------------------------------------------------------ 5
FIXTURE = ROOT / "tests" / "scenario" / "fixtures" / "valid.yaml"
BUNDLE = "  - {id: trade_deal, name: Trade reopened, issues: [trade], sources: [S1]%s}\n"
ENTRY = "  - {bundle: trade_deal, since: 2024-03-01, terms: {trade: 60}, sources: [S1]%s}\n"


def _problems(bundle_extra: str, entry: str | None = None) -> list[str]:
    block = "bundles:\n" + BUNDLE % bundle_extra
    if entry is not None:
        block += "agreements_in_force:\n" + ENTRY % entry
    text = FIXTURE.read_text(encoding="utf-8").replace("war:\n", block + "war:\n", 1)
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, name="case.yaml")
    return [str(p) for p in info.value.problems]


@pytest.mark.parametrize(
    ("bundle_extra", "entry", "expected"),
    [
        (
            ", term: {days: 30, renewal: none, renewal_days: 30}",
            None,
            "bundles[0].term.renewal_days: renewal_days is given for a term that cannot",
        ),
        (
            "",
            ", term: {days: 300, renewal: none, renewal_days: 30}",
            "agreements_in_force[0].term.renewal_days",
        ),
        (
            "",
            ", term: {days: 60}, term_ends: 2024-08-01, renewals: [2024-04-30, 2024-04-30]",
            "agreements_in_force[0].renewals[1]: renewal 2024-04-30 is listed twice",
        ),
        (
            "",
            ", term: {days: 60, renewal: none}, term_ends: 2024-08-01",
            "agreements_in_force[0].term_ends: term_ends 2024-08-01 is beyond one term",
        ),
    ],
)
def test_contradictions_are_located(bundle_extra: str, entry: str | None, expected: str) -> None:
    found = _problems(bundle_extra, entry)
    assert any(expected in p for p in found), found
    assert all(p.startswith("case.yaml:") for p in found)


def test_one_rounding_rule() -> None:
    assert days_to_periods(3, 7.0) == 0 and days_to_periods(4, 7.0) == 1  # 2022-11: 3 days
    assert days_to_periods(120, 7.0) == term_periods(120, 7.0) == 17
    m = build_model(load_scenario(UKRAINE["2022-11"]))
    assert m.terms is not None and m.terms.start_end.tolist() == [0]


def test_one_sucker_loss_formula() -> None:
    m = build_model(load_scenario(UKRAINE["2022-11"]))
    s = initial_state(m, np.arange(4), _setup(m, 4))
    s = evolve(s, trust=np.random.default_rng(1).random(s.trust.shape))
    fear = sucker_fear(m, s, True)
    assert np.array_equal(fear, m.sucker_loss * 2.0 * (1.0 - s.trust[:, :, 1]))
    assert not sucker_fear(m, s, False).any()


def _setup(m: Any, n: int) -> Any:
    from detente.simulate.state import Draws

    rng = np.random.default_rng(0)
    return Draws(u=rng.random((n, 2)), z=rng.standard_normal((n, len(m.issue_ids))))


def test_per_run_weights_are_refused_with_a_renewable_agreement_in_force() -> None:
    m = build_model(load_scenario(UKRAINE["2022-11"]))
    w = np.broadcast_to(m.weights, (4, *m.weights.shape)).copy()
    with pytest.raises(InputError, match=r"agreements_in_force\[0\]\.term: RunInputs.weights"):
        simulate_block(m, 4, 2, np.random.SeedSequence(1), inputs=RunInputs(weights=w))


def test_a_partial_bundle_keeps_its_term_until_settlement() -> None:
    sc = load_scenario(ROOT / "scenarios" / "ukraine-2025-05.yaml")
    rec = _record(run_simulation(sc, 8, 0, 20, until="settlement").summary(), "energy")
    assert rec["term"]["days"] == 30 and rec["term"]["p_lapsed_1y"] is None
    assert rec["term"]["why_null"]["p_lapsed_1y"] == rec["not_simulated"]
