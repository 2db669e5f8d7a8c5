"""The run catalog survives SIGKILL at any moment: --resume gives exactly the uninterrupted run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import numpy as np
import pyarrow.parquet as pq
import pytest

from detente.errors import InputError
from detente.sweep import run_sweep
from detente.sweep.catalog import DB, POINTS, RESULTS

from .helpers import SMALL, small_plan, tiny_plan

CLI = [sys.executable, "-c", "from detente.cli.app import main; main()", "sweep", str(SMALL)]


def _reference(tmp: Path) -> bytes:
    run_sweep(small_plan(), tmp / "ref")
    return (tmp / "ref" / RESULTS).read_bytes()


def _files(cat: Path) -> dict[str, tuple[int, int]]:
    return {
        f.name: (f.stat().st_ino, f.stat().st_mtime_ns) for f in (cat / POINTS).glob("p*.parquet")
    }


def _check_invariants(cat: Path, planned: int) -> int:
    """After a kill: every point file is whole, and the catalog (if any) opens."""
    files = sorted((cat / POINTS).glob("p*.parquet")) if (cat / POINTS).exists() else []
    for f in files:
        table = pq.read_table(f)
        assert table.num_rows == 1 and table.column("point")[0].as_py() == int(f.stem[1:])
    assert len(files) <= planned
    return len(files)


def _count(cat: Path) -> int:
    return len(list((cat / POINTS).glob("p*.parquet"))) if (cat / POINTS).exists() else 0


def _kill_moment(proc: subprocess.Popen[bytes], cat: Path, rng: np.random.Generator) -> str:
    """Wait for a random moment of the sweep, then return (the caller kills at once).

    Half the kills come at a random time after the start (start-up, planning, validation,
    opening the catalog, or anywhere later); the others once the sweep has written 1–3 more
    point files, plus a random delay of up to 0.3 s (inside the run loop and its writes).
    """
    if rng.random() < 0.5:
        time.sleep(float(rng.uniform(0.0, 6.0)))
        return "time"
    target = _count(cat) + int(rng.integers(1, 4))
    deadline = time.monotonic() + 120
    while _count(cat) < target and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    time.sleep(float(rng.uniform(0.0, 0.3)))
    return "points"


def _kill_and_resume(tmp: Path, kills: int, seed: int) -> None:
    plan = small_plan()
    reference = _reference(tmp)
    cat = tmp / "cat"
    rng = np.random.default_rng(seed)
    args = [*CLI, "--catalog", str(cat), "--resume", "--format", "json", "--no-progress"]
    env = os.environ | {"PYTHONHASHSEED": "0"}
    done_before = 0
    kept: dict[str, tuple[int, int]] = {}
    killed_mid_run = 0
    for _ in range(kills):
        proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        _kill_moment(proc, cat, rng)
        if proc.poll() is None:
            killed_mid_run += 0 < _count(cat) < plan.points
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        done = _check_invariants(cat, plan.points)
        assert done >= done_before  # nothing lost
        files = _files(cat)
        for name, stamp in kept.items():  # a finished point is never written again
            assert files[name] == stamp
        kept, done_before = files, done
    assert killed_mid_run >= (1 if kills < 10 else 5), "kills must land while points are written"
    out = subprocess.run(args, capture_output=True, env=env, check=True, timeout=600)
    for name, stamp in kept.items():
        assert _files(cat)[name] == stamp
    assert (cat / RESULTS).read_bytes() == reference
    import json

    doc = json.loads(out.stdout)
    assert doc["completed"] == doc["points"] == plan.points
    con = duckdb.connect(str(cat / DB), read_only=True)
    rows = con.execute("SELECT status, count(*), count(DISTINCT point) FROM points GROUP BY 1")
    assert rows.fetchall() == [("done", plan.points, plan.points)]  # nothing counted twice
    con.close()


def test_sigkill_then_resume_matches_uninterrupted(tmp_path: Path) -> None:
    _kill_and_resume(tmp_path, kills=3, seed=1)


@pytest.mark.slow
def test_sigkill_property_twenty_kills(tmp_path: Path) -> None:
    """Property-style: 24 SIGKILLs at random moments (seeded), invariants after each."""
    _kill_and_resume(tmp_path, kills=24, seed=2026)


def test_catalog_refuses_overwrite_and_other_sweeps(tmp_path: Path) -> None:
    plan = tiny_plan()
    run_sweep(plan, tmp_path / "c")
    with pytest.raises(InputError, match="--resume"):
        run_sweep(plan, tmp_path / "c")
    again = run_sweep(plan, tmp_path / "c", resume=True)  # nothing to do, nothing recomputed
    assert again.completed == plan.points and again.timings["points_run"] == 0
    other = tiny_plan()
    object.__setattr__(other, "spec_sha256", "0" * 64)
    with pytest.raises(InputError, match="different sweep"):
        run_sweep(other, tmp_path / "c", resume=True)


def test_unreadable_catalog_is_rebuilt_from_point_files(tmp_path: Path) -> None:
    plan = tiny_plan()
    cat = tmp_path / "c"
    run_sweep(plan, cat)
    reference = (cat / RESULTS).read_bytes()
    (cat / DB).write_bytes(b"not a duckdb file")
    (cat / POINTS / "p0000003.parquet").unlink()  # a lost point is recomputed
    res = run_sweep(plan, cat, resume=True)
    assert res.timings["points_run"] == 1
    assert (cat / RESULTS).read_bytes() == reference
    assert any(p.name.startswith(f"{DB}.corrupt-") for p in cat.iterdir())
