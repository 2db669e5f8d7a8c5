"""One call for the whole bargaining analysis of a scenario, and its plain-data documents.

:func:`analyze` builds the problem, the zones without and with distrust, the solutions,
the commitment-problem tests, the staging comparisons (of the deal, and of each staged
proposal) and the proposal scorecards; :func:`run_what_it_takes` runs the mechanism search and
:func:`run_red_line_relaxation` the smallest red-line concessions. ``*_document`` functions
turn results into JSON-able dicts (the CLI's stable JSON keys, documented in
docs/how-to/zone-and-proposals.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from detente.bargaining.bundles import Agreement, scenario_bundles
from detente.bargaining.commitment import (
    PowellResult,
    StageRow,
    powell_condition,
    renege_periods,
    stage_analysis,
)
from detente.bargaining.distrust import (
    DistrustState,
    MechanismEffect,
    apply_all,
    base_state,
    deal_compliance,
    mechanism_effects,
    scenario_compliance,
    thresholds,
)
from detente.bargaining.linkage import LinkageBreach, LinkageRule
from detente.bargaining.packages import (
    BundleResult,
    Package,
    PaymentItem,
    bundle_zone,
    cheapest_packages,
    price_weights,
)
from detente.bargaining.problem import BargainingProblem, FloatArray, build_problem
from detente.bargaining.proposals import (
    ProposalCard,
    proposal_agreement,
    proposal_point,
    proposal_terms,
    score_proposal,
)
from detente.bargaining.ratification import Ratification, move_ratification, ratifications
from detente.bargaining.relax import Relaxation, concession_groups, relax_red_lines
from detente.bargaining.solutions import Solution, compromise_point, nash_point, solve_all
from detente.bargaining.stages import PlanRow, PlanStage, compare_staging
from detente.bargaining.tracks import TrackView, track_view
from detente.bargaining.utility import utility
from detente.bargaining.whatittakes import WhatItTakes, what_it_takes
from detente.bargaining.zone import Zone, ZoneLP, compute_zone, contains
from detente.core import DEFAULT_SEED
from detente.errors import InputError, OptionValueError
from detente.scenario.validate import require_negotiation

if TYPE_CHECKING:
    from detente.scenario import Scenario

__all__ = [
    "Analysis",
    "RelaxationReport",
    "analysis_document",
    "analyze",
    "proposals_document",
    "run_red_line_relaxation",
    "run_what_it_takes",
    "what_it_takes_document",
]


@dataclass(frozen=True, eq=False)
class Analysis:
    """Everything :func:`analyze` computes."""

    problem: BargainingProblem
    compliance_source: str
    state: DistrustState
    effects: dict[str, MechanismEffect]
    lp: ZoneLP
    zone: Zone  # with distrust
    zone_without_distrust: Zone
    zone_soft: Zone  # with distrust, red lines ignored (utilities only)
    zone_soft_without_distrust: Zone
    solutions: dict[str, Solution]
    solutions_without_distrust: dict[str, Solution]
    powell: list[PowellResult]
    deal: FloatArray | None
    deal_source: str
    renege: list[int | None]
    stages: list[StageRow]
    ceasefire_issues: tuple[str, ...]
    cards: list[ProposalCard]
    staged: list[PlanRow]  # staged proposals: as proposed, reversed, comprehensive
    bundles: list[BundleResult]
    payments: list[PaymentItem]
    fallback_gain: dict[str, tuple[str, float]]
    cache: dict[bool, tuple[list[DistrustState], FloatArray]]
    tracks: TrackView | None = field(default=None)
    """Who can settle each bundle at ``as_of`` (issue 18: tracks and refusals)."""
    packages: bool = field(default=True)
    """Were closed bundles' cheapest packages searched (False: zone only, distances None)?"""
    ratifications: Mapping[tuple[str, str], Ratification] = field(default_factory=dict)
    """(actor, issue) → a public commitment naming a ratification current at ``as_of``, with
    the latest acceptance share (:mod:`detente.bargaining.ratification`): the reports say which
    red-line move needs the ratifiers' acceptance. No figure reads it."""


def _check(problem: BargainingProblem) -> None:
    if problem.n_actors == 0:
        raise InputError("bargaining: no actor has a position on any issue")
    if not problem.veto.any():
        raise InputError("bargaining: no actor with a position has a veto (veto: true)")


def analyze(
    scenario: Scenario,
    *,
    as_of: dt.date | None = None,
    compliance: Mapping[tuple[str, str], float] | None = None,
    seed: int = DEFAULT_SEED,
    samples: int = 4000,
    packages: bool = True,
) -> Analysis:
    """The bargaining analysis of ``scenario`` (compliance from the trust engine if not given).

    ``packages=False`` skips the search for the cheapest package opening each closed bundle
    (its distance is then None); every zone, the proposals and the rest are unchanged.
    """
    require_negotiation(scenario, as_of)  # the same refusals as `simulate` (scenario/validate.py)
    problem = build_problem(scenario, as_of=as_of)
    _check(problem)
    if compliance is None:
        comp, source = scenario_compliance(scenario, as_of=as_of)
    else:
        comp, source = dict(compliance), "given"
    # Common random numbers: both volume estimates use the same stream, so equal zones get
    # equal estimates and the subset relation shows in the numbers.
    child = np.random.SeedSequence(seed).spawn(1)[0]
    lp = ZoneLP(problem)
    state = base_state(problem, comp)
    effects = {e.id: e for e in mechanism_effects(problem, scenario)}
    t = thresholds(problem, state)
    zone_nd = compute_zone(problem, lp=lp, rng=np.random.default_rng(child), samples=samples)
    zone_d = compute_zone(problem, t, lp=lp, rng=np.random.default_rng(child), samples=samples)
    soft = ZoneLP(problem, red_lines=False)
    zone_soft = compute_zone(problem, t, lp=soft, samples=0, intervals=False)
    zone_soft_nd = compute_zone(problem, lp=soft, samples=0, intervals=False)
    # Without distrust only the Nash and compromise points (the deal falls back on that Nash
    # point when distrust closes the zone); the full set is computed for the zone with distrust.
    sols_nd: dict[str, Solution] = {}
    nash_nd = nash_point(problem, zone_nd, lp)
    if nash_nd is not None:
        sols_nd["nash"] = nash_nd
    comp_x = compromise_point(problem)
    sols_nd["compromise"] = Solution(
        "compromise",
        comp_x,
        utility(problem, comp_x),
        zone_nd.exists and contains(problem, zone_nd.thresholds, comp_x),
    )
    sols_d = solve_all(problem, zone_d, lp)
    if "nash" in sols_d:
        deal, source_deal = sols_d["nash"].x, "Nash point of the zone with distrust"
    elif "nash" in sols_nd:
        deal, source_deal = sols_nd["nash"].x, "Nash point of the zone without distrust"
    else:
        deal, source_deal = sols_d["compromise"].x, "compromise point (both zones empty)"
    ceasefire = tuple(
        iid
        for k, iid in enumerate(problem.issues)
        if problem.contested[k] or "ceasefire" in iid.lower() or "cease_fire" in iid.lower()
    )
    for prop in scenario.proposals:
        if prop.stages:
            ceasefire = tuple(prop.stages[0].issues)
            break
    ranges = zone_d.intervals if zone_d.exists else zone_nd.intervals
    if not zone_nd.exists:
        ranges = np.column_stack([lp.lo, lp.hi])
    payments = [PaymentItem.of(p) for p in scenario.payments]
    linkages = [LinkageRule.of(lk) for lk in scenario.linkages]
    pay_by_id = {p.id: p for p in payments}
    cards = [
        score_proposal(
            problem,
            prop.id,
            prop.name,
            proposal_terms(problem, prop),
            state,
            effects,
            tuple(prop.mechanisms),
            lp,
            ranges,
            agreement=proposal_agreement(problem, prop),
            payments=[pay_by_id[q] for q in prop.payments if q in pay_by_id],
            linkages=linkages,
        )
        for prop in scenario.proposals
    ]
    gains = {
        m.id: (m.beneficiary, float(m.fallback_gain))
        for m in scenario.mechanisms
        if m.kind.value == "security_guarantee" and m.beneficiary and m.fallback_gain
    }
    cache: dict[bool, tuple[list[DistrustState], FloatArray]] = {}
    bundles = [
        bundle_zone(
            problem,
            ag,
            state,
            list(effects.values()),
            payments,
            top=1,
            cache=cache,
            fallback_gain=gains,
            linkages=linkages,
            packages=packages,
        )
        for ag in scenario_bundles(problem, scenario)
    ]
    staged: list[PlanRow] = []
    for prop in scenario.proposals:
        if prop.stages:
            staged += compare_staging(
                proposal_agreement(problem, prop).veto_problem(problem),
                prop.id,
                proposal_point(problem, prop),
                [
                    PlanStage(
                        st.name,
                        tuple(st.issues),
                        st.start_period,
                        tuple(st.mechanisms),
                        st.ceasefire,
                    )
                    for st in prop.stages
                ],
                list(prop.terms),
                tuple(prop.mechanisms),
                state,
                effects,
            )
    return Analysis(
        problem=problem,
        compliance_source=source,
        state=state,
        effects=effects,
        lp=lp,
        zone=zone_d,
        zone_without_distrust=zone_nd,
        zone_soft=zone_soft,
        zone_soft_without_distrust=zone_soft_nd,
        solutions=sols_d,
        solutions_without_distrust=sols_nd,
        powell=powell_condition(problem),
        deal=deal,
        deal_source=source_deal,
        renege=renege_periods(problem, deal),
        stages=stage_analysis(problem, deal, t, ceasefire),
        ceasefire_issues=ceasefire,
        cards=cards,
        staged=staged,
        bundles=bundles,
        payments=payments,
        fallback_gain=gains,
        cache=cache,
        tracks=track_view(scenario, as_of),
        packages=packages,
        ratifications=ratifications(scenario, as_of),
    )


def bundle_packages(
    analysis: Analysis, bundle: str = "settlement", *, top: int = 5
) -> list[Package]:
    """The ``top`` cheapest packages (crossings, payments, mechanisms) opening a bundle."""
    for r in analysis.bundles:
        if r.agreement.id == bundle:
            ag: Agreement = r.agreement
            break
    else:
        known = ", ".join(r.agreement.id for r in analysis.bundles)
        raise InputError(f"unknown bundle {bundle!r} (scenario has: {known})")
    if r.open_on_issues:  # open, or closed by linkage alone: no package opens it
        return []
    found, _, _ = cheapest_packages(
        analysis.problem,
        ag,
        analysis.state,
        list(analysis.effects.values()),
        analysis.payments,
        top=top,
        cache=analysis.cache,
        fallback_gain=analysis.fallback_gain,
    )
    return found


def run_what_it_takes(analysis: Analysis, *, top: int = 5, seed: int = DEFAULT_SEED) -> WhatItTakes:
    """The mechanism search on an analysis' distrust state."""
    rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(3)[2])
    return what_it_takes(
        analysis.problem,
        analysis.state,
        list(analysis.effects.values()),
        top=top,
        lp=analysis.lp,
        rng=rng,
    )


@dataclass(frozen=True, eq=False)
class RelaxationReport:
    """Smallest red-line relaxations opening the zone (:mod:`detente.bargaining.relax`)."""

    mechanisms: tuple[str, ...]  # in force (thresholds with distrust use them)
    relaxation: Relaxation | None  # every veto actor may concede; opens both zones
    without_distrust: Relaxation | None  # what the zone without distrust alone would need
    one_sided: dict[str, tuple[tuple[str, ...], Relaxation | None]]  # group → (members, …)


def run_red_line_relaxation(
    analysis: Analysis, *, mechanisms: tuple[str, ...] = (), seed: int = DEFAULT_SEED
) -> RelaxationReport:
    """How far red lines must move to open the zone with distrust and ``mechanisms``."""
    unknown = [m for m in mechanisms if m not in analysis.effects]
    if unknown:
        known = ", ".join(analysis.effects) or "none"
        # a value this scenario cannot take: a usage error naming the option (exit 2), as an
        # --as-of after the scenario's date is
        raise OptionValueError(
            "mechanisms",
            "--mechanisms",
            f"unknown mechanism id(s) {', '.join(unknown)} (scenario has: {known})",
        )
    p = analysis.problem
    rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(4)[3])
    state = apply_all(analysis.state, [analysis.effects[m] for m in mechanisms])
    t = thresholds(p, state)
    both = relax_red_lines(p, t, rng=rng, samples=1000)
    one = {
        g: (members, relax_red_lines(p, t, conceders=members))
        for g, members in concession_groups(p).items()
    }
    return RelaxationReport(
        mechanisms=tuple(mechanisms),
        relaxation=both,
        without_distrust=relax_red_lines(p, p.reservation),
        one_sided=one,
    )


# ------------------------------------------------------------------------------ documents


def _r(x: float) -> float:
    return float(round(float(x), 6))


def zone_document(problem: BargainingProblem, zone: Zone) -> dict[str, Any]:
    """A zone as plain data."""
    doc: dict[str, Any] = {
        "exists": bool(zone.exists),
        "issues": {
            iid: None
            if not zone.exists or np.isnan(zone.intervals[k, 0])
            else [_r(zone.intervals[k, 0]), _r(zone.intervals[k, 1])]
            for k, iid in enumerate(problem.issues)
        },
        "radius": _r(zone.radius),
        "centre" if zone.exists else "least_infeasible_point": {
            iid: _r(zone.centre[k]) for k, iid in enumerate(problem.issues)
        },
        "thresholds": {
            a: _r(zone.thresholds[i]) for i, a in enumerate(problem.actors) if problem.veto[i]
        },
        "slack": {a: _r(zone.slack[i]) for i, a in enumerate(problem.actors) if problem.veto[i]},
        "volume": {
            "share_of_issue_space": _r(zone.volume_share),
            "volume": float(zone.volume),
            "se": float(zone.volume_se),
            "samples": zone.volume_samples,
        },
    }
    if not zone.exists:
        doc["shortfall"] = {
            a: _r(zone.shortfall[i]) for i, a in enumerate(problem.actors) if problem.veto[i]
        }
        doc["red_line_conflicts"] = list(zone.red_line_detail)
        doc["red_line_violation"] = {
            a: _r(zone.red_line_violation[i])
            for i, a in enumerate(problem.actors)
            if problem.veto[i] and zone.red_line_violation.size
        }
    return doc


def _solutions(problem: BargainingProblem, sols: Mapping[str, Solution]) -> dict[str, Any]:
    return {
        name: {iid: _r(s.x[k]) for k, iid in enumerate(problem.issues)} for name, s in sols.items()
    }


def analysis_document(a: Analysis) -> dict[str, Any]:
    """The ``detente analyze`` JSON document (without the manifest)."""
    p = a.problem
    return {
        "actors": list(p.actors),
        "veto": [x for x, v in zip(p.actors, p.veto, strict=True) if v],
        "excluded_actors": list(p.excluded),
        "issues": list(p.issues),
        "status_quo": {iid: _r(p.status_quo[k]) for k, iid in enumerate(p.issues)},
        "ideal": {
            a_: {iid: _r(p.ideal[i, k]) for k, iid in enumerate(p.issues) if p.weights[i, k] > 0}
            for i, a_ in enumerate(p.actors)
        },
        "war": {
            "p_a": _r(p.p_a),
            "stalemate": _r(p.stalemate),
            "truce_power_shift": _r(p.truce_power_shift),
            "war_cost": {x: _r(p.war_cost[i]) for i, x in enumerate(p.actors)},
        },
        "reservation": {x: _r(p.reservation[i]) for i, x in enumerate(p.actors)},
        "compliance_source": a.compliance_source,
        "deal_compliance": {x: _r(_q(a, i)) for i, x in enumerate(p.actors) if p.veto[i]},
        "zone": zone_document(p, a.zone),
        "zone_without_distrust": zone_document(p, a.zone_without_distrust),
        "bundles": [_with_tracks(a, bundle_document(p, r, a.ratifications)) for r in a.bundles],
        "tracks": [] if a.tracks is None else a.tracks.tracks,
        "refusals": [] if a.tracks is None else a.tracks.refusals,
        "mediators": [] if a.tracks is None else a.tracks.mediators,
        "red_line_crossing": {
            "unit": "loss per 100 scale points crossed (utility at risk 1)",
            "kappa": {
                x: {
                    iid: _r(p.crossing[i, k])
                    for k, iid in enumerate(p.issues)
                    if p.crossing[i, k] > 0
                }
                for i, x in enumerate(p.actors)
                if p.veto[i]
            },
            # the name predates v19a: the cost *felt* at the date (ripeness's W, discounted),
            # not the sum paid (BargainingProblem.paid_cost); kept, an interface
            "cumulative_cost_of_fighting": {
                x: _r(p.cumulative_cost[i]) for i, x in enumerate(p.actors) if p.veto[i]
            },
            "price_weight": {
                x: _r(w) for x, w in zip(p.actors, price_weights(p), strict=True) if True
            },
        },
        "zone_if_red_lines_were_soft": {
            "with_distrust": zone_document(p, a.zone_soft),
            "without_distrust": zone_document(p, a.zone_soft_without_distrust),
        },
        "solutions": _solutions(p, a.solutions),
        "solutions_in_zone": {n: s.in_zone for n, s in a.solutions.items()},
        "solutions_without_distrust": _solutions(p, a.solutions_without_distrust),
        "utilities": {
            n: {x: _r(s.utilities[i]) for i, x in enumerate(p.actors)}
            for n, s in a.solutions.items()
        },
        "commitment": {
            "powell": [
                {
                    "actor": r.actor,
                    "war_share_now": _r(r.p_now),
                    "war_share_after_shift": _r(r.p_after),
                    "value_of_fighting_now": _r(r.war_now),
                    "best_deal_value": _r(r.best_deal),
                    "war_unavoidable": r.war_unavoidable,
                }
                for r in a.powell
            ],
            "deal": None
            if a.deal is None
            else {iid: _r(a.deal[k]) for k, iid in enumerate(p.issues)},
            "deal_source": a.deal_source,
            "renege_period": {x: a.renege[i] for i, x in enumerate(p.actors)},
        },
        "stages": {
            "ceasefire_issues": list(a.ceasefire_issues),
            "rows": [
                {
                    "plan": s.plan,
                    "actor": s.actor,
                    "accepts": s.accepts,
                    "self_enforcing": s.self_enforcing,
                    "note": s.note,
                }
                for s in a.stages
            ],
            "proposals": [
                {
                    "proposal": r.proposal,
                    "plan": r.plan,
                    "actor": r.actor,
                    "pause_stage": r.pause_stage,
                    "accepts": r.accepts,
                    "self_enforcing": r.self_enforcing,
                    "note": r.note,
                }
                for r in a.staged
            ],
        },
    }


def _with_tracks(a: Analysis, doc: dict[str, Any]) -> dict[str, Any]:
    """A bundle record with ``tracks`` and ``closed_tracks`` (bargaining/tracks.py)."""
    if a.tracks is not None:
        doc.update(a.tracks.bundle_document(doc["id"]))
    return doc


_NO_RATIFICATION: Mapping[tuple[str, str], Ratification] = {}


def _move_doc(
    mv: Any, rat: Mapping[tuple[str, str], Ratification] = _NO_RATIFICATION
) -> dict[str, Any]:
    """A red-line move as plain data; ``ratification``: what a move past a commitment naming
    a ratification needs (:func:`~detente.bargaining.ratification.move_ratification`; None
    where none applies)."""
    return {
        "actor": mv.actor,
        "issue": mv.issue,
        "bound": mv.bound,
        "stated": _r(mv.stated),
        "to": _r(mv.to),
        "points": _r(mv.points),
        "cost": _r(mv.cost),
        "price": _r(mv.price),
        "ratification": move_ratification(rat, mv.actor, mv.issue, mv.bound, mv.to),
    }


def _linkage_doc(b: LinkageBreach) -> dict[str, Any]:
    """A broken linkage as a ``blocking`` entry (``actor`` and ``issue`` as for red lines)."""
    return {
        "linkage": b.linkage,
        "actor": b.actor,
        "issue": ", ".join(b.settled) or "(cease-fire)",
        "bound": "linkage",
        "requires": list(b.missing),
        "reason": b.reason,
    }


def package_document(
    p: BargainingProblem,
    pk: Package,
    rat: Mapping[tuple[str, str], Ratification] = _NO_RATIFICATION,
) -> dict[str, Any]:
    """A priced package as plain data (``rat``: :attr:`Analysis.ratifications`)."""
    return {
        "price": _r(pk.price),
        "price_parts": {
            "red_lines": _r(pk.price_crossings),
            "payments": _r(pk.price_payments),
            "mechanisms": _r(pk.price_mechanisms),
            "compensation": _r(pk.price_compensation),
        },
        "red_lines": [_move_doc(mv, rat) for mv in pk.moves],
        "payments": list(pk.payments),
        "mechanisms": list(pk.mechanisms),
        "compensation": {a: _r(v) for a, v in pk.compensation.items()},
        "point": {
            iid: _r(pk.point[k]) for k, iid in enumerate(p.issues) if not np.isnan(pk.point[k])
        },
    }


def bundle_document(
    p: BargainingProblem,
    r: BundleResult,
    rat: Mapping[tuple[str, str], Ratification] = _NO_RATIFICATION,
) -> dict[str, Any]:
    """A bundle's zone, distance and cheapest package as plain data (``rat``:
    :attr:`Analysis.ratifications`)."""
    ag = r.agreement
    settled = [iid for k, iid in enumerate(p.issues) if ag.settled[k]]
    veto = r.veto if r.veto.size else p.veto
    return {
        "id": ag.id,
        "name": ag.name,
        "issues": settled,
        "ceasefire": ag.ceasefire,
        "deferred": list(ag.deferred_ids),
        "zone_exists": bool(r.exists),
        "distance": None if r.distance is None else _r(r.distance),
        "distance_note": r.distance_note,
        "blocking": [
            *(_linkage_doc(b) for b in r.linkages), *(_move_doc(mv, rat) for mv in r.blocking)
        ],
        "linkage_blocked": r.linkage_blocked,
        "red_line_conflicts": list(r.conflicts),
        "deferral_red_lines": list(r.deferral_breaks),
        "size": {
            "radius": None if not np.isfinite(r.radius) else _r(r.radius),
            "intervals": {
                iid: None if np.isnan(r.intervals[k, 0]) else [
                    _r(r.intervals[k, 0]), _r(r.intervals[k, 1])
                ]
                for k, iid in enumerate(p.issues)
                if ag.settled[k]
            },
        },
        "centre": {
            iid: None if np.isnan(r.centre[k]) else _r(r.centre[k])
            for k, iid in enumerate(p.issues)
            if ag.settled[k]
        },
        "thresholds": {  # the bundle's veto parties (issue-specific vetoes: its own)
            x: _r(r.thresholds[i]) for i, x in enumerate(p.actors) if veto[i]
        },
        "zone_with_priced_red_lines": {
            "exists": bool(r.priced_exists),
            "radius": None if not np.isfinite(r.priced_radius) else _r(r.priced_radius),
        },
        "cheapest_package": None if not r.packages else package_document(p, r.packages[0], rat),
        "search": {"method": r.method, "lps": r.lps},
        "sources": list(ag.sources),
        "assumption": ag.assumption,
    }  # fmt: skip


def _q(a: Analysis, i: int) -> float:
    return float(deal_compliance(a.problem, a.state.q_pair)[i])


def proposals_document(a: Analysis) -> dict[str, Any]:
    """The ``detente proposals`` JSON document (without the manifest)."""
    p = a.problem
    return {
        "proposals": [
            {
                "id": c.id,
                "name": c.name,
                "terms": {
                    iid: _r(c.terms[k])
                    for k, iid in enumerate(p.issues)
                    if not np.isnan(c.terms[k])
                },
                "settled": list(c.settled),
                "deferred": list(c.deferred),
                "ceasefire": c.ceasefire,
                "payments": list(c.payments),
                "mechanisms": list(c.mechanisms),
                "accepted_by_all_veto": c.accepted_by_all_veto,
                "accepted_by_all_veto_distrust": c.accepted_by_all_veto_distrust,
                "nearest_acceptable": None
                if c.nearest is None
                else {iid: _r(c.nearest[k]) for k, iid in enumerate(p.issues)},
                "nearest_distance": None if c.nearest_distance is None else _r(c.nearest_distance),
                "actors": [
                    {
                        "actor": r.actor,
                        "veto": r.veto,
                        "utility": _r(r.utility),
                        "reservation": _r(r.reservation),
                        "threshold": _r(r.threshold),
                        "accept": r.accept,
                        "accept_distrust": r.accept_distrust,
                        "margin": _r(r.margin),
                        "margin_distrust": _r(r.margin_distrust),
                        "red_lines_broken": list(r.red_lines_broken),
                        "red_lines_crossed": [
                            {
                                "issue": cr.issue,
                                "bound": cr.bound,
                                "stated": _r(cr.stated),
                                "value": _r(cr.value),
                                "points": _r(cr.points),
                                "cost": _r(cr.cost),
                            }
                            for cr in r.crossed
                        ],
                        "linkages_broken": [
                            {
                                "linkage": b.linkage,
                                "settled": list(b.settled),
                                "missing": list(b.missing),
                                "reason": b.reason,
                            }
                            for b in r.linkages_broken
                        ],
                        "blocking": [
                            {"issue": b, "gain": None if not np.isfinite(g) else _r(g)}
                            for b, g in r.blocking
                        ],
                    }
                    for r in c.rows
                ],
            }
            for c in a.cards
        ]
    }


def relaxation_document(
    p: BargainingProblem,
    r: Relaxation | None,
    rat: Mapping[tuple[str, str], Ratification] = _NO_RATIFICATION,
) -> dict[str, Any] | None:
    """A red-line relaxation as plain data (None when red lines alone cannot open the zone;
    ``rat``: :attr:`Analysis.ratifications`, for each move's ``ratification``)."""
    if r is None:
        return None
    return {
        "conceders": list(r.conceders),
        "total": _r(r.total),
        "points": _r(r.points),
        "points_by_actor": {x: _r(v) for x, v in r.points_by_actor().items()},
        "moves": [
            {
                "actor": mv.actor,
                "issue": mv.issue,
                "bound": mv.bound,
                "from": _r(mv.start),
                "to": _r(mv.end),
                "points": _r(mv.points),
                "cost": _r(mv.cost),
                "ratification": move_ratification(rat, mv.actor, mv.issue, mv.bound, mv.end),
            }
            for mv in r.moves
        ],
        "zone": zone_document(p, r.zone),
        "nash": None
        if r.nash is None
        else {iid: _r(r.nash.x[k]) for k, iid in enumerate(p.issues)},
    }


def what_it_takes_document(
    a: Analysis, w: WhatItTakes, relax: RelaxationReport | None = None
) -> dict[str, Any]:
    """The ``detente what-it-takes`` JSON document (without the manifest)."""
    p = a.problem
    doc = _wit_document(a, w)
    rat = a.ratifications
    doc["packages"] = [package_document(p, pk, rat) for pk in bundle_packages(a, "settlement")]
    doc["bundles"] = [
        {
            "id": r.agreement.id,
            "zone_exists": bool(r.exists),
            "distance": None if r.distance is None else _r(r.distance),
            "linkage_blocked": r.linkage_blocked,
        }
        for r in a.bundles
    ]
    if relax is not None:
        main = relaxation_document(p, relax.relaxation, rat)
        if main is not None:
            main["mechanisms"] = list(relax.mechanisms)
            nd = relax.without_distrust
            main["without_distrust"] = (
                None if nd is None else {"total": _r(nd.total), "points": _r(nd.points)}
            )
        doc["red_line_relaxation"] = main
        doc["one_sided"] = {
            g: None
            if r is None
            else {"actors": list(members), **(relaxation_document(p, r, rat) or {})}
            for g, (members, r) in relax.one_sided.items()
        }
    return doc


def _wit_document(a: Analysis, w: WhatItTakes) -> dict[str, Any]:
    p = a.problem
    return {
        "method": w.method,
        "mechanisms_available": [
            {"id": e.id, "kind": e.kind, "total_cost": _r(e.total_cost)} for e in a.effects.values()
        ],
        "zone_exists_without_mechanisms": bool(a.zone.exists),
        "closed_by_red_lines": list(a.zone.red_line_detail),
        "sets_examined": w.sets_examined,
        "lps_solved": w.lps_solved,
        "options": [
            {
                "mechanisms": list(o.mechanisms),
                "total_cost": _r(o.total_cost),
                "zone": zone_document(p, o.zone),
                "nash": None
                if o.nash is None
                else {iid: _r(o.nash.x[k]) for k, iid in enumerate(p.issues)},
            }
            for o in w.options
        ],
    }
