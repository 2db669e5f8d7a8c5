"""Front door to the forecast models: ``forecast`` (bands) and ``backtest``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from detente.api.common import one_of
from detente.api.numbers import BOOTSTRAP, FOLDS, RUNS, SEED, whole
from detente.api.results import Result, altair_chart
from detente.core import DEFAULT_SEED
from detente.errors import InputError, OptionValueError
from detente.manifest import build_manifest, content_hash, json_ready, scenario_sha256

if TYPE_CHECKING:
    from detente.forecast.backtest import BacktestResult
    from detente.forecast.data import IssueData
    from detente.forecast.uncertainty import ForecastBand
    from detente.scenario.schema import Scenario

__all__ = ["BacktestScores", "Forecasts", "backtest", "forecast", "load_issues"]


def load_issues(
    sources: Scenario | str | Path | Sequence[Scenario | str | Path],
    capabilities: str | Path | None = None,
) -> tuple[list[IssueData], str]:
    """Issues from scenarios (objects or YAML files) and/or long CSVs, and one SHA-256 of the
    inputs (a scenario's :func:`~detente.manifest.scenario_sha256`, a CSV's bytes; several
    inputs: the hash of their hashes).

    ``capabilities`` (a named source or an actor-table CSV) fills issues without a capability
    column (:func:`detente.forecast.capabilities.apply_capabilities`); a value that is neither
    (not a ``.csv`` file name) is an :class:`~detente.errors.OptionValueError` naming
    ``--capabilities``.
    """
    from detente.forecast.csvio import read_long_csv_text
    from detente.forecast.scenario_adapter import issues_from_scenario
    from detente.scenario import load_scenario

    _check_capabilities(capabilities)

    items = (
        [sources]
        if isinstance(sources, str | Path) or not isinstance(sources, Sequence)
        else sources
    )
    issues: list[IssueData] = []
    digests: list[str] = []
    for item in items:
        if not isinstance(item, str | Path):
            issues.extend(issues_from_scenario(item))
            digests.append(scenario_sha256(item))
            continue
        path = Path(item)
        if path.is_dir():
            raise InputError(f"{path}: is a directory, not a scenario file or long CSV")
        if not path.is_file():
            raise InputError(f"{path}: file not found")
        if path.suffix.lower() == ".csv":
            data = path.read_bytes()
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError as err:
                raise InputError(f"{path}: not UTF-8 text ({err.reason})") from None
            issues.extend(read_long_csv_text(text, str(path)))
            digests.append(content_hash(data))
        else:
            s = load_scenario(path)
            issues.extend(issues_from_scenario(s))
            digests.append(scenario_sha256(s))
    if capabilities is not None:
        from detente.forecast.capabilities import apply_capabilities

        source = Path(capabilities)
        if source.is_file():
            digests.append(content_hash(source.read_bytes()))
        issues = apply_capabilities(issues, str(capabilities))
    digest = digests[0] if len(digests) == 1 else content_hash("\n".join(digests))
    return issues, digest


def _check_capabilities(capabilities: str | Path | None) -> None:
    """Refuse, before any work, a ``capabilities`` value that is neither a named source nor a
    ``.csv`` file name (a usage error naming ``--capabilities``, exit 2; a ``.csv`` that
    cannot be read is an input error, exit 1)."""
    from detente.forecast.capabilities import NAMED_SOURCES

    if capabilities is None or isinstance(capabilities, Path):
        return
    if capabilities in NAMED_SOURCES or Path(capabilities).suffix.lower() == ".csv":
        return
    raise OptionValueError(
        "capabilities",
        "--capabilities",
        f"unknown capability source {capabilities!r}; expected a CSV file "
        f"(actor,capability[,issue_id]) or one of: {', '.join(NAMED_SOURCES)}",
    )


def _check_models(names: Sequence[str]) -> None:
    """Refuse, before any work, a model name that is not a forecast model (a usage error
    naming ``--model``, exit 2, listing the models)."""
    from detente.forecast.base import MODEL_FACTORIES

    for name in names:
        one_of(name, list(MODEL_FACTORIES), "model", "--model", "forecast model")


@dataclass(frozen=True)
class Forecasts(Result):
    """Per-issue point forecasts with 50 % and 90 % bands (``detente forecast``)."""

    bands: tuple[ForecastBand, ...] = field(repr=False, kw_only=True)
    issues: tuple[IssueData, ...] = field(repr=False, kw_only=True)
    title = "Forecasts"

    def records(self) -> list[dict[str, Any]]:
        return list(self.document["forecasts"])

    def chart(self) -> Any:
        """Positions, the 50 % and 90 % bands and the forecast per issue."""
        from detente.report.sections.forecast import forecast_chart

        return altair_chart(forecast_chart(list(self.issues), list(self.bands)))


def forecast(
    source: Scenario | str | Path | Sequence[Scenario | str | Path],
    *,
    model: str | None = None,
    runs: int = 1000,
    seed: int = DEFAULT_SEED,
    capabilities: str | Path | None = None,
) -> Forecasts:
    """Per-issue forecasts of ``model`` with bands over input uncertainty (``runs`` Monte Carlo
    draws). The default model is ``front`` for scenarios and ``compromise`` for long CSVs. A
    tunable model is first fitted on the input's issues that have an outcome. ``capabilities``
    (a CSV ``actor,capability[,issue_id]`` or a named source) fills missing capabilities. An
    unknown ``model`` is an :class:`~detente.errors.OptionValueError` naming ``--model``."""
    from detente.forecast.base import default_forecast_model, get_model
    from detente.forecast.uncertainty import forecast_bands

    runs, seed = whole(runs, RUNS), whole(seed, SEED)
    if model is not None:
        _check_models([model])
    issues, digest = load_issues(source, capabilities)
    model = model or default_forecast_model(issues)
    forecaster = get_model(model)
    usable = [i for i in issues if i.n_actors >= 1]
    _require_band_memory(runs, usable)
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
    doc = json_ready({"forecasts": records, "manifest": manifest})
    return Forecasts(doc, manifest, bands=tuple(bands), issues=tuple(usable))


@dataclass(frozen=True)
class BacktestScores(Result):
    """Out-of-fold scores per model (``detente forecast backtest``)."""

    result: BacktestResult = field(repr=False, kw_only=True)
    title = "Out-of-fold backtest"

    def records(self) -> list[dict[str, Any]]:
        return [s.as_record() for s in self.result.scores.values()]

    def residuals(self) -> list[dict[str, Any]]:
        """Per-issue out-of-fold residuals: issue_id, model, fold, forecast, outcome, residual."""
        return [
            {
                "issue_id": r.issue_id,
                "model": r.model,
                "fold": r.fold,
                "forecast": r.forecast,
                "outcome": r.outcome,
                "residual": r.residual,
            }
            for r in self.result.residuals
        ]


def _require_band_memory(runs: int, issues: Sequence[IssueData]) -> None:
    """Refuse, before any work, ``runs`` whose draws would not fit the memory budget
    (``DETENTE_MEMORY_BUDGET``): per run and actor of the widest issue, three drawn inputs
    (positions, saliences, capabilities) and about two temporaries of the truncated-normal
    draw, plus the lottery and the value of each run (float64)."""
    from detente.core.limits import require_memory

    widest = max((i.n_actors for i in issues), default=0)
    need = float(runs) * (5 * widest + 2) * 8
    require_memory(need, f"forecast bands over {runs:,} runs", "lower --runs")


def backtest(
    sources: Scenario | str | Path | Sequence[Scenario | str | Path],
    *,
    models: Sequence[str] | None = None,
    folds: int = 5,
    seed: int = DEFAULT_SEED,
    bootstrap: int = 2000,
    capabilities: str | Path | None = None,
) -> BacktestScores:
    """Out-of-fold MAE, RMSE, median AE and hit rates of ``models`` on the issues with known
    outcomes, and a paired bootstrap of each against compromise. The default models are every
    model that applies to the inputs (scenario-only models when a scenario is among them); an
    unknown name is an :class:`~detente.errors.OptionValueError` naming ``--model``."""
    from detente.forecast.backtest import run_backtest
    from detente.forecast.base import default_models

    folds, seed = whole(folds, FOLDS), whole(seed, SEED)
    bootstrap = whole(bootstrap, BOOTSTRAP)
    _check_models(models or [])
    issues, digest = load_issues(sources, capabilities)
    names = list(models) if models else default_models(issues)
    result = run_backtest(issues, names, folds=folds, seed=seed, bootstrap=bootstrap)
    manifest = build_manifest(
        command="forecast backtest",
        scenario_hash=digest,
        seed=seed,
        parameters={"models": list(result.scores), "folds": folds, "bootstrap": bootstrap},
    )
    doc = {
        "models": {name: s.as_json() for name, s in result.scores.items()},
        "skipped": result.skipped,
        "n_issues_read": result.n_issues_read,
        "folds": folds,
        "seed": seed,
        "bootstrap": bootstrap,
        "capability_sources": sorted({i.capability_source or "none given" for i in issues}),
        "manifest": manifest,
    }
    return BacktestScores(json_ready(doc), manifest, result=result)
