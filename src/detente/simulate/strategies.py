"""Negotiation strategies: plugins that set a party's demand, acceptance floor and gestures.

Every strategy is vectorised over runs: :meth:`Strategy.move` takes a :class:`TalkState`
(arrays of shape ``(N,)``) and returns a :class:`Move`. Utilities are on the 0..1 scale. Each
strategy declares ``traits`` that the conformance suite (``tests/simulate/test_strategies.py``)
checks against its behaviour:

``follows_beliefs``  its demand tracks its current value of fighting (beliefs about strength);
``moves_positions``  its demand can fall over time;
``good_faith`` / ``bad_faith``  which family it belongs to;
``overtures``  it makes peace overtures (cheap talk); ``gestures``  costly conciliatory acts;
``rearms``  it rearms during a truce (the engine shifts power and raises its defection hazard);
``stalls``  it attends talks only every third period.

Time-based concession (Faratin, Sierra & Jennings 1998): demand
``d(t) = V + (u_max − V)·(1 − t^e)`` with ``t`` the share of the concession horizon elapsed,
``V`` the current value of fighting; Boulware ``e = 4``, linear ``e = 1``, Conceder ``e = 0.25``.
GRIT (Osgood 1962): announced unilateral steps, continued when reciprocated, paused when not.
Peace offensive (concepts §9): overtures when under pressure, none when secure, and the
position never moves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from detente.errors import InputError

__all__ = [
    "STRATEGIES",
    "Move",
    "Strategy",
    "TalkState",
    "get_strategy",
    "strategy_names",
]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

GRIT_STEP = 0.02
"""GRIT: utility conceded per unilateral step."""
GRIT_INITIATIVE = 4
"""GRIT: unilateral steps taken before reciprocity is required."""
STALL_EVERY = 3
"""Stalling: attends one round of talks in this many periods."""


@dataclass(frozen=True)
class TalkState:
    """What a party knows when it moves in round ``period`` (arrays over N runs)."""

    period: int
    t: float  # share of the concession horizon elapsed, in [0, 1]
    value: FloatArray  # current value of fighting under its beliefs
    value0: FloatArray  # value of fighting at the start
    best: float  # its utility of its best candidate package
    prev_demand: FloatArray  # its demand last round (NaN in the first round)
    opp_concession: FloatArray  # rise of its utility of the other's offer since last round
    pressure: BoolArray  # losing (belief below threshold) or the line moved against it


@dataclass(frozen=True)
class Move:
    """A party's move: demand (utility it asks for), acceptance floor, acts (arrays over N)."""

    demand: FloatArray
    accept: FloatArray
    overture: BoolArray
    gesture: BoolArray
    attends: BoolArray


@runtime_checkable
class Strategy(Protocol):
    """A negotiation strategy plugin."""

    @property
    def name(self) -> str:
        """Registry name."""
        ...

    @property
    def traits(self) -> frozenset[str]:
        """Declared behaviour (see the module docstring)."""
        ...

    @property
    def description(self) -> str:
        """One line for listings."""
        ...

    def move(self, s: TalkState) -> Move:
        """The move for every run."""
        ...


def _none(s: TalkState) -> BoolArray:
    return np.zeros(s.value.shape, dtype=bool)


def _all(s: TalkState) -> BoolArray:
    return np.ones(s.value.shape, dtype=bool)


@dataclass(frozen=True)
class TimeBased:
    """Concedes from its best package to its value of fighting over the horizon."""

    name: str
    exponent: float
    description: str
    traits: frozenset[str] = frozenset({"good_faith", "follows_beliefs", "moves_positions"})

    def move(self, s: TalkState) -> Move:
        v = np.minimum(s.value, s.best)
        d = v + (s.best - v) * (1.0 - s.t**self.exponent)
        return Move(d, d, _none(s), _none(s), _all(s))


@dataclass(frozen=True)
class GoodFaith:
    """Reservation tracking: asks for half the surplus over fighting (less as time passes),
    accepts anything better than fighting."""

    name: str = "good_faith"
    description: str = "Asks for a shrinking share of the surplus; accepts any deal beating war."
    traits: frozenset[str] = frozenset({"good_faith", "follows_beliefs", "moves_positions"})

    def move(self, s: TalkState) -> Move:
        v = np.minimum(s.value, s.best)
        d = v + 0.5 * (s.best - v) * (1.0 - s.t)
        return Move(d, v, _none(s), _none(s), _all(s))


@dataclass(frozen=True)
class Hardliner:
    """Demands its best package and accepts nothing less, whatever happens."""

    name: str = "hardliner"
    description: str = "Demands its ideal package; never concedes."
    traits: frozenset[str] = frozenset({"bad_faith"})

    def move(self, s: TalkState) -> Move:
        d = np.full(s.value.shape, s.best)
        return Move(d, d, _none(s), _none(s), _all(s))


@dataclass(frozen=True)
class TitForTat:
    """Opens at its best; then concedes what the other conceded last round (in its own
    utility), never below its value of fighting."""

    name: str = "tit_for_tat"
    description: str = "Mirrors the other side's last concession."
    traits: frozenset[str] = frozenset({"good_faith", "follows_beliefs", "moves_positions"})

    def move(self, s: TalkState) -> Move:
        prev = np.where(np.isnan(s.prev_demand), s.best, s.prev_demand)
        d = np.maximum(prev - np.maximum(s.opp_concession, 0.0), np.minimum(s.value, s.best))
        return Move(d, d, _none(s), _none(s), _all(s))


@dataclass(frozen=True)
class Grit:
    """Graduated reciprocation in tension reduction: small announced unilateral concessions
    with a costly gesture each, continued while reciprocated, paused when not."""

    name: str = "grit"
    description: str = "Unilateral announced steps with gestures; continues if reciprocated."
    traits: frozenset[str] = frozenset(
        {"good_faith", "follows_beliefs", "moves_positions", "gestures"}
    )

    def move(self, s: TalkState) -> Move:
        prev = np.where(np.isnan(s.prev_demand), s.best, s.prev_demand)
        step = (s.period < GRIT_INITIATIVE) | (s.opp_concession > 1e-12)
        floor = np.minimum(s.value, s.best)
        d = np.maximum(np.where(step, prev - GRIT_STEP, prev), floor)
        gesture = step & (d < prev - 1e-12)
        return Move(d, d, _none(s), gesture, _all(s))


@dataclass(frozen=True)
class PeaceOffensive:
    """Bad faith: overtures when under pressure (aimed at the other side's allies), none when
    secure; the position never moves."""

    name: str = "peace_offensive"
    description: str = "Overtures under pressure, stonewalling when secure; positions fixed."
    traits: frozenset[str] = frozenset({"bad_faith", "overtures"})

    def move(self, s: TalkState) -> Move:
        d = np.full(s.value.shape, s.best)
        return Move(d, d, s.pressure.copy(), _none(s), _all(s))


@dataclass(frozen=True)
class Stalling:
    """Bad faith: repeats its opening position and attends talks only now and then."""

    name: str = "stalling"
    description: str = "Repeats its position and delays (attends one round in three)."
    traits: frozenset[str] = frozenset({"bad_faith", "stalls"})

    def move(self, s: TalkState) -> Move:
        opening = np.where(np.isnan(s.prev_demand), s.best, s.prev_demand)
        d = np.maximum(opening, np.minimum(s.value, s.best))
        attends = np.full(s.value.shape, s.period % STALL_EVERY == 0)
        return Move(d, d, _none(s), _none(s), attends)


@dataclass(frozen=True)
class RearmDuringTruce:
    """Bad faith: bargains like the linear concession strategy, then rearms during the
    truce (power shifts its way; its defection hazard rises with the shift)."""

    name: str = "rearm_during_truce"
    description: str = "Concedes linearly to get a truce, then rearms during it."
    traits: frozenset[str] = frozenset(
        {"bad_faith", "follows_beliefs", "moves_positions", "rearms"}
    )

    def move(self, s: TalkState) -> Move:
        return TimeBased("linear", 1.0, "").move(s)


_PLUGINS: tuple[Strategy, ...] = (
    TimeBased("boulware", 4.0, "Time-based, concedes late (e = 4)."),
    TimeBased("linear", 1.0, "Time-based, concedes at a constant rate (e = 1)."),
    TimeBased("conceder", 0.25, "Time-based, concedes early (e = 0.25)."),
    GoodFaith(),
    Hardliner(),
    TitForTat(),
    Grit(),
    PeaceOffensive(),
    Stalling(),
    RearmDuringTruce(),
)
STRATEGIES: dict[str, Strategy] = {s.name: s for s in _PLUGINS}
"""The registry: strategy name → plugin."""


def strategy_names() -> tuple[str, ...]:
    """Registered strategy names."""
    return tuple(STRATEGIES)


def get_strategy(name: str) -> Strategy:
    """The strategy called ``name`` (InputError listing the known ones otherwise)."""
    try:
        return STRATEGIES[name]
    except KeyError:
        raise InputError(
            f"unknown strategy {name!r}; expected one of: {', '.join(STRATEGIES)}"
        ) from None
