"""A catalog another process holds open (a sweep still writing it) is never set aside.

``sweep --catalog DIR --resume`` while another process has ``DIR/catalog.duckdb`` open: DuckDB
cannot open the file (the other process holds its lock), which the catalog took for a damaged
file and renamed ``catalog.duckdb.corrupt-0`` after removing the writer's temporary files, so
the live sweep went on writing a file no longer in place. It is now refused, naming the file,
with the folder byte-identical (noticed by branch fx21, fixed at the merge of 2026-12-03)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from detente.errors import InputError
from detente.sweep import run_sweep
from detente.sweep.catalog import DB

from .helpers import tiny_plan


def _contents(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@pytest.mark.parametrize("resume", [False, True])
def test_a_catalog_held_by_another_process_is_refused_untouched(
    tmp_path: Path, resume: bool
) -> None:
    plan = tiny_plan()
    cat = tmp_path / "c"
    run_sweep(plan, cat)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import duckdb, sys
                con = duckdb.connect({str(cat / DB)!r})
                print("held", flush=True)
                sys.stdin.read()
                """
            ),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        before = _contents(cat)
        with pytest.raises(InputError, match="in use by another process") as err:
            run_sweep(plan, cat, resume=resume)
        assert str(err.value).startswith(f"{cat / DB}: in use by another process")
        assert _contents(cat) == before  # no .corrupt-0, nothing removed
    finally:
        holder.communicate("", timeout=60)
