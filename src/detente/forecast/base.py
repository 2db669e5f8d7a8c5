"""The forecast-model plugin interface and its registry.

A model is any object with a ``name``, declared traits and two methods (style guide §5):

- ``fit(train, rng)`` returns a fitted model (or ``self`` when there is nothing to fit). It may
  look at the training issues' outcomes; it must never see the issue it will score.
- ``predict(issue)`` returns one number on the issue's scale.

Every registered model passes the shared conformance suite in ``tests/forecast``. Register a new
model by adding a factory to :data:`MODEL_FACTORIES`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Protocol, runtime_checkable

import numpy as np

from detente.errors import InputError
from detente.forecast.data import IssueData

__all__ = [
    "BASELINE",
    "MODEL_FACTORIES",
    "ForecastModel",
    "available_models",
    "default_forecast_model",
    "default_models",
    "get_model",
    "trait",
]


@runtime_checkable
class ForecastModel(Protocol):
    """A multi-actor outcome model.

    Traits: ``tunable`` (``fit`` estimates parameters from outcomes, so backtests must fit it in
    training folds only), ``uses_status_quo`` (the forecast depends on the status quo),
    ``within_hull`` (the forecast always lies between the lowest and highest actor position).
    Optional traits (read with :func:`trait`, default ``False``): ``needs_capabilities`` (the
    model's logic rests on capabilities, so it is flagged "no capabilities given" on issues
    without them) and ``scenario_only`` (it needs a scenario's red lines and war model, so it
    is left out of default backtests of plain CSV issues).
    """

    name: str
    tunable: bool
    uses_status_quo: bool
    within_hull: bool

    def fit(self, train: Sequence[IssueData], rng: np.random.Generator) -> ForecastModel:
        """Return a model fitted on ``train`` (``self`` if there is nothing to fit)."""
        ...

    def predict(self, issue: IssueData) -> float:
        """Forecast the outcome of ``issue``."""
        ...

    def parameters(self) -> Mapping[str, float | None]:
        """The model's current parameter values (fitted ones included; ``None`` = not
        identified by the data), for reports."""
        ...


BASELINE = "compromise"


def _factories() -> dict[str, Callable[[], ForecastModel]]:
    from detente.forecast.bdm import BdmModel, BdmScholzCodeModel
    from detente.forecast.compromise import CompromiseModel, MedianModel
    from detente.forecast.front import FrontModel
    from detente.forecast.nash import NashModel, NashWarModel, NashWorstModel
    from detente.forecast.own import (
        AnchoredModel,
        BlendModel,
        CapabilityExponentModel,
        StatusQuoGravityModel,
    )
    from detente.forecast.procedural import QualifiedMajorityModel

    return {
        "compromise": CompromiseModel,
        "median": MedianModel,
        "nash": NashModel,
        "nash-worst": NashWorstModel,
        "bdm": BdmModel,
        "bdm-scholz-code": BdmScholzCodeModel,
        "sq-gravity": StatusQuoGravityModel,
        "blend": BlendModel,
        "cap-exponent": CapabilityExponentModel,
        "qmv": QualifiedMajorityModel,
        "anchored": AnchoredModel,
        "front": FrontModel,
        "nash-war": NashWarModel,
    }


MODEL_FACTORIES: Mapping[str, Callable[[], ForecastModel]] = _factories()


def available_models() -> list[str]:
    """Names of the registered models, baseline first."""
    return list(MODEL_FACTORIES)


def trait(model: ForecastModel, name: str) -> bool:
    """An optional boolean trait of a model (``False`` when the model does not declare it)."""
    return bool(getattr(model, name, False))


def default_models(issues: Sequence[IssueData] = ()) -> list[str]:
    """Models a backtest scores by default: all, less the scenario-only ones when no issue
    comes from a scenario (they would only repeat the compromise model there)."""
    from_scenario = any(i.context is not None for i in issues)
    return [
        n for n, f in MODEL_FACTORIES.items() if from_scenario or not trait(f(), "scenario_only")
    ]


def default_forecast_model(issues: Sequence[IssueData]) -> str:
    """The model ``detente forecast`` uses by default: ``front`` when the issues come from a
    scenario file (it respects the front, red lines and the war model), else the baseline."""
    return "front" if any(i.context is not None for i in issues) else BASELINE


def get_model(name: str) -> ForecastModel:
    """A fresh instance of the model called ``name``."""
    try:
        return MODEL_FACTORIES[name]()
    except KeyError:
        raise InputError(
            f"unknown forecast model {name!r}; expected one of: {', '.join(MODEL_FACTORIES)}"
        ) from None
