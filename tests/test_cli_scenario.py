"""The scenario commands through the Typer app and through the installed entry point."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from detente.cli.app import app

FIXTURE = Path(__file__).parent / "scenario" / "fixtures" / "valid.yaml"
runner = CliRunner()


def test_check_valid_and_invalid(tmp_path: Path) -> None:
    ok = runner.invoke(app, ["check", str(FIXTURE)])
    assert ok.exit_code == 0, ok.output
    assert "valid: Two-party test case" in ok.output
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        FIXTURE.read_text().replace("{actor: S, issue: trade", "{actor: X, issue: trade")
    )
    res = runner.invoke(app, ["check", str(FIXTURE), str(bad)])
    assert res.exit_code == 1
    assert "bad.yaml:" in res.output and "unknown actor id 'X'" in res.output
    assert "Traceback" not in res.output


def test_check_json_lists_every_problem(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        FIXTURE.read_text()
        .replace("status_quo: 60", "status_quo: 160")
        .replace("{actor: S, issue: trade", "{actor: X, issue: trade")
    )
    res = runner.invoke(app, ["check", "--format", "json", str(bad)])
    assert res.exit_code == 1
    records = json.loads(res.stdout)
    assert {r["path"] for r in records} == {"issues[0].status_quo"} or len(records) >= 1
    assert all(r["valid"] is False and r["line"] > 0 for r in records)


def test_usage_errors_exit_2() -> None:
    assert runner.invoke(app, ["check"]).exit_code == 2
    assert runner.invoke(app, ["check", "--no-such-option", str(FIXTURE)]).exit_code == 2
    assert runner.invoke(app, ["show", str(FIXTURE), "--format", "xml"]).exit_code == 2


def test_schema_prints_json_schema() -> None:
    res = runner.invoke(app, ["schema"])
    assert res.exit_code == 0
    doc = json.loads(res.stdout)
    assert doc["$schema"].endswith("2020-12/schema")
    assert "Scenario" in doc["title"] or "scenario" in doc["title"]


def test_show_formats() -> None:
    table = runner.invoke(app, ["show", str(FIXTURE)])
    assert table.exit_code == 0 and "Positions" in table.output and "valley" in table.output
    doc = json.loads(runner.invoke(app, ["show", str(FIXTURE), "--format", "json"]).stdout)
    assert set(doc) >= {"actors", "issues", "positions", "trust", "proposals", "ledger"}
    assert [
        p["ideal"] for p in doc["positions"] if p["actor"] == "N" and p["issue"] == "valley"
    ] == [90]
    csv_out = runner.invoke(app, ["show", str(FIXTURE), "--part", "issues", "--format", "csv"])
    assert csv_out.stdout.splitlines()[0].startswith("id,name,status_quo")
    assert runner.invoke(app, ["show", str(FIXTURE), "--part", "nope"]).exit_code == 2
    assert runner.invoke(app, ["show", str(FIXTURE), "--format", "csv"]).exit_code == 1


def test_missing_file_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    res = runner.invoke(app, ["show", str(tmp_path / "missing.yaml")])
    assert res.exit_code == 1
    assert "no such file" in res.output and "Traceback" not in res.output


def test_report_is_self_contained(tmp_path: Path) -> None:
    res = runner.invoke(
        app, ["report", str(FIXTURE), "--out", str(tmp_path), "--quick", "--runs", "200"]
    )
    assert res.exit_code == 0, res.output
    path = Path(res.stdout.strip().splitlines()[-1])
    html = path.read_text(encoding="utf-8")
    assert "<svg" in html
    assert "<script" not in html.lower()
    assert 'src="http' not in html and "src='http" not in html and "<link" not in html
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["scenario_sha256"] and manifest["seed"] == 20261122


def test_real_entry_point() -> None:
    exe = Path(sys.executable).parent / "detente"
    out = subprocess.run(
        [str(exe), "check", str(FIXTURE)], capture_output=True, text=True, check=False
    )
    assert out.returncode == 0, out.stderr
    assert "valid" in out.stdout
    bad = subprocess.run(
        [str(exe), "show", "/nonexistent.yaml"], capture_output=True, text=True, check=False
    )
    assert bad.returncode == 1 and "Traceback" not in bad.stderr


def test_out_of_range_options_are_usage_errors() -> None:
    for args in (
        ["analyze", str(FIXTURE), "--seed", "-1"],
        ["report", str(FIXTURE), "--runs", "0"],
        ["demo", "--seed", "-5"],
        ["forecast", str(FIXTURE), "--runs", "0"],
    ):
        res = runner.invoke(app, args)
        assert res.exit_code == 2, (args, res.output)
        assert "Traceback" not in res.output


def test_unwritable_output_paths_are_clean_errors(tmp_path: Path) -> None:
    a_file = tmp_path / "a_file"
    a_file.write_text("x")
    cases = (
        ["schema", "--out", str(tmp_path / "missing" / "s.json")],
        ["report", str(FIXTURE), "--quick", "--runs", "10", "--out", str(a_file)],
        ["trust", str(FIXTURE), "--chart", str(tmp_path / "missing" / "c.svg")],
    )
    for args in cases:
        res = runner.invoke(app, args)
        assert res.exit_code == 1, (args, res.output)
        assert "error:" in res.output
        assert res.exception is None or isinstance(res.exception, SystemExit)
