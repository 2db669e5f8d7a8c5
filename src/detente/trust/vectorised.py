"""Array-level trust updates for the vectorised simulator: pure NumPy, no Python loops.

All functions take and return arrays of evidence (``r``, ``s``) of any (broadcastable) shape,
so a simulator can hold, e.g., ``(runs, truster, trustee, dimension)`` arrays and update every
run at once. They are the same formulas the replay engine uses (see
``docs/explanation/trust-model.md``).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["apply_evidence", "decay", "expected", "opinion_arrays"]

FloatArray = NDArray[np.float64]


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
    v = np.asarray(valence, dtype=np.float64)
    w = np.asarray(weight, dtype=np.float64)
    if np.any(w < 0):
        raise ValueError("weight must be >= 0")
    pos = np.asarray(positivity, dtype=np.float64)
    neg = np.asarray(negativity, dtype=np.float64)
    r_new = np.asarray(r, dtype=np.float64) + np.where(v > 0, w * pos, 0.0)
    s_new = np.asarray(s, dtype=np.float64) + np.where(v < 0, w * neg, 0.0)
    return r_new, s_new


def expected(r: ArrayLike, s: ArrayLike, a: ArrayLike = 0.5, W: float = 2.0) -> FloatArray:
    """Expected trust P = (r + a·W) / (r + s + W), elementwise."""
    ra, sa = np.asarray(r, dtype=np.float64), np.asarray(s, dtype=np.float64)
    out: FloatArray = (ra + np.asarray(a, dtype=np.float64) * W) / (ra + sa + W)
    return out


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
