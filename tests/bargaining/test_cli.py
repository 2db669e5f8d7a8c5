"""The bargaining commands through the Typer app, and the report section."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from detente.cli.app import app
from detente.report.base import ReportContext
from detente.report.sections import bargaining as section
from detente.scenario import load_scenario

FIXTURE = Path(__file__).parent / "fixtures" / "border.yaml"
runner = CliRunner()


def _json(*args: str) -> dict:  # type: ignore[type-arg]
    res = runner.invoke(app, [*args, str(FIXTURE), "--format", "json"])
    assert res.exit_code == 0, res.output
    doc: dict = json.loads(res.stdout)  # type: ignore[type-arg]
    return doc


def test_analyze_json_contract() -> None:
    doc = _json("analyze")
    assert isinstance(doc["zone"]["exists"], bool)
    assert set(doc["zone"]["issues"]) == {"province", "alignment", "army"}
    assert doc["zone_without_distrust"]["exists"] is True
    for lo_hi in doc["zone_without_distrust"]["issues"].values():
        assert len(lo_hi) == 2 and lo_hi[0] <= lo_hi[1]
    assert set(doc["reservation"]) == {"E", "W"}
    assert "compromise" in doc["solutions"]
    assert set(doc["solutions"]["compromise"]) == {"province", "alignment", "army"}
    if not doc["zone"]["exists"]:
        assert max(doc["zone"]["shortfall"].values()) > 0
    assert doc["manifest"]["command"] == "analyze"


def test_analyze_table_and_csv() -> None:
    res = runner.invoke(app, ["analyze", str(FIXTURE)])
    assert res.exit_code == 0, res.output
    assert "Zone of agreement per issue" in res.stdout
    assert "ceasefire_first" in res.stdout
    res = runner.invoke(app, ["analyze", str(FIXTURE), "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert [r["issue"] for r in rows] == ["province", "alignment", "army"]
    assert float(rows[0]["no_distrust_low"]) == pytest.approx(30.0)


def test_proposals_json() -> None:
    doc = _json("proposals")
    ids = [p["id"] for p in doc["proposals"]]
    assert ids == ["freeze", "maximal", "guaranteed"]
    maximal = doc["proposals"][1]
    west = next(r for r in maximal["actors"] if r["actor"] == "W")
    assert west["accept"] is False
    assert west["red_lines_broken"] == ["province", "army"]


def test_what_it_takes_json() -> None:
    doc = _json("what-it-takes")
    assert doc["method"] == "exact"
    assert doc["zone_exists_without_mechanisms"] is False
    assert doc["options"], "the fixture's mechanisms can reopen the zone"
    for option in doc["options"]:
        assert option["zone"]["exists"] is True
        assert option["nash"] is not None


def test_what_it_takes_red_line_relaxation(tmp_path: Path) -> None:
    # East now insists on ≥ 70 for the province, West on ≤ 60: a red-line conflict.
    text = FIXTURE.read_text(encoding="utf-8").replace(
        "acceptable: [30, 100]", "acceptable: [70, 100]"
    )
    path = tmp_path / "conflict.yaml"
    path.write_text(text, encoding="utf-8")
    res = runner.invoke(app, ["what-it-takes", str(path), "--format", "json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["closed_by_red_lines"] and doc["options"] == []
    assert doc["manifest"]["parameters"]["mechanisms"] == []
    # Mechanisms never move red lines; with them in force the concessions are computed against
    # the thresholds they give.
    res = runner.invoke(
        app, ["what-it-takes", str(path), "--format", "json", "--mechanisms", "monitors,guarantee"]
    )
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    relax = doc["red_line_relaxation"]
    assert relax is not None and relax["mechanisms"] == ["monitors", "guarantee"]
    assert relax["zone"]["exists"] is True
    moved = {(mv["actor"], mv["issue"]) for mv in relax["moves"]}
    assert moved & {("E", "province"), ("W", "province")}
    assert relax["points"] >= 10.0 - 1e-6  # the 70-vs-60 gap at least
    assert set(doc["one_sided"]) == {"W", "E"}
    for side in doc["one_sided"].values():
        assert side is None or side["zone"]["exists"] is True
    res = runner.invoke(app, ["what-it-takes", str(path), "--mechanisms", "monitors,guarantee"])
    assert res.exit_code == 0, res.output
    assert "Red lines must move" in res.stdout and "If only W conceded" in res.stdout
    res = runner.invoke(app, ["what-it-takes", str(path), "--mechanisms", "nope"])
    # a value the scenario cannot take is a usage error (exit 2), like a late --as-of (q21)
    assert res.exit_code == 2 and "unknown mechanism" in res.output


def test_errors_are_clean() -> None:
    res = runner.invoke(app, ["analyze", "no-such-file.yaml"])
    assert res.exit_code == 1
    assert "Traceback" not in res.output
    res = runner.invoke(app, ["analyze", str(FIXTURE), "--as-of", "2025-13-01"])
    assert res.exit_code == 2  # an impossible date: a usage error naming the option (q17)
    assert "--as-of" in res.output
    res = runner.invoke(app, ["what-it-takes", str(FIXTURE), "--top", "0"])
    assert res.exit_code == 2  # a count option out of range: a usage error (q16)
    assert "--top" in res.output


def test_no_veto_actor_is_an_input_error(tmp_path: Path) -> None:
    text = FIXTURE.read_text(encoding="utf-8").replace("veto: true", "veto: false")
    path = tmp_path / "noveto.yaml"
    path.write_text(text, encoding="utf-8")
    res = runner.invoke(app, ["analyze", str(path)])
    assert res.exit_code == 1
    assert "veto" in res.output


def test_report_section_and_cache() -> None:
    ctx = ReportContext(scenario=load_scenario(FIXTURE), scenario_hash="x", quick=True)
    sec = section.build(ctx)
    assert sec is not None
    assert sec.anchor == "bargaining"
    assert sec.body.count("<svg") == 3  # zone ranges, two-issue slice, scorecard heatmap
    assert "What would it take" in sec.body
    zone = ctx.cache["zone"]
    assert set(zone) == {"province", "alignment", "army"}
    assert all(lo <= hi for lo, hi in zone.values())


def test_report_section_skipped_without_positions() -> None:
    scenario = load_scenario(FIXTURE).model_copy(update={"positions": ()})
    assert section.build(ReportContext(scenario=scenario, scenario_hash="x")) is None


def test_what_it_takes_csv_has_header_and_red_line_moves() -> None:
    closed = Path(__file__).resolve().parents[2] / "scenarios" / "ukraine-2026-06.yaml"
    res = runner.invoke(app, ["what-it-takes", str(closed), "--format", "csv"])
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert rows, "CSV must not be empty when only red-line moves exist"
    assert {r["kind"] for r in rows} == {"red_line_move"}
    assert all(float(r["points"]) > 0 for r in rows)
    open_zone = runner.invoke(app, ["what-it-takes", str(FIXTURE), "--format", "csv"])
    header = open_zone.stdout.splitlines()[0]
    assert header.startswith("kind,rank,mechanisms,total_cost")
