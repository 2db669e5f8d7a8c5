"""Stated red lines and what it costs to cross them.

A red line (``Position.acceptable``) is a *stated* bound, a public commitment (Fearon 1994;
Schelling 1960), not a physical limit. Crossing it by y scale points adds ``κ · y / 100`` to the
actor's loss (loss units: identical to utility units at risk exponent r = 1, and linear for
any r, so every zone question stays a linear program). ``κ`` per actor and issue is
:func:`crossing_cost` of:

- the base cost: ``Position.crossing_cost`` or :data:`DEFAULT_CROSSING_COST` (an assumption);
- the cumulative cost of fighting W (utility units, since ``War.started``): a mutually hurting
  stalemate makes concessions easier to sell (Zartman's ripeness), factor ``1/(1 + W/W½)``;
- payments received and guarantees in force G (utility units) give a leader cover at home
  (Putnam 1988; Sebenius 1983), factor ``1/(1 + G/G½)``;
- a change of leader since the red line was stated, factor ``1 − LEADER_RELIEF``.

The function is pure and vectorised (numpy broadcasting), never negative, and non-increasing
in W, G and the leadership change; the simulation calls it during a run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from detente.bargaining.problem import FloatArray

if TYPE_CHECKING:
    from detente.bargaining.problem import BargainingProblem

__all__ = [
    "DEFAULT_CROSSING_COST",
    "LEADER_RELIEF",
    "RELIEF_HALF",
    "RIPENESS_HALF",
    "Crossing",
    "crossing_cost",
    "crossings",
]

DEFAULT_CROSSING_COST = 0.2
"""Loss per 100 scale points a stated red line is crossed (assumption: crossing a red line by
the whole scale costs a fifth of the gap between the actor's best and worst settlement, of the
order of the approval penalty Tomz (2007) measured for backing down from a public threat)."""

RIPENESS_HALF = 1.0
"""Cumulative cost of fighting (utility units) at which crossing costs halve (assumption)."""

RELIEF_HALF = 0.1
"""Payments and guarantee gains (utility units) at which crossing costs halve (assumption)."""

LEADER_RELIEF = 0.5
"""Share of the crossing cost a new leader escapes for a predecessor's red lines (assumption)."""


def crossing_cost(
    stated: ArrayLike,
    base: ArrayLike,
    cumulative_cost: ArrayLike = 0.0,
    relief: ArrayLike = 0.0,
    leader_change: ArrayLike = 0.0,
) -> FloatArray:
    """κ per 100 points crossed (module docstring); 0 where ``stated`` is NaN (no red line).

    All arguments broadcast: e.g. stated (m, n), base (m, n), cumulative_cost (m, 1) or
    (runs, m, 1) in a simulation. ``leader_change`` is 0 (same leader) to 1 (a new leader).
    """
    s = np.asarray(stated, dtype=float)
    w = np.maximum(np.asarray(cumulative_cost, dtype=float), 0.0)
    g = np.maximum(np.asarray(relief, dtype=float), 0.0)
    lead = np.clip(np.asarray(leader_change, dtype=float), 0.0, 1.0)
    k = np.maximum(np.asarray(base, dtype=float), 0.0)
    k = k / (1.0 + w / RIPENESS_HALF) / (1.0 + g / RELIEF_HALF) * (1.0 - LEADER_RELIEF * lead)
    out: FloatArray = np.where(np.isnan(s), 0.0, np.maximum(k, 0.0))
    return out


@dataclass(frozen=True)
class Crossing:
    """One stated red line an outcome crosses."""

    actor: str
    issue: str
    bound: str  # "min" or "max"
    stated: float
    value: float
    points: float
    cost: float  # κ · points / 100, loss units


def crossings(
    problem: BargainingProblem,
    x: FloatArray,
    settled: FloatArray | None = None,
    *,
    kappa: FloatArray | None = None,
    veto_only: bool = True,
) -> list[Crossing]:
    """Which stated red lines ``x`` crosses on the ``settled`` issues (default: all), by how
    much and at what cost (κ from the problem unless given)."""
    k = problem.crossing if kappa is None else kappa
    mask = np.ones(problem.n_issues, dtype=bool) if settled is None else np.asarray(settled, bool)
    out: list[Crossing] = []
    for i, a in enumerate(problem.actors):
        if veto_only and not problem.veto[i]:
            continue
        for kk in np.flatnonzero(mask):
            v = float(x[kk])
            lo, hi = float(problem.lo[i, kk]), float(problem.hi[i, kk])
            if v < lo - 1e-9:
                pts, bound, st = lo - v, "min", lo
            elif v > hi + 1e-9:
                pts, bound, st = v - hi, "max", hi
            else:
                continue
            out.append(
                Crossing(a, problem.issues[kk], bound, st, v, pts, float(k[i, kk]) * pts / 100.0)
            )
    return out
