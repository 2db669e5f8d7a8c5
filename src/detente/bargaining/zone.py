"""The zone of agreement, decided exactly by linear programming.

Zone(t) = {x ∈ [0,100]^n : lo_ik ≤ x_k ≤ hi_ik and U_i(x) ≥ t_i for every veto actor i}.

Because U_i ≥ t_i ⇔ Σ_k w_ik |x_k − ideal_ik| / 100 ≤ (1 − t_i)^{1/r_i}, introducing
e_ik ≥ |x_k − ideal_ik| (two linear inequalities each) makes the zone the projection of a
polyhedron, for any risk exponent. One LP (HiGHS) then gives at once

- existence: maximise ρ subject to every veto actor's constraint tightened by ρ/100 and
  ρ ≤ x_k − lo_k, ρ ≤ hi_k − x_k. For ρ ≥ 0 the cube of half-width ρ around x lies in the zone
  (the bound is exact for this loss: the worst point of the cube adds exactly ρ·Σ_k w_ik/100);
  so the zone exists iff ρ* ≥ 0, and x* is the centre of the largest inscribed cube
  (Chebyshev centre in the ∞-norm; issues the red lines pin to one value are held fixed and
  the cube spans the others). When ρ* < 0 the LP relaxes every actor by the same loss
  |ρ*|/100 (and conflicting red lines by |ρ*| points each) and x* is the least-infeasible
  point, where each actor's shortfall is reported; ρ* is the LP's value, never a sentinel.
- each issue's interval: min and max of x_k over the zone (2n LPs).

The volume is estimated by uniform rejection sampling in the zone's bounding box (seeded).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from detente.bargaining.lp import solve_lp
from detente.bargaining.problem import BargainingProblem, FloatArray
from detente.bargaining.utility import loss_bound, utility
from detente.core import TOL_FEASIBLE, TOL_LP, TOL_UTILITY
from detente.core.limits import require_memory

__all__ = ["TOL", "Zone", "ZoneLP", "compute_zone", "pinned_issues"]

TOL = TOL_LP
"""Radius of the zone's max-min LP treated as zero (see :data:`detente.core.TOL_LP`)."""
_LOG_MAX = math.log(np.finfo(np.float64).max) - 1.0
"""Volumes (scale points ** free issues) beyond the float range saturate here (the share of
the issue space, computed in logs, stays exact)."""


@dataclass(frozen=True, eq=False)
class Zone:
    """A zone of agreement for given thresholds (utilities each veto actor must reach)."""

    exists: bool
    radius: float  # ρ*: half-width of the largest cube in the zone (< 0: infeasibility)
    centre: FloatArray  # (n,) cube centre, or least-infeasible point
    intervals: FloatArray  # (n, 2); NaN when empty
    thresholds: FloatArray  # (m,), NaN for actors without a constraint
    slack: FloatArray  # (m,) U_i(centre) − t_i (NaN for non-constrained)
    shortfall: FloatArray  # (m,) max(0, t_i − U_i(centre)) when empty, else 0
    red_line_conflicts: tuple[str, ...] = ()
    red_line_detail: tuple[str, ...] = ()  # "issue: A needs ≥ lo, B needs ≤ hi"
    red_line_violation: FloatArray = field(default_factory=lambda: np.zeros(0))  # (m,) points
    volume: float = 0.0  # in (scale points)^n
    volume_se: float = 0.0
    volume_share: float = 0.0  # of [0,100]^n
    volume_samples: int = 0
    meta: dict[str, float] = field(default_factory=dict)


def pinned_issues(lo: FloatArray, hi: FloatArray) -> NDArray[np.bool_]:
    """Which issues the veto parties' combined red lines (``lo``, ``hi``: per issue, the
    largest stated minimum and the smallest stated maximum) pin to one value: those whose
    bounds are within :data:`~detente.core.TOL_FEASIBLE` of each other, either way. The zone's
    and the packages' cubes are held fixed on them (they span the other issues). Bounds that
    conflict by more than that (a minimum above a maximum) are not pinned: the zone replaces
    them by the whole scale, the packages price or report them."""
    out: NDArray[np.bool_] = np.abs(np.asarray(hi) - np.asarray(lo)) < TOL_FEASIBLE
    return out


class ZoneLP:
    """The zone's constraint matrices for one problem; thresholds only change the RHS."""

    def __init__(
        self,
        problem: BargainingProblem,
        rows: NDArray[np.bool_] | None = None,
        *,
        red_lines: bool = True,
    ):
        self.problem = problem
        self.rows = problem.veto.copy() if rows is None else rows.copy()
        n = problem.n_issues
        idx = np.flatnonzero(self.rows)
        self.actor_rows = idx
        if red_lines and idx.size:
            lo, hi = np.max(problem.lo[idx], axis=0), np.min(problem.hi[idx], axis=0)
        else:
            lo, hi = np.zeros(n), np.full(n, 100.0)
        conflict = lo > hi + TOL_FEASIBLE
        self.conflicts = tuple(problem.issues[k] for k in np.flatnonzero(conflict))
        detail = []
        for kc in (int(v) for v in np.flatnonzero(conflict)):
            i_lo = idx[int(np.argmax(problem.lo[idx, kc]))]
            i_hi = idx[int(np.argmin(problem.hi[idx, kc]))]
            detail.append(
                f"{problem.issues[kc]}: {problem.actors[i_lo]} needs ≥ {lo[kc]:g}, "
                f"{problem.actors[i_hi]} needs ≤ {hi[kc]:g}"
            )
        self.conflict_detail = tuple(detail)
        self.red_lines = red_lines
        self.lo = np.where(conflict, 0.0, lo)
        self.hi = np.where(conflict, 100.0, hi)
        # The cube rows use the stated bounds even where they conflict, so ρ* is the true LP
        # value (negative: half the widest gap at least), never a sentinel.
        self.box_lo = lo
        self.box_hi = hi
        pairs = [(i, k) for i in idx for k in range(n) if problem.weights[i, k] > 0]
        self.pairs = pairs
        ne = len(pairs)
        require_memory(
            8.0 * (2 * ne + idx.size + 2 * n) * (n + ne + 1),
            f"the zone's linear programme ({idx.size} veto actors × {n} issues, dense)",
            "fewer veto actors or issues",
        )
        self.nx, self.ne = n, ne
        self.nv = n + ne + 1  # x, e, rho
        rho = n + ne
        a_rows: list[FloatArray] = []
        b_rows: list[float] = []
        for p, (i, k) in enumerate(pairs):
            r1 = np.zeros(self.nv)
            r1[k], r1[n + p] = 1.0, -1.0
            r2 = np.zeros(self.nv)
            r2[k], r2[n + p] = -1.0, -1.0
            a_rows += [r1, r2]
            b_rows += [problem.ideal[i, k], -problem.ideal[i, k]]
        self.n_abs = len(a_rows)
        self.loss_rows = np.zeros((idx.size, self.nv))
        for p, (i, k) in enumerate(pairs):
            self.loss_rows[int(np.searchsorted(idx, i)), n + p] = problem.weights[i, k] / 100.0
        self.loss_rows[:, rho] = 1.0 / 100.0
        # Issues whose red lines leave a single value are fixed: the cube spans the others.
        self.fixed = pinned_issues(self.lo, self.hi)
        box = np.zeros((2 * n, self.nv))
        for k in range(n):
            free = 0.0 if self.fixed[k] else 1.0
            box[2 * k, k], box[2 * k, rho] = -1.0, free
            box[2 * k + 1, k], box[2 * k + 1, rho] = 1.0, free
        self.box_rhs = np.ravel(np.column_stack([-self.box_lo, self.box_hi]))
        abs_a = np.array(a_rows).reshape(-1, self.nv)
        self.a_ub = np.vstack([abs_a, self.loss_rows, box])
        self.abs_rhs = np.array(b_rows, dtype=float)
        self.bounds = (
            [(float(self.lo[k]), float(self.hi[k])) for k in range(n)]
            + [(0.0, None)] * ne
            + [(None, 100.0)]
        )

    def rhs(self, thresholds: FloatArray) -> FloatArray:
        bound = loss_bound(self.problem, thresholds)[self.actor_rows]
        bound = np.where(np.isfinite(bound), bound, 1e6)
        return np.concatenate([self.abs_rhs, bound, self.box_rhs])

    def solve(
        self,
        c: FloatArray,
        thresholds: FloatArray,
        rho: tuple[float | None, float | None] = (None, 100.0),
        *,
        with_box: bool = True,
    ) -> FloatArray | None:
        """Minimise c·z over the LP; None if infeasible."""
        b = self.rhs(thresholds)
        a = self.a_ub
        if not with_box:
            a, b = a[: -2 * self.nx], b[: -2 * self.nx]
        bounds = [*self.bounds[:-1], rho]
        res = solve_lp(c, a, b, bounds)
        return res.x

    def max_radius(self, thresholds: FloatArray) -> tuple[float, FloatArray]:
        """ρ* and x*: the largest-cube LP (see module docstring)."""
        c = np.zeros(self.nv)
        c[-1] = -1.0
        z = self.solve(c, thresholds)
        if z is None:  # cannot happen (ρ free), kept for safety
            return -np.inf, self.problem.status_quo.copy()
        return float(z[-1]), z[: self.nx].copy()

    def exists(self, thresholds: FloatArray) -> bool:
        return self.max_radius(thresholds)[0] >= -TOL

    def interval(self, thresholds: FloatArray, k: int) -> tuple[float, float]:
        c = np.zeros(self.nv)
        c[k] = 1.0
        z_lo = self.solve(c, thresholds, (0.0, 0.0), with_box=False)
        z_hi = self.solve(-c, thresholds, (0.0, 0.0), with_box=False)
        if z_lo is None or z_hi is None:
            return float("nan"), float("nan")
        return float(z_lo[k]), float(z_hi[k])

    def best_for(self, thresholds: FloatArray, i: int) -> FloatArray | None:
        """The zone point minimising actor i's loss (its best point in the zone)."""
        c = np.zeros(self.nv)
        for p, (a, k) in enumerate(self.pairs):
            if a == i:
                c[self.nx + p] = self.problem.weights[i, k]
        if not self.rows[i]:
            # actor without a constraint row: add its own |x − ideal| via a separate LP
            return _best_unconstrained(self, thresholds, i)
        z = self.solve(c, thresholds, (0.0, 0.0), with_box=False)
        return None if z is None else z[: self.nx].copy()

    def nearest(self, thresholds: FloatArray, y: FloatArray) -> FloatArray | None:
        """The zone point closest to y in summed absolute change (an LP)."""
        n = self.nx
        a = self.a_ub[: -2 * n]
        b = self.rhs(thresholds)[: -2 * n]
        ext = np.zeros((2 * n, self.nv))
        ext[np.arange(n), np.arange(n)] = 1.0
        ext[n + np.arange(n), np.arange(n)] = -1.0
        f = np.vstack([-np.eye(n), -np.eye(n)])
        a_full = np.block([[a, np.zeros((a.shape[0], n))], [ext, f]])
        b_full = np.concatenate([b, y, -y])
        c = np.concatenate([np.zeros(self.nv), np.ones(n)])
        bounds = [*self.bounds[:-1], (0.0, 0.0), *([(0.0, None)] * n)]
        res = solve_lp(c, a_full, b_full, bounds)
        return None if res.x is None else res.x[:n].copy()


def _best_unconstrained(lp: ZoneLP, thresholds: FloatArray, i: int) -> FloatArray | None:
    problem = lp.problem
    n = lp.nx
    a = lp.a_ub[: -2 * n]
    b = lp.rhs(thresholds)[: -2 * n]
    ext = np.zeros((2 * n, lp.nv))
    ext[np.arange(n), np.arange(n)] = 1.0
    ext[n + np.arange(n), np.arange(n)] = -1.0
    f = np.vstack([-np.eye(n), -np.eye(n)])
    a_full = np.block([[a, np.zeros((a.shape[0], n))], [ext, f]])
    b_full = np.concatenate([b, problem.ideal[i], -problem.ideal[i]])
    c = np.concatenate([np.zeros(lp.nv), problem.weights[i]])
    bounds = [*lp.bounds[:-1], (0.0, 0.0), *([(0.0, None)] * n)]
    res = solve_lp(c, a_full, b_full, bounds)
    return None if res.x is None else res.x[:n].copy()


def compute_zone(
    problem: BargainingProblem,
    thresholds: FloatArray | None = None,
    *,
    rng: np.random.Generator | None = None,
    samples: int = 4000,
    lp: ZoneLP | None = None,
    intervals: bool = True,
) -> Zone:
    """The zone for ``thresholds`` (default: the reservation values) over the veto actors.

    ``intervals=False`` decides existence only (one LP; intervals are then NaN).
    """
    t = problem.reservation.copy() if thresholds is None else np.asarray(thresholds, dtype=float)
    t = np.where(problem.veto, t, np.nan)
    lp = ZoneLP(problem) if lp is None else lp
    radius, centre = lp.max_radius(t)
    exists = radius >= -TOL
    u = utility(problem, centre)
    slack = np.where(problem.veto, u - t, np.nan)
    n = problem.n_issues
    if not exists:
        shortfall = np.where(problem.veto, np.maximum(0.0, t - u), 0.0)
        violation = np.zeros(problem.n_actors)
        if lp.red_lines:
            outside = np.maximum(problem.lo - centre, 0.0) + np.maximum(centre - problem.hi, 0.0)
            violation = np.where(problem.veto, outside.sum(axis=1), 0.0)
        return Zone(
            exists=False,
            radius=radius,
            centre=centre,
            intervals=np.full((n, 2), np.nan),
            thresholds=t,
            slack=slack,
            shortfall=shortfall,
            red_line_conflicts=lp.conflicts,
            red_line_detail=lp.conflict_detail,
            red_line_violation=violation,
        )
    if not intervals:
        ranges = np.full((n, 2), np.nan)
        vol, se, share, used = 0.0, 0.0, 0.0, 0
    else:
        ranges = np.array([lp.interval(t, k) for k in range(n)])
        vol, se, share, used = _volume(problem, t, ranges, rng, samples)
    return Zone(
        exists=True,
        radius=radius,
        centre=centre,
        intervals=ranges,
        thresholds=t,
        slack=slack,
        shortfall=np.zeros(problem.n_actors),
        volume=vol,
        volume_se=se,
        volume_share=share,
        volume_samples=used,
    )


def contains(problem: BargainingProblem, thresholds: FloatArray, x: FloatArray) -> bool:
    """Is x in Zone(thresholds) (tolerance 1e-6)?"""
    t = np.where(problem.veto, thresholds, np.nan)
    rows = problem.veto
    if np.any(x < problem.lo[rows] - 1e-6) or np.any(x > problem.hi[rows] + 1e-6):
        return False
    u = utility(problem, x)
    return bool(np.all((u[rows] >= t[rows] - 1e-6) | np.isnan(t[rows])))


def _volume(
    problem: BargainingProblem,
    t: FloatArray,
    intervals: FloatArray,
    rng: np.random.Generator | None,
    samples: int,
) -> tuple[float, float, float, int]:
    widths = intervals[:, 1] - intervals[:, 0]
    # Issues pinned to one value (width 0) are flat directions: the volume is measured in the
    # remaining issues (and the share relative to 100 per remaining issue). Products over
    # issues are taken in logs: 100 ** n overflows beyond about 154 issues.
    free = widths > TOL_FEASIBLE
    log_box = float(np.sum(np.log(widths[free])))
    box = math.exp(min(log_box, _LOG_MAX))
    if samples <= 0 or not free.any():
        return 0.0, 0.0, 0.0, 0
    gen = rng if rng is not None else np.random.default_rng(0)
    x = intervals[:, 0] + gen.random((samples, problem.n_issues)) * widths
    u = utility(problem, x)[:, problem.veto]
    inside = np.all(u >= t[problem.veto] - TOL_UTILITY, axis=1)
    frac = float(inside.mean())
    se = box * float(np.sqrt(frac * (1.0 - frac) / samples))
    vol = box * frac
    share = frac * math.exp(log_box - int(free.sum()) * math.log(100.0))
    return vol, se, share, samples
