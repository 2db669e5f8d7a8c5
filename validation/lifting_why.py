"""Why refusals to meet hold or are lifted (docs/explanation/tracks.md, *Lifting a refusal*;
helper c15).

For each scenario with a refusal the simulation can lift, its runs are simulated week by week
(``detente.simulate.engine.iter_periods``) and the ``tracks`` step's own functions are
evaluated on each week's state, per refusal:

- **cost at as_of**: :func:`~detente.simulate.steps.tracks.lifting_costs` with no cost paid in
  the run, no new leader and the felt cost of fighting not aged (the refusal's price on the
  scenario's date); **cost at the end**: its median on the last week's state;
- **gain**: :func:`~detente.simulate.steps.tracks.meeting_gain` on each bundle the refusal
  keeps closed (``TrackTable.opens``), on the first week's state (median and largest run);
- **lifted**: the share of runs in which the ``tracks`` step lifted the refusal (the period
  it recorded in ``RunState.lifted_at``: a lift is kept for the rest of the run), the median
  week of the lift (counted from 1: the run's first period is week 1) and the costs of
  fighting the refusing actor had paid in the run by the end of that week, and the share of
  runs whose events record a round on a table the refusal had closed (``refusal_lifted``);
- **costs a week**: the refusing actor's median cost of fighting paid per week in the run.

A **refusal to sign** (branch v21a: it closes only a summit that signs; the tracks that draft
for it negotiate, and the refuser weighs each text they agree) is not priced by that rule; its
rows are in a second table (:func:`diagnose_signing`): the runs in which a drafting track
agreed a text that needed the signature, the refuser's gain from the first such text and the
signature's price then (:func:`~detente.simulate.steps.tracks.text_gain`,
:func:`~detente.simulate.steps.tracks.signing_price`, medians), the share of runs that signed
(``RunState.lifted_at``) and the median week, the texts weighed per run and the share of runs
with a text withheld (``signature_withheld``).

The Ukraine snapshots are run over the dynamics backtest's windows (``validation/dynamics.py``:
its runs, seed and weeks; 2026-06, the last snapshot, over 104 weeks); the development cases
with a refusal over the weeks the development set simulates them for (``validation/
simulated.json``: its runs and seed). ``--flaw`` measures the known flaw the doc states (the
cost grows with the number of issues): the settlement probability of ``mozambique_rome_1992``
and of the teaching scenario with Norland refusing Sudmark, with 0, 1 and 2 issues nobody
holds a position on. Nothing is written.

    .venv/bin/python validation/lifting_why.py             # markdown, the figures of tracks.md
    .venv/bin/python validation/lifting_why.py --runs 200  # quicker, fewer runs
    .venv/bin/python validation/lifting_why.py --flaw
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import dynamics as dyn  # noqa: E402  (validation/dynamics.py, beside this file)

ROOT = HERE.parent
CASES = ("mozambique_rome_1992", "us_cuba_2014")
LAST = ("ukraine-2026-06", 104)
"""The last snapshot has no later one: run over the demo's horizon."""


def _case_periods(case: str) -> int:
    """The weeks the development set simulates ``case`` for (its cached base request)."""
    sims = json.loads((HERE / "simulated.json").read_text(encoding="utf-8"))["simulations"]
    periods = [int(k.split("|")[1]) for k in sims if k.startswith(f"{case}|") and k.endswith("|")]
    if len(periods) != 1:
        raise ValueError(f"{case}: expected one base simulation in simulated.json, {periods}")
    return periods[0]


def diagnose(
    label: str, scenario: Any, *, runs: int, seed: int, periods: int
) -> list[dict[str, Any]]:
    """One row per liftable refusal of ``scenario`` (a path or a Scenario)."""
    from detente.scenario import Scenario, load_scenario
    from detente.simulate.engine import iter_periods
    from detente.simulate.events import flag
    from detente.simulate.model import build_model
    from detente.simulate.state import replaced
    from detente.simulate.steps.learn import model_cache
    from detente.simulate.steps.tracks import _lift_plan, lifting_costs, meeting_gain

    m = build_model(scenario if isinstance(scenario, Scenario) else load_scenario(scenario))
    tt = m.tracks
    plan = model_cache(m, _lift_plan).refusals
    if tt is None or not plan:
        return []
    n_r = len(tt.refusal_ids)
    first_lift = np.full((runs, n_r), -1)
    paid = np.full((runs, n_r), np.nan)  # the actor's costs paid in the run when it lifts
    events = np.zeros(runs, dtype=np.int64)
    first = last = None
    for t, s in enumerate(iter_periods(m, runs, np.random.SeedSequence(seed), periods)):
        first = s if first is None else first
        last = s
        events |= s.events
        # the lifts the tracks step recorded this week (RunState.lifted_at: kept for the run)
        new = s.lifted_at == t
        first_lift[new] = t + 1  # weeks counted from 1: period t is the run's week t + 1
        for ref in plan:
            if ref.actor < 2:
                hit = new[:, ref.bit]
                paid[hit, ref.bit] = s.cum_cost[hit, ref.actor]
    if first is None or last is None:
        raise ValueError(f"{label}: no period simulated")
    at_as_of = replaced(  # period -1: the felt cost of fighting at the date, not aged
        first,
        period=-1,
        cum_cost=np.zeros_like(first.cum_cost),
        leader_changed=np.zeros_like(first.leader_changed),
    )
    cost0, cost_end = lifting_costs(m, at_as_of), lifting_costs(m, last)
    reopened = float(((events & flag("refusal_lifted")) != 0).mean())
    rows = []
    for ref in plan:
        a, r = ref.actor, ref.bit
        gains = {m.bundle_ids[b]: meeting_gain(m, first, b, a) for b in ref.closed}
        best = np.max(list(gains.values()), axis=0)
        hit = first_lift[:, r] >= 0
        rows.append(
            {
                "scenario": label,
                "weeks": periods,
                "refusal": tt.refusal_ids[r],
                "actor": m.actor_ids[a],
                "issues": int(ref.base.size),
                "cost_as_of": float(np.median(cost0[:, r])),
                "cost_end": float(np.median(cost_end[:, r])),
                "gain": {b: (float(np.median(g)), float(np.max(g))) for b, g in gains.items()},
                "best": (float(np.median(best)), float(np.max(best))),
                "lifted": float(hit.mean()),
                "lift_week": float(np.median(first_lift[hit, r])) if hit.any() else None,
                "paid": float(np.nanmedian(paid[hit, r])) if hit.any() and a < 2 else None,
                "reopened": reopened,
                "weekly_cost": float(np.median(last.cum_cost[:, a]) / periods) if a < 2 else None,
            }
        )
    return rows


def diagnose_signing(
    label: str, scenario: Any, *, runs: int, seed: int, periods: int
) -> list[dict[str, Any]]:
    """One row per refusal to sign of ``scenario`` (a path or a Scenario) with a drafted
    bundle: the signature step's own functions on the texts it weighs (module docstring)."""
    import dataclasses

    from detente.scenario import Scenario, load_scenario
    from detente.simulate.engine import iter_periods
    from detente.simulate.events import flag
    from detente.simulate.model import build_model
    from detente.simulate.steps import PERIOD_STEPS
    from detente.simulate.steps.tracks import (
        _refuser,
        kept_lifts,
        signing_price,
        text_gain,
    )

    m = build_model(scenario if isinstance(scenario, Scenario) else load_scenario(scenario))
    tt = m.tracks
    if tt is None or not tt.sign_bits or tt.sign_needs is None or tt.needs_sign is None:
        return []
    refs = [r for r in range(len(tt.refusal_ids)) if tt.signs is not None and tt.signs[r]]
    refs = [r for r in refs if tt.needs_sign[r].any()]
    if not refs:
        return []
    n_r = len(tt.refusal_ids)
    needs_of = tt.sign_needs  # (K,) the refusals to sign each track's texts need
    first_gain = np.full((runs, n_r), np.nan)
    first_price = np.full((runs, n_r), np.nan)
    weighed = np.zeros((runs, n_r), dtype=np.int64)

    def weigh(model: Any, s: Any, d: Any) -> Any:
        track = s.talk_track
        need = np.where(s.signed & (track >= 0), needs_of[np.maximum(track, 0)], 0)
        need &= ~kept_lifts(s)[:, None]
        for r in refs:
            a = _refuser(model, r)
            for b in range(need.shape[1]):
                hit = (need[:, b] >> r) & 1 == 1
                if not hit.any():
                    continue
                g, p = text_gain(model, s, b, a), signing_price(model, s, r, b)
                new = hit & np.isnan(first_gain[:, r])
                first_gain[new, r], first_price[new, r] = g[new], p[new]
                weighed[hit, r] += 1
        return sign.apply(model, s, d)

    sign = next(x for x in PERIOD_STEPS if x.name == "signature")
    steps = tuple(dataclasses.replace(x, apply=weigh) if x is sign else x for x in PERIOD_STEPS)
    lift = np.full((runs, n_r), -1)
    withheld = np.zeros(runs, dtype=bool)
    for t, s in enumerate(
        iter_periods(m, runs, np.random.SeedSequence(seed), periods, steps=steps)
    ):
        lift[s.lifted_at == t] = t + 1
        withheld |= (s.events & flag("signature_withheld")) != 0
    rows = []
    for r in refs:
        texts = ~np.isnan(first_gain[:, r])
        signed = lift[:, r] > 0
        rows.append(
            {
                "scenario": label,
                "weeks": periods,
                "refusal": tt.refusal_ids[r],
                "actor": m.actor_ids[_refuser(m, r)],
                "bundles": [m.bundle_ids[b] for b in np.flatnonzero(tt.needs_sign[r])],
                "texts": float(texts.mean()),
                "gain": float(np.median(first_gain[texts, r])) if texts.any() else None,
                "price": float(np.median(first_price[texts, r])) if texts.any() else None,
                "weighed": float(np.median(weighed[texts, r])) if texts.any() else None,
                "signed": float(signed.mean()),
                "sign_week": float(np.median(lift[signed, r])) if signed.any() else None,
                "withheld": float(withheld.mean()),
            }
        )
    return rows


def render_signing(rows: list[dict[str, Any]]) -> str:
    """A markdown table, one row per refusal to sign."""
    out = [
        "| scenario (weeks) | refusal to sign (actor) | drafted bundles | runs with a text | "
        "first text: gain / price (medians) | texts weighed per run (median) | runs signed "
        "(median week) | runs with a text withheld |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        gp = "–" if r["gain"] is None else f"{r['gain']:.3f} / {r['price']:.3f}"
        wd = "–" if r["weighed"] is None else f"{r['weighed']:.0f}"
        signed = f"{r['signed']:.1%}"
        if r["sign_week"] is not None:
            signed += f" (week {r['sign_week']:.0f})"
        out.append(
            f"| {r['scenario']} ({r['weeks']}) | {r['refusal']} ({r['actor']}) | "
            f"{', '.join(r['bundles'])} | {r['texts']:.1%} | {gp} | {wd} | {signed} | "
            f"{r['withheld']:.1%} |"
        )
    return "\n".join(out) + "\n"


def render(rows: list[dict[str, Any]]) -> str:
    """A markdown table, one row per refusal."""
    out = [
        "| scenario (weeks) | refusal (actor) | issues | cost at as_of → end (median) | "
        "gain per closed bundle (median / max) | best gain (median / max) | runs lifted "
        "(median week; costs paid by then) | runs with a reopened round | costs a week |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        gains = "; ".join(f"{b} {g[0]:.3f} / {g[1]:.3f}" for b, g in r["gain"].items())
        lift = f"{r['lifted']:.1%}"
        if r["lift_week"] is not None:
            paid = "–" if r["paid"] is None else f"{r['paid']:.3f}"
            lift += f" (week {r['lift_week']:.0f}; {paid})"
        weekly = "–" if r["weekly_cost"] is None else f"{r['weekly_cost']:.5f}"
        out.append(
            f"| {r['scenario']} ({r['weeks']}) | {r['refusal']} ({r['actor']}) | {r['issues']} | "
            f"{r['cost_as_of']:.2f} → {r['cost_end']:.2f} | {gains} | "
            f"{r['best'][0]:.3f} / {r['best'][1]:.3f} | {lift} | {r['reopened']:.1%} | {weekly} |"
        )
    return "\n".join(out) + "\n"


def with_empty_issues(data: dict[str, Any], n: int) -> dict[str, Any]:
    """A scenario document with ``n`` more issues nobody holds a position on (zero salience
    and no red line for every party; in every bundle that lists all the issues implicitly)."""
    out: dict[str, Any] = json.loads(json.dumps(data, default=str))
    sources = out["issues"][0].get("sources", [])
    for j in range(n):
        out["issues"].append(
            {"id": f"empty_{j}", "name": f"An issue nobody cares about ({j})",
             "anchors": [{"value": 0, "label": "one end"}, {"value": 100, "label": "the other"}],
             "status_quo": 50, "sources": sources}
        )  # fmt: skip
    return out


def flaw(*, seed: int) -> str:
    """The known flaw's figures: P(settlement) with 0, 1 and 2 issues nobody cares about."""
    from ruamel.yaml import YAML

    from detente.api import simulate  # to mypy, ``detente.simulate`` is the engine package
    from detente.scenario import parse_scenario

    yaml = YAML(typ="safe")
    moz = yaml.load((HERE / "cases" / "mozambique_rome_1992" / "scenario.yaml").read_text("utf-8"))
    teach = yaml.load((ROOT / "scenarios" / "teaching.yaml").read_text(encoding="utf-8"))
    teach["refusals"] = [
        {"id": "r", "by": "NOR", "refuses": "SUD", "reason": "legitimacy",
         "since": "2024-06-01", "assumption": "Norland refuses Sudmark's leaders"}
    ]  # fmt: skip
    out = [
        "| scenario (runs, weeks, seed) | empty issues | P(settlement) | median weeks |",
        "|---|---|---|---|",
    ]
    for label, data, runs, weeks, sd in (
        ("mozambique_rome_1992", moz, 400, _case_periods("mozambique_rome_1992"), seed),
        ("teaching, Norland refusing", teach, 96, 40, 3),
    ):
        for n in (0, 1, 2):
            doc = json.dumps(with_empty_issues(data, n), default=str)
            s = parse_scenario(doc, name=f"{label}+{n}.json")
            summ = simulate(s, runs=runs, seed=sd, periods=weeks).summary()
            settle = next(x for x in summ["agreements"] if x["bundle"] == "settlement")
            med = settle["median_periods_to_agreement"]
            out.append(
                f"| {label} ({runs}, {weeks}, {sd}) | {n} | {settle['p_agreement']:.3f} | "
                f"{'none' if med is None else med} |"
            )
    return "\n".join(out) + "\n"


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=None, help="runs per scenario (default: as the "
                    "backtest, 2000, and the development set, 1000)")  # fmt: skip
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--flaw", action="store_true", help="the known flaw's figures instead")
    args = ap.parse_args(argv)
    if args.runs is not None and args.runs < 1:
        ap.error("--runs must be at least 1")
    seed = dyn._default_seed() if args.seed is None else args.seed
    if args.flaw:
        sys.stdout.write(flaw(seed=seed))
        return 0
    rows: list[dict[str, Any]] = []
    signing: list[dict[str, Any]] = []
    windows = [(p["from"], int(p["weeks"])) for p in dyn.load_expectations()["pairs"]]
    for sid, weeks in [*windows, LAST]:
        path = dyn.snapshot_path(sid.removeprefix("ukraine-"))
        kw = {"runs": args.runs or dyn.RUNS, "seed": seed, "periods": weeks}
        rows += diagnose(sid, path, **kw)
        signing += diagnose_signing(sid, path, **kw)
    import simscore  # validation/simscore.py, beside this file

    for case in CASES:
        path = HERE / "cases" / case / "scenario.yaml"
        kw = {"runs": args.runs or simscore.SIM_RUNS, "seed": seed, "periods": _case_periods(case)}
        rows += diagnose(case, path, **kw)
        signing += diagnose_signing(case, path, **kw)
    sys.stdout.write(render(rows))
    if signing:
        sys.stdout.write("\nRefusals to sign (weighed on the drafted texts):\n\n")
        sys.stdout.write(render_signing(signing))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
