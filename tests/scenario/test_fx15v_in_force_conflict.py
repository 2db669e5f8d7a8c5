"""fx15v: two agreements in force may not fix one issue at different values (the line at
the start would depend on their order): a located error naming both entries."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.scenario import ScenarioError, parse_scenario

FIXTURE = Path(__file__).parent / "fixtures" / "valid.yaml"
BUNDLES = """bundles:
  - {id: trade_deal, name: Trade reopened, issues: [trade], sources: [S1]}
  - {id: two, name: Two, issues: [trade, valley], sources: [S1]}
"""


def _text(entries: str) -> str:
    text = FIXTURE.read_text()
    return text.replace("war:\n", BUNDLES + "agreements_in_force:\n" + entries + "war:\n", 1)


def test_one_issue_fixed_at_two_values_is_refused_with_its_place() -> None:
    entries = (
        "  - {bundle: trade_deal, since: 2024-03-01, terms: {trade: 60}}\n"
        "  - {bundle: two, since: 2024-03-01, terms: {trade: 10, valley: 50}}\n"
    )
    with pytest.raises(ScenarioError) as info:
        parse_scenario(_text(entries), name="case.yaml")
    (problem,) = [str(p) for p in info.value.problems]
    assert problem.startswith("case.yaml:")
    assert "agreements_in_force[1].terms.trade" in problem
    assert "agreements_in_force[0]" in problem and "'trade_deal'" in problem
    assert "10" in problem and "60" in problem


def test_one_issue_fixed_at_the_same_value_twice_is_accepted() -> None:
    entries = (
        "  - {bundle: trade_deal, since: 2024-03-01, terms: {trade: 60}}\n"
        "  - {bundle: two, since: 2024-03-01, terms: {trade: 60, valley: 50}}\n"
    )
    s = parse_scenario(_text(entries), name="case.yaml")
    assert len(s.agreements_in_force) == 2
