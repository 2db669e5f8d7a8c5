"""Multi-actor (asymmetric) Nash bargaining solution, with a choice of disagreement point.

Utilities are linear losses in distance, scaled by salience: ``u_i(x) = -s_i |x - p_i|``.
The disagreement point is the status quo ``q``, so actor *i*'s gain from ``x`` is
``g_i(x) = s_i (|q - p_i| - |x - p_i|)``. The solution maximises the weighted Nash product

    sum_i  w_i log g_i(x),     w_i = c_i s_i / sum_j c_j s_j,

over the individually rational set ``F = {x : g_i(x) >= 0 for all i}`` (Nash 1950; the
asymmetric form of Kalai 1977 / Roth 1979). Interpretive choices, documented:

1. **Bargaining weight = capability × salience.** The Nash solution is invariant to rescaling
   each actor's utility, so salience multiplying the utility alone would change nothing; to
   let salience matter (as in every other model here) it enters the bargaining weight.
2. **Status quo Pareto-optimal -> status quo.** In one dimension ``F`` is the intersection of
   the intervals ``[p_i - |q - p_i|, p_i + |q - p_i|]``. When ``q`` lies inside the actors'
   range (or an actor's ideal point equals ``q``), every move hurts someone, ``F = {q}`` and
   the forecast is the status quo. This is the theory's answer, not a fallback.
3. **Unknown status quo.** Each actor's disagreement utility is then its worst point among
   the actors' positions (the far end of the range), so ``F`` covers the whole range.
4. **Disagreement point** (``disagreement``), each a documented reading of "what happens
   without agreement":

   - ``"status-quo"`` (model ``nash``): the reversion point, as in Nash (1950) and the
     legislative-bargaining applications that use the status quo as breakdown point (Bailer &
     Schneider 2006, in *The European Union Decides*).
   - ``"worst"`` (model ``nash-worst``): each actor's worst point among the actors' positions,
     i.e. every actor can be held to its worst outcome if talks fail. With a breakdown this far
     away every actor gains from agreement, ``F`` is the whole range and the solution is an
     interior, weighted compromise: this is the reading under which the compromise model is a
     variant of the Nash bargaining solution (Achen 2006, "Institutional realism and bargaining
     models", in *The European Union Decides*; van den Bos 1991).
   - ``"war"`` (model ``nash-war``, scenario issues only): continued fighting as a costly
     lottery (Fearon 1995): actor *i*'s disagreement distance is the expected distance
     ``E|W - p_i|`` of the war outcome ``W`` (A's terms with ``p_a``, B's with ``p_b``, the line
     where it is with the stalemate probability), from the scenario's war model.
5. **Numerics.** The objective is concave on ``F`` (and tends to minus infinity at its ends),
   so its maximiser is found by bisection on the sign of its derivative, to 1e-13 of ``F``.

The solution always lies between the lowest and highest actor position.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from detente.errors import InputError
from detente.forecast.data import FloatArray, IssueData

__all__ = [
    "DISAGREEMENTS",
    "NashModel",
    "NashWarModel",
    "NashWorstModel",
    "nash_solution",
    "war_distance",
]

DISAGREEMENTS = ("status-quo", "worst", "war")

_TOL = 1e-13
_MAX_ITER = 200


def _slope(x: float, p: FloatArray, d: FloatArray, w: FloatArray) -> float:
    """Derivative of the weighted log Nash product at ``x`` (inside ``F``)."""
    gains = d - np.abs(x - p)
    if np.any(gains <= 0):  # on the edge of F (only reachable through rounding)
        return float(np.sum(w * -np.sign(x - p)))
    return float(np.sum(w * -np.sign(x - p) / gains))


def war_distance(issue: IssueData) -> FloatArray:
    """Each actor's expected distance to the outcome of continued fighting (scenario issues)."""
    ctx = issue.context
    if ctx is None or not ctx.has_war or issue.status_quo is None:
        raise InputError(
            f"issue {issue.issue_id!r}: the 'war' disagreement point needs a scenario with a war "
            "model (war.belligerents) and a status quo"
        )
    p = issue.positions
    ta, tb = float(ctx.terms_a), float(ctx.terms_b)  # type: ignore[arg-type]
    out: FloatArray = (
        ctx.p_a * np.abs(ta - p)
        + ctx.p_b * np.abs(tb - p)
        + ctx.stalemate * np.abs(issue.status_quo - p)
    )
    return out


def nash_solution(
    positions: FloatArray,
    saliences: FloatArray,
    capabilities: FloatArray,
    status_quo: float | None,
    *,
    disagreement_distance: FloatArray | None = None,
) -> float:
    """The asymmetric Nash bargaining solution on one issue (see module docstring).

    ``disagreement_distance`` (one value per actor) overrides the distance implied by
    ``status_quo``: actor *i* is indifferent between disagreement and a point that far from
    its ideal.
    """
    p = positions
    lo, hi = float(p.min()), float(p.max())
    if hi == lo:
        return lo
    w = capabilities * saliences
    w = w / w.sum()
    active = w > 0
    if disagreement_distance is not None:
        d = np.asarray(disagreement_distance, dtype=np.float64)
        if np.any(d[active] <= 0):
            # Someone loses from any move away from its ideal: its ideal is the only
            # individually rational point for it; take the strongest such actor's ideal.
            zero = np.flatnonzero(active & (d <= 0))
            return float(p[zero[np.argmax(w[zero])]])
    elif status_quo is None:
        d = np.maximum(np.abs(p - lo), np.abs(p - hi))
    else:
        d = np.abs(status_quo - p)
        if np.any(d[active] == 0):
            return float(status_quo)
    # Individually rational set, intersected with the actors' range.
    left = max(float(np.max((p - d)[active])), lo)
    right = min(float(np.min((p + d)[active])), hi)
    if right <= left:
        return float(status_quo) if status_quo is not None else left
    pa, da, wa = p[active], d[active], w[active]
    a, b = left, right
    tol = _TOL * (right - left)
    for _ in range(_MAX_ITER):
        mid = 0.5 * (a + b)
        if b - a <= tol or mid in (a, b):
            break
        if _slope(mid, pa, da, wa) > 0:
            a = mid
        else:
            b = mid
    return float(0.5 * (a + b))


class NashModel:
    """Asymmetric Nash bargaining solution, status quo as the disagreement point."""

    name = "nash"
    tunable = False
    uses_status_quo = True
    within_hull = True
    needs_capabilities = False
    disagreement = "status-quo"

    def fit(self, train: Sequence[IssueData], rng: np.random.Generator) -> NashModel:
        return self

    def predict(self, issue: IssueData) -> float:
        p = issue.positions
        if self.disagreement == "worst":
            lo, hi = float(p.min()), float(p.max())
            d = np.maximum(np.abs(p - lo), np.abs(p - hi))
            return nash_solution(
                p, issue.saliences, issue.capabilities, None, disagreement_distance=d
            )
        if self.disagreement == "war":
            return nash_solution(
                p,
                issue.saliences,
                issue.capabilities,
                issue.status_quo,
                disagreement_distance=war_distance(issue),
            )
        return nash_solution(p, issue.saliences, issue.capabilities, issue.status_quo)

    def parameters(self) -> Mapping[str, float | None]:
        return {}


class NashWorstModel(NashModel):
    """Nash bargaining with each actor's worst position as its disagreement point."""

    name = "nash-worst"
    uses_status_quo = False
    disagreement = "worst"


class NashWarModel(NashModel):
    """Nash bargaining with continued war (the scenario's war lottery) as disagreement point."""

    name = "nash-war"
    disagreement = "war"
    scenario_only = True
