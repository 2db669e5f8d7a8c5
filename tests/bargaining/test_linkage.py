"""Issue linkage ("A accepts X only with Y"; docs/explanation/deals.md, section Linkage)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.bargaining import build_problem
from detente.bargaining.analysis import (
    analysis_document,
    analyze,
    bundle_packages,
    proposals_document,
)
from detente.bargaining.bundles import agreement_from
from detente.bargaining.distrust import base_state
from detente.bargaining.linkage import LinkageRule
from detente.bargaining.packages import bundle_zone
from detente.scenario import Scenario, ScenarioError, load_scenario, parse_scenario
from detente.scenario.schema import Linkage

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
MARCH = SCENARIOS / "ukraine-2022-03.yaml"


def _link(s: Scenario, *links: dict[str, Any]) -> Scenario:
    extra = tuple(Linkage.model_validate({"assumption": "test", **lk}) for lk in links)
    return s.model_copy(update={"linkages": s.linkages + extra})


@pytest.fixture(scope="module")
def march() -> Scenario:
    return load_scenario(MARCH)


def _bundles(s: Scenario) -> dict[str, dict[str, Any]]:
    doc = analysis_document(analyze(s, samples=50))
    return {b["id"]: b for b in doc["bundles"]}


def test_linkage_closes_x_alone_and_leaves_x_with_y_unaffected(march: Scenario) -> None:
    before = _bundles(march)
    linked = _link(march, {"id": "L1", "actor": "RU", "issues": ["prisoners"],
                           "requires": ["children"]})  # fmt: skip
    after = _bundles(linked)
    assert before["prisoner_exchange"]["zone_exists"]  # open without the linkage
    b = after["prisoner_exchange"]
    assert not b["zone_exists"] and b["linkage_blocked"]
    assert not b["zone_with_priced_red_lines"]["exists"]
    entry = b["blocking"][0]
    assert entry["linkage"] == "L1" and entry["actor"] == "RU" and entry["requires"] == ["children"]
    assert entry["reason"].startswith("linkage L1: RU accepts prisoners only with children")
    # distance stays that of the issues (open on them: 0), flagged as closed by linkage
    assert b["distance"] == before["prisoner_exchange"]["distance"] == 0.0
    assert "linkage" in b["distance_note"]
    # a bundle settling X and Y, and every bundle not settling X, are unchanged
    for bid in before:
        if bid != "prisoner_exchange":
            assert after[bid] == before[bid] | {"linkage_blocked": False}, bid
            assert not after[bid]["linkage_blocked"]
    assert after["humanitarian"]["zone_exists"]
    # no package of crossings, payments or mechanisms opens a bundle closed by linkage alone
    assert bundle_packages(analyze(linked, samples=50), "prisoner_exchange") == []


def test_deferral_satisfies_a_linkage_only_when_it_says_so(march: Scenario) -> None:
    # the framework bundle settles neutrality and defers Crimea (open in 2022-03)
    link = {"id": "L2", "actor": "UA", "issues": ["nato_neutrality"], "requires": ["crimea"]}
    strict = _bundles(_link(march, link))["framework"]
    lenient = _bundles(_link(march, {**link, "deferral_suffices": True}))["framework"]
    assert strict["linkage_blocked"] and not strict["zone_exists"]
    assert strict["blocking"][0]["requires"] == ["crimea"]
    assert lenient["zone_exists"] and not lenient["linkage_blocked"]


def test_a_non_veto_actor_linkage_does_not_close_a_bundle(march: Scenario) -> None:
    s = _link(march, {"id": "L3", "actor": "RU_MIL", "issues": ["prisoners"],
                      "requires": ["children"]})  # fmt: skip
    assert _bundles(s)["prisoner_exchange"]["zone_exists"]


def test_proposal_settling_x_without_y_is_rejected_with_the_linkage_named(
    march: Scenario,
) -> None:
    base = {c.id: c for c in analyze(march, samples=50).cards}["istanbul_communique"]
    assert base.accepted_by_all_veto_distrust
    s = _link(march, {"id": "L4", "actor": "RU", "issues": ["nato_neutrality"],
                      "requires": ["sanctions"]})  # fmt: skip
    a = analyze(s, samples=50)
    card = {c.id: c for c in a.cards}["istanbul_communique"]
    assert not card.accepted_by_all_veto and not card.accepted_by_all_veto_distrust
    rows = {r.actor: r for r in card.rows}
    old = {r.actor: r for r in base.rows}
    assert not rows["RU"].accept and not rows["RU"].accept_distrust
    assert [b.linkage for b in rows["RU"].linkages_broken] == ["L4"]
    assert rows["RU"].utility == old["RU"].utility  # the terms are valued as before
    assert rows["UA"] == old["UA"]  # the other party's verdict is untouched
    doc = next(p for p in proposals_document(a)["proposals"] if p["id"] == "istanbul_communique")
    ru = next(r for r in doc["actors"] if r["actor"] == "RU")
    assert ru["linkages_broken"] == [
        {
            "linkage": "L4",
            "settled": ["nato_neutrality"],
            "missing": ["sanctions"],
            "reason": "linkage L4: RU accepts nato_neutrality only with sanctions "
            "(missing: sanctions)",
        }
    ]
    # the same proposal with the required issue settled too is not rejected for the linkage
    prop = next(p for p in s.proposals if p.id == "istanbul_communique")
    with_y = prop.model_copy(update={"terms": {**prop.terms, "sanctions": 50.0}})
    a2 = analyze(s.model_copy(update={"proposals": (with_y,)}), samples=50)
    assert all(not r.linkages_broken for r in a2.cards[0].rows)


# ---------------------------------------------------------------------- schema checks

LINKAGES = """
linkages:
- id: L1
  actor: NOBODY
  issues: [crimea, nowhere]
  requires: [crimea]
  assumption: test
- id: L1
  actor: RU
  issues: [prisoners]
  requires: [children, children]
  assumption: test
"""


def test_linkage_errors_are_located() -> None:
    text = MARCH.read_text(encoding="utf-8") + LINKAGES
    first = len(MARCH.read_text(encoding="utf-8").splitlines()) + 3  # line of "- id: L1"
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, name="case.yaml")
    probs = {(p.path, p.message): p.line for p in info.value.problems}
    want = {
        ("linkages", "duplicate linkage id 'L1'"),
        ("linkages[0].actor", "unknown actor id 'NOBODY'"),
        ("linkages[0].issues[1]", "unknown issue id 'nowhere'"),
        (
            "linkages[0].requires[0]",
            "'crimea' is in both `issues` and `requires` (X and Y must be disjoint)",
        ),
        ("linkages[1].requires[1]", "'children' listed twice"),
    }
    assert want <= set(probs), sorted(probs)
    assert probs[("linkages[0].actor", "unknown actor id 'NOBODY'")] == first + 1
    assert probs[("linkages[1].requires[1]", "'children' listed twice")] > first + 5


def test_linkage_by_a_non_veto_actor_is_a_strict_mode_warning() -> None:
    text = MARCH.read_text(encoding="utf-8") + (
        "linkages:\n- id: L1\n  actor: RU_MIL\n  issues: [prisoners]\n"
        "  requires: [children]\n  assumption: test\n"
    )
    assert parse_scenario(text, name="case.yaml").linkages[0].actor == "RU_MIL"
    with pytest.raises(ScenarioError, match="'RU_MIL' has no veto"):
        parse_scenario(text, name="case.yaml", strict=True)


def test_linkage_needs_issues_on_both_sides() -> None:
    with pytest.raises(ValueError, match="requires"):
        Linkage.model_validate({"id": "L", "actor": "A", "issues": ["x"], "requires": []})


# ------------------------------------------------------------------------------ property


def _three_issue(sal: tuple[float, ...]) -> Scenario:
    actors = [
        {"id": "A", "name": "A", "kind": "state", "veto": True, "belligerent": True,
         "cost_of_fighting": 0.01, "assumption": "t"},
        {"id": "B", "name": "B", "kind": "state", "veto": True, "belligerent": True,
         "cost_of_fighting": 0.01, "assumption": "t"},
    ]  # fmt: skip
    issues = [
        {"id": i, "name": i, "status_quo": 50.0, "assumption": "t",
         "anchors": [{"value": 0, "label": "B"}, {"value": 100, "label": "A"}]}
        for i in ("x", "y", "z")
    ]  # fmt: skip
    positions = [
        {"actor": a, "issue": i, "ideal": ideal, "salience": sal[q], "assumption": "t"}
        for q, (a, i, ideal) in enumerate(
            [("A", "x", 100), ("A", "y", 100), ("A", "z", 0),
             ("B", "x", 0), ("B", "y", 0), ("B", "z", 0)]
        )
    ]  # fmt: skip
    return Scenario.model_validate(
        {
            "schema_version": 1,
            "meta": {"name": "linkage", "as_of": "2025-01-01"},
            "actors": actors,
            "issues": issues,
            "positions": positions,
            "war": {"belligerents": ["A", "B"], "p": 0.5, "horizon_periods": 20,
                    "stalemate": 0.3, "assumption": "t"},
        }
    )  # fmt: skip


SUBSETS = [("x",), ("y",), ("z",), ("x", "y"), ("x", "z"), ("y", "z")]


@settings(max_examples=30, deadline=None, derandomize=True)
@given(
    st.tuples(*[st.floats(0.1, 1.0)] * 6),
    st.sampled_from(["A", "B"]),
    st.sampled_from(SUBSETS),
    st.sampled_from(SUBSETS),
    st.booleans(),
)
def test_adding_a_linkage_never_enlarges_any_zone(
    sal: tuple[float, ...],
    actor: str,
    xs: tuple[str, ...],
    ys: tuple[str, ...],
    ceasefire: bool,
) -> None:
    ys = tuple(i for i in ys if i not in xs) or tuple(i for i in ("x", "y", "z") if i not in xs)
    rule = LinkageRule("L", actor, xs, ys)
    p = build_problem(_three_issue(sal))
    state = base_state(p, {("A", "B"): 0.7, ("B", "A"): 0.7})
    for bundle in [*SUBSETS, ("x", "y", "z")]:
        ag = agreement_from(p, "b", bundle, ceasefire=ceasefire)
        free = bundle_zone(p, ag, state)
        tied = bundle_zone(p, ag, state, linkages=[rule])
        assert not tied.exists or free.exists  # never opens a zone
        assert not tied.priced_exists or free.priced_exists
        np.testing.assert_array_equal(tied.intervals, free.intervals)  # never widens one
        assert tied.distance == free.distance
        blocked = bool(set(xs) & set(bundle)) and not set(ys) <= set(bundle)
        assert tied.linkage_blocked == blocked
        if not blocked:
            assert tied.exists == free.exists
