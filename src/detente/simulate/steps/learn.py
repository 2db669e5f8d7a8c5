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
import weakref
from collections.abc import Callable
from typing import TypeVar, cast

import numpy as np
from numpy.typing import NDArray

from detente.core import TOL_UTILITY, TRUST_DIMENSIONS
from detente.core.jit import kernel, nan_to_num
from detente.core.special import ndtr1
from detente.simulate.beliefs import (
    balance_update,
    block_sum,
    fighting_value,
    lottery,
    net_cost,
    offer_weight,
    predictive_scale,
    refusal_weight,
    signal_seen,
    signal_z,
    stake_utilities,
)
from detente.simulate.model import TRUST_PRIOR_WEIGHT, SimModel
from detente.simulate.state import Draws, RunState, evolve
from detente.simulate.steps import Step
from detente.simulate.steps.fight import relief
from detente.trust.kernels import expected_trust

__all__ = ["CAP", "INTEG", "INTENT", "LEARN", "PRED", "model_cache"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
CAP, INTENT, INTEG, PRED = (
    TRUST_DIMENSIONS.index(d)
    for d in ("capacity", "peaceful_intention", "integrity", "predictability")
)
T = TypeVar("T")
_CACHED: dict[tuple[int, object], tuple[weakref.ref[SimModel], object]] = {}


def model_cache(m: SimModel, build: Callable[[SimModel], T]) -> T:
    """``build(m)``, made once per model (and dropped with it): a step's constants, as its
    kernels take them, instead of the same small arrays rebuilt every period."""
    key = (id(m), build)
    got = _CACHED.get(key)
    if got is not None and got[0]() is m:
        return cast(T, got[1])
    out = build(m)
    _CACHED[key] = (weakref.ref(m, lambda _: _CACHED.pop(key, None)), out)
    return out


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
                    seen = signal_seen(sig, log_cost[i, side, t], noise)
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
    kappa_last, scale = np.nan, np.nan
    for i in range(n):
        za = 0.0
        for side in range(2):
            mu0, kappa0 = bal_mean[i, side], bal_prec[i, side]
            if side == 1 and _same(mu0, bal_mean[i, 0]) and _same(kappa0, bal_prec[i, 0]):
                # B believed what A believed and saw the same battle: it believes what A
                # believes now (the same floats), and takes A's chance
                mean[i, 1], prec[i, 1], at[i, 1] = mean[i, 0], prec[i, 0], at[i, 0]
                continue
            mu, kappa = balance_update(mu0, kappa0, y[i], fighting[i])
            mean[i, side] = mu
            prec[i, side] = kappa
            if _same(mu, mu0) and _same(kappa, kappa0):
                at[i, side] = -1
                continue
            if not _same(kappa, kappa_last):  # runs that fought alike share their precision
                kappa_last, scale = kappa, predictive_scale(kappa)
            zs = mu / scale  # predictive_z
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
def _finish(
    z: FloatArray,
    at: IntArray,
    before: FloatArray,
    rhat: FloatArray,
    believe: bool,
    trust_due: bool,
    tr: FloatArray,
    ts: FloatArray,
    base: FloatArray,
    prior_weight: float,
    spoil_risk: FloatArray,
    trust: FloatArray,
    tau: FloatArray,
) -> None:
    """Each side's believed chance (when ``believe``: ``Φ(z[at])``, SciPy's ``ndtr`` of
    each distinct ``z`` once (:func:`~detente.core.special.ndtr1`), or as ``before`` where
    ``at`` is −1, into ``rhat``) and (when ``trust_due``) the expected trust of the evidence
    ``tr``, ``ts`` (N, 2, D) and each side's belief ``τ`` that the other delivers, into
    ``trust`` (N, 2, D) and ``tau`` (N, 2); ``base`` (2, D). (Simple loops, one per
    result: the compiler makes them tight.)"""
    n = at.shape[0]
    if believe:
        phi = np.empty(z.shape[0])
        for k in range(z.shape[0]):
            phi[k] = ndtr1(z[k])
        for i in range(n):
            for side in range(2):
                k = at[i, side]
                rhat[i, side] = before[i, side] if k < 0 else phi[k]
    if not trust_due:
        return
    m = base.size
    r, s, p, a = tr.reshape(n, m), ts.reshape(n, m), trust.reshape(n, m), base.reshape(m)
    for i in range(n):
        for j in range(m):
            p[i, j] = expected_trust(r[i, j], s[i, j], a[j], prior_weight)
    for i in range(n):
        for side in range(2):
            integ, cap = trust[i, side, INTEG], trust[i, side, CAP]
            tau[i, side] = integ * (1.0 - spoil_risk[side] * (1.0 - cap))


@kernel
def _stated_as_before(
    value: FloatArray, value0: FloatArray, other: FloatArray, reservation: FloatArray
) -> bool:
    """The stated values of fighting are already in place: every run's ``value`` is the
    ``reservation`` (the same floats), its ``value0`` is set (not NaN) and ``other`` is NaN:
    the learn step would give the same arrays again."""
    for i in range(value.shape[0]):
        for side in range(2):
            if not _same(value[i, side], reservation[side]):
                return False
            if np.isnan(value0[i, side]) or not np.isnan(other[i, side]):
                return False
    return True


@kernel
def _first_values(value0: FloatArray, value: FloatArray, out: FloatArray) -> bool:
    """``value0`` where it is set, else ``value`` (``np.where(np.isnan(value0), value,
    value0)``), into ``out``; True when every ``value0`` was set (``out`` is then its copy)."""
    kept = True
    for i in range(value0.shape[0]):
        for side in range(2):
            v0 = value0[i, side]
            if np.isnan(v0):
                kept = False
                out[i, side] = value[i, side]
            else:
                out[i, side] = v0
    return kept


class _Plan:
    """A model's constants as the learn step's kernels take them (made once per model)."""

    def __init__(self, m: SimModel) -> None:
        st = m.settings
        f = np.float64
        self.stated = ~np.isnan(m.reservation[:2])
        # both reservations stated and nothing to learn about types: the values of fighting
        # are the stated figures and neither side estimates the other's (fighting_values,
        # expected_other_value), so the war lottery is not evaluated
        self.fixed = bool(self.stated.all()) and m.n_types == 1
        self.reservation = np.array(m.reservation[:2], dtype=f)
        self.horizon = np.array(np.broadcast_to(m.horizon_factor, 2), dtype=f)
        self.cost = np.ascontiguousarray(m.cost, f)
        self.type_cost = np.ascontiguousarray(m.type_cost, f)
        self.type_resolve = np.ascontiguousarray(m.type_resolve, f)
        self.stalemate = float(m.stalemate)
        self.noise = float(st.cost_signal_noise)
        self.eps = float(st.screening_noise)
        self.spoil_risk = st.spoiler_escalation * m.has_factions[::-1].astype(f)
        self.base = np.array(m.trust_base, dtype=f).reshape(2, -1)
        self.prior_weight = float(TRUST_PRIOR_WEIGHT)
        self.tol = float(TOL_UTILITY)
        self.no_types = np.empty((0, 2, 0))
        self.no_signal = np.empty((0, 2))
        # arrays of a state found to hold the stated values of fighting (value, value0,
        # other_value): a state's arrays are never written, so the same arrays hold them still
        self.stated_values: tuple[FloatArray, FloatArray, FloatArray] | None = None
        # a state's cost multipliers and the log costs computed from them (_values)
        self.log_cost_of: tuple[FloatArray, FloatArray] | None = None


def _plan(m: SimModel) -> _Plan:
    return model_cache(m, _Plan)


def _learn(m: SimModel, s: RunState, d: Draws) -> RunState:
    p = _plan(m)
    n = s.n
    mean, prec = np.empty((n, 2)), np.empty((n, 2))
    z, at = np.empty(2 * n), np.empty((n, 2), dtype=np.int64)
    c = np.ascontiguousarray
    n_z = _update_beliefs(c(s.bal_mean), c(s.bal_prec), c(s.y), c(s.fighting), mean, prec, z, at)
    # no belief changed (no ``z``): every side keeps its chance, the same floats
    before = c(s.rhat, dtype=np.float64)
    rhat = np.empty((n, 2)) if n_z else before
    was = s.trust_of
    trust_due = not (was is not None and was[0] is s.tr and was[1] is s.ts)
    if trust_due:
        tr, ts = c(s.tr), c(s.ts)
        trust, tau = np.empty(tr.shape), np.empty((n, 2))
    else:  # the evidence has not changed since the last update
        tr, ts, trust, tau = s.tr, s.ts, s.trust, s.tau
    if n_z or trust_due:
        _finish(
            z[:n_z],
            at,
            before,
            rhat,
            n_z > 0,
            trust_due,
            tr,
            ts,
            p.base,
            p.prior_weight,
            p.spoil_risk,
            trust,
            tau,
        )
    belief = s.type_belief
    if p.fixed:
        value, value0, other = s.value, s.value0, s.other_value
        known = p.stated_values  # the last arrays found to hold the stated values
        same = known is not None and known[0] is value and known[1] is value0 and known[2] is other
        if not (same or _stated_as_before(c(value), c(value0), c(other), p.reservation)):
            value = np.tile(p.reservation, (n, 1))  # C order, as every state array
            other = np.full((n, 2), np.nan)
            value0 = _set_first(s.value0, value)
        p.stated_values = (value, value0, other)
    else:
        value, belief, other = _values(m, p, s, rhat)
        value0 = _set_first(s.value0, value)
    return evolve(
        s,
        bal_mean=mean,
        bal_prec=prec,
        rhat=rhat,
        type_belief=belief,
        value=value,
        value0=value0,
        other_value=other,
        trust=trust,
        tau=tau,
        trust_of=(s.tr, s.ts),
    )


def _set_first(value0: FloatArray, value: FloatArray) -> FloatArray:
    """Each side's value at the start: ``value0`` where set, else ``value`` (``value0``
    itself when every one is set)."""
    out = np.empty(value.shape)
    kept = _first_values(np.ascontiguousarray(value0, dtype=np.float64), value, out)
    return value0 if kept else out


def _values(
    m: SimModel, p: _Plan, s: RunState, rhat: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Each side's value of fighting on, its posterior over the other's type and its
    estimate of the other's value of fighting (the war lottery under its beliefs)."""
    n = s.n
    _, _, u_line = stake_utilities(m, s.line, s.weights, s.u_victory)
    c = np.ascontiguousarray
    value, tv = np.empty((n, 2)), np.empty((n, 2, m.n_types))  # tv: (N, observer, T)
    _war_values(
        rhat,
        c(s.u_victory[:, 0], np.float64),
        c(s.u_victory[:, 1], np.float64),
        c(u_line, np.float64),
        p.stalemate,
        p.horizon,
        p.reservation,
        p.cost,
        p.type_cost,
        p.type_resolve,
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
    belief = c(s.type_belief, np.float64)
    if learn_types:
        # the log of each type's cost as the other sees it depends on the cost multipliers
        # alone, which change only when a shock replaces them: computed then, else reused
        known = p.log_cost_of
        if known is not None and known[0] is s.cost_mult:
            log_cost = known[1]
        else:
            with np.errstate(divide="ignore"):
                log_cost = np.log((m.cost * s.cost_mult)[:, ::-1, None] * m.type_cost)
            log_cost = c(log_cost, np.float64)
            p.log_cost_of = (s.cost_mult, log_cost)
        signal = c(s.cost_signal, np.float64)
        exponent = np.empty(log_cost.shape)
        _signal_exponents(signal, log_cost, p.noise, exponent)
        signal_lik = np.exp(exponent)
        new_belief = np.empty(tv.shape)
    else:
        log_cost = signal_lik = p.no_types
        signal = p.no_signal
        new_belief = belief
    other = np.empty((n, 2))
    _type_posterior(
        belief,
        tv,
        learn_types,
        signal,
        log_cost,
        signal_lik,
        c(s.refused_u, np.float64),
        c(s.offered_u, np.float64),
        p.noise,
        p.eps,
        p.tol,
        p.stated,
        new_belief,
        other,
        np.empty(m.n_types),
    )
    return value, new_belief, other


LEARN = Step("learn", _learn, lambda m: (0, 0))
