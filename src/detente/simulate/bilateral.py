"""Vectorised bilateral stacked-alternating-offers negotiations over a discrete outcome space.

Many independent two-party negotiations (one per row) are run at once with NumPy. Each party
has a utility for every outcome (``utilities[side]`` of shape ``(N, O)``), a reserved value,
and a time-based aspiration curve. The protocol is the *stacked alternating offers* protocol
(Aydoğan et al. 2017) as implemented by NegMAS's ``SAOMechanism`` with
``one_offer_per_step=False``:

* one *step* is a round in which A and then B act; relative time in step ``s`` of ``S`` is
  ``t = (s + 1) / (S + 1)``;
* at its turn a party either accepts the standing offer (agreement, since the proposer's offer
  counts as its own acceptance) or rejects it and proposes; the very first turn only proposes;
* after ``S`` steps without agreement the negotiation ends with none.

A party's aspiration at time ``t`` is the polynomial curve ``a(t) = 1 − t^e`` (Boulware
``e = 4``, linear ``e = 1``, Conceder ``e = 0.25``, hardliner ``e = ∞``), scaled to its
utility range ``[u_min, u_max]`` where ``u_min = max(min_o u(o), reserved)``:
``θ(t) = u_min + (u_max − u_min)·a(t)``. It accepts an offer worth at least ``θ(t) − ε``
and otherwise proposes the outcome it values *least* among those worth at least
``θ(t) − ε`` (the least demanding offer that still meets its aspiration). These are the
semantics of NegMAS's ``TimeBasedConcedingNegotiator`` family; ``benchmarks/vs_negmas.py``
checks that agreement rates and mean steps match NegMAS on its reference workload.

Proposal look-up is one global ``searchsorted`` over each row's utilities sorted ascending and
offset by row (``2·row`` keeps rows apart since utilities lie in [0, 1]), so a step costs a few
array operations whatever the number of negotiations.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "BOULWARE",
    "CONCEDER",
    "HARDLINER",
    "LINEAR",
    "BilateralResult",
    "TimeBasedStrategy",
    "linear_additive_utilities",
    "negotiate",
    "outcome_grid",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

BATCH_ELEMENTS = 2**18
"""Utilities (rows × outcomes) per internal batch."""


@dataclass(frozen=True)
class TimeBasedStrategy:
    """A time-based concession strategy: aspiration ``1 − t^exponent``, tolerance ``eps``."""

    name: str
    exponent: float
    eps: float = 1e-4

    def aspiration(self, t: float) -> float:
        """The normalised aspiration level at relative time ``t`` in [0, 1]."""
        if math.isinf(self.exponent):
            return 1.0 if t < 1.0 else 0.0
        return float(1.0 - t**self.exponent)


BOULWARE = TimeBasedStrategy("boulware", 4.0)
LINEAR = TimeBasedStrategy("linear", 1.0)
CONCEDER = TimeBasedStrategy("conceder", 0.25)
HARDLINER = TimeBasedStrategy("hardliner", math.inf)


@dataclass(frozen=True)
class BilateralResult:
    """Outcome of a batch: per negotiation, agreement flag, agreed outcome index and steps.

    ``steps`` counts steps as NegMAS's ``state.step`` does: a negotiation ending by agreement
    in step ``s`` (0-based) reports ``s + 1``; one reaching the deadline reports ``S``.
    """

    agreed: NDArray[np.bool_]
    outcome: IntArray
    steps: IntArray

    @property
    def agreement_rate(self) -> float:
        """Share of negotiations ending in agreement."""
        return float(self.agreed.mean()) if self.agreed.size else float("nan")

    @property
    def mean_steps(self) -> float:
        """Mean number of steps."""
        return float(self.steps.mean()) if self.steps.size else float("nan")


def outcome_grid(k: int, n_issues: int = 2) -> IntArray:
    """All outcomes of ``n_issues`` discrete issues with values ``0..k-1``: shape (k^n, n).

    Ordered lexicographically with the first issue varying slowest (NegMAS's enumeration).
    """
    grids = np.meshgrid(*[np.arange(k)] * n_issues, indexing="ij")
    return np.stack([g.ravel() for g in grids], axis=1).astype(np.int64)


def linear_additive_utilities(
    outcomes: IntArray, k: int, weights: FloatArray, *, increasing: bool
) -> FloatArray:
    """Linear-additive utilities of every outcome for each row of ``weights`` (N, n_issues).

    Each issue's value function is affine from 0 to 1 over ``0..k-1`` (rising if
    ``increasing``, else falling), and the utility is the weighted sum: shape (N, O).
    """
    v = outcomes.astype(np.float64) / (k - 1)
    if not increasing:
        v = 1.0 - v
    out: FloatArray = weights @ v.T
    return out


def _prepare(
    u: FloatArray, reserved: FloatArray
) -> tuple[FloatArray, IntArray, FloatArray, FloatArray]:
    """Per-row ascending sort (offset by 2·row for one global search), order, u_min, u_max."""
    n = u.shape[0]
    order: IntArray = np.argsort(u, axis=1)
    sorted_u = np.take_along_axis(u, order, axis=1)
    u_max = sorted_u[:, -1].copy()
    u_min = np.maximum(sorted_u[:, 0], reserved)
    flat = (sorted_u + 2.0 * np.arange(n)[:, None]).ravel()
    return flat, order, u_min, u_max


def negotiate(
    u_a: FloatArray,
    u_b: FloatArray,
    strategy_a: TimeBasedStrategy,
    strategy_b: TimeBasedStrategy,
    *,
    n_steps: int = 100,
    reserved_a: FloatArray | float = 0.0,
    reserved_b: FloatArray | float = 0.0,
) -> BilateralResult:
    """Run ``N`` bilateral negotiations at once (rows of ``u_a``/``u_b``, shape (N, O)).

    Deterministic: the time-based strategies involve no randomness, so the result is a pure
    function of the utilities (rows are independent). Rows are processed in batches of about
    ``BATCH_ELEMENTS / O`` so that each batch's sorted utilities stay in cache.
    """
    if u_a.shape != u_b.shape or u_a.ndim != 2:
        raise ValueError("u_a and u_b must both have shape (N, O)")
    n, n_out = u_a.shape
    ra = np.broadcast_to(np.asarray(reserved_a, dtype=np.float64), (n,))
    rb = np.broadcast_to(np.asarray(reserved_b, dtype=np.float64), (n,))
    size = max(64, BATCH_ELEMENTS // max(n_out, 1))
    if n <= size:
        return _negotiate(u_a, u_b, strategy_a, strategy_b, n_steps, ra, rb)
    parts = [
        _negotiate(
            u_a[i : i + size],
            u_b[i : i + size],
            strategy_a,
            strategy_b,
            n_steps,
            ra[i : i + size],
            rb[i : i + size],
        )
        for i in range(0, n, size)
    ]
    return BilateralResult(
        agreed=np.concatenate([p.agreed for p in parts]),
        outcome=np.concatenate([p.outcome for p in parts]),
        steps=np.concatenate([p.steps for p in parts]),
    )


def _negotiate(
    u_a: FloatArray,
    u_b: FloatArray,
    strategy_a: TimeBasedStrategy,
    strategy_b: TimeBasedStrategy,
    n_steps: int,
    res_a: FloatArray,
    res_b: FloatArray,
) -> BilateralResult:
    n, n_out = u_a.shape
    rows = np.arange(n)
    flat_a, order_a, min_a, max_a = _prepare(u_a, res_a)
    flat_b, order_b, min_b, max_b = _prepare(u_b, res_b)
    offset = 2.0 * rows

    agreed = np.zeros(n, dtype=bool)
    outcome = np.full(n, -1, dtype=np.int64)
    steps = np.full(n, n_steps, dtype=np.int64)
    offer = np.full(n, -1, dtype=np.int64)
    active = np.ones(n, dtype=bool)

    def propose(flat: FloatArray, order: IntArray, thr: FloatArray) -> IntArray:
        pos = np.searchsorted(flat, thr + offset, side="left") - rows * n_out
        pos = np.minimum(pos, n_out - 1)  # nothing in range: the best outcome
        picked: IntArray = order[rows, pos]
        return picked

    for s in range(n_steps):
        t = (s + 1) / (n_steps + 1)
        thr_a = min_a + (max_a - min_a) * strategy_a.aspiration(t) - strategy_a.eps
        thr_b = min_b + (max_b - min_b) * strategy_b.aspiration(t) - strategy_b.eps
        # A's turn: respond to B's standing offer (from step 1 on), else propose.
        if s > 0:
            acc = active & (u_a[rows, offer] >= thr_a)
            agreed |= acc
            outcome[acc] = offer[acc]
            steps[acc] = s + 1
            active &= ~acc
        offer = np.where(active, propose(flat_a, order_a, thr_a), offer)
        # B's turn: respond to A's offer, else counter-propose.
        acc = active & (u_b[rows, offer] >= thr_b)
        agreed |= acc
        outcome[acc] = offer[acc]
        steps[acc] = s + 1
        active &= ~acc
        if not active.any():
            break
        offer = np.where(active, propose(flat_b, order_b, thr_b), offer)
    return BilateralResult(agreed=agreed, outcome=outcome, steps=steps)
