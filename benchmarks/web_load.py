"""Workspace load: concurrent analysts moving what-if sliders (zone recomputations).

Starts ``detente serve --workers N`` (default: detente's default, one worker per core up to
4) on a free localhost port, unless ``--url`` names a running server, and drives it with
httpx's async client:

1. reference: one client, requests one after another for ``--reference`` seconds (the latency
   of one analyst alone);
2. load: ``--clients`` clients (default 20) for ``--duration`` seconds (default 60), each
   issuing requests back to back (``--think`` seconds between them; 0 = as fast as answered).

Every request is a zone recomputation: ``GET /scenario/ID/whatif-zone.json?KEY=VALUE`` with
one slider of the what-if page (a red line's bound or crossing cost, a cost of fighting, an aid
level, a payment's amount, a mechanism's number) at a random value on its grid inside its
valid range (a red line must keep the actor's ideal point), seeded per client, so nearly every
request misses the cache and runs ``detente.analyze(..., packages=False)`` on the edited
scenario, as a slider move does. The server says whether it recomputed (``X-Detente-Cache:
miss``) or found the answer in its cache (``hit``); the share of hits is printed, with the
number of distinct queries. A request counts as an error unless it answers 200 with the zone
rows of both the written and the edited scenario. The load average (``/proc/loadavg``) is
recorded before and after: other processes on the machine slow the figures down. When the
script started the server, it also reports the server's CPU time per request (all its
processes, from /proc): the cost of one recomputation, whatever else the machine runs.

    .venv/bin/python benchmarks/web_load.py --scenario teaching
    .venv/bin/python benchmarks/web_load.py --scenario ukraine-2026-06

Prints one JSON document (latencies in milliseconds). Figures: docs/benchmarks.md ("Workspace").
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

from detente.cli.serve import default_workers
from detente.scenario import load_scenario
from detente.web.store import default_dir
from detente.web.whatif import knobs

RED_LINE_BOUND = re.compile(r"^p(\d+)\.(lo|hi)$")
"""A red line's bound (``pN.lo`` / ``pN.hi``); its crossing cost ``pN.cx`` is not one."""


def slider_ranges(sid: str) -> list[tuple[str, float, float, float]]:
    """(query key, low, high, step) of every slider, narrowed to the values the scenario
    format accepts (a red line keeps the actor's ideal point inside it)."""
    s = load_scenario(default_dir() / f"{sid}.yaml")
    out = []
    for k in knobs(s):
        lo, hi = k.low, k.high
        bound = RED_LINE_BOUND.match(k.key)
        if bound is not None:
            ideal = s.positions[int(bound.group(1))].ideal
            lo, hi = (k.low, ideal) if bound.group(2) == "lo" else (ideal, k.high)
        if hi - lo >= k.step:
            out.append((k.key, lo, hi, k.step))
    return out


def pick(rng: random.Random, ranges: list[tuple[str, float, float, float]]) -> tuple[str, str]:
    key, lo, hi, step = rng.choice(ranges)
    n = int((hi - lo) / step)
    value = round(lo + step * rng.randint(0, n), 6)
    return key, f"{value:g}"


def percentile(xs: list[float], q: float) -> float:
    """The q-quantile (0–1) by linear interpolation (numpy's default method)."""
    ys = sorted(xs)
    pos = q * (len(ys) - 1)
    k = int(pos)
    return ys[k] + (ys[min(k + 1, len(ys) - 1)] - ys[k]) * (pos - k)


async def client(
    http: httpx.AsyncClient,
    sid: str,
    ranges: list[tuple[str, float, float, float]],
    seed: int,
    until: float,
    think: float,
    out: dict[str, Any],
) -> None:
    rng = random.Random(seed)
    while time.monotonic() < until:
        key, value = pick(rng, ranges)
        out["queries"].add((key, value))
        t0 = time.perf_counter()
        try:
            r = await http.get(f"/scenario/{sid}/whatif-zone.json", params={key: value})
            ok = r.status_code == 200 and {x["scenario"] for x in r.json()} == {
                "as written",
                "what if",
            }
            why = "" if ok else f"HTTP {r.status_code}: {r.text[:200]}"
        except (httpx.HTTPError, ValueError) as exc:
            ok, why = False, f"{type(exc).__name__}: {exc}"
        ms = (time.perf_counter() - t0) * 1000.0
        out["latency_ms"].append(ms)
        if ok and r.headers.get("X-Detente-Cache") == "hit":
            out["hits"] += 1
        if not ok:
            out["errors"].append(why)
        if think:
            await asyncio.sleep(think)


async def phase(
    url: str, sid: str, clients: int, seconds: float, think: float, seed: int
) -> dict[str, Any]:
    ranges = slider_ranges(sid)
    out: dict[str, Any] = {"latency_ms": [], "errors": [], "queries": set(), "hits": 0}
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, timeout=300.0, limits=limits) as http:
        until = time.monotonic() + seconds
        t0 = time.perf_counter()
        await asyncio.gather(
            *(client(http, sid, ranges, seed + c, until, think, out) for c in range(clients))
        )
        wall = time.perf_counter() - t0
    lat = out["latency_ms"]
    return {
        "clients": clients,
        "seconds": round(wall, 1),
        "think_s": think,
        "requests": len(lat),
        "errors": len(out["errors"]),
        "first_errors": out["errors"][:3],
        "distinct_queries": len(out["queries"]),
        "cache_hits": out["hits"],
        "cache_hit_share": round(out["hits"] / len(lat), 4) if lat else None,
        "throughput_per_s": round(len(lat) / wall, 2),
        "median_ms": round(statistics.median(lat), 1) if lat else None,
        "p95_ms": round(percentile(lat, 0.95), 1) if lat else None,
        "max_ms": round(max(lat), 1) if lat else None,
    }


def tree_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by process ``pid`` and its descendants (the
    server and its worker processes), from /proc; 0 where /proc is not readable."""
    tick = os.sysconf("SC_CLK_TCK")
    parent: dict[int, int] = {}
    used: dict[int, float] = {}
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        parent[int(d.name)] = int(fields[1])
        used[int(d.name)] = (int(fields[11]) + int(fields[12])) / tick
    tree, todo = set(), [pid]
    while todo:
        p = todo.pop()
        tree.add(p)
        todo += [c for c, pp in parent.items() if pp == p and c not in tree]
    return sum(used.get(p, 0.0) for p in tree)


def loadavg() -> list[float]:
    try:
        return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]
    except OSError:
        return []


def start_server(sid: str, workers: int | None) -> tuple[subprocess.Popen[bytes], str, Path]:
    d = Path(tempfile.mkdtemp(prefix="detente-load-"))
    shutil.copy(default_dir() / f"{sid}.yaml", d / f"{sid}.yaml")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = [sys.executable, "-c", "from detente.cli.app import main; main()", "serve"]
    cmd += ["--port", str(port), "--scenarios", str(d)]
    if workers is not None:
        cmd += ["--workers", str(workers)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if httpx.get(url + "/", timeout=5).status_code == 200:
                return proc, url, d
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            break
        time.sleep(0.2)
    proc.kill()
    raise SystemExit("detente serve did not start")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scenario", default="teaching", help="shipped scenario id")
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    ap.add_argument("--reference", type=float, default=20.0, help="seconds of one client")
    ap.add_argument("--think", type=float, default=0.0, help="seconds between a client's requests")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--url", help="a running server (default: start detente serve)")
    ap.add_argument("--workers", type=int, help="detente serve --workers (default: its own)")
    args = ap.parse_args()

    proc = tmp = None
    url = args.url
    if url is None:
        proc, url, tmp = start_server(args.scenario, args.workers)
    try:
        # warm-up, 8 requests at once: every worker parses the scenario and analyses it
        warm = f"{url}/scenario/{args.scenario}/whatif-zone.json"
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda _: httpx.get(warm, timeout=300), range(8)))
        before = loadavg()
        cpu0 = tree_cpu_seconds(proc.pid) if proc is not None else None
        ref = asyncio.run(phase(url, args.scenario, 1, args.reference, 0.0, args.seed + 1000))
        cpu1 = tree_cpu_seconds(proc.pid) if proc is not None else None
        load = asyncio.run(
            phase(url, args.scenario, args.clients, args.duration, args.think, args.seed)
        )
        cpu2 = tree_cpu_seconds(proc.pid) if proc is not None else None
        after = loadavg()
        # the server's CPU time per request (all its processes): what one recomputation costs,
        # whatever else the machine runs (the latencies include waiting for the cores)
        for result, start, end in ((ref, cpu0, cpu1), (load, cpu1, cpu2)):
            if start is not None and end is not None and result["requests"]:
                result["server_cpu_ms_per_request"] = round(
                    (end - start) * 1000.0 / result["requests"], 1
                )
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=10)
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    print(
        json.dumps(
            {
                "scenario": args.scenario,
                "server": args.url
                or f"detente serve --workers {args.workers or default_workers()}",
                "cpus": os.cpu_count(),
                "loadavg_before": before,
                "loadavg_after": after,
                "reference_one_client": ref,
                "load": load,
                "p95_ratio_load_vs_one_client": round(load["p95_ms"] / ref["p95_ms"], 2)
                if load["p95_ms"] and ref["p95_ms"]
                else None,
            },
            indent=2,
        )
    )
    if load["errors"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
