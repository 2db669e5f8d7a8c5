"""Invariance of the rule that lifts a refusal to meet (docs/explanation/tracks.md, "Lifting a
refusal"; issue 13, branch ref8).

A refusal is one public commitment, so the price of lifting it must not depend on how finely
the table it keeps closed is cut into issues:

1. an issue nobody cares about (no position, so zero salience and no red line for every party)
   changes neither the lifting cost, nor any run's lifting decision, nor the simulated results;
2. splitting an issue into two identical halves that share its salience leaves the lifting cost
   unchanged (the multi-attribute splitting condition: Weber, Eisenführ & von Winterfeldt 1988).

The rule before this branch charged the whole-scale crossing cost once per issue of the closed
bundles, so an empty issue raised it by a fifth and a split issue counted twice: these tests
failed on it (the refusal was lifted later, and P(agreement) fell, with every empty issue).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from detente.bargaining.redlines import LEADER_RELIEF, RIPENESS_HALF, commitment_cost
from detente.scenario import Scenario, parse_scenario
from detente.simulate import run_simulation
from detente.simulate.engine import iter_periods
from detente.simulate.model import build_model
from detente.simulate.steps.tracks import lifted, lifting_costs

TEACHING = Path(__file__).resolve().parents[2] / "scenarios" / "teaching.yaml"
RUNS = 96
PERIODS = 40
REFUSAL = {"id": "r", "by": "NOR", "refuses": "SUD", "reason": "legitimacy",
           "since": "2024-06-01", "assumption": "test"}  # fmt: skip


def _teaching_refusal(empty: int = 0, split: str | None = None) -> Scenario:
    """The teaching scenario with Norland refusing to meet Sudmark's leaders (the only track is
    closed at the start), plus ``empty`` issues nobody holds a position on, and with issue
    ``split`` cut into two identical halves that share every party's salience on it."""
    data: dict[str, Any] = YAML(typ="safe").load(TEACHING.read_text(encoding="utf-8"))
    data["refusals"] = [REFUSAL]
    for j in range(empty):
        data["issues"].append(
            {"id": f"empty_{j}", "name": f"An issue nobody cares about ({j})",
             "anchors": [{"value": 0, "label": "one end"}, {"value": 100, "label": "the other"}],
             "status_quo": 50, "sources": ["S_brief"]}
        )  # fmt: skip
    if split is not None:
        issues = []
        for issue in data["issues"]:
            if issue["id"] != split:
                issues.append(issue)
                continue
            for half in ("a", "b"):
                twin = copy.deepcopy(issue)
                twin["id"] = f"{split}_{half}"
                issues.append(twin)
        data["issues"] = issues
        positions = []
        for pos in data["positions"]:
            if pos["issue"] != split:
                positions.append(pos)
                continue
            for half in ("a", "b"):
                twin = copy.deepcopy(pos)
                twin["issue"] = f"{split}_{half}"
                twin["salience"] = pos["salience"] / 2.0
                positions.append(twin)
        data["positions"] = positions
        for prop in data["proposals"]:
            if split in prop["terms"]:
                value = prop["terms"].pop(split)
                prop["terms"].update({f"{split}_a": value, f"{split}_b": value})
    return parse_scenario(json.dumps(data, default=str), name="teaching+refusal.json")


@pytest.mark.parametrize("empty", [1, 2])
def test_an_issue_nobody_cares_about_changes_no_lifting_decision(empty: int) -> None:
    """Run by run and period by period (common random numbers), the same refusals are lifted
    with and without issues nobody cares about, at the same cost."""
    m0, m1 = build_model(_teaching_refusal()), build_model(_teaching_refusal(empty))
    seen = np.zeros(RUNS, dtype=bool)
    runs0 = iter_periods(m0, RUNS, np.random.SeedSequence(1), PERIODS)
    runs1 = iter_periods(m1, RUNS, np.random.SeedSequence(1), PERIODS)
    for s0, s1 in zip(runs0, runs1, strict=True):
        np.testing.assert_allclose(lifting_costs(m1, s1), lifting_costs(m0, s0), rtol=1e-12)
        mask = lifted(m0, s0)
        assert np.array_equal(lifted(m1, s1), mask)
        seen |= mask > 0
    assert seen.any() and not seen.all()  # the decision is not trivial either way


@pytest.mark.parametrize("empty", [1, 2])
def test_an_issue_nobody_cares_about_changes_no_result(empty: int) -> None:
    """The simulated agreements (probability, timing, through which track) are the same."""
    base = run_simulation(_teaching_refusal(), runs=RUNS, seed=3, periods=PERIODS).summary()
    more = run_simulation(_teaching_refusal(empty), runs=RUNS, seed=3, periods=PERIODS).summary()
    assert 0.0 < base["p_agreement"] < 1.0
    for key in ("p_agreement", "median_periods_to_agreement"):
        assert more[key] == base[key], key
    assert more["agreements"][0]["by_track"] == base["agreements"][0]["by_track"]


def test_splitting_an_issue_in_two_halves_leaves_the_lifting_cost() -> None:
    """Cutting Ash Valley (Norland's red line) or the demilitarised strip into two identical
    halves, each with half the salience, leaves the cost of lifting the refusal unchanged at
    the start of every run."""
    m0 = build_model(_teaching_refusal())
    s0 = next(iter(iter_periods(m0, RUNS, np.random.SeedSequence(4), 1)))
    for issue in ("valley", "demilitarisation"):
        m1 = build_model(_teaching_refusal(split=issue))
        s1 = next(iter(iter_periods(m1, RUNS, np.random.SeedSequence(4), 1)))
        np.testing.assert_allclose(lifting_costs(m1, s1), lifting_costs(m0, s0), rtol=1e-12)


_bases = st.floats(0.0, 5.0, allow_nan=False)
_weights = st.floats(0.0, 1.0, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(
    items=st.lists(st.tuples(_bases, _weights), min_size=1, max_size=6),
    at=st.integers(0, 5),
    base=_bases,
    cumulative=st.floats(0.0, 10.0, allow_nan=False),
    lead=st.sampled_from([0.0, 1.0]),
)
def test_commitment_cost_is_invariant_to_cutting_the_issues(
    items: list[tuple[float, float]], at: int, base: float, cumulative: float, lead: float
) -> None:
    """The pure rule: an issue of zero weight (any base) adds nothing, once some issue has a
    weight; splitting an issue into two with the same base and half its weight each changes
    nothing; the cost lies between the smallest and largest crossing cost of the issues."""
    b = np.array([x for x, _ in items])
    w = np.array([y for _, y in items])
    cost = float(commitment_cost(b, w, cumulative, lead))
    if w.sum() > 0:
        p = at % (b.size + 1)
        more = commitment_cost(np.insert(b, p, base), np.insert(w, p, 0.0), cumulative, lead)
        assert float(more) == pytest.approx(cost, rel=1e-12, abs=1e-15)
    k = at % b.size
    halves_b = np.insert(b, k, b[k])
    halves_w = np.insert(w, k, w[k] / 2.0)
    halves_w[k + 1] = w[k] / 2.0
    split = float(commitment_cost(halves_b, halves_w, cumulative, lead))
    assert split == pytest.approx(cost, rel=1e-12, abs=1e-15)
    factor = (1.0 - LEADER_RELIEF * lead) / (1.0 + cumulative / RIPENESS_HALF)
    assert b.min() * factor - 1e-12 <= cost <= b.max() * factor + 1e-12
