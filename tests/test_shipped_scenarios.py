"""Every shipped scenario validates strictly and produces a complete report; the demo runs."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from detente.manifest import content_hash
from detente.report.build import build_report
from detente.scenario import load_scenario

REPO = Path(__file__).resolve().parents[1]
SHIPPED = sorted((REPO / "scenarios").glob("*.yaml"))


def test_there_are_shipped_scenarios() -> None:
    names = {p.name for p in SHIPPED}
    assert "teaching.yaml" in names
    assert {
        f"ukraine-{d}.yaml"
        for d in ("2022-03", "2022-11", "2023-12", "2025-05", "2025-11", "2026-06")
    } <= names


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_scenario_validates_and_reports(path: Path) -> None:
    scenario = load_scenario(path, strict=True)
    report = build_report(
        scenario, scenario_hash=content_hash(path.read_bytes()), runs=200, quick=True
    )
    anchors = {s.anchor for s in report.sections}
    assert "overview" in anchors
    assert len(report.sections) >= 4, anchors
    assert not report.skipped, report.skipped
    html = report.html
    assert "<svg" in html
    assert "<script" not in html.lower()
    assert report.manifest["scenario_sha256"] == content_hash(path.read_bytes())


def test_demo_writes_the_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from detente.cli.app import app

    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["demo", "--runs", "300"])
    assert result.exit_code == 0, result.output
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith("Report: ")
    path = Path(last.removeprefix("Report: "))
    assert path == (tmp_path / "detente-demo" / "report.html").resolve()
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert "Zone of agreement" in result.stdout
