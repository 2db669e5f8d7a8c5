"""Proposal scorecards: utility, acceptance with and without distrust, blocking issues, and the
smallest amendment every veto party would accept.

For proposal P (terms x_P; issues it leaves out stay at the status quo) and actor i:

- ``utility`` U_i(x_P); ``reservation`` V_i; ``threshold`` t_i with distrust and the proposal's
  own mechanisms applied (:mod:`detente.bargaining.distrust`).
- ``accept`` / ``accept_distrust``: red lines hold and U_i ≥ V_i / U_i ≥ t_i; ``margin`` and
  ``margin_distrust`` are U_i − V_i and U_i − t_i.
- ``blocking``: for a rejecting actor, the issues ranked by how much utility i would gain if
  that issue alone moved to i's best value inside the zone's interval for it (or inside the
  veto parties' red lines when the zone is empty); red-line violations come first.
- ``nearest``: the point of the distrust zone (with the proposal's mechanisms) nearest to x_P
  in summed absolute change, by LP, and that distance; None when that zone is empty.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from detente.bargaining.distrust import (
    DistrustState,
    MechanismEffect,
    apply_all,
    thresholds,
)
from detente.bargaining.problem import BargainingProblem, FloatArray
from detente.bargaining.utility import utility
from detente.bargaining.zone import ZoneLP

if TYPE_CHECKING:
    from detente.scenario.schema import Proposal

__all__ = ["ProposalCard", "ScoreRow", "proposal_terms", "score_proposal"]


@dataclass(frozen=True)
class ScoreRow:
    """One actor's verdict on one proposal."""

    proposal: str
    actor: str
    veto: bool
    utility: float
    reservation: float
    threshold: float
    accept: bool
    accept_distrust: bool
    margin: float
    margin_distrust: float
    red_lines_broken: tuple[str, ...]
    blocking: tuple[tuple[str, float], ...]


@dataclass(frozen=True, eq=False)
class ProposalCard:
    """A proposal's scorecard: rows per actor and the nearest acceptable amendment."""

    id: str
    name: str
    terms: FloatArray
    mechanisms: tuple[str, ...]
    rows: tuple[ScoreRow, ...]
    accepted_by_all_veto: bool
    accepted_by_all_veto_distrust: bool
    nearest: FloatArray | None
    nearest_distance: float | None


def proposal_terms(problem: BargainingProblem, proposal: Proposal) -> FloatArray:
    """The proposal's issue values; issues it leaves out stay at the status quo."""
    x = problem.status_quo.copy()
    for k, iid in enumerate(problem.issues):
        if iid in proposal.terms:
            x[k] = float(proposal.terms[iid])
    return x


def score_proposal(
    problem: BargainingProblem,
    proposal_id: str,
    name: str,
    x: FloatArray,
    base: DistrustState,
    effects: Mapping[str, MechanismEffect],
    mechanism_ids: tuple[str, ...],
    lp: ZoneLP,
    issue_ranges: FloatArray,
) -> ProposalCard:
    """Score one proposal (terms x, with the named mechanisms) for every actor."""
    state = apply_all(base, [effects[mid] for mid in mechanism_ids if mid in effects])
    t = thresholds(problem, state)
    u = utility(problem, x)
    rows: list[ScoreRow] = []
    for i, a in enumerate(problem.actors):
        broken = tuple(
            problem.issues[k]
            for k in range(problem.n_issues)
            if x[k] < problem.lo[i, k] - 1e-9 or x[k] > problem.hi[i, k] + 1e-9
        )
        v = float(problem.reservation[i])
        ti = float(t[i]) if problem.veto[i] else v + float(state.cost[i])
        acc = not broken and u[i] >= v - 1e-9
        acc_d = not broken and u[i] >= ti - 1e-9
        blocking: list[tuple[str, float]] = [(b, float("inf")) for b in broken]
        if not acc_d:
            gains = []
            for k in range(problem.n_issues):
                if problem.weights[i, k] <= 0:
                    continue
                lo, hi = issue_ranges[k]
                best = float(np.clip(problem.ideal[i, k], lo, hi)) if lo <= hi else x[k]
                y = x.copy()
                y[k] = best
                gain = float(utility(problem, y)[i] - u[i])
                if gain > 1e-9:
                    gains.append((problem.issues[k], gain))
            gains.sort(key=lambda g: -g[1])
            blocking += [g for g in gains if g[0] not in broken]
        rows.append(
            ScoreRow(
                proposal=proposal_id,
                actor=a,
                veto=bool(problem.veto[i]),
                utility=float(u[i]),
                reservation=v,
                threshold=ti,
                accept=bool(acc),
                accept_distrust=bool(acc_d),
                margin=float(u[i] - v),
                margin_distrust=float(u[i] - ti),
                red_lines_broken=broken,
                blocking=tuple(blocking[:5]),
            )
        )
    veto_rows = [r for r in rows if r.veto]
    nearest = lp.nearest(t, x) if lp.exists(t) else None
    dist = None if nearest is None else float(np.abs(nearest - x).sum())
    return ProposalCard(
        id=proposal_id,
        name=name,
        terms=x,
        mechanisms=mechanism_ids,
        rows=tuple(rows),
        accepted_by_all_veto=all(r.accept for r in veto_rows),
        accepted_by_all_veto_distrust=all(r.accept_distrust for r in veto_rows),
        nearest=nearest,
        nearest_distance=dist,
    )
