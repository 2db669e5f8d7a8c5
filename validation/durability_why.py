"""Why a development case's agreement is as durable as the simulation says (helper v17a).

For each case it simulates the case as the development set does (``validation/simscore.py``:
its runs, seed and horizon, through ``detente.simulate``) and decomposes the one-year
breakdown the ``breakdown_1y`` checks score:

- **pooled**: the README's figure, each bundle's Kaplan–Meier ``p_breakdown_1y`` weighted by
  its ``p_agreement`` (:func:`simscore.pooled_breakdown`, the scorer's own function), and each
  bundle's P and b;
- **factors**: the bundle's ``durability`` record (hazard ratio at the runs' mean trust at
  signature, each covariate's factor ≠ 1; the factors multiply to the hazard ratio);
- **needs**: for each ``breakdown_1y`` check of the case, the factor ``f`` on the scored
  figure's cumulative hazard that a pass needs, ``ln(1 − v) / ln(1 − b)`` (``1 − (1 − b)^f``
  crosses the threshold ``v``): ``f ≤`` for ``<``, ``f ≥`` for ``>``;
- **terms**: on each issue the settlement settles, the runs' agreed terms (5 % and 95 %
  quantiles) against the terms history signed (``issues[].outcome``);
- **spoilers**: each spoiler faction (:func:`~detente.simulate.durability_covariates.
  spoiler_factions`: strength × (1 − control)) and, on each issue where it states a red line
  (its latest ``acceptable`` dated at or before ``as_of``), whether the runs' terms cross it
  (``all``, ``some`` or ``none`` of the 5–95 % range) and whether the signed terms do;
- **without** (helper v22b): for each factor ≠ 1, the pooled figure if that factor were 1 in
  every bundle that carries it (:func:`without_factor` on each bundle's b, pooled by the
  scorer's rule): proportional-hazards arithmetic on the measured figures, not a rerun (the
  runs' timing and trust at signature are held), so it sizes a candidate before any change
  (e.g. Arusha's pooled figure without UNAMIR's factor).

Nothing is written; the engine and the scenarios are read as they are.

    .venv/bin/python validation/durability_why.py                  # the brief's cases, markdown
    .venv/bin/python validation/durability_why.py aceh_2005 --json # one case, JSON
    .venv/bin/python validation/durability_why.py --runs 200       # quicker, fewer runs
    .venv/bin/python validation/durability_why.py --all            # every breakdown_1y case
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import sys
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import simscore  # noqa: E402  (validation/simscore.py, beside this file)

CASES_DIR = HERE / "cases"
CASES = (
    "aceh_2005",
    "good_friday_1998",
    "minsk_i_2014",
    "arusha_1993",
    "dayton_1995",
    "sinai_i_1974",
    "ethiopia_eritrea_2000",
    "bishkek_1994",
    "lusaka_1994",
    "sri_lanka_2002",
    "oslo_1993",
)
"""The validity brief's breakdown family (seventeenth session): its misses, then its passes."""


def needed_factor(b: float, op: str, value: float) -> dict[str, Any] | None:
    """The factor on the cumulative hazard of a one-year breakdown ``b`` that makes
    ``1 − (1 − b)^f`` meet ``op value`` (``<``/``<=``: ``f ≤``, ``>``/``>=``: ``f ≥``), or
    None when no finite positive factor is defined (``b`` or ``value`` at 0 or 1)."""
    if not (0.0 < b < 1.0 and 0.0 < value < 1.0) or op not in ("<", "<=", ">", ">="):
        return None
    f = math.log(1.0 - value) / math.log(1.0 - b)
    return {"op": "<=" if op in ("<", "<=") else ">=", "factor": f}


def without_factor(b: float, factor: float) -> float:
    """A one-year breakdown ``b`` with one hazard-ratio factor removed: under proportional
    hazards ``1 − b = exp(−HR·H₀)``, so dividing HR by ``factor`` gives
    ``1 − (1 − b)^(1/factor)``."""
    if not (0.0 <= b <= 1.0) or not factor > 0.0:
        raise ValueError(f"need 0 <= b <= 1 and factor > 0, got b={b}, factor={factor}")
    if b == 1.0:
        return 1.0
    return 1.0 - float((1.0 - b) ** (1.0 / factor))


def breakdown_cases() -> list[str]:
    """Every development case with a ``breakdown_1y`` check, in name order."""
    return sorted(p.parent.name for p in CASES_DIR.glob("*/case.yaml") if _checks(p.parent.name))


def crossed(lo: float, hi: float, low_q: float, high_q: float) -> str:
    """Whether terms ranging over ``[low_q, high_q]`` (the runs' 5–95 % quantiles) cross the
    red line ``[lo, hi]``: ``all`` (the whole range outside it), ``none`` (inside it) or
    ``some``. The quantiles are read from the results' histogram of terms
    (:data:`detente.simulate.results.TERM_BINS` bins on 0–100), so each is first taken to its
    bin's lower edge: a term in the bin that starts on the line (a deal *at* the red line,
    reported as e.g. 30.005–30.095) keeps it."""
    from detente.simulate.results import TERM_BINS

    width = 100.0 / TERM_BINS
    low_q = math.floor(low_q / width + 1e-9) * width
    high_q = math.floor(high_q / width + 1e-9) * width
    inside_lo, inside_hi = max(lo, low_q), min(hi, high_q)
    if inside_lo > inside_hi:
        return "all"
    if lo <= low_q and high_q <= hi:
        return "none"
    return "some"


def red_lines(scenario: Any, actor: str) -> dict[str, tuple[float, float]]:
    """Issue → the actor's stated red line ``acceptable`` current at ``meta.as_of`` (the
    latest dated position with one; an undated position counts as current)."""
    as_of = scenario.meta.as_of
    best: dict[str, tuple[dt.date, tuple[float, float]]] = {}
    for p in scenario.positions:
        if p.actor != actor or p.acceptable is None:
            continue
        when = p.date or dt.date.min
        if when > as_of:
            continue
        if p.issue not in best or when >= best[p.issue][0]:
            best[p.issue] = (when, (float(p.acceptable[0]), float(p.acceptable[1])))
    return {k: v for k, (_, v) in best.items()}


def _lines(
    scenario: Any, actor: str, terms: dict[str, Any], signed: dict[str, float | None]
) -> dict[str, Any]:
    """The actor's stated red lines against the runs' settlement terms and the signed ones."""
    out = {}
    for iid, (lo, hi) in red_lines(scenario, actor).items():
        t = terms.get(iid)
        runs_cross = (
            crossed(lo, hi, t["q05"], t["q95"])
            if t is not None and t["q05"] is not None and t["q95"] is not None
            else None
        )
        sig = signed.get(iid)
        out[iid] = {
            "acceptable": [lo, hi],
            "runs_terms_cross": runs_cross,
            "signed_terms_cross": None if sig is None else not (lo <= sig <= hi),
        }
    return out


def _checks(case: str) -> list[dict[str, Any]]:
    doc = yaml.safe_load((CASES_DIR / case / "case.yaml").read_text(encoding="utf-8"))
    return [
        {"id": e["id"], **e["check"]}
        for e in doc.get("expectations", [])
        if e.get("check", {}).get("kind") == "breakdown_1y"
    ]


def decompose(case: str, *, runs: int | None = None, periods: int | None = None) -> dict[str, Any]:
    """The decomposition of ``case``'s simulated one-year breakdown (module doc)."""
    import detente
    from detente.scenario import load_scenario
    from detente.simulate.durability_covariates import spoiler_factions

    scenario = load_scenario(CASES_DIR / case / "scenario.yaml")
    n = simscore.SIM_RUNS if runs is None else runs
    horizon = simscore.SIM_HORIZON if periods is None else periods
    result = detente.simulate(scenario, runs=n, seed=simscore.sim_seed(), periods=horizon)
    records = result.summary().get("agreements", [])
    pooled = simscore.pooled_breakdown({"agreements": records})
    signed = {i.id: i.outcome for i in scenario.issues}
    bundles = []
    for rec in records:
        if not rec.get("p_agreement"):
            continue
        dur = rec.get("durability") or {}
        factors = _factors_of(rec)
        bundles.append(
            {
                "bundle": rec["bundle"],
                "p_agreement": rec["p_agreement"],
                "p_breakdown_1y": rec["p_breakdown_1y"],
                "hazard_ratio": dur.get("hazard_ratio"),
                "trust_at_signature": dur.get("trust_at_signature"),
                "model_one_year": dur.get("one_year_breakdown"),
                "factors": factors,
                "factor_product": math.prod(factors.values()) if dur else None,
                "terms": {
                    iid: {
                        "q05": q.get("q05"),
                        "q95": q.get("q95"),
                        "signed": signed.get(iid),
                    }
                    for iid, q in (rec.get("terms") or {}).items()
                },
            }
        )
    settle = next((b for b in bundles if b["bundle"] == "settlement"), None)
    terms = settle["terms"] if settle else {}
    spoilers = [
        {
            "faction": fid,
            "uncontrolled_strength": strength * (1.0 - control),
            "red_lines": _lines(scenario, fid, terms, signed),
        }
        for fid, _side, strength, control in spoiler_factions(scenario)
    ]
    sides = [
        {"actor": a.id, "red_lines": _lines(scenario, a.id, terms, signed)}
        for a in scenario.actors
        if a.veto and a.kind.value != "faction" and red_lines(scenario, a.id)
    ]
    without = {}
    for name in sorted({k for b in bundles for k in b["factors"]}):
        recs = [
            {
                **rec,
                "p_breakdown_1y": (
                    without_factor(rec["p_breakdown_1y"], fac[name])
                    if rec.get("p_breakdown_1y") is not None and name in fac
                    else rec.get("p_breakdown_1y")
                ),
            }
            for rec in records
            for fac in [_factors_of(rec)]
        ]
        without[name] = simscore.pooled_breakdown({"agreements": recs})
    checks = []
    for c in _checks(case):
        b = pooled
        if c.get("bundle") is not None:
            b = next((x["p_breakdown_1y"] for x in bundles if x["bundle"] == c["bundle"]), None)
        checks.append(
            {
                "id": c["id"],
                "check": f"{c['op']} {c['value']}",
                "value": b,
                "needs": None if b is None else needed_factor(b, c["op"], float(c["value"])),
            }
        )
    return {
        "case": case,
        "runs": n,
        "periods": horizon,
        "pooled": pooled,
        "bundles": bundles,
        "spoilers": spoilers,
        "sides": sides,
        "checks": checks,
        "without": without,
    }


def _factors_of(rec: dict[str, Any]) -> dict[str, float]:
    """A summary record's covariate factors ≠ 1 (its ``durability`` record)."""
    dur = rec.get("durability") or {}
    return {
        c["covariate"]: c["hazard_ratio"]
        for c in dur.get("covariates", [])
        if abs(c["hazard_ratio"] - 1.0) > 1e-9
    }


def _fmt(x: Any, nd: int = 3) -> str:
    return "—" if x is None else f"{x:.{nd}f}"


def _line_text(lines: dict[str, Any]) -> str:
    """Red lines as text: each with whether the runs' and the signed terms cross it."""
    parts = []
    for i, v in lines.items():
        text = f"{i} {v['acceptable']}: crossed by the runs' terms: {v['runs_terms_cross']}"
        if v["signed_terms_cross"] is not None:
            text += f", signed terms {'cross' if v['signed_terms_cross'] else 'keep'} it"
        parts.append(text)
    return "; ".join(parts) or "no stated red line"


def markdown(rows: list[dict[str, Any]]) -> str:
    """The decompositions as a markdown report."""
    out = ["# Durability decomposition (validation/durability_why.py)", ""]
    for r in rows:
        out.append(f"## {r['case']} — pooled {_fmt(r['pooled'])} ({r['runs']} runs)")
        for c in r["checks"]:
            need = c["needs"]
            need_s = "—" if need is None else f"f {need['op']} {need['factor']:.3f}"
            out.append(f"- check `{c['id']}` ({c['check']}): {_fmt(c['value'])}; needs {need_s}")
        for b in r["bundles"]:
            fac = ", ".join(f"{k} {v:.3f}" for k, v in b["factors"].items())
            out.append(
                f"- `{b['bundle']}`: P {_fmt(b['p_agreement'])}, b {_fmt(b['p_breakdown_1y'])}, "
                f"HR {_fmt(b['hazard_ratio'])} (trust {_fmt(b['trust_at_signature'])}): {fac}"
            )
            terms = ", ".join(
                f"{i} {_fmt(t['q05'], 1)}–{_fmt(t['q95'], 1)} (signed {_fmt(t['signed'], 0)})"
                for i, t in b["terms"].items()
            )
            out.append(f"  - terms: {terms}")
        for s in r["spoilers"]:
            out.append(
                f"- spoiler `{s['faction']}` (uncontrolled strength "
                f"{s['uncontrolled_strength']:.3f}): {_line_text(s['red_lines'])}"
            )
        for s in r["sides"]:
            out.append(f"- veto party `{s['actor']}`: {_line_text(s['red_lines'])}")
        if r.get("without"):
            wo = ", ".join(f"{k} {_fmt(v)}" for k, v in r["without"].items())
            out.append(f"- pooled without one factor (arithmetic, not a rerun): {wo}")
        out.append("")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("cases", nargs="*", help="case ids (default: the brief's family)")
    ap.add_argument("--runs", type=int, default=None, help="runs (default: the pool's)")
    ap.add_argument("--json", action="store_true", help="JSON instead of markdown")
    ap.add_argument(
        "--all", action="store_true", help="every case with a breakdown_1y check (v22b)"
    )
    args = ap.parse_args(argv)
    chosen = breakdown_cases() if args.all else (args.cases or CASES)
    rows = [decompose(c, runs=args.runs) for c in chosen]
    print(json.dumps(rows, indent=1) if args.json else markdown(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
