"""A linkage triggered by the cease-fire itself: "no cease-fire before Y is settled"
(docs/explanation/deals.md, section Linkage; validation/over9_expectations.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import detente
from detente.bargaining.analysis import analysis_document, analyze, proposals_document
from detente.scenario import Scenario, ScenarioError, load_scenario, parse_scenario
from detente.scenario.schema import Linkage

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def _link(s: Scenario, **lk: Any) -> Scenario:
    extra = Linkage.model_validate({"id": "CF", "assumption": "test", **lk})
    return s.model_copy(update={"linkages": (*s.linkages, extra)})


def _bundles(s: Scenario) -> dict[str, dict[str, Any]]:
    doc = analysis_document(analyze(s, samples=50))
    return {b["id"]: b for b in doc["bundles"]}


@pytest.fixture(scope="module")
def march() -> Scenario:
    return load_scenario(SCENARIOS / "ukraine-2022-03.yaml")


def test_a_ceasefire_linkage_closes_the_pauses_and_nothing_else(march: Scenario) -> None:
    before = _bundles(march)
    after = _bundles(_link(march, actor="RU", ceasefire=True, requires=["crimea"]))
    assert before["ceasefire"]["zone_exists"]  # the freeze is open in March 2022
    for bid in ("ceasefire", "framework"):  # both stop the fighting without settling Crimea
        b = after[bid]
        assert b["linkage_blocked"] and not b["zone_exists"], bid
        entry = next(x for x in b["blocking"] if x["bound"] == "linkage")
        assert entry["issue"] == "(cease-fire)" and entry["requires"] == ["crimea"]
        assert entry["reason"].startswith("linkage CF: RU accepts a cease-fire only with crimea")
    # deals that leave the fighting going on, and the settlement (it settles Crimea), unchanged
    for bid, b in before.items():
        if bid not in ("ceasefire", "framework"):
            assert after[bid] == b, bid


def test_the_issue_trigger_and_the_ceasefire_trigger_combine(march: Scenario) -> None:
    # prisoners with children, and no cease-fire without them either
    after = _bundles(
        _link(march, actor="RU", issues=["prisoners"], ceasefire=True, requires=["children"])
    )
    assert after["prisoner_exchange"]["linkage_blocked"]  # settles prisoners, not children
    assert not after["humanitarian"]["linkage_blocked"]  # settles both
    assert after["ceasefire"]["linkage_blocked"]  # stops the fighting without children


def test_a_proposal_that_stops_the_fighting_without_y_is_rejected(march: Scenario) -> None:
    linked = _link(march, actor="RU", ceasefire=True, requires=["sanctions"])
    seen = 0
    for card in proposals_document(analyze(linked, samples=50))["proposals"]:
        ru = next(r for r in card["actors"] if r["actor"] == "RU")
        broken = "CF" in [b["linkage"] for b in ru["linkages_broken"]]
        stops_without_y = card["ceasefire"] and "sanctions" not in card["settled"]
        assert broken == stops_without_y, card["id"]
        if broken:
            seen += 1
            assert not ru["accept"] and not ru["accept_distrust"]
    assert seen > 0


def test_a_linkage_needs_a_trigger() -> None:
    text = (SCENARIOS / "ukraine-2022-03.yaml").read_text(encoding="utf-8")
    bad = text + ("linkages:\n- id: L0\n  actor: RU\n  requires: [crimea]\n  assumption: test\n")
    with pytest.raises(ScenarioError, match="needs a trigger"):
        parse_scenario(bad)


def test_the_simulation_never_takes_up_a_pause_the_linkage_closes() -> None:
    # the shipped snapshot states the condition (branch lnk9): the baseline drops it
    s = load_scenario(SCENARIOS / "ukraine-2025-05.yaml").model_copy(update={"linkages": ()})
    linked = _link(
        s,
        actor="RU",
        ceasefire=True,
        requires=["donetsk", "luhansk", "zaporizhzhia_kherson", "nato_neutrality"],
    )
    kw: dict[str, Any] = {"runs": 200, "periods": 6, "seed": 7}
    base = {a["bundle"]: a["p_agreement"] for a in detente.simulate(s, **kw).agreements()}
    after = {a["bundle"]: a["p_agreement"] for a in detente.simulate(linked, **kw).agreements()}
    assert base["ceasefire"] > 0.5  # signed in week 2 of most runs without the linkage
    assert after["ceasefire"] == 0.0 and after["framework"] == 0.0
    # the partial deals that leave the fighting going on are untouched
    for bid in ("prisoner_exchange", "energy"):
        assert after[bid] == base[bid] == 1.0, bid
