"""Benchmark: trust replay throughput and memory on a synthetic ledger (not a timed test).

Replays N synthetic ledger impulses over 20 actors with the evidence rule, streaming the
trajectory output in column chunks (rows are counted, not kept), and reports entries/s (wall
clock, and per CPU-second of the process, which is less sensitive to other load on the
machine) and the peak resident memory. Each size runs in a fresh subprocess so the peak RSS
of one size does not leak into the next; flat memory shows as equal peaks at 100k and 1M
entries.

    .venv/bin/python benchmarks/trust_replay.py                  # 100k and 1M entries
    .venv/bin/python benchmarks/trust_replay.py --sizes 20000    # quick

The synthetic stream (seeded): ``--per-day`` entries per date (default 100); 60 % public
acts (violations, gestures, exchanges… with random magnitudes and sources), 20 %
self-reports (discounted by integrity trust), 20 % contacts between two parties;
source-accuracy updates every 50 days.

Density: a million entries over 20 actors is a machine-coded event feed, not a hand-written
ledger; at 100 entries per date it spans 27 years, at 10 per date (``--per-day 10``, the
sparse case also reported) 274 years, so the default is the dense case. The shipped
hand-written Ukraine ledgers have about 3 impulses per date (ukraine-2026-06: 163 impulses on
52 dates).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from collections.abc import Iterator

import numpy as np

from detente.trust.events import CONTACT_DIMS, EVENT_EFFECTS, Compiled, Impulse
from detente.trust.replay import ReplaySettings, TrustHistory
from detente.trust.rules import DIMENSIONS, get_rule

N_ACTORS = 20
PER_DAY = 100
"""Default density: entries per date (event-data scale; 1M entries ≈ 27 years)."""
CHUNK = 65_536


class SyntheticImpulses:
    """A re-iterable, seeded stream of impulses generated chunk by chunk (flat memory)."""

    def __init__(
        self, n: int, seed: int, act_templates: int, contact_template: int, per_day: int
    ) -> None:
        self.n, self.seed, self.per_day = n, seed, per_day
        self.act_templates, self.contact_template = act_templates, contact_template

    def __iter__(self) -> Iterator[Impulse]:
        rng = np.random.default_rng(np.random.SeedSequence(self.seed))
        day0 = 738_000
        done = 0
        while done < self.n:
            m = min(CHUNK, self.n - done)
            idx = np.arange(done, done + m)
            days = (day0 + idx // self.per_day).tolist()
            kind = rng.random(m)
            trustee = rng.integers(0, N_ACTORS, m).tolist()
            other = rng.integers(0, N_ACTORS, m).tolist()
            tpl = rng.integers(0, self.act_templates, m).tolist()
            weight = rng.uniform(0.05, 1.5, m).tolist()
            src = rng.integers(0, 8, m).tolist()
            for k in range(m):
                if kind[k] < 0.6:
                    yield (days[k], done + k, trustee[k], tpl[k], weight[k], src[k], False, None)
                elif kind[k] < 0.8:
                    yield (days[k], done + k, trustee[k], tpl[k], 0.1, src[k], True, None)
                else:
                    parts = (
                        (other[k],) if other[k] != trustee[k] else ((trustee[k] + 1) % N_ACTORS,)
                    )
                    yield (days[k], done + k, trustee[k], self.contact_template, weight[k], -1,
                           False, parts)  # fmt: skip
            done += m


class _Causes:
    """Cause ids computed on demand (the stream has no stored ledger)."""

    def __getitem__(self, i: int) -> str:
        return f"e{i}"


def synthetic(n: int, seed: int = 20261122, per_day: int = PER_DAY) -> Compiled:
    """A compiled ledger of ``n`` synthetic impulses over 20 actors."""
    nd = len(DIMENSIONS)
    shape = (N_ACTORS, nd, N_ACTORS)
    c = Compiled(
        actors=tuple(f"A{i:02d}" for i in range(N_ACTORS)),
        causes=_Causes(),  # type: ignore[arg-type]
        templates=[],
        impulses=[],
        source_keys=[],
        source_prior=[],
        source_updates=[],
        resolutions=[],
        prior_r=np.zeros(shape),
        prior_s=np.zeros(shape),
        prior_a=np.full(shape, 0.5),
        has_prior=np.zeros((N_ACTORS, N_ACTORS), dtype=bool),
        start_day=738_000,
        end_day=738_000 + n // per_day,
    )
    acts = [c.template(signed) for signed, _ in EVENT_EFFECTS.values()]
    contact = c.template(CONTACT_DIMS, contact=True)
    for s in range(8):
        c.source(f"src{s}", (4.0, 2.0))
    c.source_updates = [(738_000 + d, d % 8, d % 3 != 0) for d in range(0, n // per_day, 50)]
    c.impulses = SyntheticImpulses(n, seed, len(acts), contact, per_day)
    return c


def run_one(n: int, per_day: int = PER_DAY) -> dict[str, float | int]:
    """Replay ``n`` synthetic entries, streaming all trajectory rows; time and memory."""
    hist = TrustHistory(
        synthetic(n, per_day=per_day), get_rule("evidence"), ReplaySettings(), None, None
    )
    t0, c0 = time.perf_counter(), time.process_time()
    rows = 0
    for chunk in hist.chunks():
        rows += len(chunk["day"])
    secs = time.perf_counter() - t0
    cpu = time.process_time() - c0
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "entries": n,
        "per_day": per_day,
        "seconds": round(secs, 3),
        "entries_per_s": round(n / secs),
        "cpu_seconds": round(cpu, 3),
        "entries_per_cpu_s": round(n / cpu),
        "rows": rows,
        "rows_per_s": round(rows / secs),
        "peak_rss_mib": round(peak_kib / 1024, 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--per-day", type=int, default=PER_DAY, help="Entries per date.")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.per_day)))
        return
    results = []
    for n in args.sizes:
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(n), "--per-day", str(args.per_day)],
            capture_output=True,
            text=True,
            check=True,
        )
        results.append(json.loads(out.stdout))
    doc = {"benchmark": "trust_replay", "actors": N_ACTORS, "rule": "evidence", "runs": results}
    print(json.dumps(doc, indent=2))


if __name__ == "__main__":
    main()
