"""One rule of who must consent to an agreement (docs/explanation/deals.md, "Vetoes per
agreement"): the veto parties whose veto covers an issue the agreement *touches* (settles, or
defers to a value other than the status quo), ``Agreement.veto_parties`` over
``BargainingProblem.veto_for``; and staged plans ask each stage its own veto parties."""

from __future__ import annotations

import numpy as np

from detente.bargaining.bundles import agreement_from
from detente.bargaining.commitment import stage_analysis
from detente.bargaining.problem import BargainingProblem, build_problem
from detente.scenario.schema import Deferral

from .test_val12_issue_veto import _border

ISSUE_VETO = "veto: true, veto_issues: [alignment]"


def _problem(parliament: str | None = ISSUE_VETO) -> BargainingProblem:
    return build_problem(_border(parliament))


def test_the_agreement_veto_parties_follow_the_touched_issues() -> None:
    p = _problem()
    assert p.actors[p.index("P")] == "P"

    def parties(issues: list[str]) -> tuple[str, ...]:
        return agreement_from(p, "a", issues, ceasefire=False).veto_parties(p)

    assert parties(["province"]) == ("E", "W")
    assert parties(["alignment"]) == ("E", "W", "P")
    assert parties(["province", "alignment", "army"]) == ("E", "W", "P")
    assert parties([]) == ("E", "W", "P")  # touches nothing (degenerate): every veto party
    # without veto_issues, the same parliament vetoes every agreement
    q = _problem("veto: true")
    assert agreement_from(q, "a", ["province"], ceasefire=False).veto_parties(q) == (
        "E",
        "W",
        "P",
    )


def test_a_deferral_off_the_status_quo_touches_the_issue() -> None:
    p = _problem()
    k = p.issues.index("alignment")
    other = 0.0 if float(p.status_quo[k]) > 50.0 else 100.0
    at_sq = agreement_from(
        p,
        "a",
        ["province"],
        ceasefire=False,
        deferrals=[Deferral(issue="alignment", review_periods=52)],
    )
    moved = agreement_from(
        p,
        "b",
        ["province"],
        ceasefire=False,
        deferrals=[Deferral(issue="alignment", interim=other, review_periods=52)],
    )
    assert not bool(at_sq.touched(p)[k]) and bool(moved.touched(p)[k])
    assert at_sq.veto_parties(p) == ("E", "W")
    assert moved.veto_parties(p) == ("E", "W", "P")
    assert moved.veto_problem(p).veto[p.index("P")]


def test_stages_ask_each_stage_its_own_veto_parties() -> None:
    """Cease-fire first: the parliament (veto on alignment only) is not asked to accept the
    stage that settles only the cease-fire issue; nothing changes for the others, nor for a
    parliament vetoing every agreement."""
    p = _problem()
    x = np.array(p.status_quo, dtype=float)
    t = np.array(p.reservation, dtype=float)
    rows = {(r.plan, r.actor): r for r in stage_analysis(p, x, t, ("province",))}
    assert "not a party to stage 1" in rows[("ceasefire_first", "P")].note
    assert "not a party to stage 1" not in rows[("ceasefire_first", "E")].note
    q = _problem("veto: true")
    full = {(r.plan, r.actor): r for r in stage_analysis(q, x, t, ("province",))}
    for key in (("ceasefire_first", "E"), ("ceasefire_first", "W"), ("settlement_first", "E")):
        assert full[key].accepts == rows[key].accepts and full[key].note == rows[key].note
    assert "not a party" not in full[("ceasefire_first", "P")].note


def test_a_non_party_to_stage_one_is_judged_on_stage_two_only() -> None:
    """A threshold no stage-1 utility reaches: a parliament vetoing every agreement refuses
    cease-fire first; one whose veto covers only alignment is judged on stage 2 alone (x within
    its red lines there, and U(x) at least its war value after the shift: the comprehensive
    plan's self-enforcement test)."""
    p = _problem()
    i = p.index("P")
    k = p.issues.index("alignment")
    x = np.array(p.status_quo, dtype=float)
    x[k] = float(p.ideal[i, k])
    assert p.lo[i, k] <= x[k] <= p.hi[i, k]
    t = np.array(p.reservation, dtype=float)
    t[i] = 10.0
    rows = {(r.plan, r.actor): r for r in stage_analysis(p, x, t, ("province",))}
    q = _problem("veto: true")
    full = {(r.plan, r.actor): r for r in stage_analysis(q, x, t, ("province",))}
    assert not full[("ceasefire_first", "P")].accepts
    assert rows[("ceasefire_first", "P")].accepts  # judged on stage 2 only: it passes
    assert rows[("ceasefire_first", "P")].accepts == rows[("comprehensive", "P")].self_enforcing
    assert not rows[("comprehensive", "P")].accepts  # the full deal still asks its threshold


def test_the_overview_veto_column_is_one_type() -> None:
    """The report's actor table: "yes", "on <issues>" or "no", never a mix of text and
    booleans."""
    import re

    from detente.report.base import ReportContext
    from detente.report.sections import overview

    sec = overview.build(ReportContext(scenario=_border(ISSUE_VETO), scenario_hash="x"))
    rows = re.findall(r"<tr>(.*?)</tr>", sec.body, flags=re.S)
    cells = {
        re.findall(r"<td>(.*?)</td>", r)[0]: re.findall(r"<td>(.*?)</td>", r)[4]
        for r in rows
        if r.count("<td>") >= 5
    }
    assert cells["E"] == "yes" and cells["P"] == "on alignment" and cells["G"] == "no"
    assert "(on alignment)" in sec.summary
