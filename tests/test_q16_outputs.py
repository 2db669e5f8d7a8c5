"""``detente report --out DIR`` into a folder holding files it did not write names those
files and why it refuses (branch q16: the message named a manifest.json that did not exist)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from detente.cli.app import app

TEACHING = str(Path(__file__).resolve().parents[1] / "scenarios" / "teaching.yaml")


def _report(out: Path) -> str:
    r = CliRunner().invoke(app, ["report", TEACHING, "--out", str(out), "--quick", "--runs", "20"])
    assert r.exit_code == 1, r.output
    assert "Traceback" not in r.output
    return " ".join(r.output.split())


def test_a_folder_without_manifest_names_the_files_it_would_replace(tmp_path: Path) -> None:
    (tmp_path / "report.html").write_text("mine", encoding="utf-8")
    text = _report(tmp_path)
    assert "refusing to overwrite report.html" in text
    assert "no manifest.json says `detente report` wrote them" in text
    assert (tmp_path / "report.html").read_text(encoding="utf-8") == "mine"
    assert not (tmp_path / "manifest.json").exists()


def test_another_commands_manifest_is_named_as_such(tmp_path: Path) -> None:
    (tmp_path / "report.html").write_text("mine", encoding="utf-8")
    (tmp_path / "manifest.json").write_text('{"command": "simulate"}', encoding="utf-8")
    text = _report(tmp_path)
    assert "is not a manifest written by `detente report`" in text
    assert (tmp_path / "report.html").read_text(encoding="utf-8") == "mine"


def test_the_python_api_refusal_names_its_keyword(tmp_path: Path) -> None:
    import detente as d
    from detente.errors import InputError

    (tmp_path / "runs-000000.parquet").write_bytes(b"")
    with pytest.raises(InputError, match=r"overwrite=True in Python"):
        d.simulate(TEACHING, runs=5, periods=2, seed=1, out=tmp_path)
