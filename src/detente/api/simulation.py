"""Front door to the simulation: ``simulate``, and the Parquet writer of per-run tables.

The engine (:func:`detente.simulate.run_simulation`) writes no files and chooses no executor;
here the integer ``workers`` becomes a process pool, and ``out`` a :class:`ParquetSink` that
each worker calls with the blocks it simulated (``runs-NNNNNN.parquet`` and
``paths-NNNNNN.parquet`` per block, tidy long tables), followed by ``manifest.json`` and
``summary.json``.

The folder always says what it holds: ``incomplete.json`` is written first and removed only
when the run completed, so a folder with ``summary.json`` and without the marker is a complete
run. An interrupted run keeps the longest prefix of finished blocks, removes every other block
and temporary file, and writes a summary counting exactly the blocks kept (``complete: false``)
next to the marker; a run stopped by an error, or before any block finished, removes all it
wrote. After SIGKILL (no code runs) the marker stays, every block file is whole (files are
renamed into place) and there is no summary; ``--overwrite`` clears such a folder. SIGINT and
SIGTERM are held while the folder is finished (:func:`detente.outputs.signals_held`), so they
never leave it between two of these states; one arriving after the run completed is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from detente.api.common import as_scenario, not_empty
from detente.api.results import Result, altair_chart, without_time
from detente.core import DEFAULT_SEED
from detente.errors import InputError
from detente.manifest import json_ready, scenario_sha256
from detente.outputs import MARKER

if TYPE_CHECKING:
    from detente.scenario.schema import Scenario
    from detente.simulate.engine import BlockOutput
    from detente.simulate.model import SimModel
    from detente.simulate.results import SimulationResult

__all__ = ["ParquetSink", "SimulationRun", "simulate"]

OUTPUT_FILES = r"(runs|paths)-\d{6}\.parquet|manifest\.json|summary\.json|incomplete\.json"
"""Names of the files ``simulate(out=...)`` writes (a regular expression)."""
_BLOCK = re.compile(r"(runs|paths)-(\d{6})\.parquet")
"""A block file of ``simulate(out=...)`` (group 2: its index)."""

# MARKER (``incomplete.json``, from :mod:`detente.outputs`): present while a simulation writes
# its folder, and after an interrupted one.

TABLES = (
    "fan",
    "agreement_by_period",
    "time_to_agreement",
    "survival",
    "terms",
    "agreements",
    "settlement_reasons",
)


@dataclass(frozen=True)
class ParquetSink:
    """Writes each block's runs as two tidy Parquet tables into ``directory`` (picklable).

    For runs simulated ``until="settlement"`` the runs table holds ``first_agreement``,
    ``stopped_at`` (the last period simulated) and the terms (what follows a signature is not
    simulated: no duration, breakdown, agreements count or costs), and the paths table each
    run's periods up to ``stopped_at`` only."""

    directory: str

    def __call__(self, index: int, m: SimModel, o: BlockOutput) -> None:
        import pyarrow as pa

        from detente.outputs import write_parquet
        from detente.simulate import BLOCK

        n = o.first_agreement.size
        run = np.arange(n, dtype=np.int64) + index * BLOCK
        cols: dict[str, np.ndarray[Any, Any]] = {
            "first_agreement": o.first_agreement.astype(np.float64)
        }
        if o.stopped_at is not None:
            cols["stopped_at"] = o.stopped_at.astype(np.float64)
        else:
            cols["agreement_duration"] = o.duration.astype(np.float64)
            cols["broke_down"] = o.broke.astype(np.float64)
            cols["agreements"] = o.agreements.astype(np.float64)
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
        periods = o.events.shape[0]
        pvars = list(o.paths)
        per = np.repeat(np.arange(periods, dtype=np.int32), n)
        runs_of = np.tile(run, periods)
        keep = None  # until="settlement": each run's periods up to its stop
        if o.stopped_at is not None:
            keep = per <= np.tile(o.stopped_at, periods)
            per, runs_of = per[keep], runs_of[keep]
        paths_table = pa.table(
            {
                "run": np.tile(runs_of, len(pvars)),
                "period": np.tile(per, len(pvars)),
                "variable": pa.array(np.repeat(pvars, per.size)).dictionary_encode(),
                "value": np.concatenate(
                    [
                        o.paths[v].ravel() if keep is None else o.paths[v].ravel()[keep]
                        for v in pvars
                    ]
                ),
            }
        )
        # paths first, then runs: a runs file on disk means its block is whole
        write_parquet(Path(self.directory) / f"paths-{index:06d}.parquet", paths_table)
        write_parquet(Path(self.directory) / f"runs-{index:06d}.parquet", runs_table)


@dataclass(frozen=True)
class SimulationRun(Result):
    """A simulation's aggregates (``detente simulate``).

    ``to_dict()`` is the CLI's JSON: the summary and the manifest without its time stamp (so
    a seed gives byte-identical JSON); ``manifest`` keeps the time. ``result`` is the engine's
    :class:`detente.simulate.SimulationResult` (fan bands, Kaplan–Meier curve, terms).
    ``to_pandas(table)`` gives one of the tidy tables: ``fan`` (default: variable, period,
    q05..q95), ``agreement_by_period``, ``time_to_agreement``, ``survival``, ``terms``,
    ``agreements`` (one row per bundle: P(agreement) with its interval, median time,
    P(breakdown within a year)) or ``settlement_reasons`` (share of runs per reason).
    A simulation ``until="settlement"`` has no ``fan`` nor ``survival`` (refused with the
    reason, :data:`detente.simulate.results.NOT_SIMULATED`).
    """

    result: SimulationResult = field(repr=False, kw_only=True)
    out: Path | None = field(default=None, kw_only=True)
    title = "Simulation"

    @property
    def complete(self) -> bool:
        """False when the run was interrupted (the finished blocks are kept)."""
        return self.result.complete

    def summary(self) -> dict[str, Any]:
        """The summary (P(agreement) with its interval, timing, durability, terms)."""
        return self.result.summary()

    def agreements(self) -> list[dict[str, Any]]:
        """One record per bundle (the settlement first, with its ``reasons``): P(agreement
        within the horizon) with its interval, median periods to agreement, P(breakdown within
        a year), terms quantiles on the bundle's issues."""
        return self.result.agreements()

    def records(self, table: str = "fan") -> list[dict[str, Any]]:
        r = self.result
        if table == "fan":
            return r.fan()
        if table == "agreement_by_period":
            return r.agreement_by_period()
        if table == "time_to_agreement":
            return r.time_to_agreement()
        if table == "survival":
            return r.survival()
        if table == "terms":
            return [{"issue": i, **qs} for i, qs in r.terms().items()]
        if table == "agreements":
            return [
                {k: v for k, v in a.items() if k not in ("terms", "reasons", "issues")}
                | {"issues": " ".join(a["issues"])}
                for a in r.agreements()
            ]
        if table == "settlement_reasons":
            return [{"reason": k, "share": v} for k, v in r.settlement_reasons()["shares"].items()]
        raise InputError(f"unknown table {table!r}; expected one of {', '.join(TABLES)}")

    def to_pandas(self, table: str = "fan") -> Any:
        """One tidy table as a pandas DataFrame (see the class docstring)."""
        import pandas as pd

        return pd.DataFrame.from_records(self.records(table))

    def to_arrow(self, table: str = "fan") -> Any:
        """One tidy table as an Arrow table (see the class docstring). Its columns are the
        union of every row's keys, in the order they first appear (a key only some rows have,
        e.g. an agreements row's ``term`` or ``in_force_at_start``, is null in the others;
        nested records become structs of the union of their fields)."""
        import pyarrow as pa

        rows = self.records(table)
        keys = list(dict.fromkeys(k for row in rows for k in row))
        return pa.Table.from_pydict({k: [row.get(k) for row in rows] for k in keys})

    def chart(self, variable: str | None = None) -> Any:
        """P(agreement by period) with its 95 % band; with ``variable`` (e.g. ``line.donetsk``,
        ``trust.RU``), the fan chart of that trajectory (50 % and 90 % bands, median)."""
        from detente.report.sections.simulate import agreement_chart, fan_chart

        if variable is None:
            return altair_chart(agreement_chart(self.result.agreement_by_period()))
        fan = self.result.fan()
        known = sorted({r["variable"] for r in fan})
        if variable not in known:
            raise InputError(f"unknown variable {variable!r}; expected one of {', '.join(known)}")
        return altair_chart(fan_chart(fan, variable, variable))


def simulate(
    scenario: Scenario | str | Path,
    *,
    runs: int = 2000,
    seed: int = DEFAULT_SEED,
    periods: int = 104,
    workers: int = 1,
    executor: Executor | None = None,
    out: str | Path | None = None,
    progress: Callable[[int, int], None] | None = None,
    overwrite: bool = False,
    until: str = "horizon",
) -> SimulationRun:
    """Simulate talks while fighting: agreement odds, timing, terms and durability.

    ``until="settlement"`` stops each run at the end of the period in which it first signs
    its full settlement (or at the horizon ``periods``): it answers "will they agree, when,
    on what terms" (P(agreement), its interval, the time to agreement, the terms, the
    reasons: the default mode's figures for the same seed) without simulating what follows;
    what it leaves out (breakdown, costs, agreements counted, partial bundles, fan, survival)
    is null in the summary, with the reason in its ``not_simulated``. The default,
    ``"horizon"``, simulates every run to the horizon.

    ``workers`` > 1 runs a local process pool (or pass any ``concurrent.futures.Executor`` as
    ``executor``); the result is byte-identical for any number of workers. ``out`` streams the
    per-run tables to Parquet in that directory, with ``manifest.json`` and ``summary.json``.
    ``progress(done, total)`` is called as blocks of runs finish. Ctrl-C stops the run and
    keeps the finished blocks (``complete`` is then False).

    ``out`` must be a new or empty folder; an existing output of ``simulate`` is replaced only
    with ``overwrite=True``, which first removes all its files (so the folder never holds more
    blocks than its summary counts). A folder holding anything else is refused. The folder's
    ``manifest.json`` records each file's bytes and SHA-256 (``files``), and ``overwrite``
    refuses, removing nothing, when a file is not as the earlier run wrote it (edited, or not
    listed); a folder written by an older detente (no ``files``) is replaced unchecked.
    """
    from detente.api.numbers import PERIODS, RUNS, SEED, WORKERS, whole
    from detente.outputs import prepare_output_dir, signals_held
    from detente.simulate import run_simulation
    from detente.simulate.runner import LocalPool

    not_empty(out, "out", "--out")
    runs, seed = whole(runs, RUNS), whole(seed, SEED)
    periods, workers = whole(periods, PERIODS), whole(workers, WORKERS)
    from detente.simulate.engine import check_until

    check_until(until, InputError)
    s = as_scenario(scenario)
    digest = scenario_sha256(s)
    inputs = [scenario] if isinstance(scenario, str | Path) else []
    directory = (
        None
        if out is None
        else prepare_output_dir(
            out, OUTPUT_FILES, overwrite=overwrite, inputs=inputs, command="simulate"
        )
    )
    sink = None if directory is None else ParquetSink(str(directory))
    request: dict[str, Any] = {
        "runs": runs,
        "seed": seed,
        "periods": periods,
        "scenario_sha256": digest,
    }
    if until != "horizon":
        request["until"] = until

    def run(ex: Executor | None) -> SimulationResult:
        return run_simulation(
            s,
            runs,
            seed,
            periods,
            executor=ex,
            progress=progress,
            block_sink=sink,
            scenario_hash=digest,
            until=until,
        )

    if directory is not None:
        _mark(directory, request, "running", "detente simulate is writing this folder")
    try:
        if executor is not None or workers == 1:
            result = run(executor)
        else:
            with LocalPool(workers) as pool:
                result = run(pool)
    except BaseException:  # nothing kept (an error, or stopped before a block finished)
        if directory is not None:
            with signals_held():
                _keep_blocks(directory, 0)
                (directory / MARKER).unlink(missing_ok=True)
        raise
    if directory is None:
        summary = result.summary()
    else:
        # the folder is finished with signals held, so it is never left between states (a
        # complete summary next to the marker, blocks without a summary)
        finished = False
        try:
            with signals_held() as held:
                summary = _finish(directory, result, request, runs, held)
                finished = True
        except KeyboardInterrupt:
            if finished:  # held while the folder was finished, delivered after: it stops
                raise
            # it landed after the run returned and before the signals were held: the folder
            # is finished all the same (its blocks are done); a complete run drops it, as a
            # signal held while finishing is dropped, and an interrupted one stops
            with signals_held() as held:
                summary = _finish(directory, result, request, runs, held)
                held.clear()
            if not result.complete:
                raise
    doc = json_ready(summary | {"manifest": without_time(result.manifest)})
    return SimulationRun(doc, result.manifest, result=result, out=directory)


def _finish(
    directory: Path,
    result: SimulationResult,
    request: dict[str, Any],
    runs: int,
    held: list[int],
) -> dict[str, Any]:
    """Finish ``directory`` for ``result`` (the caller holds the signals): keep exactly the
    counted blocks, write the manifest and the summary, and remove the marker (a complete
    run: a signal ``held`` meanwhile came too late to stop it and is dropped) or mark the
    folder interrupted. Idempotent. Returns the summary."""

    from detente.manifest import content_hash, file_hash, to_json
    from detente.outputs import write_bytes, write_json
    from detente.simulate import BLOCK

    summary = result.summary()
    kept = -(-result.stats.n // BLOCK)
    _keep_blocks(directory, kept)
    # the folder's manifest records each file's bytes and SHA-256, so a later --overwrite
    # removes only files still as this run wrote them (detente.outputs.prepare_output_dir)
    written = {"summary.json": (to_json(summary) + "\n").encode("utf-8")}
    blocks = sorted(e.name for e in directory.iterdir() if _BLOCK.fullmatch(e.name))
    hashed = {n: (len(b), content_hash(b)) for n, b in written.items()}
    for name in blocks:  # file by file, in chunks: memory does not grow with runs or periods
        hashed[name] = file_hash(directory / name)
    records = [{"path": n, "bytes": b, "sha256": h} for n, (b, h) in sorted(hashed.items())]
    write_json(directory / "manifest.json", result.manifest | {"files": records})
    write_bytes(directory / "summary.json", written["summary.json"])
    if result.complete:
        (directory / MARKER).unlink(missing_ok=True)
        held.clear()  # the run was complete before the signal: nothing to stop
    else:
        _mark(
            directory,
            request,
            "interrupted",
            f"interrupted: kept {result.stats.n} of {runs} runs (blocks 0..{kept - 1}); "
            "summary.json counts exactly these",
        )
    return summary


def _mark(directory: Path, request: dict[str, Any], status: str, note: str) -> None:
    """Write the ``incomplete.json`` marker (atomically)."""
    from detente.outputs import write_json

    write_json(
        directory / MARKER, {"command": "simulate", "status": status, "note": note, **request}
    )


def _keep_blocks(directory: Path, kept: int) -> None:
    """Remove block files of index ``kept`` and above, and the temporary files of simulate's
    own names (:func:`detente.outputs.write_bytes`'s; no other file)."""
    import re

    from detente.outputs import temporary_names

    block = _BLOCK
    temp = re.compile(temporary_names(OUTPUT_FILES))
    for entry in directory.iterdir():
        m = block.fullmatch(entry.name)
        if (m is not None and int(m.group(2)) >= kept) or temp.fullmatch(entry.name):
            entry.unlink(missing_ok=True)
