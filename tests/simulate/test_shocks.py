"""The ``shocks`` step (issue 13, item 6): scheduled and hazard timing, and what a leadership
change and an outside event do to a run (a patron's aid cut is in ``test_front.py``).

Expectations, from the step's definition: a shock fires once per run, in the period containing
its date (the scenario's weeks from ``meta.as_of``: 2026-03-01 is 59 days on, period 8) or,
by hazard, with probability ``1 − (1 − h)^(1/52)`` per week until it fires; a leader change
multiplies its side's resolve and cost of fighting by the shock's factors once, switches its
strategy, discards ``trust_reset`` of the other side's evidence about it, marks the leader as
new and raises the ``leader_change`` event; an outside event shifts the first belligerent's
chance of winning a battle.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.stats import binomtest

from detente.simulate.engine import iter_periods
from detente.simulate.events import flag
from detente.simulate.model import build_model

from .helpers import make_scenario

N = 256
LEADER: dict[str, Any] = {
    "id": "new_leader",
    "kind": "leader_change",
    "actor": "B",
    "date": "2026-03-01",
    "resolve": 0.5,
    "cost_of_fighting": 2.0,
    "trust_reset": 0.75,
    "strategy": "hardliner",
    "assumption": "test",
}
TRUST = [
    {
        "truster": "A",
        "trustee": "B",
        "integrity": {"positive": 6, "negative": 2},
        "assumption": "test",
    }
]


def _periods(shocks: list[dict[str, Any]], periods: int, **kw: Any) -> list[Any]:
    m = build_model(make_scenario(shocks=shocks, **kw))
    return list(iter_periods(m, N, np.random.SeedSequence(5), periods))


def test_a_scheduled_leader_change_fires_once_in_its_period() -> None:
    states = _periods([LEADER], 14, trust=TRUST, strategies=("good_faith", "good_faith"))
    m = build_model(make_scenario(shocks=[LEADER], trust=TRUST))
    hard = m.strategy_pool.index("hardliner")
    before, at = states[7], states[8]
    assert not before.shock_fired.any() and not before.leader_changed.any()
    assert np.all(before.resolve_mult == 1.0) and np.all(before.cost_mult == 1.0)
    assert at.shock_fired[:, 0].all()
    assert np.all(at.events & flag("leader_change"))
    assert np.all(at.leader_changed[:, 1]) and not at.leader_changed[:, 0].any()
    assert np.all(at.resolve_mult[:, 1] == 0.5) and np.all(at.resolve_mult[:, 0] == 1.0)
    assert np.all(at.cost_mult[:, 1] == 2.0) and np.all(at.cost_mult[:, 0] == 1.0)
    assert np.all(at.strategy[:, 1] == hard) and not np.any(before.strategy[:, 1] == hard)
    # A's evidence about B is cut to a quarter in that period (the trust step then adds the
    # period's own evidence); B's about A is untouched by the shock
    assert np.all(at.tr[:, 0].sum(axis=1) < 0.5 * before.tr[:, 0].sum(axis=1))
    # once: the multipliers do not compound, no second leader_change event
    last = states[-1]
    assert np.all(last.resolve_mult[:, 1] == 0.5) and np.all(last.cost_mult[:, 1] == 2.0)
    assert not np.any(states[9].events & flag("leader_change"))


def test_a_hazard_shock_fires_at_the_rate_its_yearly_hazard_implies() -> None:
    hazard = 0.5  # per year: 1 − 0.5^(1/52) ≈ 1.32 % per week
    shock = {**LEADER, "date": None, "hazard": hazard}
    states = _periods([shock], 26)
    weekly = 1.0 - (1.0 - hazard) ** (1.0 / 52.0)
    for t in (4, 12, 25):
        fired = int(states[t].shock_fired[:, 0].sum())
        expected = 1.0 - (1.0 - weekly) ** (t + 1)
        assert binomtest(fired, N, expected).pvalue > 0.001, (t, fired / N, expected)
    # a run's multiplier is set once, when its shock fires, and never again
    mult = np.stack([s.resolve_mult[:, 1] for s in states])
    assert set(np.unique(mult).tolist()) <= {0.5, 1.0}
    assert np.all(np.diff((mult == 0.5).astype(int), axis=0) >= 0)


def test_an_outside_event_shifts_the_balance_of_battles() -> None:
    event = {
        "id": "winter",
        "kind": "outside_event",
        "actor": "A",
        "date": "2026-02-01",
        "balance": -0.1,
        "assumption": "test",
    }
    states = _periods([event], 8)
    assert np.all(states[3].balance_shift == 0.0)
    assert np.allclose(states[4].balance_shift, -0.1) and np.allclose(states[7].balance_shift, -0.1)
