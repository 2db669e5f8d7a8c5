"""Multi-actor outcome forecasts (plugins) and an honest backtest harness.

Core on arrays: :class:`IssueData` in, a number out. Models follow the
:class:`ForecastModel` protocol and are registered in :data:`MODEL_FACTORIES`
(``compromise``, ``median``, ``nash``, ``bdm`` and detente's own ``sq-gravity``, ``blend``,
``cap-exponent``). :func:`forecast_bands` adds seeded Monte Carlo bands over input
uncertainty; :func:`run_backtest` scores models out of fold on issues with known outcomes.
"""

from __future__ import annotations

from detente.forecast.backtest import BacktestResult, ModelScore, run_backtest, screen
from detente.forecast.base import (
    BASELINE,
    MODEL_FACTORIES,
    ForecastModel,
    available_models,
    get_model,
)
from detente.forecast.csvio import read_long_csv, read_long_csv_text
from detente.forecast.data import IssueData, make_issue
from detente.forecast.uncertainty import ForecastBand, InputUncertainty, forecast_bands

__all__ = [
    "BASELINE",
    "MODEL_FACTORIES",
    "BacktestResult",
    "ForecastBand",
    "ForecastModel",
    "InputUncertainty",
    "IssueData",
    "ModelScore",
    "available_models",
    "forecast_bands",
    "get_model",
    "make_issue",
    "read_long_csv",
    "read_long_csv_text",
    "run_backtest",
    "screen",
]
