"""A summit that only signs (`Track.signature_only`, helper v19b, validation/v19b_expectations.md):
the delegations draft, the leaders sign (Zartman and Berman 1982; Putnam 1988; Dunn 1996).

Each test fails on the base (int18): the field does not exist there (a strict load refuses it),
the 2022-03 snapshot's presidents' track settles every bundle, and its runs sign the settlement
through that track (week 4: about 29 % of runs)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.repo_scripts import validation_script
from tests.scenario.test_tracks import load_tracks_fixture

from detente.scenario import ScenarioError, load_scenario, parse_scenario
from detente.scenario.schema import Scenario
from detente.scenario.tracks import bundle_tracks

ROOT = Path(__file__).resolve().parents[2]
MARCH_2022 = ROOT / "scenarios" / "ukraine-2022-03.yaml"


def _parse(data: dict[str, Any]) -> Scenario:
    return parse_scenario(json.dumps(data, default=str), name="case.json", strict=True)


def _open(data: dict[str, Any]) -> dict[str, Any]:
    """The tracks fixture with the leaders' track open: its refusal and its mediator's
    withdrawal dropped."""
    data["refusals"] = []
    data["mediators"][0].pop("withdrawal")
    return data


def _summit(data: dict[str, Any]) -> dict[str, Any]:
    """:func:`_open`, the leaders' track a summit that only signs (the military track needs
    its endorsement; the generals' track does not)."""
    _open(data)["tracks"][0]["signature_only"] = True
    return data


def test_a_summit_that_only_signs_carries_no_talks_but_still_endorses() -> None:
    before = bundle_tracks(_parse(_open(load_tracks_fixture())))
    assert before["settlement"][0] == ("leaders",)
    assert set(before["strip"][0]) == {"leaders", "military", "generals"}
    after = bundle_tracks(_parse(_summit(load_tracks_fixture())))
    # the summit is open but settles nothing by itself
    assert after["settlement"][0] == ()
    assert [(c.track, c.reason) for c in after["settlement"][1]] == [("leaders", "signature_only")]
    # the military track's agreements need the summit open: it is, so the military carries
    assert set(after["strip"][0]) == {"military", "generals"}
    assert {c.track: c.reason for c in after["strip"][1]} == {"leaders": "signature_only"}


def test_a_closed_summit_reports_why_it_is_closed_first() -> None:
    data = load_tracks_fixture()  # the leaders' refusal holds
    data["tracks"][0]["signature_only"] = True
    out = bundle_tracks(_parse(data))
    assert {c.track: c.reason for c in out["strip"][1]} == {
        "leaders": "refused",
        "military": "endorsement_closed",
    }


def test_a_summit_nobody_drafts_for_is_a_located_error() -> None:
    data = _summit(load_tracks_fixture())
    data["tracks"][1].pop("endorsement")
    with pytest.raises(ScenarioError) as info:
        _parse(data)
    problems = [str(p) for p in info.value.problems]
    assert any("tracks[0].signature_only" in p and "sign nothing" in p for p in problems), problems


def test_an_unofficial_channel_cannot_be_a_signing_summit() -> None:
    data = _summit(load_tracks_fixture())
    for p in data["tracks"][0]["participants"]:
        p["level"] = "unofficial"
    data["tracks"][0]["bundles"] = []
    with pytest.raises(ScenarioError) as info:
        _parse(data)
    problems = [str(p) for p in info.value.problems]
    assert any("an unofficial track signs nothing" in p for p in problems), problems


def test_march_2022_presidents_only_sign_and_no_run_settles() -> None:
    """The shipped March 2022 snapshot: the presidents' track only signs (sourced), it never
    meets in the model, and no run signs the settlement in the first 6 weeks (the base: the
    week-4 wave, through that track); the prisoner exchanges go through the channels that
    held them."""
    s = load_scenario(MARCH_2022)
    leaders = next(t for t in s.tracks if t.id == "leaders")
    assert leaders.signature_only and {"S_ist1", "S_ist2"} <= set(leaders.sources)
    out = validation_script("settlement_why").carriers(MARCH_2022, runs=48, seed=5, weeks=6)
    assert out["meets"]["leaders"] is False
    assert out["meets"]["istanbul_2022"] is True
    rec = {b["bundle"]: b for b in out["bundles"]}
    assert rec["settlement"]["p_agreement"] == 0.0
    assert rec["prisoner_exchange"]["p_agreement"] > 0.0
    assert "leaders" not in rec["prisoner_exchange"]["by_track"]
    text = validation_script("settlement_why").render_carriers(out)
    assert "| settlement | 0.0000 | – |" in text
