"""The period outside the talks (branch s12py): paths recorded once while their source stays
the same array, costs paid kept as the same array when nothing is paid, idle tests that skip
the period's blanks. The results are those of the states the periods yield, bit for bit."""

from __future__ import annotations

import numpy as np

from detente.simulate.engine import iter_periods, path_variables, simulate_block
from detente.simulate.model import SimModel, build_model
from detente.simulate.state import (
    Draws,
    PeriodBlanks,
    RunState,
    any_true,
    begin_period,
    evolve,
    set_this_period,
)
from detente.simulate.steps.fight import FIGHT
from detente.simulate.steps.verify import SUPPORT, VERIFY

from .helpers import fixture_scenario, make_scenario


def _want(m: SimModel, s: RunState, name: str) -> np.ndarray:
    """A path variable of one period, from the state (float32, as the engine records it)."""
    kind, _, rest = name.partition(".")
    side = 0 if rest.startswith(m.actor_ids[0]) else 1
    source = {"belief": s.rhat, "trust": s.tau, "cost": s.cum_cost}.get(kind)
    if source is not None:
        return source[:, side].astype(np.float32)
    if kind == "phase":
        return s.phase[:, 0].astype(np.float64).astype(np.float32)
    if kind.startswith("trust_"):
        dims = ("capacity", "peaceful_intention", "integrity", "predictability")
        return s.trust[:, side, dims.index(kind[6:])].astype(np.float32)
    raise AssertionError(name)


def _check_paths(m: SimModel, n: int, periods: int, seed: int, reuse: bool) -> None:
    ss = np.random.SeedSequence(seed)
    given = None
    if reuse:  # another block's output, written over (its rows must all be replaced)
        given = simulate_block(m, n, periods, np.random.SeedSequence(seed + 100))
        for x in given.paths.values():
            x[...] = np.float32(-7.0)
    out = simulate_block(m, n, periods, ss, reuse=given)
    if given is not None:
        assert next(iter(out.paths.values())).base is next(iter(given.paths.values())).base
    states = list(iter_periods(m, n, ss, periods))
    names = [v for v in path_variables(m) if v.split(".")[0] != "line"]
    names = [v for v in names if not v.startswith(("support.", "redline."))]
    for t, s in enumerate(states):
        for name in names:
            got = out.paths[name][t]
            assert np.array_equal(got, _want(m, s, name), equal_nan=True), (name, t)


def test_paths_of_sources_that_stay_the_same_are_every_periods_values() -> None:
    # no costs of fighting: the costs paid stay one array for the whole block; agreements
    # signed late leave phase and trust the same arrays for long stretches, then change
    m = build_model(make_scenario(cost=(0.0, 0.0)))
    for reuse in (False, True):
        _check_paths(m, 64, 40, 5, reuse)
    _check_paths(build_model(fixture_scenario()), 48, 30, 3, True)


def test_no_cost_keeps_the_costs_paid_as_one_array() -> None:
    free = build_model(make_scenario(cost=(0.0, 0.0)))
    states = list(iter_periods(free, 16, np.random.SeedSequence(1), 6))
    assert all(s.cum_cost is states[0].cum_cost for s in states)
    assert not states[-1].cum_cost.any()
    paying = build_model(make_scenario())
    states = list(iter_periods(paying, 16, np.random.SeedSequence(1), 3))
    assert states[1].cum_cost is not states[0].cum_cost
    assert (states[-1].cum_cost > 0).any()


def test_a_cost_paid_of_minus_zero_is_not_kept() -> None:
    # x + 0.0 is x but for -0.0: an array holding -0.0 is written again (as +0.0)
    m = build_model(make_scenario(cost=(0.0, 0.0)))
    s = next(iter(iter_periods(m, 8, np.random.SeedSequence(2), 1)))
    minus = np.full((8, 2), -0.0)
    s = begin_period(evolve(s, cum_cost=minus), 1)
    z = np.zeros((8, 1))
    after = FIGHT.apply(m, s, Draws(np.empty((8, 0)), z))
    assert after.cum_cost is not minus
    assert not np.signbit(after.cum_cost).any()


def test_the_periods_blanks_are_skipped_and_set_fields_looked_at() -> None:
    m = build_model(fixture_scenario())
    s = next(iter(iter_periods(m, 8, np.random.SeedSequence(4), 1)))
    blanks = PeriodBlanks(s.n, s.phase.shape[1])
    s = begin_period(s, 1, blanks)
    names = ("implementing", "defect", "spoil", "stalled", "gesture", "overture")
    assert set_this_period(s, names) == []
    assert not any_true(set_this_period(s, names))
    gesture = np.zeros((8, 2), dtype=bool)
    gesture[5, 1] = True
    s2 = evolve(s, gesture=gesture, overture=np.zeros((8, 2), dtype=bool))
    got = set_this_period(s2, names)
    assert len(got) == 2 and got[0] is gesture
    assert any_true(got)
    assert not VERIFY.idle(m, s2)
    assert VERIFY.idle(m, evolve(s2, gesture=blanks.fields["gesture"]))
    # without the block's blanks (fields made for the state alone), every field is looked
    # at, each array once (the fresh fields share one array of zeros, but ``implementing``)
    own = begin_period(s, 2)
    assert own.blanks is None
    assert len(set_this_period(own, names)) == 2
    assert not any_true(set_this_period(own, names))


def test_support_is_inert_without_support_lines() -> None:
    assert SUPPORT.inert(build_model(make_scenario()))
    assert not SUPPORT.inert(build_model(make_scenario(support=(1.0, 0.0))))
