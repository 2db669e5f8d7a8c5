"""Territorial forecasts in the six Ukraine snapshots: compromise model against ``front``.

Run from the repository root:

    .venv/bin/python benchmarks/forecast_ukraine.py [--runs 1000] [--seed 20261122]

For every contested (territorial) issue of ``scenarios/ukraine-*.yaml`` it prints the front
(status quo), the compromise model's point forecast and the ``front`` model's forecast with its
5–95 % band and the mechanism that moves it, as a Markdown table (the one quoted in
``docs/explanation/forecast-models.md``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from detente.core import DEFAULT_SEED
from detente.forecast import forecast_bands, get_model
from detente.forecast.scenario_adapter import scenario_issues

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args()
    print("| snapshot | issue | front | compromise | front model [5–95 %] | last mechanism |")
    print("|---|---|---|---|---|---|")
    for path in sorted((ROOT / "scenarios").glob("ukraine-*.yaml")):
        issues = [i for i in scenario_issues(path) if i.context and i.context.contested]
        bands = forecast_bands(get_model("front"), issues, runs=args.runs, seed=args.seed)
        for issue, band in zip(issues, bands, strict=True):
            kinds = [m for m in band.mechanisms if getattr(m, "moves", False)]
            last = str(band.mechanisms[-1]).split(":")[0]
            why = last + (" (moves the point)" if kinds else "")
            print(
                f"| {path.stem.removeprefix('ukraine-')} | {issue.issue_id} | "
                f"{issue.status_quo:g} | {get_model('compromise').predict(issue):.1f} | "
                f"{band.forecast:g} [{band.q05:g}–{band.q95:g}] | {why} |"
            )


if __name__ == "__main__":
    main()
