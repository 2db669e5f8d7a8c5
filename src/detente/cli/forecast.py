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
from typing import Annotated, Any

import typer

from detente.api.numbers import BOOTSTRAP, FOLDS, RUNS, SEED
from detente.cli.common import clean_errors, default_group, number, path_value
from detente.cli.output import OutputFormat, console, emit, render_records
from detente.core import DEFAULT_SEED

__all__ = ["register"]

DEFAULT_COMMAND = "run"


forecast_app = typer.Typer(
    cls=default_group(DEFAULT_COMMAND),
    help=(
        "Forecast issue outcomes (`detente forecast SCENARIO`) and backtest forecast models "
        "on issues with known outcomes (`detente forecast backtest FILE`)."
    ),
    no_args_is_help=True,
)

_FORMAT = typer.Option("--format", "-f", help="Output format.")
_SEED = typer.Option("--seed", parser=number(SEED), help="Root seed of the run.")
_CAPS = typer.Option(
    "--capabilities",
    help="Capabilities for issues without a capability column: a CSV (actor,capability"
    "[,issue_id]) or a named source (eu-council-nice, eu-council-1995).",
)


@forecast_app.command("run")
def run_cmd(
    scenario: Annotated[
        Path, typer.Argument(parser=path_value, help="Scenario file (YAML) or long CSV.")
    ],
    model: Annotated[
        str | None,
        typer.Option(
            "--model",
            "-m",
            help="Model name (default: front for scenario files, compromise for CSV).",
        ),
    ] = None,
    runs: Annotated[
        int, typer.Option("--runs", parser=number(RUNS), help="Monte Carlo runs for the bands.")
    ] = 1000,
    seed: Annotated[int, _SEED] = DEFAULT_SEED,
    fmt: Annotated[OutputFormat, _FORMAT] = OutputFormat.table,
    capabilities: Annotated[str | None, _CAPS] = None,
) -> None:
    """Per-issue forecasts with 50 % and 90 % bands over input uncertainty.

    A tunable model is first fitted on the input's issues that have an outcome.
    """
    with clean_errors():
        from detente.api import forecast

        result = forecast(scenario, model=model, runs=runs, seed=seed, capabilities=capabilities)
        model = result.manifest["parameters"]["model"]
        emit(
            render_records(
                result.records(),
                fmt,
                title=f"Forecasts ({model}; bands: 5/25/50/75/95 % of {runs} runs, seed {seed})",
                document=result.to_dict(),
            )
        )


@forecast_app.command("backtest")
def backtest_cmd(
    files: Annotated[
        list[Path],
        typer.Argument(parser=path_value, help="Long CSV(s) and/or scenario files with outcomes."),
    ],
    model: Annotated[
        list[str] | None,
        typer.Option("--model", "-m", help="Model(s) to score (repeat); default: all."),
    ] = None,
    folds: Annotated[
        int, typer.Option("--folds", parser=number(FOLDS), help="Cross-validation folds.")
    ] = 5,
    seed: Annotated[int, _SEED] = DEFAULT_SEED,
    bootstrap: Annotated[
        int,
        typer.Option(
            "--bootstrap",
            parser=number(BOOTSTRAP),
            help="Bootstrap resamples for the MAE interval.",
        ),
    ] = 2000,
    fmt: Annotated[OutputFormat, _FORMAT] = OutputFormat.table,
    residuals: Annotated[
        Path | None,
        typer.Option(
            "--residuals", parser=path_value, help="Write per-issue residuals to this CSV."
        ),
    ] = None,
    capabilities: Annotated[str | None, _CAPS] = None,
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Replace the --residuals file if it exists.")
    ] = False,
) -> None:
    """Out-of-fold MAE, RMSE, median AE, hit rates and a paired bootstrap vs compromise."""
    with clean_errors():
        from detente.api import backtest
        from detente.outputs import check_output_file

        if residuals is not None:
            check_output_file(residuals, files, overwrite=overwrite, option="--residuals")
        bt = backtest(
            files,
            models=model,
            folds=folds,
            seed=seed,
            bootstrap=bootstrap,
            capabilities=capabilities,
        )
        result = bt.result
        if residuals is not None:
            _write_residuals(residuals, bt.residuals(), overwrite)
        text = render_records(
            bt.records(), fmt, title="Out-of-fold backtest", document=bt.to_dict()
        )
        emit(text)
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


def _write_residuals(path: Path, rows: list[dict[str, Any]], overwrite: bool) -> None:
    import csv
    import io

    from detente.outputs import write_text

    cols = ["issue_id", "model", "fold", "forecast", "outcome", "residual"]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(cols)
    for r in rows:
        writer.writerow([r[c] if c in cols[:3] else repr(r[c]) for c in cols])
    write_text(path, buf.getvalue(), overwrite=overwrite)


def register(app: typer.Typer) -> None:
    """Add the ``forecast`` group to the ``detente`` app."""
    app.add_typer(forecast_app, name="forecast")
