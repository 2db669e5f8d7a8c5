"""Running a simulation: seeds, blocks, chunks, an executor passed in, progress as a callback.

Determinism: runs are cut into fixed blocks of :data:`BLOCK` runs; block ``b`` draws only from
``SeedSequence(seed).spawn(n_blocks)[b]``. Chunks (the unit of work handed to an executor)
group whole blocks, and aggregates are merged in block order, so the result for a seed is
byte-identical whatever the chunk size, the executor and its number of workers.

The engine writes no files and draws no progress bar: a caller that wants per-run tables passes
a picklable ``block_sink`` (called with each block's index and output, in the worker that
simulated it; the front door's Parquet writer is one), and a caller that shows progress passes a
``progress`` callback. Executors are any :class:`concurrent.futures.Executor` and belong to the
caller, who shuts them down; :class:`LocalPool` is the process pool for local workers, whose
workers never outlive it (they ignore the terminal's Ctrl-C, die with their parent, and are
killed when a run is interrupted).

Bounded work: seeds are derived per block when needed and at most a few chunks are in flight,
so memory does not grow with ``runs``; a request whose estimated memory or time exceeds the
budgets of :mod:`detente.core.limits` is refused before it starts (:func:`check_request`).
Interruption (``KeyboardInterrupt``, which a front door may also raise on SIGTERM) keeps the
longest prefix of finished blocks: the result counts exactly blocks ``0 .. k-1``, and no task
of the run is still running when :func:`run_simulation` returns or raises.
"""

from __future__ import annotations

import contextlib
import copy
import math
import os
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures import wait as wait_futures
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from detente.core.interrupts import signals_held
from detente.core.limits import require_memory, require_time
from detente.errors import InputError
from detente.manifest import build_manifest, scenario_sha256
from detente.simulate.engine import BlockOutput, check_until, simulate_block
from detente.simulate.model import SimModel, build_model
from detente.simulate.results import BlockStats, SimulationResult, block_stats

if TYPE_CHECKING:
    from detente.scenario.schema import Scenario

__all__ = [
    "BLOCK",
    "RUN_PERIODS_PER_SECOND",
    "BlockSink",
    "LocalPool",
    "Progress",
    "anatomy_of_run",
    "block_seed",
    "check_request",
    "run_simulation",
]

BLOCK = 1024
"""Runs per block: the fixed unit of random draws."""

BlockSink = Callable[[int, SimModel, BlockOutput], None]
"""Receives every block's per-run output: ``sink(block_index, model, output)``; run ``r`` of
the block is run ``block_index * BLOCK + r`` of the simulation. Must be picklable to be used
with a process pool (a top-level class instance, not a closure)."""

Progress = Callable[[int, int], None]
"""Called after every finished block with (runs finished, runs requested)."""

RUN_PERIODS_PER_SECOND = 100_000
"""Conservative speed of one worker (runs × periods per second) for the time estimate of
:func:`check_request`; docs/benchmarks.md measures 130,000–160,000 per core on the Ukraine
snapshot under load."""
IN_FLIGHT_PER_WORKER = 2
"""Chunks submitted ahead per worker of an executor (bounds memory and the work lost to an
interruption)."""


def block_seed(seed: int, block: int) -> np.random.SeedSequence:
    """The seed of block ``block``: ``SeedSequence(seed).spawn(n)[block]`` for any ``n`` >
    ``block``, built directly (no list of all blocks' seeds)."""
    return np.random.SeedSequence(seed, spawn_key=(block,))


def check_request(model: SimModel, runs: int, periods: int, workers: int = 1) -> None:
    """Refuse (``ResourceLimitError``) a simulation whose memory or time exceeds the budgets.

    Memory: every worker holds one block's trajectories and events (``BLOCK`` runs ×
    ``periods`` × the trajectory variables, float32, with working copies) and the aggregates
    (histograms per period). Time: ``runs × periods`` at :data:`RUN_PERIODS_PER_SECOND` per
    worker.
    """
    from detente.simulate.results import BINS, path_ranges

    n_vars = len(path_ranges(model, 1)) + 2  # + phase and events
    n_issues = len(model.issue_ids)
    per_block = min(runs, BLOCK) * float(periods) * (4 * n_vars * 3 + 8 * (n_issues + 8))
    aggregates = float(periods) * (BINS * n_vars + 16) * 8
    total = (per_block + aggregates) * max(1, workers) + aggregates
    what = f"simulating {runs:,} runs × {periods:,} periods"
    require_memory(total, what, "lower --periods or --workers")
    seconds = float(runs) * periods / (RUN_PERIODS_PER_SECOND * max(1, workers))
    require_time(seconds, what, "lower --runs or --periods, or add --workers")


def _ignore_terminal_signals(parent: int) -> None:
    """Worker initialiser: the parent decides when workers stop (Ctrl-C and SIGTERM sent to the
    process group are ignored here; the parent kills its workers), and a worker dies with its
    parent (Linux parent-death signal, and a watchdog thread on every platform)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the watchdog below suffices
        pass
    if os.getppid() != parent:  # the parent died before the death signal was armed
        os._exit(1)

    def watchdog() -> None:
        import time

        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watchdog, name="detente-parent-watchdog", daemon=True).start()


class LocalPool(ProcessPoolExecutor):
    """A process pool for ``workers`` local processes that never outlive their parent.

    Workers ignore SIGINT/SIGTERM sent to the whole process group (the parent stops them),
    die if the parent dies (even by SIGKILL), and :meth:`kill_workers` ends them at once; used
    as a context manager, leaving on an exception kills the workers before shutting down.
    """

    def __init__(self, workers: int) -> None:
        super().__init__(
            max_workers=workers, initializer=_ignore_terminal_signals, initargs=(os.getpid(),)
        )
        self.workers = workers

    def kill_workers(self) -> None:
        """Kill every worker now (SIGKILL) and wait for them to exit.

        A worker killed while it sent a result leaves half a message in the result pipe; the
        pool's manager thread then waits for the rest forever (and so would ``shutdown`` and
        the interpreter's exit), because this process holds the pipe's write end too. Closing
        that unused copy once the workers are dead turns the half message into end-of-file:
        the pool sees itself broken and its thread ends."""
        procs = list((self._processes or {}).values())
        for proc in procs:
            if proc.is_alive():
                proc.kill()
        for proc in procs:
            proc.join(timeout=10)
        queue = getattr(self, "_result_queue", None)
        writer = getattr(queue, "_writer", None)
        if writer is not None and not any(proc.is_alive() for proc in procs):
            with contextlib.suppress(OSError):
                writer.close()

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        with signals_held():  # a signal acts once the pool is shut down, not inside it
            if exc_type is not None:
                self.kill_workers()
            # never cancel_futures: after a kill, the pool itself fails every pending future
            self.shutdown(wait=True)


@dataclass(frozen=True)
class _Task:
    model: SimModel
    blocks: tuple[tuple[int, np.random.SeedSequence, int], ...]  # (index, seed, size)
    periods: int
    sink: BlockSink | None
    until: str = "horizon"


def _run_task(task: _Task) -> list[BlockStats]:
    stats = []
    for index, ss, size in task.blocks:
        o = simulate_block(
            task.model, size, task.periods, np.random.default_rng(ss), until=task.until
        )
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
    until: str = "horizon",
) -> SimulationResult:
    """Simulate ``runs`` runs of ``periods`` periods from the root ``seed``.

    ``until``: ``"horizon"`` (every run for every period) or ``"settlement"`` (each run until
    the end of the period in which it first signs its full settlement, or the horizon:
    P(agreement), its interval, the time to agreement and the terms are the default mode's,
    what follows a signature is not simulated and left out of the result, :data:`detente.
    simulate.results.NOT_SIMULATED`); recorded in the manifest's parameters when not the
    default.
    ``executor`` runs the chunks (``None``: in this process); ``chunk_size`` is the number of
    runs per chunk (default: one block at a time in this process, one block per task with an
    executor). A request beyond the memory or time budget is refused first
    (:func:`check_request`). Ctrl-C (``KeyboardInterrupt``) stops the run: the longest prefix
    of finished blocks is kept, unstarted chunks are cancelled, the workers of a
    :class:`LocalPool` are killed (running tasks of another executor are waited for), and the
    result has ``complete=False``; when no block had finished, the interrupt propagates.
    ``scenario_hash`` defaults to :func:`detente.manifest.scenario_sha256` of the scenario.
    """
    if runs < 1:
        raise InputError(f"runs must be at least 1, got {runs}")
    if periods < 1:
        raise InputError(f"periods must be at least 1, got {periods}")
    if seed < 0:
        raise InputError(f"seed must be a non-negative integer, got {seed}")
    check_until(until, InputError)
    model = build_model(scenario)
    workers = 1 if executor is None else _workers_of(executor)
    check_request(model, runs, periods, workers)
    n_blocks = math.ceil(runs / BLOCK)
    per_chunk = max(1, math.ceil((chunk_size or BLOCK) / BLOCK))

    def tasks() -> Iterator[_Task]:
        for c in range(0, n_blocks, per_chunk):
            blocks = tuple(
                (b, block_seed(seed, b), min(BLOCK, runs - b * BLOCK))
                for b in range(c, min(c + per_chunk, n_blocks))
            )
            yield _Task(model, blocks, periods, block_sink, until)

    acc = _Accumulator(runs, progress)
    complete = True
    try:
        if executor is None:
            for task in tasks():
                acc.add(_run_task(task))
        else:
            _run_on(executor, tasks(), acc, workers * IN_FLIGHT_PER_WORKER)
    except KeyboardInterrupt:
        complete = False
        if acc.total is None:
            raise
    total = acc.total
    assert total is not None
    parameters: dict[str, Any] = {
        "runs": runs,
        "periods": periods,
        "block": BLOCK,
        "strategies": list(model.strategies),
        "protocol": model.settings.protocol,
    }
    if until != "horizon":  # the default's manifest is unchanged
        parameters["until"] = until
    manifest = build_manifest(
        command="simulate",
        scenario_hash=scenario_hash or scenario_sha256(scenario),
        seed=seed,
        parameters=parameters,
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


def _workers_of(executor: Executor) -> int:
    n = getattr(executor, "_max_workers", None)
    return n if isinstance(n, int) and n > 0 else (os.cpu_count() or 1)


class _Accumulator:
    """Merges chunks' block statistics in block order and reports progress.

    The merged statistics and the number of blocks they hold change together, in one
    assignment, so an interrupt (raised between any two bytecodes) never separates them."""

    def __init__(self, runs: int, progress: Progress | None) -> None:
        self.runs = runs
        self.progress = progress
        self._state: tuple[BlockStats | None, int] = (None, 0)

    @property
    def total(self) -> BlockStats | None:
        """The statistics of the blocks merged so far."""
        return self._state[0]

    @property
    def blocks(self) -> int:
        """How many blocks are merged: blocks ``0 .. blocks - 1``."""
        return self._state[1]

    def add(self, stats: list[BlockStats]) -> None:
        for s in stats:
            total, blocks = self._state
            if total is None:
                self._state = (s, blocks + 1)
            else:  # merged into a copy, then swapped in: an interrupt never leaves half a merge
                merged = copy.deepcopy(total)
                merged.merge(s)
                self._state = (merged, blocks + 1)
            if self.progress is not None:
                self.progress(self._state[0].n, self.runs)


def _run_on(executor: Executor, tasks: Iterator[_Task], acc: _Accumulator, in_flight: int) -> None:
    """Run ``tasks`` on ``executor`` with at most ``in_flight`` submitted ahead, merging in
    order. On an interrupt or error, stop every task of the run before raising (see
    :func:`run_simulation`), after merging the finished prefix.

    A chunk leaves the queue only after it is merged, and each entry carries its first block's
    index, so an interrupt at any moment neither loses a finished chunk (and merges the next
    one in its place: a count of runs that is not a prefix) nor merges one twice."""
    pending: deque[tuple[int, Future[list[BlockStats]]]] = deque()

    def merge_first() -> None:
        acc.add(_result(pending[0][1]))
        pending.popleft()

    try:
        for task in tasks:
            with signals_held():  # never interrupted inside the executor's locks
                pending.append((task.blocks[0][0], executor.submit(_run_task, task)))
            while len(pending) >= in_flight:
                merge_first()
        while pending:
            merge_first()
    except BaseException:
        futures = [f for _, f in pending]
        if isinstance(executor, LocalPool):
            # no cancel() first: Python 3.11's pool fails on cancelled futures of a broken pool
            executor.kill_workers()
        else:  # not ours to kill: cancel what has not started, let running tasks finish
            for f in futures:
                f.cancel()
            wait_futures(futures)
        for first, f in pending:  # keep the finished prefix
            if first < acc.blocks:  # merged (or partly merged) before the interrupt
                continue
            if first != acc.blocks or not f.done() or f.cancelled() or f.exception() is not None:
                break
            acc.add(f.result())
        raise


def _result(f: Future[list[BlockStats]]) -> list[BlockStats]:
    """``f.result()``, waking every 0.2 s so that signal handlers run promptly: between two
    waits, never inside one (:func:`detente.core.interrupts.signals_held`), because an
    interrupt raised while ``concurrent.futures`` holds a future's lock leaves it held and the
    pool waits on it forever."""
    while True:
        with signals_held():
            done, _ = wait_futures([f], timeout=0.2)
            if done:
                return f.result()


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
    child = block_seed(seed, b)
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
