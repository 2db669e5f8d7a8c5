"""The period loop, vectorised across the runs of one block (see simulation-model.md).

Each period, for every run still in the horizon:

1. **Fighting** (phase 0): relative strength ``r_t = c_A^k / (c_A^k + c_B^k)`` from
   capabilities plus allies' support × level (or ``war.p / (1 − s)``, ``s`` = stalemate),
   shifted by rearmament, clipped to [0, 1]. A battle ``b ~ Bernoulli(r_t)`` moves every
   contested issue by ``dir_i · σ · (2b − 1) · |z|`` with ``z ~ N(0, 1)`` (drift
   ``σ√(2/π)(2r_t − 1)``); each side pays ``max(c − relief·level, 0)``. The stalemate is a
   term of the war-outcome lottery, not a battle outcome.
2. **Learning**: each side's Beta(α, β) belief ``r̂`` about ``r`` (what battles reveal) gains
   ``b`` and ``1 − b``; the optimism gap of the priors closes as battles accumulate (Slantchev
   2003). The value of fighting uses the bargaining engine's lottery with P(A prevails)
   ``(1 − s)·r̂``, P(B prevails) ``(1 − s)·(1 − r̂)`` and the stalemate ``s`` at the line.
3. **Talks** (every ``talks_every`` periods, when both attend): strategies set demands; the
   proposer (A in even, B in odd periods; the mediator's Nash point under ``single_text``)
   offers the *feasible* candidate (inside every veto actor's red lines: a hard constraint,
   ``SimModel.cand_feasible``) that meets its demand and is best for the other side; each
   needed party accepts if the offer is feasible, meets its acceptance floor, and its
   distrust-adjusted value ``τ·u + (1 − τ)·(V − L) ≥ V`` with
   ``τ = T_I·(1 − e·φ·(1 − T_C))`` (integrity; capacity to restrain spoilers, ``φ`` = the
   other has factions, ``e`` = ``spoiler_escalation``) and ``L = L₀·2(1 − T_PI)`` (the
   sucker's loss scaled by the expected hostility of a cheater).
4. **Trust** (four dimensions, Beta evidence ``r, s`` with the trust engine's array rules
   :func:`detente.trust.vectorised.apply_evidence` / ``expected``): an observed period of
   compliance adds ``trust_gain`` to integrity and predictability (and capacity, if the
   other has factions); an observed defection adds ``trust_loss`` against integrity,
   predictability and peaceful intention (one misdeed outweighs many good periods); an
   observed spoiler violation adds ``trust_loss`` against its state's capacity; gestures add
   ``gesture_weight`` to peaceful intention. Observation happens with the detection
   probability in place.
5. **Spoilers** (during agreements): a faction violates with probability
   ``spoiler_rate · (1 − control) · (1 − u_f(terms))``; the violation counts against its
   state's capacity and ends the agreement with probability ``spoiler_escalation``.
6. **Support**: each support line moves by ``responsiveness · (violation effect − overture
   effect)`` and reverts towards its initial level.
7. **Agreement and implementation**: a cease-fire freezes the line; after ``settlement_after``
   periods the settlement's terms take effect. Each party defects with the Weibull hazard
   (:mod:`detente.simulate.durability`) split between the two, times the mechanisms' hazard
   ratio, times ``rearm_hazard^(shift/0.1)`` for a rearming party, times
   ``1 − DETERRENCE·(R_total − R(n))`` for a party under staged sanctions (``R(n)`` the relief
   released after ``n`` periods of verified compliance: pending relief is forfeited by
   reneging). Breakdown returns to fighting; talks may resume.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from detente.bargaining.distrust import DETERRENCE
from detente.bargaining.problem import discounted_periods
from detente.simulate.durability import period_hazard
from detente.simulate.model import TRUST_DIMENSIONS, TRUST_PRIOR_WEIGHT, SimModel, utility
from detente.simulate.strategies import TalkState, get_strategy
from detente.trust.vectorised import apply_evidence, expected

__all__ = ["EVENT_FLAGS", "BlockOutput", "simulate_block"]

FloatArray = NDArray[np.float64]
CAP, INTENT, INTEG = (
    TRUST_DIMENSIONS.index(d) for d in ("capacity", "peaceful_intention", "integrity")
)

EVENT_FLAGS: dict[str, int] = {
    "battle_won_by_A": 1,
    "talks": 2,
    "overture_A": 4,
    "overture_B": 8,
    "gesture": 16,
    "agreement": 32,
    "violation": 64,
    "spoiler": 128,
    "breakdown": 256,
    "settlement": 512,
}
"""Bits of the per-period event code of a run (the anatomy view decodes them)."""


@dataclass(frozen=True)
class BlockOutput:
    """Per-run results of one block: first agreement, terms, durability, costs, paths."""

    first_agreement: NDArray[np.int64]  # (N,) period of the first agreement, -1 if none
    terms: FloatArray  # (N, I) terms of the first agreement (NaN if none)
    duration: NDArray[np.int64]  # (N,) periods the first agreement lasted (or was observed)
    broke: NDArray[np.bool_]  # (N,) did the first agreement break down within the horizon
    agreements: NDArray[np.int64]  # (N,) number of agreements reached
    cum_cost: FloatArray  # (N, 2) costs of fighting of A, B
    paths: dict[str, NDArray[np.float32]]  # variable → (P, N)
    events: NDArray[np.int32]  # (P, N) event bits


def _r_true(m: SimModel, level: FloatArray, shift: FloatArray) -> FloatArray:
    """A's chance of winning a battle: relative strength plus rearmament shift, (N,)."""
    cap = np.tile(m.capability, (level.shape[0], 1))
    if m.support_owner.size:
        add = level * m.support_capability
        for side in (0, 1):
            cap[:, side] += add[:, m.support_owner == side].sum(axis=1)
    if m.p_fixed is not None:
        decisive = 1.0 - m.stalemate
        r0 = m.p_fixed / decisive if decisive > 1e-12 else 0.5
        r = np.full(level.shape[0], r0)
    else:
        ck = np.maximum(cap, 1e-12) ** m.exponent
        r = ck[:, 0] / (ck[:, 0] + ck[:, 1])
    out: FloatArray = np.clip(r + shift[:, 0] - shift[:, 1], 0.0, 1.0)
    return out


def _relief(m: SimModel, level: FloatArray) -> FloatArray:
    out = np.zeros((level.shape[0], 2))
    if m.support_owner.size:
        add = level * m.support_relief
        for side in (0, 1):
            out[:, side] = add[:, m.support_owner == side].sum(axis=1)
    return out


def _war_value(m: SimModel, belief: FloatArray, line: FloatArray, cost: FloatArray) -> FloatArray:
    """Each belligerent's expected value of fighting on under its own belief: (N, 2).

    ``belief`` is each side's estimate of ``r`` (A's chance of winning a battle); the war
    lottery gives A victory with ``(1 − s)·r̂``, B with ``(1 − s)·(1 − r̂)``, the line with ``s``.
    """
    u_va, u_vb = utility(m.ideal[:2], m.weights[:2], m.risk[:2], m.victory)  # (2, 2)
    u_line = utility(m.ideal[:2], m.weights[:2], m.risk[:2], line)  # (N, 2)
    r = np.clip(belief, 0.0, 1.0)
    p = (1.0 - m.stalemate) * r
    q = (1.0 - m.stalemate) * (1.0 - r)
    horizon_cost = cost * discounted_periods(m.discount, m.horizon)
    v: FloatArray = p * u_va + q * u_vb + m.stalemate * u_line - horizon_cost
    v = np.where(np.isnan(m.reservation[:2]), v, m.reservation[:2])
    return v


def simulate_block(m: SimModel, n: int, periods: int, rng: np.random.Generator) -> BlockOutput:
    """Simulate ``n`` runs for ``periods`` periods with the block's generator."""
    st = m.settings
    n_i = m.issue_ids.__len__()
    strat = (get_strategy(m.strategies[0]), get_strategy(m.strategies[1]))
    rearms = np.array(["rearms" in s.traits for s in strat])
    cu = m.cand_utility  # (K, A)
    n_k = cu.shape[0]
    feas = m.cand_feasible
    best = np.where(feas[:, None], cu, -np.inf).max(axis=0) if feas.any() else cu.max(axis=0)
    # Nearest feasible candidate at or above (A's offers) / at or below (B's offers) each k.
    ks = np.arange(n_k)
    prev_ok = np.maximum.accumulate(np.where(feas, ks, -1))
    next_ok = np.minimum.accumulate(np.where(feas, ks, n_k)[::-1])[::-1]
    next_ok = np.where(next_ok >= n_k, -1, next_ok)
    phi = m.has_factions.astype(np.float64)  # (2,) capacity matters for a trustee with factions
    spoil_risk = st.spoiler_escalation * phi[::-1]  # (2,) by truster: the other's spoilers
    relief_total = float(m.relief_step[-1]) if m.relief_step.size else 0.0
    relief_cap = max(m.relief_step.size - 1, 0)

    line = np.tile(m.status_quo, (n, 1))
    level0 = np.tile(m.support_level, (n, 1))
    level = level0.copy()
    shift = np.zeros((n, 2))
    r0 = _r_true(m, level, shift)
    g = st.optimism / 2.0
    mean0 = np.stack([np.clip(r0 + g, 0.01, 0.99), np.clip(r0 - g, 0.01, 0.99)], axis=1)
    alpha = mean0 * st.belief_strength
    beta = (1.0 - mean0) * st.belief_strength
    tr = np.tile(m.trust_r, (n, 1, 1))  # (N, 2, D): truster side, dimension
    ts = np.tile(m.trust_s, (n, 1, 1))
    verified = np.zeros((n, 2), dtype=np.int64)  # periods of verified compliance in this deal
    phase = np.zeros(n, dtype=np.int64)  # 0 fighting, 1 cease-fire, 2 settlement
    age = np.zeros(n, dtype=np.int64)
    terms_idx = np.full(n, -1, dtype=np.int64)
    cum_cost = np.zeros((n, 2))
    prev_demand = np.full((n, 2), np.nan)
    last_recv = np.full((n, 2), np.nan)  # utility to each side of the other's last offer
    prev_recv = np.full((n, 2), np.nan)
    first = np.full(n, -1, dtype=np.int64)
    first_terms = np.full((n, n_i), np.nan)
    duration = np.zeros(n, dtype=np.int64)
    broke = np.zeros(n, dtype=bool)
    in_first = np.zeros(n, dtype=bool)
    n_agree = np.zeros(n, dtype=np.int64)
    others = np.arange(2, cu.shape[1])
    u_sq = utility(m.ideal, m.weights, m.risk, m.status_quo)  # (A,)
    other_res = np.where(np.isnan(m.reservation), u_sq, m.reservation)[others]
    fac_u = (
        utility(m.faction_ideal, m.faction_weights, np.ones(len(m.faction_control)), m.candidates)
        if m.faction_control.size
        else np.zeros((n_k, 0))
    )  # (K, F)
    value0 = _war_value(m, alpha / (alpha + beta), line, m.cost)
    rearm_rate = max(abs(m.truce_shift), st.rearm_shift) / max(m.implementation, 1)
    rearm_cap = max(abs(m.truce_shift), st.rearm_shift)
    nash_k = _nash_candidate(m, value0.mean(axis=0))

    paths: dict[str, NDArray[np.float32]] = {}
    contested_idx = np.flatnonzero(m.contested)
    for ii in contested_idx:
        paths[f"line.{m.issue_ids[ii]}"] = np.empty((periods, n), np.float32)
    for aid in m.actor_ids[:2]:
        paths[f"belief.{aid}"] = np.empty((periods, n), np.float32)
        paths[f"trust.{aid}"] = np.empty((periods, n), np.float32)
        for dim in TRUST_DIMENSIONS:
            paths[f"trust_{dim}.{aid}"] = np.empty((periods, n), np.float32)
        paths[f"cost.{aid}"] = np.empty((periods, n), np.float32)
    for sid in m.support_ids:
        paths[f"support.{sid}"] = np.empty((periods, n), np.float32)
    paths["phase"] = np.empty((periods, n), np.float32)
    events = np.zeros((periods, n), np.int32)

    for t in range(periods):
        ev = events[t]
        u = rng.random((8, n))
        z = rng.standard_normal(n)
        fighting = phase == 0
        # 1. Fighting.
        r = _r_true(m, level, shift)
        won = u[0] < r
        ev[fighting & won] |= EVENT_FLAGS["battle_won_by_A"]
        step = np.where(won, 1.0, -1.0) * np.abs(z) * m.volatility
        move = np.where(fighting[:, None], step[:, None] * m.direction, 0.0)
        line = np.clip(line + move, 0.0, 100.0)
        cost_now = np.maximum(m.cost - _relief(m, level), 0.0)
        cum_cost += np.where(fighting[:, None], cost_now, 0.0)
        # 2. Learning.
        alpha[:, :] += np.where(fighting & won, 1.0, 0.0)[:, None]
        beta[:, :] += np.where(fighting & ~won, 1.0, 0.0)[:, None]
        belief = alpha / (alpha + beta)
        value = _war_value(m, belief, line, cost_now)
        tau_d = expected(tr, ts, m.trust_base, TRUST_PRIOR_WEIGHT)  # (N, 2, D)
        # Belief that the other delivers: its will (integrity) × the chance its spoilers, if
        # any, do not bring the deal down (capacity to restrain them); the sucker's loss scales
        # with the hostility it expects of a cheater (peaceful intention).
        tau = tau_d[:, :, INTEG] * (1.0 - spoil_risk * (1.0 - tau_d[:, :, CAP]))
        hostility = 2.0 * (1.0 - tau_d[:, :, INTENT])
        # 3. Talks.
        talk_round = fighting & (t % st.talks_every == 0)
        tnorm = min(t / st.concession_periods, 1.0)
        against = np.stack(
            [(move @ m.direction) < 0, (move @ m.direction) > 0], axis=1
        )  # line moved against A / B
        # Believed chance of winning a battle (``overture_pressure`` is about battles).
        own_p = np.stack([belief[:, 0], 1.0 - belief[:, 1]], axis=1)
        moves = []
        for side in (0, 1):
            ts_ = TalkState(
                period=t,
                t=tnorm,
                value=value[:, side],
                value0=value0[:, side],
                best=float(best[side]),
                prev_demand=prev_demand[:, side],
                opp_concession=np.nan_to_num(last_recv[:, side] - prev_recv[:, side], nan=0.0),
                pressure=(own_p[:, side] < st.overture_pressure) | against[:, side],
            )
            moves.append(strat[side].move(ts_))
        held = talk_round & moves[0].attends & moves[1].attends
        for side in (0, 1):
            ov = talk_round & moves[side].overture
            ev[ov] |= EVENT_FLAGS["overture_A" if side == 0 else "overture_B"]
            gest = held & moves[side].gesture
            ev[gest] |= EVENT_FLAGS["gesture"]
            seen = gest & (u[1 + side] < m.detection)
            tr[:, 1 - side, INTENT], ts[:, 1 - side, INTENT] = apply_evidence(
                tr[:, 1 - side, INTENT],
                ts[:, 1 - side, INTENT],
                seen.astype(np.float64),
                st.gesture_weight,
            )
        ev[held] |= EVENT_FLAGS["talks"]
        demand = np.stack([moves[0].demand, moves[1].demand], axis=1)
        accept_floor = np.stack([moves[0].accept, moves[1].accept], axis=1)
        if st.protocol == "single_text":
            offer = np.full(n, nash_k, dtype=np.int64)
        else:
            k_a = np.searchsorted(cu[:, 0], demand[:, 0] - 1e-12, side="left")
            k_b = n_k - 1 - np.searchsorted(cu[::-1, 1], demand[:, 1] - 1e-12, side="left")
            k_a = next_ok[np.clip(k_a, 0, n_k - 1)]
            k_b = prev_ok[np.clip(k_b, 0, n_k - 1)]
            offer = np.where(t % 2 == 0, k_a, k_b)
        proposer = 0 if t % 2 == 0 else 1
        ok = held & (offer >= 0)
        offer = np.maximum(offer, 0)
        ok &= feas[offer]  # red lines are hard constraints, the proposer's included
        uo = cu[offer]  # (N, A)
        for side in (0, 1):
            if st.protocol != "single_text" and side == proposer:
                continue
            loss = m.sucker_loss * hostility[:, side]
            need = value[:, side] + loss * (1.0 - tau[:, side]) / np.maximum(tau[:, side], 1e-9)
            ok &= (uo[:, side] >= accept_floor[:, side] - 1e-12) & (uo[:, side] >= need)
            ok &= m.cand_ok[offer, side]
        if st.protocol == "multilateral":
            for j, a in enumerate(others):
                ok &= (uo[:, a] >= other_res[j]) & m.cand_ok[offer, a]
        if st.protocol != "single_text":
            resp = 1 - proposer
            prev_recv[:, resp] = np.where(held, last_recv[:, resp], prev_recv[:, resp])
            last_recv[:, resp] = np.where(held, uo[:, resp], last_recv[:, resp])
        prev_demand = np.where(held[:, None], demand, prev_demand)
        # 7. Agreement.
        new = ok
        phase[new] = 1
        age[new] = 0
        verified[new] = 0
        terms_idx[new] = offer[new]
        n_agree += new
        ev[new] |= EVENT_FLAGS["agreement"]
        is_first = new & (first < 0)
        first[is_first] = t
        first_terms[is_first] = m.candidates[offer[is_first]]
        in_first |= is_first
        # Implementation: settlement, rearmament, defection, spoilers.
        in_deal = (phase > 0) & ~new
        settle = in_deal & (phase == 1) & (age >= m.settlement_after)
        phase[settle] = 2
        ev[settle] |= EVENT_FLAGS["settlement"]
        if settle.any():
            sett_line = m.candidates[terms_idx[settle]]
            line[settle] = np.where(m.contested, sett_line, line[settle])
        for side in (0, 1):
            if rearms[side]:
                shift[:, side] = np.where(
                    in_deal, np.minimum(shift[:, side] + rearm_rate, rearm_cap), shift[:, side]
                )
        hr_side = (
            0.5 * m.hazard_ratio * np.where(rearms[None, :], st.rearm_hazard ** (shift / 0.1), 1.0)
        )
        if relief_total > 0.0:  # relief still withheld is forfeited by reneging
            pending = relief_total - m.relief_step[np.minimum(verified, relief_cap)]
            hr_side = hr_side * np.where(m.sanctioned, 1.0 - DETERRENCE * pending, 1.0)
        h = period_hazard(np.stack([age, age], axis=1), m.period_years, hr_side)
        defect = in_deal[:, None] & (h > u[3:5].T)
        spoil = np.zeros((n, 2), dtype=bool)
        escalate = np.zeros(n, dtype=bool)
        for f in range(m.faction_control.size):
            dissat = 1.0 - fac_u[np.maximum(terms_idx, 0), f]
            q = st.spoiler_rate * (1.0 - m.faction_control[f]) * np.clip(dissat, 0.0, 1.0)
            act = in_deal & (rng.random(n) < q)
            spoil[:, m.faction_parent[f]] |= act
            escalate |= act & (rng.random(n) < st.spoiler_escalation)
        ev[spoil.any(axis=1)] |= EVENT_FLAGS["spoiler"]
        violation = defect | spoil
        ev[violation.any(axis=1)] |= EVENT_FLAGS["violation"]
        # 4. Trust: side s's trust in the other (row s) learns from the other's acts.
        for side in (0, 1):
            other = 1 - side
            seen = u[5 + side] < m.detection
            kept = in_deal & ~violation[:, other] & seen
            verified[:, other] += kept
            defected = (defect[:, other] & seen).astype(np.float64)
            spoiled = (spoil[:, other] & ~defect[:, other] & seen).astype(np.float64)
            kept_f = kept.astype(np.float64)
            # (valence, weight) per dimension: capacity, intention, integrity, predictability.
            valence = np.stack(
                [kept_f * phi[other] - spoiled, -defected, kept_f - defected, kept_f - defected],
                axis=1,
            )
            tr[:, side], ts[:, side] = apply_evidence(
                tr[:, side],
                ts[:, side],
                valence,
                1.0,
                negativity=st.trust_loss,
                positivity=st.trust_gain,
            )
        down = in_deal & (defect.any(axis=1) | escalate)
        ev[down] |= EVENT_FLAGS["breakdown"]
        ends_first = down & in_first
        duration[ends_first] = age[ends_first] + 1
        broke |= ends_first
        in_first &= ~down
        phase[down] = 0
        age[in_deal & ~down] += 1
        # 6. Support.
        for li in range(m.support_owner.size):
            owner = m.support_owner[li]
            opp = 1 - owner
            ov = talk_round & moves[opp].overture
            vio = violation[:, opp] & (u[7] < m.detection)
            dl = m.support_response[li] * (
                st.violation_support_effect * vio - st.overture_support_effect * ov
            )
            level[:, li] = np.clip(
                level[:, li] + dl + st.support_reversion * (level0[:, li] - level[:, li]), 0.0, 1.0
            )
            paths[f"support.{m.support_ids[li]}"][t] = level[:, li]
        for ii in contested_idx:
            paths[f"line.{m.issue_ids[ii]}"][t] = line[:, ii]
        for side, aid in enumerate(m.actor_ids[:2]):
            paths[f"belief.{aid}"][t] = belief[:, side]
            paths[f"trust.{aid}"][t] = tau[:, side]
            for d, dim in enumerate(TRUST_DIMENSIONS):
                paths[f"trust_{dim}.{aid}"][t] = tau_d[:, side, d]
            paths[f"cost.{aid}"][t] = cum_cost[:, side]
        paths["phase"][t] = phase
    duration[in_first] = age[in_first]
    return BlockOutput(
        first_agreement=first,
        terms=first_terms,
        duration=duration,
        broke=broke,
        agreements=n_agree,
        cum_cost=cum_cost,
        paths=paths,
        events=events,
    )


def _nash_candidate(m: SimModel, disagreement: FloatArray) -> int:
    """The mediator's single text: the candidate maximising the Nash product over fighting."""
    gain = np.maximum(m.cand_utility[:, :2] - disagreement, 0.0)
    product = np.where(m.cand_feasible, gain[:, 0] * gain[:, 1], -1.0)
    return int(np.argmax(product))
