"""v15: ``agreements_in_force`` in the scenario format: a valid statement loads; every mistake
(unknown bundle, the settlement, ``since`` after ``as_of``, terms off the bundle or out of
range, no terms, an unknown proposal) is reported with its file location."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from detente.scenario import ScenarioError, parse_scenario
from detente.scenario.in_force import in_force_terms

FIXTURE = Path(__file__).parent / "fixtures" / "valid.yaml"
TEXT = FIXTURE.read_text(encoding="utf-8")
BUNDLE = """bundles:
  - {id: trade_deal, name: Trade reopened, issues: [trade], sources: [S1]}
"""
GOOD = "  - {bundle: trade_deal, since: 2024-03-01, terms: {trade: 60}, sources: [S1]}\n"


def _text(entry: str = GOOD) -> str:
    return TEXT.replace("war:\n", BUNDLE + "agreements_in_force:\n" + entry + "war:\n", 1)


def _problems(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, name="case.yaml")
    return [str(p) for p in info.value.problems]


def test_a_valid_statement_loads() -> None:
    s = parse_scenario(_text(), name="case.yaml", strict=True)
    (a,) = s.agreements_in_force
    assert (a.bundle, a.since) == ("trade_deal", dt.date(2024, 3, 1))
    assert in_force_terms(s, a) == {"trade": 60.0}


def test_terms_may_come_from_a_proposal() -> None:
    s = parse_scenario(
        _text("  - {bundle: trade_deal, since: 2024-05-02, proposal: P1, sources: [S1]}\n")
    )
    assert in_force_terms(s, s.agreements_in_force[0]) == {"trade": 70.0}


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (
            "  - {bundle: trade_dael, since: 2024-03-01, terms: {trade: 60}}\n",
            "agreements_in_force[0].bundle: unknown bundle id 'trade_dael'",
        ),
        (
            "  - {bundle: settlement, since: 2024-03-01, terms: {trade: 60}}\n",
            "agreements_in_force[0].bundle: the full settlement cannot be in force",
        ),
        (
            "  - {bundle: trade_deal, since: 2024-07-01, terms: {trade: 60}}\n",
            "agreements_in_force[0].since: since 2024-07-01 is after meta.as_of 2024-06-01",
        ),
        (
            "  - {bundle: trade_deal, since: 2024-03-01, terms: {trade: 60, valley: 50}}\n",
            "agreements_in_force[0].terms.valley: issue 'valley' is not one of bundle",
        ),
        (
            "  - {bundle: trade_deal, since: 2024-03-01, terms: {trade: 160}}\n",
            "agreements_in_force[0].terms.trade:",
        ),
        (
            "  - {bundle: trade_deal, since: 2024-03-01, terms: {}}\n",
            "agreements_in_force[0].terms: no term on 'trade'",
        ),
        (
            "  - {bundle: trade_deal, since: 2024-03-01}\n",
            "give either `terms` or `proposal`",
        ),
        (
            "  - {bundle: trade_deal, since: 2024-03-01, proposal: P9}\n",
            "agreements_in_force[0].proposal: unknown proposal id 'P9'",
        ),
        (
            GOOD + GOOD.replace("2024-03-01", "2024-04-01"),
            "agreements_in_force[1].bundle: bundle 'trade_deal' is stated in force twice",
        ),
    ],
)
def test_mistakes_are_located(entry: str, expected: str) -> None:
    found = _problems(_text(entry))
    assert any(expected in p for p in found), found
    assert all(p.startswith("case.yaml:") for p in found)
    assert all(p.split(":")[1].isdigit() and int(p.split(":")[1]) > 0 for p in found), found
