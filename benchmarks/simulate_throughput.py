"""Full-scenario throughput of ``detente simulate``: runs × periods per second, peak memory.

Usage::

    python benchmarks/simulate_throughput.py [SCENARIO] [--runs 100000] [--periods 104]
        [--workers 2] [--seed 1]

SCENARIO defaults to ``scenarios/ukraine-2026-06.yaml`` (the latest Russia–Ukraine snapshot)
and falls back to the test fixture if that file does not exist. Prints JSON with the wall
time, run-periods per second, and peak resident memory of this process and of its worker
processes (``getrusage`` maximum RSS; the children's figure is the largest single child
process, which on Linux includes memory inherited at fork). Total peak ≤ main + workers ×
largest child.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

from detente.api import simulate
from detente.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "scenarios" / "ukraine-2026-06.yaml"
FALLBACK = ROOT / "tests" / "simulate" / "fixtures" / "two_sides.yaml"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("scenario", nargs="?", type=Path, default=None)
    p.add_argument("--runs", type=int, default=100_000)
    p.add_argument("--periods", type=int, default=104)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    path = a.scenario or (DEFAULT if DEFAULT.is_file() else FALLBACK)
    sc = load_scenario(path)
    t0 = time.perf_counter()
    r = simulate(sc, runs=a.runs, seed=a.seed, periods=a.periods, workers=a.workers).result
    wall = time.perf_counter() - t0
    s = r.summary()
    self_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "scenario": str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path),
                "runs": a.runs,
                "periods": a.periods,
                "workers": a.workers,
                "cpus_available": len(os.sched_getaffinity(0)),
                "seconds": round(wall, 2),
                "run_periods_per_s": round(a.runs * a.periods / wall),
                "peak_rss_mb_main": round(self_mb),
                "peak_rss_mb_largest_child": round(child_mb),
                "p_agreement": s["p_agreement"],
                "median_periods_to_agreement": s["median_periods_to_agreement"],
                "python": sys.version.split()[0],
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
