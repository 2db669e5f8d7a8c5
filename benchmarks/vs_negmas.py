"""detente's bilateral engine vs NegMAS on the NegMAS reference workload, side by side.

The workload is ``../shared/bench/negmas_reference.py``: two discrete issues with k values
(k = 10 → 100 outcomes, k = 32 → 1,024), opposed linear-additive utilities with weights drawn
from U(0.2, 0.8), stacked alternating offers with a 100-step deadline, four pairings
(aspiration vs aspiration; Boulware vs Conceder; aspiration vs aspiration with reserved value
0.8 on both sides; never-conceding vs Boulware). NegMAS runs in its own interpreter (a separate
virtual environment: NegMAS is never a dependency of detente); detente runs the same workload
in this process through :func:`detente.simulate.bilateral.negotiate`, end to end (drawing the
weights, building the utilities, negotiating), on one core.

Usage::

    python benchmarks/vs_negmas.py --negmas-python /tmp/venv-negmas/bin/python \\
        [--n 100 --repeats 3] [--detente-n 20000] [--ks 10 32]

Prints a JSON summary: per (outcomes, pairing) both libraries' negotiations/s, agreement
rates and mean steps, and ``ratio`` = detente / NegMAS negotiations/s.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from detente.simulate.bilateral import (
    BOULWARE,
    CONCEDER,
    HARDLINER,
    TimeBasedStrategy,
    linear_additive_utilities,
    negotiate,
    outcome_grid,
)

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "bench" / "negmas_reference.py"
# NegMAS's AspirationNegotiator: Boulware curve (e = 4) with tolerance 0.001.
ASPIRATION = TimeBasedStrategy("aspiration", 4.0, 1e-3)
PAIRINGS: dict[str, tuple[TimeBasedStrategy, TimeBasedStrategy, float]] = {
    "asp-asp": (ASPIRATION, ASPIRATION, 0.0),
    "boul-conc": (BOULWARE, CONCEDER, 0.0),
    "asp-nozopa": (ASPIRATION, ASPIRATION, 0.8),
    "tough-boul": (HARDLINER, BOULWARE, 0.0),
}


def run_detente(k: int, pairing: str, n: int, seed: int) -> dict[str, float]:
    """One batch end to end: weights, utilities, negotiations."""
    a, b, rv = PAIRINGS[pairing]
    t0 = time.perf_counter()
    rng = np.random.default_rng(seed)
    outcomes = outcome_grid(k)
    wa, wb = rng.uniform(0.2, 0.8, n), rng.uniform(0.2, 0.8, n)
    ua = linear_additive_utilities(outcomes, k, np.stack([wa, 1 - wa], 1), increasing=False)
    ub = linear_additive_utilities(outcomes, k, np.stack([wb, 1 - wb], 1), increasing=True)
    r = negotiate(ua, ub, a, b, n_steps=100, reserved_a=rv, reserved_b=rv)
    total = time.perf_counter() - t0
    return {"total": total, "agreement_rate": r.agreement_rate, "mean_steps": r.mean_steps}


def run_negmas(python: str, n: int, repeats: int, ks: list[int]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "negmas.json"
        cmd = [python, str(REFERENCE), "--n", str(n), "--repeats", str(repeats), "--json", str(out)]
        cmd += ["--ks", *map(str, ks)]
        env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=env)
        data: dict[str, Any] = json.loads(out.read_text())
        return data


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--negmas-python", required=True, help="Interpreter of a venv with negmas.")
    p.add_argument("--n", type=int, default=100, help="NegMAS negotiations per repeat.")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--detente-n", type=int, default=20000, help="detente negotiations/batch.")
    p.add_argument("--ks", type=int, nargs="*", default=[10, 32])
    a = p.parse_args()

    negmas = run_negmas(a.negmas_python, a.n, a.repeats, a.ks)
    ref = {(r["outcomes"], r["pairing"]): r for r in negmas["rows"]}
    run_detente(10, "asp-asp", 100, 0)  # warm-up
    rows = []
    for k in a.ks:
        for pairing in PAIRINGS:
            reps = [run_detente(k, pairing, a.detente_n, 1000 * r + 7) for r in range(a.repeats)]
            d_rate = statistics.median(a.detente_n / x["total"] for x in reps)
            nm = ref[(k * k, pairing)]
            rows.append(
                {
                    "outcomes": k * k,
                    "pairing": pairing,
                    "detente_negotiations_per_s": round(d_rate, 1),
                    "negmas_negotiations_per_s": round(nm["negotiations_per_s"], 2),
                    "ratio": round(d_rate / nm["negotiations_per_s"], 1),
                    "detente_agreement_rate": statistics.mean(x["agreement_rate"] for x in reps),
                    "negmas_agreement_rate": nm["agreement_rate"],
                    "detente_mean_steps": round(statistics.mean(x["mean_steps"] for x in reps), 2),
                    "negmas_mean_steps": round(nm["mean_steps"], 2),
                }
            )
    ratios = [r["ratio"] for r in rows]
    summary = {
        "negmas": negmas["meta"] | {"version": negmas["rows"][0]["version"]},
        "detente_n_per_repeat": a.detente_n,
        "negmas_n_per_repeat": a.n,
        "repeats": a.repeats,
        "cores": 1,
        "python": sys.version.split()[0],
        "min_ratio": min(ratios),
        "rows": rows,
    }
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
