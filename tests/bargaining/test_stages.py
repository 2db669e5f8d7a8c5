"""Staged proposals: plan construction, pause detection, consistency with the scorecard and the
deal-based staging, and what stage timing and per-stage mechanisms change."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from detente.bargaining.analysis import Analysis, analysis_document, analyze
from detente.bargaining.commitment import stage_analysis
from detente.bargaining.distrust import apply_all, thresholds
from detente.bargaining.proposals import proposal_terms
from detente.bargaining.stages import PlanRow, PlanStage, evaluate_plan, pause_stage, plans
from detente.scenario import load_scenario
from detente.scenario.schema import Proposal, Stage

FIXTURE = Path(__file__).parent / "fixtures" / "border.yaml"
COMPLIANCE = {("W", "E"): 0.2, ("E", "W"): 0.35, ("W", "G"): 0.8, ("E", "G"): 0.5}


def _staged(**kw: object) -> Proposal:
    stages = kw.pop(
        "stages",
        (
            Stage(name="cease-fire", issues=("province",), mechanisms=("monitors",)),
            Stage(name="settlement", issues=("alignment",), start_period=26),
        ),
    )
    doc: dict[str, object] = {
        "id": "staged",
        "name": "Staged compromise",
        "terms": {"province": 45, "alignment": 60, "army": 40},
        "mechanisms": ("guarantee",),
        "stages": stages,
        "assumption": "illustrative",
    }
    doc.update(kw)
    return Proposal.model_validate(doc)


@pytest.fixture(scope="module")
def border() -> Analysis:
    sc = load_scenario(FIXTURE)
    sc = sc.model_copy(update={"proposals": (*sc.proposals, _staged())})
    return analyze(sc, compliance=COMPLIANCE, samples=200)


def test_plan_construction() -> None:
    stages = [
        PlanStage("truce talks", ("a",), 0, ("m1",)),
        PlanStage("treaty", ("b",), 10, ("m2",)),
    ]
    got = plans(stages, ["a", "b", "c"], ("m0",))
    # Issues the proposal sets but no stage names are settled with the last stage.
    assert got["as_proposed"][1].issues == ("b", "c")
    assert got["as_proposed"][0].mechanisms == ("m0", "m1")
    # Reversed: stages swap with their issues and mechanisms; start periods stay in place.
    rev = got["reversed"]
    assert [s.name for s in rev] == ["treaty", "truce talks"]
    assert [s.start for s in rev] == [0, 10]
    assert rev[0].mechanisms == ("m0", "m2") and rev[1].mechanisms == ("m1",)
    (comp,) = got["comprehensive"]
    assert comp.start == 0 and set(comp.issues) == {"a", "b", "c"}
    assert set(comp.mechanisms) == {"m0", "m1", "m2"}


def test_pause_stage_rules() -> None:
    s1 = PlanStage("withdrawal", ("donetsk",), 0)
    s2 = PlanStage("cease-fire and talks", ("sequencing",), 4)
    s3 = PlanStage("treaty", ("crimea",), 26)
    assert pause_stage([s1, s2, s3], {"donetsk"}) == 1  # a cease-fire by name wins
    assert pause_stage([s1, s3], {"crimea"}) == 1  # else the first contested issue
    assert pause_stage([s1, s3], set()) == 0  # else the first stage
    assert pause_stage([s1, PlanStage("x", ("ceasefire_sequencing",), 3)], set()) == 1
    # A stage named for the cease-fire beats an earlier stage merely settling a cease-fire issue.
    named_later = [PlanStage("x", ("ceasefire_sequencing",), 0), s2]
    assert pause_stage(named_later, set()) == 1
    # A stage the scenario marks `ceasefire: true` wins over every name or issue heuristic.
    marked = PlanStage("treaty", ("crimea",), 26, ceasefire=True)
    assert pause_stage([s1, s2, marked], {"donetsk"}) == 2
    unmarked = PlanStage("cease-fire and talks", ("sequencing",), 4, ceasefire=False)
    assert pause_stage([s1, unmarked, marked], {"donetsk"}) == 2
    # A stage marked `ceasefire: false` is never the pause stage, whatever its name says...
    assert pause_stage([s1, unmarked, s3], {"donetsk"}) == 0
    assert pause_stage([unmarked, s3], set()) == 1
    # ... and if every stage is so marked, the fighting never stops under the plan.
    no = [PlanStage(s.name, s.issues, s.start, ceasefire=False) for s in (s1, s2, s3)]
    assert pause_stage(no, {"donetsk"}) == 3


def test_plan_without_pause_is_settled_while_fighting(border: Analysis) -> None:
    x = proposal_terms(border.problem, _staged())
    x = np.where(np.isnan(x), border.problem.status_quo, x)
    stages = [
        PlanStage("swap", ("army",), 0, ceasefire=False),
        PlanStage("talks", ("alignment",), 13, ceasefire=False),
    ]
    rows = evaluate_plan(border.problem, "t", "t", x, stages, border.state, border.effects)
    assert rows and all(r.pause_stage == 0 for r in rows)
    assert all("while fighting" in r.note or r.note == "every stage passes" for r in rows)


def _rows(a: Analysis, plan: str) -> dict[str, PlanRow]:
    return {r.actor: r for r in a.staged if r.proposal == "staged" and r.plan == plan}


def test_comprehensive_matches_scorecard_and_deal_staging(border: Analysis) -> None:
    p = border.problem
    comp = _rows(border, "comprehensive")
    assert set(comp) == {"E", "W"}
    # The scorecard of the same terms with every mechanism of the plan.
    card = next(c for c in border.cards if c.id == "staged")
    x = card.terms
    state = apply_all(border.state, [border.effects[m] for m in ("guarantee", "monitors")])
    t = thresholds(p, state)
    old = {r.actor: r for r in stage_analysis(p, x, t, ("province",)) if r.plan == "comprehensive"}
    for actor, row in comp.items():
        assert row.accepts == old[actor].accepts
        assert row.self_enforcing == old[actor].self_enforcing
        assert row.pause_stage == 1


def test_document_and_plans_present(border: Analysis) -> None:
    doc = analysis_document(border)
    rows = [r for r in doc["stages"]["proposals"] if r["proposal"] == "staged"]
    assert {r["plan"] for r in rows} == {"comprehensive", "as_proposed", "reversed"}
    assert {r["pause_stage"] for r in rows if r["plan"] == "as_proposed"} == {1}
    # Reversed, the settlement comes first (while fighting); the cease-fire is stage 2.
    assert {r["pause_stage"] for r in rows if r["plan"] == "reversed"} == {2}


def _plan(
    border: Analysis, stages: list[PlanStage], x: np.ndarray | None = None
) -> dict[str, PlanRow]:
    x = proposal_terms(border.problem, _staged()) if x is None else x
    rows = evaluate_plan(border.problem, "t", "t", x, stages, border.state, border.effects)
    return {r.actor: r for r in rows}


# Terms at West's red lines on province and army, alignment East's ideal.
GENEROUS = np.array(
    [42.0, 100.0, 70.0]
)  # re-chosen when the status quo began to flow during war (CHANGELOG)


def _two(start: int, mechanisms: tuple[str, ...] = ("monitors", "guarantee")) -> list[PlanStage]:
    return [
        PlanStage("cease-fire", ("province",), 0, mechanisms),
        PlanStage("rest", ("alignment", "army"), start),
    ]


def test_stage_mechanisms_matter_and_only_help_when_costless_to_veto_parties(
    border: Analysis,
) -> None:
    # Monitors and the guarantee are paid by the guarantor (not a veto party): in force from
    # the cease-fire they can only lower thresholds, so nothing accepted without them is
    # rejected with them; here they turn West's rejection into acceptance.
    for start in (0, 13, 26):
        a = _plan(border, _two(start, ()), GENEROUS)
        b = _plan(border, _two(start), GENEROUS)
        for actor in a:
            assert not (a[actor].accepts and not b[actor].accepts)
    assert not _plan(border, _two(13, ()), GENEROUS)["W"].accepts
    assert _plan(border, _two(13), GENEROUS)["W"].accepts


def test_later_stages_face_the_shifted_war(border: Analysis) -> None:
    # East gains from the pause (shift +0.25 towards East over 26 periods): holding the rest
    # of the deal back longer can only make it harder for East to keep to the cease-fire,
    # and West (declining) needs less for the later stage.
    e = [_plan(border, _two(s), GENEROUS)["E"].self_enforcing for s in (0, 13, 26)]
    w = [_plan(border, _two(s), GENEROUS)["W"].accepts for s in (0, 13, 26)]
    assert e == sorted(e, reverse=True) and e[0] and not e[-1]
    assert w == sorted(w) and w[-1] and not w[0]
    assert "war by period 13" in _plan(border, _two(13), GENEROUS)["E"].note


def test_red_lines_on_settled_issues_reject_every_plan(border: Analysis) -> None:
    x = proposal_terms(border.problem, _staged())
    x[border.problem.issues.index("province")] = 100.0  # beyond West's ≤ 60
    stages = [PlanStage("cease-fire", ("province",), 0), PlanStage("rest", ("alignment",), 26)]
    rows = evaluate_plan(border.problem, "t", "t", x, stages, border.state, border.effects)
    west = next(r for r in rows if r.actor == "W")
    assert not west.accepts and "province" in west.note
    assert np.all([r.pause_stage == 1 for r in rows])
