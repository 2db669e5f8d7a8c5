"""Plan and run a sweep: validate every point, run the missing ones, analyse the results.

The engine writes only inside its catalog directory (through :mod:`detente.sweep.catalog`);
progress is a callback ``progress(done, total, elapsed_seconds)``; the backend is passed in.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from detente.errors import InputError
from detente.scenario.load import Problem, ScenarioError
from detente.sweep.backends import Backend, SerialBackend
from detente.sweep.design import Factor, Plan, make_design
from detente.sweep.evaluate import PointResult, PointTask, evaluate_point
from detente.sweep.spec import SweepSpec, located

__all__ = ["Progress", "SweepPlan", "SweepResult", "plan_sweep", "run_sweep"]

Progress = Callable[[int, int, float], None]


@dataclass(frozen=True)
class SweepPlan:
    """A validated sweep: the design, one task per point, and what the catalog records."""

    spec: SweepSpec
    spec_sha256: str
    spec_json: str
    scenario_files: tuple[str, ...]
    scenario_sha256: tuple[str, ...]
    bases: tuple[dict[str, Any], ...]
    design: Plan
    tasks: tuple[PointTask, ...]
    outputs: tuple[str, ...]
    base_values: tuple[Any, ...]
    validation_seconds: float = 0.0  # wall time of the validation pass (incl. worker start-up)
    validation_work_seconds: float = 0.0  # summed time the points' validation took in workers
    # until: settlement: the outputs it leaves out (name or prefix → reason; empty by default)
    not_simulated: Mapping[str, str] = field(default_factory=dict)

    @property
    def until(self) -> str:
        """How long each run is simulated (``simulate.until``; ``"horizon"`` by default)."""
        sim = self.spec.commands.simulate
        return "horizon" if sim is None else sim.until

    @property
    def points(self) -> int:
        return len(self.tasks)

    def catalog_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "point": t.point,
                "scenario": self.scenario_files[t.base],
                "scenario_sha256": self.scenario_sha256[t.base],
                "inputs": dict(zip(self.input_names, self.design.values[t.point], strict=True)),
                "seed": t.seed,
            }
            for t in self.tasks
        ]

    @property
    def input_names(self) -> list[str]:
        return [f.name for f in self.design.factors]


@dataclass
class SweepResult:
    """A finished (or partly finished) sweep and its analyses."""

    plan: SweepPlan
    completed: int
    outputs: dict[int, dict[str, float | None]]
    timings: dict[str, float] = field(default_factory=dict)
    catalog: str | None = None

    def table(self) -> list[dict[str, Any]]:
        """One record per finished point: point, seed, inputs, outputs (sorted by point)."""
        rows = []
        for p in sorted(self.outputs):
            t = self.plan.tasks[p]
            row: dict[str, Any] = {"point": p, "seed": t.seed}
            row |= dict(zip(self.plan.input_names, self.plan.design.values[p], strict=True))
            row |= {o: self.outputs[p].get(o) for o in self.plan.outputs}
            rows.append(row)
        return rows

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of ``detente sweep`` (no time stamps: same seed, same bytes)."""
        from detente.sweep.analysis import discovery_records, sobol_records, tornado_records

        rules, prim = discovery_records(self)
        spec = self.plan.spec
        settled = self.plan.until == "settlement"
        return {
            "name": spec.name,
            "design": spec.design.kind,
            "points": self.plan.points,
            "completed": self.completed,
            "inputs": [
                {
                    "name": f.name,
                    "path": f.path,
                    "range": None if f.discrete else [f.low, f.high],
                    "choices": list(f.choices) if f.choices is not None else None,
                }
                for f in self.plan.design.factors
            ],
            "outputs": list(self.plan.outputs),
            "sobol": sobol_records(self),
            "tornado": tornado_records(self),
            "rules": rules,
            "prim_trajectory": prim,
            "manifest": {
                "command": "sweep",
                "spec_sha256": self.plan.spec_sha256,
                "scenario_sha256": dict(
                    zip(self.plan.scenario_files, self.plan.scenario_sha256, strict=True)
                ),
                "seed": spec.seed,
                "random_numbers": spec.random_numbers,
                "detente": _version(),
            }
            | ({"until": "settlement"} if settled else {}),
        } | (  # said only in this mode: the default document is unchanged
            {"until": "settlement", "not_simulated": dict(self.plan.not_simulated)}
            if settled
            else {}
        )


def _version() -> str:
    from detente import __version__

    return str(__version__)


def _point_seed(root: int, point: int, mode: str) -> int:
    from detente.core import named_seed

    seq = (
        named_seed(root, "sweep", "common")
        if mode == "common"
        else named_seed(root, "sweep", "point", str(point))
    )
    return int(seq.generate_state(1, dtype="uint64")[0] >> 1)  # < 2**63


def plan_sweep(
    spec: SweepSpec,
    *,
    base_dir: Path,
    tree: Any = None,
    name: str = "",
    backend: Backend | None = None,
) -> SweepPlan:
    """Load the base scenarios, build the design, and validate every point's scenario.

    With a ``backend``, the points are validated in its workers (the same workers then run
    the sweep); without one, in this process.
    """
    from detente.manifest import content_hash
    from detente.scenario import load_scenario
    from detente.sweep.evaluate import (
        build_scenario,
        not_simulated_outputs,
        not_simulated_reason,
        output_names,
    )
    from detente.sweep.paths import get_value

    def err(loc: list[Any], message: str) -> ScenarioError:
        if tree is None:
            return ScenarioError([Problem(name or "<sweep>", 0, 0, "", message)])
        return located(tree, name, loc, message)

    files, hashes, bases = [], [], []
    for k, rel in enumerate(spec.scenarios):
        path = (base_dir / rel).resolve()
        if not path.is_file():
            raise err(["scenarios", k], f"scenario file not found: {path}")
        sc = load_scenario(path)
        files.append(rel)
        hashes.append(content_hash(path.read_bytes()))
        # Python-mode data (dates, enums as objects): validating it again is ~20 % cheaper than
        # JSON-mode data, and gives the same scenario.
        bases.append(sc.model_dump())
        if k == 0:
            first_json = sc.model_dump(mode="json")  # plain JSON values for the base values
    factors = [Factor.of(i) for i in spec.inputs]
    base_values = []
    for k, i in enumerate(spec.inputs):
        try:
            base_values.append(get_value(first_json, i.path))
        except InputError as exc:
            raise err(["inputs", k, "path"], str(exc)) from None
    if len(files) > 1:
        factors.insert(0, Factor("scenario", None, None, None, tuple(files)))
        base_values.insert(0, files[0])
    design = make_design(
        spec.design.kind,
        factors,
        samples=spec.design.samples,
        levels=spec.design.levels,
        seed=spec.seed,
        base_values=base_values,
    )
    commands: dict[str, Any] = {}
    if spec.commands.analyze is not None:
        commands["analyze"] = {}
    if spec.commands.simulate is not None:
        commands["simulate"] = spec.commands.simulate.model_dump()
        if commands["simulate"]["until"] == "horizon":  # the default: tasks as before
            del commands["simulate"]["until"]
    tasks = []
    offset = 1 if len(files) > 1 else 0
    for p, vals in enumerate(design.values):
        base = files.index(vals[0]) if offset else 0
        changes = tuple(
            (f.path, v) for f, v in zip(factors[offset:], vals[offset:], strict=True) if f.path
        )
        tasks.append(
            PointTask(p, base, changes, _point_seed(spec.seed, p, spec.random_numbers), commands)
        )
    # Every point's scenario is validated before anything runs (identical points once), in
    # chunks on the backend's workers when one is given.
    t_val = time.perf_counter()
    shared = tuple(bases)  # one object: a backend reuses its workers for the run
    problems, validation_work = validate_all(shared, tasks, backend)
    if problems:
        raise err(["inputs"], problems[0])
    validation_seconds = time.perf_counter() - t_val
    left_out = not_simulated_outputs(build_scenario(bases[0], ()), commands)
    for k, o in enumerate(spec.outputs):
        why = not_simulated_reason(o, left_out)
        if why is not None:
            raise err(
                ["outputs", k],
                f"output {o!r} is not given with `simulate: {{until: settlement}}`: {why}; "
                "remove it from `outputs` or simulate until the horizon",
            )
    wanted = tuple(spec.outputs)
    known = output_names(build_scenario(bases[0], ()), commands, wanted)
    if any(o not in known for o in wanted):
        known = output_names(build_scenario(bases[0], ()), commands)
    for k, o in enumerate(spec.outputs):
        if o not in known:
            raise err(["outputs", k], f"unknown output {o!r}; available: {', '.join(known)}")
    for k, d in enumerate(spec.discovery):
        if d.output not in spec.outputs:
            raise err(["discovery", k, "output"], f"{d.output!r} is not in `outputs`")
    dumped = spec.model_dump(mode="json")
    if spec.commands.simulate is not None and spec.commands.simulate.until == "horizon":
        del dumped["commands"]["simulate"]["until"]  # the default: same hash as before
    spec_json = json.dumps(dumped, sort_keys=True)
    spec_hash = hashlib.sha256((spec_json + json.dumps(hashes)).encode("utf-8")).hexdigest()
    return SweepPlan(
        spec,
        spec_hash,
        spec_json,
        tuple(files),
        tuple(hashes),
        shared,
        design,
        tuple(tasks),
        tuple(spec.outputs),
        tuple(base_values),
        validation_seconds,
        validation_work,
        left_out,
    )


def validate_all(
    bases: tuple[dict[str, Any], ...], tasks: list[PointTask], backend: Backend | None = None
) -> tuple[list[str], float]:
    """The problems of the points' scenarios, lowest point first (empty: all valid).

    Also returns the seconds the validation took in the workers (summed).

    Points with the same scenario (same base, same changes) are validated once. With a
    backend, chunks of points are validated in its workers (in parallel).
    """
    from detente.sweep.evaluate import validate_points

    seen: set[str] = set()
    distinct: list[PointTask] = []
    for t in tasks:
        key = json.dumps([t.base, t.changes], sort_keys=True, default=str)
        if key not in seen:
            seen.add(key)
            distinct.append(t)
    be = backend or SerialBackend()
    size = max(1, min(64, -(-len(distinct) // (4 * max(1, be.workers)))))
    chunks = [tuple(distinct[i : i + size]) for i in range(0, len(distinct), size)]
    found: list[tuple[int, str]] = []
    work = 0.0
    for res, seconds in be.run(validate_points, bases, chunks):
        found.extend((p, msg) for p, msg in res if msg is not None)
        work += seconds
    return [msg for _, msg in sorted(found)], work


def run_sweep(
    plan: SweepPlan,
    catalog: str | Path | None = None,
    *,
    backend: Backend | None = None,
    resume: bool = False,
    progress: Progress | None = None,
) -> SweepResult:
    """Run the points not yet in the catalog; return the sweep's results.

    Without a catalog the sweep runs in memory. With one, each finished point is stored at once
    (atomically), so an interrupted sweep continues with ``resume=True``.
    """
    from detente.sweep.catalog import Catalog

    t_start = time.perf_counter()
    cat = Catalog(catalog) if catalog is not None else None
    done: set[int] = set()
    if cat is not None:
        done = cat.open(
            spec_sha256=plan.spec_sha256,
            name=plan.spec.name,
            spec_json=plan.spec_json,
            rows=plan.catalog_rows(),
            resume=resume,
            version=_version(),
        )
    outputs: dict[int, dict[str, float | None]] = {}
    todo = [t for t in plan.tasks if t.point not in done]
    total = plan.points
    compute = build = catalog_seconds = 0.0
    try:
        be = backend or SerialBackend()
        t_run = time.perf_counter()
        if progress is not None:
            progress(len(done), total, 0.0)
        last = time.perf_counter()
        for res in be.run(evaluate_point, plan.bases, todo):
            assert isinstance(res, PointResult)
            now = time.perf_counter()
            kept = {o: res.outputs.get(o) for o in plan.outputs}
            compute += res.compute_seconds
            build += res.build_seconds
            if cat is not None:
                t_cat = time.perf_counter()
                cat.record(
                    res.point,
                    plan.tasks[res.point].seed,
                    kept,
                    {
                        "finished": time.time(),
                        "seconds": now - last,
                        "compute_seconds": res.compute_seconds,
                        "build_seconds": res.build_seconds,
                        "detente": _version(),
                    },
                )
                catalog_seconds += time.perf_counter() - t_cat
            last = now
            outputs[res.point] = kept
            done.add(res.point)
            if progress is not None:
                progress(len(done), total, time.perf_counter() - t_run)
        if cat is not None:
            missing = done - set(outputs)
            outputs |= cat.outputs(sorted(missing))
        result = SweepResult(
            plan, len(done), outputs, catalog=None if catalog is None else str(catalog)
        )
        if cat is not None:
            cat.write_results(results_parquet(result))
    finally:
        if cat is not None:
            cat.close()
    result.timings = {
        "wall_seconds": time.perf_counter() - t_start,
        "compute_seconds": compute,
        "build_seconds": build,
        "catalog_seconds": catalog_seconds,
        "validation_seconds": plan.validation_seconds,
        "validation_work_seconds": plan.validation_work_seconds,
        "points_run": float(len(todo)),
    }
    return result


def results_parquet(result: SweepResult) -> bytes:
    """The results table as Parquet bytes (deterministic: no time stamps)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = result.table()
    plan = result.plan
    cols: dict[str, Any] = {
        "point": pa.array([r["point"] for r in rows], pa.int32()),
        "seed": pa.array([r["seed"] for r in rows], pa.uint64()),
    }
    for f in plan.design.factors:
        vals = [r[f.name] for r in rows]
        if f.discrete:
            cols[f.name] = pa.array([json.dumps(v) if not isinstance(v, str) else v for v in vals])
        else:
            cols[f.name] = pa.array(vals, pa.float64())
    for o in plan.outputs:
        cols[o] = pa.array([r[o] for r in rows], pa.float64())
    meta = {b"detente.sweep": json.dumps({"spec_sha256": plan.spec_sha256}).encode()}
    table = pa.table(cols).replace_schema_metadata(meta)
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    return bytes(sink.getvalue().to_pybytes())


def result_from_mapping(
    plan: SweepPlan, outputs: Mapping[int, Mapping[str, float | None]]
) -> SweepResult:
    """A result from stored outputs (for analyses of an existing catalog)."""
    return SweepResult(plan, len(outputs), {k: dict(v) for k, v in outputs.items()})
