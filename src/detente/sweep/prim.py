"""Scenario discovery: PRIM boxes and CART rules over a sweep's inputs.

PRIM (Friedman & Fisher 1999, "Bump hunting in high-dimensional data") peels the box that
holds the points of interest: at each step it removes the ``alpha`` share of the box at one
edge of one input (or one category of a discrete input), whichever leaves the highest density
of points of interest. Each step trades coverage (share of all points of interest inside the
box) for density (share of the box's points that are of interest), the trade-off that
scenario discovery reads (Bryant & Lempert 2010). We report the densest box whose coverage is at
least ``min_coverage``; no pasting. This small peeling loop is ours because the maintained
implementations do not fit: EMA Workbench (BSD) pulls statsmodels, seaborn and Platypus, takes
~3 s to import and warns under pandas 3, and the stand-alone ``prim`` package is GPL-3.

CART is scikit-learn's ``DecisionTreeClassifier`` (Breiman et al. 1984), read out leaf by leaf.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Box", "cart_rules", "prim_box"]


@dataclass(frozen=True)
class Box:
    rule: str
    coverage: float
    density: float
    n: int
    step: int
    trajectory: list[tuple[float, float, float]]  # (coverage, density, mass) per step


def _fmt(x: float) -> str:
    return f"{x:.4g}"


def _describe(
    factors: Sequence[Any],
    lows: np.ndarray,
    highs: np.ndarray,
    cats: list[set[int] | None],
    full_lo: np.ndarray,
    full_hi: np.ndarray,
) -> str:
    parts = []
    for j, f in enumerate(factors):
        allowed = cats[j]
        if allowed is not None:
            if len(allowed) < len(f.choices):
                shown = ", ".join(str(f.choices[c]) for c in sorted(allowed))
                parts.append(f"{f.name} in {{{shown}}}")
            continue
        lo_cut, hi_cut = lows[j] > full_lo[j], highs[j] < full_hi[j]
        if lo_cut and hi_cut:
            parts.append(f"{_fmt(lows[j])} <= {f.name} <= {_fmt(highs[j])}")
        elif lo_cut:
            parts.append(f"{f.name} >= {_fmt(lows[j])}")
        elif hi_cut:
            parts.append(f"{f.name} <= {_fmt(highs[j])}")
    return " and ".join(parts) if parts else "always"


def prim_box(
    x: np.ndarray,
    y: np.ndarray,
    factors: Sequence[Any],
    *,
    alpha: float = 0.05,
    mass_min: float = 0.05,
    min_coverage: float = 0.5,
) -> Box | None:
    """The PRIM box for boolean ``y`` over inputs ``x``; ``None`` if peeling gains nothing."""
    n, d = x.shape
    total = int(y.sum())
    if total == 0 or total == n:
        return None
    inside = np.ones(n, dtype=bool)
    lows, highs = x.min(axis=0).astype(float), x.max(axis=0).astype(float)
    full_lo, full_hi = lows.copy(), highs.copy()
    cats: list[set[int] | None] = [
        set(range(len(f.choices))) if f.choices is not None else None for f in factors
    ]
    boxes = [(lows.copy(), highs.copy(), [None if c is None else set(c) for c in cats])]
    traj = [(1.0, total / n, 1.0)]
    min_n = max(1, int(np.ceil(mass_min * n)))
    while True:
        best: tuple[float, int, int, str, float | int] | None = None
        for j in range(d):
            col = x[inside, j]
            yin = y[inside]
            moves: list[tuple[str, float | int, np.ndarray]] = []
            allowed = cats[j]
            if allowed is not None:
                for c in sorted(allowed):
                    keep = col != c
                    if 0 < keep.sum() < col.size:
                        moves.append(("cat", c, keep))
            else:
                lo_q, hi_q = np.quantile(col, alpha), np.quantile(col, 1 - alpha)
                keep_lo = col > lo_q
                keep_hi = col < hi_q
                if 0 < keep_lo.sum() < col.size:
                    moves.append(("lo", float(col[keep_lo].min()), keep_lo))
                if 0 < keep_hi.sum() < col.size:
                    moves.append(("hi", float(col[keep_hi].max()), keep_hi))
            for kind, val, keep in moves:
                m = int(keep.sum())
                if m < min_n:
                    continue
                dens = float(yin[keep].mean())
                cand = (dens, m, -j, kind, val)
                if best is None or cand[:3] > best[:3]:
                    best = cand
        if best is None:
            break
        _, _, negj, kind, val = best
        j = -negj
        idx = np.flatnonzero(inside)
        col = x[idx, j]
        if kind == "cat":
            allowed = cats[j]
            assert allowed is not None
            allowed.discard(int(val))
            inside[idx[col == val]] = False
        elif kind == "lo":
            lows[j] = float(val)
            inside[idx[col < val]] = False
        else:
            highs[j] = float(val)
            inside[idx[col > val]] = False
        k = int(inside.sum())
        hits = int(y[inside].sum())
        traj.append((hits / total, hits / k, k / n))
        boxes.append((lows.copy(), highs.copy(), [None if c is None else set(c) for c in cats]))
    eligible = [s for s, (c, _, _) in enumerate(traj) if c >= min_coverage]
    step = max(eligible, key=lambda s: (traj[s][1], traj[s][0]))
    if step == 0:
        return None
    lo_s, hi_s, cats_s = boxes[step]
    rule = _describe(factors, lo_s, hi_s, cats_s, full_lo, full_hi)
    cov, dens, mass = traj[step]
    return Box(rule, cov, dens, round(mass * n), step, traj)


def cart_rules(
    x: np.ndarray, y: np.ndarray, factors: Sequence[Any], *, seed: int, max_depth: int = 3
) -> list[dict[str, Any]]:
    """The CART leaves that predict ``y`` as readable rules with coverage and density."""
    from detente.sweep.analysis import require

    tree_mod = require("sklearn.tree")
    n = x.shape[0]
    total = int(y.sum())
    clf = tree_mod.DecisionTreeClassifier(
        max_depth=max_depth, min_samples_leaf=max(3, n // 20), random_state=seed % 2**32
    )
    clf.fit(x, y.astype(int))
    t = clf.tree_
    rules: list[dict[str, Any]] = []
    d = x.shape[1]

    def walk(node: int, lo: list[float], hi: list[float], cats: list[set[int] | None]) -> None:
        left, right = int(t.children_left[node]), int(t.children_right[node])
        if left == -1:  # a leaf
            members = clf.apply(x) == node
            k = int(members.sum())
            hits = int(y[members].sum())
            if k and hits / k > 0.5:
                rule = _describe(
                    factors,
                    np.array(lo),
                    np.array(hi),
                    cats,
                    np.full(d, -np.inf),
                    np.full(d, np.inf),
                )
                rules.append(
                    {
                        "rule": rule,
                        "coverage": round(hits / total, 6),
                        "density": round(hits / k, 6),
                        "points": k,
                    }
                )
            return
        j, thr = int(t.feature[node]), float(t.threshold[node])
        if cats[j] is not None:
            allowed = cats[j]
            assert allowed is not None
            lc = [None if c is None else set(c) for c in cats]
            rc = [None if c is None else set(c) for c in cats]
            lc[j] = {c for c in allowed if c <= thr}
            rc[j] = {c for c in allowed if c > thr}
            walk(left, lo, hi, lc)
            walk(right, lo, hi, rc)
            return
        walk(left, lo, [*hi[:j], min(hi[j], thr), *hi[j + 1 :]], cats)
        walk(right, [*lo[:j], max(lo[j], thr), *lo[j + 1 :]], hi, cats)

    init_cats: list[set[int] | None] = [
        set(range(len(f.choices))) if f.choices is not None else None for f in factors
    ]
    walk(0, [-np.inf] * d, [np.inf] * d, init_cats)
    rules.sort(key=lambda r: (-r["density"], -r["coverage"], r["rule"]))
    return rules
