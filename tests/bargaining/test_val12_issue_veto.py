"""Vetoes per agreement (docs/explanation/deals.md, "Vetoes per agreement"): an actor with
``veto_issues`` is a veto party of the full settlement and of the bundles and proposals that
settle one of its issues, and of no other agreement."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from detente.bargaining import build_problem
from detente.bargaining.analysis import analysis_document, analyze
from detente.bargaining.bundles import agreement_from
from detente.bargaining.distrust import DistrustState, base_state
from detente.bargaining.packages import BundleResult, bundle_zone
from detente.bargaining.problem import BargainingProblem
from detente.scenario import Scenario, parse_scenario

from .helpers import make_problem

BORDER = Path(__file__).parent / "fixtures" / "border.yaml"
PARLIAMENT = (
    "  - {id: P, name: West's parliament, kind: faction, parent: W, veto: true, "
    "veto_issues: [alignment], assumption: illustrative}\n"
)
P_POSITION = (
    "  - {actor: P, issue: alignment, ideal: 0, salience: 1, acceptable: [0, 20], "
    "assumption: illustrative}\n"
)
PROPOSALS = """
proposals:
  - {id: province_only, name: Province deal, proposer: G, terms: {province: 50},
     assumption: illustrative}
  - {id: with_alignment, name: Province and alignment, proposer: G,
     terms: {province: 50, alignment: 50}, assumption: illustrative}
bundles:
  - {id: province_bundle, name: Province alone, issues: [province], ceasefire: true,
     assumption: illustrative}
  - {id: alignment_bundle, name: Alignment with the province, issues: [province, alignment],
     ceasefire: true, assumption: illustrative}
"""


def _border(parliament: str | None) -> Scenario:
    """The border fixture with West's parliament P; ``parliament``: its veto fields."""
    text = BORDER.read_text(encoding="utf-8")
    if parliament is not None:
        actor = PARLIAMENT.replace("veto: true, veto_issues: [alignment]", parliament)
        text = text.replace("issues:\n", actor + "issues:\n", 1)
        text = text.replace("positions:\n", "positions:\n" + P_POSITION, 1)
    start, end = text.index("\nproposals:\n"), text.index("\nwar:\n")
    return parse_scenario(text[:start] + PROPOSALS + text[end:], name="border.yaml")


@pytest.fixture(scope="module")
def docs() -> dict[str, dict[str, Any]]:
    return {
        name: analysis_document(analyze(_border(fields), samples=50))
        for name, fields in (
            ("issue", "veto: true, veto_issues: [alignment]"),
            ("all_issues", "veto: true, veto_issues: [province, alignment, army]"),
            ("everything", "veto: true"),
            ("none", "veto: false"),
        )
    }


def _bundle(doc: dict[str, Any], bid: str) -> dict[str, Any]:
    return next(b for b in doc["bundles"] if b["id"] == bid)


def test_the_full_settlement_needs_the_issue_veto(docs: dict[str, dict[str, Any]]) -> None:
    issue, none = docs["issue"], docs["none"]
    assert "P" in issue["veto"] and "P" not in none["veto"]
    # P's alignment <= 20 against East's >= 40: the settlement and every bundle on alignment close
    assert not _bundle(issue, "settlement")["zone_exists"]
    assert not _bundle(issue, "alignment_bundle")["zone_exists"]
    for bid in ("settlement", "alignment_bundle"):
        assert any(c.startswith("alignment") for c in _bundle(issue, bid)["red_line_conflicts"])
        assert not _bundle(none, bid)["red_line_conflicts"]


def test_a_bundle_without_its_issues_is_as_if_it_had_no_veto(
    docs: dict[str, dict[str, Any]],
) -> None:
    issue, none, every = docs["issue"], docs["none"], docs["everything"]
    assert _bundle(issue, "province_bundle") == _bundle(none, "province_bundle")
    # with a veto over every agreement its alignment line is irrelevant to the province bundle,
    # but it is a veto party there: a counterpart under distrust and a threshold of its own
    assert _bundle(every, "province_bundle") != _bundle(none, "province_bundle")


def test_a_veto_listing_every_issue_is_a_plain_veto(docs: dict[str, dict[str, Any]]) -> None:
    assert docs["all_issues"] == docs["everything"]


def test_proposals_ask_the_issue_veto_only_when_they_settle_its_issue() -> None:
    a = analyze(_border("veto: true, veto_issues: [alignment]"), samples=50)
    cards = {c.id: c for c in a.cards}
    rows = {c: {r.actor: r for r in cards[c].rows} for c in cards}
    assert not rows["province_only"]["P"].veto
    assert rows["with_alignment"]["P"].veto and not rows["with_alignment"]["P"].accept
    assert not cards["with_alignment"].accepted_by_all_veto
    none = {c.id: c for c in analyze(_border("veto: false"), samples=50).cards}
    for flag in ("accepted_by_all_veto", "accepted_by_all_veto_distrust"):
        assert getattr(cards["province_only"], flag) == getattr(none["province_only"], flag)
    actors = a.problem.actors
    veto = {
        r.agreement.id: [x for x, v in zip(actors, r.veto, strict=True) if v] for r in a.bundles
    }
    assert veto["province_bundle"] == ["E", "W"]
    assert veto["alignment_bundle"] == ["E", "W", "P"] == veto["settlement"]


def test_a_deferral_that_moves_the_issue_needs_the_veto() -> None:
    s = _border("veto: true, veto_issues: [alignment]")
    p = build_problem(s)
    from detente.scenario.schema import Deferral

    still = Deferral(issue="alignment", interim=30, review_periods=10, fallback=30)
    moved = Deferral(issue="alignment", interim=60, review_periods=10, fallback=60)
    for deferral, needed in ((still, False), (moved, True)):
        ag = agreement_from(p, "x", ["province"], ceasefire=True, deferrals=[deferral])
        assert bool(ag.veto_problem(p).veto[p.index("P")]) is needed


# ------------------------------------------------------------------- property (Hypothesis)


@st.composite
def _cases(draw: st.DrawFn) -> tuple[BargainingProblem, int, NDArray[np.bool_], list[str], bool]:
    m = draw(st.integers(3, 4))
    n = draw(st.integers(2, 3))
    floats = st.floats(0.0, 100.0, allow_nan=False)
    ideal = np.array(draw(st.lists(floats, min_size=m * n, max_size=m * n))).reshape(m, n)
    w = np.array(draw(st.lists(st.floats(0.1, 1.0), min_size=m * n, max_size=m * n)))
    reservation = np.array(draw(st.lists(st.floats(-0.2, 0.9), min_size=m, max_size=m)))
    lo, hi = np.zeros((m, n)), np.full((m, n), 100.0)
    for i in range(m):
        if draw(st.booleans()):
            k = draw(st.integers(0, n - 1))
            width = draw(st.floats(5.0, 60.0))
            lo[i, k] = max(0.0, ideal[i, k] - width)
            hi[i, k] = min(100.0, ideal[i, k] + width)
    prob = make_problem(ideal, w.reshape(m, n), reservation, lo=lo, hi=hi)
    j = draw(st.integers(0, m - 1))
    split = draw(st.integers(1, n - 1))
    issues = list(draw(st.permutations(range(n))))
    own, bundle = issues[:split], issues[split:]
    covers = np.zeros((m, n), dtype=bool)
    covers[:] = True
    covers[j] = False
    covers[j, own] = True
    prob = replace(prob, veto_issues=covers)
    return prob, j, covers[j], [prob.issues[k] for k in bundle], draw(st.booleans())


def _same(a: BundleResult, b: BundleResult) -> None:
    assert a.exists == b.exists and a.priced_exists == b.priced_exists
    np.testing.assert_array_equal(a.thresholds, b.thresholds)
    np.testing.assert_array_equal(a.veto, b.veto)
    np.testing.assert_allclose(a.radius, b.radius)
    np.testing.assert_allclose(a.centre, b.centre)
    assert a.distance == b.distance and a.conflicts == b.conflicts
    assert [(m.actor, m.issue, m.to) for m in a.blocking] == [
        (m.actor, m.issue, m.to) for m in b.blocking
    ]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_cases(), st.data())
def test_a_veto_over_issues_a_bundle_leaves_alone_never_changes_its_zone(
    case: tuple[BargainingProblem, int, NDArray[np.bool_], list[str], bool],
    data: st.DataObject,
) -> None:
    prob, j, _, bundle, ceasefire = case
    m = prob.n_actors
    q = np.array(data.draw(st.lists(st.floats(0.05, 1.0), min_size=m * m, max_size=m * m)))
    gap = np.array(data.draw(st.lists(st.floats(0.0, 0.3), min_size=m, max_size=m)))
    state = DistrustState(
        q_pair=q.reshape(m, m), v=prob.reservation, v_cheated=prob.reservation - gap,
        cost=np.zeros(m),
    )  # fmt: skip
    without = replace(prob, veto=np.array([i != j for i in range(m)]))
    ag = agreement_from(prob, "b", bundle, ceasefire=ceasefire)
    got = bundle_zone(prob, ag, state, intervals=True)
    want = bundle_zone(without, agreement_from(without, "b", bundle, ceasefire=ceasefire), state)
    assert not got.veto[j]
    _same(got, want)
    np.testing.assert_allclose(got.intervals, want.intervals)
    # and the full settlement does count it
    full = agreement_from(prob, "s", list(prob.issues), ceasefire=True)
    assert bundle_zone(prob, full, state).veto[j]


def test_base_state_and_problem_rows_follow_the_scenario() -> None:
    s = _border("veto: true, veto_issues: [alignment]")
    p = build_problem(s)
    i = p.index("P")
    assert p.veto[i] and list(p.veto_issues[i]) == [k == "alignment" for k in p.issues]
    assert p.veto_issues[p.index("E")].all()
    settled = np.array([k == "province" for k in p.issues])
    assert not p.veto_for(settled)[i] and p.for_agreement(settled).veto.sum() == 2
    assert p.for_agreement(~settled) is p
    assert base_state(p, None).q_pair.shape == (p.n_actors, p.n_actors)
