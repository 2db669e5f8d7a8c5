"""``validation/analysis_why.py`` (helper v18a) explains the development set's analysis checks
with the scorer's own rules: the reservation's decomposition adds up to the engine's value,
the figures it prints decide the verdict the scorer gives, and the red-line report states the
rule that an agreement binds only what it puts in place."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from tests.repo_scripts import validation_script

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "validation" / "cases"


@pytest.fixture(scope="module")
def every_check() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = validation_script("analysis_why").explain_cases(everything=True)
    return rows


@pytest.mark.parametrize("case", ["beagle_1984", "georgia_2008", "iran_jpoa_2013", "us_cuba_2014"])
def test_reservation_terms_add_up_to_the_engines_value(case: str) -> None:
    from detente.bargaining.problem import build_problem
    from detente.bargaining.war import war_value
    from detente.scenario import load_scenario

    problem = build_problem(load_scenario(CASES / case / "scenario.yaml"))
    engine = war_value(problem)
    for i, actor in enumerate(problem.actors):
        t = validation_script("analysis_why").war_terms(problem, actor)
        assert t["v_model"] == pytest.approx(float(engine[i]), abs=1e-12)
        lottery = t["p_a"] * t["u_win_a"] + t["p_b"] * t["u_win_b"] + t["stalemate"] * t["u_sq"]
        assert t["lottery"] == pytest.approx(lottery, abs=1e-12)
        if t["stated"] is None:
            assert t["reservation"] == pytest.approx(t["v_model"], abs=1e-12)


def test_every_analysis_check_is_explained(every_check: list[dict[str, Any]]) -> None:
    score = validation_script("analysis_why")._score()
    n = 0
    for case_dir in sorted(p for p in CASES.iterdir() if (p / "case.yaml").exists()):
        case = score._yaml(case_dir / "case.yaml")
        n += sum(e["check"]["kind"] in score.KINDS for e in case.get("expectations") or [])
    per_case = [r for r in every_check if r["case"] != "(orderings)"]
    assert len(per_case) == n
    assert {r["status"] for r in every_check} <= {"pass", "miss", "not_yet_scorable"}


def test_the_printed_figures_decide_the_verdict(every_check: list[dict[str, Any]]) -> None:
    """Each kind's figures give the scorer's verdict: a proposal is accepted iff every asked
    actor's margin is ≥ 0 with no red line crossed and no linkage broken; an outcome is inside
    iff no veto party falls short (and, with stated lines, none is crossed); a zone's stated
    or priced existence is what the check compares."""
    tool, seen = validation_script("analysis_why"), set()
    score = tool._score()
    for row in every_check:
        kind = row["kind"]
        check = (
            next(
                e["check"]
                for e in (score._yaml(CASES / row["case"] / "case.yaml")["expectations"])
                if e["id"] == row["expectation"]
            )
            if row["case"] != "(orderings)"
            else None
        )
        if kind == "proposal_accepted":
            assert check is not None
            rows = row["proposal"]["rows"]
            got = all(
                r["margin"] >= -1e-4 and not r["crossed"] and not r["linkages_broken"] for r in rows
            )
            assert got == all(r["accepts"] for r in rows)
            assert (got == check["accepted"]) == (row["status"] == "pass")
            seen.add(kind)
        elif kind == "outcome_in_zone" and "rows" in row["outcome"]:
            assert check is not None
            rows = row["outcome"]["rows"]
            inside = all(r["shortfall"] <= 1e-4 for r in rows)
            if not row["outcome"]["priced"]:
                inside = inside and not any(r["lines_crossed"] for r in rows)
            assert (inside == check["inside"]) == (row["status"] == "pass")
            seen.add(kind)
        elif kind in ("zone", "bundle_zone") and row["zone"].get("declared", True):
            assert check is not None
            priced = check.get("red_lines", "stated") == "priced"
            got = row["zone"]["priced_exists" if priced else "exists"]
            assert (got == check["exists"]) == (row["status"] == "pass")
            if not row["zone"]["exists"] and row["zone"]["conflicts"]:
                assert row["zone"]["distance"] is None or row["zone"]["distance"] > 0
            seen.add(kind)
        elif kind == "distance_order":
            ds = [np.inf if z["distance"] is None else z["distance"] for z in row["zones"]]
            strict = True if check is None else check.get("strict", True)
            ok = all((a < b) if strict else (a <= b) for a, b in itertools.pairwise(ds))
            assert ok == (row["status"] == "pass")
            seen.add(kind)
    assert seen == {"proposal_accepted", "outcome_in_zone", "zone", "bundle_zone", "distance_order"}


def test_red_line_report_states_what_the_proposal_puts_in_place() -> None:
    from detente.scenario import load_scenario

    tool = validation_script("analysis_why")
    score = tool._score()
    iraq = score.CaseModel(load_scenario(CASES / "iran_iraq_1988" / "scenario.yaml"))
    check = {
        "kind": "red_line_crossed",
        "proposal": "res598",
        "actor": "IRN",
        "issue": "regime",
        "crossed": True,
    }
    out = tool.explain(iraq, check)
    assert out["status"] == "miss"
    assert out["red_line"]["proposal_on_issue"] == "not put in place: frozen at the status quo 0"
    assert out["red_line"]["line"] == [80.0, 100.0]
    beagle = score.CaseModel(load_scenario(CASES / "beagle_1984" / "scenario.yaml"))
    check = {
        "kind": "red_line_crossed",
        "proposal": "treaty_1984",
        "actor": "AR",
        "issue": "islands",
        "crossed": True,
    }
    out = tool.explain(beagle, check)
    assert out["status"] == "pass"
    assert out["red_line"]["proposal_on_issue"] == "settled at 100"
    # the junta stated the line (1978); Alfonsín took office on 1983-12-10 (leader_since)
    assert out["red_line"]["kappa"] == pytest.approx(0.1)


def test_a_new_leader_halves_only_the_lines_stated_before_him() -> None:
    from detente.bargaining.problem import build_problem
    from detente.bargaining.redlines import DEFAULT_CROSSING_COST, LEADER_RELIEF
    from detente.scenario import load_scenario

    p = build_problem(load_scenario(CASES / "beagle_1984" / "scenario.yaml"))
    i = p.index("AR")
    kappa = dict(zip(p.issues, p.crossing[i], strict=True))
    assert kappa["islands"] == pytest.approx(DEFAULT_CROSSING_COST * (1 - LEADER_RELIEF))
    assert kappa["maritime"] == pytest.approx(DEFAULT_CROSSING_COST)  # stated on 1983-12-10
    assert kappa["navigation"] == 0.0  # no stated line
