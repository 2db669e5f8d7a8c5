"""The simulation's arrays, built once from a scenario (validated here, trusted inside).

Actors in talks are the two belligerents first (A, B as in ``war.belligerents``), then the
other veto actors with positions. Utility (0..1, 1 = every issue at the actor's ideal) is

    U_a(x) = 1 − (Σ_i w_ai · |x_i − ideal_ai| / 100)^r_a,

with ``w`` the saliences normalised over the actor's issues and ``r`` its risk exponent: the
bargaining engine's form (:mod:`detente.bargaining.utility`).

Candidate packages (``K``): when every issue has discrete ``options`` and their combinations
number at most :data:`MAX_GRID`, the talks choose among all combinations; otherwise among
:data:`N_CANDIDATES` packages on the compromise curve between the belligerents,
``x(θ)_i = (θ·s_Ai·ideal_Ai + (1−θ)·s_Bi·ideal_Bi) / (θ·s_Ai + (1−θ)·s_Bi)`` for θ on a grid
in [0, 1] (salience-weighted compromises, a first-order approximation of the Pareto frontier;
references §2), clipped issue by issue into the box the veto actors' red lines leave
(:class:`detente.bargaining.zone.ZoneLP`). ``cand_feasible`` is the bargaining engine's
red-line mask (:func:`detente.bargaining.utility.feasible`, every veto actor) and each
belligerent's own range: red lines are hard constraints in this version (the crossing-cost
rule of the "deals" issue replaces them later, reading ``RunState.leader_changed``).

Private information (Fearon 1995): each belligerent's cost of fighting and resolve are drawn
per run on a 3 × 3 grid of types, the three-point Gauss–Hermite rule of a log-normal with
spreads ``simulation.cost_spread`` and ``resolve_spread`` (nodes ``0, ±√3`` with weights
``2/3, 1/6, 1/6``: the grid has the distribution's mean and variance). A type's effective
cost per period is ``cost · q / ρ``.

The front (``Issue.front``): which issues the line of contact moves, their drift (drawn per
run from ``N(drift, drift_sd²)``) and volatility. The default is a contested issue that moves
without drift: the front's true balance is what the scenario states, not a ratio of
capabilities (capabilities set the parties' *beliefs*; see :mod:`detente.simulate.beliefs`).

Trust is held per side (A about B, B about A) on the four dimensions ``TRUST_DIMENSIONS`` as
Beta evidence ``(r, s)`` with base rate ``a``, starting from the one replayed trust state at
``meta.as_of`` (:func:`detente.trust.state.trust_state`: dated and undated priors and the
ledger, the same state ``detente trust --snapshot`` and ``analyze`` read).

Staged sanctions relief: the ``schedule`` of each attached ``staged_sanctions`` mechanism, as a
step function ``relief_step`` (cumulative share released after ``n`` periods of verified
compliance, capped at 1), for the sanctioned party: its ``beneficiary`` if a belligerent, else
both belligerents (the bargaining engine's convention).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from itertools import product
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from detente.bargaining.distrust import sucker_losses
from detente.bargaining.problem import BargainingProblem, build_problem, discounted_periods
from detente.bargaining.utility import feasible, risk_neutral, utility_arrays
from detente.bargaining.zone import ZoneLP
from detente.core import TRUST_DIMENSIONS
from detente.errors import InputError
from detente.scenario.dynamics import front_moves
from detente.scenario.schema import (
    MechanismKind,
    Scenario,
    ShockKind,
)
from detente.scenario.simulation import Protocol, SimulationSettings
from detente.scenario.validate import require_negotiation
from detente.simulate.agenda import Agenda, build_agenda
from detente.simulate.durability_covariates import DealDurability, deal_durability, spoiler_factions
from detente.simulate.in_force import StartDeals, start_deals
from detente.simulate.memory import BlockMemory
from detente.simulate.tables import TalkTable, build_table, linear_tables
from detente.simulate.terms import TermTable, model_terms
from detente.simulate.tracks import TrackTable, track_table
from detente.trust.opinion import DEFAULT_PRIOR_WEIGHT
from detente.trust.state import TrustState, trust_state

__all__ = [
    "MAX_GRID",
    "N_CANDIDATES",
    "TRUST_DIMENSIONS",
    "TRUST_PRIOR_WEIGHT",
    "SimModel",
    "build_model",
    "candidate_table",
    "candidate_utilities",
    "capability_r",
    "utility",
    "veto_floor",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

N_CANDIDATES = 101
"""Packages on the compromise curve."""
MAX_GRID = 4096
"""Largest number of option combinations the talks enumerate as candidates."""
TRUST_PRIOR_WEIGHT = DEFAULT_PRIOR_WEIGHT
"""Non-informative prior weight W of the Beta/subjective-logic trust opinion (the trust
engine's)."""
_NODES = (0.0, -math.sqrt(3.0), math.sqrt(3.0))
_NODE_WEIGHTS = (2.0 / 3.0, 1.0 / 6.0, 1.0 / 6.0)
SHOCK_KINDS = tuple(ShockKind)


def utility(ideal: FloatArray, weights: FloatArray, risk: FloatArray, x: FloatArray) -> FloatArray:
    """``U_a(x) = 1 − L_a(x)^r_a`` for packages ``x`` of shape (..., I): returns (..., A).

    The bargaining engine's :func:`detente.bargaining.utility.utility_arrays` (one
    implementation of the formula); ``weights`` may carry leading run axes: (..., A, I).
    """
    return utility_arrays(ideal, weights, risk, x)


def candidate_utilities(m: SimModel, weights: FloatArray) -> FloatArray:
    """Utilities (N, K, A) of the model's candidates under per-run weights (N, A, I): one
    compiled pass over (runs, candidates) (:func:`detente.bargaining.utility.utility_arrays`)."""
    return utility_arrays(m.ideal, weights[:, None], m.risk, m.candidates[None])


def candidate_table(
    m: SimModel, weights: FloatArray, memory: BlockMemory | None = None
) -> TalkTable:
    """The talks' per-run tables of the model's candidates under per-run weights (N, A, I):
    ``build_table(candidate_utilities(m, weights), feasible)``, the same arrays; with every
    actor risk-neutral (no pow pass), each chunk of runs' utilities computed and packed into
    the tables' sort keys in one compiled pass (:func:`detente.simulate.tables.linear_tables`).
    ``memory``: the block's work memory the tables are taken from
    (:mod:`detente.simulate.memory`; None: fresh arrays)."""
    n, k = weights.shape[0], m.table.size
    feas = np.broadcast_to(m.table.feasible[0], (n, k))
    if n > 1 and risk_neutral(m.risk):
        return linear_tables(m.ideal, weights, m.candidates, feas, memory)
    return build_table(candidate_utilities(m, weights), feas, memory)


@dataclass(frozen=True)
class SimModel:
    """Everything the period steps need, as arrays (A actors in talks, I issues, K candidates)."""

    actor_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    ideal: FloatArray  # (A, I)
    weights: FloatArray  # (A, I)
    risk: FloatArray  # (A,)
    lo: FloatArray  # (A, I) red lines
    hi: FloatArray  # (A, I)
    reservation: FloatArray  # (A,) stated reservation utility, NaN = from the war model
    veto_floors: FloatArray  # (B, A) what a bundle's other veto parties need (veto_floor: the
    # analysis' value of no agreement), -inf: not asked
    veto_asks: BoolArray  # (B,) a bundle asks some veto party beyond the belligerents
    status_quo: FloatArray  # (I,)
    contested: BoolArray  # (I,)
    direction: FloatArray  # (I,) +1 if A winning moves the line up, -1 down, 0 if not contested
    front_moves: BoolArray  # (I,) the line of contact moves it
    front_drift: FloatArray  # (I,) expected drift per period (scale points, + = up)
    front_drift_sd: FloatArray  # (I,)
    front_volatility: FloatArray  # (I,)
    victory: FloatArray  # (2, I) terms imposed by A, by B
    capability: FloatArray  # (2,) own capability of A, B
    support_owner: IntArray  # (L,) 0 = A, 1 = B
    support_capability: FloatArray  # (L,)
    support_relief: FloatArray  # (L,)
    support_level: FloatArray  # (L,)
    support_response: FloatArray  # (L,)
    support_ids: tuple[str, ...]
    p_fixed: float | None
    exponent: float
    stalemate: float
    horizon: int
    cost: FloatArray  # (2,) stated per-period cost of fighting of A, B
    discount: FloatArray  # (2,)
    horizon_factor: FloatArray  # (2,) discounted periods of fighting left, Σ_{t<H} δ^t
    truce_shift: float
    implementation: int  # periods over which rearmament accrues
    period_years: float
    type_cost: FloatArray  # (T,) cost multiplier q of each private type
    type_resolve: FloatArray  # (T,) resolve ρ of each private type
    type_prior: FloatArray  # (T,) common prior over types
    candidates: FloatArray  # (K, I)
    cand_utility: FloatArray  # (K, A)
    cand_feasible: BoolArray  # (K,) inside every veto actor's and belligerent's red lines
    table: TalkTable  # the settlement's candidates as the talks search them (one row per regime)
    trust_r: FloatArray  # (2, D) positive evidence: A about B, B about A, per dimension
    trust_s: FloatArray  # (2, D)
    trust_base: FloatArray  # (2, D)
    trust_start: TrustState  # every pair's replayed trust at as_of (reported as trust_start)
    strategies: tuple[str, str]  # opening strategies of A, B
    strategy_pool: tuple[str, ...]  # every strategy a side may follow in a run (shocks)
    faction_parent: IntArray  # (F,) 0 = A, 1 = B
    faction_control: FloatArray  # (F,)
    faction_strength: FloatArray  # (F,) capability / the parent's, capped at 1
    faction_ideal: FloatArray  # (F, I)
    faction_weights: FloatArray  # (F, I)
    has_factions: BoolArray  # (2,) A, B has a faction that can spoil
    relief_step: FloatArray  # (S,) sanctions relief released after n verified periods
    sanctioned: BoolArray  # (2,) A, B is the party under staged sanctions
    durability: tuple[DealDurability, ...]  # per bundle: breakdown-hazard covariates
    detection: float
    sucker_loss: FloatArray  # (2,) L of A, B: the analysis' sucker's loss (_sucker_loss)
    settlement_after: int
    protocol: Protocol
    bundle_ids: tuple[str, ...]  # agreements a run can reach: the settlement first
    agenda: Agenda  # bundles' candidates and tables, move sets, regime red lines
    red_line_paths: tuple[tuple[str, int, int, bool], ...]  # (variable, actor, issue, is_min)
    shock_ids: tuple[str, ...]
    shock_kind: IntArray  # (S,) index into SHOCK_KINDS
    shock_side: IntArray  # (S,) 0 = A, 1 = B
    shock_period: IntArray  # (S,) scheduled period, -1 = by hazard
    shock_hazard: FloatArray  # (S,) probability per period (0 if scheduled)
    shock_resolve: FloatArray  # (S,) multiplier (1 = none)
    shock_cost: FloatArray  # (S,) multiplier (1 = none)
    shock_trust_reset: FloatArray  # (S,) share of evidence discarded (0 = none)
    shock_strategy: IntArray  # (S,) index into strategy_pool, -1 = unchanged
    shock_support: IntArray  # (S,) support line index, -1 = none
    shock_level: FloatArray  # (S,) new level of that line
    shock_balance: FloatArray  # (S,) change of A's chance of winning a battle
    settings: SimulationSettings
    tracks: TrackTable | None = None  # when each track meets and what it settles (issue 18)
    in_force: StartDeals | None = None  # agreements in force at as_of (simulate.in_force)
    terms: TermTable | None = None  # fixed terms of agreements (simulate.terms; None: none)

    @property
    def n_types(self) -> int:
        """Private types per belligerent."""
        return int(self.type_cost.size)

    @cached_property
    def r_start(self) -> float:
        """A's chance of winning a battle implied by capabilities at ``meta.as_of``."""
        return float(capability_r(self, self.support_level[None, :])[0])

    @cached_property
    def faction_utility(self) -> tuple[FloatArray, ...]:
        """Per bundle, (K, F) each faction's utility of the bundle's candidates, tabulated
        once: the implement step looks up the terms in force (the same numbers as computing
        them from the terms' packages, row by row)."""
        n_f = self.faction_control.size
        return tuple(
            utility(
                self.faction_ideal,
                self.faction_weights,
                np.ones(n_f),
                self.candidates if b == 0 else spec.candidates,
            )
            for b, spec in enumerate(self.agenda.bundles)
        )


def capability_r(m: SimModel, level: FloatArray) -> FloatArray:
    """A's chance of winning a battle implied by capabilities (own plus allies' support ×
    level), ``c_A^k / (c_A^k + c_B^k)``, or ``war.p / (1 − s)`` when ``p`` is given: (N,)."""
    n = level.shape[0]
    if m.p_fixed is not None:
        decisive = 1.0 - m.stalemate
        return np.full(n, m.p_fixed / decisive if decisive > 1e-12 else 0.5)
    if not m.support_owner.size:  # no allies: the same ratio in every run
        return np.full(n, _own_r(m)[0])
    cap = np.broadcast_to(m.capability, (n, 2)).copy()
    add = level * m.support_capability
    for side in (0, 1):
        cap[:, side] += add[:, m.support_owner == side].sum(axis=1)
    ck = np.maximum(cap, 1e-12) ** m.exponent
    out: FloatArray = ck[:, 0] / (ck[:, 0] + ck[:, 1])
    return out


def _own_r(m: SimModel) -> FloatArray:
    """(1,) A's chance of winning a battle from the belligerents' own capabilities."""
    ck = np.maximum(m.capability[None, :], 1e-12) ** m.exponent
    out: FloatArray = ck[:, 0] / (ck[:, 0] + ck[:, 1])
    return out


def _types(cost_spread: float, resolve_spread: float) -> tuple[FloatArray, FloatArray, FloatArray]:
    """The 3 × 3 grid of private types: (cost multiplier, resolve, prior weight); a single
    type when there is no private information (both spreads 0)."""
    if cost_spread == 0.0 and resolve_spread == 0.0:
        return np.ones(1), np.ones(1), np.ones(1)
    q, rho, w = [], [], []
    for (zc, wc), (zr, wr) in product(zip(_NODES, _NODE_WEIGHTS, strict=True), repeat=2):
        q.append(math.exp(cost_spread * zc - cost_spread**2 / 2.0))
        rho.append(math.exp(resolve_spread * zr - resolve_spread**2 / 2.0))
        w.append(wc * wr)
    return np.array(q), np.array(rho), np.array(w)


def _candidates(scenario: Scenario, ideal: FloatArray, sal: FloatArray) -> FloatArray:
    """All option combinations if small enough, else the compromise curve (module doc)."""
    issues = scenario.issues
    if all(i.options for i in issues):
        size = math.prod(len(i.options) for i in issues)
        if size <= MAX_GRID:
            grids = np.meshgrid(*[[o.value for o in i.options] for i in issues], indexing="ij")
            return np.stack([g.ravel() for g in grids], axis=1).astype(np.float64)
    theta = np.linspace(0.0, 1.0, N_CANDIDATES)[:, None]
    sa, sb = np.maximum(sal[0], 1e-9), np.maximum(sal[1], 1e-9)
    cand: FloatArray = (theta * sa * ideal[0] + (1 - theta) * sb * ideal[1]) / (
        theta * sa + (1 - theta) * sb
    )
    return cand


def veto_floor(no_deal: FloatArray, veto: BoolArray, static: FloatArray) -> FloatArray:
    """(A,) what each veto party of a bundle beyond the belligerents needs from its terms to
    accept them, ``-inf`` for the actors not asked: the belligerents (their own acceptance
    rule) and the parties whose veto does not cover the bundle (``veto``: its veto parties,
    ``Agreement.veto_parties``, the analysis' one rule). The need is the value the analysis'
    zone (``bargaining.packages.bundle_zone``) gives the party's no agreement: during a war no
    agreement means the war goes on, so it is ``no_deal``, the analysis' reservation
    (``BargainingProblem.reservation``, ``bargaining.war.reservation_from_arrays``: the war
    model's V, a stated reservation overriding it), for a non-fighting veto party too; for a
    partial deal that does not stop the fighting the bundle's ``static`` value (the same
    reservation + ``MIN_GAIN``, as the analysis' thresholds add it). The analysis' thresholds
    also add what distrust of the counterparts costs; the simulation models distrust in its
    own dynamics, for the belligerents only, so the floor here is the value of no agreement."""
    asked = veto.copy()
    asked[:2] = False
    out: FloatArray = np.where(asked, np.where(np.isnan(static), no_deal, static), -np.inf)
    return out


def build_model(scenario: Scenario) -> SimModel:
    """Validate what the simulation needs and build its arrays (InputError if lacking)."""
    war = scenario.war
    if war is None:
        raise InputError("scenario has no `war` section: a simulation needs the war model")
    require_negotiation(scenario)  # the same refusals as `analyze` (scenario/validate.py)
    settings = scenario.simulation or SimulationSettings()
    a_id, b_id = war.belligerents
    pos = scenario.current_positions()
    issues = scenario.issues
    issue_ids = tuple(i.id for i in issues)
    n_i = len(issues)
    others = [
        a.id
        for a in scenario.actors
        if a.veto and a.id not in (a_id, b_id) and any((a.id, i) in pos for i in issue_ids)
    ]
    actor_ids = (a_id, b_id, *others)
    n_a = len(actor_ids)
    sq = np.array([i.status_quo for i in issues], dtype=np.float64)
    ideal = np.tile(sq, (n_a, 1))
    sal = np.zeros((n_a, n_i))
    lo = np.zeros((n_a, n_i))
    hi = np.full((n_a, n_i), 100.0)
    for ai, aid in enumerate(actor_ids):
        for ii, iid in enumerate(issue_ids):
            p = pos.get((aid, iid))
            if p is None:
                continue
            ideal[ai, ii] = p.ideal
            sal[ai, ii] = p.salience
            if p.acceptable is not None:
                lo[ai, ii], hi[ai, ii] = p.acceptable
    for ai in range(2):
        if sal[ai].sum() <= 0:
            raise InputError(
                f"belligerent {actor_ids[ai]!r} has no position with positive salience: "
                "a simulation needs both sides' positions"
            )
    weights = sal / np.maximum(sal.sum(axis=1, keepdims=True), 1e-12)
    actors = [scenario.actor(a) for a in actor_ids]
    rl_paths: list[tuple[str, int, int, bool]] = []
    for ai, act in enumerate(actors):
        for ii, iid in enumerate(issue_ids):
            p = pos.get((act.id, iid))
            if act.veto and p is not None and p.acceptable is not None:
                rl_paths.append((f"redline.{act.id}.{iid}.min", ai, ii, True))
                rl_paths.append((f"redline.{act.id}.{iid}.max", ai, ii, False))
    risk = np.array([a.risk for a in actors])
    reservation = np.array([np.nan if a.reservation is None else a.reservation for a in actors])

    victory = np.vstack([ideal[0], ideal[1]]).copy()
    for side, bid in enumerate((a_id, b_id)):
        for iid, v in war.victory_terms.get(bid, {}).items():
            if iid in issue_ids:
                victory[side, issue_ids.index(iid)] = v
    contested = np.array([i.contested for i in issues])
    direction = np.where(contested, np.sign(victory[0] - victory[1]), 0.0)
    moves = np.array([front_moves(i) for i in issues])
    for i in issues:
        if i.front is not None and i.front.moves and not i.contested:
            raise InputError(
                f"issue {i.id!r}: `front.moves` needs `contested: true` (the war must decide it)"
            )
    moves &= direction != 0.0
    drift = np.array([i.front.drift if i.front else 0.0 for i in issues])
    drift_sd = np.array([i.front.drift_sd if i.front else 0.0 for i in issues])
    vol = np.array(
        [
            i.front.volatility
            if i.front is not None and i.front.volatility is not None
            else war.line_volatility
            for i in issues
        ]
    )

    bel = [scenario.actor(a_id), scenario.actor(b_id)]
    owner, scap, srel, slev, sresp, sids = [], [], [], [], [], []
    for side, act in enumerate(bel):
        for s in act.support:
            owner.append(side)
            scap.append(s.capability)
            srel.append(s.cost_relief)
            slev.append(s.level)
            sresp.append(s.responsiveness)
            sids.append(f"{act.id}.{s.id}")

    cand = _candidates(scenario, ideal, sal)
    problem = build_problem(scenario)
    box = ZoneLP(problem)  # the veto actors' red-line box (conflicting issues left free)
    cand = np.clip(cand, box.lo, box.hi)
    cand_u = utility(ideal, weights, risk, cand)
    cand_ok = np.all((cand[:, None, :] >= lo - 1e-9) & (cand[:, None, :] <= hi + 1e-9), axis=2)
    cand_feasible = feasible(problem, cand) & cand_ok[:, :2].all(axis=1)
    if box.conflicts:
        cand_feasible[:] = False
    protocol = Protocol(settings.protocol)
    # each actor's value of no agreement as the analysis' zone reads it (veto_floor)
    no_deal = problem.reservation[[problem.index(a) for a in actor_ids]].astype(np.float64)

    def offer_filter(u: FloatArray, veto: BoolArray, static: FloatArray) -> BoolArray:
        # a bundle's other veto parties must accept its terms under every protocol (the talks
        # check it, protocols._others1); where they see the terms before signature the talks
        # table only terms they accept (multilateral: positions public; single_text: the
        # mediator's text clears them); under alternating they ratify what A and B agree
        floor = veto_floor(no_deal, veto, static)
        asked = np.isfinite(floor)
        if protocol is Protocol.alternating or not asked.any():
            return np.ones(u.shape[0], dtype=bool)
        return np.asarray((u[:, asked] >= floor[asked] - 1e-9).all(axis=1), dtype=bool)

    agenda = build_agenda(
        scenario,
        problem,
        actor_ids,
        ideal,
        sal,
        weights,
        risk,
        lo,
        hi,
        (cand, cand_u, cand_feasible),
        offer_filter,
        n_candidates=N_CANDIDATES,
        max_grid=MAX_GRID,
    )
    settle = agenda.bundles[0]
    cand, cand_u, table = settle.candidates, settle.utility, settle.table
    cand_feasible = table.feasible[0].copy()
    veto_floors = np.stack([veto_floor(no_deal, b.veto, b.static_value) for b in agenda.bundles])

    start = trust_state(scenario, scenario.meta.as_of)  # the one trust state (trust/state.py)
    pairs = [start.pair_arrays(a_id, b_id), start.pair_arrays(b_id, a_id)]
    trust_r = np.stack([p[0] for p in pairs])
    trust_s = np.stack([p[1] for p in pairs])
    trust_a = np.stack([p[2] for p in pairs])

    f_parent, f_control, f_ideal, f_w = [], [], [], []
    for act in scenario.actors:
        if act.kind.value == "faction" and act.parent in (a_id, b_id):
            side = 0 if act.parent == a_id else 1
            fi = ideal[side].copy()
            fs = sal[side].copy()
            for ii, iid in enumerate(issue_ids):
                p = pos.get((act.id, iid))
                if p is not None:
                    fi[ii], fs[ii] = p.ideal, p.salience
            f_parent.append(side)
            f_control.append(act.control if act.control is not None else 0.5)
            f_ideal.append(fi)
            f_w.append(fs / max(fs.sum(), 1e-12))

    mech = {m.id: m for m in scenario.mechanisms}
    detection, loss_mult, delay = settings.detection, 1.0, 13
    delays = []
    steps: list[tuple[int, float]] = []
    sanctioned = np.zeros(2, dtype=bool)
    for mid in settings.mechanisms:
        if mid not in mech:
            raise InputError(f"simulation.mechanisms: unknown mechanism id {mid!r}")
        m = mech[mid]
        if m.detection is not None:
            detection = max(detection, m.detection)
        if m.loss_if_cheated is not None and m.kind in _LOSS_KINDS:
            loss_mult *= m.loss_if_cheated
        if m.delay_periods is not None:
            delays.append(m.delay_periods)
        if m.kind is MechanismKind.staged_sanctions and m.schedule:
            steps += [(s.after_periods, s.fraction) for s in m.schedule]
            if m.beneficiary in (a_id, b_id):
                sanctioned[0 if m.beneficiary == a_id else 1] = True
            else:
                sanctioned[:] = True
    if delays:
        delay = max(delays)
    if settings.settlement_after is not None:
        delay = settings.settlement_after

    last = max((a for a, _ in steps), default=-1)
    relief_step = np.zeros(last + 1)
    for after, frac in steps:
        relief_step[after:] += frac
    relief_step = np.minimum(relief_step, 1.0)

    known = {a.id for a in scenario.actors}
    for aid in settings.strategies:
        if aid not in known:
            raise InputError(f"simulation.strategies: unknown actor id {aid!r}")
    names = (
        str(settings.strategies.get(a_id, "linear")),
        str(settings.strategies.get(b_id, "linear")),
    )
    pool = list(dict.fromkeys(names))
    period_days = war.period.days
    period_years = period_days / 365.25
    sh = _shocks(scenario, (a_id, b_id), sids, pool, period_days, period_years)

    q, rho, w = _types(settings.cost_spread, settings.resolve_spread)
    discount = np.array([bel[0].discount, bel[1].discount])
    return SimModel(
        actor_ids=actor_ids,
        issue_ids=issue_ids,
        ideal=ideal,
        weights=weights,
        risk=risk,
        lo=lo,
        hi=hi,
        reservation=reservation,
        veto_floors=veto_floors,
        veto_asks=np.asarray(np.isfinite(veto_floors).any(axis=1), dtype=bool),
        status_quo=sq,
        contested=contested,
        direction=direction,
        front_moves=moves,
        front_drift=np.where(moves, drift, 0.0),
        front_drift_sd=np.where(moves, drift_sd, 0.0),
        front_volatility=np.where(moves, vol, 0.0),
        victory=victory,
        capability=np.array([bel[0].capability, bel[1].capability]),
        support_owner=np.array(owner, dtype=np.int64),
        support_capability=np.array(scap, dtype=np.float64),
        support_relief=np.array(srel, dtype=np.float64),
        support_level=np.array(slev, dtype=np.float64),
        support_response=np.array(sresp, dtype=np.float64),
        support_ids=tuple(sids),
        p_fixed=war.p,
        exponent=war.capability_exponent,
        stalemate=war.stalemate,
        horizon=war.horizon_periods,
        cost=np.array([bel[0].cost_of_fighting, bel[1].cost_of_fighting]),
        discount=discount,
        horizon_factor=np.asarray(discounted_periods(discount, war.horizon_periods)),
        truce_shift=war.truce_power_shift,
        implementation=war.implementation_periods,
        period_years=period_years,
        type_cost=q,
        type_resolve=rho,
        type_prior=w,
        candidates=cand,
        cand_utility=cand_u,
        cand_feasible=cand_feasible,
        table=table,
        trust_r=trust_r,
        trust_s=trust_s,
        trust_base=trust_a,
        trust_start=start,
        strategies=names,
        strategy_pool=tuple(pool),
        faction_parent=np.array(f_parent, dtype=np.int64),
        faction_control=np.array(f_control, dtype=np.float64),
        faction_strength=np.array(
            [st for _, _, st, _ in spoiler_factions(scenario)], dtype=np.float64
        ),
        faction_ideal=np.array(f_ideal, dtype=np.float64).reshape(-1, n_i),
        faction_weights=np.array(f_w, dtype=np.float64).reshape(-1, n_i),
        has_factions=np.array([side in f_parent for side in (0, 1)]),
        relief_step=relief_step,
        sanctioned=sanctioned,
        durability=tuple(
            deal_durability(scenario, tuple(settings.mechanisms), bundle=b.id)
            for b in agenda.bundles
        ),
        detection=detection,
        sucker_loss=_sucker_loss(scenario, problem, settings, (a_id, b_id), loss_mult),
        settlement_after=delay,
        protocol=protocol,
        bundle_ids=tuple(b.id for b in agenda.bundles),
        agenda=agenda,
        tracks=track_table(
            scenario, tuple(b.id for b in agenda.bundles), settings.talks_every, period_days
        ),
        red_line_paths=tuple(rl_paths),
        in_force=start_deals(scenario, agenda, period_days),
        terms=model_terms(scenario, tuple(b.id for b in agenda.bundles), period_days),
        settings=settings,
        shock_ids=sh.ids,
        shock_kind=sh.kind,
        shock_side=sh.side,
        shock_period=sh.period,
        shock_hazard=sh.hazard,
        shock_resolve=sh.resolve,
        shock_cost=sh.cost,
        shock_trust_reset=sh.trust_reset,
        shock_strategy=sh.strategy,
        shock_support=sh.support,
        shock_level=sh.level,
        shock_balance=sh.balance,
    )


_LOSS_KINDS = frozenset({MechanismKind.peacekeepers, MechanismKind.dmz})
"""Mechanism kinds whose ``loss_if_cheated`` scales the sucker's loss (the scenario format's
rule, and the analysis': ``bargaining.distrust``)."""


def _sucker_loss(
    scenario: Scenario,
    problem: BargainingProblem,
    settings: SimulationSettings,
    belligerents: tuple[str, str],
    loss_mult: float,
) -> FloatArray:
    """(2,) the sucker's loss L of A and B in a cease-fire deal: what a side loses against
    fighting on if it complies and the other cheats. By default the analysis' rule
    (:func:`detente.bargaining.distrust.sucker_losses`: the drop in its value of fighting when
    the other side uses the pause to rearm by ``war.truce_power_shift``, as the mechanisms in
    ``simulation.mechanisms`` scale it, plus their costs); an explicit
    ``simulation.sucker_loss`` overrides it for both sides (scaled by the mechanisms'
    ``loss_if_cheated``). The talks weigh it by each run's distrust of intentions."""
    if settings.sucker_loss is not None:
        return np.full(2, settings.sucker_loss * loss_mult)
    losses = sucker_losses(problem, scenario, settings.mechanisms)
    at = {a: i for i, a in enumerate(problem.actors)}
    return np.array([float(losses[at[a]]) if a in at else 0.0 for a in belligerents])


class _Shocks(NamedTuple):
    ids: tuple[str, ...]
    kind: IntArray
    side: IntArray
    period: IntArray
    hazard: FloatArray
    resolve: FloatArray
    cost: FloatArray
    trust_reset: FloatArray
    strategy: IntArray
    support: IntArray
    level: FloatArray
    balance: FloatArray


def _shocks(
    scenario: Scenario,
    belligerents: tuple[str, str],
    support_ids: list[str],
    pool: list[str],
    period_days: float,
    period_years: float,
) -> _Shocks:
    """The scenario's shocks as arrays (``pool`` gains the strategies they switch to)."""
    ids, kind, side, when, haz = [], [], [], [], []
    res, cost, reset, strat, line, level, bal = [], [], [], [], [], [], []
    as_of = scenario.meta.as_of
    for s in scenario.shocks:
        if s.actor not in belligerents:
            raise InputError(f"shock {s.id!r}: actor {s.actor!r} is not a belligerent")
        ids.append(s.id)
        kind.append(SHOCK_KINDS.index(s.kind))
        side.append(belligerents.index(s.actor))
        if s.date is not None:
            when.append(max(int((s.date - as_of).days // period_days), 0))
            haz.append(0.0)
        else:
            when.append(-1)
            haz.append(-math.expm1(math.log1p(-min(s.hazard or 0.0, 1.0 - 1e-12)) * period_years))
        res.append(s.resolve if s.resolve is not None else 1.0)
        cost.append(s.cost_of_fighting if s.cost_of_fighting is not None else 1.0)
        reset.append(s.trust_reset or 0.0)
        if s.strategy is not None:
            if str(s.strategy) not in pool:
                pool.append(str(s.strategy))
            strat.append(pool.index(str(s.strategy)))
        else:
            strat.append(-1)
        if s.support is not None:
            key = f"{s.actor}.{s.support}"
            if key not in support_ids:
                raise InputError(f"shock {s.id!r}: unknown support line {s.support!r}")
            line.append(support_ids.index(key))
        else:
            line.append(-1)
        level.append(s.level if s.level is not None else 0.0)
        bal.append(s.balance or 0.0)
    return _Shocks(
        ids=tuple(ids),
        kind=np.array(kind, dtype=np.int64),
        side=np.array(side, dtype=np.int64),
        period=np.array(when, dtype=np.int64),
        hazard=np.array(haz, dtype=np.float64),
        resolve=np.array(res, dtype=np.float64),
        cost=np.array(cost, dtype=np.float64),
        trust_reset=np.array(reset, dtype=np.float64),
        strategy=np.array(strat, dtype=np.int64),
        support=np.array(line, dtype=np.int64),
        level=np.array(level, dtype=np.float64),
        balance=np.array(bal, dtype=np.float64),
    )
