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

from detente.core.jit import inline_kernel, kernel

__all__ = [
    "active_acts",
    "apply_observed_acts",
    "apply_observed_acts_into",
    "expected_trust",
    "expected_trust_array",
    "fold_observed_acts",
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
    increments), the acts in turn (:func:`apply_observed_acts_into`)."""
    apply_observed_acts_into(r, s, dr, ds, acts, active, r, s)


@kernel
def apply_observed_acts_into(
    r0: FloatArray,
    s0: FloatArray,
    dr: FloatArray,
    ds: FloatArray,
    acts: IntArray,
    active: IntArray,
    r: FloatArray,
    s: FloatArray,
) -> None:
    """:func:`apply_observed_acts` of the evidence ``r0``, ``s0`` into ``r``, ``s`` (the same
    arrays, or others of their shape): the acts some run saw found first, then one pass over
    the runs (:func:`fold_observed_acts`)."""
    n, n_obs = acts.shape
    for i in range(n):
        for o in range(n_obs):
            active[o] |= acts[i, o]
    on, n_on = active_acts(active, dr.shape[1])
    for i in range(n):
        fold_observed_acts(r0, s0, dr, ds, acts, on, n_on, i, r, s)


@kernel
def active_acts(active: IntArray, n_act: int) -> tuple[IntArray, IntArray]:
    """Each observer's acts that some run saw (bits of ``active``), in order: (observer,
    act) indices and their number per observer."""
    n_obs = active.shape[0]
    on = np.zeros((n_obs, n_act), dtype=np.int64)
    n_on = np.zeros(n_obs, dtype=np.int64)
    for o in range(n_obs):
        for k in range(n_act):
            if (active[o] >> k) & 1:
                on[o, n_on[o]] = k
                n_on[o] += 1
    return on, n_on


@inline_kernel
def fold_observed_acts(
    r0: FloatArray,
    s0: FloatArray,
    dr: FloatArray,
    ds: FloatArray,
    acts: IntArray,
    on: IntArray,
    n_on: IntArray,
    i: int,
    r: FloatArray,
    s: FloatArray,
) -> None:
    """Run ``i``'s evidence ``r0``, ``s0`` with the acts ``on`` (:func:`active_acts`) added
    in order, each as seen or not by the run (``acts``), into ``r``, ``s``: each entry's
    additions, in the order of the acts, as applying the acts in turn to the whole block
    adds them (the same bits). Four dimensions (the trust dimensions) are kept in
    registers; any other number is added in memory."""
    n_d = r0.shape[2]
    for o in range(acts.shape[1]):
        a = acts[i, o]
        if n_d == 4:
            x0, x1, x2, x3 = r0[i, o, 0], r0[i, o, 1], r0[i, o, 2], r0[i, o, 3]
            y0, y1, y2, y3 = s0[i, o, 0], s0[i, o, 1], s0[i, o, 2], s0[i, o, 3]
            for j in range(n_on[o]):
                k = on[o, j]
                seen = (a >> k) & 1
                x0 = x0 + dr[o, k, seen, 0]
                x1 = x1 + dr[o, k, seen, 1]
                x2 = x2 + dr[o, k, seen, 2]
                x3 = x3 + dr[o, k, seen, 3]
                y0 = y0 + ds[o, k, seen, 0]
                y1 = y1 + ds[o, k, seen, 1]
                y2 = y2 + ds[o, k, seen, 2]
                y3 = y3 + ds[o, k, seen, 3]
            r[i, o, 0], r[i, o, 1], r[i, o, 2], r[i, o, 3] = x0, x1, x2, x3
            s[i, o, 0], s[i, o, 1], s[i, o, 2], s[i, o, 3] = y0, y1, y2, y3
            continue
        for d in range(n_d):
            x, y = r0[i, o, d], s0[i, o, d]
            for j in range(n_on[o]):
                k = on[o, j]
                seen = (a >> k) & 1
                x = x + dr[o, k, seen, d]
                y = y + ds[o, k, seen, d]
            r[i, o, d] = x
            s[i, o, d] = y
