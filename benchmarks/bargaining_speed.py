"""Bargaining speed: zone + solutions + scorecards, and what-it-takes, on a synthetic scenario.

Workload: 12 issues x 10 actors (all with a veto, two belligerents), 5 proposals of two
stages each (so the analysis compares 3 staging plans per proposal), 12 mechanisms of every
kind, distrust given explicitly (so the trust replay is not timed). What-it-takes as the
command runs it: the mechanism search, then the red-line relaxation LPs (joint, without
distrust, and one per conceding group).
Targets (tracker issue 4): analysis under 1 s, what-it-takes over 12 mechanisms under 10 s,
on one core. Prints JSON with wall-clock and process CPU seconds (CPU time is the fairer
figure on a shared machine). Run pinned to one core:

    taskset -c 0 .venv/bin/python benchmarks/bargaining_speed.py
"""

from __future__ import annotations

import os

# One core: keep BLAS single-threaded too (set before NumPy is imported).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import json
import time
from typing import Any

import numpy as np

from detente.bargaining.analysis import analyze, run_red_line_relaxation, run_what_it_takes
from detente.scenario import Scenario

N_ISSUES, N_ACTORS, SEED = 12, 10, 7

KINDS = [
    ("monitors", {"detection": 0.6}),
    ("peacekeepers", {"hazard_ratio": 0.6, "loss_if_cheated": 0.5}),
    ("dmz", {"hazard_ratio": 0.8, "loss_if_cheated": 0.7}),
    ("guarantee", {"guarantor": "G2", "leverage": 0.5}),
    ("staged_sanctions", {"schedule": [{"after_periods": 10, "fraction": 0.5}]}),
    ("security_guarantee", {"beneficiary": "B", "fallback_gain": 0.05}),
]


def synthetic(seed: int = SEED) -> tuple[Scenario, dict[tuple[str, str], float]]:
    """A reproducible 12 x 10 scenario and an explicit compliance mapping."""
    rng = np.random.default_rng(seed)
    ids = ["A", "B"] + [f"G{i}" for i in range(N_ACTORS - 2)]
    actors: list[dict[str, Any]] = [
        {
            "id": a,
            "name": a,
            "kind": "state",
            "veto": True,
            "belligerent": a in ("A", "B"),
            "capability": float(rng.uniform(0.5, 2.0)),
            "cost_of_fighting": 0.004 if a in ("A", "B") else 0.0,
            "risk": float(rng.choice([1.0, 1.5])),
        }
        for a in ids
    ]
    issues = [
        {
            "id": f"i{k}",
            "name": f"Issue {k}",
            "anchors": [{"value": 0, "label": "B"}, {"value": 100, "label": "A"}],
            "status_quo": float(rng.uniform(30, 70)),
            "contested": k < 3,
        }
        for k in range(N_ISSUES)
    ]
    positions = []
    for a in ids:
        for k in range(N_ISSUES):
            base = 85.0 if a == "A" else 15.0 if a == "B" else float(rng.uniform(30, 70))
            ideal = float(np.clip(base + rng.normal(0, 8), 0, 100))
            positions.append(
                {
                    "actor": a,
                    "issue": f"i{k}",
                    "ideal": ideal,
                    "salience": float(rng.uniform(0.2, 1)),
                }
            )
    mechanisms = []
    for j in range(12):
        kind, params = KINDS[j % len(KINDS)]
        mechanisms.append(
            {
                "id": f"m{j}",
                "kind": kind,
                "name": f"Mechanism {j}",
                "cost": {ids[2 + j % (N_ACTORS - 2)]: float(rng.uniform(0.0001, 0.001))},
                **params,
            }
        )
    proposals = [
        {
            "id": f"P{j}",
            "name": f"Proposal {j}",
            "terms": {f"i{k}": float(rng.uniform(20, 80)) for k in range(N_ISSUES)},
            "mechanisms": [f"m{j}"],
            "stages": [
                {
                    "name": "cease-fire",
                    "issues": [f"i{k}" for k in range(N_ISSUES // 2)],
                    "mechanisms": [f"m{j + 5}"],
                },
                {
                    "name": "settlement",
                    "issues": [f"i{k}" for k in range(N_ISSUES // 2, N_ISSUES)],
                    "start_period": 13,
                },
            ],
        }
        for j in range(5)
    ]
    doc = {
        "schema_version": 1,
        "meta": {"name": "synthetic", "as_of": "2025-01-01"},
        "actors": actors,
        "issues": issues,
        "positions": positions,
        "mechanisms": mechanisms,
        "proposals": proposals,
        "war": {
            "belligerents": ["A", "B"],
            "stalemate": 0.3,
            "horizon_periods": 52,
            "truce_power_shift": 0.4,
        },
    }
    scenario = Scenario.model_validate(doc)
    compliance = {(a, b): float(rng.uniform(0.05, 0.4)) for a in ids for b in ids if a != b}
    return scenario, compliance


def main() -> None:
    scenario, compliance = synthetic()
    analyze(scenario, compliance=compliance)  # warm-up (imports, HiGHS)
    t0, c0 = time.perf_counter(), time.process_time()
    a = analyze(scenario, compliance=compliance)
    t1, c1 = time.perf_counter(), time.process_time()
    w = run_what_it_takes(a)
    t2, c2 = time.perf_counter(), time.process_time()
    relax = run_red_line_relaxation(a)
    t3, c3 = time.perf_counter(), time.process_time()
    print(
        json.dumps(
            {
                "issues": N_ISSUES,
                "actors": N_ACTORS,
                "zone_exists_without_distrust": a.zone_without_distrust.exists,
                "zone_exists_with_distrust": a.zone.exists,
                "analysis_seconds": round(t1 - t0, 3),
                "analysis_cpu_seconds": round(c1 - c0, 3),
                "what_it_takes_seconds": round(t2 - t1, 3),
                "what_it_takes_cpu_seconds": round(c2 - c1, 3),
                "what_it_takes_sets": w.sets_examined,
                "what_it_takes_lps": w.lps_solved,
                "red_line_relaxation_seconds": round(t3 - t2, 3),
                "red_line_relaxation_cpu_seconds": round(c3 - c2, 3),
                "red_line_relaxation_points": None
                if relax.relaxation is None
                else round(relax.relaxation.points, 3),
                "staged_rows": len(a.staged),
                "options": [list(o.mechanisms) for o in w.options],
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
