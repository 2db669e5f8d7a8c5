"""A procedural model: the median voter under a qualified-majority rule (``qmv``).

Procedural models of EU legislation (Tsebelis 1994; Crombez 1996; Steunenberg 1994) start from
the reversion point ``r`` (the status quo): a proposal passes only if actors holding a share
``q`` of the voting weight prefer it to ``r``. With single-peaked, symmetric preferences actor
*i* prefers ``x`` to ``r`` iff ``|x - p_i| < |r - p_i|``, so the *winset* ``W`` (points a
``q``-majority prefers to ``r``) is a union of intervals whose ends are ``r`` and the
reflections ``2 p_i - r``. The forecast is the point of ``W ∪ {r}`` closest to the capability ×
salience weighted median (the Condorcet winner when nothing constrains it): the median if a
``q``-majority prefers it to the status quo, otherwise as close to it as the rule allows, and
the status quo itself when ``W`` is empty (gridlock).

The threshold ``q`` is fitted on the training folds (grid 0.50–1.00 in steps of 0.05; among
equal fits the one closest to 0.71, the qualified majority of the Council under the Nice and
pre-2004 rules: 255/345 and 62/87 votes). Reference point: the status quo; without one the
model is the weighted median (nothing to beat).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from detente.forecast.compromise import weighted_median
from detente.forecast.data import FloatArray, IssueData

__all__ = ["QualifiedMajorityModel", "qmv_outcome"]

_EPS = 1e-12


def qmv_outcome(issue: IssueData, q: float) -> float:
    """The point of ``W ∪ {r}`` closest to the weighted median (module docstring)."""
    w = issue.weights
    med = weighted_median(issue.positions, w)
    r = issue.status_quo
    if r is None:
        return med
    p = issue.positions
    need = q * float(w.sum()) * (1.0 - _EPS)
    margin = np.abs(r - p) - _EPS * (1.0 + abs(r))

    def support(x: FloatArray) -> FloatArray:
        out: FloatArray = (np.abs(x[:, None] - p[None, :]) < margin[None, :]) @ w
        return out

    if support(np.array([med]))[0] >= need:
        return med
    # W is a finite union of intervals with ends among r and the reflections 2 p_i - r: test
    # the midpoint of each gap between consecutive ends and keep the point of a winning gap
    # nearest to the median (the status quo when no gap wins).
    ends = np.unique(np.concatenate([[r, med], 2.0 * p - r, p]))
    lo, hi = ends[:-1], ends[1:]
    wins = support(0.5 * (lo + hi)) >= need
    if not wins.any():
        return float(r)
    nearest = np.clip(med, lo[wins], hi[wins])
    x = float(nearest[np.argmin(np.abs(nearest - med))])
    return x if abs(x - med) < abs(float(r) - med) else float(r)


class QualifiedMajorityModel:
    """Weighted median constrained to what a ``q``-majority prefers to the status quo."""

    name = "qmv"
    tunable = True
    uses_status_quo = True
    within_hull = False
    needs_capabilities = False
    grid: FloatArray = np.round(np.linspace(0.5, 1.0, 11), 6)
    DEFAULT = 0.71

    def __init__(self, threshold: float = DEFAULT) -> None:
        self.threshold = threshold

    def fit(self, train: Sequence[IssueData], rng: np.random.Generator) -> QualifiedMajorityModel:
        data = [i for i in train if i.outcome is not None and i.status_quo is not None]
        if not data:
            return QualifiedMajorityModel()
        outcomes = np.array([float(i.outcome) for i in data])  # type: ignore[arg-type]
        mae = np.array(
            [
                np.mean(np.abs([qmv_outcome(i, float(q)) for i in data] - outcomes))
                for q in self.grid
            ]
        )
        ties = np.flatnonzero(mae <= mae.min() + 1e-12 * max(1.0, float(mae.min())))
        return QualifiedMajorityModel(
            float(self.grid[ties[np.argmin(np.abs(self.grid[ties] - self.DEFAULT))]])
        )

    def predict(self, issue: IssueData) -> float:
        return qmv_outcome(issue, self.threshold)

    def parameters(self) -> Mapping[str, float | None]:
        return {"threshold": self.threshold}
