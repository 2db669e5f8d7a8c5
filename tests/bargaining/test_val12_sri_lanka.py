"""Sri Lanka 2002 (validation/cases/sri_lanka_2002): President Kumaratunga's veto covers the
political settlement, not the cease-fire (docs/explanation/deals.md, "Vetoes per agreement")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from tests.repo_scripts import validation_score as _score

from detente.bargaining.bundles import agreement_from
from detente.bargaining.problem import build_problem
from detente.scenario import Scenario, load_scenario
from detente.simulate.model import build_model

REPO = Path(__file__).resolve().parents[2]
CASE = REPO / "validation" / "cases" / "sri_lanka_2002"


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return load_scenario(CASE / "scenario.yaml", strict=True)


def _without_issue_veto(s: Scenario) -> Scenario:
    actors = tuple(
        a.model_copy(update={"veto_issues": None}) if a.id == "PRES" else a for a in s.actors
    )
    return s.model_copy(update={"actors": actors})


def test_the_president_vetoes_the_political_settlement_only(scenario: Scenario) -> None:
    pres = scenario.actor("PRES")
    assert pres.veto and pres.veto_issues == ("autonomy",)
    p = build_problem(scenario)
    cf = agreement_from(p, "cf", ["line", "normalisation"], ceasefire=True)
    assert cf.veto_parties(p) == ("GOV", "LTTE")
    settlement = agreement_from(p, "s", ["autonomy"], ceasefire=False)
    assert settlement.veto_parties(p) == ("GOV", "PRES", "LTTE")


def test_the_case_analysis_checks_pass(scenario: Scenario) -> None:
    score = _score()
    model = score.CaseModel(scenario)
    case: dict[str, Any] = score._yaml(CASE / "case.yaml")
    got = {
        e["id"]: score.score_check(model, e["check"])[0]
        for e in case["expectations"]
        if e["check"]["kind"] not in score.simscore.SIM_KINDS
    }
    assert got == {
        "ceasefire_bundle_open": "pass",
        "settlement_closed": "pass",
        "autonomy_blocks": "pass",
        "president_crossed_by_cfa": "pass",
    }
    cards = {c.id: {r.actor: r for r in c.rows} for c in model.analysis.cards}
    assert not cards["cfa"]["PRES"].veto and cards["federal_settlement"]["PRES"].veto
    assert not cards["federal_settlement"]["PRES"].accept


def test_the_simulated_cease_fire_is_not_bounded_by_her_lines(scenario: Scenario) -> None:
    k = [i.id for i in scenario.issues].index("normalisation")

    def above_her_line(s: Scenario) -> int:
        spec = next(b for b in build_model(s).agenda.bundles if b.id == "ceasefire_normalisation")
        return int((spec.candidates[:, k] > 50.0 + 1e-9).sum())

    # her normalisation line (<= 50) binds the cease-fire only with a veto over every agreement
    assert above_her_line(scenario) > 0
    assert above_her_line(_without_issue_veto(scenario)) == 0
    spec = next(b for b in build_model(scenario).agenda.bundles if b.id == "settlement")
    assert np.all(spec.candidates[:, k] <= 50.0 + 1e-9)


def test_outcome_in_zone_counts_the_bundles_veto_parties_only() -> None:
    from .test_val12_issue_veto import _border

    score = _score()
    s = _border("veto: true, veto_issues: [alignment]")
    r = score.CaseModel(s).result("province_bundle", distrust=False)
    assert r.exists and not r.veto[2]  # P, whose veto covers alignment only
    centre = float(r.centre[0])
    issues = tuple(
        i.model_copy(update={"outcome": centre}) if i.id == "province" else i for i in s.issues
    )
    model = score.CaseModel(s.model_copy(update={"issues": issues}))
    check = {"inside": True, "distrust": False}
    assert score._outcome_inside(model, "province_bundle", check) == (
        "pass",
        "outcome inside: True",
    )
