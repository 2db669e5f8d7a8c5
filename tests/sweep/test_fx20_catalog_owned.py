"""rev19 finding 3: ``sweep --catalog DIR --resume`` touches only a catalog's own files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from detente.errors import InputError
from detente.sweep import run_sweep
from detente.sweep.catalog import DB, POINTS, RESULTS

from .helpers import SMALL, tiny_plan

CLI = [sys.executable, "-c", "from detente.cli.app import main; main()", "sweep", str(SMALL)]

USER_FILES = {
    RESULTS: b"the user's results",
    ".notes.tmp": b"notes",
    ".thesis.tmp.bak": b"thesis",
    "README.txt": b"read me",
}


def _user_folder(path: Path) -> dict[str, bytes]:
    path.mkdir()
    for name, data in USER_FILES.items():
        (path / name).write_bytes(data)
    return {p.name: p.read_bytes() for p in path.iterdir()}


def _contents(path: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in path.iterdir()}


@pytest.mark.parametrize("resume", [False, True])
def test_a_folder_without_a_catalog_is_refused_untouched(tmp_path: Path, resume: bool) -> None:
    folder = tmp_path / "mydir"
    before = _user_folder(folder)
    with pytest.raises(InputError, match="holds no catalog") as err:
        run_sweep(tiny_plan(), folder, resume=resume)
    assert str(folder) in str(err.value)
    assert _contents(folder) == before


@pytest.mark.parametrize("resume", [[], ["--resume"]])
def test_cli_refuses_a_folder_without_a_catalog_alike(tmp_path: Path, resume: list[str]) -> None:
    """With or without --resume: the same located refusal, the same exit code (1, as every
    refused output folder), nothing touched."""
    folder = tmp_path / "mydir"
    before = _user_folder(folder)
    args = [*CLI, "--catalog", str(folder), *resume, "--no-progress", "--format", "json"]
    out = subprocess.run(args, capture_output=True, text=True, timeout=600)
    assert out.returncode == 1, out.stderr
    assert out.stderr.strip() == f"error: {folder}: directory is not empty and holds no catalog"
    assert _contents(folder) == before


def test_resume_deletes_only_the_catalogs_own_temporary_files(tmp_path: Path) -> None:
    plan = tiny_plan()
    cat = tmp_path / "c"
    run_sweep(plan, cat)
    reference = (cat / RESULTS).read_bytes()
    own = [
        cat / ".catalog.duckdb.123.tmp",
        cat / ".catalog.duckdb.123.tmp.wal",
        cat / ".results.parquet.77.tmp",
        cat / POINTS / ".p0000001.parquet.9.tmp",
    ]
    user = [cat / ".notes.tmp", cat / ".thesis.tmp.bak", cat / POINTS / ".draft.tmp"]
    for f in own + user:
        f.write_bytes(b"x")
    res = run_sweep(plan, cat, resume=True)
    assert res.timings["points_run"] == 0
    assert not any(f.exists() for f in own)
    assert all(f.read_bytes() == b"x" for f in user)
    assert (cat / RESULTS).read_bytes() == reference


def test_resume_continues_a_catalog_killed_before_its_duckdb_file(tmp_path: Path) -> None:
    """A first run killed while it created the catalog leaves only the catalog's own names:
    --resume continues it (as the SIGKILL tests rely on)."""
    plan = tiny_plan()
    cat = tmp_path / "c"
    (cat / POINTS).mkdir(parents=True)
    (cat / ".catalog.duckdb.4242.tmp").write_bytes(b"half a duckdb file")
    res = run_sweep(plan, cat, resume=True)
    assert res.completed == plan.points
    assert (cat / DB).exists() and not (cat / ".catalog.duckdb.4242.tmp").exists()


def test_without_resume_a_killed_catalog_is_refused_as_a_catalog(tmp_path: Path) -> None:
    cat = tmp_path / "c"
    (cat / POINTS).mkdir(parents=True)
    (cat / ".catalog.duckdb.4242.tmp").write_bytes(b"half a duckdb file")
    with pytest.raises(InputError, match="a catalog is already there; pass --resume"):
        run_sweep(tiny_plan(), cat)
    assert (cat / ".catalog.duckdb.4242.tmp").exists()


def test_resume_of_an_empty_or_new_folder_starts_a_catalog(tmp_path: Path) -> None:
    plan = tiny_plan()
    (tmp_path / "empty").mkdir()
    for folder in (tmp_path / "empty", tmp_path / "new"):
        assert run_sweep(plan, folder, resume=True).completed == plan.points
