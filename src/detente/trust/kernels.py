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
    acts: IntArray,
    active: IntArray,
) -> None:
    """A period's observed acts applied, in place, to a block's evidence ``r``, ``s``
    (runs, observer, dimension): ``acts`` (runs, observer) the acts each observer saw (bit
    ``k`` set: it saw act ``k``); ``dr``, ``ds`` (observer, act, seen, dimension) the
    increments of each act seen (1) or not (0)
    (:func:`detente.trust.vectorised.observed_act_increments`); ``active`` (observer,) zeros,
    set to the acts some run saw.

    The result is, bit for bit, that of applying each act in turn to the whole block as
    :func:`detente.trust.vectorised.apply_acts` does, with the act's weight where it was seen
    and 0 elsewhere, and an act no run saw not at all: each act some run saw is added to
    every run, as seen or not (without a branch on what the run saw: it picks the
    increments), the acts in turn."""
    n, n_obs = acts.shape
    for i in range(n):
        for o in range(n_obs):
            active[o] |= acts[i, o]
    for o in range(n_obs):
        for k in range(dr.shape[1]):
            if not (active[o] >> k) & 1:
                continue
            for i in range(n):
                seen = (acts[i, o] >> k) & 1
                for d in range(r.shape[2]):
                    r[i, o, d] = r[i, o, d] + dr[o, k, seen, d]
                    s[i, o, d] = s[i, o, d] + ds[o, k, seen, d]
