"""The talks' agenda: one set of candidate terms per bundle, and the red lines that can move.

**Bundles** are the bargaining engine's (:func:`detente.bargaining.bundles.scenario_bundles`:
the scenario's declared bundles, else one per issue category, and the full ``settlement``),
each with the zone the bargaining engine finds for it
(:func:`detente.bargaining.packages.bundle_zone`, with the trust engine's compliance, the
scenario's mechanisms, payments and linkages, exactly as ``detente analyze``). The settlement
is bundle 0. For each bundle the talks choose among candidate terms on its settled issues
(issues outside the bundle stay at the status quo, or the front, for that agreement):

- all option combinations of its issues when every one has discrete ``options`` and they number
  at most :data:`~detente.simulate.model.MAX_GRID`; otherwise
- :data:`~detente.simulate.model.N_CANDIDATES` salience-weighted compromises between the
  belligerents' ideals on its issues, clipped into the box the stated red lines of the bundle's
  veto parties leave (an issue-specific veto, ``Actor.veto_issues``, only on bundles settling
  its issues; candidates are checked against the same parties' lines), and the same
  compromises clipped into the box left once the red lines of the bundle's cheapest package
  are moved (below), plus that package's point itself.

A candidate's value to an actor is the bargaining engine's value of the agreement,
``g_i(ℓ_i(x_S))`` of :class:`~detente.bargaining.bundles.ValueModel` (for the settlement, the
utility ``U_i(x)``): a deal that stops the fighting is weighed against the run's value of
fighting on (its beliefs move it); a partial deal that does not is weighed against the
bargaining engine's value of no agreement plus :data:`~detente.bargaining.bundles.MIN_GAIN`
(with the fighting going on, terms at the status quo are no agreement). A bundle closed by a
veto party's linkage (:mod:`detente.bargaining.linkage`) is never on the table.

That value of no agreement is the war lottery over the bundle's issues, so it moves with each
side's belief about who prevails exactly as the value of fighting does for a cease-fire
(Fearon 1995; Filson & Werner 2002; Slantchev 2003: beliefs revised by fighting change what a
side accepts): a side that expects to win expects the issue on its victory terms and asks more
for settling it now. Both the bargaining engine's value of no agreement ``V_i(p)`` and its
value ``g_i`` of an agreement (through the issues it leaves to the war) are linear in
``p = P(A prevails)``, so the talks compare a candidate's tabulated value with
``V_i + MIN_GAIN + σ_i · (p̂_i − p_A)``, where ``p̂_i = (1 − s) r̂_i`` is the side's current
belief, ``p_A`` the engine's and ``σ_i = d[V_i(p) − g_i,p(ℓ_i(x_sq))]/dp``
(:func:`belief_slope`, exact for risk-neutral parties, evaluated at the status quo's terms
otherwise); a stated reservation does not move (``σ_i = 0``).

**Red lines that move** (the rule of :mod:`detente.bargaining.redlines`: a stated red line is a
commitment with a cost of crossing, Fearon 1994; Tomz 2007): for every bundle whose zone the
stated red lines close, the bargaining engine's cheapest package names the red lines to cross
and the point beyond them. Each (bundle, actor) pair with crossings in that package is a
*move set*. During a run the actor moves those lines (to the package's values) in the first
period, after a round of talks on the bundle (:mod:`detente.simulate.steps.positions`: red lines
are crossed at the table), in which its gain from that deal, ``g(point) − V`` (its value of no
agreement on the bundle), exceeds the crossing cost ``Σ κ · points / 100``, with
:func:`~detente.bargaining.redlines.crossing_cost` of its cost of fighting felt now, the
gains of partial agreements in force (cover at home, Putnam 1988) and a change of leader. A
moved line stays moved (the commitment is spent). Each run's set of moved move sets is its
*regime*; candidates' feasibility is tabulated once per regime (``2^V`` rows, V ≤
:data:`MAX_MOVE_SETS`), and so is which of the belligerents' lines can still harden
(:func:`~detente.bargaining.redlines.can_harden`: stated and not crossed; the ``positions``
step tightens them as the run's value of fighting rises).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from detente.bargaining.bundles import (
    MIN_GAIN,
    Agreement,
    scenario_bundles,
    settled_loss,
    value_model,
)
from detente.bargaining.distrust import base_state, mechanism_effects, scenario_compliance
from detente.bargaining.linkage import LinkageRule
from detente.bargaining.packages import BundleResult, PaymentItem, bundle_zone
from detente.bargaining.problem import BargainingProblem
from detente.bargaining.redlines import can_harden, ratification_margin, ratified
from detente.bargaining.utility import loss_arrays, utility_arrays
from detente.bargaining.war import war_value
from detente.bargaining.zone import ZoneLP
from detente.errors import InputError
from detente.scenario.in_force import in_force_terms
from detente.scenario.schema import Scenario
from detente.scenario.simulation import SimulationSettings
from detente.scenario.validate import SIMULATION_MAXIMA
from detente.simulate.tables import TalkTable, build_table

__all__ = [
    "MAX_HORIZON",
    "MAX_MOVE_SETS",
    "Agenda",
    "BundleSpec",
    "MoveSet",
    "belief_slope",
    "build_agenda",
    "concession_horizon",
    "talk_horizons",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

MAX_MOVE_SETS = 6
"""Most (bundle, actor) move sets tracked (the first ones in bundle order): 64 regimes."""
MAX_HORIZON = float(SIMULATION_MAXIMA["concession_periods"])
"""Concession horizon (periods) of a side that bears no cost of delay (no cost of fighting on
the bundle and no discounting): it never needs to concede. A numerical bound, not a model
parameter (the largest ``simulation.concession_periods`` a scenario may state)."""


@dataclass(frozen=True, eq=False)
class BundleSpec:
    """One bundle as the talks see it (A actors in talks, I issues, K candidates)."""

    id: str
    settled: BoolArray  # (I,)
    ceasefire: bool
    candidates: FloatArray  # (K, I), issues outside the bundle at the status quo
    utility: FloatArray  # (K, A) value of the agreement on these terms
    static_value: FloatArray  # (A,) value of no agreement; NaN = the run's value of fighting
    value_slope: FloatArray  # (A,) its change per unit of P(A prevails) (0: cease-fire)
    table: TalkTable  # (R regimes, K, A)
    on_agenda: bool  # not closed by a veto party's linkage
    veto: BoolArray  # (A,) its veto parties (Agreement.veto_parties) and the belligerents
    zone_open: bool  # the bargaining engine's zone with the stated red lines exists
    horizon: FloatArray  # (2,) each belligerent's concession horizon (concession_horizon)


@dataclass(frozen=True)
class MoveSet:
    """The red lines one actor crosses in a bundle's cheapest package."""

    bundle: int
    actor: int  # index into the model's actor_ids
    issues: IntArray  # (M,)
    stated: FloatArray  # (M,)
    to: FloatArray  # (M,)
    is_min: BoolArray  # (M,) the bound is a minimum (else a maximum)
    base: FloatArray  # (M,) base crossing cost κ₀ of each line
    point_k: int  # candidate index of the package's point in the bundle
    # (M,) 1: the line was stated before the actor's leader took over (the analysis' mask,
    # ``BargainingProblem.leader_change``: :func:`~detente.bargaining.problem.predecessor_lines`)
    lead: FloatArray = dataclasses.field(default_factory=lambda: np.zeros(0))
    # False: the package needs a ratification its ratifiers reject at the scenario's date
    # (outside the actor's domestic win-set, :func:`ratification_gate`)
    ratified: bool = True
    # the package's distance to the win-set at the scenario's date (least share − majority
    # over its lines that need ratification with a known share; inf: none,
    # :func:`~detente.bargaining.redlines.ratification_margin`): the ``positions`` step adds
    # the run's shift of the ratifiers' share to it (:func:`detente.simulate.steps.positions.
    # in_win_set`)
    margin: float = math.inf

    @property
    def crossable(self) -> bool:
        """Whether the ``positions`` step can cross this move set at the scenario's date: its
        package's point is among the bundle's candidates and the package is inside the
        actor's domestic win-set (``ratified``). One outside it is crossed later in a run only
        once the run's moved share clears the majority
        (:func:`detente.simulate.steps.positions.in_win_set`)."""
        return self.point_k >= 0 and self.ratified


@dataclass(frozen=True, eq=False)
class Agenda:
    """The bundles, their move sets and the red lines of every regime."""

    bundles: tuple[BundleSpec, ...]
    move_sets: tuple[MoveSet, ...]
    lo: FloatArray  # (R, A, I) red lines in each regime
    hi: FloatArray  # (R, A, I)
    cumulative0: FloatArray  # (A,) cost of fighting felt at the scenario's date (ripeness's W)
    paid0: FloatArray  # (A,) costs of fighting paid before the date, undiscounted (entrapment)
    harden_lo: BoolArray  # (R, 2, I) belligerents' minima that can harden in each regime
    harden_hi: BoolArray  # (R, 2, I) and maxima (stated, not crossed, room to the ideal)
    commit_lo: FloatArray  # (2, I) belligerents' committed minima beyond the stated (NaN: none)
    commit_hi: FloatArray  # (2, I) and maxima (public commitments, clipped to the ideal)
    p_a: float = 0.5  # the bargaining engine's P(A prevails), at which static values hold
    front_lo: BoolArray | None = None  # (A, I) stated minima held at the line of contact
    front_hi: BoolArray | None = None  # (A, I) and maxima (None: no position `at_front`)

    @property
    def regimes(self) -> int:
        """R = 2^V."""
        return int(self.lo.shape[0])


def _compromise(
    ideal: FloatArray, sal: FloatArray, settled: BoolArray, sq: FloatArray, n: int
) -> FloatArray:
    theta = np.linspace(0.0, 1.0, n)[:, None]
    sa, sb = np.maximum(sal[0], 1e-9), np.maximum(sal[1], 1e-9)
    cand: FloatArray = (theta * sa * ideal[0] + (1 - theta) * sb * ideal[1]) / (
        theta * sa + (1 - theta) * sb
    )
    out: FloatArray = np.where(settled, cand, sq)
    return out


def _grid(
    scenario: Scenario, settled: BoolArray, sq: FloatArray, max_grid: int
) -> FloatArray | None:
    issues = scenario.issues
    cols = [k for k in range(len(issues)) if settled[k]]
    if not all(issues[k].options for k in cols):
        return None
    size = math.prod(len(issues[k].options) for k in cols)
    if size > max_grid:
        return None
    grids = np.meshgrid(*[[o.value for o in issues[k].options] for k in cols], indexing="ij")
    out = np.tile(sq, (size, 1))
    for j, k in enumerate(cols):
        out[:, k] = grids[j].ravel()
    return out


def _append_new(base: FloatArray, extra: FloatArray) -> FloatArray:
    """``base`` then the rows of ``extra`` not already in it (first occurrence kept)."""
    rows = [base]
    seen = {r.tobytes() for r in base}
    for r in extra:
        key = r.tobytes()
        if key not in seen:
            seen.add(key)
            rows.append(r[None, :])
    return np.vstack(rows)


def bundle_results(scenario: Scenario, problem: BargainingProblem) -> list[BundleResult]:
    """The bargaining engine's zone of every bundle, as ``detente analyze`` computes it."""
    comp, _ = scenario_compliance(scenario)
    state = base_state(problem, comp)
    effects = list(mechanism_effects(problem, scenario))
    payments = [PaymentItem.of(p) for p in scenario.payments]
    linkages = [LinkageRule.of(lk) for lk in scenario.linkages]
    gains = {
        m.id: (m.beneficiary, float(m.fallback_gain))
        for m in scenario.mechanisms
        if m.kind.value == "security_guarantee" and m.beneficiary and m.fallback_gain
    }
    cache: dict[bool, tuple[list, FloatArray]] = {}  # type: ignore[type-arg]
    return [
        bundle_zone(
            problem,
            ag,
            state,
            effects,
            payments,
            top=1,
            intervals=False,
            cache=cache,
            fallback_gain=gains,
            linkages=linkages,
        )
        for ag in scenario_bundles(problem, scenario)
    ]


def _feasible(cand: FloatArray, settled: BoolArray, lo: FloatArray, hi: FloatArray) -> BoolArray:
    """(R, K): candidates inside every listed actor's red lines on the settled issues."""
    x = cand[None, :, None, :]  # (1, K, 1, I)
    ok = (x >= lo[:, None] - 1e-9) & (x <= hi[:, None] + 1e-9)  # (R, K, A, I)
    ok |= ~settled
    out: BoolArray = np.asarray(ok.all(axis=(2, 3)), dtype=bool)
    return out


def _in_force_points(
    scenario: Scenario, issues: list[str], sq: FloatArray
) -> dict[str, FloatArray]:
    """Bundle id → the terms of the agreement on it in force at ``as_of`` (scenario
    ``agreements_in_force``) as a package (I,): the stated terms on its issues, the status quo
    elsewhere: added to the bundle's candidates, so that the runs start with exactly those
    terms (:mod:`detente.simulate.in_force` takes the candidate nearest them)."""
    out: dict[str, FloatArray] = {}
    for a in scenario.agreements_in_force:
        point = sq.astype(np.float64).copy()
        for issue, value in in_force_terms(scenario, a).items():
            point[issues.index(issue)] = value
        out[a.bundle] = point
    return out


def build_agenda(
    scenario: Scenario,
    problem: BargainingProblem,
    actor_ids: tuple[str, ...],
    ideal: FloatArray,
    sal: FloatArray,
    weights: FloatArray,
    risk: FloatArray,
    lo: FloatArray,
    hi: FloatArray,
    settlement: tuple[FloatArray, FloatArray, BoolArray],
    offer_filter: Callable[[FloatArray, BoolArray, FloatArray], BoolArray],
    *,
    n_candidates: int,
    max_grid: int,
) -> Agenda:
    """Bundles, move sets and regime red lines (module docstring). ``settlement`` is the
    model's settlement candidates, their utilities and their mask under the stated red lines;
    ``offer_filter`` maps a bundle's utilities (K, A), its veto parties (A,) and its static
    values (A,) to the candidates its talks may table (the protocol's: every one unless its
    other veto parties see the terms before they are signed, ``SimModel.veto_floors``)."""
    results = bundle_results(scenario, problem)
    agreements: list[Agreement] = [r.agreement for r in results]
    order = sorted(range(len(agreements)), key=lambda j: agreements[j].id != "settlement")
    results = [results[j] for j in order]
    sq = problem.status_quo
    pidx = np.array([problem.index(a) for a in actor_ids])
    box = ZoneLP(problem)
    in_force = _in_force_points(scenario, list(problem.issues), sq)

    # move sets from the cheapest packages of closed bundles
    move_sets: list[MoveSet] = []
    points: list[FloatArray | None] = []
    for b, r in enumerate(results):
        pk = r.packages[0] if (not r.exists and r.packages) else None
        points.append(None if pk is None else np.where(np.isnan(pk.point), sq, pk.point))
        if pk is None:
            continue
        for ai, aid in enumerate(actor_ids):
            mv = [m for m in pk.moves if m.actor == aid]
            if not mv or len(move_sets) >= MAX_MOVE_SETS:
                continue
            ks = np.array([problem.issues.index(m.issue) for m in mv], dtype=np.int64)
            move_sets.append(
                MoveSet(
                    bundle=b,
                    actor=ai,
                    issues=ks,
                    stated=np.array([m.stated for m in mv]),
                    to=np.array([m.to for m in mv]),
                    is_min=np.array([m.bound == "min" for m in mv]),
                    base=problem.crossing_base[pidx[ai], ks].astype(np.float64),
                    point_k=-1,
                    lead=problem.leader_change[pidx[ai], ks].astype(np.float64),
                    ratified=ratification_gate(
                        scenario,
                        aid,
                        [problem.issues[k] for k in ks],
                        np.array([m.to for m in mv]),
                        np.array([m.bound == "min" for m in mv]),
                    ),
                    margin=ratification_gap(
                        scenario,
                        aid,
                        [problem.issues[k] for k in ks],
                        np.array([m.to for m in mv]),
                        np.array([m.bound == "min" for m in mv]),
                    ),
                )
            )
    n_r = 2 ** len(move_sets)
    reg_lo = np.broadcast_to(lo, (n_r, *lo.shape)).copy()
    reg_hi = np.broadcast_to(hi, (n_r, *hi.shape)).copy()
    for reg in range(n_r):
        for j, ms in enumerate(move_sets):
            if reg >> j & 1:
                for k, to, is_min in zip(ms.issues, ms.to, ms.is_min, strict=True):
                    if is_min:
                        reg_lo[reg, ms.actor, k] = min(reg_lo[reg, ms.actor, k], to)
                    else:
                        reg_hi[reg, ms.actor, k] = max(reg_hi[reg, ms.actor, k], to)
    all_lo, all_hi = reg_lo[-1].max(axis=0), reg_hi[-1].min(axis=0)

    specs: list[BundleSpec] = []
    fixed: list[MoveSet] = []
    for b, r in enumerate(results):
        ag = r.agreement
        settled = ag.settled
        extra = [x for x in (points[b],) if x is not None]
        if ag.id in in_force:  # the terms of an agreement in force at as_of are a candidate
            extra.append(in_force[ag.id])
        # the bundle's veto parties (an issue-specific veto only on bundles settling its issues)
        own = r.veto if r.veto.size else problem.veto
        vb = own[pidx] | (np.arange(pidx.size) < 2)
        box_b = box if np.array_equal(own, problem.veto) else ZoneLP(ag.veto_problem(problem))
        if b == 0:
            cand0, u0, _ = settlement
            cand = cand0
            if move_sets:
                wide = np.clip(_compromise(ideal, sal, settled, sq, n_candidates), all_lo, all_hi)
                cand = _append_new(_append_new(cand0, wide), np.array(extra).reshape(-1, sq.size))
            u = utility_arrays(ideal, weights, risk, cand)
            u[: u0.shape[0]] = u0
        else:
            grid = _grid(scenario, settled, sq, max_grid)
            if grid is not None:
                cand = grid
            else:
                curve = _compromise(ideal, sal, settled, sq, n_candidates)
                cand = np.where(settled, np.clip(curve, box_b.lo, box_b.hi), sq)
                if move_sets:
                    wide = np.where(settled, np.clip(curve, all_lo, all_hi), sq)
                    cand = _append_new(_append_new(cand[:1], cand[1:]), wide)
            if extra:
                cand = _append_new(cand, np.array(extra))
            vm = value_model(problem, ag)
            g = vm.value(settled_loss_many(problem, ag, cand))  # (K, m)
            u = g[:, pidx]
        feas = _feasible(cand, settled, reg_lo[:, vb], reg_hi[:, vb])
        if b == 0:
            if box.conflicts:  # as the stated-lines mask: conflicting lines close every package
                feas[0] = False
            feas[0, : settlement[2].size] &= settlement[2]
        static = np.full(len(actor_ids), np.nan)
        slope = np.zeros(len(actor_ids))
        if not ag.ceasefire:
            static = problem.reservation[pidx] + MIN_GAIN
            slope = belief_slope(problem, ag)[pidx]
        feas &= offer_filter(u, vb, static)[None, :]
        on = not r.linkage_blocked
        if not on:
            feas[:] = False
        # each belligerent's stake: its best feasible terms (any regime) over its value of no
        # agreement at the start (its value of fighting for a deal that stops the fighting)
        v0 = problem.reservation[pidx[:2]] if ag.ceasefire else static[:2]
        reach = feas.any(axis=0)
        top = u[reach][:, :2].max(axis=0) if reach.any() else v0
        horizon = concession_horizon(
            np.maximum(top - v0, 0.0),
            problem.cost_per_period[pidx[:2]] if problem.has_war else np.zeros(2),
            problem.discount[pidx[:2]],
            ceasefire=bool(ag.ceasefire),
        )
        horizon.flags.writeable = False  # read by every round of talks on the bundle
        specs.append(
            BundleSpec(
                id=ag.id,
                settled=settled.copy(),
                ceasefire=bool(ag.ceasefire),
                candidates=cand,
                utility=u,
                static_value=static,
                value_slope=slope,
                table=build_table(np.broadcast_to(u, (n_r, *u.shape)), feas),
                on_agenda=on,
                veto=vb,
                zone_open=bool(r.exists),
                horizon=horizon,
            )
        )
        point = points[b]
        if point is not None:
            hit = np.flatnonzero(np.all(np.abs(cand - point) < 1e-9, axis=1))
            for ms in move_sets:
                if ms.bundle == b:
                    fixed.append(_with_point(ms, int(hit[0]) if hit.size else -1))
    cum0 = problem.cumulative_cost[pidx].astype(np.float64)
    h_lo, h_hi = can_harden(
        reg_lo[:, :2],
        reg_hi[:, :2],
        ideal[None, :2],
        lo_open=reg_lo[:, :2] == lo[None, :2],
        hi_open=reg_hi[:, :2] == hi[None, :2],
    )
    c_lo, c_hi = commitment_targets(scenario, problem.issues, actor_ids[:2], ideal[:2], lo, hi)
    f_lo, f_hi = front_bounds(scenario, problem.issues, actor_ids, lo, hi)
    return Agenda(
        tuple(specs),
        tuple(fixed),
        reg_lo,
        reg_hi,
        cum0,
        problem.paid_cost[pidx].astype(np.float64),
        h_lo,
        h_hi,
        c_lo,
        c_hi,
        float(problem.p_a),
        f_lo,
        f_hi,
    )


def front_bounds(
    scenario: Scenario,
    issues: tuple[str, ...] | list[str],
    actor_ids: tuple[str, ...],
    lo: FloatArray,
    hi: FloatArray,
) -> tuple[BoolArray | None, BoolArray | None]:
    """(A, I) the stated minima (above 0) and maxima (below 100) of the positions that state
    ``at_front`` (the red line is the line of contact); ``(None, None)`` when none does. The
    ``positions`` step moves them with the front (:func:`detente.simulate.steps.positions.
    red_lines`)."""
    shape = (len(actor_ids), len(issues))
    f_lo, f_hi = np.zeros(shape, dtype=bool), np.zeros(shape, dtype=bool)
    for (aid, iid), pos in scenario.current_positions().items():
        if not pos.at_front or aid not in actor_ids or iid not in issues:
            continue
        a, k = actor_ids.index(aid), list(issues).index(iid)
        f_lo[a, k] = lo[a, k] > 0.0
        f_hi[a, k] = hi[a, k] < 100.0
    if not (f_lo.any() or f_hi.any()):
        return None, None
    return f_lo, f_hi


def concession_horizon(
    stake: FloatArray, cost: FloatArray, discount: FloatArray, *, ceasefire: bool
) -> FloatArray:
    """Each side's concession horizon on a bundle (periods): its stake over its cost of delay.

    A war of attrition lasts until holding out has cost what holding out could win: the
    persistence time of the symmetric war of attrition has mean ``V/c``, the prize over the
    cost of waiting per period (Maynard Smith 1974; Bishop & Cannings 1978), and delay grows
    with the stakes and falls with the costs of delay (Alesina & Drazen 1991); concessions
    follow the costs of disagreement (Cross 1965), and a conflict ripens as the stalemate hurts
    (Zartman 2000). A side's cost of delaying an agreement by one period is a period more of
    fighting, ``c_i``, when the agreement stops the fighting, plus the discounting of what is at
    stake, ``(1 − δ_i) · stake_i`` (Rubinstein 1982), so it concedes its stake over

    ``H_i = stake_i / (c_i · [cease-fire] + (1 − δ_i) · stake_i)``

    periods: ``stake_i / c_i`` at most (a period of fighting is conceded per period), and at
    most ``1 / (1 − δ_i)`` periods (200 weeks at δ = 0.995) when fighting goes on anyway.
    ``stake`` (2,): its best feasible terms less its value of no agreement (≥ 0); ``cost``
    (2,): its cost of fighting per period; ``discount`` (2,): δ. A side with nothing at stake
    concedes within a period (``H = 1``); one with no cost of delay never needs to
    (:data:`MAX_HORIZON`). No parameter of its own."""
    stake = np.asarray(stake, dtype=np.float64)
    if not np.all(np.isfinite(stake)):
        raise InputError(
            f"the concession horizon needs each side's stake (its best feasible terms less its "
            f"value of no agreement) to be a finite number; got {stake.tolist()}"
        )
    stake = np.maximum(stake, 0.0)
    fight = np.asarray(cost, dtype=np.float64) if ceasefire else np.zeros_like(stake)
    rate = np.maximum(fight, 0.0) + (1.0 - np.asarray(discount, dtype=np.float64)) * stake
    with np.errstate(divide="ignore", invalid="ignore"):
        h = np.where(rate > 0.0, stake / np.where(rate > 0.0, rate, 1.0), MAX_HORIZON)
    out: FloatArray = np.clip(np.where(stake > 0.0, h, 1.0), 1.0, MAX_HORIZON)
    return out


def talk_horizons(spec: BundleSpec, settings: SimulationSettings) -> FloatArray:
    """(2,) the concession horizons the talks on ``spec`` use: the scenario's
    ``simulation.concession_periods`` for both sides when it states one, else each side's
    :func:`concession_horizon` on the bundle (the bundle's own read-only array)."""
    if settings.concession_periods is not None:
        return np.full(2, float(settings.concession_periods))
    return spec.horizon


def commitment_targets(
    scenario: Scenario,
    issues: tuple[str, ...] | list[str],
    belligerents: tuple[str, ...],
    ideal: FloatArray,
    lo: FloatArray,
    hi: FloatArray,
) -> tuple[FloatArray, FloatArray]:
    """(2, I) each belligerent's public commitment (``Scenario.current_commitments``) beyond its
    stated minimum (a minimum stated above 0, committed above it) and beyond its stated maximum
    (below 100, committed below it), clipped to its ideal; NaN where there is none. The
    ``positions`` step pulls the lines toward them
    (:func:`~detente.bargaining.redlines.committed_bounds`)."""
    shape = (len(belligerents), len(issues))
    t_lo, t_hi = np.full(shape, np.nan), np.full(shape, np.nan)
    for (aid, iid), c in scenario.current_commitments().items():
        if aid not in belligerents or iid not in issues or c.ratification is not None:
            continue  # a ratification is a procedure, not a point: no pull
        a, k = belligerents.index(aid), list(issues).index(iid)
        x, level = float(ideal[a, k]), float(c.level)
        if 0.0 < lo[a, k] < min(level, x):
            t_lo[a, k] = min(level, x)
        if max(level, x) < hi[a, k] < 100.0:
            t_hi[a, k] = max(level, x)
    return t_lo, t_hi


def ratification_gate(
    scenario: Scenario,
    actor: str,
    issues: list[str],
    to: FloatArray,
    is_min: BoolArray,
) -> bool:
    """Whether the package that crosses ``actor``'s red lines on ``issues`` (to the values
    ``to``; ``is_min``: the line is a minimum) is inside its domestic win-set
    (:func:`detente.bargaining.redlines.ratified`): a line taken past the level of a public
    commitment that names a ``ratification`` needs the ratifiers' acceptance, the latest share
    dated on or before ``as_of`` above the commitment's majority; an unknown share does not
    block. True without such a commitment."""
    level, share, majority = _ratification_terms(scenario, actor, issues)
    return ratified(to, is_min, level, share, majority)


def ratification_gap(
    scenario: Scenario,
    actor: str,
    issues: list[str],
    to: FloatArray,
    is_min: BoolArray,
) -> float:
    """:func:`ratification_gate`'s package's margin to the win-set at ``as_of``
    (:func:`detente.bargaining.redlines.ratification_margin`: positive inside it, ``inf``
    where no line needs a ratification with a known share)."""
    level, share, majority = _ratification_terms(scenario, actor, issues)
    return ratification_margin(to, is_min, level, share, majority)


def _ratification_terms(
    scenario: Scenario, actor: str, issues: list[str]
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """(M,) each issue's ratification level (NaN: no such commitment), the ratifiers' share by
    ``as_of`` (NaN: unknown) and the majority needed."""
    current = scenario.current_commitments()
    as_of = scenario.meta.as_of
    level = np.full(len(issues), np.nan)
    share = np.full(len(issues), np.nan)
    majority = np.full(len(issues), 0.5)
    for n, iid in enumerate(issues):
        c = current.get((actor, iid))
        if c is None or c.ratification is None:
            continue
        level[n], majority[n] = float(c.level), float(c.majority)
        known = c.acceptance_share(as_of)
        if known is not None:
            share[n] = known
    return level, share, majority


def belief_slope(problem: BargainingProblem, ag: Agreement) -> FloatArray:
    """(m,) ``σ_i``: the change per unit of ``p = P(A prevails)`` of what a partial deal that
    leaves the fighting going on must give ``i`` (module docstring): of
    ``V_i(p) − g_i,p(ℓ_i(x_sq))``, the value of no agreement less the value of settling the
    bundle's issues at the status quo. Both are linear in ``p`` (the war lottery's weights
    are), so the slope is exact from the two ends of ``[0, 1 − s]``. Zero without a war
    model, for a cease-fire and where the reservation is stated (it does not follow beliefs).
    """
    m = problem.n_actors
    top = 1.0 - problem.stalemate
    if not problem.has_war or ag.ceasefire or top <= 1e-12:
        return np.zeros(m)
    sq_loss = settled_loss(problem, ag, problem.status_quo)

    def gap(p: float) -> FloatArray:
        pr = dataclasses.replace(problem, p_a=p)
        out: FloatArray = war_value(pr) - value_model(pr, ag).value(sq_loss)
        return out

    slope = (gap(top) - gap(0.0)) / top
    out: FloatArray = np.where(np.isnan(problem.stated_reservation), slope, 0.0)
    return out


def _with_point(ms: MoveSet, k: int) -> MoveSet:
    return dataclasses.replace(ms, point_k=k)


def settled_loss_many(problem: BargainingProblem, ag: Agreement, x: FloatArray) -> FloatArray:
    """:func:`~detente.bargaining.bundles.settled_loss` of each row of ``x`` (K, I) → (K, m)."""
    return loss_arrays(problem.ideal, problem.weights * ag.settled, x)
