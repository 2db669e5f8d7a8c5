"""What-if edits of a scenario, from query parameters: the assumptions that matter.

Every adjustable value has a query key, so a URL reproduces the edit exactly
(``p3.lo=40&p3.hi=90&p3.cx=0.5&cost.NOR=0.02&mech.monitors=off``):

========================  =====================================================================
key                       value
========================  =====================================================================
``pN.lo``, ``pN.hi``      bounds of the red line of the N-th position of the file (0-based)
``pN.cx``                 its crossing cost (``Position.crossing_cost``; unset = the default)
``cost.ACTOR``            the actor's cost of fighting per period
``aid.ACTOR.LINE``        the level (0 stopped, 1 full) of the actor's support line LINE
``pay.ID``                ``on`` / ``off``: the payment offered, or withdrawn everywhere
``pay.ID.amount``         what the payment is worth to the payee
``mech.ID``               ``on`` / ``off``: the mechanism available, or withdrawn everywhere
``mech.ID.FIELD``         a number of the mechanism: ``detection``, ``hazard_ratio``,
                          ``loss_if_cheated``, ``leverage``, ``fallback_gain``
========================  =====================================================================

Switching a mechanism or payment off removes it from the scenario and from every proposal,
stage and simulation setting that names it, so the analysis runs as if it had never been on
the table. The scenario is re-validated after the edit, so an edit the format forbids (a red
line excluding the actor's own ideal point) is reported, not applied.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from pydantic import ValidationError

from detente.api.numbers import in_range, query
from detente.scenario import Scenario
from detente.scenario.validate import check_contradictions, check_references

__all__ = [
    "GROUPS",
    "NOTES",
    "Change",
    "Choice",
    "ChoiceChange",
    "Knob",
    "Toggle",
    "apply_all_edits",
    "apply_edits",
    "apply_simulation_edits",
    "knobs",
    "simulation_choices",
    "slider_document",
    "toggles",
]

RED_LINES = "Red lines and crossing costs"
COSTS = "Costs of fighting"
AID = "Aid (support lines)"
PAYMENTS = "Payments"
MECHANISMS = "Mechanisms"
GROUPS = (RED_LINES, COSTS, AID, PAYMENTS, MECHANISMS)
"""The groups of adjustable values, in the order the page shows them."""
NOTES = {
    RED_LINES: "A crossing cost prices the crossing of a stated red line: it changes what "
    "opening a closed bundle costs (its distance), not the zone within the red lines.",
    PAYMENTS: "A payment is offered in packages and in the proposals that include it: it "
    "changes the distance of closed bundles and the proposals' scores, not the zone.",
    MECHANISMS: "A mechanism is offered in packages and in the proposals that include it: it "
    "changes the distance of closed bundles and the proposals' scores (a security guarantee "
    "also lowers its beneficiary's crossing costs in packages), not the zone itself.",
}
"""What each group's values act on, shown under its heading."""

Where = tuple[str | int, ...]
"""A place in a scenario's dumped data: keys and list indices."""


@dataclass(frozen=True)
class Knob:
    """One adjustable number: its query key, label, current value and slider range, the group
    it belongs to, and where it lives in the scenario's data (``Scenario.model_dump``)."""

    key: str
    label: str
    value: float
    low: float
    high: float
    step: float
    group: str = RED_LINES
    path: Where = ()


@dataclass(frozen=True)
class Toggle:
    """One entity that can be switched off (``off``) or left as declared (``on``)."""

    key: str
    label: str
    group: str
    section: str  # "mechanisms" or "payments": the scenario list that holds it
    id: str

    value: ClassVar[str] = "on"
    options: ClassVar[tuple[str, ...]] = ("on", "off")


@dataclass(frozen=True)
class Change:
    """One changed value: what, from, to (a number, or ``on`` / ``off`` for a toggle)."""

    key: str
    label: str
    before: float | str
    after: float | str


def _line(text: str) -> str:
    """A name on one line: labels end up in comment lines of the downloaded YAML."""
    return " ".join(text.split())


def _top(value: float, floor: float, cap: float, factor: float = 4.0) -> float:
    """The upper end of a slider: ``factor`` times the value, at least ``floor``, at most
    ``cap`` (the format's maximum)."""
    return round(min(cap, max(floor, value * factor)), 4)


def _step(value: float, low: float, step: float) -> float:
    """``step``, made finer (by tens) until ``value`` lies on the slider's grid, so a browser
    does not snap an untouched slider to a neighbouring value (which would read as an edit)."""
    for _ in range(6):
        n = round((value - low) / step)
        if abs(low + n * step - value) <= 1e-9 * max(1.0, abs(value)):
            break
        step /= 10
    return float(f"{step:.6g}")


def _knob(
    key: str,
    label: str,
    value: float,
    low: float,
    high: float,
    step: float,
    group: str,
    path: Where,
) -> Knob:
    return Knob(key, label, value, low, high, _step(value, low, step), group, path)


_MECHANISM_NUMBERS = (
    # field, label, low, upper end: (floor, cap), step
    ("detection", "probability a violation is detected", 0.0, (1.0, 1.0), 0.01),
    ("hazard_ratio", "hazard ratio of breakdown", 0.01, (2.0, 5.0), 0.01),
    ("loss_if_cheated", "share of the loss if cheated", 0.0, (1.0, 1.0), 0.01),
    ("leverage", "guarantor's leverage", 0.0, (1.0, 1.0), 0.01),
    ("fallback_gain", "gain to the beneficiary's fallback", 0.0, (1.0, 1.0), 0.01),
)


def knobs(s: Scenario) -> list[Knob]:
    """The sliders of a scenario: the bounds and crossing cost of each red line in force at its
    date, each actor's cost of fighting, the level of each support line, the amount of each
    payment and each number a mechanism states."""
    from detente.bargaining.redlines import DEFAULT_CROSSING_COST

    names = {a.id: _line(a.name) for a in s.actors}
    issues = {i.id: _line(i.name) for i in s.issues}
    out: list[Knob] = []
    in_force = {id(p) for p in s.current_positions().values()}
    for k, p in enumerate(s.positions):
        if p.acceptable is None or id(p) not in in_force:
            continue  # superseded positions do not enter the analysis: no slider for them
        who = f"{names.get(p.actor, p.actor)} on {issues.get(p.issue, p.issue)}"
        lo, hi = p.acceptable
        where: Where = ("positions", k, "acceptable")
        out.append(
            _knob(
                f"p{k}.lo", f"{who}: lowest acceptable", lo, 0.0, 100.0, 1.0, RED_LINES, (*where, 0)
            )
        )
        out.append(
            _knob(
                f"p{k}.hi",
                f"{who}: highest acceptable",
                hi,
                0.0,
                100.0,
                1.0,
                RED_LINES,
                (*where, 1),
            )
        )
        cx = DEFAULT_CROSSING_COST if p.crossing_cost is None else p.crossing_cost
        top = _top(cx, 2.0, 10.0)
        out.append(
            _knob(
                f"p{k}.cx",
                f"{who}: cost of crossing the red line (per 100 points)",
                cx,
                0.0,
                top,
                round(top / 100, 6),
                RED_LINES,
                ("positions", k, "crossing_cost"),
            )
        )
    for i, a in enumerate(s.actors):
        top = _top(a.cost_of_fighting, 0.05, 1.0)
        out.append(
            _knob(
                f"cost.{a.id}",
                f"{names[a.id]}: cost of fighting per period",
                a.cost_of_fighting,
                0.0,
                top,
                round(top / 100, 6),
                COSTS,
                ("actors", i, "cost_of_fighting"),
            )
        )
    for i, a in enumerate(s.actors):
        for j, sup in enumerate(a.support):
            src = f" from {names.get(sup.provider, sup.provider)}" if sup.provider else ""
            out.append(
                _knob(
                    f"aid.{a.id}.{sup.id}",
                    f"{names[a.id]}: level of support {sup.id}{src} (0 stopped, 1 full)",
                    sup.level,
                    0.0,
                    1.0,
                    0.01,
                    AID,
                    ("actors", i, "support", j, "level"),
                )
            )
    for j, pay in enumerate(s.payments):
        top = _top(pay.amount, 0.1, 5.0)
        out.append(
            _knob(
                f"pay.{pay.id}.amount",
                f"{_line(pay.name)}: worth to {names.get(pay.payee, pay.payee)}",
                pay.amount,
                0.0,
                top,
                round(top / 100, 6),
                PAYMENTS,
                ("payments", j, "amount"),
            )
        )
    for j, m in enumerate(s.mechanisms):
        for name, label, low, (floor, cap), step in _MECHANISM_NUMBERS:
            v = getattr(m, name)
            if v is None:
                continue
            out.append(
                _knob(
                    f"mech.{m.id}.{name}",
                    f"{_line(m.name)}: {label}",
                    float(v),
                    low,
                    _top(float(v), floor, cap),
                    step,
                    MECHANISMS,
                    ("mechanisms", j, name),
                )
            )
    return out


def toggles(s: Scenario) -> list[Toggle]:
    """The switches of a scenario: each mechanism and each payment, on as declared or off."""
    out = [
        Toggle(f"mech.{m.id}", f"{_line(m.name)} ({m.kind.value})", MECHANISMS, "mechanisms", m.id)
        for m in s.mechanisms
    ]
    out += [
        Toggle(f"pay.{p.id}", f"{_line(p.name)} (payment)", PAYMENTS, "payments", p.id)
        for p in s.payments
    ]
    return out


def apply_edits(s: Scenario, params: Mapping[str, str]) -> tuple[Scenario, list[Change], list[str]]:
    """The edited scenario, the values that changed, and problems (bad values, invalid edits).

    Unknown keys are ignored; numbers are read by the one numeric parser
    (:mod:`detente.api.numbers`: the CLI's spellings) and must be inside the slider's range,
    switches ``on`` or ``off``. A number of a mechanism or payment switched off is not applied.
    """
    by_key = {k.key: k for k in knobs(s)}
    switches = {t.key: t for t in toggles(s)}
    changes: list[Change] = []
    problems: list[str] = []
    new: dict[str, float] = {}
    off: list[Toggle] = []
    for key, raw in params.items():
        t = switches.get(key)
        if t is not None:
            if raw not in t.options:
                problems.append(f"{t.label}: {raw[:40]!r} is not on or off")
            elif raw != t.value:
                off.append(t)
                changes.append(Change(key, t.label, t.value, raw))
            continue
        knob = by_key.get(key)
        if knob is None:
            continue
        try:  # the one numeric parser, with the slider's range
            v = float(query(raw, in_range(knob.label, knob.low, knob.high)))
        except ValueError as err:
            problems.append(str(err))
            continue
        if v != knob.value:
            new[key] = v
            changes.append(Change(key, knob.label, knob.value, v))
    gone = {(t.section, t.id) for t in off}
    for key in list(new):  # a number of an entity switched off: moot
        where = by_key[key].path
        if where[0] in ("mechanisms", "payments") and (where[0], _id_at(s, where)) in gone:
            del new[key]
    changes = [c for c in changes if c.key in new or c.key in switches]
    if not changes:
        return s, [], problems
    data: dict[str, Any] = s.model_dump(mode="python")
    for key, v in new.items():
        _put(data, by_key[key].path, v)
    for section, ident in sorted(gone):
        _withdraw(data, section, ident)
    return _revalidated(s, data, changes, problems)


def slider_document(edited: Scenario, seed: int) -> dict[str, Any]:
    """What a slider move computes: ``detente.analyze(edited, seed=seed,
    packages=False).document`` without its ``manifest``, whose canonical hash of the edited
    scenario (sorted JSON of the whole file) is a sixth of a Russia–Ukraine move and is shown
    nowhere on the what-if page (its YAML download states the hash of the file it edits)."""
    from detente.bargaining.analysis import analysis_document
    from detente.bargaining.analysis import analyze as run
    from detente.manifest import json_ready

    doc: dict[str, Any] = json_ready(analysis_document(run(edited, seed=seed, packages=False)))
    return doc


def _id_at(s: Scenario, where: Where) -> str:
    section, j = where[0], where[1]
    items = s.mechanisms if section == "mechanisms" else s.payments
    return items[int(j)].id


def _put(data: Any, where: Where, value: float) -> None:
    """Set ``value`` at ``where`` in dumped data, turning tuples on the way into lists."""
    node = data
    for step in where[:-1]:
        child = node[step]
        if isinstance(child, tuple):
            child = list(child)
            node[step] = child
        node = child
    node[where[-1]] = value


def _withdraw(data: dict[str, Any], section: str, ident: str) -> None:
    """Remove mechanism or payment ``ident`` and every reference to it (proposals, their
    stages, the simulation's attached mechanisms)."""
    data[section] = [x for x in data[section] if x["id"] != ident]
    for prop in data["proposals"]:
        prop[section] = [x for x in prop[section] if x != ident]
        for st in prop["stages"]:
            st[section] = [x for x in st[section] if x != ident]
    sim = data.get("simulation")
    if section == "mechanisms" and sim is not None:
        sim["mechanisms"] = [x for x in sim["mechanisms"] if x != ident]


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


def apply_all_edits(
    s: Scenario, params: Mapping[str, str]
) -> tuple[Scenario, list[Change | ChoiceChange], list[str]]:
    """:func:`apply_edits`, then :func:`apply_simulation_edits` on the result: the scenario a
    what-if address stands for, every change and every problem."""
    edited, changes, problems = apply_edits(s, params)
    edited, sim_changes, sim_problems = apply_simulation_edits(edited, params)
    return edited, [*changes, *sim_changes], [*problems, *sim_problems]


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
    """The edited scenario validated again, field by field and across references as the loader
    does; when the format refuses it, the original ``s`` with no changes and each refusal
    located (``field.path: message``) in ``problems``."""
    try:
        edited = Scenario.model_validate(data)
    except ValidationError as exc:
        for e in exc.errors():
            where = ".".join(str(x) for x in e["loc"])
            problems.append(f"{where}: {e['msg']}")
        return s, [], problems
    findings = check_references(edited, sources=False) + check_contradictions(edited)
    if findings:  # the same checks as the loader, so the downloaded file loads
        problems += [f"{'.'.join(str(x) for x in f.path)}: {f.message}" for f in findings]
        return s, [], problems
    return edited, changes, problems
