"""The report's forecast section, built from a scenario file."""

from __future__ import annotations

from pathlib import Path

from detente.report.base import ReportContext
from detente.report.sections import forecast
from detente.scenario import load_scenario

FIXTURE = Path(__file__).parent / "fixtures" / "backtest_scenario.yaml"


def test_section_has_chart_table_and_zone() -> None:
    ctx = ReportContext(
        scenario=load_scenario(FIXTURE),
        scenario_hash="x",
        quick=True,
        cache={"zone": {"ceasefire": (30.0, 60.0)}},
    )
    section = forecast.build(ctx)
    assert section is not None
    assert section.anchor == "forecast"
    assert "<svg" in section.body
    assert "Ceasefire scope" in section.body  # the issue by its name, not its id
    assert "zone of agreement" in section.body
    assert "200 runs" in section.summary


def test_section_omitted_without_positions() -> None:
    scenario = load_scenario(FIXTURE).model_copy(update={"positions": ()})
    assert forecast.build(ReportContext(scenario=scenario, scenario_hash="x", quick=True)) is None


def test_war_scenario_section_uses_the_front_model() -> None:
    path = Path(__file__).parents[2] / "scenarios" / "ukraine-2026-06.yaml"
    ctx = ReportContext(scenario=load_scenario(path), scenario_hash="x", quick=True)
    section = forecast.build(ctx)
    assert section is not None
    assert "front-model forecast" in section.body
    assert "the line of contact (79)" in section.body
