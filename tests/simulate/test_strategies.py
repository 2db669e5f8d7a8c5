"""The strategy conformance suite: every registered strategy must pass every check.

Two layers: unit checks of :meth:`Strategy.move` and :meth:`Strategy.conduct` on synthetic
states, and a run of every strategy under every protocol in the engine, which checks that a
strategy's demands depend on what the other side did exactly when its definition says so
(trait ``reciprocates``): each strategy meets a conceding opponent and an unmoving one with
the same seed and no private information, so nothing else can tell the two runs apart.
"""

from __future__ import annotations

import numpy as np
import pytest

from detente.errors import InputError
from detente.simulate.engine import iter_periods
from detente.simulate.model import build_model
from detente.simulate.strategies import (
    ANY_TERMS,
    STRATEGIES,
    Conduct,
    DealState,
    Move,
    Strategy,
    TalkState,
    get_strategy,
)

from .helpers import make_scenario

KNOWN_TRAITS = {
    "good_faith",
    "bad_faith",
    "follows_beliefs",
    "moves_positions",
    "reciprocates",
    "overtures",
    "gestures",
    "signs_in_bad_faith",
    "rearms",
    "defects",
    "stalls",
}
PROTOCOLS = ("alternating", "single_text", "multilateral")
N = 64


def _state(
    period: int = 5,
    t: float = 0.5,
    value: float | np.ndarray = 0.3,
    prev: float | np.ndarray = np.nan,
    conc: float = 0.0,
    pressure: bool | np.ndarray = False,
    best: float = 0.9,
) -> TalkState:
    v = np.broadcast_to(np.asarray(value, dtype=float), (N,)).copy()
    return TalkState(
        period=period,
        round=np.full(N, period, dtype=np.int64),
        t=t,
        value=v,
        value0=v.copy(),
        best=np.full(N, best),
        top=np.full(N, 0.95),
        prev_demand=np.broadcast_to(np.asarray(prev, dtype=float), (N,)).copy(),
        opp_concession=np.full(N, conc),
        pressure=np.broadcast_to(np.asarray(pressure), (N,)).copy(),
    )


def _deal(age: int = 20, bad: bool = True, pressure: bool = False, shift: float = 0.1) -> DealState:
    return DealState(
        age=np.full(N, age, dtype=np.int64),
        bad_faith=np.full(N, bad),
        pressure=np.full(N, pressure),
        shift=np.full(N, shift),
        shift_cap=0.1,
        regroup=8,
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
    if strategy.traits & {"signs_in_bad_faith", "defects", "stalls", "overtures"}:
        assert "bad_faith" in strategy.traits


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
            assert (arr <= s.top + 1e-12).all()
        floor = np.minimum(s.value, s.best)
        assert (mv.demand >= floor - 1e-12).all()
        # only a party signing in bad faith accepts less than its value of fighting
        low = mv.accept < floor - 1e-12
        assert not (low & ~mv.bad_faith).any()
        assert (mv.accept[low] == ANY_TERMS).all()
        for arr in (mv.overture, mv.gesture, mv.attends, mv.bad_faith):
            assert arr.shape == (N,)
            assert arr.dtype == np.bool_


def test_deterministic(strategy: Strategy) -> None:
    s = _state(pressure=np.arange(N) % 2 == 0)
    a, b = strategy.move(s), strategy.move(s)
    for f in ("demand", "accept", "overture", "gesture", "attends", "bad_faith"):
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
    def moves(value: float, best: float) -> Move:
        return strategy.move(_state(t=0.5, value=value, prev=0.71, conc=0.1, best=best))

    hi, lo = moves(0.7, 0.9), moves(0.1, 0.9)
    follows = not np.allclose(hi.demand, lo.demand) or not np.allclose(hi.accept, lo.accept)
    # demands also follow what it believes the other side needs (its attainable best)
    near, far = moves(0.1, 0.5), moves(0.1, 0.9)
    follows |= not np.allclose(near.demand, far.demand)
    assert follows == ("follows_beliefs" in strategy.traits)


def test_reciprocates_only_if_declared(strategy: Strategy) -> None:
    gave = strategy.move(_state(period=6, prev=0.8, conc=0.05))
    held = strategy.move(_state(period=6, prev=0.8, conc=0.0))
    assert (not np.allclose(gave.demand, held.demand)) == ("reciprocates" in strategy.traits)


def test_acts_only_if_declared(strategy: Strategy) -> None:
    press = _state(pressure=True)
    secure = _state(pressure=False)
    assert strategy.move(press).overture.any() == ("overtures" in strategy.traits)
    assert not strategy.move(secure).overture.any()
    gestures = any(strategy.move(_state(period=p)).gesture.any() for p in range(3))
    assert gestures == ("gestures" in strategy.traits)
    absent = any(not strategy.move(_state(period=p)).attends.all() for p in range(6))
    assert absent == ("stalls" in strategy.traits)
    signs_bad = strategy.move(press).bad_faith.any() or strategy.move(secure).bad_faith.any()
    assert signs_bad == ("signs_in_bad_faith" in strategy.traits)


def test_conduct_only_if_declared(strategy: Strategy) -> None:
    c = strategy.conduct(_deal())
    assert isinstance(c, Conduct)
    for arr in (c.defect, c.rearm, c.stall):
        assert arr.shape == (N,) and arr.dtype == np.bool_
    assert c.defect.any() == ("defects" in strategy.traits)
    assert c.rearm.any() == ("rearms" in strategy.traits)
    assert c.stall.any() == ("stalls" in strategy.traits)
    # an agreement signed in good faith is never broken on purpose, nor before regrouping
    assert not strategy.conduct(_deal(bad=False)).defect.any()
    assert not strategy.conduct(_deal(age=3)).defect.any()


def test_unknown_strategy_is_an_input_error() -> None:
    with pytest.raises(InputError, match="unknown strategy 'nice'"):
        get_strategy("nice")


# ------------------------------------------------------------------ in the engine, per protocol


def _demands(name: str, side: int, opponent: str, protocol: str) -> tuple[np.ndarray, np.ndarray]:
    """Demands of ``name`` (playing ``side``) per period, and whether talks still ran."""
    pair = (name, opponent) if side == 0 else (opponent, name)
    sc = make_scenario(strategies=pair, third_party=(0.0, 60.0), simulation={"protocol": protocol})
    m = build_model(sc)
    demands, open_ = [], []
    for s in iter_periods(m, 16, np.random.SeedSequence(3), 12):
        demands.append(s.prev_demand[:, 0, side].copy())
        open_.append(s.first[:, 0] < 0)
    return np.array(demands), np.array(open_)


@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize("side", [0, 1])
def test_demands_depend_on_the_other_side_only_if_declared(
    strategy: Strategy, protocol: str, side: int
) -> None:
    conceding, open_c = _demands(strategy.name, side, "conceder", protocol)
    unmoved, open_h = _demands(strategy.name, side, "hardliner", protocol)
    # compare the rounds in which both runs were still negotiating (and the one that ended)
    both = np.vstack([np.ones((1, open_c.shape[1]), bool), open_c[:-1] & open_h[:-1]])
    both &= ~np.isnan(conceding) & ~np.isnan(unmoved)
    assert both.sum() >= 16  # at least one round per run to compare
    differs = not np.allclose(conceding[both], unmoved[both])
    assert differs == ("reciprocates" in strategy.traits), (strategy.name, protocol, side)
