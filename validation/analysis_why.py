"""Why a development case's analysis check passes or misses (helper v18a).

For each analysis-scored expectation (``validation/score.py``'s ``KINDS``; by default only the
misses) it prints the scorer's verdict (:func:`score.score_check`, the scorer's own function,
so the two never disagree) and the terms that decide it:

- ``proposal_accepted``: each asked actor's value of the proposal U, its reservation V (value
  of fighting on / of no deal) and threshold t (distrust and the proposal's mechanisms), the
  margin the check reads (U − t with distrust, U − V without), the stated red lines crossed
  (points, κ, cost) and the linkages broken;
- ``red_line_crossed``: the actor's stated line on the issue, and what the proposal does on
  it: settles it (value), defers it (interim, fallback) or leaves it out (frozen at the status
  quo by a cease-fire, or to the war): red lines bind only on what an agreement puts in place;
- ``zone``, ``bundle_zone``, ``blocking``, ``distance``, ``cheapest_package_uses``: the zone
  (stated and priced), the red-line conflicts, each veto party's threshold, the distance and
  the cheapest package (crossings with their price, compensation: the parties whose threshold
  no crossing can meet);
- ``outcome_in_zone``: each veto party's value of the recorded outcome (priced crossings
  included when the check says so) against its threshold (``score.outcome_values``);
- the orderings of kind ``distance_order`` (``validation/orderings.yaml``): each case's
  distance and cheapest package.

Every actor named gets the **decomposition of its reservation** V (:func:`war_terms`): with a
war model ``V = λ·U(sq) + (1 − λ)·[p_A·U(x_A) + p_B·U(x_B) + s·U(sq)] − C``
(:mod:`detente.bargaining.war`; λ the share of the discounted future spent at the status quo
before the war is decided, C the discounted cost of fighting over the horizon); a stated
reservation overrides it. Nothing is written; the engine and the scenarios are read as they
are.

    .venv/bin/python validation/analysis_why.py                     # every analysis miss
    .venv/bin/python validation/analysis_why.py beagle_1984 --all    # every check of a case
    .venv/bin/python validation/analysis_why.py --json               # the same as JSON
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
CASES_DIR = HERE / "cases"


def _score() -> ModuleType:
    """``validation/score.py`` (this folder is not a package), loaded once."""
    key = "validation_score"
    if key in sys.modules:
        return sys.modules[key]
    spec = importlib.util.spec_from_file_location(key, HERE / "score.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[key] = module
    spec.loader.exec_module(module)
    return module


def _r(v: Any, nd: int = 4) -> Any:
    """A float rounded for display (NaN and ±inf as None / strings); other values as they are."""
    if isinstance(v, (float, np.floating)):
        f = float(v)
        if np.isnan(f):
            return None
        if np.isinf(f):
            return "inf" if f > 0 else "-inf"
        return round(f, nd)
    return v


def war_terms(problem: Any, actor: str) -> dict[str, Any]:
    """The terms of ``actor``'s reservation V (module docstring): U(sq), and with a war model
    λ, p_A, p_B, s, U(x_A), U(x_B), the lottery, the cost C and the V they give; ``stated``
    is the stated reservation (None: the war model's V is the reservation)."""
    from detente.bargaining.utility import utility
    from detente.bargaining.war import flow_share, gross_war_value, war_value

    i = problem.index(actor)
    u_sq = float(utility(problem, problem.status_quo)[i])
    stated = float(problem.stated_reservation[i])
    out: dict[str, Any] = {
        "actor": actor,
        "reservation": float(problem.reservation[i]),
        "stated": None if np.isnan(stated) else stated,
        "u_sq": u_sq,
    }
    if not problem.has_war:
        out["v_model"] = u_sq
        return out
    u = utility(problem, np.vstack([problem.victory_terms, problem.status_quo[None, :]]))[:, i]
    lam = float(flow_share(problem)[i])
    lottery = float(gross_war_value(problem)[i])
    cost = float(problem.war_cost[i])
    out.update(
        lam=lam,
        p_a=float(problem.p_a),
        p_b=max(0.0, 1.0 - problem.p_a - problem.stalemate),
        stalemate=float(problem.stalemate),
        u_win_a=float(u[0]),
        u_win_b=float(u[1]),
        lottery=lottery,
        cost=cost,
        # the engine's own V (its terms above are shown, not recombined: one formula)
        v_model=float(war_value(problem)[i]),
    )
    return out


def _package(r: Any) -> dict[str, Any] | None:
    if not r.packages:
        return None
    pk = r.packages[0]
    return {
        "price": float(pk.price),
        "moves": [
            {
                "actor": mv.actor,
                "issue": mv.issue,
                "bound": mv.bound,
                "stated": mv.stated,
                "to": _r(mv.to, 2),
                "points": _r(mv.points, 2),
                "cost": _r(mv.cost),
                "price": _r(mv.price),
            }
            for mv in pk.moves
        ],
        "compensation": {a: _r(v) for a, v in pk.compensation.items()},
        "mechanisms": list(pk.mechanisms),
        "payments": list(pk.payments),
    }


def _zone(m: Any, spec: Any, distrust: bool) -> dict[str, Any]:
    r = m.result(spec, distrust=distrust)
    if r is None:
        return {"bundle": spec, "declared": False}
    p = m.problem
    veto = r.veto if r.veto.size else p.veto
    return {
        "bundle": spec,
        "exists": bool(r.exists),
        "radius": _r(r.radius, 3),
        "priced_exists": bool(r.priced_exists),
        "priced_radius": _r(r.priced_radius, 3),
        "conflicts": list(r.conflicts),
        "thresholds": {a: _r(float(r.thresholds[i])) for i, a in enumerate(p.actors) if veto[i]},
        "distance": _r(r.distance),
        "distance_note": r.distance_note,
        "package": _package(r),
        "linkages": [f"{b.actor}: {b}" for b in r.linkages],
        "veto": [a for i, a in enumerate(p.actors) if veto[i]],
    }


def _proposal(m: Any, check: dict[str, Any]) -> dict[str, Any]:
    card = next(c for c in m.analysis.cards if c.id == check["proposal"])
    by = check.get("by")
    d = check.get("with_distrust", True)
    rows = []
    for r in card.rows:
        if not (r.actor == by if by else r.veto):
            continue
        rows.append(
            {
                "actor": r.actor,
                "utility": _r(r.utility),
                "reservation": _r(r.reservation),
                "threshold": _r(r.threshold),
                "margin": _r(r.margin_distrust if d else r.margin),
                "accepts": bool(r.accept_distrust if d else r.accept),
                "crossed": [
                    {
                        "issue": c.issue,
                        "bound": c.bound,
                        "stated": c.stated,
                        "value": c.value,
                        "points": _r(c.points, 2),
                        "cost": _r(c.cost),
                    }
                    for c in r.crossed
                ],
                "linkages_broken": [str(b) for b in r.linkages_broken],
            }
        )
    return {
        "proposal": card.id,
        "settled": list(card.settled),
        "deferred": list(card.deferred),
        "ceasefire": card.ceasefire,
        "with_distrust": d,
        "rows": rows,
    }


def _red_line(m: Any, check: dict[str, Any]) -> dict[str, Any]:
    p = m.problem
    card = next(c for c in m.analysis.cards if c.id == check["proposal"])
    i, k = p.index(check["actor"]), p.issues.index(check["issue"])
    issue = check["issue"]
    if issue in card.settled:
        where = f"settled at {float(card.terms[k]):g}"
    elif issue in card.deferred:
        where = "deferred (binding only where its interim or fallback leaves the status quo)"
    else:
        fate = "frozen at" if card.ceasefire else "left to the war from"
        where = f"not put in place: {fate} the status quo {float(p.status_quo[k]):g}"
    row = next(r for r in card.rows if r.actor == check["actor"])
    return {
        "proposal": card.id,
        "issue": issue,
        "line": [float(p.lo[i, k]), float(p.hi[i, k])],
        "kappa": _r(float(p.crossing[i, k])),
        "proposal_on_issue": where,
        "crossed": list(row.red_lines_broken),
    }


def _outcome(m: Any, check: dict[str, Any]) -> dict[str, Any]:
    f = _score().outcome_values(m, check.get("bundle", "settlement"), check)
    if isinstance(f, str):
        return {"note": f}
    p = m.problem
    rows = []
    for i, a in enumerate(p.actors):
        if not f["veto"][i]:
            continue
        t = float(f["thresholds"][i])
        over = {p.issues[k]: _r(float(f["over"][i, k]), 2) for k in np.flatnonzero(f["over"][i])}
        rows.append(
            {
                "actor": a,
                "value": _r(float(f["v"][i])),
                "crossing_cost": _r(float(f["extra"][i])),
                "threshold": _r(t),
                "shortfall": _r(max(0.0, t - float(f["v"][i]))),
                "lines_crossed": over,
            }
        )
    return {
        "outcome": {p.issues[k]: float(x) for k, x in enumerate(f["x"])},
        "priced": f["priced"],
        "rows": rows,
    }


def explain(m: Any, check: dict[str, Any]) -> dict[str, Any]:
    """The verdict of one analysis check on one case and the terms that decide it (module
    docstring), with the decomposition of every named actor's reservation."""
    score = _score()
    status, detail = score.score_check(m, check)
    kind = check["kind"]
    out: dict[str, Any] = {"kind": kind, "status": status, "detail": detail}
    if kind == "proposal_accepted":
        out["proposal"] = _proposal(m, check)
        named = [r["actor"] for r in out["proposal"]["rows"]]
    elif kind == "red_line_crossed":
        out["red_line"] = _red_line(m, check)
        named = [check["actor"]]
    elif kind == "outcome_in_zone":
        out["outcome"] = _outcome(m, check)
        named = [r["actor"] for r in out["outcome"].get("rows", [])]
    elif kind == "distance_order":
        out["zones"] = [_zone(m, spec, True) for spec in check["less"]]
        named = list(dict.fromkeys(a for z in out["zones"] for a in z.get("veto", [])))
    else:
        spec = "settlement" if kind == "zone" else check.get("bundle", "settlement")
        out["zone"] = _zone(m, spec, check.get("distrust", True))
        named = list(out["zone"].get("veto", []))
    out["reservations"] = [{k: _r(v) for k, v in war_terms(m.problem, a).items()} for a in named]
    return out


def explain_cases(
    cases: list[str] | None = None, *, everything: bool = False, cases_dir: Path = CASES_DIR
) -> list[dict[str, Any]]:
    """:func:`explain` for the analysis checks of ``cases`` (default: every case), only the
    misses unless ``everything``; then the ``distance_order`` orderings among those cases."""
    from detente.scenario import load_scenario

    score = _score()
    names = cases or sorted(p.name for p in cases_dir.iterdir() if (p / "case.yaml").exists())
    models: dict[str, Any] = {}
    out: list[dict[str, Any]] = []
    for name in names:
        case = score._yaml(cases_dir / name / "case.yaml")
        m = score.CaseModel(load_scenario(cases_dir / name / "scenario.yaml"))
        models[name] = m
        for e in case.get("expectations") or []:
            check = dict(e["check"])
            if check.get("kind") not in score.KINDS:
                continue
            row = {"case": name, "expectation": e["id"], **explain(m, check)}
            if everything or row["status"] == "miss":
                out.append(row)
    orderings = cases_dir.parent / "orderings.yaml"
    if orderings.exists():
        for e in (score._yaml(orderings) or {}).get("orderings") or []:
            check = e["check"]
            if check.get("kind") != "distance_order":
                continue
            if any(item["case"] not in models for item in check["less"]):
                continue
            verdict = score._score_ordering(e, models, None)
            if not everything and verdict.status != "miss":
                continue
            zones = [
                {
                    "case": it["case"],
                    **_zone(models[it["case"]], it.get("bundle", "settlement"), True),
                }
                for it in check["less"]
            ]
            out.append(
                {
                    "case": "(orderings)",
                    "expectation": e["id"],
                    "kind": "distance_order",
                    "status": verdict.status,
                    "detail": verdict.detail,
                    "zones": zones,
                }
            )
    return out


def render(rows: list[dict[str, Any]]) -> str:
    """Markdown: one section per check."""
    lines = ["# Why the analysis checks pass or miss (validation/analysis_why.py)", ""]
    for row in rows:
        lines.append(
            f"## {row['case']} `{row['expectation']}` ({row['kind']}): "
            f"{row['status']} ({row['detail']})"
        )
        body = {
            k: v
            for k, v in row.items()
            if k not in ("case", "expectation", "kind", "status", "detail", "reservations")
        }
        for key, value in body.items():
            lines.append(f"- {key}: `{json.dumps(value, default=str, ensure_ascii=False)}`")
        for res in row.get("reservations", []):
            terms = ", ".join(f"{k} {v}" for k, v in res.items() if k != "actor")
            lines.append(f"- V of {res['actor']}: {terms}")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="*", help="case ids (default: every case)")
    parser.add_argument("--all", action="store_true", help="every check, not only the misses")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    for c in args.cases:
        if not (CASES_DIR / c / "case.yaml").exists():
            print(f"error: no case {c!r} in {CASES_DIR}", file=sys.stderr)
            return 2
    rows = explain_cases(args.cases or None, everything=args.all)
    print(json.dumps(rows, indent=1, default=str) if args.json else render(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
