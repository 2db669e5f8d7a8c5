"""Benchmark: ingest N synthetic GDELT 2.0 event rows and aggregate weekly dyad measures.

    .venv/bin/python benchmarks/monitor_ingest.py --rows 10000000

Writes the rows (61 tab-separated columns, no header) to a temporary file in chunks (in a child
process, so the peak RSS reported is the ingest's alone), streams them into a fresh DuckDB
store, aggregates weekly say/do measures per dyad and region, and prints JSON: seconds per
phase, rows/s, CPU seconds, peak RSS (``resource.getrusage``) and the accounting.
About 0.01% of rows get a bad date and 0.1% repeat an earlier event id, so the rejection and
de-duplication paths are exercised. Not a timed unit test (see CONTRIBUTING.md).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from detente.monitor.measures import measures_sql
from detente.monitor.store import EventStore

ACTORS = [
    ("RUS", "RUSSIA", "RUS"),
    ("UKR", "UKRAINE", "UKR"),
    ("RUSMIL", "RUSSIA", "RUS"),
    ("UKRGOV", "KYIV", "UKR"),
    ("USA", "UNITED STATES", "USA"),
    ("", "", ""),
]
PLACES = [
    ("Donetsk, Donets'ka Oblast', Ukraine", "UP14", "48.0", "37.8"),
    ("Luhansk, Luhans'ka Oblast', Ukraine", "UP09", "48.6", "39.3"),
    ("Kyiv, Kyyiv, Misto, Ukraine", "UP12", "50.4", "30.5"),
    ("Moscow, Moskva, Russia", "RS48", "55.8", "37.6"),
]
CODES = [
    "010",
    "036",
    "040",
    "042",
    "057",
    "061",
    "0871",
    "111",
    "120",
    "130",
    "138",
    "141",
    "173",
    "180",
    "190",
    "193",
    "194",
    "195",
    "196",
]


def _pool(values: list[str], idx: np.ndarray) -> pa.Array:
    return pc.take(pa.array(values, pa.string()), pa.array(idx))


def chunk(start_id: int, n: int, rng: np.random.Generator) -> pa.Table:
    """``n`` synthetic GDELT 2.0 rows as a 61-column string table."""
    ids = np.arange(start_id, start_id + n, dtype=np.int64)
    dup = rng.random(n) < 0.001
    ids[dup] = np.maximum(0, ids[dup] - rng.integers(1, 1000, dup.sum()))
    days = np.datetime64("2014-01-01") + rng.integers(0, 8 * 365, n).astype("timedelta64[D]")
    ymd = pc.strftime(pa.array(days.astype("datetime64[s]")), format="%Y%m%d")
    bad = rng.random(n) < 0.0001
    ymd = pc.if_else(pa.array(bad), pa.scalar("2015-13-01"), ymd)
    a1, a2 = rng.integers(0, len(ACTORS), n), rng.integers(0, len(ACTORS), n)
    code_i, place_i = rng.integers(0, len(CODES), n), rng.integers(0, len(PLACES), n)
    empty = pa.array([""] * n, pa.string())
    codes = _pool(CODES, code_i)
    cols: list[pa.Array] = [empty] * 61
    cols[0] = pa.array(ids).cast(pa.string())
    cols[1] = ymd
    cols[2] = pc.utf8_slice_codeunits(ymd, 0, 6)
    cols[3] = pc.utf8_slice_codeunits(ymd, 0, 4)
    cols[5], cols[6], cols[7] = (_pool([a[k] for a in ACTORS], a1) for k in range(3))
    cols[15], cols[16], cols[17] = (_pool([a[k] for a in ACTORS], a2) for k in range(3))
    cols[25] = pa.array(["1"] * n, pa.string())
    cols[26] = codes
    cols[27] = pc.utf8_slice_codeunits(codes, 0, 3)
    cols[28] = pc.utf8_slice_codeunits(codes, 0, 2)
    cols[29] = pa.array(["1"] * n, pa.string())
    cols[30] = pa.array(["0.0"] * n, pa.string())
    cols[51] = pa.array(["4"] * n, pa.string())
    cols[52], cols[54], cols[56], cols[57] = (
        _pool([p[k] for p in PLACES], place_i) for k in range(4)
    )
    cols[53] = pa.array(["UP"] * n, pa.string())
    cols[59] = pc.binary_join_element_wise(ymd, pa.scalar("120000"), "")
    cols[60] = pa.array(["https://example.org/a"] * n, pa.string())
    return pa.table(cols, names=[f"c{i}" for i in range(61)])


def generate(path: Path, rows: int, chunk_rows: int, seed: int) -> None:
    """Write ``rows`` synthetic rows to ``path`` in chunks (tab-separated, no header)."""
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    opts = pacsv.WriteOptions(include_header=False, delimiter="\t", quoting_style="none")
    with pacsv.CSVWriter(str(path), chunk(0, 1, rng).schema, write_options=opts) as w:
        for start in range(0, rows, chunk_rows):
            w.write_table(chunk(start, min(chunk_rows, rows - start), rng))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--chunk", type=int, default=500_000)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--memory-limit", default="512MB")
    ap.add_argument("--seed", type=int, default=20261122)
    ap.add_argument("--generate-only", metavar="PATH", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.generate_only:
        generate(Path(args.generate_only), args.rows, args.chunk, args.seed)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        data, db = Path(tmp) / "events.export.CSV", Path(tmp) / "bench.duckdb"
        t0 = time.perf_counter()
        # generate in a child process so the peak RSS below is the ingest's alone
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--generate-only",
                str(data),
                "--rows",
                str(args.rows),
                "--chunk",
                str(args.chunk),
                "--seed",
                str(args.seed),
            ],
            check=True,
        )
        t_gen = time.perf_counter() - t0
        t1 = time.perf_counter()
        u0 = resource.getrusage(resource.RUSAGE_SELF)
        with EventStore(db, threads=args.threads, memory_limit=args.memory_limit) as store:
            rep = store.ingest(data, fmt="gdelt2")
            t_ingest = time.perf_counter() - t1
            t2 = time.perf_counter()
            (n_weekly,) = store.con.execute(
                f"SELECT count(*) FROM ({measures_sql('week')})"
            ).fetchone() or (0,)
            t_agg = time.perf_counter() - t2
        size = data.stat().st_size
    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak_kb = usage.ru_maxrss
    out = {
        "rows": args.rows,
        "file_mb": round(size / 1e6, 1),
        "generate_s": round(t_gen, 2),
        "ingest_s": round(t_ingest, 2),
        "aggregate_weekly_s": round(t_agg, 2),
        "ingest_plus_aggregate_s": round(t_ingest + t_agg, 2),
        "rows_per_s": round(args.rows / (t_ingest + t_agg)),
        "weekly_measure_rows": n_weekly,
        # CPU seconds (user + system) of the ingest and aggregation: less sensitive than the
        # wall time to other jobs on a shared machine
        "ingest_cpu_s": round(usage.ru_utime + usage.ru_stime - u0.ru_utime - u0.ru_stime, 2),
        "peak_rss_mb": round(peak_kb / 1024, 1),  # ingest process only
        "threads": args.threads,
        "memory_limit": args.memory_limit,
        "accounting": rep.record(),
        "balanced": rep.balanced,
    }
    json.dump(out, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
