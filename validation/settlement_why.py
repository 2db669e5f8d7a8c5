"""Why a snapshot's simulated runs sign the full settlement (helper v18b; issue: the March 2022
snapshot settles in about 65 % of runs by November 2022, history in none).

The scenario is simulated week by week (``detente.simulate.engine.iter_periods``, the dynamics
backtest's runs, seed and blocks), and for every period in which some runs sign the settlement
the tool reports, over those runs (medians): the track that carried it, each belligerent's
utility of the signed terms, its value of fighting on as the learn step left it (the value the
talks of that period weighed: ``learn`` runs before ``talk``; ``min_margin``, the least utility
of the terms less that value over the runs), its horizon cost (the war lottery
less the value), its belief that the first belligerent wins a battle, and, for the second
belligerent, the belief at which its value of fighting would equal the terms (the break-even
``r̂``; the lottery is linear in ``r̂``). Week 0's war lottery is decomposed for both sides.
Nothing is written; the figures are those quoted in ``validation/v18b_expectations.md``.

With ``--tracks`` (helper v19b) it reports instead, per bundle, the share of runs whose first
agreement on it came through each track (``by_track`` of ``detente.simulate``, the public
API, at the given runs, seed and weeks), and for each declared track whether it can meet in
the model at all (``TrackTable.stop``: 0 for a track closed at ``as_of`` that no lifted
refusal opens, or that settles nothing by itself, such as a summit that only signs): the
diagnosis of ``validation/v19b_expectations.md`` (which tracks carry which bundles, and
whether a track that history says never met meets in the model).

    .venv/bin/python validation/settlement_why.py                       # ukraine-2022-03, 33 weeks
    .venv/bin/python validation/settlement_why.py --scenario scenarios/ukraine-2022-11.yaml
    .venv/bin/python validation/settlement_why.py --tracks --weeks 104  # who carries what
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
RUNS, SEED, WEEKS = 2000, 20261122, 33  # validation/dynamics.py's runs and seed; 2022-03 → 2022-11


def _terms_utility(m: Any, k: np.ndarray) -> np.ndarray:
    """(n, 2) each belligerent's utility of the settlement candidates ``k``."""
    from detente.simulate.model import utility

    x = m.candidates[k]
    cols = [np.asarray(utility(m.ideal[a : a + 1], m.weights[a : a + 1], m.risk[a : a + 1], x))
            for a in (0, 1)]  # fmt: skip
    return np.stack([c.reshape(-1) for c in cols], axis=1)


def diagnose(
    path: Path, *, runs: int = RUNS, seed: int = SEED, weeks: int = WEEKS
) -> dict[str, Any]:
    """Per signing period of the settlement, the medians described in the module docstring,
    and the decomposition of week 0's values (``start``)."""
    from detente.scenario import load_scenario
    from detente.simulate.beliefs import lottery, stake_utilities
    from detente.simulate.engine import iter_periods
    from detente.simulate.model import build_model
    from detente.simulate.runner import BLOCK, block_seed

    m = build_model(load_scenario(path))
    s_ = m.stalemate
    tracks = m.tracks.ids if m.tracks is not None else ("(implicit)",)
    per: dict[int, list[dict[str, np.ndarray]]] = {}
    start: list[dict[str, np.ndarray]] = []
    n_runs = 0
    for b in range((runs + BLOCK - 1) // BLOCK):
        size = min(BLOCK, runs - b * BLOCK)
        n_runs += size
        for t, s in enumerate(iter_periods(m, size, block_seed(seed, b), weeks)):
            uva, uvb, uline = stake_utilities(m, s.line, s.weights, s.u_victory)
            uva, uvb = (np.broadcast_to(x, s.rhat.shape) for x in (uva, uvb))
            # the engine's war lottery (one formula), element by element
            lot = np.vectorize(lottery, otypes=[float])(s_, s.rhat, uva, uvb, uline)
            if t == 0:
                start.append({"rhat": s.rhat, "u_a_wins": uva, "u_b_wins": uvb, "u_line": uline,
                              "lottery": lot, "value": s.value})  # fmt: skip
            new = s.first[:, 0] == t
            if not new.any():
                continue
            u = _terms_utility(m, s.first_terms[new, 0])
            v, cost = s.value[new], (lot - s.value)[new]
            # the second belligerent's value equals the terms at r̂ = r_eq (linear in r̂)
            r_eq = ((u[:, 1] + cost[:, 1] - s_ * uline[new, 1]) / (1 - s_) - uvb[new, 1]) / (
                uva[new, 1] - uvb[new, 1]
            )
            rec = {
                "u": u,
                "value": v,
                "cost": cost,
                "rhat": s.rhat[new],
                "r_eq": r_eq,
                "track": s.first_track[new, 0],
                "terms": m.candidates[s.first_terms[new, 0]],
            }
            per.setdefault(t, []).append(rec)
    rows = []
    cum = 0
    for t in sorted(per):
        cat = {k: np.concatenate([d[k] for d in per[t]]) for k in per[t][0]}
        n = int(cat["u"].shape[0])
        cum += n
        tr = np.bincount(cat["track"][cat["track"] >= 0], minlength=len(tracks))
        rows.append({
            "period": t, "share": n / n_runs, "cumulative": cum / n_runs,
            "track": tracks[int(tr.argmax())] if tr.any() else "-",
            "u_terms": np.median(cat["u"], axis=0), "value": np.median(cat["value"], axis=0),
            "horizon_cost": np.median(cat["cost"], axis=0),
            "rhat": np.median(cat["rhat"], axis=0), "r_break_even": float(np.median(cat["r_eq"])),
            "terms": np.median(cat["terms"], axis=0),
            "min_margin": (cat["u"] - cat["value"]).min(axis=0),
        })  # fmt: skip
    st = {k: np.median(np.concatenate([d[k] for d in start]), axis=0) for k in start[0]}
    return {"actors": m.actor_ids[:2], "issues": m.issue_ids, "runs": n_runs, "rows": rows,
            "start": st}  # fmt: skip


def carriers(
    path: Path, *, runs: int = RUNS, seed: int = SEED, weeks: int = WEEKS
) -> dict[str, Any]:
    """Per bundle, ``p_agreement`` and the share of runs whose first agreement on it came
    through each track (``by_track``); per track, whether it can meet in the model."""
    import detente
    from detente.scenario import load_scenario
    from detente.simulate.model import build_model

    m = build_model(load_scenario(path))
    meets: dict[str, bool] = {}
    if m.tracks is not None:  # stop: the first period a track no longer meets (0: never)
        meets = {t: bool(stop > 0) for t, stop in zip(m.tracks.ids, m.tracks.stop, strict=True)}
    doc = detente.simulate(path, runs=runs, seed=seed, periods=weeks).to_dict()
    bundles = [
        {"bundle": a["bundle"], "p_agreement": a["p_agreement"],
         "by_track": {k: v for k, v in (a.get("by_track") or {}).items() if v}}
        for a in doc["agreements"]
    ]  # fmt: skip
    return {"runs": runs, "weeks": weeks, "meets": meets, "bundles": bundles}


def render_carriers(out: dict[str, Any]) -> str:
    """:func:`carriers` as markdown."""
    lines = [
        f"Runs {out['runs']}, {out['weeks']} weeks. Tracks that can meet in some run (where a "
        "refusal closes one, once it is lifted): "
        + (", ".join(t for t, ok in out["meets"].items() if ok) or "(implicit track)")
        + "; cannot: "
        + (", ".join(t for t, ok in out["meets"].items() if not ok) or "none")
        + ".",
        "",
        "| bundle | P(agreement) | first agreement through (share of runs) |",
        "|---|---|---|",
    ]
    for b in out["bundles"]:
        via = ", ".join(f"{k} {v:.4f}" for k, v in b["by_track"].items()) or "–"
        lines.append(f"| {b['bundle']} | {b['p_agreement']:.4f} | {via} |")
    return "\n".join(lines)


def render(out: dict[str, Any]) -> str:
    """The diagnosis as markdown."""
    a, b = out["actors"]
    st = out["start"]
    lines = [
        f"Week 0 (medians over {out['runs']} runs): belief that {a} wins a battle "
        f"{a} {st['rhat'][0]:.3f} / {b} {st['rhat'][1]:.3f}; U({a} victory) "
        f"{st['u_a_wins'][0]:.3f} / {st['u_a_wins'][1]:.3f}; U({b} victory) "
        f"{st['u_b_wins'][0]:.3f} / {st['u_b_wins'][1]:.3f}; U(line) {st['u_line'][0]:.3f} / "
        f"{st['u_line'][1]:.3f}; war lottery {st['lottery'][0]:.3f} / {st['lottery'][1]:.3f}; "
        f"value of fighting {st['value'][0]:.3f} / {st['value'][1]:.3f}.",
        "",
        f"| period | signed (share) | cumulative | track | U(terms) {a} / {b} | value {a} / {b} "
        f"| horizon cost {a} / {b} | r̂ {a} / {b} | {b}'s break-even r̂ |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in out["rows"]:
        lines.append(
            f"| {r['period']} | {r['share']:.3f} | {r['cumulative']:.3f} | {r['track']} | "
            f"{r['u_terms'][0]:.3f} / {r['u_terms'][1]:.3f} | {r['value'][0]:.3f} / "
            f"{r['value'][1]:.3f} | {r['horizon_cost'][0]:.3f} / {r['horizon_cost'][1]:.3f} | "
            f"{r['rhat'][0]:.3f} / {r['rhat'][1]:.3f} | {r['r_break_even']:.3f} |"
        )
    if out["rows"]:
        terms = out["rows"][0]["terms"]
        lines += ["", "Terms first signed (median): " + ", ".join(
            f"{i} {v:.0f}" for i, v in zip(out["issues"], terms, strict=True))]  # fmt: skip
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", type=Path, default=ROOT / "scenarios/ukraine-2022-03.yaml")
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--weeks", type=int, default=WEEKS)
    parser.add_argument("--tracks", action="store_true", help="which tracks carry what")
    args = parser.parse_args(argv)
    kw = {"runs": args.runs, "seed": args.seed, "weeks": args.weeks}
    if args.tracks:
        print(render_carriers(carriers(args.scenario, **kw)))
    else:
        print(render(diagnose(args.scenario, **kw)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
