"""Closed vocabularies are checked at the edge: ``detente check`` names the file, line, field
and the nearest allowed value ("did you mean") for a value outside an enum."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

TEACHING = Path(__file__).resolve().parents[1] / "scenarios" / "teaching.yaml"
runner = CliRunner()


def _write(tmp_path: Path, old: str, new: str) -> Path:
    text = TEACHING.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "bad.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_misspelt_enum_value_is_located_with_did_you_mean(app: typer.Typer, tmp_path: Path) -> None:
    bad = _write(tmp_path, "kind: state", "kind: stat")
    res = runner.invoke(app, ["check", str(bad)])
    assert res.exit_code == 1
    assert f"{bad}:" in res.output and "actors[0].kind" in res.output
    assert "did you mean 'state'?" in res.output
    doc = json.loads(runner.invoke(app, ["check", str(bad), "--format", "json"]).stdout)
    assert doc[0]["path"] == "actors[0].kind" and doc[0]["line"] > 1
    assert doc[0]["message"].endswith("did you mean 'state'?")


def test_spelling_without_separators_is_matched(app: typer.Typer, tmp_path: Path) -> None:
    """``titfortat``-style spellings (separators dropped) find the enum value."""
    bad = _write(tmp_path, "kind: state", "kind: Or-Ganisation")
    res = runner.invoke(app, ["check", str(bad)])
    assert res.exit_code == 1 and "did you mean 'organisation'?" in res.output


def test_far_off_value_gets_no_guess(app: typer.Typer, tmp_path: Path) -> None:
    bad = _write(tmp_path, "kind: state", "kind: zzzzzz")
    res = runner.invoke(app, ["check", str(bad)])
    assert res.exit_code == 1 and "did you mean" not in res.output
