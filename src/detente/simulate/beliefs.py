"""Learning while fighting: each side's beliefs and its value of fighting on (pure arrays).

The bargaining model of war (Fearon 1995; references §2): war happens when the parties'
estimates of what fighting would bring leave no deal both prefer, through private information
and mutual optimism; fighting and bargaining reveal that information until a deal is
possible (Slantchev 2003; Smith & Stam 2004; Powell 2004). Here each belligerent holds:

**A belief about the balance of forces** β (the standardised drift of the front toward A; A
wins a period's battle when ``β + z > 0``, ``z ~ N(0, 1)``, so ``r = Φ(β)``). Beliefs are
normal, ``β ~ N(μ, 1/κ)``, with a prior centred on what capabilities suggest, or, where the
scenario states the front's drift, on the balance that drift shows (:func:`prior_r`), plus each
side's optimism (``κ₀`` = ``belief_strength`` battles' worth), and are updated by the conjugate
normal rule from every period's observed movement of the front ``y = β + z`` (both sides see
the same battles but start from different priors: Smith & Stam 2004):
``κ' = κ + 1``, ``μ' = (κ μ + y) / κ'``. A side's believed chance that A wins a battle is the
predictive ``r̂ = Φ(μ / √(1 + 1/κ))``.

**A belief about the other's type** (its cost of fighting and resolve, a categorical posterior
over the model's 3 × 3 grid of types), updated by Bayes' rule from

- *costly signals*: each period of fighting it sees the other's cost with log-normal noise
  (``cost_signal_noise``): likelihood ``φ((log ĉ − log(q_t·m))/σ)``;
- *screening* (Powell 2004): a refused offer worth ``u`` to the other is likely for types whose
  value of fighting exceeds ``u`` (``1 − ε``) and unlikely for the others (``ε`` =
  ``screening_noise``);
- *offers made*: a type whose value of fighting exceeds what its own offer leaves it would not
  make that offer (likelihood ``ε``).

**Values.** A side's value of fighting on is the bargaining engine's war lottery under its own
belief, with the current line as the stalemate outcome, less its effective cost over the war's
horizon: ``V = (1 − s) r̂ U(x_A) + (1 − s)(1 − r̂) U(x_B) + s U(line) − (c·q/ρ)·Σ_{t<H} δ^t``.
Its estimate of the other's value (what the other needs from a deal) is the same lottery for
the other under its own belief, with the other's cost and resolve averaged over its posterior:
demands follow beliefs.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy.special import ndtr, ndtri

from detente.core.jit import kernel, nan_to_num
from detente.simulate.model import SimModel, utility

__all__ = [
    "balance_prior",
    "balance_update",
    "believed_r",
    "block_sum",
    "fighting_value",
    "fighting_values",
    "front_balance",
    "lottery",
    "net_cost",
    "offer_weight",
    "pairwise_sum",
    "predictive_scale",
    "predictive_z",
    "prior_r",
    "refusal_weight",
    "signal_seen",
    "signal_z",
    "stake_utilities",
    "stated_fronts",
    "update_balance",
]

FloatArray = NDArray[np.float64]
_R_CLIP = 1e-6


def balance_prior(
    r0: FloatArray, optimism: float, strength: float
) -> tuple[FloatArray, FloatArray]:
    """Each side's prior (mean, precision) about β, (N, 2): A believes A wins a battle with
    ``r0 + g/2``, B with ``r0 − g/2`` (``g`` = optimism), each worth ``strength`` battles."""
    g = optimism / 2.0
    r = np.stack([r0 + g, r0 - g], axis=1)
    r = np.clip(r, 0.01, 0.99)
    prec = np.full_like(r, float(strength))
    mean = ndtri(r) * np.sqrt(1.0 + 1.0 / prec)
    return mean, prec


def stated_fronts(m: SimModel) -> NDArray[np.bool_]:
    """The issues whose drift the scenario states, (I,): the front moves them (with a
    volatility) and their drift is a stated distribution (``front.drift`` ≠ 0 or
    ``front.drift_sd`` > 0). An issue the front moves without a stated drift drifts by the
    engine's default (none) but is no evidence of the balance: an unknown trend is not a
    standstill. (A drift stated as exactly 0 with no uncertainty is the schema's default and
    reads as unstated.)"""
    moving = m.front_moves & (m.front_volatility > 0)
    out: NDArray[np.bool_] = moving & ((m.front_drift != 0.0) | (m.front_drift_sd > 0.0))
    return out


def front_balance(m: SimModel, drift: FloatArray) -> FloatArray:
    """The balance of forces a front drifting by ``drift`` (N, I) shows: (N,),
    ``β = mean_i dir_i · drift_i / σ_i`` over the issues whose drift is stated
    (:func:`stated_fronts`), 0 (even) where none is. The one reading of the front for the run's
    true balance ``β₀`` (``state.initial_state``, on each run's drawn drift) and for the centre
    of the sides' prior (:func:`prior_r`, on the stated drift): both read the same information.
    The fight step moves issue ``i`` by ``drift_i + dir_i · σ_i · (β_t − β₀ + z)`` and A wins a
    battle when ``β_t + z > 0``, so the battles the sides observe have mean ``β₀``."""
    stated = stated_fronts(m)
    if not stated.any():
        out: FloatArray = np.zeros(drift.shape[0])
        return out
    with np.errstate(invalid="ignore", divide="ignore"):
        std = np.where(m.front_volatility > 0, m.direction * drift / m.front_volatility, 0.0)
    out = std[:, stated].mean(axis=1)
    return out


def prior_r(m: SimModel, r0: FloatArray) -> FloatArray:
    """The chance that A wins a battle the priors are centred on: (N,).

    Where the scenario states the front's drift on at least one issue the front moves
    (:func:`stated_fronts`), ``Φ(β̄)``, ``β̄`` the balance the stated drifts show
    (:func:`front_balance`: the mean of ``dir_i · drift_i / σ_i`` over the stated issues only,
    as for the run's true balance ``β₀``, so a run at the stated drift has ``β₀ = β̄``, expects
    the stated drift per period and A wins a battle with chance ``Φ(β̄)``). Beliefs formed on the
    battlefield before the snapshot (Slantchev 2003; Smith & Stam 2004; Reiter 2009) start
    from what the front has shown, not from the capability ratio ``r0``, which is returned
    where no drift is stated: then the sides have no battlefield record in the scenario and
    start from what capabilities suggest (Fearon 1995; Blainey 1973), while the front has no
    trend (the engine's default), and fighting teaches them the balance is even."""
    if not stated_fronts(m).any():
        return r0
    beta = front_balance(m, m.front_drift[None, :])
    out: FloatArray = np.full(r0.shape, float(ndtr(beta[0])))
    return out


@kernel
def balance_update(mean: float, prec: float, y: float, seen: bool) -> tuple[float, float]:
    """Conjugate normal update of one side's belief ``(mean, prec)`` by the observed movement
    ``y`` (when ``seen``; a NaN ``y`` counts as 0, an infinite one as the largest float, as
    ``np.nan_to_num`` gives): the new ``(mean, prec)``."""
    add = 1.0 if seen else 0.0
    y = nan_to_num(y, 0.0)
    new_prec = prec + add
    return (mean * prec + add * y) / new_prec, new_prec


@kernel
def predictive_z(mean: float, prec: float) -> float:
    """``μ / √(1 + 1/κ)``: the believed chance that A wins a battle is its ``Φ``."""
    z: float = mean / predictive_scale(prec)
    return z


@kernel
def predictive_scale(prec: float) -> float:
    """``√(1 + 1/κ)``, the predictive spread of a belief of precision ``κ``
    (:func:`predictive_z`)."""
    out: float = np.sqrt(1.0 + 1.0 / prec)
    return out


@kernel
def _update_balance(
    mean: FloatArray,
    prec: FloatArray,
    y: FloatArray,
    seen: NDArray[np.bool_],
    new_mean: FloatArray,
    new_prec: FloatArray,
) -> None:
    for i in range(mean.shape[0]):
        for side in range(mean.shape[1]):
            new_mean[i, side], new_prec[i, side] = balance_update(
                mean[i, side], prec[i, side], y[i], seen[i]
            )


@kernel
def _predictive_z(mean: FloatArray, prec: FloatArray, out: FloatArray) -> None:
    for i in range(mean.shape[0]):
        out[i] = predictive_z(mean[i], prec[i])


def update_balance(
    mean: FloatArray, prec: FloatArray, y: FloatArray, seen: NDArray[np.bool_]
) -> tuple[FloatArray, FloatArray]:
    """Conjugate normal update of both sides' beliefs (N, 2) by the observed movement ``y``
    (N,) where ``seen`` (N,) (:func:`balance_update`)."""
    new_mean, new_prec = np.empty(mean.shape), np.empty(mean.shape)
    c = np.ascontiguousarray
    _update_balance(
        c(mean, np.float64),
        c(prec, np.float64),
        c(y, np.float64),
        c(seen, np.bool_),
        new_mean,
        new_prec,
    )
    return new_mean, new_prec


def believed_r(mean: FloatArray, prec: FloatArray) -> FloatArray:
    """Predictive chance that A wins a battle, ``Φ(μ / √(1 + 1/κ))`` (:func:`predictive_z`),
    per side (any shape)."""
    shape = np.broadcast_shapes(np.shape(mean), np.shape(prec))
    z = np.empty(shape)
    m, p = (np.array(np.broadcast_to(a, shape), dtype=np.float64).ravel() for a in (mean, prec))
    _predictive_z(m, p, z.ravel())
    out: FloatArray = ndtr(z)
    return out


def true_beta(r: FloatArray) -> FloatArray:
    """β of a chance ``r`` that A wins a battle."""
    out: FloatArray = ndtri(np.clip(r, _R_CLIP, 1.0 - _R_CLIP))
    return out


def stake_utilities(
    m: SimModel, line: FloatArray, weights: FloatArray | None, u_victory: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Each belligerent's utility of A's victory, B's victory and the current line: (N, 2)
    each (weights: the model's, or per run (N, A, I); ``u_victory`` (N or 1, 2, 2) the
    victory utilities, which do not change within a run)."""
    w = m.weights[:2] if weights is None else weights[:, :2]
    u_line = utility(m.ideal[:2], w, m.risk[:2], line)
    return u_victory[:, 0], u_victory[:, 1], u_line


@kernel
def lottery(stalemate: float, r: float, u_va: float, u_vb: float, u_line: float) -> float:
    """The war lottery: ``(1 − s)(r U(x_A) + (1 − r) U(x_B)) + s U(line)``."""
    out: float = (1.0 - stalemate) * (r * u_va + (1.0 - r) * u_vb) + stalemate * u_line
    return out


@kernel
def fighting_value(
    stalemate: float,
    r: float,
    u_va: float,
    u_vb: float,
    u_line: float,
    cost_eff: float,
    horizon_factor: float,
    reservation: float,
) -> float:
    """A side's value of fighting on: the war lottery under its belief ``r`` less its
    effective cost per period over the war's horizon; a stated ``reservation`` (not NaN)
    overrides it."""
    if not np.isnan(reservation):
        return reservation
    out: float = lottery(stalemate, r, u_va, u_vb, u_line) - cost_eff * horizon_factor
    return out


@kernel
def net_cost(gross: float, relief: float, resolve: float) -> float:
    """Effective cost per period: ``max(gross − relief, 0) / resolve`` (NaN propagates)."""
    x = gross - relief
    if not (x > 0.0 or np.isnan(x)):
        x = 0.0
    out: float = x / resolve
    return out


@kernel
def refusal_weight(refused_u: float, type_value: float, eps: float, tol: float) -> float:
    """Screening: likelihood that a type whose value of fighting is ``type_value`` refused an
    offer worth ``refused_u`` to it (NaN: none refused): ``1 − ε`` if it is at least that,
    else ``ε``."""
    if np.isnan(refused_u):
        return 1.0
    return 1.0 - eps if type_value >= refused_u - tol else eps


@kernel
def offer_weight(offered_u: float, type_value: float, eps: float, tol: float) -> float:
    """Offers made: likelihood that a type whose value of fighting is ``type_value`` offered
    terms worth ``offered_u`` to itself (NaN: none): ``ε`` if its value exceeds that, else
    ``1 − ε``."""
    if np.isnan(offered_u):
        return 1.0
    return eps if type_value > offered_u + tol else 1.0 - eps


@kernel
def signal_z(signal: float, log_cost: float, noise: float) -> float:
    """Standardised gap between an observed log cost and a type's: NaN if nothing was seen."""
    out: float = (signal - log_cost) / noise
    return out


@kernel
def signal_seen(signal: float, log_cost: float, noise: float) -> bool:
    """Whether :func:`signal_z` is a number (not NaN), without its division: an IEEE
    quotient ``d / noise`` is NaN exactly when ``d`` or ``noise`` is NaN, both are zero, or
    both are infinite (``d = signal − log_cost``)."""
    d = signal - log_cost
    if np.isnan(d) or np.isnan(noise):
        return False
    if d == 0.0 and noise == 0.0:
        return False
    return not (np.isinf(d) and np.isinf(noise))


@kernel
def pairwise_sum(a: FloatArray, n: int) -> float:
    """``a[:n].sum()`` as NumPy sums a contiguous axis (its pairwise summation, from 0.0):
    the same bits. NumPy halves a sum of more than 128 terms (the first half a multiple of 8
    terms) until each part has at most 128: done here with a stack (cached kernels cannot
    recurse)."""
    if n <= 128:
        return 0.0 + block_sum(a, 0, n)
    depth = 64
    lo_s, n_s = np.empty(depth, np.int64), np.empty(depth, np.int64)
    half_s, stage = np.empty(depth, np.int64), np.zeros(depth, np.int64)
    left = np.empty(depth)
    sp = 0
    lo_s[0], n_s[0], stage[0] = 0, n, 0
    while True:
        lo, m = lo_s[sp], n_s[sp]
        if m > 128:  # split: the left part first
            h = m // 2
            h -= h % 8
            half_s[sp], stage[sp] = h, 1
            sp += 1
            lo_s[sp], n_s[sp], stage[sp] = lo, h, 0
            continue
        v = block_sum(a, lo, m)
        sp -= 1
        while sp >= 0 and stage[sp] == 2:  # a right part done: add it to its left part
            v = left[sp] + v
            sp -= 1
        if sp < 0:
            return 0.0 + v
        left[sp], stage[sp] = v, 2  # a left part done: the right part next
        h = half_s[sp]
        lo_r, n_r = lo_s[sp] + h, n_s[sp] - h
        sp += 1
        lo_s[sp], n_s[sp], stage[sp] = lo_r, n_r, 0


@kernel
def block_sum(a: FloatArray, lo: int, n: int) -> float:
    """NumPy's pairwise sum of ``a[lo:lo + n]`` before it is added to 0.0 (see
    :func:`pairwise_sum`), ``n`` ≤ 128: in order below 8 terms, else 8 running sums added as a
    tree, then the rest in order."""
    if n < 8:
        res = 0.0
        for i in range(lo, lo + n):
            res = res + a[i]
        return res
    r0, r1, r2, r3 = a[lo], a[lo + 1], a[lo + 2], a[lo + 3]
    r4, r5, r6, r7 = a[lo + 4], a[lo + 5], a[lo + 6], a[lo + 7]
    i = 8
    while i < n - n % 8:
        j = lo + i
        r0, r1, r2, r3 = r0 + a[j], r1 + a[j + 1], r2 + a[j + 2], r3 + a[j + 3]
        r4, r5, r6, r7 = r4 + a[j + 4], r5 + a[j + 5], r6 + a[j + 6], r7 + a[j + 7]
        i += 8
    acc: float = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        acc = acc + a[lo + i]
        i += 1
    return acc


@kernel
def _fighting_values(
    rhat: FloatArray,
    u_va: FloatArray,
    u_vb: FloatArray,
    u_line: FloatArray,
    cost_eff: FloatArray,
    stalemate: float,
    horizon_factor: FloatArray,
    reservation: FloatArray,
    out: FloatArray,
) -> None:
    for i in range(rhat.shape[0]):
        for side in range(2):
            out[i, side] = fighting_value(
                stalemate,
                rhat[i, side],
                u_va[i, side],
                u_vb[i, side],
                u_line[i, side],
                cost_eff[i, side],
                horizon_factor[side],
                reservation[side],
            )


def fighting_values(
    m: SimModel,
    rhat: FloatArray,
    stakes: tuple[FloatArray, FloatArray, FloatArray],
    cost_eff: FloatArray,
) -> FloatArray:
    """Each side's value of fighting on under its own belief ``rhat`` (N, 2), with its
    effective cost per period ``cost_eff`` (N, 2); a stated reservation overrides it
    (:func:`fighting_value`)."""
    shape = np.broadcast_shapes(np.shape(rhat), *(np.shape(x) for x in stakes), np.shape(cost_eff))
    rows = (shape[0], 2)
    u_va, u_vb, u_line = (np.array(np.broadcast_to(x, rows), dtype=np.float64) for x in stakes)
    out = np.empty(rows)
    _fighting_values(
        np.array(np.broadcast_to(rhat, rows), dtype=np.float64),
        u_va,
        u_vb,
        u_line,
        np.array(np.broadcast_to(cost_eff, rows), dtype=np.float64),
        float(m.stalemate),
        np.array(np.broadcast_to(m.horizon_factor, 2), dtype=np.float64),
        np.array(m.reservation[:2], dtype=np.float64),
        out,
    )
    return out
