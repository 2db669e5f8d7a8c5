"""The front door: detente's public Python API (re-exported as ``detente.<name>``).

Functions take a scenario (a loaded :class:`~detente.scenario.Scenario` or a path), keyword
options with defaults (``seed=DEFAULT_SEED``) and return result objects with ``manifest``,
``to_dict()`` (the CLI's ``--format json`` document), ``to_pandas()``/``to_arrow()`` and
``chart()`` where they apply. See docs/how-to/python-api.md and docs/reference/api.md.
"""

from __future__ import annotations

from detente.api import monitor
from detente.api.bargaining import (
    AnalysisResult,
    ProposalScores,
    WhatItTakesResult,
    analyze,
    score_proposals,
    what_it_takes,
)
from detente.api.common import parse_date
from detente.api.forecast import BacktestScores, Forecasts, backtest, forecast
from detente.api.report import ReportResult, report
from detente.api.results import Result
from detente.api.scenario import CheckResult, ScenarioTables, check, describe
from detente.api.simulation import SimulationRun, simulate
from detente.api.trust import TrustExplanation, TrustReplay, TrustResolutions, replay_trust

__all__ = [
    "AnalysisResult",
    "BacktestScores",
    "CheckResult",
    "Forecasts",
    "ProposalScores",
    "ReportResult",
    "Result",
    "ScenarioTables",
    "SimulationRun",
    "TrustExplanation",
    "TrustReplay",
    "TrustResolutions",
    "WhatItTakesResult",
    "analyze",
    "backtest",
    "check",
    "describe",
    "forecast",
    "monitor",
    "parse_date",
    "replay_trust",
    "report",
    "score_proposals",
    "simulate",
    "what_it_takes",
]
