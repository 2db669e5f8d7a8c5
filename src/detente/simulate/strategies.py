"""Negotiation strategies: plugins that set a party's demands and acts, in talks and in deals.

Every strategy moves over arrays of runs. :meth:`Strategy.move` takes a :class:`TalkState`
(arrays of shape ``(N,)``) and returns a :class:`Move` (demand, acceptance floor, overtures,
gestures, attendance, and whether it would sign in bad faith); :meth:`Strategy.conduct` takes a
:class:`DealState` (a run with an agreement in force) and returns its :class:`Conduct`
(deliberate defection, rearmament, stalling of implementation). Utilities are on the 0..1
scale. A strategy's move rule is compiled, one run at a time (:func:`_move1`, selected by the
strategy's ``kind``): :meth:`Strategy.move` and the talk step's kernels apply the same rule.
Each strategy declares ``traits`` that the conformance suite
(``tests/simulate/test_strategies.py``) checks against its behaviour:

``good_faith`` / ``bad_faith``  which family it belongs to;
``follows_beliefs``  its demand tracks its beliefs (its value of fighting, and what it believes
  the other side needs);
``moves_positions``  its demand can fall over time;
``reciprocates``  its demand depends on the other side's concessions (seen under every
  protocol: the other's offers, or its objections to a mediator's text);
``overtures``  it makes peace overtures (cheap talk); ``gestures``  costly conciliatory acts;
``signs_in_bad_faith``  it may sign an agreement it does not mean to keep;
``rearms``  it rearms during a pause (power shifts its way);
``defects``  it breaks an agreement on purpose once the pause has served it;
``stalls``  it attends talks only every third round, and drags out implementation.

Time-based concession (Faratin, Sierra & Jennings 1998): demand
``d(t) = V + (b − V)·(1 − t^e)`` with ``t`` the share of the concession horizon elapsed
(:func:`clock`; each side's horizon on a bundle is its stake over its cost of delay,
:func:`detente.simulate.agenda.concession_horizon`, unless the scenario states one), ``V`` the
current value of fighting and ``b`` the most it believes it can get (what leaves the other side
what it believes the other needs); Boulware ``e = 4``, linear ``e = 1``, Conceder ``e = 0.25``.
Tit-for-tat opens with a small concession and then mirrors the other's (a "nice" tit-for-tat,
Axelrod 1984; Baarslag et al. 2013 for negotiation). GRIT (Osgood 1962): announced unilateral
steps with a costly gesture each, continued when reciprocated, paused when not. Peace offensive
(concepts §8–9): overtures when under pressure, none when secure, positions that never move, and
cease-fires signed under pressure as a pause to regroup and rearm, broken once it has served.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import ClassVar, Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from detente.core.jit import kernel
from detente.errors import InputError

__all__ = [
    "STRATEGIES",
    "Conduct",
    "DealState",
    "Move",
    "Strategy",
    "TalkState",
    "clock",
    "get_strategy",
    "keeps_agreements",
    "move_args",
    "side_factors",
    "strategy_names",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

GRIT_STEP = 0.02
"""GRIT: utility conceded per unilateral step."""
GRIT_INITIATIVE = 4
"""GRIT: unilateral steps taken before reciprocity is required."""
TFT_OPENING = 0.02
"""Tit-for-tat: the concession of its first round (it cooperates first)."""
STALL_EVERY = 3
"""Stalling: attends one round of talks in this many."""
ANY_TERMS = -1.0
"""Acceptance floor of a party that would sign any feasible package (below every utility)."""


@dataclass(frozen=True)
class TalkState:
    """What a party knows when it moves in a round of talks (arrays over N runs)."""

    period: int
    round: NDArray[np.int64]  # rounds of talks held before this one
    t: float  # share of the concession horizon elapsed, in [0, 1]
    value: FloatArray  # its current value of fighting, under its beliefs
    value0: FloatArray  # its value of fighting at the start
    best: FloatArray  # the most it believes it can get: leaves the other what it needs
    top: FloatArray  # its utility of its best feasible package
    prev_demand: FloatArray  # its demand last round (NaN in the first round)
    opp_concession: FloatArray  # rise of its utility of the other's position since last round
    pressure: BoolArray  # losing (believed chance of winning low) or the front moving against it


@dataclass(frozen=True)
class Move:
    """A party's move in a round of talks (arrays over N runs)."""

    demand: FloatArray  # utility it asks for
    accept: FloatArray  # least utility it accepts
    overture: BoolArray
    gesture: BoolArray
    attends: BoolArray
    bad_faith: BoolArray  # would sign without meaning to keep the agreement


@dataclass(frozen=True)
class DealState:
    """A party's situation while an agreement it signed is in force (arrays over N runs)."""

    age: NDArray[np.int64]  # periods since signature
    bad_faith: BoolArray  # it signed in bad faith
    pressure: BoolArray  # still under pressure (counting what it has regained by rearming)
    shift: FloatArray  # power it has gained by rearming during the agreement
    shift_cap: float  # the most a pause lets it gain
    regroup: int  # periods a pause must last before it has served


@dataclass(frozen=True)
class Conduct:
    """What a party does under an agreement this period (arrays over N runs)."""

    defect: BoolArray  # breaks the agreement on purpose
    rearm: BoolArray  # rearms (shifts power its way)
    stall: BoolArray  # drags out implementation (blocks the settlement stage, verification)


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
        """Its move in a round of talks, for every run."""
        ...

    def conduct(self, d: DealState) -> Conduct:
        """What it does under an agreement it signed, for every run."""
        ...


def _none(shape: tuple[int, ...]) -> BoolArray:
    return np.zeros(shape, dtype=bool)


def _all(shape: tuple[int, ...]) -> BoolArray:
    return np.ones(shape, dtype=bool)


# The move rules, one per kind of strategy: compiled, one run at a time (:func:`_move1`),
# shared by :meth:`Strategy.move` and the talk step's kernels.
TIME_BASED, GOOD_FAITH, HARDLINER, TIT_FOR_TAT, GRIT, PEACE_OFFENSIVE, STALLING, REARM = range(8)


@kernel
def _maximum(a: float, b: float) -> float:
    """``np.maximum`` of two numbers (NaN propagates; of two equal numbers, e.g. -0.0 and
    +0.0, the second, as NumPy's on x86)."""
    return a if (a > b or a != a) else b


@kernel
def _minimum(a: float, b: float) -> float:
    """``np.minimum`` of two numbers (NaN propagates; of two equal numbers, the second)."""
    return a if (a < b or a != a) else b


@kernel
def _move1(
    kind: int,
    factor: float,
    period: int,
    rnd: int,
    value: float,
    best: float,
    top: float,
    prev_demand: float,
    opp_concession: float,
    pressure: bool,
) -> tuple[float, float, bool, bool, bool, bool]:
    """One run's move (the fields of :class:`TalkState` it reads; ``factor``: the share of
    the gap still asked, ``1 − t^e`` of a time-based strategy, ``1 − t`` of the others):
    ``(demand, accept, overture, gesture, attends, bad_faith)``."""
    floor = _minimum(value, best)  # no more than fighting, once it believes it can get less
    if kind == TIME_BASED:
        d = floor + (best - floor) * factor
        return d, d, False, False, True, False
    if kind == GOOD_FAITH:
        d = floor + 0.5 * (best - floor) * factor
        return d, floor, False, False, True, False
    if kind == HARDLINER:
        return top, top, False, False, True, False
    if kind == TIT_FOR_TAT:
        first = prev_demand != prev_demand
        prev = best if first else prev_demand
        step = TFT_OPENING if first else _maximum(opp_concession, 0.0)
        d = _minimum(_maximum(prev - step, floor), best)
        return d, d, False, False, True, False
    if kind == GRIT:
        prev = best if prev_demand != prev_demand else prev_demand
        steps = rnd < GRIT_INITIATIVE or opp_concession > 1e-12
        d = _minimum(_maximum(prev - GRIT_STEP if steps else prev, floor), best)
        return d, d, False, steps and d < prev - 1e-12, True, False
    if kind == PEACE_OFFENSIVE:
        return top, ANY_TERMS if pressure else top, pressure, False, True, pressure
    if kind == STALLING:
        d = _maximum(top if prev_demand != prev_demand else prev_demand, floor)
        return d, d, False, False, period % STALL_EVERY == 0, False
    # REARM: the linear concession, signed in bad faith
    d = floor + (best - floor) * factor
    return d, d, False, False, True, True


@kernel
def _moves(
    kind: int,
    factor: float,
    period: int,
    rnd: IntArray,
    value: FloatArray,
    best: FloatArray,
    top: FloatArray,
    prev_demand: FloatArray,
    opp_concession: FloatArray,
    pressure: BoolArray,
) -> tuple[FloatArray, FloatArray, BoolArray, BoolArray, BoolArray, BoolArray]:
    n = value.shape[0]
    demand, accept = np.empty(n), np.empty(n)
    overture, gesture = np.empty(n, dtype=np.bool_), np.empty(n, dtype=np.bool_)
    attends, bad_faith = np.empty(n, dtype=np.bool_), np.empty(n, dtype=np.bool_)
    for j in range(n):
        demand[j], accept[j], overture[j], gesture[j], attends[j], bad_faith[j] = _move1(
            kind,
            factor,
            period,
            rnd[j],
            value[j],
            best[j],
            top[j],
            prev_demand[j],
            opp_concession[j],
            pressure[j],
        )
    return demand, accept, overture, gesture, attends, bad_faith


def _move(kind: int, factor: float, s: TalkState) -> Move:
    """The move of a strategy of kind ``kind`` in every run of ``s`` (:func:`_move1`)."""
    n = s.value.shape
    f = np.ascontiguousarray
    return Move(
        *_moves(
            kind,
            float(factor),
            int(s.period),
            f(np.broadcast_to(s.round, n), dtype=np.int64),
            f(s.value, dtype=np.float64),
            f(s.best, dtype=np.float64),
            f(s.top, dtype=np.float64),
            f(s.prev_demand, dtype=np.float64),
            f(s.opp_concession, dtype=np.float64),
            f(np.broadcast_to(s.pressure, n), dtype=np.bool_),
        )
    )


class _Complies:
    """Conduct of a party that keeps the agreements it signs (only chance ends them)."""

    def conduct(self, d: DealState) -> Conduct:
        n = d.age.shape
        return Conduct(_none(n), _none(n), _none(n))


class _Moves:
    """A strategy whose move is the compiled rule of its ``kind`` (:func:`_move1`)."""

    kind: ClassVar[int]

    def factor(self, t: float) -> float:
        """The share of the gap between what it believes it can get and its floor that it
        still asks at time ``t`` (read by the concession rules only)."""
        return 1.0 - t

    def move(self, s: TalkState) -> Move:
        return _move(self.kind, self.factor(s.t), s)


@dataclass(frozen=True)
class TimeBased(_Moves, _Complies):
    """Concedes from what it believes it can get to its value of fighting over the horizon."""

    name: str
    exponent: float
    description: str
    traits: frozenset[str] = frozenset({"good_faith", "follows_beliefs", "moves_positions"})
    kind: ClassVar[int] = TIME_BASED

    def factor(self, t: float) -> float:
        out: float = 1.0 - t**self.exponent  # Python's pow, outside the compiled rule
        return out


@dataclass(frozen=True)
class GoodFaith(_Moves, _Complies):
    """Reservation tracking: asks for half the surplus it believes there is (less as time
    passes), accepts anything better than fighting."""

    name: str = "good_faith"
    description: str = "Asks for a shrinking share of the surplus; accepts any deal beating war."
    traits: frozenset[str] = frozenset({"good_faith", "follows_beliefs", "moves_positions"})
    kind: ClassVar[int] = GOOD_FAITH


@dataclass(frozen=True)
class Hardliner(_Moves, _Complies):
    """Demands its best package and accepts nothing less, whatever happens."""

    name: str = "hardliner"
    description: str = "Demands its ideal package; never concedes."
    traits: frozenset[str] = frozenset({"bad_faith"})
    kind: ClassVar[int] = HARDLINER


@dataclass(frozen=True)
class TitForTat(_Moves, _Complies):
    """Opens with a small concession from what it believes it can get, then concedes what the
    other conceded last round (in its own utility), never below its value of fighting."""

    name: str = "tit_for_tat"
    description: str = "Concedes first, then mirrors the other side's last concession."
    traits: frozenset[str] = frozenset(
        {"good_faith", "follows_beliefs", "moves_positions", "reciprocates"}
    )
    kind: ClassVar[int] = TIT_FOR_TAT


@dataclass(frozen=True)
class Grit(_Moves, _Complies):
    """Graduated reciprocation in tension reduction: small announced unilateral concessions
    with a costly gesture each, continued while reciprocated, paused when not."""

    name: str = "grit"
    description: str = "Unilateral announced steps with gestures; continues if reciprocated."
    traits: frozenset[str] = frozenset(
        {"good_faith", "follows_beliefs", "moves_positions", "gestures", "reciprocates"}
    )
    kind: ClassVar[int] = GRIT


@dataclass(frozen=True)
class PeaceOffensive(_Moves):
    """Bad faith: overtures when under pressure (aimed at the other side's allies), none when
    secure; its position never moves; under pressure it signs any feasible cease-fire as a
    pause, rearms during it and breaks it once it has regrouped and the pressure is off."""

    name: str = "peace_offensive"
    description: str = (
        "Overtures and pauses signed under pressure, stonewalling when secure; rearms and "
        "defects once the pause has served; positions fixed."
    )
    traits: frozenset[str] = frozenset(
        {"bad_faith", "overtures", "signs_in_bad_faith", "rearms", "defects"}
    )
    kind: ClassVar[int] = PEACE_OFFENSIVE

    def conduct(self, d: DealState) -> Conduct:
        served = (d.age >= d.regroup) & (~d.pressure | (d.shift >= d.shift_cap - 1e-12))
        return Conduct(d.bad_faith & served, d.bad_faith.copy(), _none(d.age.shape))


@dataclass(frozen=True)
class Stalling(_Moves):
    """Bad faith: repeats its opening position, attends talks only now and then, and drags out
    the implementation of anything it signs."""

    name: str = "stalling"
    description: str = "Repeats its position, delays talks (one round in three) and implementation."
    traits: frozenset[str] = frozenset({"bad_faith", "stalls"})
    kind: ClassVar[int] = STALLING

    def conduct(self, d: DealState) -> Conduct:
        n = d.age.shape
        return Conduct(_none(n), _none(n), _all(n))


@dataclass(frozen=True)
class RearmDuringTruce(_Moves):
    """Bad faith: bargains like the linear concession strategy to get a pause, rearms during
    it and breaks it once it has rearmed (the commitment problem of a shifting balance)."""

    name: str = "rearm_during_truce"
    description: str = "Concedes linearly to get a truce, rearms during it, then breaks it."
    traits: frozenset[str] = frozenset(
        {
            "bad_faith",
            "follows_beliefs",
            "moves_positions",
            "signs_in_bad_faith",
            "rearms",
            "defects",
        }
    )
    kind: ClassVar[int] = REARM

    def conduct(self, d: DealState) -> Conduct:
        rearmed = (d.age >= d.regroup) & (d.shift >= d.shift_cap - 1e-12)
        return Conduct(d.bad_faith & rearmed, d.bad_faith.copy(), _none(d.age.shape))


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
"""The registry: strategy name → plugin (``StrategyName`` in the scenario format lists the
same names; a test keeps them equal)."""


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


def keeps_agreements(name: str) -> bool:
    """Does strategy ``name`` keep every agreement it signs in every run (its ``conduct`` the
    one of parties that comply, overridden neither by its class nor on the instance)? The
    implement step then need not evaluate its conduct."""
    conduct = getattr(get_strategy(name), "conduct", None)
    return getattr(conduct, "__func__", None) is _Complies.conduct


def move_args(pool: Sequence[str], t: float) -> tuple[IntArray, FloatArray]:
    """Each strategy of ``pool``: the kind of its compiled move rule and its concession
    factor at one relative time ``t`` for every side (the talk step reads each side's own
    clock through :func:`side_factors`; this is the same rule at a common time, kept public
    for callers that evaluate the strategies at a given time)."""
    kinds, plugins = _move_rules(tuple(pool))
    factors = np.array([p.factor(t) for p in plugins], dtype=np.float64)
    return kinds, factors


def clock(period: int, horizon: float) -> float:
    """The share of a concession horizon of ``horizon`` periods elapsed at ``period``:
    ``t = (period + 1) / (horizon + 1)``, capped at 1 (the relative time of the
    stacked-alternating-offers protocol)."""
    return min((period + 1) / (float(horizon) + 1.0), 1.0)


def side_factors(
    pool: Sequence[str], period: int, horizons: FloatArray
) -> tuple[IntArray, FloatArray]:
    """:func:`move_args` with each side on its own clock: the kinds of ``pool``'s move rules
    and, for side ``i`` (row) and strategy ``p`` (column), its concession factor at
    :func:`clock` ``(period, horizons[i])`` — shape (2, P), read-only (looked up once per
    pool, period and horizons: the talk step asks per bundle and period). The talk step reads
    a bundle's rows (:func:`detente.simulate.agenda.talk_horizons`)."""
    return _side_factors(tuple(pool), int(period), float(horizons[0]), float(horizons[1]))


@lru_cache(maxsize=4096)
def _side_factors(
    pool: tuple[str, ...], period: int, h0: float, h1: float
) -> tuple[IntArray, FloatArray]:
    kinds, plugins = _move_rules(pool)
    out = np.empty((2, len(plugins)), dtype=np.float64)
    for side, h in enumerate((h0, h1)):
        t = clock(period, h)
        for j, p in enumerate(plugins):
            out[side, j] = p.factor(t)
    out.flags.writeable = False  # shared by every call
    return kinds, out


@lru_cache(maxsize=64)
def _move_rules(pool: tuple[str, ...]) -> tuple[IntArray, tuple[_Moves, ...]]:
    """The plugins of ``pool`` with a compiled move rule and their kinds (looked up once per
    pool: the talk step asks every period)."""
    plugins = [get_strategy(name) for name in pool]
    for p in plugins:
        if not isinstance(p, _Moves):
            raise InputError(f"strategy {p.name!r} has no compiled move rule")
    rules = tuple(p for p in plugins if isinstance(p, _Moves))
    kinds = np.array([p.kind for p in rules], dtype=np.int64)
    kinds.flags.writeable = False  # shared by every call
    return kinds, rules
