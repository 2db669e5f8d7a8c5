"""The war's outcome read from the front line (dur10).

When ``war.decisiveness`` is unset, ``war_decisiveness`` reads it from where the contested
issues' status quo stands between the two sides' victory terms: halfway is a stalemate (0),
holding what one side would impose if it won is a decisive outcome (1). The scenario is read
once per (scenario, date) for every bundle's agreement (``deal_durability``)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from detente.bargaining.bundles import scenario_bundles
from detente.bargaining.problem import build_problem
from detente.scenario import load_scenario, parse_scenario
from detente.simulate.durability import COVARIATE_EFFECTS, calibration_scenario
from detente.simulate.durability_covariates import (
    deal_durability,
    front_decisiveness,
    scenario_covariates,
    war_decisiveness,
)

ROOT = Path(__file__).parents[2]
CASES = ROOT / "validation" / "cases"


def _calibration_doc() -> dict[str, Any]:
    doc: dict[str, Any] = calibration_scenario(peacekeepers=False).model_dump(
        mode="json", exclude_none=True
    )
    doc["war"].pop("decisiveness", None)
    return doc


def _with_line(status_quo: float, **war: Any) -> Any:
    """The calibration war (victory terms: the sides' ideals 100 and 0 on the contested
    ``land``) with the front at ``status_quo``."""
    doc = _calibration_doc()
    doc["issues"][0]["status_quo"] = status_quo
    doc["war"].update(war)
    return parse_scenario(json.dumps(doc))


@pytest.mark.parametrize(
    ("status_quo", "expected"), [(50, 0.0), (60, 0.2), (25, 0.5), (100, 1.0), (0, 1.0)]
)
def test_front_decisiveness_is_the_lines_distance_from_halfway(
    status_quo: float, expected: float
) -> None:
    """r = (sq − v_A)/(v_B − v_A) with v_A = 100, v_B = 0; d = |2r − 1|."""
    scen = _with_line(status_quo)
    assert war_decisiveness(scen) == pytest.approx(expected, abs=1e-12)


def test_a_line_beyond_the_victory_terms_is_decisive_not_more() -> None:
    """Victory terms 80 / 20 with the line at 95: beyond A's terms, read 1 (clipped)."""
    scen = _with_line(95, victory_terms={"A": {"land": 80}, "B": {"land": 20}})
    assert war_decisiveness(scen) == 1.0


def test_a_stated_decisiveness_wins_even_when_zero() -> None:
    scen = _with_line(100, decisiveness=0.0)
    assert war_decisiveness(scen) == 0.0
    assert war_decisiveness(_with_line(50, decisiveness=0.7)) == pytest.approx(0.7)


def test_no_front_line_reads_a_stalemate() -> None:
    """Without a contested issue (a guerrilla or political war) the reading is 0 (the
    covariate's reference), as before the reading existed."""
    doc = _calibration_doc()
    doc["issues"][0]["contested"] = False
    doc["issues"][0]["status_quo"] = 100
    assert war_decisiveness(parse_scenario(json.dumps(doc))) == 0.0


def test_weights_are_the_belligerents_saliences() -> None:
    """Two contested issues: land (d = 1, weights 1.0 and 1.0) and bloc (d = 0, weights 0.3
    and 0.8): normalised, A 1/1.3 and 0.3/1.3, B 1/1.8 and 0.8/1.8; the mean weights give
    d = mean(1/1.3, 1/1.8) / 1 (the weights sum to 1)."""
    doc = _calibration_doc()
    doc["issues"][0]["status_quo"] = 100
    doc["issues"][1]["contested"] = True
    scen = parse_scenario(json.dumps(doc))
    expected = (1.0 / 1.3 + 1.0 / 1.8) / 2.0
    assert front_decisiveness(scen, build_problem(scen)) == pytest.approx(expected, abs=1e-12)


def test_the_calibration_war_stays_at_the_reference() -> None:
    """The Fortna calibration war's line stands halfway: its covariates are unchanged."""
    for pk in (False, True):
        scen = calibration_scenario(peacekeepers=pk)
        assert scenario_covariates(scen).decisiveness == 0.0


def test_development_cases_read_from_their_front() -> None:
    """Bishkek (Armenian forces hold 90 of the seven districts' 100; the case's notes: a
    decisive military outcome) reads 0.8 and halves nearly its hazard (HR 0.57); Minsk I's
    line (30 between 0 and 70) reads 1/7; Aceh has no front: 0."""
    beta = COVARIATE_EFFECTS["decisiveness"].beta
    got = {
        c: scenario_covariates(load_scenario(CASES / c / "scenario.yaml")).decisiveness
        for c in ("bishkek_1994", "minsk_i_2014", "aceh_2005", "georgia_2008")
    }
    assert got["bishkek_1994"] == pytest.approx(0.8, abs=1e-12)
    assert got["minsk_i_2014"] == pytest.approx(1.0 / 7.0, abs=1e-12)
    assert got["aceh_2005"] == 0.0
    assert got["georgia_2008"] == 1.0
    assert float(np.exp(beta * got["bishkek_1994"])) == pytest.approx(0.571, abs=1e-3)


def test_every_bundle_reads_the_same_as_a_fresh_scenario() -> None:
    """The reading kept per scenario gives each bundle's agreement exactly the covariates a
    freshly loaded copy gives, and two scenario objects never share a reading."""
    path = ROOT / "scenarios" / "ukraine-2022-03.yaml"
    scen = load_scenario(path)
    mech = tuple(scen.simulation.mechanisms) if scen.simulation else ()
    ids = [a.id for a in scenario_bundles(build_problem(scen), scen)]
    assert len(ids) > 2
    kept = [deal_durability(scen, mech, bundle=b) for b in ids]
    for b, d in zip(ids, kept, strict=True):
        fresh = deal_durability(load_scenario(path), mech, bundle=b)
        assert np.array_equal(d.rest_vector, fresh.rest_vector)
        assert d.base == fresh.base
    other = _with_line(100)
    assert war_decisiveness(other) == 1.0
    assert war_decisiveness(_with_line(50)) == 0.0


@pytest.mark.parametrize("exclude_none", [True, False])
def test_a_dumped_and_reparsed_scenario_reads_the_same(exclude_none: bool) -> None:
    """An unset ``decisiveness`` stays unset through ``model_dump`` and back (the validation
    scorer and the CLI's tests dump and reparse scenarios): still read from the front."""
    scen = load_scenario(CASES / "bishkek_1994" / "scenario.yaml")
    doc = scen.model_dump(mode="json", exclude_none=exclude_none)
    again = parse_scenario(json.dumps(doc))
    assert war_decisiveness(again) == war_decisiveness(scen) == pytest.approx(0.8)


def test_only_issues_the_front_moves_are_read() -> None:
    """A contested issue with ``front.moves: false`` (the war decides it but the line of
    contact does not measure it: recognition, legal status) is left out, as in the
    simulation's fronts (``scenario.dynamics.front_moves``): land at 100 (d = 1) alone."""
    doc = _calibration_doc()
    doc["issues"][0]["status_quo"] = 100
    doc["issues"][1]["contested"] = True
    doc["issues"][1]["front"] = {"moves": False}
    scen = parse_scenario(json.dumps(doc))
    assert front_decisiveness(scen, build_problem(scen)) == pytest.approx(1.0, abs=1e-12)
    doc["issues"][0]["front"] = {"moves": False}
    scen = parse_scenario(json.dumps(doc))
    assert front_decisiveness(scen, build_problem(scen)) == 0.0  # no issue the front moves
    assert war_decisiveness(scen) == 0.0


def test_an_issue_without_both_sides_terms_is_not_read() -> None:
    """B states neither a position nor victory terms on the contested bloc (at 100): the
    problem defaults B's terms to the status quo, which would read as A holding all it wants
    (d = 1); the issue is left out, so only land at halfway (d = 0) is read. Stated victory
    terms bring it back."""
    doc = _calibration_doc()
    doc["issues"][1]["contested"] = True
    doc["issues"][1]["status_quo"] = 100
    doc["positions"] = [
        p for p in doc["positions"] if not (p["actor"] == "B" and p["issue"] == "bloc")
    ]
    scen = parse_scenario(json.dumps(doc))
    prob = build_problem(scen)
    assert prob.victory_terms[1][1] == 100.0  # defaulted to the status quo
    assert front_decisiveness(scen, prob) == 0.0
    doc["war"]["victory_terms"] = {"B": {"bloc": 0}}
    scen = parse_scenario(json.dumps(doc))
    got = front_decisiveness(scen, build_problem(scen))
    assert got > 0.0  # bloc (d = 1) is read again, weighted by A's salience only
    assert got == pytest.approx(war_decisiveness(scen), abs=1e-12)


def test_a_position_dated_after_the_reading_does_not_state_terms() -> None:
    """Terms count as stated only by a position current at the reading's date."""
    doc = _calibration_doc()
    doc["issues"][1]["contested"] = True
    doc["issues"][1]["status_quo"] = 100
    for p in doc["positions"]:
        if p["actor"] == "B" and p["issue"] == "bloc":
            p["date"] = "2025-06-01"
    scen = parse_scenario(json.dumps(doc))
    early = dt.date(2025, 1, 1)
    assert front_decisiveness(scen, build_problem(scen, as_of=early), as_of=early) == 0.0
    assert front_decisiveness(scen, build_problem(scen)) > 0.0
