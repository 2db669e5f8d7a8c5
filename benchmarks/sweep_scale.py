"""Scale of ``detente sweep``: serial vs local processes vs a Dask LocalCluster.

Usage::

    python benchmarks/sweep_scale.py [--samples 128] [--runs 500] [--periods 104]
        [--workers 2] [--backends serial,processes,dask] [--out DIR]

The workload (the done-when run of issue 16): the 2025-11 reference snapshot, eight labelled
assumptions, a Sobol design of ``samples × (8 + 2)`` points (128 → 1,280 points), each point
analysed and simulated ``runs`` times. For each backend it prints JSON with the wall time,
the summed compute time of the points (analysis + simulation, measured in the workers), the
planning time (loading and validating every point's scenario), peak memory (this process's
maximum RSS; and the largest worker's, from psutil while it runs), and the sweep overhead per
point: ``(planning + wall − compute / workers) / compute`` with compute shared over the
workers — catalog writes, validation, scheduling and result transfer as a share of compute.
It also checks that every backend gives byte-identical ``results.parquet``.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import resource
import shutil
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


def _spec(samples: int, runs: int, periods: int) -> SweepSpec:
    return SweepSpec.model_validate(
        {
            "sweep_version": 1,
            "name": "sweep_scale",
            "scenarios": ["scenarios/ukraine-2025-11.yaml"],
            "inputs": INPUTS,
            "design": {"kind": "sobol", "samples": samples},
            "commands": {"analyze": {}, "simulate": {"runs": runs, "periods": periods}},
            "outputs": [
                "simulate.p_agreement",
                "simulate.mean_agreements_per_run",
                "simulate.mean_cost.UA",
                "analyze.zone_exists",
                "analyze.red_line_gap",
            ],
            "discovery": [{"output": "analyze.red_line_gap", "below": 300}],
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--samples", type=int, default=128)
    ap.add_argument("--runs", type=int, default=500)
    ap.add_argument("--periods", type=int, default=104)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--backends", default="serial,processes,dask")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    spec = _spec(args.samples, args.runs, args.periods)
    t0 = time.perf_counter()
    plan = plan_sweep(spec, base_dir=ROOT)
    planning = time.perf_counter() - t0
    out = args.out or Path(tempfile.mkdtemp(prefix="sweep_scale_"))
    hashes: dict[str, str] = {}
    report: dict[str, Any] = {
        "points": plan.points,
        "inputs": len(INPUTS),
        "runs_per_point": args.runs,
        "periods": args.periods,
        "planning_seconds": round(planning, 2),
        "backends": {},
    }
    for name in args.backends.split(","):
        cat = out / name
        shutil.rmtree(cat, ignore_errors=True)
        workers = 1 if name == "serial" else args.workers
        with _WorkerPeak() as wp, make_backend(name, workers=args.workers) as be:
            t = time.perf_counter()
            result = run_sweep(plan, cat, backend=be)
            wall = time.perf_counter() - t
        doc = result.to_dict()
        compute = result.timings["compute_seconds"]
        hashes[name] = hashlib.sha256((cat / "results.parquet").read_bytes()).hexdigest()
        report["backends"][name] = {
            "workers": workers,
            "wall_seconds": round(wall, 2),
            "compute_seconds": round(compute, 2),
            "points_per_second": round(plan.points / wall, 2),
            "overhead_share": round((planning + wall - compute / workers) / compute, 4),
            "peak_rss_main_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "peak_rss_worker_mb": round(wp.peak / 2**20, 1),
            "sobol_records": len(doc["sobol"]),
            "rules": len(doc["rules"]),
        }
        print(json.dumps({name: report["backends"][name]}), flush=True)
    report["byte_identical"] = len(set(hashes.values())) == 1
    report["example_rules"] = doc["rules"][:3]
    report["example_sobol"] = [r for r in doc["sobol"] if r["output"] == "analyze.red_line_gap"]
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
