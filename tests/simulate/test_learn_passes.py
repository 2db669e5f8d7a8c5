"""The learn and verify steps' compiled passes (branch learn, issue 13): what they skip or
reuse gives the bits the full computation gives."""

from __future__ import annotations

import dataclasses

import numpy as np
from tests.simulate.helpers import make_scenario

from detente.scenario import Scenario
from detente.simulate.beliefs import believed_r, update_balance
from detente.simulate.engine import iter_periods
from detente.simulate.model import SimModel, build_model
from detente.simulate.state import Draws, RunState, begin_period, evolve
from detente.simulate.steps.learn import LEARN
from detente.simulate.steps.verify import VERIFY


def _states(scenario: Scenario, n: int, periods: int) -> tuple[SimModel, list[RunState]]:
    m = build_model(scenario)
    return m, list(iter_periods(m, n, np.random.SeedSequence(4), periods))


def test_belief_update_is_the_conjugate_rule_and_the_predictive_chance() -> None:
    m, states = _states(make_scenario(optimism=0.2), 64, 3)
    rng = np.random.default_rng(1)
    s = states[-1]
    mean = rng.normal(0.0, 1.0, (s.n, 2))
    prec = rng.uniform(2.0, 9.0, (s.n, 2))
    same = rng.random(s.n) < 0.5  # half the runs: B believes what A believes, bit for bit
    mean[same, 1], prec[same, 1] = mean[same, 0], prec[same, 0]
    y = rng.normal(0.0, 1.0, s.n)
    fighting = rng.random(s.n) < 0.7
    s = evolve(s, bal_mean=mean, bal_prec=prec, y=y, fighting=fighting, rhat=believed_r(mean, prec))
    out = LEARN.apply(m, s, Draws(np.empty((s.n, 0)), np.empty((s.n, 0))))
    want_mean, want_prec = update_balance(mean, prec, y, fighting)
    assert out.bal_mean.tobytes() == want_mean.tobytes()
    assert out.bal_prec.tobytes() == want_prec.tobytes()
    assert out.rhat.tobytes() == believed_r(want_mean, want_prec).tobytes()
    assert (out.rhat[same, 0] == out.rhat[same, 1]).all()


def test_stated_values_of_fighting_are_kept_as_they_are() -> None:
    m, states = _states(make_scenario(reservation=(0.3, 0.4)), 32, 6)
    assert m.n_types == 1
    first = states[0]
    for s in states[1:]:
        assert s.value is first.value and s.value0 is first.value0
        assert s.other_value is first.other_value
    assert (first.value == np.array([0.3, 0.4])).all() and np.isnan(first.other_value).all()
    # a state whose values are not the stated ones gets them back
    s = dataclasses.replace(states[-1], value=np.zeros((32, 2)))
    out = LEARN.apply(m, s, Draws(np.empty((32, 0)), np.empty((32, 0))))
    assert out.value.tobytes() == first.value.tobytes()
    assert out.value0 is s.value0


def test_verify_applies_acts_to_negative_zero_evidence_as_to_positive_zero() -> None:
    # every act some run saw is added to every run (as seen or not): +0.0 increments turn a
    # -0.0 into +0.0, as the trust engine's apply_acts does, so the sign of a zero in the
    # evidence leaves no trace once an act was applied
    m, states = _states(make_scenario(strategies=("grit", "tit_for_tat")), 256, 40)
    rng = np.random.default_rng(2)
    busy = [s for s in states if not VERIFY.idle(m, s) and s.implementing.any()]
    assert busy, "the scenario must give the verify step something to observe"
    s = busy[len(busy) // 2]
    s = begin_period(s, s.period + 1)
    s = evolve(s, implementing=np.ones(s.n, dtype=bool))  # a kept agreement seen in every run
    draws = Draws(rng.random((s.n, 6)) * 0.5, np.empty((s.n, 0)))
    zeros = np.zeros(s.tr.shape)
    zeros[::3] = -0.0
    a = VERIFY.apply(m, evolve(s, tr=zeros, ts=zeros.copy()), draws)
    b = VERIFY.apply(m, evolve(s, tr=np.abs(zeros), ts=np.abs(zeros)), draws)
    assert np.signbit(a.tr).sum() == 0 and np.signbit(a.ts).sum() == 0
    assert a.tr.tobytes() == b.tr.tobytes() and a.ts.tobytes() == b.ts.tobytes()
