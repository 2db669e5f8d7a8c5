"""Compiled kernels of the trust formulas (:mod:`detente.core.jit`): the one implementation of
the evidence rule's increments and of expected trust, per element.

:mod:`detente.trust.vectorised` broadcasts its arrays and loops over them with these kernels;
the simulation's steps call the scalar kernels from their own per-run loops
(:func:`apply_observed_acts` applies a period's observed acts to a block's evidence). Only
``+ - * /`` and comparisons, in the order the formulas are written: the bits are NumPy's for
the same expressions.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from detente.core.jit import kernel

__all__ = [
    "apply_observed_acts",
    "expected_trust",
    "expected_trust_array",
    "increment",
    "increments_array",
]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


@kernel
def increment(
    sign: float, strength: float, positivity: float, negativity: float
) -> tuple[float, float]:
    """Evidence increments ``(Δr, Δs)`` of one act on one dimension: a good act (sign > 0)
    adds ``strength·positivity`` to r, a misdeed (sign < 0) ``strength·negativity`` to s,
    sign 0 (or NaN) nothing."""
    dr = strength * positivity if sign > 0 else 0.0
    ds = strength * negativity if sign < 0 else 0.0
    return dr, ds


@kernel
def increments_array(
    sign: FloatArray,
    strength: FloatArray,
    positivity: FloatArray,
    negativity: FloatArray,
    dr: FloatArray,
    ds: FloatArray,
) -> None:
    """:func:`increment` over flat arrays of the same length, into ``dr`` and ``ds``."""
    for i in range(sign.shape[0]):
        dr[i], ds[i] = increment(sign[i], strength[i], positivity[i], negativity[i])


@kernel
def expected_trust(r: float, s: float, a: float, W: float) -> float:
    """Expected trust ``P = (r + a·W) / (r + s + W)`` of evidence ``(r, s)``, base rate ``a``,
    prior weight ``W``."""
    return (r + a * W) / (r + s + W)


@kernel
def expected_trust_array(
    r: FloatArray, s: FloatArray, a: FloatArray, W: float, out: FloatArray
) -> None:
    """:func:`expected_trust` over flat arrays of the same length, into ``out``."""
    for i in range(r.shape[0]):
        out[i] = expected_trust(r[i], s[i], a[i], W)


@kernel
def apply_observed_acts(
    r: FloatArray,
    s: FloatArray,
    relevance: FloatArray,
    weight: FloatArray,
    acts: BoolArray,
    positivity: FloatArray,
    negativity: FloatArray,
) -> None:
    """A period's observed acts applied, in place, to a block's evidence ``r``, ``s``
    (runs, observer, dimension): ``acts`` (runs, observer, act) says which act each observer
    saw, ``relevance`` (observer, act, dimension) the acts' signed relevances, ``weight``
    (act,) their weights. Each observer's acts are applied in order, each as
    :func:`detente.trust.vectorised.apply_acts` applies it to the whole block with the act's
    weight where it was seen and 0 elsewhere (an act no run saw is not applied at all)."""
    n, n_obs, n_dim = r.shape
    n_act = weight.shape[0]
    # the acts some run saw, in order (the others are not applied)
    active = np.empty((n_obs, n_act), dtype=np.int64)
    n_active = np.zeros(n_obs, dtype=np.int64)
    for o in range(n_obs):
        for k in range(n_act):
            for i in range(n):
                if acts[i, o, k]:
                    active[o, n_active[o]] = k
                    n_active[o] += 1
                    break
    # the increments of every act, seen (1) or not (0): the same for every run
    dr = np.zeros((n_obs, n_act, 2, n_dim))
    ds = np.zeros((n_obs, n_act, 2, n_dim))
    for o in range(n_obs):
        for k in range(n_act):
            for seen in range(2):
                w = (1.0 if seen == 1 else 0.0) * weight[k]
                for d in range(n_dim):
                    rel = relevance[o, k, d]
                    dr[o, k, seen, d], ds[o, k, seen, d] = increment(
                        rel, abs(rel) * w, positivity[d], negativity[d]
                    )
    for i in range(n):
        for o in range(n_obs):
            for d in range(n_dim):
                rv, sv = r[i, o, d], s[i, o, d]
                for j in range(n_active[o]):
                    k = active[o, j]
                    seen = np.int64(acts[i, o, k])
                    rv = rv + dr[o, k, seen, d]
                    sv = sv + ds[o, k, seen, d]
                r[i, o, d], s[i, o, d] = rv, sv
