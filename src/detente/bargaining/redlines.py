"""Stated red lines and what it costs to cross them.

A red line (``Position.acceptable``) is a *stated* bound, a public commitment (Fearon 1994;
Schelling 1960), not a physical limit. Crossing it by y scale points adds ``κ · y / 100`` to the
actor's loss (loss units: identical to utility units at risk exponent r = 1, and linear for
any r, so every zone question stays a linear program). ``κ`` per actor and issue is
:func:`crossing_cost` of:

- the base cost: ``Position.crossing_cost`` or :data:`DEFAULT_CROSSING_COST` (an assumption);
- the cost of fighting felt at the date W (utility units, since ``War.started``): a mutually
  hurting stalemate makes concessions easier to sell (Zartman's ripeness), factor
  ``1/(1 + W/W½)``. The stalemate that ripens is a *present* perception, pain felt now and
  expected to continue, "optimally associated with an impending, past or recently avoided
  catastrophe" (Zartman 2000; 2001), so W weights each past period by the actor's own discount
  factor δ, as the model weights the future costs of fighting
  (:func:`~detente.bargaining.problem.felt_cost`): ``W = c · (1 − δ^T) / (1 − δ)`` after T
  periods at cost c, bounded by ``c / (1 − δ)`` however long the war (the same function adds a
  simulated run's own costs). Sunk costs are no reason to concede (Fearon 1995), and where they
  act they harden a side (entrapment: Brockner & Rubin 1985; Mitchell 1995), which
  :func:`committed_bounds` models; the relief therefore stays bounded (an undiscounted sum,
  measured in ``validation/v18c_expectations.md`` and ``validation/v19a_expectations.md``, cut
  FARC's crossing costs twelvefold after 48 years);
- payments received and guarantees in force G (utility units) give a leader cover at home
  (Putnam 1988; Sebenius 1983), factor ``1/(1 + G/G½)``;
- a change of leader since the red line was stated, factor ``1 − LEADER_RELIEF``.

The function is pure and vectorised (numpy broadcasting), never negative, and non-increasing
in W, G and the leadership change; the simulation calls it during a run.

Red lines also **harden** (:func:`hardened_bounds`): in the bargaining model of war a side
accepts a deal only if it is worth its value of fighting on, so its demands follow its beliefs
about the war (Fearon 1995; Powell 2004), and when the fighting shows a side it is doing better
than it thought, its terms rise (Slantchev 2003, the principle of convergence: terms track the
battlefield). A rise ΔV of the value of fighting since the red lines were stated tightens the
stated bounds toward the actor's ideal by ``δ = HARDENING_PASS_THROUGH · 100 · ΔV`` scale
points: the actor's demand moves toward its ideal by δ points on every issue, which with linear
loss and weights summing to 1 is worth exactly ΔV; the stated lines are the part of that demand
it states. Each bound stops at the actor's ideal (so never outside the 0–100 scale). When the
value falls back, the bounds return toward, never past, the stated line: loosening below it is
the crossing rule's (above). Bounds at the end of the scale (no red line stated) do not move.

A red line short of a **public commitment** in law (an annexation law, a constitutional clause,
a referendum: ``Scenario.public_commitments``) is pulled toward the committed point as the costs
of fighting mount (:func:`committed_bounds`): war aims rise with the sacrifices made (Iklé 1971;
entrapment, Brockner & Rubin 1985; Staw 1976), and what binds the leader is what he publicly
committed them to (audience costs: Fearon 1994; Tomz 2007; Boettcher & Cobb 2009). Entrapment
reads the costs **paid**, undiscounted: the investment to be justified is sunk and does not
fade (Brockner & Rubin 1985; Staw 1976; Teger 1980, *Too Much Invested to Quit*; the casualties
of "don't let them die in vain" are all of them), whereas the relief of :func:`crossing_cost`
reads the cost *felt* now (ripeness, above). The asymmetry is deliberate
(``validation/v20c_expectations.md``). The share of the gap closed once the sum paid has risen
from P0 (paid before the scenario's date) to P0 + ΔP is :func:`entrapment_share`,
``1 − r(P0 + ΔP) / r(P0) = ΔP / (ΔP + RIPENESS_HALF + P0)`` with ``r(W) = 1 / (1 + W /
RIPENESS_HALF)`` the ripeness factor's form, applied to the sums paid (not the ripeness
factor's own fall, which reads the felt W): the more has been sunk already, the less each new
cost adds. No parameter beyond ``RIPENESS_HALF``. A rational belligerent ignores sunk costs
(Fearon 1995), so uncommitted lines are not pulled; a bound never moves past the actor's ideal.

A public commitment that names a **ratification** (a referendum, a constitutional amendment:
``PublicCommitment.ratification``) commits to a procedure, not a point, and is not a target of
the pull above. It bounds the crossing instead (:func:`ratified`): an agreement must fall inside
each side's domestic *win-set*, the agreements that would win the majority of the constituents
whose ratification is required when voted up or down (Putnam 1988, the two-level game); a
ratification requirement shrinks the win-set (and is a source of bargaining power: the
Schelling conjecture, Schelling 1960; Putnam 1988). A package that takes a line past such a
commitment's level (a maximum above it, a minimum below it) needs ratification, and is in the
win-set only when the ratifiers' measured acceptance (the share accepting among those with a
view, ``Acceptance.share``) exceeds the majority the ratification needs; where no share is
known, the actor's own evaluation stands in for the ratifiers' (the unitary-actor reading of
the rest of the model) and only the crossing cost is weighed. No parameter: the majority is the
ratification rule's, stated with the commitment.

The ratifiers' share **moves with the war** inside a simulated run (:func:`acceptance_shift`):
public support for a war falls with the logarithm of its cumulative casualties, by about 15
percentage points each time they rise tenfold (Mueller 1973, *War, Presidents and Public
Opinion*, Korea and Vietnam; the log form is the baseline Gartner & Segura 1998 test against),
so readiness to concede what the war is fought to keep rises by as much:
``share = share₀ + ACCEPTANCE_PER_LOG_COST · ln(P / P0)``, P the ratifying actor's costs of
fighting paid (undiscounted, the sum entrapment reads: its cumulative casualties up to a
factor) and P0 those paid before the scenario's date (``as_of``; the measured share is the
latest by then, taken as the share at that date). A package's distance to the win-set
is :func:`ratification_margin`; the simulation adds the run's shift to it each period. The
cited form reads cumulative costs only: a run going the ratifiers' way raises the share less,
never lowers it (expectations of success, Gelpi, Feaver & Reifler 2009, are a different model,
not used). Checked out of sample against the KIIS series in ``validation/v23b_kiis.py``
(``validation/v23b_expectations.md``): the published slope follows the direction of the
2023-2025 rise and about a fifth of its size.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray

from detente.bargaining.problem import FloatArray

BoolArray = NDArray[np.bool_]

if TYPE_CHECKING:
    from detente.bargaining.problem import BargainingProblem

__all__ = [
    "ACCEPTANCE_PER_LOG_COST",
    "DEFAULT_CROSSING_COST",
    "HARDENING_PASS_THROUGH",
    "LEADER_RELIEF",
    "RELIEF_HALF",
    "RIPENESS_HALF",
    "Crossing",
    "acceptance_shift",
    "can_harden",
    "committed_bounds",
    "crossing_cost",
    "crossings",
    "entrapment_share",
    "hardened_bounds",
    "hardening_points",
    "past_level",
    "ratification_margin",
    "ratified",
    "tighten",
]

DEFAULT_CROSSING_COST = 0.2
"""Loss per 100 scale points a stated red line is crossed (assumption: crossing a red line by
the whole scale costs a fifth of the gap between the actor's best and worst settlement, of the
order of the approval penalty Tomz (2007) measured for backing down from a public threat)."""

RIPENESS_HALF = 1.0
"""Felt cost of fighting W (utility units; module docstring) at which crossing costs halve
(assumption)."""

RELIEF_HALF = 0.1
"""Payments and guarantee gains (utility units) at which crossing costs halve (assumption)."""

ACCEPTANCE_PER_LOG_COST = 0.15 / math.log(10.0)
"""Rise of the ratifiers' acceptance share per unit of ln of the costs of fighting paid
(≈ 0.0651): 15 percentage points per tenfold rise of cumulative casualties, the fall of
support for the wars in Korea and Vietnam that Mueller (1973) measured (module docstring). The
published figure, not fitted to any case."""

LEADER_RELIEF = 0.5
"""Share of the crossing cost a new leader escapes for a predecessor's red lines (assumption)."""


HARDENING_PASS_THROUGH = 1.0
"""Share of a rise in the value of fighting passed into the stated red lines (1: the stated
lines demand exactly the rise, as the acceptance rule does; Fearon 1995; Slantchev 2003)."""


def can_harden(
    lo: ArrayLike,
    hi: ArrayLike,
    ideal: ArrayLike,
    lo_open: ArrayLike = True,
    hi_open: ArrayLike = True,
) -> tuple[BoolArray, BoolArray]:
    """Which bounds may tighten (module docstring): a stated minimum (above 0) below the
    ideal, a stated maximum (below 100) above it; ``lo_open`` / ``hi_open`` exclude bounds
    (e.g. those a crossing already moved). All arguments (..., I), broadcast."""
    lo_a = np.asarray(lo, dtype=float)
    hi_a = np.asarray(hi, dtype=float)
    x = np.asarray(ideal, dtype=float)
    up: BoolArray = np.asarray(lo_open, dtype=bool) & (lo_a > 0.0) & (x > lo_a)
    down: BoolArray = np.asarray(hi_open, dtype=bool) & (hi_a < 100.0) & (x < hi_a)
    return up, down


def hardening_points(rise: ArrayLike) -> FloatArray:
    """δ = HARDENING_PASS_THROUGH · 100 · ΔV scale points for a rise ΔV of the value of
    fighting (≤ 0 or NaN: 0)."""
    r = np.asarray(rise, dtype=float)
    out: FloatArray = HARDENING_PASS_THROUGH * 100.0 * np.where(r > 0.0, r, 0.0)
    return out


def tighten(
    lo: FloatArray,
    hi: FloatArray,
    ideal: FloatArray,
    points: FloatArray,
    up: BoolArray,
    down: BoolArray,
) -> tuple[FloatArray, FloatArray]:
    """Bounds ``up`` / ``down`` (from :func:`can_harden`) moved ``points`` (..., 1 or I)
    toward ``ideal``, stopping there: with an ideal on the 0–100 scale the result stays on it."""
    new_lo: FloatArray = np.where(up, np.minimum(lo + points, ideal), lo)
    new_hi: FloatArray = np.where(down, np.maximum(hi - points, ideal), hi)
    return new_lo, new_hi


def hardened_bounds(
    lo: ArrayLike,
    hi: ArrayLike,
    ideal: ArrayLike,
    rise: ArrayLike,
    lo_open: ArrayLike = True,
    hi_open: ArrayLike = True,
) -> tuple[FloatArray, FloatArray]:
    """Red lines tightened by a rise of the value of fighting (module docstring).

    ``lo``, ``hi``, ``ideal``: (..., I) one actor's bounds and ideal per issue; ``rise``:
    (...) the rise ΔV of its value of fighting (utility units; ≤ 0 or NaN: no change);
    ``lo_open`` / ``hi_open``: (..., I) which bounds may tighten (e.g. not those a crossing
    already moved). A minimum below the ideal rises toward it, a maximum above the ideal falls
    toward it; a minimum at 0 or a maximum at 100 (no stated line) stays. Returns the new
    (lo, hi); bounded by the ideal and the 0–100 scale. The simulation evaluates
    :func:`can_harden` once per red-line regime and applies :func:`tighten` per period.
    """
    lo_a = np.asarray(lo, dtype=float)
    hi_a = np.asarray(hi, dtype=float)
    x = np.asarray(ideal, dtype=float)
    up, down = can_harden(lo_a, hi_a, x, lo_open, hi_open)
    pts = np.expand_dims(hardening_points(rise), -1)
    return tighten(lo_a, hi_a, x, pts, up, down)


def entrapment_share(paid0: ArrayLike, paid: ArrayLike) -> FloatArray:
    """Share of the gap between a red line and a public commitment closed once the costs of
    fighting paid have risen by ``paid`` (ΔP ≥ 0) from ``paid0`` (P0 ≥ 0, paid before the
    scenario's date), utility units, both undiscounted sums (sunk costs; module docstring):
    ``ΔP / (ΔP + RIPENESS_HALF + P0)``; 0 with nothing paid, below 1."""
    w0 = np.maximum(np.asarray(paid0, dtype=float), 0.0)
    dw = np.maximum(np.nan_to_num(np.asarray(paid, dtype=float)), 0.0)
    out: FloatArray = dw / (dw + RIPENESS_HALF + w0)
    return out


def committed_bounds(
    lo: FloatArray,
    hi: FloatArray,
    target_lo: FloatArray,
    target_hi: FloatArray,
    share: FloatArray,
) -> tuple[FloatArray, FloatArray]:
    """Bounds pulled toward public commitments (module docstring): a minimum rises toward
    ``target_lo`` and a maximum falls toward ``target_hi`` by ``share`` (0–1) of the gap; NaN
    targets (no commitment beyond the bound) leave a bound as it is, and a bound already past its
    target stays. The targets are the committed points clipped to the actor's ideal, so the
    result stays between the stated line and the ideal. All arguments broadcast."""
    up = ~np.isnan(target_lo) & (target_lo > lo)
    down = ~np.isnan(target_hi) & (target_hi < hi)
    gap_lo = np.where(up, target_lo, lo) - lo  # 0 where no pull (and no NaN from the target)
    gap_hi = hi - np.where(down, target_hi, hi)
    new_lo: FloatArray = np.where(up, lo + share * gap_lo, lo)
    new_hi: FloatArray = np.where(down, hi - share * gap_hi, hi)
    return new_lo, new_hi


def crossing_cost(
    stated: ArrayLike,
    base: ArrayLike,
    cumulative_cost: ArrayLike = 0.0,
    relief: ArrayLike = 0.0,
    leader_change: ArrayLike = 0.0,
) -> FloatArray:
    """κ per 100 points crossed (module docstring); 0 where ``stated`` is NaN (no red line).

    All arguments broadcast: e.g. stated (m, n), base (m, n), cumulative_cost (m, 1) or
    (runs, m, 1) in a simulation. ``leader_change`` is 0 (same leader) to 1 (a new leader).
    """
    s = np.asarray(stated, dtype=float)
    w = np.maximum(np.asarray(cumulative_cost, dtype=float), 0.0)
    g = np.maximum(np.asarray(relief, dtype=float), 0.0)
    lead = np.clip(np.asarray(leader_change, dtype=float), 0.0, 1.0)
    k = np.maximum(np.asarray(base, dtype=float), 0.0)
    k = k / (1.0 + w / RIPENESS_HALF) / (1.0 + g / RELIEF_HALF) * (1.0 - LEADER_RELIEF * lead)
    out: FloatArray = np.where(np.isnan(s), 0.0, np.maximum(k, 0.0))
    return out


def ratified(
    to: ArrayLike,
    is_min: ArrayLike,
    level: ArrayLike,
    share: ArrayLike,
    majority: ArrayLike = 0.5,
) -> bool:
    """Whether a package is inside the actor's domestic win-set (module docstring).

    One entry per red line the package crosses (all arrays broadcast, shape (M,)): ``to`` the
    value the package puts the line at, ``is_min`` whether the line is a minimum (crossed
    downward) or a maximum (crossed upward), ``level`` the level of the ratification
    commitment on the issue (NaN: none), ``share`` the ratifiers' acceptance share (NaN:
    unknown) and ``majority`` the share a ratification needs. A line needs ratification when
    ``to`` lies past ``level`` in the crossing's direction (by more than 1e-9); the package is
    in the win-set when every line that needs it has an unknown share or a share above its
    majority (:func:`ratification_margin` positive). True for an empty package."""
    return ratification_margin(to, is_min, level, share, majority) > 0.0


def past_level(to: ArrayLike, is_min: ArrayLike, level: ArrayLike) -> BoolArray:
    """Whether a line moved to ``to`` lies past a ratification commitment's ``level`` in the
    crossing's direction (a minimum below it, a maximum above it, by more than 1e-9); False
    where ``level`` is NaN (no commitment: NaN comparisons are False). Broadcasts."""
    t = np.asarray(to, dtype=float)
    lv = np.asarray(level, dtype=float)
    out: BoolArray = np.where(np.asarray(is_min, dtype=bool), t < lv - 1e-9, t > lv + 1e-9)
    return out


def ratification_margin(
    to: ArrayLike,
    is_min: ArrayLike,
    level: ArrayLike,
    share: ArrayLike,
    majority: ArrayLike = 0.5,
) -> float:
    """How far the package is inside the actor's domestic win-set (:func:`ratified`'s
    arguments): the least ``share − majority`` over the lines that need ratification and
    whose share is known; ``inf`` when none does (the package needs no ratification or its
    ratifiers' view is unknown). The package is in the win-set when the margin is positive,
    exactly when :func:`ratified` says so; a shift of every share by Δ (the same ratifiers,
    :func:`acceptance_shift`) moves the margin by Δ."""
    sh = np.asarray(share, dtype=float)
    gated = past_level(to, is_min, level) & ~np.isnan(sh)
    gap = np.broadcast_to(sh - np.asarray(majority, dtype=float), gated.shape)
    return float(gap[gated].min()) if gated.any() else math.inf


def acceptance_shift(paid0: ArrayLike, paid: ArrayLike) -> FloatArray:
    """Rise of the ratifiers' acceptance share once the costs of fighting paid have risen by
    ``paid`` (ΔP, utility units) from ``paid0`` (P0 > 0, paid before the scenario's date),
    both undiscounted sums: ``ACCEPTANCE_PER_LOG_COST · ln((P0 + ΔP) / P0)`` (Mueller 1973;
    module docstring). 0 with nothing paid in the run; where nothing was paid before (P0 ≤ 0)
    the log has no base and the share does not move (0). A net cost below zero in the run
    (reliefs larger than the costs) lowers it; the sum paid is kept above a thousandth of P0
    (the log stays finite). Vectorised (broadcasting)."""
    p0 = np.asarray(paid0, dtype=float)
    dp = np.nan_to_num(np.asarray(paid, dtype=float))
    base = np.where(p0 > 0.0, p0, 1.0)
    ratio = np.maximum(base + dp, 1e-3 * base) / base
    out: FloatArray = np.where(p0 > 0.0, ACCEPTANCE_PER_LOG_COST * np.log(ratio), 0.0)
    return out


@dataclass(frozen=True)
class Crossing:
    """One stated red line an outcome crosses."""

    actor: str
    issue: str
    bound: str  # "min" or "max"
    stated: float
    value: float
    points: float
    cost: float  # κ · points / 100, loss units


def crossings(
    problem: BargainingProblem,
    x: FloatArray,
    settled: FloatArray | None = None,
    *,
    kappa: FloatArray | None = None,
    veto_only: bool = True,
) -> list[Crossing]:
    """Which stated red lines ``x`` crosses on the ``settled`` issues (default: all), by how
    much and at what cost (κ from the problem unless given)."""
    k = problem.crossing if kappa is None else kappa
    mask = np.ones(problem.n_issues, dtype=bool) if settled is None else np.asarray(settled, bool)
    out: list[Crossing] = []
    for i, a in enumerate(problem.actors):
        if veto_only and not problem.veto[i]:
            continue
        for kk in np.flatnonzero(mask):
            v = float(x[kk])
            lo, hi = float(problem.lo[i, kk]), float(problem.hi[i, kk])
            if v < lo - 1e-9:
                pts, bound, st = lo - v, "min", lo
            elif v > hi + 1e-9:
                pts, bound, st = v - hi, "max", hi
            else:
                continue
            out.append(
                Crossing(a, problem.issues[kk], bound, st, v, pts, float(k[i, kk]) * pts / 100.0)
            )
    return out
