"""Scenario -> IssueData on a real scenario file with dated positions and known outcomes."""

from __future__ import annotations

from pathlib import Path

from detente.forecast.scenario_adapter import scenario_issues

FIXTURE = Path(__file__).parent / "fixtures" / "backtest_scenario.yaml"


def test_latest_position_capability_status_quo_and_outcome() -> None:
    ceasefire, prisoners = scenario_issues(FIXTURE)
    assert ceasefire.issue_id == "ceasefire"
    assert ceasefire.actors == ("GOV", "MED", "REB")
    assert ceasefire.positions.tolist() == [30.0, 50.0, 80.0]  # GOV's June position, not January's
    assert ceasefire.saliences.tolist() == [0.7, 0.3, 0.9]
    assert ceasefire.capabilities.tolist() == [3.0, 0.5, 1.0]
    assert (ceasefire.status_quo, ceasefire.outcome) == (0.0, 40.0)
    assert (prisoners.status_quo, prisoners.outcome) == (10.0, 55.0)
