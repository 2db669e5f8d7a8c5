"""rev20 finding 6: ``war.started_sources`` without ``war.started`` is located at the field
(its line in the file, path ``war.started_sources``), not at the ``war:`` block."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from detente.scenario import ScenarioError, parse_scenario
from detente.scenario.schema import War

ROOT = Path(__file__).resolve().parents[2]
CASE = ROOT / "validation" / "cases" / "minsk_i_2014" / "scenario.yaml"


def _line_of(text: str, start: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if line.startswith(start))


def test_a_source_for_an_unset_start_is_located_at_the_field() -> None:
    text = CASE.read_text(encoding="utf-8")
    assert _line_of(text, "  started: ") + 1 == _line_of(text, "  started_sources: ")
    without = text.replace("\n  started: 2014-04-12\n", "\n", 1)
    with pytest.raises(ScenarioError) as info:
        parse_scenario(without, name="case.yaml", strict=True)
    (problem,) = info.value.problems
    assert problem.path == "war.started_sources"
    assert (problem.line, problem.column) == (_line_of(without, "  started_sources: "), 3)
    assert problem.message.startswith(
        "started_sources cite the source of `started`, which is not set"
    )


def test_a_malformed_start_is_reported_once_at_its_own_field() -> None:
    text = CASE.read_text(encoding="utf-8")
    bad = text.replace("\n  started: 2014-04-12\n", "\n  started: 2014-13-12\n", 1)
    with pytest.raises(ScenarioError) as info:
        parse_scenario(bad, name="case.yaml", strict=True)
    assert [p.path for p in info.value.problems] == ["war.started"]


def test_in_python_too() -> None:
    with pytest.raises(ValidationError, match="which is not set") as info:
        War(belligerents=("A", "B"), started_sources=("S",))
    assert [e["loc"] for e in info.value.errors()] == [("started_sources",)]
    war = War(belligerents=("A", "B"), started="2014-04-12", started_sources=("S",))
    assert war.started_sources == ("S",)
