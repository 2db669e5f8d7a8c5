"""The start date's own source (`War.started_sources`, helper v20b,
validation/v20b_expectations.md): a war block's `sources` support its numbers; the date the
fighting began cites the source it is read from. Optional (older scenarios load unchanged),
checked like every `sources` list."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from detente.bargaining.problem import build_problem
from detente.scenario import ScenarioError, parse_scenario
from detente.scenario.schema import Scenario

ROOT = Path(__file__).resolve().parents[2]
CASE = ROOT / "validation" / "cases" / "minsk_i_2014" / "scenario.yaml"


def _data() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(CASE.read_text(encoding="utf-8"))
    return data


def _parse(data: dict[str, Any]) -> Scenario:
    return parse_scenario(json.dumps(data, default=str), name="case.json", strict=True)


def test_the_start_date_cites_its_own_source() -> None:
    s = _parse(_data())
    assert s.war is not None
    assert s.war.started_sources == ("S_sloviansk",)
    assert "S_sloviansk" not in s.war.sources  # the block's sources are its other numbers'


def test_backward_compatible_and_numbers_unchanged() -> None:
    data = _data()
    with_source = build_problem(_parse(data))
    data["war"].pop("started_sources")
    without = _parse(data)
    assert without.war is not None and without.war.started_sources == ()
    assert (build_problem(without).cumulative_cost == with_source.cumulative_cost).all()


def test_an_unknown_source_id_is_a_located_error() -> None:
    data = _data()
    data["war"]["started_sources"] = ["S_nowhere"]
    with pytest.raises(ScenarioError) as info:
        _parse(data)
    problems = [str(p) for p in info.value.problems]
    assert any("war.started_sources[0]" in p and "S_nowhere" in p for p in problems), problems


def test_a_source_for_a_date_that_is_not_set_is_an_error() -> None:
    data = _data()
    data["war"].pop("started")
    with pytest.raises(ScenarioError) as info:
        _parse(data)
    assert any("started_sources" in str(p) for p in info.value.problems)
