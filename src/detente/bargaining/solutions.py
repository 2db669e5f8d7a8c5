"""Solutions inside the zone: Nash, Kalai–Smorodinsky, utilitarian, compromise.

With d_i the disagreement value of veto actor i (its threshold: reservation, or the
distrust-adjusted acceptance threshold), over the zone Z:

- Nash: argmax_{x∈Z} Σ_i log(U_i(x) − d_i). Solved by a log-barrier interior-point method on
  (x, e) with e_ik ≥ |x_k − ideal_ik| (all constraints linear; the objective is smooth and,
  for r ≥ 1, concave), started at the zone's centre.
- Kalai–Smorodinsky: the point of Z with the largest λ such that U_i − d_i ≥ λ (u*_i − d_i) for
  every i, u*_i = max_Z U_i (an LP each); λ by bisection on zone existence (LPs).
- Utilitarian: argmax_{x∈Z} Σ_i U_i(x) (an LP when every r = 1, else the barrier method).
- Compromise (references §2): per issue, the mean of ideal points weighted by capability ×
  salience over every actor with a position; reported with whether it lies in Z.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from detente.bargaining.lp import solve_lp
from detente.bargaining.problem import BargainingProblem, FloatArray
from detente.bargaining.utility import utility
from detente.bargaining.zone import Zone, ZoneLP, contains

__all__ = ["Solution", "compromise_point", "nash_point", "solve_all"]


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


Objective = Callable[[FloatArray], tuple[float, FloatArray, FloatArray]]


def _barrier_max(lp: ZoneLP, t: FloatArray, zone: Zone, objective: Objective) -> FloatArray:
    """Maximise Σ_i φ_i(y_i) over the zone, y = the constrained actors' losses.

    Log-barrier interior-point method (Boyd & Vandenberghe 2004, §11.3) on (x, e) with every
    constraint linear: damped Newton steps with backtracking, barrier weight ×20 per round
    until the duality-gap bound (number of constraints / τ) is below 1e-6. Needs a strictly
    interior start: the zone's centre with e = |x − ideal| + ρ/2. ``objective(y)`` returns the
    value and the first and second derivatives of each φ_i (second clipped at ≤ 0, so the
    Newton system stays definite; exact for r ≥ 1 where every φ_i is concave).
    """
    problem = lp.problem
    n = lp.nx
    rho = zone.radius
    if rho <= 1e-9:
        return zone.centre.copy()
    nz = lp.nv - 1
    a_abs = lp.a_ub[: lp.n_abs, :-1]
    g = lp.loss_rows[:, :-1]
    bound = lp.rhs(t)[lp.n_abs : lp.n_abs + g.shape[0]]
    eye_x = np.zeros((n, nz))
    eye_x[np.arange(n), np.arange(n)] = 1.0
    eye_e = np.zeros((lp.ne, nz))
    eye_e[np.arange(lp.ne), n + np.arange(lp.ne)] = 1.0
    free_x = ~lp.fixed
    a_full = np.vstack([a_abs, g, -eye_x[free_x], eye_x[free_x], -eye_e])
    b_full = np.concatenate([lp.abs_rhs, bound, -lp.lo[free_x], lp.hi[free_x], np.zeros(lp.ne)])
    z_full = np.zeros(nz)
    z_full[:n] = zone.centre
    for p, (i, k) in enumerate(lp.pairs):
        z_full[n + p] = abs(zone.centre[k] - problem.ideal[i, k]) + rho / 2.0
    # Issues pinned by red lines are constants: optimise over the other variables only.
    var = np.concatenate([free_x, np.ones(lp.ne, dtype=bool)])
    a = a_full[:, var]
    b = b_full - a_full[:, ~var] @ z_full[~var]
    g_full = g
    g = g_full[:, var]
    y_const = g_full[:, ~var] @ z_full[~var]
    z = z_full[var]
    if np.any(b - a @ z <= 0):
        return zone.centre.copy()

    def value(zz: FloatArray, tau: float) -> float:
        s = b - a @ zz
        if np.any(s <= 0):
            return -np.inf
        f, _, _ = objective(g @ zz + y_const)
        return tau * f + float(np.sum(np.log(s)))

    tau = 1.0
    n_con = a.shape[0]
    for _ in range(12):
        for _ in range(60):
            s = b - a @ z
            f, d1, d2 = objective(g @ z + y_const)
            grad = tau * (g.T @ d1) - a.T @ (1.0 / s)
            hess = tau * (g.T * np.minimum(d2, 0.0)) @ g - (a.T * (1.0 / s**2)) @ a
            try:
                step = np.linalg.solve(-hess, grad)
            except np.linalg.LinAlgError:
                break
            dec = float(grad @ step)
            if dec / 2.0 < 1e-9:
                break
            ad = a @ step
            pos = ad > 0
            alpha = min(1.0, 0.99 * float(np.min(s[pos] / ad[pos]))) if pos.any() else 1.0
            # value(z, tau) from the s and f above (the same arithmetic, not computed twice)
            f0 = -np.inf if np.any(s <= 0) else tau * f + float(np.sum(np.log(s)))
            while alpha > 1e-12 and value(z + alpha * step, tau) < f0 + 0.01 * alpha * dec:
                alpha *= 0.5
            if alpha <= 1e-12:
                break
            z = z + alpha * step
        if n_con / tau < 1e-6:
            break
        tau *= 50.0
    z_full[var] = z
    x: FloatArray = np.clip(z_full[:n], lp.lo, lp.hi)
    return x if contains(problem, t, x) else zone.centre.copy()


BARRIER_CACHE_SIZE = 256
"""Most interior-point answers kept per process (:func:`_barrier_cached`)."""
_barrier_cache: OrderedDict[bytes, FloatArray] = OrderedDict()
_barrier_lock = threading.Lock()


def _barrier_cached(
    kind: str, lp: ZoneLP, t: FloatArray, zone: Zone, objective: Objective
) -> FloatArray:
    """:func:`_barrier_max`, its answers kept in a bounded per-process LRU keyed by the content
    hash of everything it reads: the objective's kind (its parameters are the risk exponents
    and thresholds below), the zone LP's matrices, bounds and pairs, the thresholds, the
    zone's centre and radius, and the problem's ideal points, weights, risk exponents, veto
    flags and red lines (the final containment test). A what-if edit that leaves the zone
    as it was (a crossing cost, a payment, a mechanism, for the zone without distrust) gets
    the answer the method computed for it before."""
    p = lp.problem
    h = hashlib.blake2b(kind.encode(), digest_size=20)
    h.update(np.array([lp.nx, lp.ne, lp.n_abs, p.n_actors], dtype=np.int64).tobytes())
    h.update(np.array(lp.pairs, dtype=np.int64).tobytes())
    for arr in (
        lp.a_ub, lp.loss_rows, lp.abs_rhs, lp.lo, lp.hi, lp.fixed, lp.actor_rows,
        lp.rhs(t), t, zone.centre, np.array([zone.radius]),
        p.ideal, p.weights, p.risk, p.veto, p.lo, p.hi,
    ):  # fmt: skip
        h.update(np.ascontiguousarray(arr).tobytes())
    key = h.digest()
    with _barrier_lock:
        found = _barrier_cache.get(key)
        if found is not None:
            _barrier_cache.move_to_end(key)
    if found is None:
        found = _barrier_max(lp, t, zone, objective)
        with _barrier_lock:
            _barrier_cache[key] = found.copy()
            while len(_barrier_cache) > BARRIER_CACHE_SIZE:
                _barrier_cache.popitem(last=False)
    return found.copy()


def _nash(lp: ZoneLP, t: FloatArray, zone: Zone) -> FloatArray:
    rows = lp.actor_rows
    r = lp.problem.risk[rows]
    d = t[rows]

    def obj(y: FloatArray) -> tuple[float, FloatArray, FloatArray]:
        yc = np.clip(y, 1e-12, 1.0)
        gain = 1.0 - yc**r - d
        if np.any(gain <= 0):
            return -np.inf, np.zeros_like(y), np.zeros_like(y)
        du = -r * yc ** (r - 1.0)  # dU/dy
        d2u = -r * (r - 1.0) * yc ** (r - 2.0)
        return float(np.sum(np.log(gain))), du / gain, d2u / gain - (du / gain) ** 2

    return _barrier_cached("nash", lp, t, zone, obj)


def _utilitarian(lp: ZoneLP, t: FloatArray, zone: Zone) -> FloatArray:
    rows = lp.actor_rows
    r = lp.problem.risk[rows]
    if np.allclose(r, 1.0):
        c = lp.loss_rows.sum(axis=0).copy()
        c[-1] = 0.0
        z = lp.solve(c, t, (0.0, 0.0), with_box=False)
        return zone.centre.copy() if z is None else z[: lp.nx].copy()

    def obj(y: FloatArray) -> tuple[float, FloatArray, FloatArray]:
        yc = np.clip(y, 1e-12, 1.0)
        return (
            float(np.sum(1.0 - yc**r)),
            -(r * yc ** (r - 1.0)),
            -r * (r - 1.0) * yc ** (r - 2.0),
        )

    return _barrier_cached("utilitarian", lp, t, zone, obj)


def _kalai_smorodinsky(lp: ZoneLP, t: FloatArray) -> FloatArray | None:
    problem = lp.problem
    rows = lp.actor_rows
    best = np.full(problem.n_actors, np.nan)
    for i in rows:
        x = lp.best_for(t, int(i))
        if x is None:
            return None
        best[i] = utility(problem, x)[i]
    rows_r = problem.risk[rows]
    if np.allclose(rows_r, 1.0):
        # r = 1: U_i − d_i ≥ λ (u*_i − d_i) is linear in (x, e, λ): one LP.
        a = lp.a_ub[: -2 * lp.nx].copy()
        b = lp.rhs(t)[: -2 * lp.nx].copy()
        loss_idx = slice(lp.n_abs, lp.n_abs + rows.size)
        a[loss_idx, -1] = best[rows] - t[rows]
        b[loss_idx] = 1.0 - t[rows]
        c = np.zeros(lp.nv)
        c[-1] = -1.0
        res = solve_lp(c, a, b, [*lp.bounds[:-1], (0.0, 1.0)])
        if res.x is not None:
            return res.x[: lp.nx].copy()
    lo_l, hi_l = 0.0, 1.0

    def thr(lam: float) -> FloatArray:
        return np.where(problem.veto, t + lam * (best - t), np.nan)

    if lp.exists(thr(1.0)):
        lo_l = 1.0
    else:
        while hi_l - lo_l > 1e-5:
            mid = 0.5 * (lo_l + hi_l)
            if lp.exists(thr(mid)):
                lo_l = mid
            else:
                hi_l = mid
    return lp.max_radius(thr(lo_l))[1]


def nash_point(problem: BargainingProblem, zone: Zone, lp: ZoneLP) -> Solution | None:
    """The Nash point alone (None if the zone is empty)."""
    if not zone.exists:
        return None
    x = _nash(lp, zone.thresholds, zone)
    return Solution("nash", x, utility(problem, x), contains(problem, zone.thresholds, x))


def solve_all(problem: BargainingProblem, zone: Zone, lp: ZoneLP) -> dict[str, Solution]:
    """Nash, KS, utilitarian and compromise points (the first three only if the zone exists)."""
    t = zone.thresholds
    out: dict[str, Solution] = {}
    if zone.exists:
        points: dict[str, FloatArray | None] = {
            "nash": _nash(lp, t, zone),
            "kalai_smorodinsky": _kalai_smorodinsky(lp, t),
            "utilitarian": _utilitarian(lp, t, zone),
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
