"""detente's own models: the compromise model plus parameters fitted on training folds.

All start from the compromise model (the capability × salience weighted mean ``m``) and add
parameters chosen to minimise mean absolute error on the *training* issues only (the backtest
fits them inside each training fold and scores them out of fold). Untrained, each one equals
the compromise model.

- ``anchored`` (detente's own model; its specification was fixed before any scoring, see
  ``docs/explanation/forecast-models.md``)::

      f = m + a (q - m) + b (c - m) + d (med - m)

  with ``q`` the status quo (the term is dropped when it is unknown), ``c`` the midpoint of the
  issue's span (lowest to highest of the positions and the status quo) and ``med`` the weighted
  median. ``a``, ``b``, ``d`` lie in [-1, 1] and are fitted jointly by least absolute deviations
  (an exact linear programme), so each anchor may pull the forecast towards itself or push it
  away. The ideas it encodes are established ones: outcomes pulled towards (or, once change is
  agreed, away from) the reversion point (Tsebelis 2002, procedural models of EU legislation);
  regression towards the centre of the scale when positions are measured with error
  (errors-in-variables attenuation; Leinaweaver & Thomson 2016 on measurement error in DEU-type
  data); and the median voter (Black 1948). ``a = b = d = 0`` is the compromise model.
- ``sq-gravity``: ``m + g (q - m)``, ``g`` in [-1, 1]: the status-quo anchor alone, in both
  directions (a negative ``g`` moves the forecast away from the status quo).
- ``blend``: ``b * mean + (1 - b) * median``, ``b`` in [0, 1].
- ``cap-exponent``: weights ``capability^a * salience``, ``a`` in [0, 3]. The exponent is only
  identified when capabilities are given and differ: otherwise every ``a`` fits equally, the
  model is the compromise model and reports ``exponent = None`` with the note
  "no capabilities given" instead of a tie-break value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from scipy import sparse
from scipy.optimize import linprog

from detente.forecast.compromise import weighted_mean, weighted_median
from detente.forecast.data import FloatArray, IssueData

__all__ = [
    "NO_CAPABILITIES",
    "AnchoredModel",
    "BlendModel",
    "CapabilityExponentModel",
    "StatusQuoGravityModel",
    "anchors",
    "lad_fit",
]

NO_CAPABILITIES = "no capabilities given"


def _scored(train: Sequence[IssueData]) -> list[IssueData]:
    return [i for i in train if i.outcome is not None]


def _best(grid: FloatArray, preds: FloatArray, outcomes: FloatArray, default: float) -> float:
    """Grid value minimising training MAE; among equals, the one closest to ``default``."""
    if outcomes.size == 0:
        return default
    mae = np.abs(preds - outcomes[None, :]).mean(axis=1)
    ties = np.flatnonzero(mae <= mae.min() + 1e-12 * max(1.0, float(mae.min())))
    return float(grid[ties[np.argmin(np.abs(grid[ties] - default))]])


def anchors(issue: IssueData) -> tuple[float, FloatArray]:
    """The compromise ``m`` and the anchor offsets ``(q - m, c - m, med - m)`` of an issue."""
    m = weighted_mean(issue.positions, issue.weights)
    pts = [float(issue.positions.min()), float(issue.positions.max())]
    sq_term = 0.0
    if issue.status_quo is not None:
        pts.append(issue.status_quo)
        sq_term = issue.status_quo - m
    mid = 0.5 * (min(pts) + max(pts))
    med = weighted_median(issue.positions, issue.weights)
    return m, np.array([sq_term, mid - m, med - m])


def lad_fit(x: FloatArray, y: FloatArray, bound: float = 1.0) -> FloatArray:
    """Least-absolute-deviations coefficients of ``y ~ x`` (no intercept), each in ±bound.

    Solved as a linear programme (HiGHS). A penalty of 1e-9 per unit of |coefficient| picks,
    among equally good fits, the one closest to zero (the compromise model).
    """
    n, k = x.shape
    if n == 0:
        return np.zeros(k)
    # variables: beta+ (k), beta- (k), u+ (n), u- (n); y - x beta = u+ - u-
    cost = np.concatenate([np.full(2 * k, 1e-9 * n), np.ones(2 * n)])
    eye = sparse.identity(n, format="csr")
    a_eq = sparse.hstack([sparse.csr_matrix(x), sparse.csr_matrix(-x), eye, -eye], format="csr")
    bounds = [(0.0, bound)] * (2 * k) + [(0.0, None)] * (2 * n)
    res = linprog(cost, A_eq=a_eq, b_eq=y, bounds=bounds, method="highs")
    if not res.success:  # pragma: no cover - HiGHS solves every feasible LAD problem
        return np.zeros(k)
    beta: FloatArray = res.x[:k] - res.x[k : 2 * k]
    return np.round(beta, 12)


class AnchoredModel:
    """Compromise plus status-quo, centre and median anchors fitted by LAD on training issues."""

    name = "anchored"
    tunable = True
    uses_status_quo = True
    within_hull = False
    needs_capabilities = False
    KEYS = ("status_quo", "centre", "median")

    def __init__(self, coefficients: Sequence[float] | FloatArray = (0.0, 0.0, 0.0)) -> None:
        self.coefficients = np.array(coefficients, dtype=np.float64)

    def fit(self, train: Sequence[IssueData], rng: np.random.Generator) -> AnchoredModel:
        data = _scored(train)
        if not data:
            return AnchoredModel()
        rows = [anchors(i) for i in data]
        x = np.array([r[1] for r in rows])
        y = np.array([float(i.outcome) - r[0] for i, r in zip(data, rows, strict=True)])  # type: ignore[arg-type]
        return AnchoredModel(lad_fit(x, y))

    def predict(self, issue: IssueData) -> float:
        m, offsets = anchors(issue)
        return float(m + offsets @ self.coefficients)

    def parameters(self) -> Mapping[str, float | None]:
        return {k: float(v) for k, v in zip(self.KEYS, self.coefficients, strict=True)}


class StatusQuoGravityModel:
    """Compromise pulled towards (or pushed away from) the status quo, fitted on training."""

    name = "sq-gravity"
    tunable = True
    uses_status_quo = True
    within_hull = False
    needs_capabilities = False
    grid: FloatArray = np.round(np.linspace(-1.0, 1.0, 81), 6)

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

    def parameters(self) -> Mapping[str, float | None]:
        return {"gravity": self.gravity}


class BlendModel:
    """Mix of weighted mean and weighted median, mixing weight fit on training issues."""

    name = "blend"
    tunable = True
    uses_status_quo = False
    within_hull = True
    needs_capabilities = False
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

    def parameters(self) -> Mapping[str, float | None]:
        return {"mean_share": self.mean_share}


def _capabilities_vary(issue: IssueData) -> bool:
    caps = issue.capabilities[issue.saliences > 0]
    return issue.capability_source is not None and bool(np.ptp(caps) > 0) if caps.size else False


class CapabilityExponentModel:
    """Weighted mean with weights capability**a × salience, ``a`` fit on training issues.

    ``exponent = None`` means "not identified": no training issue gives capabilities that
    differ between its actors, so every exponent fits equally; the model then forecasts the
    compromise model's value and says so (:attr:`note`) instead of reporting a tie-break.
    """

    name = "cap-exponent"
    tunable = True
    uses_status_quo = False
    within_hull = True
    needs_capabilities = True
    grid: FloatArray = np.round(np.linspace(0.0, 3.0, 31), 6)

    def __init__(self, exponent: float | None = 1.0) -> None:
        self.exponent = exponent

    @property
    def note(self) -> str | None:
        """Why the exponent is not identified, or ``None``."""
        if self.exponent is None:
            return f"{NO_CAPABILITIES}: exponent not identified, forecasts equal compromise"
        return None

    @staticmethod
    def _mean(issue: IssueData, a: float) -> float:
        w = issue.capabilities**a * issue.saliences
        if not np.any(w > 0):
            w = issue.weights
        return weighted_mean(issue.positions, w)

    def fit(self, train: Sequence[IssueData], rng: np.random.Generator) -> CapabilityExponentModel:
        data = [i for i in _scored(train) if _capabilities_vary(i)]
        if not data:
            return CapabilityExponentModel(None)
        preds = np.array([[self._mean(i, float(a)) for i in data] for a in self.grid])
        outcomes = np.array([i.outcome for i in data], dtype=np.float64)
        return CapabilityExponentModel(
            _best(self.grid, preds.reshape(self.grid.size, -1), outcomes, 1.0)
        )

    def predict(self, issue: IssueData) -> float:
        return self._mean(issue, 1.0 if self.exponent is None else self.exponent)

    def parameters(self) -> Mapping[str, float | None]:
        return {"exponent": self.exponent}
