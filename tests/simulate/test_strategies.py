"""The strategy conformance suite: every registered strategy must pass every check."""

from __future__ import annotations

import numpy as np
import pytest

from detente.errors import InputError
from detente.simulate.strategies import STRATEGIES, Move, Strategy, TalkState, get_strategy

KNOWN_TRAITS = {
    "good_faith",
    "bad_faith",
    "follows_beliefs",
    "moves_positions",
    "overtures",
    "gestures",
    "rearms",
    "stalls",
}
N = 64


def _state(
    period: int = 5,
    t: float = 0.5,
    value: float | np.ndarray = 0.3,
    prev: float | np.ndarray = np.nan,
    conc: float = 0.0,
    pressure: bool | np.ndarray = False,
) -> TalkState:
    v = np.broadcast_to(np.asarray(value, dtype=float), (N,)).copy()
    return TalkState(
        period=period,
        t=t,
        value=v,
        value0=v.copy(),
        best=0.9,
        prev_demand=np.broadcast_to(np.asarray(prev, dtype=float), (N,)).copy(),
        opp_concession=np.full(N, conc),
        pressure=np.broadcast_to(np.asarray(pressure), (N,)).copy(),
    )


@pytest.fixture(params=sorted(STRATEGIES))
def strategy(request: pytest.FixtureRequest) -> Strategy:
    return STRATEGIES[request.param]


def test_registry_is_consistent(strategy: Strategy) -> None:
    assert isinstance(strategy, Strategy)
    assert get_strategy(strategy.name) is strategy
    assert strategy.traits <= KNOWN_TRAITS
    assert ("good_faith" in strategy.traits) != ("bad_faith" in strategy.traits)
    assert strategy.description


def test_move_shapes_and_ranges(strategy: Strategy) -> None:
    rng = np.random.default_rng(0)
    for _ in range(20):
        s = _state(
            period=int(rng.integers(0, 50)),
            t=float(rng.random()),
            value=rng.uniform(-0.5, 0.9, N),
            prev=rng.uniform(0.3, 0.9, N),
            conc=float(rng.uniform(0, 0.1)),
            pressure=rng.random(N) < 0.5,
        )
        mv = strategy.move(s)
        assert isinstance(mv, Move)
        for arr in (mv.demand, mv.accept):
            assert arr.shape == (N,)
            assert np.isfinite(arr).all()
            assert (arr <= s.best + 1e-12).all()
        assert (mv.demand >= np.minimum(s.value, s.best) - 1e-12).all()
        assert (mv.accept >= np.minimum(s.value, s.best) - 1e-12).all()
        for arr in (mv.overture, mv.gesture, mv.attends):
            assert arr.shape == (N,)
            assert arr.dtype == np.bool_


def test_deterministic(strategy: Strategy) -> None:
    s = _state(pressure=np.arange(N) % 2 == 0)
    a, b = strategy.move(s), strategy.move(s)
    for f in ("demand", "accept", "overture", "gesture", "attends"):
        assert np.array_equal(getattr(a, f), getattr(b, f))


def test_position_moves_only_if_declared(strategy: Strategy) -> None:
    first = strategy.move(_state(period=0, t=0.0))
    demands = [first.demand]
    prev = first.demand
    for p in range(1, 30):
        mv = strategy.move(_state(period=p, t=p / 30, value=0.1, prev=prev, conc=0.02))
        demands.append(mv.demand)
        prev = mv.demand
    moved = not np.allclose(demands[0], demands[-1])
    assert moved == ("moves_positions" in strategy.traits)


def test_follows_beliefs_only_if_declared(strategy: Strategy) -> None:
    hi = strategy.move(_state(t=0.5, value=0.7, prev=0.71, conc=0.1))
    lo = strategy.move(_state(t=0.5, value=0.1, prev=0.71, conc=0.1))
    follows = not np.allclose(hi.demand, lo.demand) or not np.allclose(hi.accept, lo.accept)
    assert follows == ("follows_beliefs" in strategy.traits)


def test_acts_only_if_declared(strategy: Strategy) -> None:
    press = _state(pressure=True)
    secure = _state(pressure=False)
    assert strategy.move(press).overture.any() == ("overtures" in strategy.traits)
    assert not strategy.move(secure).overture.any()
    gestures = any(strategy.move(_state(period=p)).gesture.any() for p in range(3))
    assert gestures == ("gestures" in strategy.traits)
    absent = any(not strategy.move(_state(period=p)).attends.all() for p in range(6))
    assert absent == ("stalls" in strategy.traits)


def test_unknown_strategy_is_an_input_error() -> None:
    with pytest.raises(InputError, match="unknown strategy 'nice'"):
        get_strategy("nice")
