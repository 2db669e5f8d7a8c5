"""The value of continued fighting (each actor's reservation value).

Continued fighting is a lottery (Fearon 1995, generalised to many issues and actors): A (first
belligerent) prevails with probability ``p_A``, B with ``p_B = 1 − p_A − s``, and with the
stalemate probability ``s`` the issues stay at the status quo. The winner imposes its
victory terms (default: its ideal points; issues it holds no position on stay at the status
quo). Each actor pays its total discounted cost of fighting ``C_i`` (see
:mod:`detente.bargaining.problem`)::

    V_i = λ_i · U_i(x_sq) + (1 − λ_i) · [p_A · U_i(x_A) + p_B · U_i(x_B) + s · U_i(x_sq)] − C_i

While the war lasts the status quo holds: λ_i = 1 − δ_i^(H−1) is the share of the discounted
future that passes before the war is decided in its H-th period (costs accrue in all H
periods). With H = 1 (Fearon's instantaneous war) λ = 0 whatever δ; with δ = 1 likewise.
This is what makes partial deals valuable to both: prisoners stay held and ports blocked
while the fighting goes on (docs/explanation/deals.md).

``p_A`` is ``War.p`` if given, otherwise ``(1 − s) · c_A^k / (c_A^k + c_B^k)`` with
capabilities including allies' support × level. The outcome utilities are not discounted:
fighting is a costly lottery whose total cost is ``C_i``, exactly Fearon's set-up, so with one
issue, A's ideal 100, B's ideal 0, r = 1 and H = 1 the zone is x/100 ∈ [p − c_A, p + c_B].
A stated ``Actor.reservation`` overrides ``V_i``; without a war model ``V_i = U_i(status quo)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from scipy.optimize import minimize_scalar

from detente.bargaining.problem import BargainingProblem, FloatArray, build_problem
from detente.bargaining.utility import utility

if TYPE_CHECKING:
    from detente.scenario import Scenario

__all__ = [
    "flow_share",
    "gross_war_value",
    "reservation_from_arrays",
    "reservation_values",
    "shifted_p",
    "take_it_or_leave_it",
    "war_value",
]


def shifted_p(problem: BargainingProblem, shift: float) -> float:
    """P(A prevails) after a change of ``shift``, kept within [0, 1 − stalemate]."""
    return float(np.clip(problem.p_a + shift, 0.0, 1.0 - problem.stalemate))


def flow_share(problem: BargainingProblem) -> FloatArray:
    """λ_i = 1 − δ_i^(H−1): share of the discounted future spent at the status quo while the
    war lasts (0 when H = 1 or δ = 1), shape (m,)."""
    out: FloatArray = 1.0 - problem.discount ** max(problem.horizon_periods - 1, 0)
    return out


def gross_war_value(
    problem: BargainingProblem,
    p_a: float | None = None,
    *,
    fixed: FloatArray | None = None,
) -> FloatArray:
    """E[U_i(outcome)] of the war lottery (before costs), shape (m,).

    ``fixed`` (n,) with NaN for free issues pins settled issues at given values in every
    outcome (used by staged agreements: what has been settled is no longer fought over).
    """
    pa = problem.p_a if p_a is None else float(p_a)
    pb = max(0.0, 1.0 - pa - problem.stalemate)
    outcomes = np.vstack([problem.victory_terms, problem.status_quo[None, :]])
    if fixed is not None:
        outcomes = np.where(np.isnan(fixed)[None, :], outcomes, fixed[None, :])
    u = utility(problem, outcomes)  # (3, m)
    out: FloatArray = pa * u[0] + pb * u[1] + problem.stalemate * u[2]
    return out


def war_value(
    problem: BargainingProblem,
    p_a: float | None = None,
    *,
    fixed: FloatArray | None = None,
) -> FloatArray:
    """V_i from the war model (ignoring stated reservations), shape (m,)."""
    if not problem.has_war:
        return utility(problem, problem.status_quo)
    sq = (
        problem.status_quo
        if fixed is None
        else np.where(np.isnan(fixed), problem.status_quo, fixed)
    )
    lam = flow_share(problem)
    flow = utility(problem, sq)
    out: FloatArray = lam * flow + (1.0 - lam) * gross_war_value(problem, p_a, fixed=fixed)
    return out - problem.war_cost


def reservation_from_arrays(problem: BargainingProblem) -> FloatArray:
    """V_i with stated reservations overriding the war model."""
    v = war_value(problem)
    out: FloatArray = np.where(np.isnan(problem.stated_reservation), v, problem.stated_reservation)
    return out


def reservation_values(problem_or_scenario: BargainingProblem | Scenario) -> FloatArray:
    """Reservation value of each actor in the problem (order of ``problem.actors``)."""
    if isinstance(problem_or_scenario, BargainingProblem):
        return reservation_from_arrays(problem_or_scenario)
    return build_problem(problem_or_scenario).reservation


def take_it_or_leave_it(
    problem: BargainingProblem, proposer: str, responder: str, cost_bar: float
) -> tuple[float, float]:
    """Optimal one-issue ultimatum when the responder's war cost is private, ~ U[0, cost_bar].

    The proposer picks the value x of the (single) issue maximising
    ``P(accept | x) · U_p(x) + (1 − P(accept | x)) · V_p``, where the responder accepts when
    ``U_r(x) ≥ E[U_r(war outcome)] − c`` and c is uniform on [0, cost_bar]. Returns the offer
    (on 0..100) and the probability of war. Solved numerically with the model's own utilities
    (a 1,001-point grid, then Brent's method in the best cell).
    """
    if problem.n_issues != 1:
        raise ValueError("take_it_or_leave_it needs a one-issue problem")
    if cost_bar <= 0:
        raise ValueError("cost_bar must be positive")
    ip, ir = problem.index(proposer), problem.index(responder)
    v_p = float(war_value(problem)[ip])
    g_r = float(gross_war_value(problem)[ir])

    def p_accept(x: float) -> float:
        u_r = float(utility(problem, np.array([x]))[ir])
        return float(np.clip((u_r - g_r + cost_bar) / cost_bar, 0.0, 1.0))

    def neg_value(x: float) -> float:
        a = p_accept(x)
        return -(a * float(utility(problem, np.array([x]))[ip]) + (1 - a) * v_p)

    # Grid first (the objective is flat where the offer is sure to be accepted or refused),
    # then Brent's method in the best grid cell.
    grid = np.linspace(0.0, 100.0, 1001)
    k = int(np.argmin([neg_value(float(g)) for g in grid]))
    lo, hi = grid[max(k - 1, 0)], grid[min(k + 1, grid.size - 1)]
    res = minimize_scalar(neg_value, bounds=(lo, hi), method="bounded", options={"xatol": 1e-10})
    x = float(res.x) if res.fun <= neg_value(float(grid[k])) else float(grid[k])
    return x, 1.0 - p_accept(x)
