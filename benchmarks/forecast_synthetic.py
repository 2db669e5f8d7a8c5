"""Out-of-fold MAE of every forecast model on three synthetic truths (the docs' table).

Run from the repository root:

    .venv/bin/python benchmarks/forecast_synthetic.py [--issues 300] [--actors 12]
        [--noise 8] [--folds 5] [--seed 7] [--bootstrap 2000]

For each data-generating process of ``detente.forecast.synthetic`` (``mean``, ``median``,
``sq-pull``, ``coded``) it draws ``--issues`` issues × ``--actors`` actors with outcome = truth +
N(0, ``--noise``) (synthetic seed ``--seed``), backtests every registered model with
``--folds`` folds (backtest seed ``--seed``, ``--bootstrap`` paired resamples) and prints a
Markdown table (MAE, then MAE − MAE(compromise) with its 95 % paired bootstrap interval and,
for tunable models, the range of the parameter fitted across folds), followed by the full
results as JSON. This is the table in ``docs/explanation/forecast-models.md``.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from detente.forecast import BASELINE, BacktestResult, run_backtest
from detente.forecast.base import default_models
from detente.forecast.synthetic import Truth, synthetic_issues

TRUTHS: dict[Truth, str] = {
    "mean": "truth = mean",
    "median": "truth = median",
    "sq-pull": "truth = 0.7 mean + 0.3 status quo",
    "coded": "truth = mean of true positions, coded with error",
}


def _param_range(result: BacktestResult, model: str) -> dict[str, list[float]] | None:
    """Min and max of each fitted parameter across folds (None for a non-tunable model)."""
    tuned = result.scores[model].tuned_parameters
    if tuned is None:
        return None
    keys = [k for k in tuned[0] if k != "fold"]
    return {k: [min(p[k] for p in tuned), max(p[k] for p in tuned)] for k in keys}


def _cell(result: BacktestResult, model: str) -> str:
    score = result.scores[model]
    if model == BASELINE:
        return f"{score.mae:.2f}"
    d = score.mae_diff_vs_compromise
    text = f"{score.mae:.2f} ({d['estimate']:+.2f} [{d['low']:+.2f}, {d['high']:+.2f}]"
    params = _param_range(result, model)
    if params:
        parts = []
        for k, (lo, hi) in params.items():
            parts.append(f"{k} = {lo:.3g}" if lo == hi else f"{k} = {lo:.3g}–{hi:.3g}")
        text += "; " + ", ".join(parts)
    return text + ")"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--issues", type=int, default=300)
    parser.add_argument("--actors", type=int, default=12)
    parser.add_argument("--noise", type=float, default=8.0)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--bootstrap", type=int, default=2000)
    args = parser.parse_args()
    models = default_models()
    results: dict[str, BacktestResult] = {}
    for truth in TRUTHS:
        issues = synthetic_issues(
            args.issues, args.actors, truth=truth, noise=args.noise, seed=args.seed
        )
        results[truth] = run_backtest(
            issues, models, folds=args.folds, seed=args.seed, bootstrap=args.bootstrap
        )
    names = list(results["mean"].scores)
    print("| model | " + " | ".join(TRUTHS.values()) + " |")
    print("|---" * (len(TRUTHS) + 1) + "|")
    for name in names:
        print(f"| {name} | " + " | ".join(_cell(results[t], name) for t in TRUTHS) + " |")
    print()
    print("| model | " + " | ".join(f"coverage 50/90, {t}" for t in TRUTHS) + " |")
    print("|---" * (len(TRUTHS) + 1) + "|")
    for name in names:
        cells = [
            f"{results[t].scores[name].coverage_50:.2f} / {results[t].scores[name].coverage_90:.2f}"
            for t in TRUTHS
        ]
        print(f"| {name} | " + " | ".join(cells) + " |")
    print()
    payload: dict[str, Any] = {
        "settings": {
            "issues": args.issues,
            "actors": args.actors,
            "noise": args.noise,
            "folds": args.folds,
            "seed": args.seed,
            "bootstrap": args.bootstrap,
        },
        "results": {
            truth: {
                name: {**score.as_json(), "fitted_range": _param_range(res, name)}
                for name, score in res.scores.items()
            }
            for truth, res in results.items()
        },
    }
    print(json.dumps(payload, indent=2))


if __name__ == "__main__":
    main()
