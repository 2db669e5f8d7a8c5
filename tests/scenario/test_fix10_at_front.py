"""A red line held at the line of contact (``Position.at_front``) can only move on an issue the
front line moves: elsewhere it is a located error, not a silently frozen line."""

from __future__ import annotations

import json
from typing import Any

import pytest

from detente.scenario import ScenarioError, parse_scenario
from detente.simulate.durability import calibration_scenario


def _doc() -> dict[str, Any]:
    """The calibration war (land contested, bloc not), B's line on ``issue`` at the front."""
    doc: dict[str, Any] = calibration_scenario(peacekeepers=False).model_dump(
        mode="json", exclude_none=True
    )
    return doc


def _with_front_line(doc: dict[str, Any], issue: str) -> str:
    for p in doc["positions"]:
        if p["actor"] == "B" and p["issue"] == issue:
            p["acceptable"] = [0, 60]
            p["at_front"] = True
    return json.dumps(doc)


def _problems(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, name="case.yaml")
    return [str(p) for p in info.value.problems]


def test_at_front_on_an_issue_the_front_moves_loads() -> None:
    scen = parse_scenario(_with_front_line(_doc(), "land"))
    assert any(p.at_front for p in scen.positions)


def test_at_front_on_a_non_contested_issue_is_a_located_error() -> None:
    got = _problems(_with_front_line(_doc(), "bloc"))
    assert len(got) == 1
    assert got[0].startswith("case.yaml:") and " positions[3].at_front: " in got[0]
    assert "'bloc'" in got[0] and "is not contested" in got[0]


def test_at_front_on_an_issue_whose_front_does_not_move_is_a_located_error() -> None:
    doc = _doc()
    doc["issues"][0]["front"] = {"moves": False}
    got = _problems(_with_front_line(doc, "land"))
    assert len(got) == 1
    assert got[0].startswith("case.yaml:") and " positions[2].at_front: " in got[0]
    assert "`front.moves: false`" in got[0]
