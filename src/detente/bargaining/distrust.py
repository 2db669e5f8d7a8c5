"""Distrust and mechanisms: how the probability of compliance changes what a party accepts.

Compliance. ``Q[i, j]`` is the probability actor i expects actor j to comply with a deal (from
:func:`detente.trust.compliance_matrix` replayed to the analysis date, or given explicitly;
pairs missing from an explicit mapping count as 1). Actor i's deal holds with
``q_i = min_j Q[i, j]`` over i's *counterparts*: the other veto actors in the problem that are
not on i's side of the war (for a neutral actor: every other veto actor). The deal fails if
its least-trusted counterpart reneges (a product would treat reneging as independent and
would fall with every added party). Co-belligerents are not counterparts: the model of
being cheated is the other side rearming during the pause.

Distrust-adjusted acceptance. If the deal is kept, i gets U_i(x); if not, fighting resumes from
a worse position: the cheater used the pause to rearm, so P(A prevails) moves by
``|War.truce_power_shift|`` towards the other side (neutral actors: no move), giving
``Vc_i ≤ V_i``. Mechanism costs K_i (per period × discounted implementation periods) are paid
either way. i accepts x when both hold::

    U_i(x) − K_i ≥ V_i                                  (worth it if kept)
    q_i · U_i(x) + (1 − q_i) · Vc_i − K_i ≥ V_i          (worth it in expectation)

i.e. U_i(x) ≥ t_i = max(V_i + K_i, Vc_i + (V_i + K_i − Vc_i) / q_i) (t_i = +∞ if q_i = 0 and
Vc_i < V_i + K_i). Since Vc_i ≤ V_i, t_i ≥ V_i: the distrust zone lies inside the zone
without distrust. Written with the *sucker's loss* ``L_i = max(0, V_i + K_i − Vc_i)`` (what i
loses against fighting on if it complies and is cheated: the rearmament and the mechanisms'
costs; :func:`cheated_loss`), ``t_i = V_i + K_i + (1 − q_i) · L_i / q_i``: the sucker's payoff
of an assurance game (Kydd 2005, *Trust and Mistrust in International Relations*) whose size
is the shift of power a pause allows (Fearon 1995; Powell 2006). The simulation reads the same
``L_i`` (:func:`sucker_losses`, once per model) and weighs it by its per-run trust.

Mechanisms (``Mechanism.kind``) change the parameters as follows (module constants are
assumptions, stated here and in the docs):

- monitors (``detection`` d), and joint_commission when it has a ``detection``: a detected
  violation is deterred with probability DETERRENCE, so ``Q' = Q + (1 − Q) · DETERRENCE · d``.
- peacekeepers, dmz: ``hazard_ratio`` h multiplies the hazard of reneging (proportional
  hazards: ``Q' = Q ** h``); ``loss_if_cheated`` m scales the loss of being cheated:
  ``Vc' = V − m · (V − Vc)``.
- guarantee (``guarantor`` g, ``leverage`` λ): for truster i (only ``beneficiary`` if set) and
  every trustee j ≠ g, ``Q'[i, j] = guaranteed_compliance(Q[i, j], Q[i, g], λ)``: trust is
  transitive through the guarantor.
- staged_sanctions (``schedule``): reneging forfeits the relief not yet released. With w the
  average share of relief still withheld over the implementation periods (Σ fractions capped
  at 1), ``Q'[i, j] = Q + (1 − Q) · DETERRENCE · w`` for trustee j = ``beneficiary`` (the
  sanctioned party), or every trustee if none is named.
- security_guarantee (``beneficiary`` b, ``fallback_gain`` g): b's position if the deal breaks
  improves, ``Vc'_b = min(V_b, Vc_b + g)``: it can afford more flexibility.
- ratification: no parameter in the format models its effect on compliance; only its cost.
- every mechanism: ``cost`` (actor → utility per period in force) adds
  ``cost · Σ_{t<T} δ_i^t`` (T = implementation periods) to K_i.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from detente.bargaining.problem import BargainingProblem, FloatArray, discounted_periods
from detente.bargaining.war import shifted_p, war_value
from detente.trust import guaranteed_compliance

if TYPE_CHECKING:
    from detente.scenario import Scenario
    from detente.scenario.schema import Mechanism

__all__ = [
    "DETERRENCE",
    "DistrustState",
    "MechanismEffect",
    "base_state",
    "cheated_loss",
    "compliance_array",
    "mechanism_effects",
    "scenario_compliance",
    "sucker_losses",
    "thresholds",
]

DETERRENCE = 0.5
"""Share of violations a sure detection (or forfeiting all pending relief) deters."""

Compliance = Mapping[tuple[str, str], float]


@dataclass(frozen=True, eq=False)
class DistrustState:
    """What distrust-adjusted acceptance depends on, per actor of the problem."""

    q_pair: FloatArray  # (m, m) compliance Q[i, j]
    v: FloatArray  # (m,) reservation V_i
    v_cheated: FloatArray  # (m,) Vc_i
    cost: FloatArray  # (m,) K_i


TRUST_UNREAD: dict[str, Any] = {
    "positions": True,
    "proposals": True,
    "payments": True,
    "mechanisms": True,
    "linkages": True,
    "simulation": True,
    "actors": {"__all__": {"cost_of_fighting": True, "support": {"__all__": {"level"}}}},
}
"""Parts of a scenario the trust replay behind :func:`scenario_compliance` never reads (the
trust engine reads the actors' ids, parents, control and support providers, the war's
belligerents, relations, ledger, perceptions, trust priors and meta): left out of the
compliance cache's key, so a what-if edit of a red line, a cost of fighting, an aid level, a
payment or a mechanism reuses the replay. Everything else is in the key."""
COMPLIANCE_CACHE_SIZE = 32
_compliance_cache: OrderedDict[str, dict[tuple[str, str], float]] = OrderedDict()
_compliance_lock = threading.Lock()


def compliance_key(scenario: Scenario, as_of: dt.date | None, kind: str) -> str:
    """The content hash of what :func:`scenario_compliance` depends on: the scenario without
    :data:`TRUST_UNREAD`, the date and the commitment kind."""
    h = hashlib.sha256(scenario.model_dump_json(exclude=TRUST_UNREAD).encode())
    h.update(f"\0{as_of}\0{kind}".encode())
    return h.hexdigest()


def scenario_compliance(
    scenario: Scenario, *, as_of: dt.date | None = None, kind: str = "military"
) -> tuple[dict[tuple[str, str], float], str]:
    """Compliance probabilities from the one trust state (:func:`detente.trust.trust_state`,
    replayed up to ``as_of``) and a note.

    The replay's result is kept in a bounded per-process LRU cache keyed by
    :func:`compliance_key` (what the replay reads, nothing else), so the many analyses of one
    scenario under what-if edits replay its ledger once."""
    from detente.trust import trust_state

    key = compliance_key(scenario, as_of, kind)
    with _compliance_lock:
        found = _compliance_cache.get(key)
        if found is not None:
            _compliance_cache.move_to_end(key)
    if found is None:
        result = trust_state(scenario, as_of).compliance(kind)
        found = {(str(a), str(b)): float(v) for (a, b), v in result.items()}
        with _compliance_lock:
            _compliance_cache[key] = found
            while len(_compliance_cache) > COMPLIANCE_CACHE_SIZE:
                _compliance_cache.popitem(last=False)
    return dict(found), f"trust engine (trust_state, kind={kind})"


def compliance_array(problem: BargainingProblem, compliance: Compliance | None) -> FloatArray:
    """Q (m, m) from a mapping; missing pairs and the diagonal are 1."""
    m = problem.n_actors
    q = np.ones((m, m))
    if compliance:
        for i, a in enumerate(problem.actors):
            for j, b in enumerate(problem.actors):
                if i != j and (a, b) in compliance:
                    q[i, j] = float(np.clip(compliance[(a, b)], 0.0, 1.0))
    return q


def cheated_value(problem: BargainingProblem) -> FloatArray:
    """Vc_i: war value after the other side rearmed by |truce_power_shift| (≤ V_i)."""
    shift = abs(problem.truce_power_shift)
    v = problem.reservation
    if not problem.has_war or shift == 0.0:
        return v.copy()
    base = war_value(problem)
    out = v.copy()
    for side, sign in ((0, -1.0), (1, 1.0)):
        wv = war_value(problem, shifted_p(problem, sign * shift))
        rows = problem.side == side
        # A stated reservation moves by the same loss as the war model's value.
        out[rows] = v[rows] - np.maximum(0.0, base[rows] - wv[rows])
    return out


def cheated_loss(state: DistrustState) -> FloatArray:
    """L_i = max(0, V_i + K_i − Vc_i), the sucker's loss: what i loses against fighting on if
    it complies with a cease-fire deal and the other side cheats (uses the pause to rearm, and
    i has paid the mechanisms' costs). The threshold with distrust is
    ``V_i + K_i + (1 − q_i) · L_i / q_i`` (:func:`thresholds`)."""
    out: FloatArray = np.maximum(0.0, state.v + state.cost - state.v_cheated)
    return out


def base_state(problem: BargainingProblem, compliance: Compliance | None) -> DistrustState:
    """The distrust state before any mechanism."""
    return DistrustState(
        q_pair=compliance_array(problem, compliance),
        v=problem.reservation.copy(),
        v_cheated=cheated_value(problem),
        cost=np.zeros(problem.n_actors),
    )


def counterparts(problem: BargainingProblem) -> NDArray[np.bool_]:
    """(m, m) mask: j is a counterpart of i (another veto actor, not on i's side of the war)."""
    m = problem.n_actors
    side = problem.side
    same = (side[:, None] == side[None, :]) & (side[:, None] >= 0)
    out: NDArray[np.bool_] = problem.veto[None, :] & ~np.eye(m, dtype=bool) & ~same
    return out


def deal_compliance(problem: BargainingProblem, q_pair: FloatArray) -> FloatArray:
    """q_i = min of Q[i, j] over i's counterparts (1 if none)."""
    out: FloatArray = np.where(counterparts(problem), q_pair, 1.0).min(axis=1)
    return out


def thresholds(problem: BargainingProblem, state: DistrustState) -> FloatArray:
    """t_i = V_i + K_i + (1 − q_i) · L_i / q_i, the utility each actor needs from a deal, with
    L_i the sucker's loss (:func:`cheated_loss`; +∞ if q_i = 0 < L_i); NaN if not veto."""
    q = deal_compliance(problem, state.q_pair)
    need = state.v + state.cost
    loss = cheated_loss(state)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        qq = np.where(q > 0, q, 1.0)
        dist = np.where(q > 0, need + (1.0 - qq) * loss / qq, np.inf)
    dist = np.where((q <= 0) & (loss <= 0.0), need, dist)
    return np.where(problem.veto, np.maximum(need, dist), np.nan)


@dataclass(frozen=True, eq=False)
class MechanismEffect:
    """A mechanism as a transformation of the distrust state, with its total cost."""

    id: str
    kind: str
    name: str
    apply: Callable[[DistrustState], DistrustState]
    total_cost: float  # Σ over all scenario actors of discounted cost
    cost_by_actor: dict[str, float]


def _effect(
    problem: BargainingProblem, mech: Mechanism, discount_of: Mapping[str, float]
) -> MechanismEffect:
    m = problem.n_actors
    idx = {a: i for i, a in enumerate(problem.actors)}
    periods = problem.implementation_periods
    cost_by_actor = {
        a: float(c * discounted_periods(discount_of.get(a, 0.99), periods))
        for a, c in mech.cost.items()
    }
    cost_vec = np.zeros(m)
    for a, c in cost_by_actor.items():
        if a in idx:
            cost_vec[idx[a]] += c
    kind = mech.kind.value
    withheld = _withheld_share(mech, periods) if mech.schedule else 0.0

    def apply(s: DistrustState) -> DistrustState:
        q, vc = s.q_pair.copy(), s.v_cheated.copy()
        if kind in ("monitors", "joint_commission") and mech.detection is not None:
            q = q + (1.0 - q) * DETERRENCE * mech.detection
        elif kind in ("peacekeepers", "dmz"):
            if mech.hazard_ratio is not None:
                q = q**mech.hazard_ratio
            if mech.loss_if_cheated is not None:
                vc = s.v - mech.loss_if_cheated * (s.v - vc)
        elif kind == "guarantee" and mech.guarantor is not None and mech.leverage is not None:
            g = idx.get(mech.guarantor)
            trusters = [idx[mech.beneficiary]] if mech.beneficiary in idx else list(range(m))
            for i in trusters:
                p_g = 1.0 if g is None else float(s.q_pair[i, g])
                for j in range(m):
                    if j != i and j != g:
                        q[i, j] = float(
                            guaranteed_compliance(float(s.q_pair[i, j]), p_g, mech.leverage)
                        )
        elif kind == "staged_sanctions" and mech.schedule:
            w = withheld
            cols = [idx[mech.beneficiary]] if mech.beneficiary in idx else list(range(m))
            q[:, cols] = q[:, cols] + (1.0 - q[:, cols]) * DETERRENCE * w
        elif kind == "security_guarantee" and mech.beneficiary in idx and mech.fallback_gain:
            b = idx[mech.beneficiary]
            vc[b] = min(s.v[b], vc[b] + mech.fallback_gain)
        np.fill_diagonal(q, 1.0)
        return DistrustState(
            q_pair=np.clip(q, 0.0, 1.0), v=s.v, v_cheated=vc, cost=s.cost + cost_vec
        )

    return MechanismEffect(
        id=mech.id,
        kind=kind,
        name=mech.name,
        apply=apply,
        total_cost=float(sum(cost_by_actor.values())),
        cost_by_actor=cost_by_actor,
    )


def _withheld_share(mech: Mechanism, periods: int) -> float:
    steps = sorted(mech.schedule, key=lambda s: s.after_periods)
    total = 0.0
    for t in range(periods):
        released = sum(s.fraction for s in steps if s.after_periods <= t)
        total += max(0.0, min(1.0, sum(s.fraction for s in steps)) - released)
    return float(np.clip(total / periods, 0.0, 1.0))


def mechanism_effects(
    problem: BargainingProblem, scenario: Scenario, ids: Sequence[str] | None = None
) -> list[MechanismEffect]:
    """The scenario's mechanisms (or those named) as effects, in catalogue order."""
    discount_of = {a.id: float(a.discount) for a in scenario.actors}
    mechs = [mm for mm in scenario.mechanisms if ids is None or mm.id in ids]
    return [_effect(problem, mm, discount_of) for mm in mechs]


def apply_all(state: DistrustState, effects: Sequence[MechanismEffect]) -> DistrustState:
    """Apply effects in order (each transformation is monotone, so order rarely matters)."""
    for e in effects:
        state = e.apply(state)
    return state


def sucker_losses(
    problem: BargainingProblem, scenario: Scenario, mechanisms: Sequence[str]
) -> FloatArray:
    """(m,) each actor's sucker's loss L_i (:func:`cheated_loss`) in a cease-fire deal with the
    named ``mechanisms`` in force: the one rule the analysis' thresholds and the simulation's
    acceptance share (the simulation reads it once per model)."""
    effects = mechanism_effects(problem, scenario, tuple(mechanisms))
    return cheated_loss(apply_all(base_state(problem, None), effects))
