"""Utilities over the multi-issue space.

Functional form (one for the whole package)::

    L_i(x) = Σ_k w_ik · |x_k − ideal_ik| / 100          (loss, 0..1; x on 0..100)
    U_i(x) = 1 − L_i(x) ** r_i                          (utility, 0..1)

``w_ik`` are saliences normalised per actor (sum 1), ``r_i`` is ``Actor.risk``: r = 1 is
risk-neutral (linear loss), r > 1 risk-averse (U is concave in x, because L is convex and
non-negative and t ↦ t^r is convex increasing), r < 1 risk-acceptant. Units: utility 1 is the
gap between the actor's best settlement (every issue at its ideal) and its worst conceivable
one (every issue 100 points away, weighted). Whatever r, U_i ≥ t is the convex set
L_i(x) ≤ (1 − t)^{1/r}, which is what makes the zone of agreement a polyhedron.

Red lines: ``feasible(problem, x)`` is True where every actor's (or every veto actor's)
``lo ≤ x ≤ hi`` holds.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray

from detente.bargaining.problem import FloatArray
from detente.core.jit import inline_kernel, kernel

if TYPE_CHECKING:
    from detente.bargaining.problem import BargainingProblem

__all__ = [
    "distances",
    "feasible",
    "loss",
    "loss_arrays",
    "loss_bound",
    "risk_neutral",
    "utility",
    "utility_arrays",
]


def loss_arrays(ideal: FloatArray, weights: FloatArray, x: ArrayLike) -> FloatArray:
    """L_a(x) on bare arrays: ideal and weights (A, I), x of shape (..., I) → (..., A).

    ``weights`` may carry leading axes (..., A, I) that broadcast against x's (per-run
    preference weights in the simulation).

    The one implementation of the loss; :func:`loss` applies it to a problem, and engines that
    hold the arrays without a :class:`BargainingProblem` (the simulation) call it directly.
    """
    xa = np.asarray(x, dtype=float)
    if np.ndim(weights) > 2:  # per-run weights (..., m, n), broadcasting against x's axes
        return _per_run(ideal, np.asarray(weights, dtype=float), xa, _LOSS)
    out: FloatArray = np.einsum("...mn,mn->...m", distances(ideal, xa), weights)
    return out


_LOSS, _CLIPPED, _UTILITY = 0, 1, 2
"""What :func:`_per_run` returns: the loss, the loss clipped to [0, 1], or 1 − that."""


def _per_run(ideal: FloatArray, weights: FloatArray, xa: FloatArray, what: int) -> FloatArray:
    """``loss_arrays`` with per-run weights (..., m, n), or the clipped loss, or the linear
    utility (``what``): actor by actor, the weighted distances summed issue by issue in order
    (``|x_k − ideal_ik| / 100 · w_ik``), in one compiled pass over the broadcast of x's axes
    and the weights' leading axes (no (…, m, n) intermediate)."""
    m = ideal.shape[0]
    if weights.ndim < 2 or weights.shape[-2:] != ideal.shape:
        # the compiled pass reads weights[..., i, k] for every actor i and issue k: check first
        raise ValueError(
            f"per-run weights of shape {weights.shape} do not end with the "
            f"(actors, issues) = {ideal.shape} of the ideal points"
        )
    lead = np.broadcast_shapes(xa.shape[:-1], weights.shape[:-2])
    dist = distances(ideal, xa)  # (x's axes, m, n): small, no run axes
    d4, w4, shape = _two_lead_axes(lead, dist, weights)
    out = np.empty((*shape, m))
    _weighted_losses(np.ascontiguousarray(d4.transpose(0, 2, 3, 1)), w4, what, out)
    return out.reshape(*lead, m)


def distances(ideal: FloatArray, xa: FloatArray) -> FloatArray:
    """``|x_k − ideal_ik| / 100`` of packages ``xa`` (..., n) for every actor: (..., m, n),
    what the per-run losses weight and sum (:func:`_row_losses`)."""
    out: FloatArray = np.abs(xa[..., None, :] - ideal) / 100.0
    return out


def risk_neutral(risk: ArrayLike) -> bool:
    """Every actor risk-neutral (r = 1): then U = 1 − clip(L) bit for bit (no pow pass)."""
    return bool(np.all(np.asarray(risk) == 1.0))


def _two_lead_axes(
    lead: tuple[int, ...], *arrays: FloatArray
) -> tuple[FloatArray, FloatArray, tuple[int, int]]:
    """Two arrays (…, m, n) whose leading axes broadcast to ``lead``, as contiguous
    (P, Q, m, n) arrays with each of P, Q either the broadcast's or 1: the leading axes split
    into two groups along which each array is either whole or broadcast (or, when no split
    allows it, both broadcast to ``lead`` in full); and the broadcast (P, Q)."""
    n_lead = len(lead)
    shapes = [(1,) * (n_lead - (a.ndim - 2)) + a.shape[:-2] for a in arrays]

    def fits(shape: tuple[int, ...], full: tuple[int, ...]) -> bool:
        return shape == full or all(d == 1 for d in shape)

    for cut in range(n_lead + 1):
        if all(fits(sh[:cut], lead[:cut]) and fits(sh[cut:], lead[cut:]) for sh in shapes):
            break
    else:
        cut, arrays = n_lead, tuple(np.broadcast_to(a, (*lead, *a.shape[-2:])) for a in arrays)
        shapes = [lead for _ in arrays]
    out = tuple(
        np.ascontiguousarray(
            a.reshape(math.prod(sh[:cut]), math.prod(sh[cut:]), *a.shape[-2:]), dtype=np.float64
        )
        for a, sh in zip(arrays, shapes, strict=True)
    )
    return out[0], out[1], (math.prod(lead[:cut]), math.prod(lead[cut:]))


@kernel
def _weighted_losses(dist: FloatArray, weights: FloatArray, what: int, out: FloatArray) -> None:
    """``out[p, q, a] = Σ_k dist[p, a, k, q] · weights[p, q, a, k]`` (summed in issue order;
    an axis of length 1 broadcast unless ``out``'s is 1 too; ``dist`` issue-major so that
    the pass over ``q`` reads it in order), then per ``what`` clipped to [0, 1] as
    ``np.clip`` does (NaN kept) and turned into ``1 − L`` (:func:`_row_losses`)."""
    n_i, n_q = dist.shape[2], out.shape[1]
    whole_dp, whole_dq = dist.shape[0] > 1, dist.shape[3] > 1
    whole_wp, whole_wq = weights.shape[0] > 1, weights.shape[1] > 1
    acc = np.zeros(n_q)  # the loss of every q (0 without issues)
    for p in range(out.shape[0]):
        dp = p if whole_dp else 0
        wp = p if whole_wp else 0
        for a in range(out.shape[2]):
            if whole_dq and not whole_wq:  # one weight for every q (per-run tables)
                _row_losses(dist[dp, a], weights[wp, 0, a], what, acc)
            else:
                for k in range(n_i):
                    for q in range(n_q):
                        d = dist[dp, a, k, q if whole_dq else 0]
                        w = weights[wp, q if whole_wq else 0, a, k]
                        acc[q] = d * w if k == 0 else _weigh(acc[q], d, w)
                _finish(acc, what)
            for q in range(n_q):
                out[p, q, a] = acc[q]


@kernel
def _row_losses(dist: FloatArray, w: FloatArray, what: int, acc: FloatArray) -> None:
    """``acc[q] = Σ_k dist[k, q] · w[k]`` (one actor's weighted distances of every package
    ``q``, summed issue by issue in order; 0 without issues), then :func:`_finish`: the one
    loss (or utility) of a run's packages, which the per-run tables also compute with it
    (:mod:`detente.simulate.tables`)."""
    n_i, n_q = dist.shape
    if n_i == 0:
        acc[:n_q] = 0.0
    for k in range(n_i):
        wk = w[k]
        if k == 0:
            for q in range(n_q):
                acc[q] = dist[0, q] * wk
        else:
            for q in range(n_q):
                acc[q] = _weigh(acc[q], dist[k, q], wk)
    _finish(acc[:n_q], what)


@kernel
def _finish(acc: FloatArray, what: int) -> None:
    """Per ``what``: the loss as it is, clipped to [0, 1] as ``np.clip`` does (NaN kept), or
    ``1 −`` that (:func:`_finish1` of every entry)."""
    if what == _LOSS:
        return
    for q in range(acc.shape[0]):
        acc[q] = _finish1(acc[q], what)


@inline_kernel
def _weigh(acc: float, d: float, w: float) -> float:
    """``acc + d · w``: the next issue's weighted distance added to a loss summed issue by
    issue in order (the product rounded, then the sum: no fused multiply-add, fastmath off).
    The one step of every loss sum of the compiled paths (:func:`_row_losses`,
    :func:`_weighted_losses`, :func:`detente.simulate.row_keys._linear_utility`)."""
    return acc + d * w


@inline_kernel
def _finish1(x: float, what: int) -> float:
    """One loss ``x`` per ``what``: as it is (``_LOSS``), clipped to [0, 1] as ``np.clip``
    does (NaN kept, ``_CLIPPED``), or the utility ``1 −`` that (``_UTILITY``). The one form of
    a risk-neutral utility from its loss in compiled code: :func:`_finish` over a row, and
    :func:`detente.simulate.row_keys._linear_utility` (a per-run table's two-issue utility,
    which every reader of those tables computes)."""
    if what == _LOSS:
        return x
    c = _clip01(x)
    return 1.0 - c if what == _UTILITY else c


@kernel
def _clip01(v: float) -> float:
    """``np.clip(v, 0, 1)``: max(v, 0) then min(·, 1) as NumPy compares; NaN kept (the one
    clip of a loss, :func:`_finish`, which the per-run tables' utilities computed where read
    also apply, :func:`detente.simulate.cells._utility_at`)."""
    c = v if v > 0.0 else 0.0
    c = c if c < 1.0 else 1.0
    return v if v != v else c


def utility_arrays(
    ideal: FloatArray, weights: FloatArray, risk: FloatArray, x: ArrayLike
) -> FloatArray:
    """U_a(x) = 1 − L_a(x)^{r_a} on bare arrays: x of shape (..., I) → (..., A), in [0, 1].

    The one implementation of the utility function (see the module docstring for the form).
    """
    linear = risk_neutral(risk)  # L^1 is L, bit for bit (no pow pass)
    if np.ndim(weights) > 2:  # per-run weights: the clipped loss (or 1 − it) compiled
        xa = np.asarray(x, dtype=float)
        w = np.asarray(weights, dtype=float)
        lv = _per_run(ideal, w, xa, _UTILITY if linear else _CLIPPED)
        if linear:
            return lv
    else:
        lv = np.clip(loss_arrays(ideal, weights, x), 0.0, 1.0)
        if linear:
            out: FloatArray = 1.0 - lv
            return out
    out = 1.0 - lv**risk
    return out


def loss(problem: BargainingProblem, x: ArrayLike) -> FloatArray:
    """L_i(x) for x of shape (..., n) → (..., m)."""
    return loss_arrays(problem.ideal, problem.weights, x)


def utility(problem: BargainingProblem, x: ArrayLike) -> FloatArray:
    """U_i(x) = 1 − L_i(x)^{r_i}, vectorised: x of shape (..., n) → (..., m), in [0, 1]."""
    return utility_arrays(problem.ideal, problem.weights, problem.risk, x)


def loss_bound(problem: BargainingProblem, threshold: ArrayLike) -> FloatArray:
    """Largest loss L_i with U_i ≥ threshold_i: (1 − t)^{1/r}; −1 (impossible) when t > 1.

    A threshold ≤ 0 gives a bound ≥ 1, which every x meets.
    """
    t = np.asarray(threshold, dtype=float)
    gap = 1.0 - t
    with np.errstate(invalid="ignore", over="ignore"):
        bound = np.where(gap >= 0.0, np.abs(gap) ** (1.0 / problem.risk), -1.0)
    return np.asarray(np.where(np.isnan(t), -1.0, bound), dtype=float)


def feasible(
    problem: BargainingProblem, x: ArrayLike, *, veto_only: bool = True, tol: float = 1e-9
) -> NDArray[np.bool_]:
    """Red-line mask: x (..., n) → (...,) True where every (veto) actor's range holds."""
    xa = np.asarray(x, dtype=float)
    rows = problem.veto if veto_only else np.ones(problem.n_actors, dtype=bool)
    lo, hi = problem.lo[rows], problem.hi[rows]
    ok = (xa[..., None, :] >= lo - tol) & (xa[..., None, :] <= hi + tol)
    out: NDArray[np.bool_] = np.asarray(ok.all(axis=(-1, -2)), dtype=bool)
    return out
