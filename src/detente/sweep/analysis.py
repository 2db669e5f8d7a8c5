"""What the sweep says: Sobol indices, the tornado, and scenario-discovery rules.

- Sobol first-order (S1) and total (ST) indices with bootstrap confidence intervals come from
  SALib (Saltelli 2002; Jansen 1999 estimators as implemented by SALib's ``sobol.analyze``).
- The tornado is the one-at-a-time view: each input moved to its ends, the others at the base
  scenario's values (design ``oat``).
- Scenario discovery: PRIM boxes (Friedman & Fisher 1999, peeling with the coverage/density
  trade-off of Bryant & Lempert 2010) from :mod:`detente.sweep.prim`, and a CART tree
  (scikit-learn's ``DecisionTreeClassifier``) read out as rules.
"""

from __future__ import annotations

import importlib
import json
import math
from typing import TYPE_CHECKING, Any

import numpy as np

from detente.errors import InputError

if TYPE_CHECKING:
    from detente.sweep.engine import SweepResult

__all__ = [
    "discovery_records",
    "require",
    "sobol_indices",
    "sobol_records",
    "tornado_records",
]

_CONF = 0.95
_RESAMPLES = 200


def require(module: str) -> Any:
    """Import ``module`` or say which extra installs it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise InputError(
            f"sweeps need the optional package {module.split('.')[0]!r} (the sweep extra): "
            "install it with the pip of detente's environment, from the clone's folder: "
            '.venv/bin/pip install -e ".[sweep]" (or pip install "detente[sweep]" in an '
            "activated one)"
        ) from None


def _r(x: float) -> float:
    return float(round(float(x), 6))


def _column(result: SweepResult, output: str) -> np.ndarray | None:
    vals = [result.outputs[p].get(output) for p in sorted(result.outputs)]
    if any(v is None for v in vals):
        return None
    return np.array(vals, dtype=float)


def sobol_indices(names: list[str], y: np.ndarray, *, seed: int) -> list[dict[str, Any]]:
    """S1/ST and their 95 % confidence half-widths for one output of a Sobol design.

    ``y`` is ordered as the design's points (SALib's Saltelli layout without second order).
    A constant output gets zeros and a note instead of NaN.
    """
    sobol = require("SALib.analyze.sobol")
    if float(np.ptp(y)) == 0.0:
        return [
            {
                "input": n,
                "S1": 0.0,
                "S1_conf": 0.0,
                "ST": 0.0,
                "ST_conf": 0.0,
                "note": "output constant over the sweep",
            }
            for n in names
        ]
    problem = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}
    si = sobol.analyze(
        problem,
        y,
        calc_second_order=False,
        num_resamples=_RESAMPLES,
        conf_level=_CONF,
        seed=seed,
    )
    out = []
    for j, n in enumerate(names):
        vals = [si["S1"][j], si["S1_conf"][j], si["ST"][j], si["ST_conf"][j]]
        s1, s1c, st, stc = (_r(v) if math.isfinite(v) else None for v in vals)
        out.append({"input": n, "S1": s1, "S1_conf": s1c, "ST": st, "ST_conf": stc})
    return out


def sobol_records(result: SweepResult) -> list[dict[str, Any]]:
    """S1/ST with confidence half-widths per (output, input); empty unless a complete Sobol run."""
    plan = result.plan
    if plan.design.kind != "sobol" or result.completed != plan.points:
        return []
    names = [f.name for f in plan.design.factors]
    records: list[dict[str, Any]] = []
    for output in plan.outputs:
        y = _column(result, output)
        if y is None:
            records.extend(
                {
                    "output": output,
                    "input": n,
                    "S1": None,
                    "S1_conf": None,
                    "ST": None,
                    "ST_conf": None,
                    "note": "output missing at some points",
                }
                for n in names
            )
            continue
        records.extend({"output": output} | r for r in sobol_indices(names, y, seed=plan.spec.seed))
    return records


def tornado_records(result: SweepResult) -> list[dict[str, Any]]:
    """For an ``oat`` design: each input's low/high output over the ends of its range (its
    choices) against the base point. An end at the snapshot's own value is not run again
    (:func:`detente.sweep.design.make_design`): the base point's output stands for it, so an
    input whose range ends at the snapshot's value spans base to other end, not one point."""
    from detente.sweep.design import oat_ends

    plan = result.plan
    if plan.design.kind != "oat" or 0 not in result.outputs:
        return []
    base_unit = plan.design.unit[0]
    records = []
    for output in plan.outputs:
        base = result.outputs[0].get(output)
        for j, f in enumerate(plan.design.factors):
            moved = [
                p
                for p in sorted(result.outputs)
                if p > 0 and abs(plan.design.unit[p, j] - base_unit[j]) > 1e-12
            ]
            if not moved:
                continue
            at_base = any(abs(e - base_unit[j]) <= 1e-12 for e in oat_ends(f))
            ends = sorted([0, *moved] if at_base else moved, key=lambda p: plan.design.unit[p, j])
            ys = {str(plan.design.values[p][j]): result.outputs[p].get(output) for p in ends}
            finite = [v for v in ys.values() if v is not None]
            lo, hi = (min(finite), max(finite)) if finite else (None, None)
            swing = None
            if finite and base is not None:
                swing = _r(max([*finite, base]) - min([*finite, base]))
            records.append(
                {
                    "output": output,
                    "input": f.name,
                    "base_value": plan.design.values[0][j],
                    "base": base,
                    "low": lo,
                    "high": hi,
                    "swing": swing,
                    "at": ys,
                }
            )
    records.sort(key=lambda r: (r["output"], -(r["swing"] or 0.0), r["input"]))
    return records


def _targets(result: SweepResult) -> list[tuple[str, str, np.ndarray]]:
    """(output, label, boolean y) for each discovery target (default: above the median)."""
    plan = result.plan
    out = []
    specs = plan.spec.discovery
    if specs:
        for d in specs:
            y = _column(result, d.output)
            if y is None:
                continue
            if d.above is not None:
                out.append((d.output, f"{d.output} > {d.above:g}", y > d.above))
            else:
                assert d.below is not None
                out.append((d.output, f"{d.output} < {d.below:g}", y < d.below))
        return out
    for o in plan.outputs:
        y = _column(result, o)
        if y is None or float(np.ptp(y)) == 0.0:
            continue
        med = float(np.median(y))
        cut = med if (y > med).any() else float(np.min(y))
        out.append((o, f"{o} > {cut:.4g}", y > cut))
    return out


def _matrix(result: SweepResult) -> tuple[np.ndarray, list[Any]]:
    plan = result.plan
    pts = sorted(result.outputs)
    cols = []
    for j, f in enumerate(plan.design.factors):
        vals = [plan.design.values[p][j] for p in pts]
        if f.choices is not None:
            cols.append([float(f.choices.index(v)) for v in vals])
        else:
            cols.append([float(v) for v in vals])
    return np.array(cols, dtype=float).T, list(plan.design.factors)


def discovery_records(result: SweepResult) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Rules (PRIM and CART) and the PRIM peeling trajectories, per discovery target."""
    from detente.sweep.prim import cart_rules, prim_box

    plan = result.plan
    if result.completed < 10 or plan.design.kind == "oat":
        return [], []
    x, factors = _matrix(result)
    rules: list[dict[str, Any]] = []
    trajectories: list[dict[str, Any]] = []
    for output, label, y in _targets(result):
        if y.all() or not y.any():
            continue
        box = prim_box(x, y, factors)
        if box is not None:
            rules.append(
                {
                    "output": output,
                    "target": label,
                    "method": "prim",
                    "rule": box.rule,
                    "coverage": _r(box.coverage),
                    "density": _r(box.density),
                    "points": box.n,
                }
            )
            trajectories.extend(
                {
                    "output": output,
                    "target": label,
                    "step": k,
                    "coverage": _r(c),
                    "density": _r(d),
                    "mass": _r(m),
                    "chosen": k == box.step,
                }
                for k, (c, d, m) in enumerate(box.trajectory)
            )
        for r in cart_rules(x, y, factors, seed=plan.spec.seed):
            rules.append({"output": output, "target": label, "method": "cart"} | r)
    return rules, trajectories


def dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True)
