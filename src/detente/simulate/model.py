"""The arrays a simulation runs on, built once from a scenario (validated at this edge).

Actors in talks are the two belligerents first (A, B as in ``war.belligerents``), then the
other veto actors with positions. Utility (0..1, 1 = every issue at the actor's ideal) is

    U_a(x) = 1 − (Σ_i w_ai · |x_i − ideal_ai| / 100)^r_a,

with ``w`` the saliences normalised over the actor's issues and ``r`` its risk exponent: the
bargaining engine's form (:mod:`detente.bargaining.utility`).

Candidate packages: the talks choose among ``K`` packages on the compromise curve between
the belligerents, ``x(θ)_i = (θ·s_Ai·ideal_Ai + (1−θ)·s_Bi·ideal_Bi) / (θ·s_Ai + (1−θ)·s_Bi)``
for θ on a grid in [0, 1]: salience-weighted compromises, which trade issues by how much each
side cares (a first-order approximation of the Pareto frontier; references §2, compromise
model). θ = 1 is A's ideal, θ = 0 B's. Utilities of all candidates are computed once, so a
round of talks is a table look-up per run.

Red lines are hard constraints. The curve is clipped, issue by issue, into the box the veto
actors' ``acceptable`` ranges leave (the bargaining zone's box, :class:`detente.bargaining.zone.
ZoneLP`), which keeps both belligerents' utilities monotone along it; ``cand_feasible`` is then
the bargaining engine's red-line mask (:func:`detente.bargaining.utility.feasible`, every veto
actor) and each belligerent's own range. The engine never offers, nor accepts, a candidate
outside it; when the veto actors' red lines conflict on some issue the mask is empty and no
agreement is possible.

Trust is held per side (A about B, B about A) on the four dimensions ``TRUST_DIMENSIONS`` as
Beta evidence ``(r, s)`` with base rate ``a``, from the scenario's trust priors.

Staged sanctions relief: the ``schedule`` of each attached ``staged_sanctions`` mechanism, as a
step function ``relief_step`` (cumulative share released after ``n`` periods of verified
compliance, capped at 1), for the sanctioned party: its ``beneficiary`` if a belligerent, else
both belligerents (the bargaining engine's convention).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from detente.bargaining.problem import build_problem
from detente.bargaining.utility import feasible
from detente.bargaining.zone import ZoneLP
from detente.core import TRUST_DIMENSIONS
from detente.errors import InputError
from detente.scenario.schema import Evidence, ExpectedTrust, MechanismKind, Scenario, TrustValue
from detente.scenario.simulation import SimulationSettings
from detente.scenario.validate import require_negotiation
from detente.simulate.durability import PEACEKEEPER_HR

__all__ = ["N_CANDIDATES", "TRUST_DIMENSIONS", "SimModel", "build_model", "utility"]

FloatArray = NDArray[np.float64]
N_CANDIDATES = 101
TRUST_PRIOR_WEIGHT = 2.0
"""Non-informative prior weight W of the Beta/subjective-logic trust opinion."""


def utility(ideal: FloatArray, weights: FloatArray, risk: FloatArray, x: FloatArray) -> FloatArray:
    """``U_a(x) = 1 − L_a(x)^r_a`` for packages ``x`` of shape (..., I): returns (..., A).

    The formula of :func:`detente.bargaining.utility.utility`, restated on bare arrays because
    the period loop evaluates it on per-run lines without building a ``BargainingProblem``
    each period; ``tests/simulate/test_model.py`` checks the two agree.
    """
    d = np.abs(x[..., None, :] - ideal) / 100.0
    loss = np.clip((weights * d).sum(axis=-1), 0.0, 1.0)
    out: FloatArray = 1.0 - loss**risk
    return out


@dataclass(frozen=True)
class SimModel:
    """Everything the period loop needs, as arrays (A actors in talks, I issues, K candidates)."""

    actor_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    ideal: FloatArray  # (A, I)
    weights: FloatArray  # (A, I)
    risk: FloatArray  # (A,)
    lo: FloatArray  # (A, I) red lines
    hi: FloatArray  # (A, I)
    reservation: FloatArray  # (A,) stated reservation utility, NaN = from the war model
    status_quo: FloatArray  # (I,)
    contested: NDArray[np.bool_]  # (I,)
    direction: FloatArray  # (I,) +1 if A winning moves the line up, -1 down, 0 if not contested
    victory: FloatArray  # (2, I) terms imposed by A, by B
    capability: FloatArray  # (2,) own capability of A, B
    support_owner: NDArray[np.int64]  # (L,) 0 = A, 1 = B
    support_capability: FloatArray  # (L,)
    support_relief: FloatArray  # (L,)
    support_level: FloatArray  # (L,)
    support_response: FloatArray  # (L,)
    support_ids: tuple[str, ...]
    p_fixed: float | None
    exponent: float
    stalemate: float
    horizon: int
    volatility: float
    cost: FloatArray  # (2,) per-period cost of fighting of A, B
    discount: FloatArray  # (2,)
    truce_shift: float
    implementation: int  # periods over which rearmament accrues
    period_years: float
    candidates: FloatArray  # (K, I)
    cand_utility: FloatArray  # (K, A)
    cand_ok: NDArray[np.bool_]  # (K, A) inside the actor's red lines
    cand_feasible: NDArray[np.bool_]  # (K,) inside every veto actor's and belligerent's
    trust_r: FloatArray  # (2, D) positive evidence: A about B, B about A, per dimension
    trust_s: FloatArray  # (2, D)
    trust_base: FloatArray  # (2, D)
    strategies: tuple[str, str]
    faction_parent: NDArray[np.int64]  # (F,) 0 = A, 1 = B
    faction_control: FloatArray  # (F,)
    faction_ideal: FloatArray  # (F, I)
    faction_weights: FloatArray  # (F, I)
    has_factions: NDArray[np.bool_]  # (2,) A, B has a faction that can spoil
    relief_step: FloatArray  # (S,) sanctions relief released after n verified periods
    sanctioned: NDArray[np.bool_]  # (2,) A, B is the party under staged sanctions
    hazard_ratio: float  # product of the attached mechanisms' hazard ratios
    detection: float
    sucker_loss: float
    settlement_after: int
    settings: SimulationSettings


def _opinion(value: TrustValue | None) -> tuple[float, float, float]:
    """(r, s, a) evidence of a trust prior; none = no evidence, base rate 0.5."""
    if value is None:
        return 0.0, 0.0, 0.5
    if isinstance(value, Evidence):
        return value.positive, value.negative, value.base_rate
    assert isinstance(value, ExpectedTrust)
    u = max(1.0 - value.confidence, 1e-6)
    b = max(value.expected - value.base_rate * u, 0.0)
    d = max(1.0 - b - u, 0.0)
    return TRUST_PRIOR_WEIGHT * b / u, TRUST_PRIOR_WEIGHT * d / u, value.base_rate


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
    risk = np.array([a.risk for a in actors])
    reservation = np.array([np.nan if a.reservation is None else a.reservation for a in actors])

    victory = np.vstack([ideal[0], ideal[1]]).copy()
    for side, bid in enumerate((a_id, b_id)):
        for iid, v in war.victory_terms.get(bid, {}).items():
            if iid in issue_ids:
                victory[side, issue_ids.index(iid)] = v
    contested = np.array([i.contested for i in issues])
    direction = np.where(contested, np.sign(victory[0] - victory[1]), 0.0)

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

    # Candidates on the salience-weighted compromise curve between A and B.
    theta = np.linspace(0.0, 1.0, N_CANDIDATES)[:, None]
    sa, sb = np.maximum(sal[0], 1e-9), np.maximum(sal[1], 1e-9)
    cand = (theta * sa * ideal[0] + (1 - theta) * sb * ideal[1]) / (theta * sa + (1 - theta) * sb)
    problem = build_problem(scenario)
    box = ZoneLP(problem)  # the veto actors' red-line box (conflicting issues left free)
    cand = np.clip(cand, box.lo, box.hi)
    cand_u = utility(ideal, weights, risk, cand)
    cand_ok = np.all((cand[:, None, :] >= lo - 1e-9) & (cand[:, None, :] <= hi + 1e-9), axis=2)
    cand_feasible = feasible(problem, cand) & cand_ok[:, :2].all(axis=1)
    if box.conflicts:
        cand_feasible[:] = False

    n_d = len(TRUST_DIMENSIONS)
    trust_r, trust_s, trust_a = np.zeros((2, n_d)), np.zeros((2, n_d)), np.full((2, n_d), 0.5)
    for tp in scenario.trust:
        for side, (tr, te) in enumerate(((a_id, b_id), (b_id, a_id))):
            if tp.truster == tr and tp.trustee == te:
                for d, dim in enumerate(TRUST_DIMENSIONS):
                    trust_r[side, d], trust_s[side, d], trust_a[side, d] = _opinion(
                        getattr(tp, dim)
                    )

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
    hr, detection, loss_mult, delay = 1.0, settings.detection, 1.0, 13
    delays = []
    steps: list[tuple[int, float]] = []
    sanctioned = np.zeros(2, dtype=bool)
    for mid in settings.mechanisms:
        if mid not in mech:
            raise InputError(f"simulation.mechanisms: unknown mechanism id {mid!r}")
        m = mech[mid]
        if m.hazard_ratio is not None:
            hr *= m.hazard_ratio
        elif m.kind is MechanismKind.peacekeepers:
            hr *= PEACEKEEPER_HR
        if m.detection is not None:
            detection = max(detection, m.detection)
        if m.loss_if_cheated is not None:
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

    strat = settings.strategies
    for aid in strat:
        if aid not in {a.id for a in scenario.actors}:
            raise InputError(f"simulation.strategies: unknown actor id {aid!r}")
    from detente.simulate.strategies import get_strategy

    names = (strat.get(a_id, "linear"), strat.get(b_id, "linear"))
    for n in names:
        get_strategy(n)  # raises InputError for unknown names
    if settings.protocol not in ("alternating", "single_text", "multilateral"):
        raise InputError(
            f"simulation.protocol: expected alternating, single_text or multilateral, "
            f"got {settings.protocol!r}"
        )
    return SimModel(
        actor_ids=actor_ids,
        issue_ids=issue_ids,
        ideal=ideal,
        weights=weights,
        risk=risk,
        lo=lo,
        hi=hi,
        reservation=reservation,
        status_quo=sq,
        contested=contested,
        direction=direction,
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
        volatility=war.line_volatility,
        cost=np.array([bel[0].cost_of_fighting, bel[1].cost_of_fighting]),
        discount=np.array([bel[0].discount, bel[1].discount]),
        truce_shift=war.truce_power_shift,
        implementation=war.implementation_periods,
        period_years=war.period.days / 365.25,
        candidates=cand,
        cand_utility=cand_u,
        cand_ok=cand_ok,
        cand_feasible=cand_feasible,
        trust_r=trust_r,
        trust_s=trust_s,
        trust_base=trust_a,
        strategies=names,
        faction_parent=np.array(f_parent, dtype=np.int64),
        faction_control=np.array(f_control, dtype=np.float64),
        faction_ideal=np.array(f_ideal, dtype=np.float64).reshape(-1, n_i),
        faction_weights=np.array(f_w, dtype=np.float64).reshape(-1, n_i),
        has_factions=np.array([side in f_parent for side in (0, 1)]),
        relief_step=relief_step,
        sanctioned=sanctioned,
        hazard_ratio=hr,
        detection=detection,
        sucker_loss=settings.sucker_loss * loss_mult,
        settlement_after=delay,
        settings=settings,
    )
