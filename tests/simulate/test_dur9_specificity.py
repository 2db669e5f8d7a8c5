"""The agreement's type read from its scope, weighted by what the parties care about (dur9).

``bundle_specificity`` counts each substantive issue a cease-fire settles by the belligerents'
mean normalised salience on it (not 1 per issue), and reads the bundles from
``bargaining.bundles.scenario_bundles`` (the one derivation of the agenda)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from detente.bargaining.bundles import scenario_bundles
from detente.bargaining.problem import build_problem
from detente.scenario import load_scenario, parse_scenario
from detente.simulate.durability import SPECIFICITY_REFERENCE, SUBSTANTIVE_CATEGORIES
from detente.simulate.durability_covariates import bundle_specificity

CASES = Path(__file__).parents[2] / "validation" / "cases"


def _iran_iraq() -> dict[str, Any]:
    doc: dict[str, Any] = load_scenario(CASES / "iran_iraq_1988" / "scenario.yaml").model_dump(
        mode="json", exclude_none=True
    )
    return doc


def test_weighted_share_is_the_belligerents_mean_salience() -> None:
    """Iran-Iraq's `ceasefire` bundle settles territory (substantive) and prisoners; the
    substantive issues are territory, responsibility and regime. Iraq weighs them 0.4, 0.2,
    0.3 and Iran 0.25, 0.3, 0.35 (saliences summing to 1 with prisoners 0.1 each): territory
    0.325 of 0.325 + 0.25 + 0.325 = 0.361 (the unweighted count read 1/3)."""
    scen = parse_scenario(json.dumps(_iran_iraq()))
    assert bundle_specificity(scen, "ceasefire") == pytest.approx(0.325 / 0.9, abs=1e-12)
    assert bundle_specificity(scen) == 1.0  # the full settlement settles every issue


@pytest.mark.parametrize("salience", [None, 0.0])
def test_an_issue_nobody_cares_about_moves_nothing(salience: float | None) -> None:
    """Adding a political issue no belligerent weighs (no position, or salience 0) leaves every
    bundle's specificity unchanged (the unweighted count moved Iran-Iraq's cease-fire from
    1/3 to 1/4)."""
    base = parse_scenario(json.dumps(_iran_iraq()))
    doc = _iran_iraq()
    doc["issues"].append(
        {
            "id": "shatt",
            "name": "Navigation rules nobody raised",
            "category": "political",
            "status_quo": 50,
            "anchors": [{"value": 0, "label": "Iraq's"}, {"value": 100, "label": "Iran's"}],
        }
    )
    if salience is not None:
        doc["positions"] += [
            {"actor": a, "issue": "shatt", "ideal": v, "salience": salience}
            for a, v in (("IRQ", 0), ("IRN", 100))
        ]
    more = parse_scenario(json.dumps(doc))
    for b in ("ceasefire", "settlement"):
        assert bundle_specificity(more, b) == bundle_specificity(base, b)


def test_a_settled_issue_weighed_more_reads_more_of_a_settlement() -> None:
    """Raising both sides' salience on the settled substantive issue (territory) raises the
    cease-fire's specificity; raising it on an unsettled one lowers it."""
    base = bundle_specificity(parse_scenario(json.dumps(_iran_iraq())), "ceasefire")
    for issue, sign in (("territory", 1.0), ("regime", -1.0)):
        doc = _iran_iraq()
        for p in doc["positions"]:
            if p["issue"] == issue and p["actor"] in ("IRQ", "IRN"):
                p["salience"] = min(1.0, p["salience"] * 2)
        moved = bundle_specificity(parse_scenario(json.dumps(doc)), "ceasefire")
        assert sign * (moved - base) > 0.01


def test_no_weight_on_any_substantive_issue_is_the_reference() -> None:
    """When the belligerents weigh no substantive issue (salience 0 on each), the agreement's
    type cannot be read from its scope: the reference."""
    doc = _iran_iraq()
    for p in doc["positions"]:
        if p["actor"] in ("IRQ", "IRN") and p["issue"] != "pows":
            p["salience"] = 0.0
    scen = parse_scenario(json.dumps(doc))
    assert bundle_specificity(scen, "ceasefire") == SPECIFICITY_REFERENCE


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir() if p.is_dir()))
def test_bundles_are_the_agendas(case: str) -> None:
    """Every bundle the analysis and the simulation's agenda derive
    (``scenario_bundles``) is read, and nothing else: a bundle id it does not derive is the
    reference; a bundle that leaves the war going is the reference; a cease-fire's value lies
    in [0, 1], and one that settles a substantive issue (without a stated specificity) is read
    from its scope, not left at the reference."""
    scen = load_scenario(CASES / case / "scenario.yaml")
    problem = build_problem(scen)
    agenda = scenario_bundles(problem, scen)
    categories = {i.id: i.category.value for i in scen.issues if i.category is not None}
    stated = {b.id for b in scen.bundles if b.specificity is not None}
    for ag in agenda:
        value = bundle_specificity(scen, ag.id)
        assert 0.0 <= value <= 1.0
        if not ag.ceasefire:
            assert value == SPECIFICITY_REFERENCE
        substantive = any(
            categories.get(i) in SUBSTANTIVE_CATEGORIES
            for i, settled in zip(problem.issues, ag.settled, strict=True)
            if settled
        )
        if ag.ceasefire and substantive and ag.id not in stated:
            assert value != SPECIFICITY_REFERENCE, ag.id
    assert bundle_specificity(scen, "no_such_bundle") == SPECIFICITY_REFERENCE


def test_nobody_holding_a_position_is_the_reference() -> None:
    """Before any actor holds a position (Iran-Iraq read at 1900-01-01), nobody weighs any
    issue: every cease-fire and the full settlement read the reference, never NaN (the mean
    over no actor was NaN with a "Mean of empty slice" warning), and so does the scenario's
    covariate."""
    import datetime as dt
    import warnings

    from detente.simulate.durability_covariates import scenario_covariates

    scen = load_scenario(CASES / "iran_iraq_1988" / "scenario.yaml")
    early = dt.date(1900, 1, 1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for b in ("ceasefire", "settlement"):
            assert bundle_specificity(scen, b, as_of=early) == SPECIFICITY_REFERENCE
        cov = scenario_covariates(scen, as_of=early)
    assert float(cov.specificity) == SPECIFICITY_REFERENCE
