"""Benchmark: backtest every registered forecast model on 400 synthetic issues × 30 actors.

Run from the repository root (one core):

    .venv/bin/python benchmarks/forecast_backtest.py [--issues 400] [--actors 30] [--folds 5]

Prints JSON: seconds per model (fitting in folds included), the harness total (screening,
folds, bootstrap, residuals) and the wall time of the whole backtest. Target: total < 10 s.
"""

from __future__ import annotations

import argparse
import json
import platform
import time

from detente.forecast import run_backtest
from detente.forecast.base import default_models
from detente.forecast.synthetic import synthetic_issues


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=400)
    parser.add_argument("--actors", type=int, default=30)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    issues = synthetic_issues(args.issues, args.actors, truth="mean", noise=8.0, seed=args.seed)
    t0 = time.perf_counter()
    result = run_backtest(issues, default_models(), folds=args.folds, seed=args.seed)
    total = time.perf_counter() - t0
    per_model = {name: round(s.seconds, 3) for name, s in result.scores.items()}
    print(
        json.dumps(
            {
                "issues": args.issues,
                "actors": args.actors,
                "folds": args.folds,
                "bootstrap": result.bootstrap,
                "seconds_per_model": per_model,
                "seconds_harness_overhead": round(total - sum(per_model.values()), 3),
                "seconds_total": round(total, 3),
                "mae": {name: round(s.mae, 3) for name, s in result.scores.items()},
                "python": platform.python_version(),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
