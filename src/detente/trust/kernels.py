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
    "acts_to_apply",
    "apply_observed_acts",
    "apply_run_acts",
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
    applied only to evidence that holds a ``-0.0`` (:func:`acts_to_apply`)."""
    n, n_obs = acts.shape
    for i in range(n):
        for o in range(n_obs):
            active[o] |= acts[i, o]
    for i in range(n):
        for o in range(n_obs):
            bits = acts[i, o]
            apply_run_acts(
                r, s, i, o, dr, ds, bits, acts_to_apply(r, s, i, o, bits, active[o], moves)
            )


@kernel
def acts_to_apply(
    r: FloatArray, s: FloatArray, i: int, o: int, bits: int, active: int, moves: IntArray
) -> int:
    """The acts (bits) :func:`apply_observed_acts` applies to run ``i``'s evidence of observer
    ``o``, which saw acts ``bits``, some run having seen acts ``active``: an act's increments
    that are all ``+0.0`` (an act not seen, or a weight of 0: ``moves``) change nothing but a
    ``-0.0`` (to ``+0.0``), so they are applied only when this evidence holds a ``-0.0``
    (``x + 0.0`` is ``x`` bit for bit for every other ``x``, and no sum of floats that are
    not ``-0.0`` is ``-0.0``)."""
    for d in range(r.shape[2]):
        if _negative_zero(r[i, o, d]) or _negative_zero(s[i, o, d]):
            return active
    return (bits & moves[o, 1]) | (active & ~bits & moves[o, 0])


@kernel
def apply_run_acts(
    r: FloatArray,
    s: FloatArray,
    i: int,
    o: int,
    dr: FloatArray,
    ds: FloatArray,
    bits: int,
    apply: int,
) -> None:
    """Acts ``apply`` (bit ``k`` set: act ``k``) added in turn, in place, to run ``i``'s
    evidence of observer ``o`` (:func:`apply_observed_acts`), each with its increments as
    seen where ``bits`` has its bit, else as not seen."""
    k = 0
    while apply != 0:
        if apply & 1:
            seen = (bits >> k) & 1
            for d in range(r.shape[2]):
                r[i, o, d] = r[i, o, d] + dr[o, k, seen, d]
                s[i, o, d] = s[i, o, d] + ds[o, k, seen, d]
        apply >>= 1
        k += 1


@kernel
def _negative_zero(x: float) -> bool:
    return x == 0.0 and math.copysign(1.0, x) < 0.0
