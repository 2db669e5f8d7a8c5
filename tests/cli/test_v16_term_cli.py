"""v16: ``detente simulate`` shows a fixed term: the energy moratorium's (ukraine-2025-05, 30
days) ``term`` record and its CSV rows, and the grain corridor's term end (ukraine-2022-11)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from typer.testing import CliRunner

from detente.cli.app import app

REPO = Path(__file__).resolve().parents[2]
MAY = str(REPO / "scenarios" / "ukraine-2025-05.yaml")
NOV = str(REPO / "scenarios" / "ukraine-2022-11.yaml")
runner = CliRunner()


def _run(*args: str) -> str:
    r = runner.invoke(app, list(args), catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return r.output


def _csv(scenario: str) -> dict[str, str]:
    text = _run("simulate", scenario, "--runs", "100", "--periods", "60", "-f", "csv")
    return {row["metric"]: row["value"] or row["note"] for row in csv.DictReader(io.StringIO(text))}


def test_the_moratorium_term_in_json_and_csv() -> None:
    doc = json.loads(_run("simulate", MAY, "--runs", "100", "--periods", "60", "-f", "json"))
    rec = next(a for a in doc["agreements"] if a["bundle"] == "energy")
    assert rec["term"]["days"] == 30 and rec["term"]["periods"] == 4
    assert rec["term"]["p_lapsed_1y"] == 0.0  # renewed in every run (v16_expectations.md)
    assert not any("term" in a for a in doc["agreements"] if a["bundle"] != "energy")
    rows = _csv(MAY)
    assert rows["agreements.energy.term"].startswith("term 30 days (4 weeks), renewed by consent")
    assert float(rows["agreements.energy.term.p_lapsed_1y"]) == 0.0
    assert "agreements.black_sea.term" not in rows


def test_the_corridor_in_force_gives_its_term_end() -> None:
    rows = _csv(NOV)
    assert rows["agreements.black_sea.in_force_at_start.term_ends"] == "2022-11-19"
    assert float(rows["agreements.black_sea.in_force_at_start.p_lapsed_1y"]) == 0.0
    assert "its term ends 2022-11-19" in rows["agreements.black_sea.in_force_at_start"]
