"""rev20 finding 5: a folder holding a user's own DuckDB database named ``catalog.duckdb`` (one
DuckDB opens, without the catalog's ``sweep`` table) is not a catalog: ``sweep --catalog`` is
refused with or without ``--resume``, naming the file, and the file is left byte-identical
(it was renamed ``catalog.duckdb.corrupt-0`` on resume, and the refusal without ``--resume``
said "a catalog is already there"). Only a file DuckDB cannot open is set aside."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from detente.errors import InputError
from detente.sweep import run_sweep
from detente.sweep.catalog import DB, RESULTS

from .helpers import SMALL, tiny_plan

CLI = [sys.executable, "-c", "from detente.cli.app import main; main()", "sweep", str(SMALL)]


def _user_database(folder: Path) -> dict[str, bytes]:
    folder.mkdir()
    con = duckdb.connect(str(folder / DB))
    con.execute("CREATE TABLE my_data AS SELECT range AS x FROM range(1000)")
    con.close()
    return _contents(folder)


def _contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


@pytest.mark.parametrize("resume", [False, True])
def test_a_users_database_is_refused_untouched(tmp_path: Path, resume: bool) -> None:
    folder = tmp_path / "mydir"
    before = _user_database(folder)
    with pytest.raises(InputError) as err:
        run_sweep(tiny_plan(), folder, resume=resume)
    message = str(err.value)
    assert message.startswith(f"{folder / DB}: a DuckDB database without the catalog's `sweep`")
    assert "already there" not in message
    assert _contents(folder) == before  # no .corrupt-0, no points/, no .wal


@pytest.mark.parametrize("resume", [[], ["--resume"]])
def test_cli_refuses_a_users_database_alike(tmp_path: Path, resume: list[str]) -> None:
    """The refusal of a folder that is not a catalog (exit 1, as every refused output
    folder), naming the file."""
    folder = tmp_path / "mydir"
    before = _user_database(folder)
    args = [*CLI, "--catalog", str(folder), *resume, "--no-progress", "--format", "json"]
    out = subprocess.run(args, capture_output=True, text=True, timeout=600)
    assert out.returncode == 1, out.stderr
    assert out.stderr.strip() == (
        f"error: {folder / DB}: a DuckDB database without the catalog's `sweep` table, not a "
        "catalog of detente sweep; it is left as it is: choose a new --catalog directory"
    )
    assert _contents(folder) == before


def test_a_catalogs_file_duckdb_cannot_open_is_still_set_aside(tmp_path: Path) -> None:
    plan = tiny_plan()
    cat = tmp_path / "c"
    run_sweep(plan, cat)
    with pytest.raises(InputError, match="a catalog is already there"):
        run_sweep(plan, cat)  # a real catalog, without --resume: the message is true
    reference = (cat / RESULTS).read_bytes()
    (cat / DB).write_bytes(b"DUCK" * 1000)  # damaged: DuckDB cannot open it
    res = run_sweep(plan, cat, resume=True)
    assert res.timings["points_run"] == 0
    assert (cat / RESULTS).read_bytes() == reference
    assert (cat / f"{DB}.corrupt-0").read_bytes() == b"DUCK" * 1000
