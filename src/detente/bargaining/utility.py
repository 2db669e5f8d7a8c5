"""Utilities over the multi-issue space.

Functional form (one for the whole package)::

    L_i(x) = Σ_k w_ik · |x_k − ideal_ik| / 100          (loss, 0..1; x on 0..100)
    U_i(x) = 1 − L_i(x) ** r_i                          (utility, 0..1)

``w_ik`` are saliences normalised per actor (sum 1), ``r_i`` is ``Actor.risk``: r = 1 is
risk-neutral (linear loss), r > 1 risk-averse (U is concave in x, because L is convex and
non-negative and t ↦ t^r is convex increasing), r < 1 risk-acceptant. Units: utility 1 is the
gap between the actor's best settlement (every issue at its ideal) and its worst conceivable
one (every issue 100 points away, weighted). Whatever r, U_i ≥ t is the convex set
L_i(x) ≤ (1 − t)^{1/r}, which is what makes the zone of agreement a polyhedron.

Red lines: ``feasible(problem, x)`` is True where every actor's (or every veto actor's)
``lo ≤ x ≤ hi`` holds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray

from detente.bargaining.problem import FloatArray

if TYPE_CHECKING:
    from detente.bargaining.problem import BargainingProblem

__all__ = ["feasible", "loss", "loss_arrays", "loss_bound", "utility", "utility_arrays"]


def loss_arrays(ideal: FloatArray, weights: FloatArray, x: ArrayLike) -> FloatArray:
    """L_a(x) on bare arrays: ideal and weights (A, I), x of shape (..., I) → (..., A).

    ``weights`` may carry leading axes (..., A, I) that broadcast against x's (per-run
    preference weights in the simulation).

    The one implementation of the loss; :func:`loss` applies it to a problem, and engines that
    hold the arrays without a :class:`BargainingProblem` (the simulation) call it directly.
    """
    xa = np.asarray(x, dtype=float)
    if np.ndim(weights) > 2:  # per-run weights (..., m, n), broadcasting against x's axes
        return _per_run_loss(ideal, np.asarray(weights, dtype=float), xa)
    diff = np.abs(xa[..., None, :] - ideal) / 100.0
    out: FloatArray = np.einsum("...mn,mn->...m", diff, weights)
    return out


def _per_run_loss(ideal: FloatArray, weights: FloatArray, xa: FloatArray) -> FloatArray:
    """``loss_arrays`` with per-run weights (..., m, n): actor by actor, the weighted
    distances summed issue by issue in order (``|x_k − ideal_ik| / 100 · w_ik``), each term
    one pass over the broadcast (x's axes × the weights' leading axes) without the (…, m, n)
    intermediate."""
    m, n_i = ideal.shape
    lead = np.broadcast_shapes(xa.shape[:-1], weights.shape[:-2])
    out: FloatArray = np.empty((*lead, m))
    dist = np.abs(xa[..., None, :] - ideal) / 100.0  # (x's axes, m, n): small, no run axes
    for a in range(m):
        acc = dist[..., a, 0] * weights[..., a, 0]
        for k in range(1, n_i):
            acc = acc + dist[..., a, k] * weights[..., a, k]
        out[..., a] = acc
    return out


def utility_arrays(
    ideal: FloatArray, weights: FloatArray, risk: FloatArray, x: ArrayLike
) -> FloatArray:
    """U_a(x) = 1 − L_a(x)^{r_a} on bare arrays: x of shape (..., I) → (..., A), in [0, 1].

    The one implementation of the utility function (see the module docstring for the form).
    """
    lv = np.clip(loss_arrays(ideal, weights, x), 0.0, 1.0)
    if np.all(np.asarray(risk) == 1.0):  # risk-neutral: L^1 is L, bit for bit (no pow pass)
        out: FloatArray = 1.0 - lv
        return out
    out = 1.0 - lv**risk
    return out


def loss(problem: BargainingProblem, x: ArrayLike) -> FloatArray:
    """L_i(x) for x of shape (..., n) → (..., m)."""
    return loss_arrays(problem.ideal, problem.weights, x)


def utility(problem: BargainingProblem, x: ArrayLike) -> FloatArray:
    """U_i(x) = 1 − L_i(x)^{r_i}, vectorised: x of shape (..., n) → (..., m), in [0, 1]."""
    return utility_arrays(problem.ideal, problem.weights, problem.risk, x)


def loss_bound(problem: BargainingProblem, threshold: ArrayLike) -> FloatArray:
    """Largest loss L_i with U_i ≥ threshold_i: (1 − t)^{1/r}; −1 (impossible) when t > 1.

    A threshold ≤ 0 gives a bound ≥ 1, which every x meets.
    """
    t = np.asarray(threshold, dtype=float)
    gap = 1.0 - t
    with np.errstate(invalid="ignore", over="ignore"):
        bound = np.where(gap >= 0.0, np.abs(gap) ** (1.0 / problem.risk), -1.0)
    return np.asarray(np.where(np.isnan(t), -1.0, bound), dtype=float)


def feasible(
    problem: BargainingProblem, x: ArrayLike, *, veto_only: bool = True, tol: float = 1e-9
) -> NDArray[np.bool_]:
    """Red-line mask: x (..., n) → (...,) True where every (veto) actor's range holds."""
    xa = np.asarray(x, dtype=float)
    rows = problem.veto if veto_only else np.ones(problem.n_actors, dtype=bool)
    lo, hi = problem.lo[rows], problem.hi[rows]
    ok = (xa[..., None, :] >= lo - tol) & (xa[..., None, :] <= hi + tol)
    out: NDArray[np.bool_] = np.asarray(ok.all(axis=(-1, -2)), dtype=bool)
    return out
