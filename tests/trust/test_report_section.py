"""The report's trust section."""

from __future__ import annotations

from detente.report.base import ReportContext
from detente.report.sections import SECTION_MODULES
from detente.report.sections.trust import build
from detente.scenario import Scenario

from .conftest import make_scenario


def test_section_has_matrix_chart_reasons_and_caches_compliance(kyiv: Scenario) -> None:
    ctx = ReportContext(scenario=kyiv, scenario_hash="test")
    section = build(ctx)
    assert section is not None and section.anchor == "trust"
    assert "<svg" in section.body and "Top reasons" in section.body
    assert "kyiv_claim" in section.body and "distrusted" in section.body
    comp = ctx.cache["compliance"]
    assert 0 < comp[("UA", "RU")] < comp[("UA", "US")]
    assert "detente.report.sections.trust" in SECTION_MODULES


def test_section_is_omitted_without_trust_or_ledger() -> None:
    assert build(ReportContext(scenario=make_scenario(), scenario_hash="x")) is None
