"""`tracks` per bundle in `detente analyze --format json`, and the report's tracks section."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from typer.testing import CliRunner

from detente.bargaining.analysis import analysis_document, analyze
from detente.cli.app import app
from detente.scenario import parse_scenario

TEACHING = Path(__file__).resolve().parents[2] / "scenarios" / "teaching.yaml"
FIXTURE = Path(__file__).resolve().parents[1] / "scenario" / "fixtures" / "tracks.yaml"


def _base() -> dict[str, Any]:
    data: dict[str, Any] = YAML(typ="safe").load(FIXTURE.read_text(encoding="utf-8"))
    return data


def _doc(data: dict[str, Any]) -> dict[str, Any]:
    s = parse_scenario(json.dumps(data, default=str), name="t.json")
    return analysis_document(analyze(s, samples=200))


def test_bundles_name_the_tracks_that_can_settle_them() -> None:
    data = _base()
    data["mediators"] = []
    doc = _doc(data)
    rec = {b["id"]: b for b in doc["bundles"]}
    # the leaders' refusal closes the leaders' track: the settlement has no track left, the
    # strip only the generals' (the military track needs the leaders' endorsement)
    assert rec["settlement"]["tracks"] == []
    assert rec["settlement"]["closed_tracks"] == [
        {"track": "leaders", "reason": "refused", "refusals": ["r1"]}
    ]
    assert rec["strip"]["tracks"] == ["generals"]
    assert [t["id"] for t in doc["tracks"]] == ["leaders", "military", "generals"]
    assert doc["refusals"][0]["active"] is True
    # removing the refusal reopens the bundles only the leaders' track can settle
    data["refusals"] = []
    rec = {b["id"]: b for b in _doc(data)["bundles"]}
    assert rec["settlement"]["tracks"] == ["leaders"]
    assert rec["strip"]["tracks"] == ["leaders", "military", "generals"]


def test_cli_json_has_tracks_for_a_scenario_without_tracks() -> None:
    out = CliRunner().invoke(app, ["analyze", str(TEACHING), "--format", "json"])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.output)
    assert doc["bundles"] and all(b["tracks"] == ["talks"] for b in doc["bundles"])
    assert doc["refusals"] == [] and doc["tracks"][0]["id"] == "talks"


def test_report_shows_tracks_and_refusals() -> None:
    from detente.report.base import ReportContext
    from detente.report.sections import tracks

    s = parse_scenario(json.dumps(_base(), default=str), name="t.json")
    sec = tracks.build(ReportContext(scenario=s, scenario_hash="x", quick=True))
    assert sec is not None
    assert "Who refuses to meet whom" in sec.body and "legitimacy" in sec.body
    assert "mediator_withdrew" in sec.body or "refused" in sec.body
    plain = parse_scenario(TEACHING.read_text(encoding="utf-8"), name="teaching.yaml")
    assert tracks.build(ReportContext(scenario=plain, scenario_hash="x")) is None
