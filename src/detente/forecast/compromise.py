"""The compromise model (weighted mean) and the weighted median.

Compromise model: the capability × salience weighted mean of the actors' positions
(van den Bos 1991; Achen 2006 in *The European Union Decides*). It is the must-beat baseline
on real data (references §3: MAE 23.6 on DEU III).

Weighted median: the position of the actor at which the cumulative capability × salience weight
first reaches half the total, scanning positions from low to high. With linear (or any
single-peaked, symmetric) preferences this is the Condorcet winner among the actors' positions
(Black 1948). If the cumulative weight equals exactly half the total at some position, the
median is the midpoint between that position and the next one (the usual even-sample
convention), which keeps the result independent of actor order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from detente.forecast.data import FloatArray, IssueData

__all__ = ["CompromiseModel", "MedianModel", "weighted_mean", "weighted_median"]

_REL_TOL = 1e-12


def weighted_mean(positions: FloatArray, weights: FloatArray) -> float:
    """Weighted mean; weights must not all be zero."""
    return float(np.dot(positions, weights) / weights.sum())


def weighted_median(positions: FloatArray, weights: FloatArray) -> float:
    """Weighted median (lower weighted median, midpoint on an exact half split)."""
    order = np.argsort(positions, kind="stable")
    x = positions[order]
    cum = np.cumsum(weights[order])
    half = 0.5 * cum[-1]
    k = int(np.searchsorted(cum, half * (1.0 - _REL_TOL), side="left"))
    if abs(cum[k] - half) <= _REL_TOL * cum[-1] and k + 1 < x.size:
        nxt = int(np.searchsorted(cum, cum[k] * (1.0 + _REL_TOL), side="right"))
        if nxt < x.size:
            return float(0.5 * (x[k] + x[nxt]))
    return float(x[k])


class CompromiseModel:
    """Capability × salience weighted mean of positions (the baseline)."""

    name = "compromise"
    tunable = False
    uses_status_quo = False
    within_hull = True

    def fit(self, train: Sequence[IssueData], rng: np.random.Generator) -> CompromiseModel:
        return self

    def predict(self, issue: IssueData) -> float:
        return weighted_mean(issue.positions, issue.weights)

    def parameters(self) -> Mapping[str, float]:
        return {}


class MedianModel:
    """Capability × salience weighted median of positions."""

    name = "median"
    tunable = False
    uses_status_quo = False
    within_hull = True

    def fit(self, train: Sequence[IssueData], rng: np.random.Generator) -> MedianModel:
        return self

    def predict(self, issue: IssueData) -> float:
        return weighted_median(issue.positions, issue.weights)

    def parameters(self) -> Mapping[str, float]:
        return {}
