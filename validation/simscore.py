"""The development set's simulation-scored expectations (``p_agreement``, ``agreement_period``,
``breakdown_1y``, ``p_agreement_order``, ``breakdown_order``), through the engine
``detente.simulate.run_simulation``.

The rules (runs, seed, horizon, which bundle, what counts as a miss) are in
``validation/README.md`` ("Scored by the simulation"); they were fixed before any case was
simulated and are the same for every case. The simulated figures are cached in
``validation/simulated.json`` keyed by case, horizon and bundle, with the SHA-256 of the
scenario file and of the engine's source (:func:`engine_sha256`), so that ``score.py --check``
needs no simulation and an engine change makes every cached figure stale. Used by ``score.py``.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CACHE = HERE / "simulated.json"

SIM_KINDS = {"p_agreement", "agreement_period", "breakdown_1y"}
SIM_ORDER_KINDS = {"p_agreement_order", "breakdown_order"}
SIM_RUNS = 1000
"""Runs per simulation (Wilson 95 % half-width of a probability ≤ 3.1 points)."""
SIM_HORIZON = 156
"""Weeks simulated for ``agreement_period`` and ``breakdown_1y``: three years, so that an
agreement reached in the first two years is followed for a year."""
INLINE_ID = "inline_check"


def sim_seed() -> int:
    import detente

    return int(detente.DEFAULT_SEED)


@dataclass(frozen=True)
class Request:
    """One simulation a check needs: a case's scenario, a horizon and an optional extra
    bundle (an inline bundle that the scenario does not declare)."""

    case: str
    periods: int
    extra: str | None = None  # canonical JSON of the inline bundle spec, if added

    @property
    def key(self) -> str:
        return f"{self.case}|{self.periods}|{self.extra or ''}"


def _canon(spec: Any) -> str:
    return json.dumps(spec, sort_keys=True, default=str)


def _same_bundle(declared: Any, spec: dict[str, Any]) -> bool:
    defs = sorted(
        (d["issue"], d.get("review_periods")) for d in spec.get("deferrals", ()) if "issue" in d
    )
    mine = sorted((d.issue, d.review_periods) for d in declared.deferrals)
    return (
        set(declared.issues) == set(spec["issues"])
        and bool(declared.ceasefire) == bool(spec.get("ceasefire", False))
        and defs == mine
    )


def resolve(scenario: Any, spec: Any) -> tuple[str, str | None]:
    """(bundle id in the simulation's records, canonical extra bundle or None)."""
    if spec is None or spec == "settlement":
        return "settlement", None
    if isinstance(spec, str):
        return spec, None
    if not isinstance(spec, dict) or "issues" not in spec:
        raise ValueError(f"bundle must be an id or a mapping with issues, got {spec!r}")
    for b in scenario.bundles:
        if _same_bundle(b, spec):
            return b.id, None
    return INLINE_ID, _canon(spec)


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def engine_sha256() -> str:
    """The engines' source digest (:func:`detente.core.sources.engine_sources_sha256`): any
    change to the code that computes a simulation, even one meant to be byte-identical, makes
    the cache stale."""
    from detente.core.sources import engine_sources_sha256

    return engine_sources_sha256()


def _scenario_with(case_dir: Path, extra: str | None) -> Any:
    from detente import Scenario, load_scenario

    s = load_scenario(case_dir / "scenario.yaml")
    if extra is None:
        return s
    spec = json.loads(extra)
    doc = s.model_dump(mode="json", exclude_none=True)
    doc.setdefault("bundles", []).append(
        {"id": INLINE_ID, "name": "bundle written inline in a check", **spec}
    )
    return Scenario.model_validate(doc)


def simulate(cases_dir: Path, req: Request) -> dict[str, Any]:
    """Run one request through the engine (``detente.simulate.run_simulation``, whose summary
    the front door ``detente.simulate(...)`` returns as it is) and keep what the checks read.

    The engine, not the front door: the cache is keyed on the engines' digest, which leaves
    the front doors (``detente.api`` ...) out, so the scorer must not go through them."""
    from detente.simulate import run_simulation

    case_dir = cases_dir / req.case
    r = run_simulation(_scenario_with(case_dir, req.extra), SIM_RUNS, sim_seed(), req.periods)
    s = r.summary()
    return {
        "case": req.case,
        "periods": req.periods,
        "extra_bundle": req.extra,
        "scenario_sha256": file_sha256(case_dir / "scenario.yaml"),
        "engine_sha256": engine_sha256(),
        "runs": s["runs"],
        "seed": s["seed"],
        "p_agreement": s["p_agreement"],
        "p_breakdown_1y": s["p_breakdown_1y"],
        "agreements": [
            {
                k: a.get(k)
                for k in ("bundle", "p_agreement", "median_periods_to_agreement", "p_breakdown_1y")
            }
            for a in s.get("agreements", [])
        ],
    }


class Cache:
    """The cached simulations, filled on demand (``allow_run``) or read only."""

    def __init__(self, cases_dir: Path, path: Path = CACHE, *, allow_run: bool) -> None:
        self.cases_dir = cases_dir
        self.path = path
        self.allow_run = allow_run
        self.entries: dict[str, dict[str, Any]] = {}
        if path.exists():
            doc = json.loads(path.read_text(encoding="utf-8"))
            self.entries = dict(doc.get("simulations", {}))
        self.used: set[str] = set()
        self.stale: list[str] = []
        self.ran = 0
        self.engine = engine_sha256()

    def _valid(self, req: Request, e: dict[str, Any] | None) -> bool:
        return (
            e is not None
            and e.get("runs") == SIM_RUNS
            and e.get("seed") == sim_seed()
            and e.get("periods") == req.periods
            and e.get("scenario_sha256") == file_sha256(self.cases_dir / req.case / "scenario.yaml")
            and e.get("engine_sha256") == self.engine
        )

    def get(self, req: Request) -> dict[str, Any] | None:
        """The simulation for ``req`` (None, recorded as stale, when read-only and missing)."""
        self.used.add(req.key)
        e = self.entries.get(req.key)
        if self._valid(req, e):
            return e
        if not self.allow_run:
            self.stale.append(req.key)
            return None
        self.entries[req.key] = simulate(self.cases_dir, req)
        self.ran += 1
        return self.entries[req.key]

    def document(self) -> str:
        """The cache file's text: the simulations used, in key order."""
        sims = {k: self.entries[k] for k in sorted(self.used) if k in self.entries}
        doc = {
            "note": "GENERATED by validation/score.py (--simulate): simulated figures of the "
            "development set's simulation-scored expectations; see validation/README.md",
            "runs": SIM_RUNS,
            "seed": sim_seed(),
            "horizon": SIM_HORIZON,
            "simulations": sims,
        }
        return json.dumps(doc, indent=1, sort_keys=True) + "\n"


class Stale(Exception):
    """The cache lacks a simulation a check needs (read-only mode)."""


def _record(sim: dict[str, Any], bundle: str) -> dict[str, Any] | None:
    return next((a for a in sim["agreements"] if a["bundle"] == bundle), None)


def _get(cache: Cache, req: Request) -> dict[str, Any]:
    sim = cache.get(req)
    if sim is None:
        raise Stale(req.key)
    return sim


def pooled_breakdown(sim: dict[str, Any]) -> float | None:
    """One-year breakdown of the agreements the runs reach, weighted by how often each bundle
    is agreed (None when no run reaches one that is observed for a year)."""
    rows = [
        a
        for a in sim["agreements"]
        if a["p_breakdown_1y"] is not None and a["p_agreement"] and a["p_agreement"] > 0
    ]
    w = sum(a["p_agreement"] for a in rows)
    if not rows or w <= 0:
        return None
    return float(sum(a["p_agreement"] * a["p_breakdown_1y"] for a in rows) / w)


def breakdown(
    cache: Cache, case: str, scenario: Any, spec: Any
) -> tuple[float | None, str | None, str]:
    """(one-year breakdown or None, unscorable reason or None, description)."""
    if spec is None:
        sim = _get(cache, Request(case, SIM_HORIZON))
        v = pooled_breakdown(sim)
        parts = ", ".join(
            f"{a['bundle']} P={a['p_agreement']:.3f}"
            + (f" b={a['p_breakdown_1y']:.3f}" if a["p_breakdown_1y"] is not None else "")
            for a in sim["agreements"]
            if a["p_agreement"]
        )
        return v, None, f"pooled over agreements reached ({parts or 'none reached'})"
    bid, extra = resolve(scenario, spec)
    sim = _get(cache, Request(case, SIM_HORIZON, extra))
    rec = _record(sim, bid)
    if rec is None:
        return None, f"the engine does not simulate bundle {bid!r}", ""
    return rec["p_breakdown_1y"], None, f"bundle {bid} (P agree {rec['p_agreement']:.3f})"


def p_agreement(
    cache: Cache, case: str, scenario: Any, spec: Any, periods: int
) -> tuple[float | None, str | None, str]:
    bid, extra = resolve(scenario, spec)
    sim = _get(cache, Request(case, int(periods), extra))
    rec = _record(sim, bid)
    if rec is None:
        return None, f"the engine does not simulate bundle {bid!r}", ""
    return rec["p_agreement"], None, f"P({bid} within {periods}) = {rec['p_agreement']:.3f}"


def score_sim_check(
    cache: Cache, case: str, scenario: Any, check: dict[str, Any], op: Any
) -> tuple[str, str]:
    """(status, detail) of one simulation-scored check (``op`` compares as in score.py)."""
    kind = check["kind"]
    if kind == "p_agreement":
        for f in ("bundle", "periods", "op", "value"):
            if f not in check:
                raise ValueError(f"missing field {f}")
        v, why, desc = p_agreement(cache, case, scenario, check["bundle"], check["periods"])
        if why:
            return "not_yet_scorable", why
        assert v is not None
        return ("pass" if op(v, check["op"], check["value"]) else "miss"), desc
    if kind == "agreement_period":
        for f in ("bundle", "op", "value"):
            if f not in check:
                raise ValueError(f"missing field {f}")
        bid, extra = resolve(scenario, check["bundle"])
        sim = _get(cache, Request(case, SIM_HORIZON, extra))
        rec = _record(sim, bid)
        if rec is None:
            return "not_yet_scorable", f"the engine does not simulate bundle {bid!r}"
        med = rec["median_periods_to_agreement"]
        value = math.inf if med is None else float(med)
        shown = f"> {SIM_HORIZON} (under half agree)" if med is None else str(med)
        ok = op(value, check["op"], check["value"])
        return ("pass" if ok else "miss"), f"median period of {bid}: {shown}"
    for f in ("op", "value"):
        if f not in check:
            raise ValueError(f"missing field {f}")
    v, why, desc = breakdown(cache, case, scenario, check.get("bundle"))
    if why:
        return "not_yet_scorable", why
    if v is None:
        return "miss", f"no simulated agreement observed for a year: {desc}"
    return ("pass" if op(v, check["op"], check["value"]) else "miss"), f"{v:.3f}, {desc}"


def score_sim_ordering(
    cache: Cache, check: dict[str, Any], scenarios: dict[str, Any]
) -> tuple[str, str]:
    """(status, detail) of a ``breakdown_order`` or ``p_agreement_order`` ordering."""
    kind = check["kind"]
    values: list[float | None] = []
    shown: list[str] = []
    for item in check["less"]:
        case = item["case"]
        if case not in scenarios:
            return "not_yet_scorable", f"case {case!r} not present"
        if kind == "breakdown_order":
            v, why, _ = breakdown(cache, case, scenarios[case], item.get("bundle"))
        else:
            v, why, _ = p_agreement(
                cache, case, scenarios[case], item.get("bundle", "settlement"), item["periods"]
            )
        if why:
            return "not_yet_scorable", f"{case}: {why}"
        values.append(v)
        shown.append(f"{case} {'none' if v is None else f'{v:.3f}'}")
    if any(v is None for v in values):
        return "miss", "no simulated agreement for " + ", ".join(shown)
    nums = [float(v) for v in values if v is not None]
    ok = all(a < b for a, b in itertools.pairwise(nums))
    return ("pass" if ok else "miss"), ", ".join(shown)
