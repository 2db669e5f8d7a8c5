"""detente's own attempts to beat the compromise model, each with one parameter fit in folds.

All three start from the compromise model and add a single parameter chosen by grid search to
minimise mean absolute error on the *training* issues only (the backtest fits them inside each
training fold and scores them out of fold). Untrained, each one equals a baseline.

- ``sq-gravity``: ``(1 - g) * mean + g * status_quo``. Outcomes of legislative bargaining are
  often pulled towards the reversion point (gatekeeping, unanimity). ``g`` in [0, 1]; issues
  without a status quo get the plain mean.
- ``blend``: ``b * mean + (1 - b) * median``, ``b`` in [0, 1]: a robust compromise that lets the
  data choose how much an outlying, heavy actor should pull the forecast.
- ``cap-exponent``: the weighted mean with weights ``capability^a * salience``, ``a`` in [0, 3]:
  ``a = 0`` ignores power, ``a = 1`` is the compromise model, ``a > 1`` exaggerates it.

Out-of-fold results (including what did not help) are in ``docs/explanation/forecast-models.md``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from detente.forecast.compromise import weighted_mean, weighted_median
from detente.forecast.data import FloatArray, IssueData

__all__ = ["BlendModel", "CapabilityExponentModel", "StatusQuoGravityModel"]


def _scored(train: Sequence[IssueData]) -> list[IssueData]:
    return [i for i in train if i.outcome is not None]


def _best(grid: FloatArray, preds: FloatArray, outcomes: FloatArray, default: float) -> float:
    """Grid value minimising training MAE (first of equals, i.e. the smallest)."""
    if outcomes.size == 0:
        return default
    mae = np.abs(preds - outcomes[None, :]).mean(axis=1)
    return float(grid[int(np.argmin(mae))])


class StatusQuoGravityModel:
    """Compromise pulled towards the status quo by a weight fit on training issues."""

    name = "sq-gravity"
    tunable = True
    uses_status_quo = True
    within_hull = False
    grid: FloatArray = np.round(np.linspace(0.0, 1.0, 41), 6)

    def __init__(self, gravity: float = 0.0) -> None:
        self.gravity = gravity

    def _predict(self, issue: IssueData, g: float | FloatArray) -> float | FloatArray:
        m = weighted_mean(issue.positions, issue.weights)
        if issue.status_quo is None:
            return m + 0.0 * g
        return (1.0 - g) * m + g * issue.status_quo

    def fit(self, train: Sequence[IssueData], rng: np.random.Generator) -> StatusQuoGravityModel:
        data = [i for i in _scored(train) if i.status_quo is not None]
        preds = np.array([self._predict(i, self.grid) for i in data]).T.reshape(self.grid.size, -1)
        outcomes = np.array([i.outcome for i in data], dtype=np.float64)
        return StatusQuoGravityModel(_best(self.grid, preds, outcomes, 0.0))

    def predict(self, issue: IssueData) -> float:
        return float(self._predict(issue, self.gravity))

    def parameters(self) -> Mapping[str, float]:
        return {"gravity": self.gravity}


class BlendModel:
    """Mix of weighted mean and weighted median, mixing weight fit on training issues."""

    name = "blend"
    tunable = True
    uses_status_quo = False
    within_hull = True
    grid: FloatArray = np.round(np.linspace(0.0, 1.0, 41), 6)

    def __init__(self, mean_share: float = 1.0) -> None:
        self.mean_share = mean_share

    def fit(self, train: Sequence[IssueData], rng: np.random.Generator) -> BlendModel:
        data = _scored(train)
        means = np.array([weighted_mean(i.positions, i.weights) for i in data])
        medians = np.array([weighted_median(i.positions, i.weights) for i in data])
        preds = self.grid[:, None] * means[None, :] + (1.0 - self.grid[:, None]) * medians[None, :]
        outcomes = np.array([i.outcome for i in data], dtype=np.float64)
        return BlendModel(_best(self.grid, preds, outcomes, 1.0))

    def predict(self, issue: IssueData) -> float:
        m = weighted_mean(issue.positions, issue.weights)
        med = weighted_median(issue.positions, issue.weights)
        return self.mean_share * m + (1.0 - self.mean_share) * med

    def parameters(self) -> Mapping[str, float]:
        return {"mean_share": self.mean_share}


class CapabilityExponentModel:
    """Weighted mean with weights capability**a × salience, ``a`` fit on training issues."""

    name = "cap-exponent"
    tunable = True
    uses_status_quo = False
    within_hull = True
    grid: FloatArray = np.round(np.linspace(0.0, 3.0, 31), 6)

    def __init__(self, exponent: float = 1.0) -> None:
        self.exponent = exponent

    @staticmethod
    def _mean(issue: IssueData, a: float) -> float:
        w = issue.capabilities**a * issue.saliences
        if not np.any(w > 0):
            w = issue.weights
        return weighted_mean(issue.positions, w)

    def fit(self, train: Sequence[IssueData], rng: np.random.Generator) -> CapabilityExponentModel:
        data = _scored(train)
        preds = np.array([[self._mean(i, float(a)) for i in data] for a in self.grid])
        outcomes = np.array([i.outcome for i in data], dtype=np.float64)
        return CapabilityExponentModel(
            _best(self.grid, preds.reshape(self.grid.size, -1), outcomes, 1.0)
        )

    def predict(self, issue: IssueData) -> float:
        return self._mean(issue, self.exponent)

    def parameters(self) -> Mapping[str, float]:
        return {"exponent": self.exponent}
