"""What concessions would it take: the smallest red-line relaxations that open the zone.

Mechanisms change compliance, losses and costs, never red lines, so a zone closed by
conflicting red lines (``Position.acceptable``) stays closed whatever mechanisms are added.
This module asks instead how far the veto actors' red lines would have to move.

One LP (HiGHS) over x (n issue values), e_ik ≥ |x_k − ideal_ik| and, for every veto actor i
allowed to concede and issue k on which it has a red line, the widening
``d⁻_ik, d⁺_ik ≥ 0`` of its range ``[lo_ik − d⁻_ik, hi_ik + d⁺_ik]``::

    minimise   Σ_ik c_ik (d⁻_ik + d⁺_ik),     c_ik = max(w_ik, WEIGHT_FLOOR)
    subject to lo_ik − d⁻_ik ≤ x_k ≤ hi_ik + d⁺_ik      (every veto actor i)
               Σ_k w_ik e_ik / 100 ≤ (1 − t_i)^{1/r_i}  (U_i(x) ≥ t_i, every veto actor i)
               e_ik ≥ ±(x_k − ideal_ik),  0 ≤ x ≤ 100

``w_ik`` is the actor's normalised salience (the weight of the issue in its own utility): a
point conceded on an issue the actor cares twice as much about counts twice as much, so the
LP moves the red lines of whoever cares least (``WEIGHT_FLOOR`` keeps a red line on an issue of
zero salience from being free). ``t`` are the thresholds the zone uses: with distrust and the
chosen mechanisms. The distrust zone lies inside the zone without distrust for the same red
lines, so a relaxation that opens it opens both.

At the optimum each moved bound sits exactly at x*_k (the LP never moves a bound further than
needed), so the relaxed red lines are ``lo' = min(lo, x*)``, ``hi' = max(hi, x*)`` and x* lies
in the relaxed zone. The relaxed zone is usually thin (a point or a face): the minimum is the
least that must move, not a comfortable margin. Minimality: if shrinking every move by a
common factor s < 1 still left a non-empty zone, any of its points would give the LP a
solution of cost s · total, contradicting optimality. The optimum need not be unique (ties
between actors with equal weights); HiGHS returns one vertex.

``one_sided``: the same LP with only one side's veto actors allowed to move (a war side: the
belligerent and its factions; without a war, each veto actor alone). No solution (None) when
the zone cannot be opened by red lines alone: some veto actor needs more utility than any point
within the other constraints gives it (e.g. distrust makes its threshold unreachable).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linprog

from detente.bargaining.problem import BargainingProblem, FloatArray
from detente.bargaining.solutions import Solution, nash_point
from detente.bargaining.utility import loss_bound
from detente.bargaining.zone import Zone, ZoneLP, compute_zone
from detente.core import TOL_FEASIBLE

__all__ = [
    "WEIGHT_FLOOR",
    "Move",
    "Relaxation",
    "concession_groups",
    "relax_red_lines",
    "relaxed_problem",
]

WEIGHT_FLOOR = 1e-3
"""Cost per point of moving a red line on an issue the actor gives no salience."""


@dataclass(frozen=True)
class Move:
    """One red line moved: actor's minimum (``bound="min"``) or maximum on an issue."""

    actor: str
    issue: str
    bound: str  # "min" or "max"
    start: float  # the red line now
    end: float  # where it would have to be
    points: float  # |end − start|, scale points
    cost: float  # c_ik · points


@dataclass(frozen=True, eq=False)
class Relaxation:
    """The smallest (weighted) red-line relaxation opening the zone for given thresholds."""

    conceders: tuple[str, ...]  # veto actors allowed to move
    total: float  # Σ c_ik · points (the LP's objective)
    points: float  # Σ points, unweighted
    moves: tuple[Move, ...]
    point: FloatArray  # x*: a point of the relaxed zone
    lo: FloatArray  # (m, n) relaxed red lines
    hi: FloatArray
    zone: Zone
    nash: Solution | None

    def points_by_actor(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for mv in self.moves:
            out[mv.actor] = out.get(mv.actor, 0.0) + mv.points
        return out


def relaxed_problem(
    problem: BargainingProblem, lo: FloatArray, hi: FloatArray
) -> BargainingProblem:
    """A copy of ``problem`` with other red lines."""
    return replace(problem, lo=np.asarray(lo, dtype=float), hi=np.asarray(hi, dtype=float))


def concession_groups(problem: BargainingProblem) -> dict[str, tuple[str, ...]]:
    """Who concedes together in the one-sided variants, keyed by the group's first actor.

    With a war: each side's veto actors (the belligerent and its factions). Veto actors on no
    side, and every veto actor when there is no war, concede alone.
    """
    groups: dict[str, tuple[str, ...]] = {}
    done: set[int] = set()
    for i, a in enumerate(problem.actors):
        if not problem.veto[i] or i in done:
            continue
        s = int(problem.side[i])
        if s >= 0:
            members = [
                j for j in range(problem.n_actors) if problem.veto[j] and int(problem.side[j]) == s
            ]
        else:
            members = [i]
        done.update(members)
        groups[a] = tuple(problem.actors[j] for j in members)
    return groups


def relax_red_lines(
    problem: BargainingProblem,
    thresholds: FloatArray,
    *,
    conceders: tuple[str, ...] | None = None,
    rng: np.random.Generator | None = None,
    samples: int = 0,
) -> Relaxation | None:
    """The smallest weighted relaxation of red lines opening Zone(thresholds) (module doc).

    ``conceders``: veto actors whose red lines may move (default: every veto actor).
    """
    m, n = problem.n_actors, problem.n_issues
    veto = [int(v) for v in np.flatnonzero(problem.veto)]
    allowed: NDArray[np.bool_] = np.zeros(m, dtype=bool)
    for i in veto:
        allowed[i] = conceders is None or problem.actors[i] in conceders
    t = np.where(problem.veto, np.asarray(thresholds, dtype=float), np.nan)
    bound = loss_bound(problem, t)
    if veto and np.any(bound[veto] < 0):  # a threshold above 1: no point gives that much utility
        return None
    pairs = [(int(i), k) for i in veto for k in range(n) if problem.weights[i, k] > 0]
    # Red lines that exist (not the 0/100 defaults) may move; the others stay.
    lo_pairs = [(int(i), k) for i in veto for k in range(n) if problem.lo[i, k] > 0.0]
    hi_pairs = [(int(i), k) for i in veto for k in range(n) if problem.hi[i, k] < 100.0]
    ne, nl, nh = len(pairs), len(lo_pairs), len(hi_pairs)
    nv = n + ne + nl + nh
    rows: list[FloatArray] = []
    rhs: list[float] = []
    for p, (i, k) in enumerate(pairs):
        for sign in (1.0, -1.0):
            r = np.zeros(nv)
            r[k], r[n + p] = sign, -1.0
            rows.append(r)
            rhs.append(sign * float(problem.ideal[i, k]))
    for i in veto:
        r = np.zeros(nv)
        for p, (a, k) in enumerate(pairs):
            if a == i:
                r[n + p] = problem.weights[i, k] / 100.0
        rows.append(r)
        rhs.append(float(min(bound[i], 1e6)))
    for q, (i, k) in enumerate(lo_pairs):  # lo − d⁻ ≤ x
        r = np.zeros(nv)
        r[k], r[n + ne + q] = -1.0, -1.0
        rows.append(r)
        rhs.append(-float(problem.lo[i, k]))
    for q, (i, k) in enumerate(hi_pairs):  # x ≤ hi + d⁺
        r = np.zeros(nv)
        r[k], r[n + ne + nl + q] = 1.0, -1.0
        rows.append(r)
        rhs.append(float(problem.hi[i, k]))
    c = np.zeros(nv)
    bounds: list[tuple[float, float | None]] = [(0.0, 100.0)] * n + [(0.0, None)] * ne
    for q, (i, k) in enumerate([*lo_pairs, *hi_pairs]):
        c[n + ne + q] = max(float(problem.weights[i, k]), WEIGHT_FLOOR)
        bounds.append((0.0, None) if allowed[i] else (0.0, 0.0))
    res = linprog(
        c,
        A_ub=np.array(rows).reshape(-1, nv),
        b_ub=np.array(rhs),
        bounds=bounds,
        method="highs",
        options={"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10},
    )
    if res.status != 0:
        return None
    x = np.clip(np.asarray(res.x[:n], dtype=float), 0.0, 100.0)
    lo, hi = problem.lo.copy(), problem.hi.copy()
    moves: list[Move] = []
    for i in veto:
        if not allowed[i]:
            continue
        for k in range(n):
            w = max(float(problem.weights[i, k]), WEIGHT_FLOOR)
            if x[k] < lo[i, k] - TOL_FEASIBLE:
                moves.append(_move(problem, i, k, "min", lo[i, k], x[k], w))
                lo[i, k] = x[k]
            elif x[k] > hi[i, k] + TOL_FEASIBLE:
                moves.append(_move(problem, i, k, "max", hi[i, k], x[k], w))
                hi[i, k] = x[k]
    relaxed = relaxed_problem(problem, lo, hi)
    lp = ZoneLP(relaxed)
    zone = compute_zone(relaxed, t, lp=lp, rng=rng, samples=samples)
    conceding = tuple(problem.actors[i] for i in veto if allowed[i])
    return Relaxation(
        conceders=conceding,
        total=float(sum(mv.cost for mv in moves)),
        points=float(sum(mv.points for mv in moves)),
        moves=tuple(moves),
        point=x,
        lo=lo,
        hi=hi,
        zone=zone,
        nash=nash_point(relaxed, zone, lp),
    )


def _move(
    problem: BargainingProblem, i: int, k: int, which: str, start: float, end: float, w: float
) -> Move:
    pts = abs(float(end) - float(start))
    return Move(
        actor=problem.actors[i],
        issue=problem.issues[k],
        bound=which,
        start=float(start),
        end=float(end),
        points=pts,
        cost=w * pts,
    )
