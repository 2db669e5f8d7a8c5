"""Issue 10, command-line part: output folders, exit codes, resource guards, escapes, trust."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from detente.cli.app import app

FIXTURES = Path(__file__).parent / "simulate" / "fixtures"
SCEN = str(FIXTURES / "two_sides.yaml")
runner = CliRunner()


def _sim(out: Path, *extra: str, runs: str = "1500") -> object:
    args = ["simulate", SCEN, "--runs", runs, "--periods", "10", "--out", str(out), *extra]
    return runner.invoke(app, args)


# 1. simulate --out never overwrites files it did not create ------------------------------


def test_simulate_refuses_a_foreign_manifest(tmp_path: Path) -> None:
    out = tmp_path / "o"
    out.mkdir()
    (out / "manifest.json").write_text('{"mine": true}\n', encoding="utf-8")
    r = _sim(out)
    assert r.exit_code == 1, r.output
    assert "not empty" in r.output and "--overwrite" in r.output
    assert (out / "manifest.json").read_text(encoding="utf-8") == '{"mine": true}\n'
    assert not list(out.glob("*.parquet"))
    # --overwrite does not touch a folder holding files detente did not write either
    r = _sim(out, "--overwrite")
    assert r.exit_code == 1, r.output
    assert (out / "manifest.json").read_text(encoding="utf-8") == '{"mine": true}\n'


def test_simulate_refuses_foreign_files_even_with_overwrite(tmp_path: Path) -> None:
    out = tmp_path / "o"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    for extra in ((), ("--overwrite",)):
        r = _sim(out, *extra)
        assert r.exit_code == 1, r.output
        assert "Traceback" not in r.output
    assert (out / "notes.txt").read_text(encoding="utf-8") == "keep me"
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]


def test_rerun_refuses_then_overwrite_clears_stale_blocks(tmp_path: Path) -> None:
    out = tmp_path / "o"
    r = _sim(out, runs="3000")
    assert r.exit_code == 0, r.output
    assert len(list(out.glob("runs-*.parquet"))) == 3
    first = (out / "summary.json").read_bytes()
    r = _sim(out, runs="500")
    assert r.exit_code == 1, r.output
    assert "--overwrite" in r.output
    assert (out / "summary.json").read_bytes() == first
    r = _sim(out, "--overwrite", runs="500")
    assert r.exit_code == 0, r.output
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["runs"] == 500
    assert sorted(p.name for p in out.glob("*.parquet")) == [
        "paths-000000.parquet",
        "runs-000000.parquet",
    ]


def test_simulate_out_may_not_be_the_scenario(tmp_path: Path) -> None:
    scen = tmp_path / "s.yaml"
    scen.write_text(Path(SCEN).read_text(encoding="utf-8"), encoding="utf-8")
    args = ["simulate", str(scen), "--runs", "50", "--periods", "5", "--out", str(scen)]
    r = runner.invoke(app, args)
    assert r.exit_code == 1, r.output
    assert scen.read_text(encoding="utf-8") == Path(SCEN).read_text(encoding="utf-8")


def test_empty_existing_folder_is_fine(tmp_path: Path) -> None:
    out = tmp_path / "o"
    out.mkdir()
    r = _sim(out, runs="100")
    assert r.exit_code == 0, r.output
    assert (out / "summary.json").is_file()
