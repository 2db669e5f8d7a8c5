"""What-if edits of a scenario: red-line bounds and costs of fighting, from query parameters.

Parameters are addressed by position index and actor id, so a URL reproduces the edit exactly
(``p3.lo=40&p3.hi=90&cost.NOR=0.02``); the scenario is re-validated after the edit, so an edit
the format forbids (a red line excluding the actor's own ideal point) is reported, not applied.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import ValidationError

from detente.scenario import Scenario

__all__ = [
    "Change",
    "Choice",
    "ChoiceChange",
    "Knob",
    "apply_edits",
    "apply_simulation_edits",
    "knobs",
    "simulation_choices",
]


@dataclass(frozen=True)
class Knob:
    """One adjustable value: its query key, label, current value and slider range."""

    key: str
    label: str
    value: float
    low: float
    high: float
    step: float


@dataclass(frozen=True)
class Change:
    """One changed value: what, from, to."""

    key: str
    label: str
    before: float
    after: float


def knobs(s: Scenario) -> list[Knob]:
    """The sliders of a scenario: the bounds of each red line in force at its date, and each
    actor's cost of fighting."""
    names = {a.id: a.name for a in s.actors}
    issues = {i.id: i.name for i in s.issues}
    out: list[Knob] = []
    in_force = {id(p) for p in s.current_positions().values()}
    for k, p in enumerate(s.positions):
        if p.acceptable is None or id(p) not in in_force:
            continue  # superseded positions do not enter the analysis: no slider for them
        who = f"{names.get(p.actor, p.actor)} on {issues.get(p.issue, p.issue)}"
        lo, hi = p.acceptable
        out.append(Knob(f"p{k}.lo", f"{who}: lowest acceptable", lo, 0.0, 100.0, 1.0))
        out.append(Knob(f"p{k}.hi", f"{who}: highest acceptable", hi, 0.0, 100.0, 1.0))
    for a in s.actors:
        top = max(0.05, a.cost_of_fighting * 4)
        out.append(
            Knob(
                f"cost.{a.id}",
                f"{a.name}: cost of fighting per period",
                a.cost_of_fighting,
                0.0,
                round(top, 4),
                round(top / 100, 6),
            )
        )
    return out


def apply_edits(s: Scenario, params: Mapping[str, str]) -> tuple[Scenario, list[Change], list[str]]:
    """The edited scenario, the values that changed, and problems (bad values, invalid edits).

    Unknown keys are ignored; values must be finite numbers inside the slider's range.
    """
    by_key = {k.key: k for k in knobs(s)}
    changes: list[Change] = []
    problems: list[str] = []
    new: dict[str, float] = {}
    for key, raw in params.items():
        knob = by_key.get(key)
        if knob is None:
            continue
        try:
            v = float(raw)
        except ValueError:
            problems.append(f"{knob.label}: {raw!r} is not a number")
            continue
        if not math.isfinite(v) or not knob.low <= v <= knob.high:
            problems.append(f"{knob.label}: {raw} is outside [{knob.low}, {knob.high}]")
            continue
        if v != knob.value:
            new[key] = v
            changes.append(Change(key, knob.label, knob.value, v))
    if not new:
        return s, [], problems
    data: dict[str, Any] = s.model_dump(mode="python")
    for k, pos in enumerate(data["positions"]):
        lo_key, hi_key = f"p{k}.lo", f"p{k}.hi"
        if lo_key in new or hi_key in new:
            lo, hi = pos["acceptable"]
            pos["acceptable"] = (new.get(lo_key, lo), new.get(hi_key, hi))
    for actor in data["actors"]:
        ck = f"cost.{actor['id']}"
        if ck in new:
            actor["cost_of_fighting"] = new[ck]
    return _revalidated(s, data, changes, problems)


@dataclass(frozen=True)
class Choice:
    """One simulation setting chosen from a closed list: query key, label, current value
    (``""`` = the model's default) and the allowed values."""

    key: str
    label: str
    value: str
    options: tuple[str, ...]


def simulation_choices(s: Scenario) -> list[Choice]:
    """The talks protocol and each veto party's negotiation strategy."""
    from detente.scenario.simulation import Protocol, StrategyName

    settings = s.simulation
    protocol = "" if settings is None else str(settings.protocol.value)
    strategies = (
        {} if settings is None else {k: str(v.value) for k, v in settings.strategies.items()}
    )
    out = [Choice("protocol", "Talks protocol", protocol, tuple(p.value for p in Protocol))]
    for a in s.actors:
        if a.veto:
            out.append(
                Choice(
                    f"strategy.{a.id}",
                    f"{a.name}: negotiation strategy",
                    strategies.get(a.id, ""),
                    tuple(v.value for v in StrategyName),
                )
            )
    return out


def apply_simulation_edits(
    s: Scenario, params: Mapping[str, str]
) -> tuple[Scenario, list[Change | ChoiceChange], list[str]]:
    """The scenario with the chosen protocol and strategies, what changed, and problems (an
    unknown name, or a combination the format refuses, e.g. a mediated protocol without a
    mediator). An empty or unchanged value changes nothing."""
    choices = {c.key: c for c in simulation_choices(s)}
    changes: list[Change | ChoiceChange] = []
    problems: list[str] = []
    new: dict[str, str] = {}
    for key, raw in params.items():
        c = choices.get(key)
        if c is None or raw == "" or raw == c.value:
            continue
        if raw not in c.options:
            problems.append(f"{c.label}: {raw[:40]!r} is not one of {', '.join(c.options)}")
            continue
        new[key] = raw
        changes.append(ChoiceChange(key, c.label, c.value or "model default", raw))
    if not new:
        return s, [], problems
    data: dict[str, Any] = s.model_dump(mode="python")
    sim = dict(data.get("simulation") or {})
    if "protocol" in new:
        sim["protocol"] = new["protocol"]
    strategies = dict(sim.get("strategies") or {})
    for key, value in new.items():
        if key.startswith("strategy."):
            strategies[key.split(".", 1)[1]] = value
    sim["strategies"] = strategies
    data["simulation"] = sim
    return _revalidated(s, data, changes, problems)


@dataclass(frozen=True)
class ChoiceChange:
    """One changed simulation setting: what, from, to."""

    key: str
    label: str
    before: str
    after: str


_C = TypeVar("_C")


def _revalidated(
    s: Scenario, data: dict[str, Any], changes: list[_C], problems: list[str]
) -> tuple[Scenario, list[_C], list[str]]:
    """The edited scenario validated again; when the format refuses it, the original ``s``
    with no changes and each refusal located (``field.path: message``) in ``problems``."""
    try:
        edited = Scenario.model_validate(data)
    except ValidationError as exc:
        for e in exc.errors():
            where = ".".join(str(x) for x in e["loc"])
            problems.append(f"{where}: {e['msg']}")
        return s, [], problems
    return edited, changes, problems
