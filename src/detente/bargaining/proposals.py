"""Proposal scorecards: utility, acceptance with and without distrust, blocking issues, and the
smallest amendment every veto party would accept.

A proposal is a partial agreement (:mod:`detente.bargaining.bundles`): it settles the issues in
its ``terms``, defers its ``deferrals``, and leaves the rest frozen at the status quo if it stops
the fighting (``ceasefire``, the default) or to the war otherwise; its ``payments`` are paid on
signature. Red lines bind only on what it puts in place. For proposal P and actor i:

- ``utility`` V_i(P): the value of the agreement (U_i(x_P) when P settles everything and stops
  the fighting) plus payments received, minus payments made; ``reservation`` V_i; ``threshold``
  t_i with distrust and the proposal's own mechanisms applied
  (:mod:`detente.bargaining.distrust`; no rearmament risk when P does not stop the fighting).
- ``accept`` / ``accept_distrust``: red lines hold and value ≥ V_i / ≥ t_i (plus
  :data:`~detente.bargaining.bundles.MIN_GAIN` when the fighting goes on); ``margin`` and
  ``margin_distrust`` are the differences. ``red_lines_crossed`` lists each stated red line
  crossed, by how many points and at what crossing cost.
- ``blocking``: for a rejecting actor, the issues ranked by how much utility i would gain if
  that issue alone moved to i's best value inside the zone's interval for it (or inside the
  veto parties' red lines when the zone is empty); red-line violations come first.
- ``linkages_broken``: the actor's linkages (:mod:`detente.bargaining.linkage`) the proposal
  breaks by settling X without Y; any one makes the actor reject it (``accept`` and
  ``accept_distrust`` false) whatever the terms.
- ``nearest``: the point of the distrust zone (with the proposal's mechanisms) nearest to x_P
  in summed absolute change, by LP, and that distance; None when that zone is empty.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from detente.bargaining.bundles import MIN_GAIN, Agreement, agreement_from, value_model
from detente.bargaining.distrust import (
    DistrustState,
    MechanismEffect,
    apply_all,
    thresholds,
)
from detente.bargaining.linkage import LinkageBreach, LinkageRule, breaches
from detente.bargaining.problem import BargainingProblem, FloatArray
from detente.bargaining.redlines import Crossing, crossings
from detente.bargaining.zone import ZoneLP

if TYPE_CHECKING:
    from detente.bargaining.packages import PaymentItem
    from detente.scenario.schema import Proposal

__all__ = [
    "ProposalCard",
    "ScoreRow",
    "proposal_agreement",
    "proposal_point",
    "proposal_terms",
    "score_proposal",
]


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
    crossed: tuple[Crossing, ...] = ()
    linkages_broken: tuple[LinkageBreach, ...] = ()


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
    settled: tuple[str, ...] = ()
    deferred: tuple[str, ...] = ()
    ceasefire: bool = True
    payments: tuple[str, ...] = ()


def proposal_terms(problem: BargainingProblem, proposal: Proposal) -> FloatArray:
    """The proposal's issue values; NaN on issues it does not settle."""
    x = np.full(problem.n_issues, np.nan)
    for k, iid in enumerate(problem.issues):
        if iid in proposal.terms:
            x[k] = float(proposal.terms[iid])
    return x


def proposal_point(problem: BargainingProblem, proposal: Proposal) -> FloatArray:
    """The outcome the proposal puts in place now: its terms, deferred issues at their interim
    value, everything else at the status quo (used by staging and the nearest amendment)."""
    x = proposal_terms(problem, proposal)
    ag = proposal_agreement(problem, proposal)
    x = np.where(ag.deferred, ag.interim, x)
    return np.where(np.isnan(x), problem.status_quo, x)


def proposal_agreement(problem: BargainingProblem, proposal: Proposal) -> Agreement:
    """The proposal as a partial agreement (module docstring)."""
    return agreement_from(
        problem,
        proposal.id,
        [i for i in problem.issues if i in proposal.terms],
        # unset: a cease-fire (an agreement ends the war unless it says otherwise), so a
        # cease-fire linkage catches it, unlike a bundle with the same terms whose
        # ``ceasefire`` is false (the bundle's default)
        ceasefire=True if proposal.ceasefire is None else proposal.ceasefire,
        deferrals=proposal.deferrals,
        name=proposal.name,
    )


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
    *,
    agreement: Agreement | None = None,
    payments: Sequence[PaymentItem] = (),
    linkages: Sequence[LinkageRule] = (),
) -> ProposalCard:
    """Score one proposal (terms x, NaN where unsettled, with the named mechanisms).

    Its veto parties are the agreement's (:meth:`Agreement.veto_problem`): an actor with an
    issue-specific veto is one only when the proposal settles one of its issues; ``lp`` is
    then rebuilt over them for the nearest amendment.
    """
    from detente.bargaining.packages import agreement_state

    ag = agreement or agreement_from(
        problem, proposal_id, [problem.issues[k] for k in np.flatnonzero(~np.isnan(x))],
        ceasefire=True,
    )  # fmt: skip
    narrowed = ag.veto_problem(problem)
    if narrowed is not problem:
        problem, lp = narrowed, ZoneLP(narrowed, red_lines=lp.red_lines)
    state = apply_all(
        agreement_state(base, ag), [effects[mid] for mid in mechanism_ids if mid in effects]
    )
    t = thresholds(problem, state)
    vm = value_model(problem, ag)
    xs = np.where(ag.settled, np.nan_to_num(x, nan=0.0), problem.status_quo)
    paid = np.zeros(problem.n_actors)
    for pay in payments:
        if pay.payee in problem.actors:
            paid[problem.index(pay.payee)] += pay.amount
        if pay.payer in problem.actors:
            paid[problem.index(pay.payer)] -= pay.cost

    def value(y: FloatArray) -> FloatArray:
        dist = np.abs(y[None, :] - problem.ideal) / 100.0
        ell = (problem.weights * dist)[:, ag.settled].sum(axis=1)
        out: FloatArray = vm.value(ell) + paid
        return out

    u = value(xs)
    gain_floor = 0.0 if ag.ceasefire else MIN_GAIN
    moved, dvals = ag.binding(problem)
    check = np.where(ag.settled, xs, np.where(moved, dvals, np.nan))
    crossed_all = crossings(problem, np.nan_to_num(check), ~np.isnan(check), veto_only=False)
    linked_all = breaches(problem, ag, linkages)
    rows: list[ScoreRow] = []
    for i, a in enumerate(problem.actors):
        crossed = tuple(c for c in crossed_all if c.actor == a)
        broken = tuple(dict.fromkeys(c.issue for c in crossed))
        linked = tuple(b for b in linked_all if b.actor == a)
        v = float(problem.reservation[i])
        ti = float(t[i]) if problem.veto[i] else v + float(state.cost[i])
        acc = not broken and not linked and u[i] >= v + gain_floor - 1e-9
        acc_d = not broken and not linked and u[i] >= ti + gain_floor - 1e-9
        blocking: list[tuple[str, float]] = [(b, float("inf")) for b in broken]
        if not acc_d:
            gains = []
            for k in np.flatnonzero(ag.settled):
                if problem.weights[i, k] <= 0:
                    continue
                lo, hi = issue_ranges[k]
                best = float(np.clip(problem.ideal[i, k], lo, hi)) if lo <= hi else xs[k]
                y = xs.copy()
                y[k] = best
                gain = float(value(y)[i] - u[i])
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
                crossed=crossed,
                linkages_broken=linked,
            )
        )
    veto_rows = [r for r in rows if r.veto]
    full = np.where(ag.deferred, ag.interim, xs)
    nearest = lp.nearest(t, full) if lp.exists(t) else None
    dist = None if nearest is None else float(np.abs(nearest - full).sum())
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
        settled=tuple(problem.issues[k] for k in np.flatnonzero(ag.settled)),
        deferred=ag.deferred_ids,
        ceasefire=ag.ceasefire,
        payments=tuple(p.id for p in payments),
    )
