"""``detente forecast``: per-issue forecasts with bands, and the backtest harness.

Two forms share one group::

    detente forecast SCENARIO [--model NAME] [--runs N --seed S]
    detente forecast backtest FILE... [--model NAME ...] [--folds K --seed S] [--format ...]

Typer cannot give a group both a positional argument and subcommands, so the group uses
:class:`detente.cli.common.DefaultCommandGroup`: when the first argument is not a
subcommand name (nor an option), it is treated as the argument of the default ``run``
command. ``detente forecast run SCENARIO`` is the explicit spelling. (A scenario file
literally named ``backtest`` must be written ``detente forecast run backtest``.)

``SCENARIO`` / ``FILE`` may be a scenario file (YAML) or a long CSV (``.csv``, see
``docs/how-to/backtest-forecasts.md``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from detente.cli.common import clean_errors, default_group
from detente.cli.output import OutputFormat, console, render_records
from detente.errors import InputError

if TYPE_CHECKING:
    from detente.forecast.data import IssueData

__all__ = ["register"]

DEFAULT_COMMAND = "run"


def load_issues(paths: list[Path], capabilities: str | None = None) -> tuple[list[IssueData], str]:
    """Issues from long CSVs and/or scenario files, and a content hash of the inputs.

    ``capabilities`` (a named source or an actor-table CSV) fills issues without a capability
    column (:func:`detente.forecast.capabilities.apply_capabilities`).
    """
    from detente.forecast.csvio import read_long_csv_text
    from detente.manifest import content_hash

    issues: list[IssueData] = []
    blobs: list[bytes] = []
    for path in paths:
        if not path.is_file():
            raise InputError(f"{path}: file not found")
        data = path.read_bytes()
        blobs.append(data)
        if path.suffix.lower() == ".csv":
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError as err:
                raise InputError(f"{path}: not UTF-8 text ({err.reason})") from None
            issues.extend(read_long_csv_text(text, str(path)))
        else:
            from detente.forecast.scenario_adapter import scenario_issues

            issues.extend(scenario_issues(path))
    if capabilities is not None:
        from detente.forecast.capabilities import apply_capabilities

        source = Path(capabilities)
        if source.is_file():
            blobs.append(source.read_bytes())
        issues = apply_capabilities(issues, capabilities)
    return issues, content_hash(b"\n".join(blobs))


forecast_app = typer.Typer(
    cls=default_group(DEFAULT_COMMAND),
    help=(
        "Forecast issue outcomes (`detente forecast SCENARIO`) and backtest forecast models "
        "on issues with known outcomes (`detente forecast backtest FILE`)."
    ),
    no_args_is_help=True,
)

_FORMAT = typer.Option("--format", "-f", help="Output format.")
_CAPS = typer.Option(
    "--capabilities",
    help="Capabilities for issues without a capability column: a CSV (actor,capability"
    "[,issue_id]) or a named source (eu-council-nice, eu-council-1995).",
)


@forecast_app.command("run")
def run_cmd(
    scenario: Annotated[Path, typer.Argument(help="Scenario file (YAML) or long CSV.")],
    model: Annotated[
        str | None,
        typer.Option(
            "--model",
            "-m",
            help="Model name (default: front for scenario files, compromise for CSV).",
        ),
    ] = None,
    runs: Annotated[
        int, typer.Option("--runs", min=1, help="Monte Carlo runs for the bands.")
    ] = 1000,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Root seed of the run.")] = 20261122,
    fmt: Annotated[OutputFormat, _FORMAT] = OutputFormat.table,
    capabilities: Annotated[str | None, _CAPS] = None,
) -> None:
    """Per-issue forecasts with 50 % and 90 % bands over input uncertainty.

    A tunable model is first fitted on the input's issues that have an outcome.
    """
    with clean_errors():
        from detente.forecast.base import default_forecast_model, get_model
        from detente.forecast.uncertainty import forecast_bands
        from detente.manifest import build_manifest

        if runs < 1:
            raise InputError(f"--runs must be at least 1, got {runs}")
        issues, digest = load_issues([scenario], capabilities)
        model = model or default_forecast_model(issues)
        forecaster = get_model(model)
        usable = [i for i in issues if i.n_actors >= 1]
        if forecaster.tunable:
            import numpy as np

            from detente.forecast.backtest import screen

            known, _ = screen(issues)
            forecaster = forecaster.fit(known, np.random.default_rng(seed))
        bands = forecast_bands(forecaster, usable, runs=runs, seed=seed)
        records = [b.as_record() for b in bands]
        manifest = build_manifest(
            command="forecast run",
            scenario_hash=digest,
            seed=seed,
            parameters={
                "model": model,
                "runs": runs,
                "capability_sources": sorted({i.capability_source or "none given" for i in usable}),
                **forecaster.parameters(),
            },
        )
        console.print(
            render_records(
                records,
                fmt,
                title=f"Forecasts ({model}; bands: 5/25/50/75/95 % of {runs} runs, seed {seed})",
                document={"forecasts": records, "manifest": manifest},
            ),
            markup=False,
            highlight=False,
            end="",
        )


@forecast_app.command("backtest")
def backtest_cmd(
    files: Annotated[
        list[Path], typer.Argument(help="Long CSV(s) and/or scenario files with outcomes.")
    ],
    model: Annotated[
        list[str] | None,
        typer.Option("--model", "-m", help="Model(s) to score (repeat); default: all."),
    ] = None,
    folds: Annotated[int, typer.Option("--folds", help="Cross-validation folds.")] = 5,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Root seed of the run.")] = 20261122,
    bootstrap: Annotated[
        int, typer.Option("--bootstrap", help="Bootstrap resamples for the MAE interval.")
    ] = 2000,
    fmt: Annotated[OutputFormat, _FORMAT] = OutputFormat.table,
    residuals: Annotated[
        Path | None, typer.Option("--residuals", help="Write per-issue residuals to this CSV.")
    ] = None,
    capabilities: Annotated[str | None, _CAPS] = None,
) -> None:
    """Out-of-fold MAE, RMSE, median AE, hit rates and a paired bootstrap vs compromise."""
    with clean_errors():
        from detente.forecast.backtest import run_backtest
        from detente.forecast.base import default_models
        from detente.manifest import build_manifest

        if bootstrap < 1:
            raise InputError(f"--bootstrap must be at least 1, got {bootstrap}")
        issues, digest = load_issues(files, capabilities)
        names = model or default_models(issues)
        result = run_backtest(issues, names, folds=folds, seed=seed, bootstrap=bootstrap)
        manifest = build_manifest(
            command="forecast backtest",
            scenario_hash=digest,
            seed=seed,
            parameters={"models": list(result.scores), "folds": folds, "bootstrap": bootstrap},
        )
        document = {
            "models": {name: s.as_json() for name, s in result.scores.items()},
            "skipped": result.skipped,
            "n_issues_read": result.n_issues_read,
            "folds": folds,
            "seed": seed,
            "bootstrap": bootstrap,
            "capability_sources": sorted({i.capability_source or "none given" for i in issues}),
            "manifest": manifest,
        }
        if residuals is not None:
            _write_residuals(residuals, result.residuals)
        records = [s.as_record() for s in result.scores.values()]
        text = render_records(records, fmt, title="Out-of-fold backtest", document=document)
        console.print(text, markup=False, highlight=False, end="")
        if fmt is OutputFormat.table:
            tuned = [n for n, s in result.scores.items() if s.tunable]
            skipped = ", ".join(f"{k}: {v}" for k, v in result.skipped.items())
            console.print(
                f"{result.scores['compromise'].n_issues} issues scored of "
                f"{result.n_issues_read} read (skipped {skipped}). {folds}-fold CV, seed "
                f"{seed}. Fit inside training folds only: {', '.join(tuned) or 'none'}. "
                "mae_diff = MAE(model) - MAE(compromise) with a 95 % paired bootstrap interval.",
                markup=False,
                highlight=False,
            )


def _write_residuals(path: Path, rows: list[Any]) -> None:
    import csv

    try:
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(["issue_id", "model", "fold", "forecast", "outcome", "residual"])
            for r in rows:
                writer.writerow(
                    [
                        r.issue_id,
                        r.model,
                        r.fold,
                        repr(r.forecast),
                        repr(r.outcome),
                        repr(r.residual),
                    ]
                )
    except OSError as err:
        raise InputError(f"{path}: cannot write residuals ({err.strerror})") from None


def register(app: typer.Typer) -> None:
    """Add the ``forecast`` group to the ``detente`` app."""
    app.add_typer(forecast_app, name="forecast")
