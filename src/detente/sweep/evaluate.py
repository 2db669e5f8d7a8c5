"""The one adapter between sweeps and detente's commands: evaluate one point.

Every call into the analysis and simulation engines from the sweep package goes through this
module, and it calls the public API only (``detente.analyze`` / ``detente.simulate``). A
point's outputs are flat ``name → float | None`` records: booleans become 0/1, missing values
(a median never reached) stay ``None``; never NaN.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from detente.scenario.schema import Scenario

__all__ = [
    "ANALYZE_OUTPUTS",
    "PointResult",
    "PointTask",
    "evaluate_point",
    "not_simulated_outputs",
    "not_simulated_reason",
    "output_names",
    "validate_points",
]

ANALYZE_OUTPUTS: dict[str, str] = {
    "analyze.zone_exists": "1 if a deal every veto party prefers to fighting exists under distrust",
    "analyze.zone_exists_without_distrust": "1 if the zone exists when every promise is kept",
    "analyze.zone_radius": "radius of the largest ball inside the zone (issue-scale points)",
    "analyze.zone_volume_share": "share of the issue space inside the zone",
    "analyze.zone_distance": "largest shortfall of a veto party (0 when the zone exists)",
    "analyze.red_line_gap": "issue-scale points by which red lines conflict (0 when none do)",
    "analyze.slack.<actor>": "a veto party's slack at the zone's best point (utility)",
}


@dataclass(frozen=True)
class PointTask:
    """What a worker needs for one point (the base scenarios are shared separately)."""

    point: int
    base: int  # index of the base scenario
    changes: tuple[tuple[str, Any], ...]
    seed: int
    # {"analyze": {}, "simulate": {"runs": …, "periods": …}} (+ "until": "settlement")
    commands: Mapping[str, Any]


@dataclass(frozen=True)
class PointResult:
    """A point's outputs, the seconds its commands took, and the seconds building its scenario."""

    point: int
    outputs: dict[str, float | None]
    compute_seconds: float
    build_seconds: float = 0.0


def _num(v: Any) -> float | None:
    if v is None:
        return None
    x = float(v)
    return x if math.isfinite(x) else None


_RECORD_KEYS = ("bundle", "id", "track", "actor")


def _flatten(prefix: str, doc: Any, out: dict[str, float | None]) -> None:
    if isinstance(doc, Mapping):
        for k, v in doc.items():
            _flatten(f"{prefix}.{k}", v, out)
    elif isinstance(doc, list | tuple):
        if len(doc) == 2 and prefix.endswith("_ci"):
            _flatten(f"{prefix}_low", doc[0], out)
            _flatten(f"{prefix}_high", doc[1], out)
        else:  # records named by a key: `agreements: [{bundle: grain, …}]` → agreements.grain.…
            for item in doc:
                key = next(
                    (k for k in _RECORD_KEYS if isinstance(item, Mapping) and k in item), None
                )
                if key is not None:
                    rest = {k: v for k, v in item.items() if k != key}
                    _flatten(f"{prefix}.{item[key]}", rest, out)
    elif isinstance(doc, bool | int | float) or doc is None:
        out[prefix] = _num(doc)


def _analyze(scenario: Scenario, seed: int) -> dict[str, float | None]:
    from detente.api import analyze

    doc = analyze(scenario, seed=seed).to_dict()
    zone, zone_nd = doc["zone"], doc["zone_without_distrust"]
    shortfall = zone.get("shortfall") or {}
    violation = zone.get("red_line_violation") or {}
    return {
        "analyze.zone_exists": _num(zone["exists"]),
        "analyze.zone_exists_without_distrust": _num(zone_nd["exists"]),
        "analyze.zone_radius": _num(max(0.0, zone["radius"])) if zone["exists"] else 0.0,
        "analyze.zone_volume_share": _num(zone["volume"]["share_of_issue_space"]),
        "analyze.zone_distance": 0.0
        if zone["exists"]
        else _num(max((float(v) for v in shortfall.values()), default=0.0)),
        "analyze.red_line_gap": _num(sum(float(v) for v in violation.values())),
    } | {f"analyze.slack.{a}": _num(v) for a, v in zone["slack"].items()}


def _simulate(
    scenario: Scenario, seed: int, runs: int, periods: int, until: str = "horizon"
) -> dict[str, float | None]:
    from detente.api import simulate

    if until == "horizon":  # the default call, unchanged
        summary = simulate(scenario, runs=runs, seed=seed, periods=periods).to_dict()
    else:
        summary = simulate(scenario, runs=runs, seed=seed, periods=periods, until=until).to_dict()
    out: dict[str, float | None] = {}
    for key, value in summary.items():
        if key in {"runs", "runs_requested", "complete", "seed", "periods", "manifest"}:
            continue
        _flatten(f"simulate.{key}", value, out)
    return out


def run_commands(scenario: Scenario, seed: int, commands: Mapping[str, Any]) -> dict[str, Any]:
    """All outputs of the commands at one point (``name → value``)."""
    out: dict[str, float | None] = {}
    if commands.get("analyze") is not None:
        out |= _analyze(scenario, seed)
    sim = commands.get("simulate")
    if sim is not None:
        until = str(sim.get("until", "horizon"))
        out |= _simulate(scenario, seed, int(sim["runs"]), int(sim["periods"]), until)
    return out


def not_simulated_outputs(scenario: Scenario, commands: Mapping[str, Any]) -> dict[str, str]:
    """What the simulate command leaves out for ``scenario``: ``output name or prefix → reason``.

    Empty unless it runs ``until: settlement``; then the keys of
    :data:`detente.simulate.results.NOT_SIMULATED` as sweep outputs (``simulate.`` + the
    summary's key; a partial bundle's ``simulate.agreements.<bundle>``), the bundles those of
    the simulation's model (the settlement first, then the partial bundles). See
    :func:`not_simulated_reason`.
    """
    sim = commands.get("simulate")
    if sim is None or sim.get("until", "horizon") == "horizon":
        return {}
    from detente.simulate.model import build_model
    from detente.simulate.results import NOT_SIMULATED

    out = {
        f"simulate.{k}": reason
        for k, reason in NOT_SIMULATED.items()
        if not k.startswith("agreements.") and k not in {"survival", "fan"}
    }
    settlement, *partial = build_model(scenario).bundle_ids
    out[f"simulate.agreements.{settlement}.p_breakdown_1y"] = NOT_SIMULATED[
        "agreements.p_breakdown_1y"
    ]
    for bid in partial:
        out[f"simulate.agreements.{bid}"] = NOT_SIMULATED["agreements.<partial bundle>"]
    return out


_MOVED = re.compile(
    r"^simulate\.(settlement_reasons|agreements\.[^.]+\.reasons)\.red_lines_moved\.[^.]+\.share$"
)
_STATIC = {"ceasefire", "on_agenda"}  # a partial bundle's fields that do not need the runs


def not_simulated_reason(name: str, left_out: Mapping[str, str]) -> str | None:
    """Why output ``name`` is not simulated (``None``: it is), from
    :func:`not_simulated_outputs`' table (an exact name, or a prefix of ``name``; a move
    set's ``…red_lines_moved.<set>.share``, also in a bundle's ``reasons``, as
    ``simulate.settlement_reasons.red_lines_moved.share``)."""
    name = _MOVED.sub("simulate.settlement_reasons.red_lines_moved.share", name)
    for key, reason in left_out.items():
        if name == key:
            return reason
        if name.startswith(key + "."):
            return None if name[len(key) + 1 :] in _STATIC else reason
    return None


def build_scenario(base: Mapping[str, Any], changes: tuple[tuple[str, Any], ...]) -> Scenario:
    """The point's scenario: ``base`` (plain data) with ``changes`` applied, validated."""
    from detente.sweep.paths import set_value

    data: Any = base
    for path, value in changes:
        data = set_value(data, path, value)
    return Scenario.model_validate(data)


def evaluate_point(bases: tuple[Mapping[str, Any], ...], task: PointTask) -> PointResult:
    """Build the point's scenario and run its commands (runs in a worker)."""
    t0 = time.perf_counter()
    scenario = build_scenario(bases[task.base], task.changes)
    t1 = time.perf_counter()
    outputs = run_commands(scenario, task.seed, task.commands)
    return PointResult(task.point, outputs, time.perf_counter() - t1, t1 - t0)


def _may_change_sources(changes: tuple[tuple[str, Any], ...]) -> bool:
    """Whether a change can alter which source ids the scenario cites or defines.

    Only a change at a path through a ``sources`` field (or a field's own ``<field>_sources``,
    or ``meta``), or one that puts a whole container in place, can: scalar values elsewhere
    leave every cited source id as in the base scenario, which loaded without findings.
    """
    from detente.sweep.paths import split_path

    def through_sources(path: str) -> bool:
        parts = [str(x) for x in split_path(path)]
        return any(x in ("sources", "meta") or x.endswith("_sources") for x in parts)

    return any(isinstance(v, Mapping | list | tuple) or through_sources(p) for p, v in changes)


def point_problem(base: Mapping[str, Any], task: PointTask) -> str | None:
    """Why the point's scenario is invalid (``None`` when it is a valid scenario).

    The same checks as loading a scenario file (field rules, references, contradictions); the
    walk for unknown source ids only when a change can affect them.
    """
    from detente.errors import InputError
    from detente.scenario.validate import check_contradictions, check_references

    try:
        sc = build_scenario(base, task.changes)
        sources = _may_change_sources(task.changes)
        findings = check_references(sc, sources=sources) + check_contradictions(sc)
    except InputError as exc:
        return f"point {task.point}: {exc}"
    except ValueError as exc:  # pydantic: a swept value breaks the scenario's rules
        shown = ", ".join(f"{p}={v!r}" for p, v in task.changes)
        first = str(exc).splitlines()
        return f"point {task.point} ({shown}) is not a valid scenario: " + " ".join(
            x.strip() for x in first[:3]
        )
    if findings:
        return f"point {task.point}: " + "; ".join(f.message for f in findings)
    return None


def validate_points(
    bases: tuple[Mapping[str, Any], ...], chunk: tuple[PointTask, ...]
) -> tuple[tuple[tuple[int, str | None], ...], float]:
    """Validate a chunk of points (runs in a worker).

    Returns ``(point, problem or None)`` per point and the seconds the chunk took.
    """
    t0 = time.perf_counter()
    found = tuple((t.point, point_problem(bases[t.base], t)) for t in chunk)
    return found, time.perf_counter() - t0


def output_names(
    scenario: Scenario, commands: Mapping[str, Any], wanted: tuple[str, ...] | None = None
) -> list[str]:
    """Every output name the commands give for ``scenario`` (a cheap probe run).

    With ``wanted``, a command is probed only if some wanted output needs it (the analysis is
    the slow part of a probe, and its names are known in advance except the slacks): the list
    then holds the names known without probing plus those probed.
    """
    probe = dict(commands)
    if probe.get("simulate") is not None:
        probe["simulate"] = {"runs": 1, "periods": 1} | {
            k: v for k, v in probe["simulate"].items() if k == "until"
        }
    known: list[str] = []
    if wanted is not None:
        static = {k for k in ANALYZE_OUTPUTS if "<" not in k}
        if probe.get("analyze") is not None and all(
            w in static for w in wanted if w.startswith("analyze.")
        ):
            probe.pop("analyze")
            known = sorted(static)
        if not any(w.startswith("simulate.") for w in wanted):
            probe.pop("simulate", None)
    return sorted(set(known) | set(run_commands(scenario, 0, probe)))
