"""War-outcome forecasts anchored on the front: the ``front`` model (scenario issues).

The compromise model averages positions. On a territorial issue of a war that hands back held
ground by arithmetic alone: in the June 2026 Ukraine snapshot it put Donetsk at 64.5 against a
front at 79, a Russian withdrawal nobody proposes. The ``front`` model forecasts what the issue
will be at the end of the scenario's horizon, and every move away from its reference point is
made by a named mechanism (:class:`Mechanism`), never by averaging:

1. **Reference point.** On a contested issue (``Issue.contested``: fighting moves it) the
   reference is the status quo, i.e. the line of contact: a settlement freezes the line unless
   something moves it (*uti possidetis*, the default of cease-fire lines; Fortna 2004 on
   cease-fire agreements, Fearon 1995 on settlements in the shadow of the battlefield). On any
   other issue the reference is the compromise of the actors' positions, weighted by capability
   *including allies' support × level* (as in :mod:`detente.bargaining`) × salience.
2. **Red lines.** A settlement needs every veto party's consent, so it must lie in the
   intersection ``J`` of the veto parties' acceptable ranges (``Position.acceptable``). If the
   reference lies outside ``J``, the settlement is the nearest point of ``J`` and the mechanism
   names the veto party whose red line moved it (mechanism ``red line``).
3. **Continued war.** If ``J`` is empty (the veto parties' red lines are incompatible), no
   settlement exists on this issue and it is decided by fighting: the outcome is the scenario's
   war lottery from :func:`detente.bargaining.build_problem` (A's victory terms with ``p_a``,
   B's with ``p_b``, the line where it is with the stalemate probability; allies' support
   enters ``p_a`` through capabilities). The forecast is the median of that lottery: the front
   itself while neither side prevails with probability 1/2 or more (mechanism ``war``). Without
   a war model the status quo persists (mechanism ``no settlement``).

The distribution behind the point (:meth:`FrontModel.distribution`) is a settlement point
(probability 1), or the three-point war lottery; :func:`detente.forecast.forecast_bands` draws
from it, so the band and the point come from the same distribution.

Simplification, documented: issues are treated one at a time (a settlement is really a package,
and the simulation module models when talks succeed); the front does not drift in this model.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from detente.forecast.compromise import weighted_mean, weighted_median
from detente.forecast.data import FloatArray, IssueData

__all__ = ["FrontForecast", "FrontModel", "Mechanism", "front_forecast"]

_TOL = 1e-9


@dataclass(frozen=True)
class Mechanism:
    """A named reason the forecast is where it is.

    ``kind`` is one of ``front``, ``compromise``, ``red line``, ``war``, ``no settlement``;
    ``moves`` says whether it moves the forecast away from the reference point.
    """

    kind: str
    text: str
    moves: bool = False

    def __str__(self) -> str:
        return f"{self.kind}: {self.text}"


@dataclass(frozen=True)
class FrontForecast:
    """The outcome distribution of one issue, its median and the mechanisms behind it."""

    reference: float
    values: FloatArray
    probabilities: FloatArray
    mechanisms: tuple[Mechanism, ...]

    @property
    def point(self) -> float:
        """The median of the distribution."""
        return weighted_median(self.values, self.probabilities)


def _fmt(x: float) -> str:
    return f"{x:.4g}"


def front_forecast(issue: IssueData) -> FrontForecast:
    """The ``front`` model's forecast of one issue (see module docstring)."""
    ctx = issue.context
    m = weighted_mean(issue.positions, issue.weights)
    if ctx is None:
        mech = Mechanism("compromise", "no scenario context: capability × salience mean")
        return FrontForecast(m, np.array([m]), np.ones(1), (mech,))
    mechs: list[Mechanism] = []
    sq = issue.status_quo
    if ctx.contested and sq is not None:
        ref = sq
        mechs.append(Mechanism("front", f"contested issue: the line of contact ({_fmt(sq)})"))
    else:
        ref = m
        mechs.append(
            Mechanism("compromise", f"capability (with allies' support) × salience mean {_fmt(m)}")
        )
    veto = np.flatnonzero(ctx.veto)
    if veto.size:
        low, high = float(ctx.lo[veto].max()), float(ctx.hi[veto].min())
    else:
        low, high = -np.inf, np.inf
    if low <= high + _TOL:
        point = float(np.clip(ref, low, high))
        if abs(point - ref) > _TOL:
            bound = low if point > ref else high
            side = ctx.lo if point > ref else ctx.hi
            who = [issue.actors[k] for k in veto if abs(float(side[k]) - bound) <= _TOL]
            ranges = ", ".join(
                f"{issue.actors[k]} accepts {_fmt(ctx.lo[k])}–{_fmt(ctx.hi[k])}"
                for k in veto
                if issue.actors[k] in who
            )
            mechs.append(
                Mechanism(
                    "red line",
                    f"{ranges}; the reference {_fmt(ref)} is outside, so a settlement every veto "
                    f"party accepts is at {_fmt(point)}",
                    moves=True,
                )
            )
        return FrontForecast(ref, np.array([point]), np.ones(1), tuple(mechs))
    ranges = ", ".join(
        f"{issue.actors[k]} {_fmt(ctx.lo[k])}–{_fmt(ctx.hi[k])}"
        for k in veto
        if ctx.lo[k] > 0 or ctx.hi[k] < 100
    )
    if not ctx.has_war or sq is None:
        base = sq if sq is not None else ref
        mechs.append(
            Mechanism("no settlement", f"red lines incompatible ({ranges}); the status quo stays")
        )
        return FrontForecast(ref, np.array([base]), np.ones(1), tuple(mechs))
    a, b = ctx.belligerents
    values = np.array([float(ctx.terms_a), float(ctx.terms_b), sq])  # type: ignore[arg-type]
    probs = np.array([ctx.p_a, ctx.p_b, ctx.stalemate])
    point = FrontForecast(ref, values, probs, ()).point
    moves = abs(point - ref) > _TOL
    text = (
        f"red lines incompatible ({ranges}): no settlement, decided by fighting; "
        f"{a} prevails with p = {ctx.p_a:.2f} ({_fmt(values[0])}), {b} with p = {ctx.p_b:.2f} "
        f"({_fmt(values[1])}), the status quo holds with p = {ctx.stalemate:.2f} ({_fmt(sq)})"
    )
    if abs(point - sq) <= _TOL:
        text += "; the median outcome is the status quo"
    else:
        winner = a if abs(point - values[0]) <= _TOL else b
        text += f"; {winner} prevails with probability >= 1/2, so the median is its terms"
    mechs.append(Mechanism("war", text, moves=moves))
    return FrontForecast(ref, values, probs, tuple(mechs))


class FrontModel:
    """War-outcome forecast anchored on the front, red lines and the war lottery."""

    name = "front"
    tunable = False
    uses_status_quo = True
    within_hull = False
    needs_capabilities = False
    scenario_only = True

    def fit(self, train: Sequence[IssueData], rng: np.random.Generator) -> FrontModel:
        return self

    def distribution(self, issue: IssueData) -> FrontForecast:
        """The outcome distribution and mechanisms behind :meth:`predict`."""
        return front_forecast(issue)

    def predict(self, issue: IssueData) -> float:
        return front_forecast(issue).point

    def parameters(self) -> Mapping[str, float | None]:
        return {}
