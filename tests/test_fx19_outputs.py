"""rev18's finding 1: ``simulate --out DIR --overwrite`` cleared a folder holding no
``manifest.json`` whenever its files were named like simulate's own (``summary.json``,
``runs-000001.parquet``) or like any temporary file (``.anything.tmp``): files a user put
there were deleted. A folder is now cleared only when ``detente simulate`` wrote it (its
manifest, or, after a killed run, its ``incomplete.json`` marker), and only temporary files
of simulate's own names are taken for its own."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import detente
from detente.cli.app import app
from detente.errors import InputError
from detente.outputs import MARKER

TEACHING = Path(__file__).parents[1] / "scenarios" / "teaching.yaml"
ARGS = ["--runs", "8", "--periods", "4"]


def _simulate(out: Path, *extra: str) -> tuple[int, str]:
    r = CliRunner().invoke(app, ["simulate", str(TEACHING), *ARGS, "--out", str(out), *extra])
    return r.exit_code, r.output


@pytest.mark.parametrize(
    "name", ["summary.json", "runs-000001.parquet", "incomplete.json", "manifest.json"]
)
def test_a_users_file_named_like_simulates_own_is_never_deleted(tmp_path: Path, name: str) -> None:
    out = tmp_path / "simout"
    out.mkdir()
    mine = out / name
    mine.write_text('{"my": 1}', encoding="utf-8")
    code, text = _simulate(out, "--overwrite")
    assert code != 0 and "refusing to overwrite" in text, text
    assert mine.read_text(encoding="utf-8") == '{"my": 1}'


def test_a_temporary_file_of_another_name_is_the_users(tmp_path: Path) -> None:
    out = tmp_path / "simout"
    assert detente.simulate(TEACHING, runs=8, periods=4, out=out).out is not None
    draft = out / ".draft.tmp"
    draft.write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match=r"did not write \(\.draft\.tmp\)"):
        detente.simulate(TEACHING, runs=8, periods=4, out=out, overwrite=True)
    assert draft.exists()


def test_an_earlier_run_and_its_temporary_files_are_replaced(tmp_path: Path) -> None:
    out = tmp_path / "simout"
    detente.simulate(TEACHING, runs=8, periods=4, out=out)
    left = out / ".runs-000000.parquet.k3x_9q.tmp"  # what a killed write leaves
    left.write_bytes(b"partial")
    run = detente.simulate(TEACHING, runs=8, periods=4, out=out, overwrite=True)
    assert run.out is not None and not left.exists()
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["command"] == (
        "simulate"
    )


def test_a_killed_run_leaves_a_folder_simulate_may_replace(tmp_path: Path) -> None:
    """A run killed before its manifest was written leaves blocks and the marker naming
    ``simulate``: --overwrite replaces it. The same files beside a marker of another command,
    or with no marker, are refused."""
    out = tmp_path / "simout"
    detente.simulate(TEACHING, runs=8, periods=4, out=out)
    (out / "manifest.json").unlink()
    (out / "summary.json").unlink()
    (out / MARKER).write_text(json.dumps({"command": "simulate", "status": "running"}))
    code, text = _simulate(out, "--overwrite")
    assert code == 0, text
    assert (out / "manifest.json").is_file() and not (out / MARKER).exists()

    (out / "manifest.json").unlink()
    (out / "summary.json").unlink()
    (out / MARKER).write_text(json.dumps({"command": "sweep", "status": "running"}))
    code, text = _simulate(out, "--overwrite")
    assert code != 0 and "refusing to overwrite" in text, text
    assert (out / MARKER).is_file() and any(out.glob("runs-*.parquet"))


def test_a_symbolic_link_named_like_an_output_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "simout"
    detente.simulate(TEACHING, runs=8, periods=4, out=out)
    target = tmp_path / "precious.json"
    target.write_text("keep", encoding="utf-8")
    (out / "summary.json").unlink()
    (out / "summary.json").symlink_to(target)
    with pytest.raises(InputError, match="did not write"):
        detente.simulate(TEACHING, runs=8, periods=4, out=out, overwrite=True)
    assert target.read_text(encoding="utf-8") == "keep"
