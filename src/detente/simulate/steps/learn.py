"""``learn``: Bayesian updates of each side's beliefs, its values of fighting, its trust.

See :mod:`detente.simulate.beliefs` for the rules and their sources. In order: the balance of
forces from the battle just observed; the posterior over the other's type from the cost it was
seen to pay, from the offers (or texts) it refused in the last round and from the offers it
made; each side's value of fighting on and its estimate of the other's; expected trust on the
four dimensions (:func:`detente.trust.kernels.expected_trust`) and the belief ``τ`` that the other
delivers: ``τ = T_integrity · (1 − e · φ · (1 − T_capacity))`` (``φ`` = the other has factions,
``e`` = ``spoiler_escalation``).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray
from scipy.special import ndtr

from detente.core import TOL_UTILITY, TRUST_DIMENSIONS
from detente.core.jit import kernel, nan_to_num
from detente.simulate.beliefs import (
    balance_update,
    block_sum,
    fighting_value,
    lottery,
    net_cost,
    offer_weight,
    predictive_z,
    refusal_weight,
    signal_z,
    stake_utilities,
)
from detente.simulate.model import TRUST_PRIOR_WEIGHT, SimModel
from detente.simulate.state import Draws, RunState, evolve
from detente.simulate.steps import Step
from detente.simulate.steps.fight import relief
from detente.trust.kernels import expected_trust

__all__ = ["CAP", "INTEG", "INTENT", "LEARN", "PRED"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
CAP, INTENT, INTEG, PRED = (
    TRUST_DIMENSIONS.index(d)
    for d in ("capacity", "peaceful_intention", "integrity", "predictability")
)


@kernel
def _war_values(
    rhat: FloatArray,
    u_va: FloatArray,
    u_vb: FloatArray,
    u_line: FloatArray,
    stalemate: float,
    horizon: FloatArray,
    reservation: FloatArray,
    cost: FloatArray,
    type_cost: FloatArray,
    type_resolve: FloatArray,
    own_type: IntArray,
    cost_mult: FloatArray,
    resolve_mult: FloatArray,
    relief: FloatArray,
    value: FloatArray,
    type_values: FloatArray,
) -> None:
    """Each side's value of fighting on (N, 2) and what it believes the other gets from
    fighting if the other is of type t (N, observer, T), into ``value`` and ``type_values``:
    the war lottery under the side's belief less the effective cost per period (own type's,
    or the other's for each type) over the horizon (``u_va``, ``u_vb``: (N or 1, 2))."""
    n, n_t = type_values.shape[0], type_values.shape[2]
    one_stake = u_va.shape[0] == 1
    for i in range(n):
        iv = 0 if one_stake else i
        for side in range(2):
            k = own_type[i, side]
            own = net_cost(
                cost[side] * type_cost[k] * cost_mult[i, side],
                relief[i, side],
                type_resolve[k] * resolve_mult[i, side],
            )
            value[i, side] = fighting_value(
                stalemate,
                rhat[i, side],
                u_va[iv, side],
                u_vb[iv, side],
                u_line[i, side],
                own,
                horizon[side],
                reservation[side],
            )
        for side in range(2):
            o = 1 - side
            lot = lottery(stalemate, rhat[i, side], u_va[iv, o], u_vb[iv, o], u_line[i, o])
            gross = cost[o] * cost_mult[i, o]
            for t in range(n_t):
                per_type = net_cost(
                    gross * type_cost[t], relief[i, o], type_resolve[t] * resolve_mult[i, o]
                )
                type_values[i, side, t] = lot - per_type * horizon[o]


@kernel
def _signal_exponents(
    signal: FloatArray, log_cost: FloatArray, noise: float, out: FloatArray
) -> None:
    """``−z²/2`` of each type's standardised gap to the cost signal (N, 2, T), NaN as 0 (the
    likelihood is ``exp`` of it; 1 where nothing was seen)."""
    for i in range(log_cost.shape[0]):
        for side in range(2):
            for t in range(log_cost.shape[2]):
                z = nan_to_num(signal_z(signal[i, side], log_cost[i, side, t], noise), 0.0)
                out[i, side, t] = -0.5 * (z * z)


@kernel
def _type_posterior(
    belief: FloatArray,
    type_values: FloatArray,
    learn_types: bool,
    signal: FloatArray,
    log_cost: FloatArray,
    signal_lik: FloatArray,
    refused_u: FloatArray,
    offered_u: FloatArray,
    noise: float,
    eps: float,
    tol: float,
    stated: NDArray[np.bool_],
    new_belief: FloatArray,
    other: FloatArray,
    work: FloatArray,
) -> None:
    """Each side's posterior over the other's type (into ``new_belief``, when
    ``learn_types``: Bayes' rule with the likelihoods of the cost signal, ``signal_lik`` where
    it was seen, of the refused offer and of the offer made by the other) and its expected
    value of the other's fighting (into ``other``; NaN where the other's reservation is
    ``stated``). ``work`` (T,): work space. Sums over types are NumPy's (:func:`block_sum`,
    at most 128 types: the model has 1 or 9)."""
    n, n_t = belief.shape[0], belief.shape[2]
    for i in range(n):
        for side in range(2):
            o = 1 - side
            if learn_types:
                refused, offered, sig = refused_u[i, o], offered_u[i, o], signal[i, side]
                for t in range(n_t):
                    tv = type_values[i, side, t]
                    seen = not np.isnan(signal_z(sig, log_cost[i, side, t], noise))
                    lik = signal_lik[i, side, t] if seen else 1.0
                    lik = lik * refusal_weight(refused, tv, eps, tol)
                    lik = lik * offer_weight(offered, tv, eps, tol)
                    work[t] = belief[i, side, t] * lik
                total = 0.0 + block_sum(work, 0, n_t)
                if not (total > 1e-300 or np.isnan(total)):
                    total = 1e-300
                for t in range(n_t):
                    new_belief[i, side, t] = work[t] / total
            for t in range(n_t):
                work[t] = new_belief[i, side, t] * type_values[i, side, t]
            other[i, side] = np.nan if stated[o] else 0.0 + block_sum(work, 0, n_t)


@kernel
def _update_beliefs(
    bal_mean: FloatArray,
    bal_prec: FloatArray,
    y: FloatArray,
    fighting: NDArray[np.bool_],
    mean: FloatArray,
    prec: FloatArray,
    z: FloatArray,
    at: IntArray,
) -> int:
    """Both sides' beliefs about the balance updated by the battle (into ``mean``, ``prec``)
    and the arguments of their believed chances ``Φ(z)`` that A wins a battle, each distinct
    one once: side ``s`` of run ``i`` takes ``Φ(z[at[i, s]])``, or keeps its chance when
    ``at[i, s]`` is −1 (its belief is the same floats as before: the same ``z``, the same
    ``Φ``); B takes A's ``z`` when both sides believe the same, bit for bit. Returns how
    many ``z`` there are."""
    n = bal_mean.shape[0]
    m: int = 0
    for i in range(n):
        za = 0.0
        for side in range(2):
            mu0, kappa0 = bal_mean[i, side], bal_prec[i, side]
            mu, kappa = balance_update(mu0, kappa0, y[i], fighting[i])
            mean[i, side] = mu
            prec[i, side] = kappa
            if _same(mu, mu0) and _same(kappa, kappa0):
                at[i, side] = -1
                continue
            zs = predictive_z(mu, kappa)
            if side == 1 and at[i, 0] >= 0 and _same(zs, za):
                at[i, 1] = at[i, 0]
                continue
            z[m] = zs
            at[i, side] = m
            m += 1
            za = zs
    return m


@kernel
def _same(a: float, b: float) -> bool:
    """The same float: equal, and not 0.0 against -0.0 (a NaN is never the same)."""
    return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)


@kernel
def _believed(phi: FloatArray, at: IntArray, before: FloatArray, out: FloatArray) -> None:
    """Each side's believed chance: ``phi[at]``, or as ``before`` where ``at`` is −1."""
    for i in range(at.shape[0]):
        for side in range(2):
            k = at[i, side]
            out[i, side] = before[i, side] if k < 0 else phi[k]


@kernel
def _expected_trust(
    tr: FloatArray,
    ts: FloatArray,
    base: FloatArray,
    prior_weight: float,
    spoil_risk: FloatArray,
    trust: FloatArray,
    tau: FloatArray,
) -> None:
    """Expected trust of the evidence and each side's belief ``τ`` that the other delivers,
    into ``trust`` and ``tau`` (N, 2); ``tr``, ``ts``, ``trust`` are (N, 2 · D), each side's
    D dimensions in turn, ``base`` (2 · D)."""
    n, m = tr.shape
    n_dim = m // 2
    for i in range(n):
        for j in range(m):
            trust[i, j] = expected_trust(tr[i, j], ts[i, j], base[j], prior_weight)
    for i in range(n):
        for side in range(2):
            integ, cap = trust[i, side * n_dim + INTEG], trust[i, side * n_dim + CAP]
            tau[i, side] = integ * (1.0 - spoil_risk[side] * (1.0 - cap))


def _learn(m: SimModel, s: RunState, d: Draws) -> RunState:
    st = m.settings
    mean, prec = np.empty((s.n, 2)), np.empty((s.n, 2))
    z, at = np.empty(2 * s.n), np.empty((s.n, 2), dtype=np.int64)
    n_z = _update_beliefs(
        np.ascontiguousarray(s.bal_mean),
        np.ascontiguousarray(s.bal_prec),
        np.ascontiguousarray(s.y),
        np.ascontiguousarray(s.fighting),
        mean,
        prec,
        z,
        at,
    )
    rhat = np.empty((s.n, 2))
    _believed(ndtr(z[:n_z]), at, np.ascontiguousarray(s.rhat, dtype=np.float64), rhat)
    belief = s.type_belief
    stated = ~np.isnan(m.reservation[:2])
    if stated.all() and m.n_types == 1:
        # both reservations stated and nothing to learn about types: the values of fighting
        # are the stated figures and neither side estimates the other's (fighting_values,
        # expected_other_value), so the war lottery is not evaluated
        value = np.array(np.broadcast_to(m.reservation[:2], (s.n, 2)))
        other = np.full((s.n, 2), np.nan)
    else:
        _, _, u_line = stake_utilities(m, s.line, s.weights, s.u_victory)
        c = np.ascontiguousarray
        value, tv = np.empty((s.n, 2)), np.empty((s.n, 2, m.n_types))  # tv: (N, observer, T)
        _war_values(
            rhat,
            c(s.u_victory[:, 0], np.float64),
            c(s.u_victory[:, 1], np.float64),
            c(u_line, np.float64),
            float(m.stalemate),
            np.array(np.broadcast_to(m.horizon_factor, 2), dtype=np.float64),
            np.array(m.reservation[:2], dtype=np.float64),
            c(m.cost, np.float64),
            c(m.type_cost, np.float64),
            c(m.type_resolve, np.float64),
            c(s.own_type, np.int64),
            c(s.cost_mult, np.float64),
            c(s.resolve_mult, np.float64),
            c(relief(m, s.level), np.float64),
            value,
            tv,
        )
        learn_types = m.n_types > 1
        if m.n_types > 128:
            raise ValueError(f"at most 128 private types, not {m.n_types}")
        if learn_types:
            with np.errstate(divide="ignore"):
                log_cost = np.log((m.cost * s.cost_mult)[:, ::-1, None] * m.type_cost)
            log_cost = c(log_cost, np.float64)
            signal = c(s.cost_signal, np.float64)
            exponent = np.empty(log_cost.shape)
            _signal_exponents(signal, log_cost, float(st.cost_signal_noise), exponent)
            signal_lik = np.exp(exponent)
            belief = np.empty(tv.shape)
        else:
            log_cost = signal_lik = np.empty((0, 2, 0))
            signal = np.empty((0, 2))
        other = np.empty((s.n, 2))
        _type_posterior(
            c(s.type_belief, np.float64),
            tv,
            learn_types,
            signal,
            log_cost,
            signal_lik,
            c(s.refused_u, np.float64),
            c(s.offered_u, np.float64),
            float(st.cost_signal_noise),
            float(st.screening_noise),
            float(TOL_UTILITY),
            ~np.isnan(m.reservation[:2]),
            belief if learn_types else c(s.type_belief, np.float64),
            other,
            np.empty(m.n_types),
        )
    if s.trust_of is not None and s.trust_of[0] is s.tr and s.trust_of[1] is s.ts:
        trust, tau = s.trust, s.tau  # the evidence has not changed since the last update
    else:
        trust, tau = np.empty(s.tr.shape), np.empty((s.n, 2))
        spoil_risk = st.spoiler_escalation * m.has_factions[::-1].astype(np.float64)
        flat = (s.n, math.prod(trust.shape[1:]))  # trust[0] does not exist in an empty block
        _expected_trust(
            np.ascontiguousarray(s.tr).reshape(flat),
            np.ascontiguousarray(s.ts).reshape(flat),
            np.array(m.trust_base, dtype=np.float64).ravel(),
            float(TRUST_PRIOR_WEIGHT),
            spoil_risk,
            trust.reshape(flat),
            tau,
        )
    return evolve(
        s,
        bal_mean=mean,
        bal_prec=prec,
        rhat=rhat,
        type_belief=belief,
        value=value,
        value0=np.where(np.isnan(s.value0), value, s.value0),
        other_value=other,
        trust=trust,
        tau=tau,
        trust_of=(s.tr, s.ts),
    )


LEARN = Step("learn", _learn, lambda m: (0, 0))
