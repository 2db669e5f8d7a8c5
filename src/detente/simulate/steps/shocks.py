"""``shocks``: leadership changes, patrons' support changing, outside events (scenario ``shocks``).

A shock happens at most once per run: in its scheduled period, or each period with the
probability its yearly ``hazard`` implies until it happens. Its effects, on the actor it names:
``resolve`` and ``cost_of_fighting`` multiply the actor's resolve and cost (its effective cost
of fighting is cost / resolve; the other side's beliefs about its type are kept, the shift is
public); ``trust_reset`` discards that share of the other side's trust evidence about the actor
(a new leader is judged afresh); ``strategy`` switches the actor's strategy; ``support`` and
``level`` set one of its support lines (and the level it reverts to); ``balance`` shifts the
first belligerent's chance of winning a battle. A ``leader_change`` also marks the actor's
leader as new (``RunState.leader_changed``: a predecessor's stated red lines bind less under
the crossing-cost rule of the "deals" issue).

Shocks run first in a period, so a shock dated in period ``t`` shapes period ``t``.
"""

from __future__ import annotations

import numpy as np

from detente.scenario.schema import ShockKind
from detente.simulate.events import flag
from detente.simulate.model import SHOCK_KINDS, SimModel
from detente.simulate.state import Draws, RunState, evolve
from detente.simulate.steps import Step

__all__ = ["SHOCKS"]

_LEADER = SHOCK_KINDS.index(ShockKind.leader_change)


def _shocks(m: SimModel, s: RunState, d: Draws) -> RunState:
    if not m.shock_ids:
        return s
    due = (m.shock_period == s.period) | ((m.shock_period < 0) & (d.u < m.shock_hazard))
    fire = due & ~s.shock_fired
    if not fire.any():
        return s
    resolve, cost = s.resolve_mult.copy(), s.cost_mult.copy()
    tr, ts = s.tr.copy(), s.ts.copy()
    strategy, level, level0 = s.strategy.copy(), s.level.copy(), s.level0.copy()
    balance, leader = s.balance_shift.copy(), s.leader_changed.copy()
    for j in range(len(m.shock_ids)):
        f = fire[:, j]
        if not f.any():
            continue
        side = int(m.shock_side[j])
        other = 1 - side
        resolve[:, side] *= np.where(f, m.shock_resolve[j], 1.0)
        cost[:, side] *= np.where(f, m.shock_cost[j], 1.0)
        keep = np.where(f, 1.0 - m.shock_trust_reset[j], 1.0)[:, None]
        tr[:, other] *= keep
        ts[:, other] *= keep
        if m.shock_strategy[j] >= 0:
            strategy[:, side] = np.where(f, m.shock_strategy[j], strategy[:, side])
        if m.shock_support[j] >= 0:
            li = int(m.shock_support[j])
            level[:, li] = np.where(f, m.shock_level[j], level[:, li])
            level0[:, li] = np.where(f, m.shock_level[j], level0[:, li])
        balance += np.where(f, m.shock_balance[j], 0.0)
        if m.shock_kind[j] == _LEADER:
            leader[:, side] |= f
    is_leader = (fire & (m.shock_kind == _LEADER)).any(axis=1)
    ev = s.events | np.where(fire.any(axis=1), flag("shock"), 0).astype(np.int32)
    ev = ev | np.where(is_leader, flag("leader_change"), 0).astype(np.int32)
    return evolve(
        s,
        shock_fired=s.shock_fired | fire,
        resolve_mult=resolve,
        cost_mult=cost,
        tr=tr,
        ts=ts,
        strategy=strategy,
        level=level,
        level0=level0,
        balance_shift=balance,
        leader_changed=leader,
        events=ev,
    )


# without shocks in the scenario nothing can fire: the step never runs (it draws nothing)
SHOCKS = Step("shocks", _shocks, lambda m: (len(m.shock_ids), 0), inert=lambda m: not m.shock_ids)
