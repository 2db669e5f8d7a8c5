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
from detente.core.jit import kernel
from detente.simulate.beliefs import (
    balance_update,
    cost_signal_likelihood,
    expected_other_value,
    fighting_values,
    normalise,
    offer_likelihood,
    predictive_z,
    refusal_likelihood,
    stake_utilities,
    type_values,
)
from detente.simulate.model import TRUST_PRIOR_WEIGHT, SimModel
from detente.simulate.state import Draws, RunState, evolve
from detente.simulate.steps import Step
from detente.simulate.steps.fight import relief
from detente.trust.kernels import expected_trust

__all__ = ["CAP", "INTEG", "INTENT", "LEARN", "PRED", "effective_costs"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
CAP, INTENT, INTEG, PRED = (
    TRUST_DIMENSIONS.index(d)
    for d in ("capacity", "peaceful_intention", "integrity", "predictability")
)


def effective_costs(m: SimModel, s: RunState) -> tuple[FloatArray, FloatArray]:
    """Each side's own effective cost per period (N, 2), and the other's for every type as
    each side reckons it, indexed by the other (N, 2, T)."""
    rel = relief(m, s.level)
    q_own = m.type_cost[s.own_type]
    rho_own = m.type_resolve[s.own_type]
    own = np.maximum(m.cost * q_own * s.cost_mult - rel, 0.0) / (rho_own * s.resolve_mult)
    gross = (m.cost * s.cost_mult)[:, :, None] * m.type_cost
    per_type = np.maximum(gross - rel[:, :, None], 0.0) / (
        m.type_resolve * s.resolve_mult[:, :, None]
    )
    return own, per_type


@kernel
def _update_beliefs(
    bal_mean: FloatArray,
    bal_prec: FloatArray,
    y: FloatArray,
    fighting: NDArray[np.bool_],
    mean: FloatArray,
    prec: FloatArray,
    z: FloatArray,
    z_b: FloatArray,
    side_b: IntArray,
) -> int:
    """Both sides' beliefs about the balance updated by the battle (into ``mean``, ``prec``)
    and the arguments of their believed chances ``Φ(z)`` that A wins a battle, each distinct
    one once: ``z[i]`` is A's for run ``i``, B's is ``z[side_b[i]]`` (``i`` itself when both
    sides believe the same, bit for bit: one ``Φ`` serves both); returns how many ``z`` there
    are (``z_b`` (N,): work space)."""
    n = bal_mean.shape[0]
    for i in range(n):
        for side in range(2):
            mu, kappa = balance_update(bal_mean[i, side], bal_prec[i, side], y[i], fighting[i])
            mean[i, side] = mu
            prec[i, side] = kappa
            if side == 0:
                z[i] = predictive_z(mu, kappa)
            else:
                z_b[i] = predictive_z(mu, kappa)
    m: int = n
    for i in range(n):
        # the same float: equal, and not 0.0 against -0.0 (a NaN is never the same)
        za, zb = z[i], z_b[i]
        if za == zb and math.copysign(1.0, za) == math.copysign(1.0, zb):
            side_b[i] = i
        else:
            side_b[i] = m
            z[m] = zb
            m += 1
    return m


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
    z, side_b = np.empty(2 * s.n), np.empty(s.n, dtype=np.int64)
    n_z = _update_beliefs(
        np.ascontiguousarray(s.bal_mean),
        np.ascontiguousarray(s.bal_prec),
        np.ascontiguousarray(s.y),
        np.ascontiguousarray(s.fighting),
        mean,
        prec,
        z,
        np.empty(s.n),
        side_b,
    )
    phi = ndtr(z[:n_z])
    rhat = np.empty((s.n, 2))
    rhat[:, 0] = phi[: s.n]
    rhat[:, 1] = phi[side_b]
    belief = s.type_belief
    stated = ~np.isnan(m.reservation[:2])
    if stated.all() and m.n_types == 1:
        # both reservations stated and nothing to learn about types: the values of fighting
        # are the stated figures and neither side estimates the other's (fighting_values,
        # expected_other_value), so the war lottery is not evaluated
        value = np.array(np.broadcast_to(m.reservation[:2], (s.n, 2)))
        other = np.full((s.n, 2), np.nan)
    else:
        stakes = stake_utilities(m, s.line, s.weights, s.u_victory)
        own, per_type = effective_costs(m, s)
        value = fighting_values(m, rhat, stakes, own)
        tv = type_values(m, rhat, stakes, per_type)  # (N, observer, T)
        if m.n_types > 1:
            with np.errstate(divide="ignore"):
                log_cost = np.log((m.cost * s.cost_mult)[:, ::-1, None] * m.type_cost)
            lik = cost_signal_likelihood(s.cost_signal, log_cost, st.cost_signal_noise)
            eps = st.screening_noise
            lik = lik * refusal_likelihood(s.refused_u[:, ::-1], tv, eps, TOL_UTILITY)
            lik = lik * offer_likelihood(s.offered_u[:, ::-1], tv, eps, TOL_UTILITY)
            belief = normalise(belief * lik)
        other = expected_other_value(m, belief, tv)
    if s.trust_of is not None and s.trust_of[0] is s.tr and s.trust_of[1] is s.ts:
        trust, tau = s.trust, s.tau  # the evidence has not changed since the last update
    else:
        trust, tau = np.empty(s.tr.shape), np.empty((s.n, 2))
        spoil_risk = st.spoiler_escalation * m.has_factions[::-1].astype(np.float64)
        flat = (s.n, trust[0].size)
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
