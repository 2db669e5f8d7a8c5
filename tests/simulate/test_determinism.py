"""Byte-identical results for a seed, whatever the chunk size and number of workers."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from detente.api.simulation import ParquetSink
from detente.manifest import to_json
from detente.simulate import BLOCK, run_simulation

from .helpers import fixture_scenario

RUNS = 2 * BLOCK + 300  # three blocks, the last one partial


def _doc(r) -> str:  # type: ignore[no-untyped-def]
    return to_json({"summary": r.summary(), "fan": r.fan(), "km": r.survival()})


def test_serial_parallel_and_chunk_sizes_agree(tmp_path: Path) -> None:
    sc = fixture_scenario()
    for d in ("a", "b"):
        (tmp_path / d).mkdir()
    ref = run_simulation(
        sc, RUNS, 11, 40, chunk_size=10 * BLOCK, block_sink=ParquetSink(str(tmp_path / "a"))
    )
    with ProcessPoolExecutor(2) as pool:
        other = [
            run_simulation(
                sc, RUNS, 11, 40, chunk_size=BLOCK, block_sink=ParquetSink(str(tmp_path / "b"))
            ),
            run_simulation(sc, RUNS, 11, 40, executor=pool, chunk_size=BLOCK),
            run_simulation(sc, RUNS, 11, 40, executor=pool, chunk_size=3 * BLOCK),
        ]
    for r in other:
        assert _doc(r) == _doc(ref)
    for name in ("runs", "paths"):
        ta, tb = (
            pa.concat_tables([pq.read_table(f) for f in sorted((tmp_path / d).glob(f"{name}-*"))])
            for d in ("a", "b")
        )
        assert ta.equals(tb)
        assert len(set(ta.column("run").to_pylist())) == RUNS


def test_different_seeds_differ() -> None:
    sc = fixture_scenario()
    a = run_simulation(sc, 500, 1, 30).summary()
    b = run_simulation(sc, 500, 2, 30).summary()
    assert a["terms"] != b["terms"]


def test_interrupt_keeps_finished_chunks(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import detente.simulate.runner as runner

    real = runner._run_task
    calls = {"n": 0}

    def flaky(task):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        return real(task)

    monkeypatch.setattr(runner, "_run_task", flaky)
    r = run_simulation(fixture_scenario(), 3 * BLOCK, 5, 10, chunk_size=BLOCK)
    assert not r.complete
    assert r.runs == BLOCK
    assert r.summary()["complete"] is False
