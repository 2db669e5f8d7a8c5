""" "What would it take": the cheapest sets of mechanisms that open the distrust-adjusted zone.

Exact search (up to ``EXACT_LIMIT`` = 12 mechanisms, 4,096 sets): sets are visited in order of
total cost (then size); a set containing an already-found opening set is skipped (it cannot be
cheaper, costs being non-negative), so the options returned are the cheapest *minimal* sets.
Existence of each set's zone is one LP, avoided by two exact shortcuts: the zone only depends
on the threshold vector t and is monotone in it, so a set whose t is ≥ (componentwise) that of
a known closed set is closed, and one whose t is ≤ that of a known open set is open. If even
the componentwise minimum of all sets' thresholds leaves the zone closed, none can open it.

Beyond 12 mechanisms the search is greedy (stated heuristic, not exact): add the mechanism
with the largest gain in the zone's max-min radius ρ* per unit of cost (+1e-6) until the zone
opens or nothing helps, then drop members whose removal keeps it open, most expensive first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from detente.bargaining.distrust import DistrustState, MechanismEffect, apply_all, thresholds
from detente.bargaining.problem import BargainingProblem, FloatArray
from detente.bargaining.solutions import Solution, nash_point
from detente.bargaining.zone import TOL, Zone, ZoneLP, compute_zone

__all__ = ["EXACT_LIMIT", "Option", "WhatItTakes", "what_it_takes"]

EXACT_LIMIT = 12


@dataclass(frozen=True, eq=False)
class Option:
    """A set of mechanisms that opens the zone, with the zone and Nash point it gives."""

    mechanisms: tuple[str, ...]
    total_cost: float
    zone: Zone
    nash: Solution | None


@dataclass(frozen=True, eq=False)
class WhatItTakes:
    """The search result."""

    method: str  # "exact" or "greedy"
    options: tuple[Option, ...]
    sets_examined: int
    lps_solved: int


def what_it_takes(
    problem: BargainingProblem,
    base: DistrustState,
    effects: Sequence[MechanismEffect],
    *,
    top: int = 5,
    lp: ZoneLP | None = None,
    rng: np.random.Generator | None = None,
) -> WhatItTakes:
    """Cheapest mechanism sets opening the distrust-adjusted zone (see module docstring)."""
    lp = ZoneLP(problem) if lp is None else lp
    if len(effects) <= EXACT_LIMIT:
        found, examined, lps = _exact(problem, base, effects, lp, top)
        method = "exact"
    else:
        found, examined, lps = _greedy(problem, base, effects, lp)
        method = "greedy"
    options = []
    for members in found:
        state = apply_all(base, [effects[j] for j in members])
        t = thresholds(problem, state)
        zone = compute_zone(problem, t, lp=lp, rng=rng, samples=2000)
        options.append(
            Option(
                mechanisms=tuple(effects[j].id for j in members),
                total_cost=float(sum(effects[j].total_cost for j in members)),
                zone=zone,
                nash=nash_point(problem, zone, lp),
            )
        )
    return WhatItTakes(method, tuple(options), examined, lps)


def _exact(
    problem: BargainingProblem,
    base: DistrustState,
    effects: Sequence[MechanismEffect],
    lp: ZoneLP,
    top: int,
) -> tuple[list[tuple[int, ...]], int, int]:
    k = len(effects)
    veto = problem.veto
    costs = np.array([e.total_cost for e in effects])
    masks = np.arange(1 << k)
    members = ((masks[:, None] >> np.arange(k)) & 1).astype(bool)
    set_cost = members @ costs if k else np.zeros(1)
    order = np.lexsort((members.sum(axis=1), set_cost))
    t_all = np.empty((masks.size, int(veto.sum())))
    # Effects apply in catalogue order, so the state of a set is its highest member applied to
    # the state of the set without it: one application per set (dynamic programming).
    states: list[DistrustState] = [base]
    t_all[0] = thresholds(problem, base)[veto]
    for mask in range(1, masks.size):
        top_bit = mask.bit_length() - 1
        st = effects[top_bit].apply(states[mask ^ (1 << top_bit)])
        states.append(st)
        t_all[mask] = thresholds(problem, st)[veto]
    lps = 0
    full_t = np.full(problem.n_actors, np.nan)
    full_t[veto] = t_all.min(axis=0)
    lps += 1
    if not lp.exists(full_t):
        return [], masks.size, lps
    closed: list[FloatArray] = []
    opened: list[FloatArray] = []
    found: list[int] = []
    for mask in order:
        if any((mask & f) == f for f in found):
            continue
        tv = t_all[mask]
        if any(np.all(tv >= c - 1e-12) for c in closed):
            continue
        is_open = any(np.all(tv <= o + 1e-12) for o in opened)
        if not is_open:
            full_t[veto] = tv
            lps += 1
            is_open = lp.exists(full_t)
        if is_open:
            opened.append(tv)
            found.append(int(mask))
            if len(found) >= top:
                break
        else:
            closed.append(tv)
    result = [tuple(j for j in range(k) if members[f, j]) for f in found]
    return result, masks.size, lps


def _greedy(
    problem: BargainingProblem,
    base: DistrustState,
    effects: Sequence[MechanismEffect],
    lp: ZoneLP,
) -> tuple[list[tuple[int, ...]], int, int]:
    chosen: list[int] = []
    lps = 0

    def radius(idx: Sequence[int]) -> float:
        nonlocal lps
        lps += 1
        return lp.max_radius(thresholds(problem, apply_all(base, [effects[j] for j in idx])))[0]

    current = radius(chosen)
    examined = 1
    while current < -TOL:
        best_j, best_score, best_r = -1, 0.0, current
        for j in range(len(effects)):
            if j in chosen:
                continue
            r = radius([*chosen, j])
            examined += 1
            score = (r - current) / (effects[j].total_cost + 1e-6)
            if r > current + 1e-12 and score > best_score:
                best_j, best_score, best_r = j, score, r
        if best_j < 0:
            return [], examined, lps
        chosen.append(best_j)
        current = best_r
    for j in sorted(chosen, key=lambda j: -effects[j].total_cost):
        trial = [c for c in chosen if c != j]
        if radius(trial) >= -TOL:
            chosen = trial
        examined += 1
    return [tuple(sorted(chosen))], examined, lps
