"""detente's simulation engine vs NegMAS on the NegMAS reference workload, side by side.

The workload is ``../shared/bench/negmas_reference.py``: two discrete issues with k values
(k = 10 → 100 outcomes, k = 32 → 1,024), opposed linear-additive utilities with weights drawn
from U(0.2, 0.8), stacked alternating offers with a 100-step deadline, four pairings
(aspiration vs aspiration; Boulware vs Conceder; aspiration vs aspiration with reserved value
0.8 on both sides; never-conceding vs Boulware).

detente runs it through the engine ``detente simulate`` uses (:func:`detente.simulate.
simulate_block`, every period step, the ``alternating`` protocol, the registered strategies):
the scenario is built in memory (:func:`negotiation_scenario`: two parties, two issues whose
discrete options make the talks enumerate every outcome, no fighting costs, stated
reservations, concession horizon = the deadline), and each run's issue weights are drawn as
NegMAS draws them and passed as per-run preferences (:class:`detente.simulate.RunInputs`). A
run agrees in period ``s`` (a NegMAS step: both parties act) and reports ``s + 1`` steps, or
100 steps without agreement. Timing is end to end: drawing the weights, building the model,
per-run tables and every period of every run. NegMAS runs in its own interpreter (a separate
virtual environment: NegMAS is AGPL and never a dependency of detente); without it the script
compares against the anchors of ``references.md`` §6 (``--anchor``).

Usage::

    python benchmarks/vs_negmas.py --negmas-python /tmp/venv-negmas/bin/python \\
        [--n 100 --repeats 3] [--detente-n 20000] [--block N] [--ks 10 32]
    python benchmarks/vs_negmas.py --anchor 45      # no NegMAS: ratio to 45 negotiations/s

detente runs in blocks of :func:`block_size` runs (4,096 at 1,024 outcomes, 8,192 at 100;
``--block`` overrides it): the measurements behind the choice are in its docstring. Each
block's output is handed back to the next block once its agreements are kept
(``simulate_block(..., reuse=...)``: the paths and events are written over, no fresh pages).

The workload NegMAS runs stops each negotiation at agreement or at the deadline; detente runs
the same workload with ``until="settlement"`` (:data:`detente.simulate.engine.UNTIL`: each
run stops at the end of the period it agrees in, a block once all its runs have stopped),
which gives the same agreements, periods and terms as detente's default mode
(``until="horizon"``, which goes on simulating what follows an agreement: implementation,
breakdown, trust, to the 100th period). Both modes are timed, alternated repeat by repeat.

Prints a JSON summary: per (outcomes, pairing) both libraries' negotiations/s, agreement
rates and mean steps, and ``ratio`` = detente / NegMAS negotiations/s, the headline, with
detente ``until="settlement"``; ``detente_default_negotiations_per_s`` and
``ratio_default`` are the same with detente's default mode. detente's rates also per second
of CPU time (``detente_negotiations_per_cpu_s``, ``detente_default_negotiations_per_cpu_s``:
on a loaded machine the wall time counts the time the process waited for a core).
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

from detente.scenario import Scenario
from detente.scenario.validate import check_contradictions, check_references
from detente.simulate import RunInputs, simulate_block
from detente.simulate.model import build_model

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "bench" / "negmas_reference.py"
STEPS = 100
# NegMAS's AspirationNegotiator concedes on the Boulware curve (e = 4).
PAIRINGS: dict[str, tuple[str, str, float]] = {
    "asp-asp": ("boulware", "boulware", 0.0),
    "boul-conc": ("boulware", "conceder", 0.0),
    "asp-nozopa": ("boulware", "boulware", 0.8),
    "tough-boul": ("hardliner", "boulware", 0.0),
}


def negotiation_scenario(k: int, a: str, b: str, reserved: float) -> Scenario:
    """Two parties bargaining over two issues of ``k`` discrete values each (A prefers low
    values, B high), with no war to fall back on: the stated reservations decide."""
    options = [{"id": f"v{j}", "value": 100.0 * j / (k - 1), "label": f"{j}"} for j in range(k)]
    issue = {
        "status_quo": 50.0,
        "anchors": [{"value": 0, "label": "low"}, {"value": 100, "label": "high"}],
        "options": options,
    }
    doc = {
        "schema_version": 1,
        "meta": {"name": "NegMAS reference workload", "as_of": "2026-01-01"},
        "actors": [
            {
                "id": aid,
                "name": aid,
                "kind": "state",
                "veto": True,
                "belligerent": True,
                "cost_of_fighting": 0.0,
                "reservation": reserved,
            }
            for aid in ("A", "B")
        ],
        "issues": [{"id": f"i{j}", "name": f"issue {j}", **issue} for j in range(2)],
        "positions": [
            {"actor": actor, "issue": f"i{j}", "ideal": ideal, "salience": 0.5}
            for actor, ideal in (("A", 0.0), ("B", 100.0))
            for j in range(2)
        ],
        "war": {"belligerents": ["A", "B"], "line_volatility": 0.0},
        "simulation": {
            "protocol": "alternating",
            "strategies": {"A": a, "B": b},
            "concession_periods": STEPS,
            "optimism": 0.0,
            "cost_spread": 0.0,
            "resolve_spread": 0.0,
            "sucker_loss": 0.0,
        },
    }
    # validated from the mapping as it stands (the same Scenario as parsing its JSON text,
    # without the YAML reader's tens of milliseconds per batch), with the loader's checks
    scenario = Scenario.model_validate(doc)
    findings = check_references(scenario) + check_contradictions(scenario)
    if findings:
        raise ValueError(f"the workload's scenario is invalid: {findings}")
    return scenario


def block_size(outcomes: int) -> int:
    """detente's runs per engine block for ``outcomes`` candidates: about 2^22 per-run table
    cells (runs × outcomes), between 256 and 8,192 runs: 4,096 runs at 1,024 outcomes, 8,192
    at 100 (the runner's own BLOCK, which fixes seeded results, is another matter).

    Chosen by measurement, one core. Each block pays a fixed cost (about 13 ms of Python for
    100 periods of eleven steps), which favours large blocks; each run's tables take about
    37 KB at 1,024 outcomes (utilities, sorted utilities, orders), allocated afresh for every
    block until the engine reused a block's memory for the next (detente.simulate.memory,
    branch speed7; the measurements here are older), and the block's working set grows
    with it. Idle machine, core 0, 8,192 runs of
    boul-conc at 1,024 outcomes: blocks of 1,024 runs 13,900 negotiations/s, 2,048 15,500,
    4,096 17,500, 8,192 11,000; at 100 outcomes 8,192 was the fastest. Again after the
    per-run tables were compiled into one pass (2026-12-01 17:02-17:10 UTC, a loaded machine:
    load average 5, so negotiations per CPU second, best of two, 8,192 runs at 1,024
    outcomes and 16,384 at 100, all four pairings): at 1,024 outcomes blocks of 4,096 were
    the fastest or within 5 % of it for every pairing (15,400-17,200 against 13,000-14,900
    with 1,024 and 11,400-15,800 with 8,192), peak resident size 410-425 MB (255-275 MB with
    1,024, 565 MB with 8,192); at 100 outcomes 4,096 and 8,192 were within 7 % of each other
    (23,100-28,200, peak 350 MB with 8,192) and 16,384 slower. Again on 2026-12-02
    (05:44-06:28 UTC, branch s12skip, load average 1-12, CPU time per run, best of two or
    three, all four pairings, five sweeps): at 1,024 outcomes (8,192 runs; 24,576 with
    6,144) blocks of 4,096 were the fastest or within 2 % of it in four sweeps (47-62 µs a
    run, against 49-58 with 3,072, 50-64 with 2,048, 58-75 with 1,024 and 49-62 with
    6,144); in the first, while the load rose from 1 to 4.5, 1,024-2,048 were faster
    (52-68 against 65-74); 256 took 84-108 and 8,192 110-118 (its 295 MB of tables exceed
    the work memory a thread keeps, :data:`detente.simulate.memory.RETAINED_BYTES`). At 100
    outcomes (16,384 runs) 4,096, 8,192 and 16,384 were within the noise of each other
    (25-35 µs), 1,024 and 2,048 slower. Each block still pays a fixed cost of Python per
    period, which is what favours large blocks: the rule stands until that cost falls.
    Again on 2026-12-02 (09:01-09:05 UTC, branch s13lean, whose per-run tables store no
    utilities: 21.5 KB a run at 1,024 outcomes instead of 37, 2.1 KB at 100 instead of 3.7;
    load average 7.5-8.5, CPU time per run, best of two, all four pairings, each block size
    twice, alternated): at 1,024 outcomes (16,384 runs) 4,096 stays the fastest (33-41 µs
    a run) against 8,192 (34-44, peak resident size 443 against 327 MB) and 2,048 (35-42);
    at 100 outcomes (32,768 runs) 4,096 and 8,192 within the noise of each other (22-28 µs),
    16,384 slower (23-30). The rule stands.
    """
    return min(8192, max(256, 2**22 // max(outcomes, 1)))


def run_detente(
    k: int, pairing: str, n: int, seed: int, block: int, until: str = "settlement"
) -> dict[str, float]:
    """One batch end to end: weights, model, every period of every run (``until``: of every
    run until it agrees, or to the deadline in every run)."""
    a, b, rv = PAIRINGS[pairing]
    t0, c0 = time.perf_counter(), time.process_time()
    rng = np.random.default_rng(seed)
    wa, wb = rng.uniform(0.2, 0.8, n), rng.uniform(0.2, 0.8, n)
    weights = np.stack([np.stack([wa, 1 - wa], 1), np.stack([wb, 1 - wb], 1)], axis=1)
    model = build_model(negotiation_scenario(k, a, b, rv))
    agreed, steps = [], []
    children = np.random.SeedSequence(seed).spawn((n + block - 1) // block)
    out = None  # the last block's output, whose paths and events the next block writes over
    for c, lo in enumerate(range(0, n, block)):
        hi = min(lo + block, n)
        out = simulate_block(
            model,
            hi - lo,
            STEPS,
            children[c],
            inputs=RunInputs(weights=weights[lo:hi]),
            reuse=out,
            until=until,
        )
        first = out.first_agreement
        agreed.append(first >= 0)
        steps.append(np.where(first >= 0, first + 1, STEPS))
    total, cpu = time.perf_counter() - t0, time.process_time() - c0
    ok, st = np.concatenate(agreed), np.concatenate(steps)
    return {
        "total": total,
        "cpu": cpu,
        "agreement_rate": float(ok.mean()),
        "mean_steps": float(st.mean()),
    }


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
    p.add_argument("--negmas-python", help="Interpreter of a venv with negmas.")
    p.add_argument("--anchor", type=float, help="NegMAS negotiations/s to compare with instead.")
    p.add_argument("--n", type=int, default=100, help="NegMAS negotiations per repeat.")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--detente-n", type=int, default=20000, help="detente negotiations/batch.")
    p.add_argument(
        "--block",
        type=int,
        default=None,
        help="detente runs per engine block (default: block_size(k²): 4,096 runs at 1,024 "
        "outcomes, 8,192 at 100; see block_size for the measurements behind it).",
    )
    p.add_argument("--ks", type=int, nargs="*", default=[10, 32])
    a = p.parse_args()
    if (a.negmas_python is None) == (a.anchor is None):
        p.error("give --negmas-python or --anchor")

    ref: dict[tuple[int, str], dict[str, Any]] = {}
    meta: dict[str, Any] = {"anchor_negotiations_per_s": a.anchor}
    if a.negmas_python:
        negmas = run_negmas(a.negmas_python, a.n, a.repeats, a.ks)
        ref = {(r["outcomes"], r["pairing"]): r for r in negmas["rows"]}
        meta = negmas["meta"] | {"version": negmas["rows"][0]["version"]}
    # warm-up: a whole block of each size, so that kernels are compiled (or loaded from the
    # cache) for the arrays of both sizes before any timing
    for k in a.ks:
        size = a.block or block_size(k * k)
        run_detente(k, "asp-asp", size, 0, size)
        run_detente(k, "asp-asp", size, 0, size, "horizon")
    rows = []
    blocks: dict[int, int] = {}
    for k in a.ks:
        block = blocks[k * k] = a.block or block_size(k * k)
        for pairing in PAIRINGS:
            reps, full = [], []
            for r in range(a.repeats):  # the two modes alternated, each first in turn
                order = (reps, full) if r % 2 == 0 else (full, reps)
                for out in order:
                    mode = "settlement" if out is reps else "horizon"
                    out.append(run_detente(k, pairing, a.detente_n, 1000 * r + 7, block, mode))
                for key in ("agreement_rate", "mean_steps"):  # the same negotiations
                    if reps[-1][key] != full[-1][key]:
                        raise AssertionError(f"{pairing}: the modes' {key} differ")
            d_rate = statistics.median(a.detente_n / x["total"] for x in reps)
            d_cpu_rate = statistics.median(a.detente_n / x["cpu"] for x in reps)
            f_rate = statistics.median(a.detente_n / x["total"] for x in full)
            f_cpu_rate = statistics.median(a.detente_n / x["cpu"] for x in full)
            nm = ref.get((k * k, pairing), {})
            nm_rate = nm.get("negotiations_per_s", a.anchor)
            rows.append(
                {
                    "outcomes": k * k,
                    "pairing": pairing,
                    "detente_negotiations_per_s": round(d_rate, 1),
                    # per second of this process's CPU time: the engine's own speed, which the
                    # other jobs of a shared machine disturb much less than the wall time
                    "detente_negotiations_per_cpu_s": round(d_cpu_rate, 1),
                    "negmas_negotiations_per_s": round(nm_rate, 2),
                    "ratio": round(d_rate / nm_rate, 1),
                    "detente_default_negotiations_per_s": round(f_rate, 1),
                    "detente_default_negotiations_per_cpu_s": round(f_cpu_rate, 1),
                    "ratio_default": round(f_rate / nm_rate, 1),
                    "detente_agreement_rate": statistics.mean(x["agreement_rate"] for x in reps),
                    "negmas_agreement_rate": nm.get("agreement_rate"),
                    "detente_mean_steps": round(statistics.mean(x["mean_steps"] for x in reps), 2),
                    "negmas_mean_steps": None
                    if "mean_steps" not in nm
                    else round(nm["mean_steps"], 2),
                }
            )
    ratios = [r["ratio"] for r in rows]
    summary = {
        "detente_until": "settlement",
        "detente_until_note": "ratio: detente until='settlement' (stops at agreement or the "
        "deadline, as NegMAS does); ratio_default: detente's default mode (to the horizon)",
        "negmas": meta,
        "detente_n_per_repeat": a.detente_n,
        "detente_block": blocks,
        "negmas_n_per_repeat": a.n if a.negmas_python else None,
        "repeats": a.repeats,
        "cores": 1,
        "python": sys.version.split()[0],
        "min_ratio": min(ratios),
        "min_ratio_default": min(r["ratio_default"] for r in rows),
        "rows": rows,
    }
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
