"""Running a simulation: seeds, blocks, chunks, an executor passed in, progress as a callback.

Determinism: runs are cut into fixed blocks of :data:`BLOCK` runs; block ``b`` draws only from
``SeedSequence(seed).spawn(n_blocks)[b]``. Chunks (the unit of work handed to an executor)
group whole blocks, and aggregates are merged in block order, so the result for a seed is
byte-identical whatever the chunk size, the executor and its number of workers.

The engine writes no files and draws no progress bar: a caller that wants per-run tables passes
a picklable ``block_sink`` (called with each block's index and output, in the worker that
simulated it; the front door's Parquet writer is one), and a caller that shows progress passes a
``progress`` callback. Executors are any :class:`concurrent.futures.Executor` and belong to the
caller, who shuts them down.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from detente.errors import InputError
from detente.manifest import build_manifest, scenario_sha256
from detente.simulate.engine import BlockOutput, simulate_block
from detente.simulate.model import SimModel, build_model
from detente.simulate.results import BlockStats, SimulationResult, block_stats

if TYPE_CHECKING:
    from detente.scenario.schema import Scenario

__all__ = ["BLOCK", "BlockSink", "Progress", "anatomy_of_run", "run_simulation"]

BLOCK = 1024
"""Runs per block: the fixed unit of random draws."""
DEFAULT_CHUNK = 8 * BLOCK
"""Runs per chunk in this process (no executor)."""

BlockSink = Callable[[int, SimModel, BlockOutput], None]
"""Receives every block's per-run output: ``sink(block_index, model, output)``; run ``r`` of
the block is run ``block_index * BLOCK + r`` of the simulation. Must be picklable to be used
with a process pool (a top-level class instance, not a closure)."""

Progress = Callable[[int, int], None]
"""Called after every finished block with (runs finished, runs requested)."""


@dataclass(frozen=True)
class _Task:
    model: SimModel
    blocks: tuple[tuple[int, np.random.SeedSequence, int], ...]  # (index, seed, size)
    periods: int
    sink: BlockSink | None


def _run_task(task: _Task) -> list[BlockStats]:
    stats = []
    for index, ss, size in task.blocks:
        o = simulate_block(task.model, size, task.periods, np.random.default_rng(ss))
        if task.sink is not None:
            task.sink(index, task.model, o)
        stats.append(block_stats(task.model, o, task.periods))
    return stats


def run_simulation(
    scenario: Scenario,
    runs: int,
    seed: int,
    periods: int,
    chunk_size: int | None = None,
    *,
    executor: Executor | None = None,
    progress: Progress | None = None,
    block_sink: BlockSink | None = None,
    scenario_hash: str | None = None,
) -> SimulationResult:
    """Simulate ``runs`` runs of ``periods`` periods from the root ``seed``.

    ``executor`` runs the chunks (``None``: in this process); ``chunk_size`` is the number of
    runs per chunk (default: 8 blocks in this process, one block per task with an executor).
    Ctrl-C stops the run: the finished blocks are kept, unstarted chunks are cancelled, and
    the result has ``complete=False``. ``scenario_hash`` defaults to
    :func:`detente.manifest.scenario_sha256` of the scenario.
    """
    if runs < 1:
        raise InputError(f"runs must be at least 1, got {runs}")
    if periods < 1:
        raise InputError(f"periods must be at least 1, got {periods}")
    if seed < 0:
        raise InputError(f"seed must be a non-negative integer, got {seed}")
    model = build_model(scenario)
    n_blocks = math.ceil(runs / BLOCK)
    children = np.random.SeedSequence(seed).spawn(n_blocks)
    sizes = [min(BLOCK, runs - b * BLOCK) for b in range(n_blocks)]
    default = DEFAULT_CHUNK if executor is None else BLOCK
    per_chunk = max(1, math.ceil((chunk_size or default) / BLOCK))
    tasks = [
        _Task(
            model,
            tuple((b, children[b], sizes[b]) for b in range(c, min(c + per_chunk, n_blocks))),
            periods,
            block_sink,
        )
        for c in range(0, n_blocks, per_chunk)
    ]
    total: BlockStats | None = None
    complete = True
    futures: list[Future[list[BlockStats]]] = []
    try:
        if executor is not None:
            futures = [executor.submit(_run_task, task) for task in tasks]
        for k, task in enumerate(tasks):
            for s in futures[k].result() if futures else _run_task(task):
                if total is None:
                    total = s
                else:
                    total.merge(s)
                if progress is not None:
                    progress(total.n, runs)
    except KeyboardInterrupt:
        complete = False
        for f in futures:
            f.cancel()
    if total is None:
        raise KeyboardInterrupt
    manifest = build_manifest(
        command="simulate",
        scenario_hash=scenario_hash or scenario_sha256(scenario),
        seed=seed,
        parameters={
            "runs": runs,
            "periods": periods,
            "block": BLOCK,
            "strategies": list(model.strategies),
            "protocol": model.settings.protocol,
        },
    )
    return SimulationResult(
        model=model,
        stats=total,
        seed=seed,
        periods=periods,
        runs_requested=runs,
        complete=complete,
        manifest=manifest,
    )


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
