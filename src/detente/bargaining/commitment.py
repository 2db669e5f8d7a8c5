"""The commitment problem and staged agreements.

Power shifts during implementation: P(A prevails) moves by ``War.truce_power_shift`` (signed,
linearly over ``implementation_periods`` periods). Two questions, per party:

1. Preventive war (Powell 2006). For actor i with gross war value P_i now and P'_i after the
   shift (E[U_i(outcome)] of the war lottery at the two power levels), one-time war cost d_i
   (its total discounted cost) and discount δ = δ_i^T — one period of Powell's model is the
   implementation period of T periods, over which the whole shift happens (with T = 1 this is
   the textbook condition with the per-period δ_i) — the *best* deal the other side could offer —
   everything now (utility 1 this period), then only what i could extract later, its war value
   P'_i/(1 − δ) − d_i — is worth ``1 + δ (P'_i/(1 − δ) − d_i)``; fighting now is worth
   ``P_i/(1 − δ) − d_i``. No deal is self-enforcing for i when the second exceeds the first,
   i.e. ``δ (P_i − P'_i)/(1 − δ) > (1 − P_i) + (1 − δ) d_i`` (references §2).
2. Reneging on a given deal x. A party gaining from the shift is tempted to resume fighting
   once its war value exceeds what the deal gives it: the first period t ≤ T with
   ``V_i(p_t) > U_i(x)``, p_t = p + shift · t / T. The deal is self-enforcing for i if no such
   t exists (V_i is monotone in p, so checking t = T decides it).

Stages (``stage_analysis``), for a deal x and the issues a cease-fire settles (a proposal's
first stage, else the contested issues):

Every plan also requires the values it sets to lie within the actor's red lines. In a staged
plan each stage asks its own veto parties (``BargainingProblem.veto_for`` over the issues it
settles): an issue-specific veto party whose veto covers no cease-fire issue is not asked to
accept the cease-fire stage, nor one whose veto covers only cease-fire issues the other stage.

- comprehensive: everything at x now; accepted by i if U_i(x) ≥ t_i (distrust-adjusted);
  self-enforcing for i if U_i(x) ≥ V_i(p + shift).
- ceasefire_first: stage 1 sets the cease-fire issues at x, the rest at the status quo;
  stage 2 (later) sets the rest at x, bargained after the shift: accepted if stage 1 passes
  t_i and x passes V_i(p + shift); stage 1 is self-enforcing if U_i(stage 1) ≥ V_i(p + shift).
- settlement_first: stage 1 fixes the other issues at x while fighting continues over the
  cease-fire issues (no pause, so no shift): acceptable if the war with those issues fixed is
  worth at least V_i; stage 2 (the cease-fire at x) then needs U_i(x) ≥ t_i against that new
  war value, and is self-enforcing as in the comprehensive case.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from detente.bargaining.problem import BargainingProblem, FloatArray
from detente.bargaining.utility import utility
from detente.bargaining.war import gross_war_value, shifted_p, war_value

__all__ = [
    "PowellResult",
    "StageRow",
    "powell_condition",
    "renege_periods",
    "stage_analysis",
]


@dataclass(frozen=True)
class PowellResult:
    """Preventive-war test for one actor."""

    actor: str
    p_now: float
    p_after: float
    war_now: float
    best_deal: float
    war_unavoidable: bool


def powell_condition(problem: BargainingProblem) -> list[PowellResult]:
    """Powell's test per actor of the problem (see module docstring)."""
    out: list[PowellResult] = []
    if not problem.has_war:
        return out
    g_now = gross_war_value(problem)
    g_after = gross_war_value(problem, shifted_p(problem, problem.truce_power_shift))
    periods = problem.implementation_periods
    for i, a in enumerate(problem.actors):
        delta = float(min(problem.discount[i] ** periods, 1.0 - 1e-9))
        d = float(problem.war_cost[i])
        fight = g_now[i] / (1.0 - delta) - d
        best = 1.0 + delta * (g_after[i] / (1.0 - delta) - d)
        out.append(
            PowellResult(
                a,
                float(g_now[i]),
                float(g_after[i]),
                float(fight),
                float(best),
                bool(fight > best + 1e-12),
            )
        )
    return out


def renege_periods(problem: BargainingProblem, x: FloatArray) -> list[int | None]:
    """Per actor, the first implementation period at which reneging on x pays (None: never)."""
    u = utility(problem, x)
    res: list[int | None] = [None] * problem.n_actors
    if not problem.has_war or problem.truce_power_shift == 0.0:
        return res
    horizon = problem.implementation_periods
    offset = problem.reservation - war_value(problem)  # stated reservations move alike
    ts = np.arange(1, horizon + 1)
    vals = (
        np.array(
            [
                war_value(problem, shifted_p(problem, problem.truce_power_shift * t / horizon))
                for t in ts
            ]
        )
        + offset
    )  # (T, m)
    for i in range(problem.n_actors):
        over = np.flatnonzero(vals[:, i] > u[i] + 1e-12)
        if over.size and u[i] >= problem.reservation[i] - 1e-12:
            res[i] = int(ts[over[0]])
    return res


@dataclass(frozen=True)
class StageRow:
    """One actor under one staging plan."""

    plan: str
    actor: str
    accepts: bool
    self_enforcing: bool
    note: str


def stage_analysis(
    problem: BargainingProblem,
    x: FloatArray,
    t: FloatArray,
    ceasefire_issues: Sequence[str],
) -> list[StageRow]:
    """Who accepts each staging plan of deal x and for whom it is self-enforcing."""
    rows: list[StageRow] = []
    cf = np.array([iss in ceasefire_issues for iss in problem.issues], dtype=bool)
    offset = problem.reservation - war_value(problem)
    v_after = war_value(problem, shifted_p(problem, problem.truce_power_shift)) + offset
    u_full = utility(problem, x)
    stage1 = np.where(cf, x, problem.status_quo)
    u1 = utility(problem, stage1)
    fixed = np.where(cf, np.nan, x)
    v_fixed = war_value(problem, fixed=fixed) + offset
    extra = t - problem.reservation  # what distrust and costs add to the threshold

    def within(y: FloatArray, i: int, cols: NDArray[np.bool_] | None = None) -> bool:
        ok = (y >= problem.lo[i] - 1e-9) & (y <= problem.hi[i] + 1e-9)
        return bool(np.all(ok if cols is None else ok[cols]))

    # Each stage's veto parties are its own (one rule, BargainingProblem.veto_for): an
    # issue-specific veto party whose veto covers none of the cease-fire issues is not asked
    # to accept the stage that settles only them, and vice versa.
    in_cf, in_rest = problem.veto_for(cf), problem.veto_for(~cf)
    for i, a in enumerate(problem.actors):
        if not problem.veto[i]:
            continue
        ti = float(t[i])
        red = within(x, i)
        red1 = within(stage1, i, cf)  # stage 1 concedes only the cease-fire issues
        red2 = within(x, i, ~cf)  # the other stage settles the rest
        rows.append(
            StageRow(
                "comprehensive",
                a,
                red and bool(u_full[i] >= ti - 1e-9),
                bool(u_full[i] >= v_after[i] - 1e-9),
                ("" if red else "breaks its red lines; ")
                + f"U={u_full[i]:.3f}, needs {ti:.3f}; war after shift {v_after[i]:.3f}",
            )
        )
        if not cf.any():
            continue
        # ceasefire_first: stage 1 settles the cease-fire issues, stage 2 the rest
        ok1 = not in_cf[i] or (red1 and bool(u1[i] >= ti - 1e-9))
        ok2 = not in_rest[i] or (red2 and bool(u_full[i] >= v_after[i] - 1e-9))
        red_cf = (not in_cf[i] or red1) and (not in_rest[i] or red2)
        rows.append(
            StageRow(
                "ceasefire_first",
                a,
                ok1 and ok2,
                bool(u1[i] >= v_after[i] - 1e-9),
                ("" if red_cf else "breaks its red lines; ")
                + ("" if in_cf[i] else "not a party to stage 1; ")
                + f"stage 1 U={u1[i]:.3f}, needs {ti:.3f}; stage 2 U={u_full[i]:.3f} vs "
                f"war after shift {v_after[i]:.3f}",
            )
        )
        # settlement_first: stage 1 fixes the rest, stage 2 is the cease-fire
        t2 = v_fixed[i] + extra[i]
        ok1 = not in_rest[i] or (red2 and bool(v_fixed[i] >= problem.reservation[i] - 1e-9))
        ok2 = not in_cf[i] or (red1 and bool(u_full[i] >= t2 - 1e-9))
        rows.append(
            StageRow(
                "settlement_first",
                a,
                ok1 and ok2,
                bool(u_full[i] >= v_after[i] - 1e-9),
                ("" if red_cf else "breaks its red lines; ")
                + ("" if in_cf[i] else "not a party to the cease-fire stage; ")
                + f"war with settled issues fixed {v_fixed[i]:.3f} vs "
                f"{problem.reservation[i]:.3f}; "
                f"cease-fire U={u_full[i]:.3f}, needs {t2:.3f}",
            )
        )
    return rows
