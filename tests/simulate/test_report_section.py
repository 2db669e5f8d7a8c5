"""The simulation report section renders for a scenario with a war and skips one without."""

from __future__ import annotations

from detente.report.base import ReportContext
from detente.report.sections.simulate import build

from .helpers import fixture_scenario, make_scenario


def test_section_renders_charts_and_anatomy() -> None:
    ctx = ReportContext(scenario=fixture_scenario(), scenario_hash="x", runs=200, quick=True)
    sec = build(ctx)
    assert sec is not None
    assert sec.body.count("<svg") >= 4
    assert "Anatomy of one run" in sec.body
    assert "P(Full settlement" in sec.summary
    assert "simulation" in ctx.cache


def test_section_skipped_without_war() -> None:
    sc = make_scenario()
    ctx = ReportContext(scenario=sc.model_copy(update={"war": None}), scenario_hash="x")
    assert build(ctx) is None
