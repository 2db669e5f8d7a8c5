"""Multi-actor (asymmetric) Nash bargaining solution with the status quo as disagreement point.

Utilities are linear losses in distance, scaled by salience: ``u_i(x) = -s_i |x - p_i|``.
The disagreement point is the status quo ``q``, so actor *i*'s gain from ``x`` is
``g_i(x) = s_i (|q - p_i| - |x - p_i|)``. The solution maximises the weighted Nash product

    sum_i  w_i log g_i(x),     w_i = c_i s_i / sum_j c_j s_j,

over the individually rational set ``F = {x : g_i(x) >= 0 for all i}`` (Nash 1950; the
asymmetric form of Kalai 1977 / Roth 1979). Interpretive choices, documented:

1. **Bargaining weight = capability × salience.** The Nash solution is invariant to rescaling
   each actor's utility, so salience multiplying the utility alone would change nothing; to
   let salience matter (as in every other model here) it enters the bargaining weight.
2. **Status quo Pareto-optimal -> status quo.** In one dimension ``F`` is the intersection of
   the intervals ``[p_i - |q - p_i|, p_i + |q - p_i|]``. When ``q`` lies inside the actors'
   range (or an actor's ideal point equals ``q``), every move hurts someone, ``F = {q}`` and
   the forecast is the status quo. This is the theory's answer, not a fallback.
3. **Unknown status quo.** Each actor's disagreement utility is then its worst point among
   the actors' positions (the far end of the range), so ``F`` covers the whole range.
4. **Numerics.** The objective is concave on ``F`` (and tends to minus infinity at its ends),
   so its maximiser is found by bisection on the sign of its derivative, to 1e-13 of ``F``.

The solution always lies between the lowest and highest actor position.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from detente.forecast.data import FloatArray, IssueData

__all__ = ["NashModel", "nash_solution"]

_TOL = 1e-13
_MAX_ITER = 200


def _slope(x: float, p: FloatArray, d: FloatArray, w: FloatArray) -> float:
    """Derivative of the weighted log Nash product at ``x`` (inside ``F``)."""
    gains = d - np.abs(x - p)
    if np.any(gains <= 0):  # on the edge of F (only reachable through rounding)
        return float(np.sum(w * -np.sign(x - p)))
    return float(np.sum(w * -np.sign(x - p) / gains))


def nash_solution(
    positions: FloatArray, saliences: FloatArray, capabilities: FloatArray, status_quo: float | None
) -> float:
    """The asymmetric Nash bargaining solution on one issue (see module docstring)."""
    p = positions
    lo, hi = float(p.min()), float(p.max())
    if hi == lo:
        return lo
    w = capabilities * saliences
    w = w / w.sum()
    active = w > 0
    if status_quo is None:
        d = np.maximum(np.abs(p - lo), np.abs(p - hi))
    else:
        d = np.abs(status_quo - p)
        if np.any(d[active] == 0):
            return float(status_quo)
    # Individually rational set, intersected with the actors' range.
    left = max(float(np.max((p - d)[active])), lo)
    right = min(float(np.min((p + d)[active])), hi)
    if right <= left:
        return float(status_quo) if status_quo is not None else left
    pa, da, wa = p[active], d[active], w[active]
    a, b = left, right
    tol = _TOL * (right - left)
    for _ in range(_MAX_ITER):
        mid = 0.5 * (a + b)
        if b - a <= tol or mid in (a, b):
            break
        if _slope(mid, pa, da, wa) > 0:
            a = mid
        else:
            b = mid
    return float(0.5 * (a + b))


class NashModel:
    """Asymmetric Nash bargaining solution, status quo as the disagreement point."""

    name = "nash"
    tunable = False
    uses_status_quo = True
    within_hull = True

    def fit(self, train: Sequence[IssueData], rng: np.random.Generator) -> NashModel:
        return self

    def predict(self, issue: IssueData) -> float:
        return nash_solution(issue.positions, issue.saliences, issue.capabilities, issue.status_quo)

    def parameters(self) -> Mapping[str, float]:
        return {}
