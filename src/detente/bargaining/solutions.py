"""Solutions inside the zone: Nash, Kalai–Smorodinsky, utilitarian, compromise.

With d_i the disagreement value of veto actor i (its threshold: reservation, or the
distrust-adjusted acceptance threshold), over the zone Z:

- Nash: argmax_{x∈Z} Σ_i log(U_i(x) − d_i). Solved by SLSQP on (x, e) with e_ik ≥ |x_k −
  ideal_ik| (all constraints linear; the objective is smooth and, for r ≥ 1, concave), started
  at the zone's centre.
- Kalai–Smorodinsky: the point of Z with the largest λ such that U_i − d_i ≥ λ (u*_i − d_i) for
  every i, u*_i = max_Z U_i (an LP each); λ by bisection on zone existence (LPs).
- Utilitarian: argmax_{x∈Z} Σ_i U_i(x) (an LP when every r = 1, else SLSQP).
- Compromise (references §2): per issue, the mean of ideal points weighted by capability ×
  salience over every actor with a position; reported with whether it lies in Z.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

from detente.bargaining.problem import BargainingProblem, FloatArray
from detente.bargaining.utility import utility
from detente.bargaining.zone import Zone, ZoneLP, contains

__all__ = ["Solution", "compromise_point", "solve_all"]


@dataclass(frozen=True, eq=False)
class Solution:
    """A named point with the utilities it gives and whether it lies in the zone."""

    name: str
    x: FloatArray
    utilities: FloatArray
    in_zone: bool


def compromise_point(problem: BargainingProblem) -> FloatArray:
    """Per issue, Σ_i cap_i·w_ik·ideal_ik / Σ_i cap_i·w_ik (status quo if nobody cares)."""
    wt = problem.capability[:, None] * problem.weights
    tot = wt.sum(axis=0)
    num = (wt * problem.ideal).sum(axis=0)
    out: FloatArray = np.where(tot > 0, num / np.where(tot > 0, tot, 1.0), problem.status_quo)
    return out


def _smooth_max(
    lp: ZoneLP,
    thresholds: FloatArray,
    start: FloatArray,
    objective: Callable[[FloatArray], tuple[float, FloatArray]],
) -> FloatArray:
    """Maximise objective(y) (y = losses of the constrained actors) over the zone by SLSQP."""
    problem = lp.problem
    n = lp.nx
    a = lp.a_ub[: -2 * n, :-1]  # drop ρ column and the box rows; ρ = 0
    b = lp.rhs(thresholds)[: -2 * n]
    g = lp.loss_rows[:, :-1]  # y = g @ z
    z0 = np.zeros(lp.nv - 1)
    z0[:n] = start
    for p, (i, k) in enumerate(lp.pairs):
        z0[n + p] = abs(start[k] - problem.ideal[i, k])

    def fun(z: FloatArray) -> tuple[float, FloatArray]:
        y = g @ z
        val, dy = objective(y)
        return -val, -(g.T @ dy)

    res = minimize(
        fun,
        z0,
        jac=True,
        method="SLSQP",
        bounds=lp.bounds[:-1],
        constraints=[{"type": "ineq", "fun": lambda z: b - a @ z, "jac": lambda z: -a}],
        options={"maxiter": 300, "ftol": 1e-12},
    )
    x = np.asarray(res.x[:n], dtype=float)
    x = np.clip(x, lp.lo, lp.hi)
    if not contains(problem, thresholds, x) or fun(res.x)[0] > fun(z0)[0]:
        return start
    return x


def _nash(lp: ZoneLP, t: FloatArray, start: FloatArray) -> FloatArray:
    rows = lp.actor_rows
    r = lp.problem.risk[rows]
    d = t[rows]

    def obj(y: FloatArray) -> tuple[float, FloatArray]:
        yc = np.clip(y, 1e-12, 1.0)
        gain = 1.0 - yc**r - d
        if np.any(gain <= 0):
            return -1e12, np.zeros_like(y)
        val = float(np.sum(np.log(gain)))
        return val, -(r * yc ** (r - 1.0)) / gain

    return _smooth_max(lp, t, start, obj)


def _utilitarian(lp: ZoneLP, t: FloatArray, start: FloatArray) -> FloatArray:
    rows = lp.actor_rows
    r = lp.problem.risk[rows]
    if np.allclose(r, 1.0):
        c = lp.loss_rows.sum(axis=0).copy()
        c[-1] = 0.0
        z = lp.solve(c, t, (0.0, 0.0), with_box=False)
        return start if z is None else z[: lp.nx].copy()

    def obj(y: FloatArray) -> tuple[float, FloatArray]:
        yc = np.clip(y, 1e-12, 1.0)
        return float(np.sum(1.0 - yc**r)), -(r * yc ** (r - 1.0))

    return _smooth_max(lp, t, start, obj)


def _kalai_smorodinsky(lp: ZoneLP, t: FloatArray) -> FloatArray | None:
    problem = lp.problem
    rows = lp.actor_rows
    best = np.full(problem.n_actors, np.nan)
    for i in rows:
        x = lp.best_for(t, int(i))
        if x is None:
            return None
        best[i] = utility(problem, x)[i]
    lo_l, hi_l = 0.0, 1.0

    def thr(lam: float) -> FloatArray:
        return np.where(problem.veto, t + lam * (best - t), np.nan)

    if lp.exists(thr(1.0)):
        lo_l = 1.0
    else:
        for _ in range(40):
            mid = 0.5 * (lo_l + hi_l)
            if lp.exists(thr(mid)):
                lo_l = mid
            else:
                hi_l = mid
            if hi_l - lo_l < 1e-9:
                break
    return lp.max_radius(thr(lo_l))[1]


def solve_all(problem: BargainingProblem, zone: Zone, lp: ZoneLP) -> dict[str, Solution]:
    """Nash, KS, utilitarian and compromise points (the first three only if the zone exists)."""
    t = zone.thresholds
    out: dict[str, Solution] = {}
    if zone.exists:
        centre = zone.centre
        points: dict[str, FloatArray | None] = {
            "nash": _nash(lp, t, centre),
            "kalai_smorodinsky": _kalai_smorodinsky(lp, t),
            "utilitarian": _utilitarian(lp, t, centre),
        }
        for name, x in points.items():
            if x is None:
                continue
            out[name] = Solution(name, x, utility(problem, x), contains(problem, t, x))
    comp = compromise_point(problem)
    out["compromise"] = Solution(
        "compromise", comp, utility(problem, comp), zone.exists and contains(problem, t, comp)
    )
    return out


