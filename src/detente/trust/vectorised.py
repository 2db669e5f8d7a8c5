"""Array-level trust updates for the vectorised simulator: no Python loops.

All functions take and return arrays of evidence (``r``, ``s``) of any (broadcastable) shape,
so a simulator can hold, e.g., ``(runs, truster, trustee, dimension)`` arrays and update every
run at once. They are the same formulas the replay engine uses (see
``docs/explanation/trust-model.md``); the evidence rule's increments and expected trust are
computed element by element by the compiled kernels of :mod:`detente.trust.kernels`, which the
simulation's steps also call from their own loops over runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray

from detente.trust.kernels import expected_trust_array, increments_array

if TYPE_CHECKING:
    from detente.trust.rules import EvidenceRule

__all__ = [
    "act_increments",
    "apply_acts",
    "apply_evidence",
    "decay",
    "expected",
    "observed_act_increments",
    "opinion_arrays",
]

FloatArray = NDArray[np.float64]


def act_increments(
    sign: ArrayLike,
    strength: ArrayLike,
    positivity: ArrayLike = 1.0,
    negativity: ArrayLike = 1.0,
) -> tuple[FloatArray, FloatArray]:
    """Evidence increments ``(Δr, Δs)`` of acts, elementwise over any broadcastable shape
    (e.g. ``(runs, side, dimension)``): a good act (sign > 0) adds ``strength·positivity`` to
    r, a misdeed (sign < 0) ``strength·negativity`` to s, sign 0 nothing.

    The one formula of the evidence rule: the replay's
    :meth:`detente.trust.rules.EvidenceRule.increments` and the simulation's
    :func:`apply_acts` both call it."""
    sg = np.asarray(sign, dtype=np.float64)
    st = np.asarray(strength, dtype=np.float64)
    if np.any(st < 0):
        raise ValueError("strength must be >= 0")
    pos = np.asarray(positivity, dtype=np.float64)
    neg = np.asarray(negativity, dtype=np.float64)
    shape = np.broadcast_shapes(sg.shape, st.shape, pos.shape, neg.shape)
    dr, ds = np.empty(shape), np.empty(shape)
    f = _flat
    increments_array(
        f(sg, shape), f(st, shape), f(pos, shape), f(neg, shape), dr.ravel(), ds.ravel()
    )
    return dr, ds


def _flat(x: FloatArray, shape: tuple[int, ...]) -> FloatArray:
    """``x`` broadcast to ``shape``, as a new flat array (a kernel's input: contiguous and
    writable whatever ``x`` is, so that the kernel has a single compiled signature)."""
    return np.array(np.broadcast_to(x, shape), dtype=np.float64).ravel()


def apply_evidence(
    r: ArrayLike,
    s: ArrayLike,
    valence: ArrayLike,
    weight: ArrayLike,
    negativity: ArrayLike = 1.0,
    positivity: ArrayLike = 1.0,
) -> tuple[FloatArray, FloatArray]:
    """Add weighted evidence: valence > 0 adds ``positivity·weight`` to r, valence < 0 adds
    ``negativity·weight`` to s, valence == 0 adds nothing. Returns new arrays.

    ``weight`` (≥ 0) is the observation's effective weight (magnitude × verification ×
    cost factor × source accuracy); ``negativity``/``positivity`` are per-dimension
    multipliers (misdeeds weigh more for intention and integrity, shown ability for capacity).
    """
    w = np.asarray(weight, dtype=np.float64)
    if np.any(w < 0):
        raise ValueError("weight must be >= 0")
    dr, ds = act_increments(valence, w, positivity, negativity)
    return np.asarray(r, dtype=np.float64) + dr, np.asarray(s, dtype=np.float64) + ds


def apply_acts(
    r: ArrayLike,
    s: ArrayLike,
    relevance: ArrayLike,
    weight: ArrayLike,
    rule: EvidenceRule | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Acts applied to evidence as the replay applies them: ``relevance`` is the signed
    relevance per dimension (last axis, e.g. :data:`detente.trust.events.EVENT_EFFECTS`),
    ``weight`` (≥ 0, broadcasting against the leading axes, a trailing axis of 1 added) the
    act's weight; the increments are those of the evidence ``rule`` (default: the replay's,
    with its per-dimension weights for good acts and misdeeds)."""
    dr, ds = _act_increments(relevance, weight, rule)
    return np.asarray(r, dtype=np.float64) + dr, np.asarray(s, dtype=np.float64) + ds


def _act_increments(
    relevance: ArrayLike, weight: ArrayLike, rule: EvidenceRule | None
) -> tuple[FloatArray, FloatArray]:
    """The evidence increments of acts (:func:`apply_acts`)."""
    from detente.trust.rules import RULES, EvidenceRule

    ev = rule if rule is not None else RULES["evidence"]
    if not isinstance(ev, EvidenceRule):
        raise TypeError("apply_acts needs an evidence-state rule")
    rel = np.asarray(relevance, dtype=np.float64)
    w = np.asarray(weight, dtype=np.float64)
    if np.any(w < 0):
        raise ValueError("weight must be >= 0")
    return act_increments(np.sign(rel), np.abs(rel) * w[..., None], ev.positivity, ev.negativity)


def observed_act_increments(
    relevance: ArrayLike, weight: ArrayLike, rule: EvidenceRule | None = None
) -> tuple[FloatArray, FloatArray]:
    """The increments of acts, seen or not, as :func:`apply_acts` adds them, for
    :func:`detente.trust.kernels.apply_observed_acts`: ``relevance`` (observer, act,
    dimension) and ``weight`` (act,) give ``(Δr, Δs)`` (observer, act, seen, dimension), the
    act applied with its weight where seen (1) and 0 where not (0)."""
    rel = np.asarray(relevance, dtype=np.float64)
    w = np.asarray(weight, dtype=np.float64)
    w_seen = np.stack([0.0 * w, 1.0 * w], axis=1)  # (act, seen): the mask times the weight
    return _act_increments(rel[:, :, None, :], w_seen, rule)


def expected(r: ArrayLike, s: ArrayLike, a: ArrayLike = 0.5, W: float = 2.0) -> FloatArray:
    """Expected trust P = (r + a·W) / (r + s + W), elementwise."""
    ra, sa = np.asarray(r, dtype=np.float64), np.asarray(s, dtype=np.float64)
    aa = np.asarray(a, dtype=np.float64)
    shape = np.broadcast_shapes(ra.shape, sa.shape, aa.shape)
    out = np.empty(shape)
    f = _flat
    expected_trust_array(f(ra, shape), f(sa, shape), f(aa, shape), float(W), out.ravel())
    res: FloatArray = out[()]  # a NumPy scalar for scalar inputs, as NumPy's arithmetic gives
    return res


def opinion_arrays(
    r: ArrayLike, s: ArrayLike, W: float = 2.0
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Belief, disbelief and uncertainty arrays (b + d + u = 1 elementwise)."""
    ra, sa = np.asarray(r, dtype=np.float64), np.asarray(s, dtype=np.float64)
    n = ra + sa + W
    return ra / n, sa / n, W / n


def decay(
    r: ArrayLike,
    s: ArrayLike,
    days: ArrayLike,
    half_life_pos: float,
    half_life_neg: float,
) -> tuple[FloatArray, FloatArray]:
    """Forgetting over ``days``: r halves every ``half_life_pos`` days, s every
    ``half_life_neg`` days (bad memories last longer: ``half_life_neg > half_life_pos``).
    Infinite half-lives mean no forgetting."""
    t = np.asarray(days, dtype=np.float64)
    fp = np.exp2(-t / half_life_pos) if np.isfinite(half_life_pos) else np.ones_like(t)
    fn = np.exp2(-t / half_life_neg) if np.isfinite(half_life_neg) else np.ones_like(t)
    return np.asarray(r, dtype=np.float64) * fp, np.asarray(s, dtype=np.float64) * fn
