"""Partial agreements: what a party gets from settling a bundle of issues, and its zone.

An agreement settles the issues S at terms x_S, defers issues D (an interim value until a
review after R periods, then a fallback) and leaves the rest either to continued fighting (the
war lottery of :mod:`detente.bargaining.war` with S and D pinned) or, if it stops the fighting
(``ceasefire``), frozen at the status quo with no further costs of fighting (the stand-off).

Because the loss is additive over issues, every state of the world j of the unsettled issues
(a period of the war, an outcome of it, before or after a review) adds a constant loss c_ij to
the loss on the settled issues ℓ_i(x_S) = Σ_{k∈S} w_ik |x_k − ideal_ik| / 100, so

    V_i(S, x_S) = g_i(ℓ_i(x_S)),   g_i(ℓ) = Σ_j π_ij · (1 − (ℓ + c_ij)^{r_i}) − K_i + o_i

with π_ij the discounted share of time and probability of state j (Σ_j π_ij = 1), K_i the
remaining discounted costs of fighting (0 for a cease-fire; changed per period by the bundle's
``effects``) and o_i the stated-reservation offset (while fighting goes on only). g_i is
strictly decreasing, so V_i ≥ t ⇔ ℓ_i ≤ g_i⁻¹(t): one linear loss row per veto party, exactly
the zone LP of :mod:`detente.bargaining.zone`. Below ℓ = 0, g is continued with slope −1 so
that a threshold above what the best terms give maps to a negative loss bound (reachable only
with compensation; :mod:`detente.bargaining.packages`). With every issue settled, nothing
deferred and a cease-fire, g_i(ℓ) = 1 − ℓ^{r_i}: the full-agreement value.

Red lines bind on what the agreement puts in place: the settled terms, and a deferral's
interim and fallback values where they differ from the status quo.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from detente.bargaining.problem import BargainingProblem, FloatArray, discounted_periods
from detente.bargaining.war import flow_share, war_value

if TYPE_CHECKING:
    from detente.scenario import Scenario
    from detente.scenario.schema import Deferral

__all__ = [
    "MIN_GAIN",
    "Agreement",
    "ValueModel",
    "agreement_from",
    "default_bundles",
    "scenario_bundles",
    "value_model",
]

MIN_GAIN = 1e-3
"""Utility every veto party must gain from a partial deal that does not stop the fighting.

With the fighting going on, terms at the status quo *are* no agreement, so a weak preference
would let "agreeing to nothing" open every bundle; a deal must be worth at least this much to
each party (an assumption: smaller gains are below the precision of the inputs)."""


@dataclass(frozen=True, eq=False)
class Agreement:
    """What an agreement settles, defers and does to the war (issue order of the problem)."""

    id: str
    name: str
    settled: NDArray[np.bool_]  # (n,)
    ceasefire: bool
    interim: FloatArray  # (n,) NaN = not deferred
    review: NDArray[np.int64]  # (n,) periods until review (0 = not deferred)
    fallback: FloatArray  # (n,) NaN = not deferred
    cost_change: FloatArray  # (m,) change of cost of fighting per period (non-cease-fire)
    sources: tuple[str, ...] = ()
    assumption: str | None = None
    note: str | None = None
    deferred_ids: tuple[str, ...] = field(default=())

    @property
    def deferred(self) -> NDArray[np.bool_]:
        out: NDArray[np.bool_] = ~np.isnan(self.interim)
        return out

    def binding(self, problem: BargainingProblem) -> tuple[NDArray[np.bool_], FloatArray]:
        """Issues whose red lines the agreement binds beyond the settled ones (deferrals that
        change something) and the values to check there (interim or fallback, per actor
        the worse: both are checked by :func:`deferral_breaks`)."""
        sq = problem.status_quo
        d = self.deferred
        moved = d & (
            (np.abs(np.nan_to_num(self.interim, nan=0.0) - sq) > 1e-9)
            | (np.abs(np.nan_to_num(self.fallback, nan=0.0) - sq) > 1e-9)
        )
        return moved, np.where(d, self.interim, np.nan)

    def touched(self, problem: BargainingProblem) -> NDArray[np.bool_]:
        """(n,) the issues the agreement puts terms in place on: settled, or deferred to a
        value other than the status quo (:meth:`binding`). Its veto parties are those whose
        consent covers one of them (:meth:`BargainingProblem.veto_for`)."""
        moved, _ = self.binding(problem)
        out: NDArray[np.bool_] = self.settled | moved
        return out

    def veto_problem(self, problem: BargainingProblem) -> BargainingProblem:
        """``problem`` with its veto parties narrowed to this agreement's
        (:meth:`BargainingProblem.for_agreement`; the same problem when no actor has an
        issue-specific veto)."""
        return problem.for_agreement(self.touched(problem))

    def veto_parties(self, problem: BargainingProblem) -> tuple[str, ...]:
        """The ids of the actors whose consent this agreement needs: the veto parties whose
        veto covers an issue it touches (:meth:`touched`, :meth:`BargainingProblem.veto_for`:
        the one rule)."""
        mask = problem.veto_for(self.touched(problem))
        return tuple(a for a, needed in zip(problem.actors, mask, strict=True) if needed)


def agreement_from(
    problem: BargainingProblem,
    agreement_id: str,
    issues: Sequence[str],
    *,
    ceasefire: bool,
    deferrals: Sequence[Deferral] = (),
    effects: dict[str, float] | None = None,
    name: str | None = None,
    sources: tuple[str, ...] = (),
    assumption: str | None = None,
    note: str | None = None,
) -> Agreement:
    """Build an :class:`Agreement` from issue ids, deferrals and cost changes per actor."""
    n, m = problem.n_issues, problem.n_actors
    col = {iid: k for k, iid in enumerate(problem.issues)}
    settled = np.zeros(n, dtype=bool)
    for iid in issues:
        settled[col[iid]] = True
    interim = np.full(n, np.nan)
    fallback = np.full(n, np.nan)
    review = np.zeros(n, dtype=np.int64)
    for d in deferrals:
        k = col[d.issue]
        interim[k] = problem.status_quo[k] if d.interim is None else float(d.interim)
        fallback[k] = interim[k] if d.fallback is None else float(d.fallback)
        review[k] = int(d.review_periods)
    change = np.zeros(m)
    for aid, c in (effects or {}).items():
        if aid in problem.actors:
            change[problem.index(aid)] += float(c)
    return Agreement(
        id=agreement_id,
        name=name or agreement_id,
        settled=settled,
        ceasefire=bool(ceasefire),
        interim=interim,
        review=review,
        fallback=fallback,
        cost_change=change,
        sources=sources,
        assumption=assumption,
        note=note,
        deferred_ids=tuple(d.issue for d in deferrals),
    )


@dataclass(frozen=True, eq=False)
class ValueModel:
    """g_i for one agreement: weights π (m, J), constants c (m, J), costs K (m,)."""

    pi: FloatArray
    c: FloatArray
    k: FloatArray
    risk: FloatArray

    def value(self, loss: FloatArray) -> FloatArray:
        """g_i(ℓ_i) for a loss vector (m,) (or (..., m)); continued with slope −1 below 0."""
        ell = np.asarray(loss, dtype=float)
        pos = np.maximum(ell, 0.0)
        base = (self.pi * (1.0 - (pos[..., None] + self.c) ** self.risk[:, None])).sum(-1)
        out: FloatArray = base - self.k - np.minimum(ell, 0.0)
        return out

    def bound(self, threshold: FloatArray) -> FloatArray:
        """Largest loss ℓ_i with g_i(ℓ_i) ≥ t_i (m,); negative below g_i(0); +inf for t = −inf;
        −inf for t = +inf or NaN is +inf (no constraint)."""
        t = np.asarray(threshold, dtype=float)
        m = t.shape[0]
        g0 = self.value(np.zeros(m))
        out = np.full(m, np.inf)
        below = t > g0
        out[below] = -(t[below] - g0[below])
        need = ~below & np.isfinite(t)
        if need.any():
            lo = np.zeros(m)
            hi = np.ones(m)
            # grow hi until g(hi) ≤ t (g is unbounded below)
            for _ in range(60):
                gh = self.value(hi)
                grow = need & (gh > t)
                if not grow.any():
                    break
                hi = np.where(grow, hi * 2.0, hi)
            for _ in range(60):
                mid = 0.5 * (lo + hi)
                ok = self.value(mid) >= t
                lo = np.where(need & ok, mid, lo)
                hi = np.where(need & ~ok, mid, hi)
            out[need] = lo[need]
        out[np.isnan(t)] = np.inf
        out[np.isposinf(t)] = -np.inf
        return out


def _share(delta: float, a: float, b: float) -> float:
    """Discounted share of periods [a, b) of an infinite horizon (δ^a − δ^b)."""
    if delta >= 1.0:
        return 1.0 if b == np.inf else 0.0
    hi = 0.0 if b == np.inf else delta**b
    return float(delta**a - hi)


def value_model(problem: BargainingProblem, agreement: Agreement) -> ValueModel:
    """The ValueModel of ``agreement`` (module docstring)."""
    m = problem.n_actors
    s = agreement.settled
    sq = problem.status_quo
    d = agreement.deferred
    war = problem.has_war and not agreement.ceasefire
    h_cut = float(max(problem.horizon_periods - 1, 0)) if war else np.inf
    reviews = sorted({int(r) for r in agreement.review[d]})
    pa = problem.p_a
    pb = max(0.0, 1.0 - pa - problem.stalemate)
    outcomes: list[tuple[float, FloatArray]] = [
        (pa, problem.victory_terms[0]),
        (pb, problem.victory_terms[1]),
        (problem.stalemate, sq),
    ]
    rows_pi: list[list[float]] = [[] for _ in range(m)]
    rows_c: list[list[float]] = [[] for _ in range(m)]
    cuts = sorted({0.0, *(float(r) for r in reviews), *([h_cut] if war else [])})
    bounds = [*cuts, np.inf]
    for i in range(m):
        delta = float(problem.discount[i])
        for a, b in itertools.pairwise(bounds):
            share = _share(delta, a, b)
            if share <= 0.0:
                continue
            dv = np.where(agreement.review > a, agreement.interim, agreement.fallback)
            fighting = war and b <= h_cut
            states = outcomes if (war and not fighting) else [(1.0, sq)]
            for prob, v in states:
                if prob <= 0.0:
                    continue
                vals = np.where(d, dv, v)
                dist = np.abs(vals - problem.ideal[i]) / 100.0
                cval = float((problem.weights[i] * dist)[~s].sum())
                rows_pi[i].append(share * prob)
                rows_c[i].append(cval)
    j = max(len(r) for r in rows_pi) if m else 1
    pi = np.zeros((m, j))
    c = np.zeros((m, j))
    for i in range(m):
        pi[i, : len(rows_pi[i])] = rows_pi[i]
        c[i, : len(rows_c[i])] = rows_c[i]
    k = np.zeros(m)
    offset = np.zeros(m)
    if war:
        per = problem.cost_per_period + agreement.cost_change
        k = np.maximum(per, 0.0) * discounted_periods(problem.discount, problem.horizon_periods)
        stated = problem.stated_reservation
        offset = np.where(np.isnan(stated), 0.0, stated - war_value(problem))
    return ValueModel(pi=pi, c=c, k=k - offset, risk=problem.risk.copy())


def no_agreement_value(problem: BargainingProblem) -> FloatArray:
    """V_i: the reservation (the value of no agreement), for reference."""
    return problem.reservation.copy()


def settled_loss(problem: BargainingProblem, agreement: Agreement, x: FloatArray) -> FloatArray:
    """ℓ_i(x_S) (m,): loss on the settled issues."""
    dist = np.abs(np.nan_to_num(x, nan=0.0)[None, :] - problem.ideal) / 100.0
    out: FloatArray = (problem.weights * dist)[:, agreement.settled].sum(axis=1)
    return out


CATEGORY_NAMES = {
    "humanitarian": "Humanitarian issues",
    "economic": "Economic issues",
    "ceasefire": "Cease-fire",
    "military": "Military issues",
    "territorial": "Territory",
    "security": "Security arrangements",
    "political": "Political issues",
    "legal": "Legal issues",
}
CEASEFIRE_CATEGORIES = {"ceasefire", "military", "territorial"}


def default_bundles(scenario: Scenario) -> list[tuple[str, str, tuple[str, ...], bool]]:
    """One bundle per issue category present (id = category), plus ``settlement``.

    A category bundle stops the fighting if its category is ceasefire, military or
    territorial (an agreement on the line or the forces is a cease-fire); the others do not.
    """
    out: list[tuple[str, str, tuple[str, ...], bool]] = []
    cats: dict[str, list[str]] = {}
    for iss in scenario.issues:
        if iss.category is not None:
            cats.setdefault(iss.category.value, []).append(iss.id)
    for cat, ids in cats.items():
        out.append((cat, CATEGORY_NAMES[cat], tuple(ids), cat in CEASEFIRE_CATEGORIES))
    return out


def scenario_bundles(problem: BargainingProblem, scenario: Scenario) -> list[Agreement]:
    """The scenario's bundles (declared, else the defaults by category) and ``settlement``."""
    out: list[Agreement] = []
    declared = {b.id for b in scenario.bundles}
    if scenario.bundles:
        for b in scenario.bundles:
            effects: dict[str, float] = {}
            for e in b.effects:
                effects[e.actor] = effects.get(e.actor, 0.0) + e.cost_of_fighting
            out.append(
                agreement_from(
                    problem,
                    b.id,
                    b.issues,
                    ceasefire=b.ceasefire,
                    deferrals=b.deferrals,
                    effects=effects,
                    name=b.name,
                    sources=b.sources,
                    assumption=b.assumption,
                    note=b.note,
                )
            )
    else:
        for bid, name, ids, cf in default_bundles(scenario):
            out.append(agreement_from(problem, bid, ids, ceasefire=cf, name=name))
    if "settlement" not in declared:
        out.append(
            agreement_from(
                problem, "settlement", problem.issues, ceasefire=True, name="Full settlement"
            )
        )
    return out


def flow_shares(problem: BargainingProblem) -> FloatArray:
    """λ_i, re-exported for documents."""
    return flow_share(problem)
