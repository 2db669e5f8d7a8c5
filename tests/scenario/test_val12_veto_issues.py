"""`Actor.veto_issues`, the issue-specific veto (docs/reference/scenario-format.md, "Vetoes over
some issues only"): the format, its located errors and the one rule that answers "whose
consent does an agreement on these issues need"."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.scenario import ScenarioError, parse_scenario
from detente.scenario.jsonschema import scenario_json_schema

BORDER = Path(__file__).resolve().parents[1] / "bargaining" / "fixtures" / "border.yaml"
GUARANTOR = "  - {id: G, name: Guarantor, kind: guarantor, assumption: illustrative}"


def _with_guarantor(fields: str) -> str:
    text = BORDER.read_text(encoding="utf-8")
    assert GUARANTOR in text
    return text.replace(
        GUARANTOR,
        f"  - {{id: G, name: Guarantor, kind: guarantor, {fields}, assumption: illustrative}}",
    )


def _problems(text: str) -> dict[str, tuple[str, int | None]]:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, name="border.yaml")
    return {p.path: (p.message, p.line) for p in info.value.problems}


def test_veto_issues_parse_and_what_the_veto_covers() -> None:
    s = parse_scenario(_with_guarantor("veto: true, veto_issues: [alignment]"), name="b.yaml")
    g = s.actor("G")
    assert g.veto_issues == ("alignment",)
    assert g.veto_covers("alignment") and not g.veto_covers("province")
    east = s.actor("E")
    assert east.veto_issues is None and east.veto_covers("province") and east.veto_covers("army")
    assert [a.id for a in s.veto_actors] == ["E", "W", "G"]
    # who must consent to an agreement: tests/bargaining/test_fix12b_veto_rule.py


def test_without_a_veto_nothing_is_covered() -> None:
    s = parse_scenario(BORDER.read_text(encoding="utf-8"), name="b.yaml")
    assert not any(s.actor("G").veto_covers(i.id) for i in s.issues)
    assert all(s.actor("E").veto_covers(i.id) for i in s.issues)


def test_veto_issues_without_veto_is_a_located_error() -> None:
    probs = _problems(_with_guarantor("veto_issues: [alignment]"))
    message, line = probs["actors[2]"]
    assert message.startswith("veto_issues needs veto: true")
    assert line == 15


def test_unknown_issue_empty_list_and_duplicates_are_located_errors() -> None:
    probs = _problems(_with_guarantor("veto: true, veto_issues: [nowhere]"))
    assert probs["actors[2].veto_issues[0]"][0].startswith("unknown issue id 'nowhere'")
    probs = _problems(_with_guarantor("veto: true, veto_issues: []"))
    assert "at least 1 item" in probs["actors[2].veto_issues"][0]
    probs = _problems(_with_guarantor("veto: true, veto_issues: [army, army]"))
    assert probs["actors[2]"][0].startswith("veto_issues lists 'army' twice")


def test_the_json_schema_documents_the_field() -> None:
    actor = scenario_json_schema()["$defs"]["Actor"]["properties"]
    assert "veto_issues" in actor
    assert "Tsebelis" in actor["veto_issues"]["description"]
