"""Compiled kernels of the trust formulas (:mod:`detente.core.jit`): the one implementation of
the evidence rule's increments and of expected trust, per element.

:mod:`detente.trust.vectorised` broadcasts its arrays and loops over them with these kernels;
the simulation's steps call the scalar kernels from their own per-run loops
(:func:`apply_observed_acts` applies a period's observed acts to a block's evidence). Only
``+ - * /`` and comparisons, in the order the formulas are written: the bits are NumPy's for
the same expressions.
"""

from __future__ import annotations

import math

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
IntArray = NDArray[np.int64]


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
    dr: FloatArray,
    ds: FloatArray,
    moves: IntArray,
    acts: IntArray,
    active: IntArray,
) -> None:
    """A period's observed acts applied, in place, to a block's evidence ``r``, ``s``
    (runs, observer, dimension): ``acts`` (runs, observer) the acts each observer saw (bit
    ``k`` set: it saw act ``k``); ``dr``, ``ds`` (observer, act, seen, dimension) the
    increments of each act seen (1) or not (0), ``moves`` (observer, seen) which acts'
    increments are not all ``+0.0`` (:func:`detente.trust.vectorised.observed_act_increments`);
    ``active`` (observer,) zeros, set to the acts some run saw.

    The result is, bit for bit, that of applying each act in turn to the whole block as
    :func:`detente.trust.vectorised.apply_acts` does, with the act's weight where it was seen
    and 0 elsewhere, and an act no run saw not at all. Increments that are all ``+0.0`` (an
    act not seen, or a weight of 0) change nothing but a ``-0.0`` (to ``+0.0``): they are
    applied only when some evidence holds a ``-0.0``."""
    n, n_obs, n_dim = r.shape
    for i in range(n):
        for o in range(n_obs):
            active[o] |= acts[i, o]
    # skipping the +0.0 increments is exact unless some evidence is -0.0 (x + 0.0 == x bit
    # for bit for every other x, and no sum of floats that are not -0.0 is -0.0)
    has_neg_zero = False
    for i in range(n):
        for o in range(n_obs):
            for d in range(n_dim):
                has_neg_zero |= _negative_zero(r[i, o, d]) | _negative_zero(s[i, o, d])
    for i in range(n):
        for o in range(n_obs):
            act = active[o]
            bits = acts[i, o]
            apply = act if has_neg_zero else (bits & moves[o, 1]) | (act & ~bits & moves[o, 0])
            k = 0
            while apply != 0:
                if apply & 1:
                    seen = (bits >> k) & 1
                    for d in range(n_dim):
                        r[i, o, d] = r[i, o, d] + dr[o, k, seen, d]
                        s[i, o, d] = s[i, o, d] + ds[o, k, seen, d]
                apply >>= 1
                k += 1


@kernel
def _negative_zero(x: float) -> bool:
    return x == 0.0 and math.copysign(1.0, x) < 0.0
