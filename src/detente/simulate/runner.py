"""Running a simulation: seeds, blocks, chunks, executors, streaming to Parquet, progress.

Determinism: runs are cut into fixed blocks of :data:`BLOCK` runs; block ``b`` draws only from
``SeedSequence(seed).spawn(n_blocks)[b]``. Chunks (the unit of work handed to a worker, and
one Parquet file pair) group whole blocks, and aggregates are merged in block order, so the
result for a seed is byte-identical whatever the chunk size and the number of workers.
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import numpy as np

from detente.errors import InputError
from detente.simulate.engine import BlockOutput, simulate_block
from detente.simulate.model import SimModel, build_model
from detente.simulate.results import BlockStats, SimulationResult, block_stats

if TYPE_CHECKING:
    from detente.scenario.schema import Scenario

__all__ = [
    "BLOCK",
    "ProcessExecutor",
    "SerialExecutor",
    "SimExecutor",
    "anatomy_of_run",
    "run_simulation",
]

BLOCK = 1024
"""Runs per block: the fixed unit of random draws."""
DEFAULT_CHUNK = 8 * BLOCK


@dataclass(frozen=True)
class _Task:
    model: SimModel
    blocks: tuple[tuple[int, np.random.SeedSequence, int], ...]  # (index, seed, size)
    periods: int
    out: str | None


class SimExecutor:
    """An execution backend: ``map`` a function over tasks, results in submission order.

    Used as a context manager. Backends must be interchangeable: the result of a simulation
    never depends on which one ran it (tested).
    """

    def __enter__(self) -> SimExecutor:
        return self

    def __exit__(
        self, tp: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.shutdown()

    def map(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        """Apply ``fn`` to every item; yield results in order."""
        raise NotImplementedError

    def shutdown(self) -> None:
        """Release resources, cancelling unfinished work."""


class SerialExecutor(SimExecutor):
    """Runs everything in this process."""

    def map(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        return (fn(x) for x in items)


class ProcessExecutor(SimExecutor):
    """A local process pool of ``workers`` processes."""

    def __init__(self, workers: int) -> None:
        self._pool: Executor = ProcessPoolExecutor(max_workers=workers)

    def map(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        return self._pool.map(fn, items)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def _write_block(out: str, index: int, m: SimModel, o: BlockOutput) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    n = o.first_agreement.size
    run = np.arange(n, dtype=np.int64) + index * BLOCK
    cols: dict[str, np.ndarray[Any, Any]] = {
        "first_agreement": o.first_agreement.astype(np.float64),
        "agreement_duration": o.duration.astype(np.float64),
        "broke_down": o.broke.astype(np.float64),
        "agreements": o.agreements.astype(np.float64),
    }
    for s, aid in enumerate(m.actor_ids[:2]):
        cols[f"cost.{aid}"] = o.cum_cost[:, s]
    for i, iid in enumerate(m.issue_ids):
        cols[f"terms.{iid}"] = o.terms[:, i]
    names = list(cols)
    runs_table = pa.table(
        {
            "run": np.tile(run, len(names)),
            "variable": pa.array(np.repeat(names, n)).dictionary_encode(),
            "value": np.concatenate([cols[k] for k in names]),
        }
    )
    pq.write_table(runs_table, Path(out) / f"runs-{index:06d}.parquet")
    periods = o.events.shape[0]
    pvars = list(o.paths)
    per = np.repeat(np.arange(periods, dtype=np.int32), n)
    paths_table = pa.table(
        {
            "run": np.tile(np.tile(run, periods), len(pvars)),
            "period": np.tile(per, len(pvars)),
            "variable": pa.array(np.repeat(pvars, periods * n)).dictionary_encode(),
            "value": np.concatenate([o.paths[v].ravel() for v in pvars]),
        }
    )
    pq.write_table(paths_table, Path(out) / f"paths-{index:06d}.parquet")


def _run_task(task: _Task) -> list[BlockStats]:
    stats = []
    for index, ss, size in task.blocks:
        o = simulate_block(task.model, size, task.periods, np.random.default_rng(ss))
        if task.out is not None:
            _write_block(task.out, index, task.model, o)
        stats.append(block_stats(task.model, o, task.periods))
    return stats


def _progress_enabled() -> bool:
    return sys.stderr.isatty() and not os.environ.get("CI")


def run_simulation(
    scenario: Scenario,
    runs: int,
    seed: int,
    periods: int,
    workers: int = 1,
    chunk_size: int | None = None,
    out: str | Path | None = None,
    *,
    progress: bool | None = None,
    scenario_hash: str | None = None,
) -> SimulationResult:
    """Simulate ``runs`` runs of ``periods`` periods; stream to ``out`` (Parquet) if given.

    Ctrl-C stops the run: the finished chunks are kept and the result has ``complete=False``.
    """
    from detente.manifest import build_manifest

    if runs < 1:
        raise InputError(f"runs must be at least 1, got {runs}")
    if periods < 1:
        raise InputError(f"periods must be at least 1, got {periods}")
    if workers < 1:
        raise InputError(f"workers must be at least 1, got {workers}")
    if seed < 0:
        raise InputError(f"seed must be a non-negative integer, got {seed}")
    model = build_model(scenario)
    n_blocks = math.ceil(runs / BLOCK)
    children = np.random.SeedSequence(seed).spawn(n_blocks)
    sizes = [min(BLOCK, runs - b * BLOCK) for b in range(n_blocks)]
    per_chunk = max(1, math.ceil((chunk_size or DEFAULT_CHUNK) / BLOCK))
    if workers > 1:  # enough chunks to keep every worker busy
        per_chunk = min(per_chunk, max(1, math.ceil(n_blocks / (2 * workers))))
    out_dir = None
    if out is not None:
        out_path = Path(out)
        out_path.mkdir(parents=True, exist_ok=True)
        out_dir = str(out_path)
    tasks = [
        _Task(
            model,
            tuple((b, children[b], sizes[b]) for b in range(c, min(c + per_chunk, n_blocks))),
            periods,
            out_dir,
        )
        for c in range(0, n_blocks, per_chunk)
    ]
    total: BlockStats | None = None
    complete = True
    show = _progress_enabled() if progress is None else progress
    executor: SimExecutor = SerialExecutor() if workers == 1 else ProcessExecutor(workers)
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    bar = Progress(
        TextColumn("simulating"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} runs"),
        TimeRemainingColumn(),
        disable=not show,
        transient=True,
    )
    try:
        with executor, bar:
            tid = bar.add_task("runs", total=runs)
            for stats in executor.map(_run_task, tasks):
                for s in stats:
                    if total is None:
                        total = s
                    else:
                        total.merge(s)
                    bar.advance(tid, s.n)
    except KeyboardInterrupt:
        complete = False
    if total is None:
        raise KeyboardInterrupt
    manifest = build_manifest(
        command="simulate",
        scenario_hash=scenario_hash,
        seed=seed,
        parameters={
            "runs": runs,
            "periods": periods,
            "block": BLOCK,
            "strategies": list(model.strategies),
            "protocol": model.settings.protocol,
        },
    )
    result = SimulationResult(
        model=model,
        stats=total,
        seed=seed,
        periods=periods,
        runs_requested=runs,
        complete=complete,
        manifest=manifest,
        out_dir=out_dir,
    )
    if out_dir is not None:
        from detente.cli.output import to_json

        Path(out_dir, "manifest.json").write_text(to_json(manifest) + "\n", encoding="utf-8")
        Path(out_dir, "summary.json").write_text(to_json(result.summary()) + "\n", encoding="utf-8")
    return result


def anatomy_of_run(
    scenario: Scenario, seed: int, periods: int, runs: int, run: int = 0
) -> list[dict[str, Any]]:
    """Run ``run`` of a simulation, period by period, with the events that moved it.

    Replays that one run from its block's seed (the block's draws, only this run's state), so
    it is exactly the run of that index in ``run_simulation(scenario, runs, seed, periods)``.
    """
    from detente.simulate.engine import EVENT_FLAGS

    if not 0 <= run < runs:
        raise InputError(f"run must lie in 0..{runs - 1}, got {run}")
    model = build_model(scenario)
    b, j = divmod(run, BLOCK)
    child = np.random.SeedSequence(seed).spawn(b + 1)[b]
    size = min(BLOCK, runs - b * BLOCK)
    o = simulate_block(model, size, periods, np.random.default_rng(child), rows=[j])
    a, b_id = model.actor_ids[:2]
    label = {k: k for k in EVENT_FLAGS} | {
        "battle_won_by_A": f"battle won by {a}",
        "overture_A": f"overture by {a}",
        "overture_B": f"overture by {b_id}",
    }
    rows = []
    for t in range(periods):
        code = int(o.events[t, 0])
        row: dict[str, Any] = {"period": t}
        for var, arr in o.paths.items():
            row[var] = float(arr[t, 0])
        row["events"] = [label[k] for k, bit in EVENT_FLAGS.items() if code & bit]
        rows.append(row)
    return rows
