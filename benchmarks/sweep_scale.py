"""Scale of ``detente sweep``: serial vs local processes vs a Dask LocalCluster.

Usage::

    python benchmarks/sweep_scale.py [--samples 128] [--runs 500] [--periods 104]
        [--workers 2] [--backends serial,processes,dask] [--analyze | --no-analyze] [--out DIR]

The workload (the done-when run of issue 16): the 2025-11 reference snapshot, eight labelled
assumptions, a Sobol design of ``samples × (8 + 2)`` points (128 → 1,280 points), each point
analysed and simulated ``runs`` times. Each backend runs in its own Python process (so the
peak memory is that backend's), which prints one JSON line; the parent prints a summary and
checks that every backend wrote byte-identical ``results.parquet``.

Per backend: the planning time (loading the snapshot, starting the workers, validating every
point's scenario in them, the output probe), the run's wall time, the summed compute of the
points (their commands, measured in the workers), peak memory (the backend process's maximum
RSS, and the largest worker's from psutil), the load average (``os.getloadavg``; the machine
may be shared) and two overhead shares:

* ``per_point_overhead_share``, the done-when figure: what the sweep machinery adds to each
  point, over the point's compute — validating its scenario (before anything runs, in the
  workers), building its scenario again in the worker that runs it, and recording it in the
  catalog (in the parent) — each measured where it happens, summed over the points and divided
  by the summed compute.
* ``end_to_end_overhead_share``: every worker-second not spent computing a point —
  ``(workers × (planning + wall) − compute) / compute``; it adds the fixed costs (imports,
  loading, worker start-up, the probe, opening and closing the catalog), idle workers and, on
  a shared machine, time lost to other processes.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from detente.sweep import make_backend, plan_sweep, run_sweep
from detente.sweep.spec import SweepSpec

ROOT = Path(__file__).resolve().parents[1]

INPUTS = [
    {"path": "actors.UA.cost_of_fighting", "label": "UA weekly cost", "range": [0.003, 0.009]},
    {"path": "actors.RU.cost_of_fighting", "label": "RU weekly cost", "range": [0.002, 0.008]},
    {"path": "war.stalemate", "label": "chance the line holds", "range": [0.3, 0.9]},
    {"path": "war.truce_power_shift", "label": "truce power shift", "range": [0.0, 0.1]},
    {
        "path": "positions.RU.donetsk.acceptable[0]",
        "label": "RU Donetsk red line",
        "range": [60, 95],
    },
    {
        "path": "positions.UA.donetsk.acceptable[1]",
        "label": "UA Donetsk red line",
        "range": [50, 100],
    },
    {
        "path": "actors.UA.support.us_military_aid.level",
        "label": "US military aid level",
        "range": [0.0, 1.0],
    },
    {
        "path": "simulation.strategies.RU",
        "label": "RU strategy",
        "choices": ["peace_offensive", "tit_for_tat", "hardliner", "good_faith"],
    },
]


def _spec(samples: int, runs: int, periods: int, analyze: bool) -> SweepSpec:
    outputs = [
        "simulate.p_agreement",
        "simulate.mean_agreements_per_run",
        "simulate.mean_cost.UA",
        "simulate.mean_cost.RU",
        # the partial deals: the settlement is out of reach at every point of this design
        "simulate.agreements.ceasefire.p_agreement",
        "simulate.agreements.energy.p_agreement",
        "simulate.agreements.prisoner_exchange.p_agreement",
    ]
    discovery = [
        {"output": "simulate.agreements.ceasefire.p_agreement", "above": 0.5},
        {"output": "simulate.mean_cost.UA", "below": 0.45},
    ]
    if analyze:
        outputs += ["analyze.zone_exists", "analyze.red_line_gap"]
        discovery.append({"output": "analyze.red_line_gap", "below": 300})
    return SweepSpec.model_validate(
        {
            "sweep_version": 1,
            "name": "sweep_scale",
            "scenarios": ["scenarios/ukraine-2025-11.yaml"],
            "inputs": INPUTS,
            "design": {"kind": "sobol", "samples": samples},
            "commands": {"simulate": {"runs": runs, "periods": periods}}
            | ({"analyze": {}} if analyze else {}),
            "outputs": outputs,
            "discovery": discovery,
            "seed": 20261122,
        }
    )


class _WorkerPeak:
    """Largest RSS of any child process while the sweep runs (psutil, sampled every 0.5 s)."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import psutil

        me = psutil.Process()
        while not self._stop.is_set():
            for c in me.children(recursive=True):
                with contextlib.suppress(psutil.Error):
                    self.peak = max(self.peak, c.memory_info().rss)
            self._stop.wait(0.5)

    def __enter__(self) -> _WorkerPeak:
        self._t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._t.join()


def _one(name: str, args: argparse.Namespace) -> dict[str, Any]:
    """Plan and run the sweep on one backend (in this process); its figures."""
    spec = _spec(args.samples, args.runs, args.periods, args.analyze)
    cat = args.out / name
    shutil.rmtree(cat, ignore_errors=True)
    workers = 1 if name == "serial" else args.workers
    load_before = os.getloadavg()
    t0 = time.perf_counter()
    with _WorkerPeak() as wp, make_backend(name, workers=args.workers) as be:
        plan = plan_sweep(spec, base_dir=ROOT, backend=be)
        planning = time.perf_counter() - t0
        t = time.perf_counter()
        result = run_sweep(plan, cat, backend=be)
        wall = time.perf_counter() - t
    t = time.perf_counter()
    doc = result.to_dict()
    analysis = time.perf_counter() - t
    tm = result.timings
    compute = tm["compute_seconds"]
    per_point = tm["validation_work_seconds"] + tm["build_seconds"] + tm["catalog_seconds"]
    return {
        "backend": name,
        "workers": workers,
        "points": plan.points,
        "runs_per_point": args.runs,
        "periods": args.periods,
        "commands": "analyze + simulate" if args.analyze else "simulate",
        "planning_seconds": round(planning, 2),
        "validation_seconds": round(tm["validation_seconds"], 2),
        "validation_work_seconds": round(tm["validation_work_seconds"], 2),
        "wall_seconds": round(wall, 2),
        "analysis_seconds": round(analysis, 2),
        "compute_seconds": round(compute, 2),
        "compute_per_point_seconds": round(compute / plan.points, 3),
        "build_seconds": round(tm["build_seconds"], 2),
        "catalog_seconds": round(tm["catalog_seconds"], 2),
        "points_per_second": round(plan.points / (planning + wall), 3),
        "per_point_overhead_share": round(per_point / compute, 4),
        "end_to_end_overhead_share": round((workers * (planning + wall) - compute) / compute, 4),
        "peak_rss_main_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "peak_rss_worker_mb": round(wp.peak / 2**20, 1),
        "loadavg_before": [round(x, 2) for x in load_before],
        "loadavg_after": [round(x, 2) for x in os.getloadavg()],
        "sobol_records": len(doc["sobol"]),
        "rules": len(doc["rules"]),
        "results_sha256": hashlib.sha256((cat / "results.parquet").read_bytes()).hexdigest(),
        "example_rules": doc["rules"][:4],
        "example_sobol": sorted(doc["sobol"], key=lambda r: -float(r["ST"] or 0.0))[:6],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--samples", type=int, default=128)
    ap.add_argument("--runs", type=int, default=500)
    ap.add_argument("--periods", type=int, default=104)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--backends", default="serial,processes,dask")
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument(
        "--analyze",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also run the bargaining analysis at every point (about doubles the compute)",
    )
    ap.add_argument("--one", action="store_true", help=argparse.SUPPRESS)  # internal
    args = ap.parse_args()
    args.out = args.out or Path(tempfile.mkdtemp(prefix="sweep_scale_"))
    if args.one:
        print(json.dumps(_one(args.backends, args)), flush=True)
        return
    figures = []
    for name in args.backends.split(","):
        cmd = [sys.executable, __file__, "--one", "--backends", name, "--out", str(args.out)]
        cmd += ["--samples", str(args.samples), "--runs", str(args.runs)]
        cmd += ["--periods", str(args.periods), "--workers", str(args.workers)]
        cmd += ["--analyze" if args.analyze else "--no-analyze"]
        proc = subprocess.run(cmd, check=False, capture_output=True, text=True)
        if proc.returncode != 0:
            print(json.dumps({"backend": name, "error": proc.stderr[-2000:]}), flush=True)
            continue
        figures.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        print(json.dumps(figures[-1]), flush=True)
    summary = {
        "byte_identical": len({f["results_sha256"] for f in figures}) == 1,
        "backends": [f["backend"] for f in figures],
    }
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
