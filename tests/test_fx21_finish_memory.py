"""rev20 finding 1: ``simulate --out`` finishes its folder (``_finish``: the manifest's SHA-256
of every block file) reading one file at a time in chunks, so its memory does not grow with
the folder (runs x periods), and the manifest records the same bytes and hashes as before."""

from __future__ import annotations

import hashlib
import json
import os
import tracemalloc
from pathlib import Path

import detente
import detente.api.simulation as S
from detente.manifest import content_hash

ROOT = Path(__file__).resolve().parents[1]
TEACHING = ROOT / "scenarios" / "teaching.yaml"


def _records(folder: Path) -> list[dict[str, object]]:
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    files: list[dict[str, object]] = manifest["files"]
    return files


def test_the_manifest_records_each_files_bytes_and_sha256(tmp_path: Path) -> None:
    out = tmp_path / "o"
    run = detente.simulate(str(TEACHING), runs=1100, periods=12, seed=3, out=out)
    assert run.result is not None and run.result.complete
    names = sorted(p.name for p in out.iterdir() if p.name not in {"manifest.json"})
    assert names == [
        "paths-000000.parquet",
        "paths-000001.parquet",
        "runs-000000.parquet",
        "runs-000001.parquet",
        "summary.json",
    ]
    want = [
        {"path": n, "bytes": len(b), "sha256": content_hash(b)}
        for n in names
        for b in [(out / n).read_bytes()]
    ]
    assert _records(out) == want


def test_finishing_holds_one_chunk_not_the_folder(tmp_path: Path) -> None:
    """Block files of 2 x 8 MB: the peak of ``_finish`` stays far below one file's size (the
    base read every file at once: a peak above 16 MB)."""
    out = tmp_path / "o"
    run = detente.simulate(str(TEACHING), runs=40, periods=8, seed=1, out=out)
    assert run.result is not None
    big = 8 << 20
    for name in ("runs-000000.parquet", "paths-000000.parquet"):
        (out / name).write_bytes(os.urandom(big))  # same names: _finish keeps them
    request = {"runs": 40, "seed": 1, "periods": 8, "scenario_sha256": "x"}
    tracemalloc.start()
    try:
        S._finish(out, run.result, request, 40, [])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2 << 20, f"_finish peak {peak / 1e6:.1f} MB for a folder of 16 MB"
    for rec in _records(out):
        data = (out / str(rec["path"])).read_bytes()
        assert rec["bytes"] == len(data)
        assert rec["sha256"] == hashlib.sha256(data).hexdigest()
