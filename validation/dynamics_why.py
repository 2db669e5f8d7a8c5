"""Why the dynamics backtest's simulated red lines move or stay put (issue 13; helper dyn14).

For each pair of the backtest (``validation/dynamics.py``), the earlier snapshot is simulated
week by week (``detente.simulate.engine.iter_periods``, the backtest's runs and seed) and the
``positions`` step's own functions are evaluated on each week's state, so every condition of its
rules (docs/explanation/simulation-model.md, *Red lines that move*) is measured per red line:

- **crossing** (loosening): the move sets holding the line (the bargaining engine's cheapest
  package for a closed bundle), the share of runs that held a round of talks on the bundle, in
  which the gain over no agreement exceeded the crossing cost in the first week and at some
  week (the step's own test, ``positions.worth_crossing``), and that crossed it; a move set
  outside the ratifiers' win-set (``MoveSet.ratified``, branch v22a) is marked "not ratified"
  and never crossed;
- **hardening** (tightening): the war's rise of the actor's value of fighting
  (``positions.war_rise``, median) and the share of runs in which it tightens the line by more
  than the tolerance;
- **entrapment**: the public commitment the line is pulled toward, if any;
- **at the front**: whether the line is stated at the line of contact.

Each moved line gets the first condition that fails for the rule that could move it the way the
real line moved (``blocked_by``). Nothing is written; the figures are those quoted in
``validation/dyn14_expectations.md``.

    .venv/bin/python validation/dynamics_why.py            # moved lines stated in both, markdown
    .venv/bin/python validation/dynamics_why.py --all      # every line stated in both
    .venv/bin/python validation/dynamics_why.py --runs 500 --pair ukraine-2023-12
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import dynamics as dyn  # noqa: E402  (validation/dynamics.py, beside this file)

from detente.simulate.steps.positions import worth_crossing  # noqa: E402  (the step's own test)

GROUND = 0.5
"""A condition holds for the pair when it holds in more than this share of runs (the backtest
scores the median)."""


def looser(bound: str, direction: str) -> bool:
    """The real move loosens the line (a minimum down, a maximum up)."""
    return (bound == "min" and direction == "down") or (bound == "max" and direction == "up")


def blocked_by(row: dict[str, Any]) -> str:
    """The first condition that fails for the rule that could move the line the real way."""
    if dyn.direction(row["median"] - row["from"]) == row["direction"]:
        return "- (right)"
    if looser(row["bound"], row["direction"]):
        if not row["move_sets"]:
            return "no move set holds the line (the cheapest packages cross the other side's)"
        best = max(row["move_sets"], key=lambda x: (x["crossed"], x["table"], x["gain_ever"]))
        if best["table"] <= GROUND:
            return f"no round of talks on the {best['bundle']} bundle"
        if not best.get("ratified", True):
            return "outside the ratifiers' win-set (a ratification they reject; branch v22a)"
        if best["gain_ever"] <= GROUND:
            return "the crossing cost stays above the gain"
        return "crossed in too few runs"
    if row["direction"] == "unchanged":
        return "a rule moves a line that held"
    if row["war_rise"] is None:
        return "a third party: its lines do not harden"
    if row["war_rise"] <= 0.0 and not row["commit_pulls"]:
        return "the value of fighting does not rise (median war's ΔV ≤ 0)"
    return "the hardening or the commitment's pull is under the tolerance"


def diagnose_pair(pair: dict[str, Any], *, runs: int, seed: int) -> list[dict[str, Any]]:
    """One row per red line stated in both snapshots of ``pair`` (an item of
    ``dynamics_expectations.yaml``): the measured conditions and :func:`blocked_by`."""
    from detente.bargaining.redlines import hardening_points
    from detente.scenario import load_scenario
    from detente.simulate.engine import iter_periods
    from detente.simulate.model import build_model
    from detente.simulate.steps.positions import agreement_gains, red_lines, war_rise

    m = build_model(load_scenario(dyn.snapshot_path(pair["from"].removeprefix("ukraine-"))))
    ag = m.agenda
    sets = ag.move_sets
    n_j = len(sets)
    gain_first = np.zeros((runs, n_j), dtype=bool)
    gain_ever = np.zeros((runs, n_j), dtype=bool)
    s = None
    for t, s in enumerate(iter_periods(m, runs, np.random.SeedSequence(seed), int(pair["weeks"]))):
        relief = agreement_gains(m, s)
        for j, ms in enumerate(sets):
            if ms.point_k < 0:
                continue
            ok = worth_crossing(m, s, j, relief)
            gain_ever[:, j] |= ok
            if t == 0:
                gain_first[:, j] = ok
    if s is None:
        raise ValueError(f"{pair['from']}: no period simulated")
    lo, hi = red_lines(m, s)
    rise = war_rise(m, s)
    pts = hardening_points(rise)
    actors, issues = list(m.actor_ids), list(m.issue_ids)
    bundles = [b.id for b in ag.bundles]
    rows: list[dict[str, Any]] = []
    for it in pair["red_lines"]:
        if it["status"] != "stated in both":
            continue
        a, i, is_min = actors.index(it["actor"]), issues.index(it["issue"]), it["bound"] == "min"
        line = (lo if is_min else hi)[:, a, i]
        held = []
        for j, ms in enumerate(sets):
            k = np.flatnonzero((ms.issues == i) & (ms.is_min == is_min))
            if ms.actor != a or k.size == 0:
                continue
            held.append(
                {
                    "bundle": bundles[ms.bundle],
                    "to": float(ms.to[k[0]]),
                    "table": float((s.rounds[:, ms.bundle] > 0).mean()),
                    "gain_first": float(gain_first[:, j].mean()),
                    "gain_ever": float(gain_ever[:, j].mean()),
                    "crossed": float((s.moved_at[:, j] >= 0).mean()),
                    "ratified": bool(ms.ratified),
                }
            )
        commit = None
        if a < 2:
            c = float((ag.commit_lo if is_min else ag.commit_hi)[a, i])
            commit = c if np.isfinite(c) else None
        stated = float(it["from"])
        row: dict[str, Any] = {
            "actor": it["actor"],
            "issue": it["issue"],
            "bound": it["bound"],
            "from": stated,
            "to": float(it["to"]),
            "direction": it["direction"],
            "median": float(np.median(line)),
            "move_sets": held,
            "war_rise": float(np.nanmedian(rise[:, a])) if a < 2 else None,
            "harden_share": float((pts[:, a] > dyn.TOLERANCE).mean()) if a < 2 else 0.0,
            "commitment": commit,
            "commit_pulls": commit is not None and (commit > stated if is_min else commit < stated),
            "at_front": bool(
                ag.front_lo is not None
                and ag.front_hi is not None
                and (ag.front_lo if is_min else ag.front_hi)[a, i]
            ),
        }
        row["blocked_by"] = blocked_by(row)
        rows.append(row)
    return rows


def render(results: dict[str, list[dict[str, Any]]], *, moved_only: bool) -> str:
    """A markdown table: one row per line (``moved_only``: the moved ones)."""
    out = [
        "| pair | line | real | simulated median | move sets (bundle → to: talks / gain > cost "
        "week 0, ever / crossed) | war's ΔV (runs hardening) | commitment | at front | "
        "blocked by |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for sid, rows in results.items():
        for r in rows:
            if moved_only and r["direction"] == "unchanged":
                continue
            sets = "; ".join(
                f"{x['bundle']} → {x['to']:.0f}: {x['table']:.0%} / {x['gain_first']:.0%}, "
                f"{x['gain_ever']:.0%} / {x['crossed']:.0%}"
                + ("" if x.get("ratified", True) else " (not ratified)")
                for x in r["move_sets"]
            )
            wr = "–" if r["war_rise"] is None else f"{r['war_rise']:+.3f} ({r['harden_share']:.0%})"
            commit = "–" if r["commitment"] is None else f"{r['commitment']:.0f}"
            out.append(
                f"| {sid.removeprefix('ukraine-')} | {r['actor']} {r['issue']} {r['bound']} | "
                f"{r['from']:.0f} → {r['to']:.0f} ({r['direction']}) | {r['median']:.1f} | "
                f"{sets or '–'} | {wr} | {commit} | {'yes' if r['at_front'] else 'no'} | "
                f"{r['blocked_by']} |"
            )
    return "\n".join(out) + "\n"


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=dyn.RUNS)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--pair", default=None, help="an earlier snapshot's id, e.g. ukraine-2023-12")
    ap.add_argument("--all", action="store_true", help="also the lines that did not move")
    args = ap.parse_args(argv)
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    seed = dyn._default_seed() if args.seed is None else args.seed
    pairs = dyn.load_expectations()["pairs"]
    if args.pair is not None:
        pairs = [p for p in pairs if p["from"] == args.pair]
        if not pairs:
            ap.error(f"--pair: no pair starts at {args.pair!r}")
    results = {p["from"]: diagnose_pair(p, runs=args.runs, seed=seed) for p in pairs}
    sys.stdout.write(render(results, moved_only=not args.all))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
