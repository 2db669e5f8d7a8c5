"""Learning while fighting: each side's beliefs and its value of fighting on (pure arrays).

The bargaining model of war (Fearon 1995; references §2): war happens when the parties'
estimates of what fighting would bring leave no deal both prefer, through private information
and mutual optimism; fighting and bargaining reveal that information until a deal is
possible (Slantchev 2003; Smith & Stam 2004; Powell 2004). Here each belligerent holds:

**A belief about the balance of forces** β (the standardised drift of the front toward A; A
wins a period's battle when ``β + z > 0``, ``z ~ N(0, 1)``, so ``r = Φ(β)``). Beliefs are
normal, ``β ~ N(μ, 1/κ)``, with a prior centred on what capabilities suggest plus each side's
optimism (``κ₀`` = ``belief_strength`` battles' worth), and are updated by the conjugate
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

from detente.core.jit import kernel
from detente.simulate.model import SimModel, utility

__all__ = [
    "balance_prior",
    "balance_update",
    "believed_r",
    "cost_signal_likelihood",
    "expected_other_value",
    "fighting_values",
    "normalise",
    "offer_likelihood",
    "predictive_z",
    "refusal_likelihood",
    "stake_utilities",
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


_FLOAT_MAX = float(np.finfo(np.float64).max)


@kernel
def balance_update(mean: float, prec: float, y: float, seen: bool) -> tuple[float, float]:
    """Conjugate normal update of one side's belief ``(mean, prec)`` by the observed movement
    ``y`` (when ``seen``; a NaN ``y`` counts as 0, an infinite one as the largest float, as
    ``np.nan_to_num`` gives): the new ``(mean, prec)``."""
    add = 1.0 if seen else 0.0
    if np.isnan(y):
        y = 0.0
    elif y == np.inf:
        y = _FLOAT_MAX
    elif y == -np.inf:
        y = -_FLOAT_MAX
    new_prec = prec + add
    return (mean * prec + add * y) / new_prec, new_prec


@kernel
def predictive_z(mean: float, prec: float) -> float:
    """``μ / √(1 + 1/κ)``: the believed chance that A wins a battle is its ``Φ``."""
    z: float = mean / np.sqrt(1.0 + 1.0 / prec)
    return z


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


def _lottery(
    m: SimModel, r: FloatArray, u_va: FloatArray, u_vb: FloatArray, u_line: FloatArray
) -> FloatArray:
    s = m.stalemate
    out: FloatArray = (1.0 - s) * (r * u_va + (1.0 - r) * u_vb) + s * u_line
    return out


def fighting_values(
    m: SimModel,
    rhat: FloatArray,
    stakes: tuple[FloatArray, FloatArray, FloatArray],
    cost_eff: FloatArray,
) -> FloatArray:
    """Each side's value of fighting on under its own belief ``rhat`` (N, 2), with its
    effective cost per period ``cost_eff`` (N, 2); a stated reservation overrides it."""
    u_va, u_vb, u_line = stakes
    v = _lottery(m, rhat, u_va, u_vb, u_line) - cost_eff * m.horizon_factor
    out: FloatArray = np.where(np.isnan(m.reservation[:2]), v, m.reservation[:2])
    return out


def type_values(
    m: SimModel,
    rhat: FloatArray,
    stakes: tuple[FloatArray, FloatArray, FloatArray],
    type_cost: FloatArray,
) -> FloatArray:
    """What each side believes the *other* gets from fighting if the other is of type t:
    (N, 2, T), indexed by the observer. ``type_cost`` (N, 2, T): the other's effective cost
    per period for each type, indexed by the other side."""
    u_va, u_vb, u_line = stakes
    out = np.empty(type_cost.shape)
    for s in (0, 1):
        o = 1 - s
        lot = _lottery(m, rhat[:, s], u_va[:, o], u_vb[:, o], u_line[:, o])
        out[:, s] = lot[:, None] - type_cost[:, o] * m.horizon_factor[o]
    return out


def expected_other_value(m: SimModel, belief: FloatArray, tv: FloatArray) -> FloatArray:
    """Each side's expected value of fighting of the other, (N, 2); NaN where the other's
    reservation is stated (the stated figure is the analyst's, not the side's knowledge)."""
    e = (belief * tv).sum(axis=2)
    stated = ~np.isnan(m.reservation[:2])[::-1]
    out: FloatArray = np.where(stated, np.nan, e)
    return out


def normalise(belief: FloatArray) -> FloatArray:
    """Rescale a categorical belief to sum to 1 over the last axis."""
    out: FloatArray = belief / np.maximum(belief.sum(axis=-1, keepdims=True), 1e-300)
    return out


def cost_signal_likelihood(signal: FloatArray, log_cost: FloatArray, noise: float) -> FloatArray:
    """Likelihood of an observed log cost ``signal`` (N, 2) under each type's log cost
    (N, 2, T): 1 where nothing was observed (NaN)."""
    z = (signal[:, :, None] - log_cost) / noise
    out: FloatArray = np.where(np.isnan(z), 1.0, np.exp(-0.5 * np.nan_to_num(z) ** 2))
    return out


def refusal_likelihood(refused_u: FloatArray, tv: FloatArray, eps: float, tol: float) -> FloatArray:
    """Screening: the other refused an offer worth ``refused_u`` (N, 2) to it (NaN: none);
    a type refuses if its value of fighting ``tv`` (N, 2, T) is at least that."""
    refuses = tv >= refused_u[:, :, None] - tol
    lik = np.where(refuses, 1.0 - eps, eps)
    out: FloatArray = np.where(np.isnan(refused_u)[:, :, None], 1.0, lik)
    return out


def offer_likelihood(offered_u: FloatArray, tv: FloatArray, eps: float, tol: float) -> FloatArray:
    """Offers made: the other offered terms worth ``offered_u`` (N, 2) to itself; a type whose
    value of fighting exceeds that would not have."""
    worse = tv > offered_u[:, :, None] + tol
    lik = np.where(worse, eps, 1.0 - eps)
    out: FloatArray = np.where(np.isnan(offered_u)[:, :, None], 1.0, lik)
    return out
