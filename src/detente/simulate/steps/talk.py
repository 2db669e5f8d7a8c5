"""``talk``: a round of talks, when one is scheduled and both sides attend.

Talks on the settlement are held every ``talks_every`` periods while no cease-fire is in force.
Each side's strategy sees (:class:`~detente.simulate.strategies.TalkState`) its value of
fighting, the most it believes it can get (the best feasible package that leaves the other
side what it believes the other gets from fighting: :func:`~detente.simulate.tables.frontier`
of its expected value of the other's fighting; demands follow beliefs), its best package, its
last demand, the other side's last concession (the rise of its own utility of the other's
position, under every protocol) and whether it is under pressure: its believed chance of
winning a battle, counting power gained by rearming, below ``overture_pressure``, or the
smoothed movement of the front against it beyond :data:`PRESSURE_TREND` standard deviations.
Time runs as ``t = (period + 1) / (concession_periods + 1)`` (capped at 1), the relative time of
the stacked-alternating-offers protocol. The protocol (:mod:`detente.simulate.protocols`) then
turns the moves into offers, texts and agreements; a shock may have switched a side's strategy
in some runs, so each run uses its own.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from detente.simulate.events import flag
from detente.simulate.model import SimModel
from detente.simulate.protocols import Round, run_round
from detente.simulate.state import Draws, RunState, evolve
from detente.simulate.steps import Step
from detente.simulate.steps.learn import INTENT
from detente.simulate.strategies import Move, TalkState, get_strategy
from detente.simulate.tables import frontier

__all__ = ["PRESSURE_TREND", "TALK", "pressure", "select_moves"]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

PRESSURE_TREND = 0.5
"""A side is under pressure when the smoothed movement of the front against it exceeds this
many standard deviations of a period's movement (about one period in ten without drift)."""


def pressure(m: SimModel, s: RunState) -> BoolArray:
    """(N, 2): each side's believed chance of winning a battle (with what it has gained by
    rearming) is below ``overture_pressure``, or the front has been moving against it."""
    own = np.stack([s.rhat[:, 0], 1.0 - s.rhat[:, 1]], axis=1)
    own = own + s.shift - s.shift[:, ::-1]
    against = np.stack([-s.trend, s.trend], axis=1) > PRESSURE_TREND
    out: BoolArray = (own < m.settings.overture_pressure) | against
    return out


def select_moves(m: SimModel, s: RunState, side: int, state: TalkState) -> Move:
    """The move of ``side`` in every run, each run following its current strategy."""
    idx = s.strategy[:, side]
    first = int(idx[0]) if idx.size else 0
    if idx.size == 0 or (idx == first).all():
        return get_strategy(m.strategy_pool[first]).move(state)
    out: Move | None = None
    for j in np.unique(idx):
        mv = get_strategy(m.strategy_pool[int(j)]).move(state)
        if out is None:
            out = mv
            continue
        pick = idx == j
        out = Move(
            *(
                np.where(pick, getattr(mv, f), getattr(out, f))
                for f in ("demand", "accept", "overture", "gesture", "attends", "bad_faith")
            )
        )
    assert out is not None
    return out


def _talk(m: SimModel, s: RunState, d: Draws) -> RunState:
    st = m.settings
    table = s.table
    if m.tracks is None:
        scheduled = s.fighting & (s.period % st.talks_every == 0)
    else:  # a track that can settle it meets (steps/tracks.py)
        scheduled = s.fighting & (s.talk_track[:, 0] >= 0)
    t = min((s.period + 1) / (st.concession_periods + 1), 1.0)
    top = np.broadcast_to(table.top, (s.n, 2))

    moves = []
    press = pressure(m, s)
    for side in (0, 1):
        v = s.value[:, side]
        tp = np.where(np.isnan(top[:, side]), v, top[:, side])
        ceiling = frontier(table, side, s.other_value[:, side])
        floor = np.minimum(v, tp)
        best = np.clip(ceiling, floor, tp)
        state = TalkState(
            period=s.period,
            round=s.rounds,
            t=t,
            value=v,
            value0=s.value0[:, side],
            best=best,
            top=tp,
            prev_demand=s.prev_demand[:, side],
            opp_concession=_concession(s.pos_u[:, side], s.prev_pos_u[:, side]),
            pressure=press[:, side],
        )
        moves.append(select_moves(m, s, side, state))
    held = scheduled & moves[0].attends & moves[1].attends
    loss = m.sucker_loss * 2.0 * (1.0 - s.trust[:, :, INTENT])
    out = run_round(
        m,
        Round(
            table=table,
            held=held,
            moves=(moves[0], moves[1]),
            value=s.value,
            tau=s.tau,
            loss=loss,
            standing=s.standing,
            standing_by=s.standing_by,
            text=s.text,
            pos_u=s.pos_u,
            prev_pos_u=s.prev_pos_u,
        ),
    )
    overture = np.stack([scheduled & moves[0].overture, scheduled & moves[1].overture], axis=1)
    gesture = np.stack([held & moves[0].gesture, held & moves[1].gesture], axis=1)
    demand = np.stack([moves[0].demand, moves[1].demand], axis=1)
    bad = np.stack([moves[0].bad_faith, moves[1].bad_faith], axis=1) & out.agreed[:, None]
    ev = s.events
    ev = ev | np.where(held, flag("talks"), 0).astype(np.int32)
    ev = ev | np.where(overture[:, 0], flag("overture_A"), 0).astype(np.int32)
    ev = ev | np.where(overture[:, 1], flag("overture_B"), 0).astype(np.int32)
    ev = ev | np.where(gesture.any(axis=1), flag("gesture"), 0).astype(np.int32)
    ev = ev | np.where(out.agreed, flag("agreement"), 0).astype(np.int32)
    ev = ev | np.where(bad.any(axis=1), flag("bad_faith_signature"), 0).astype(np.int32)
    return evolve(
        s,
        rounds=s.rounds + held,
        standing=np.where(out.agreed, -1, out.standing),
        standing_by=np.where(out.agreed, -1, out.standing_by),
        text=np.where(out.agreed, -1, out.text),
        prev_demand=np.where(held[:, None], demand, s.prev_demand),
        pos_u=out.pos_u,
        prev_pos_u=out.prev_pos_u,
        refused_u=out.refused_u,
        offered_u=out.offered_u,
        overture=overture,
        gesture=gesture,
        signed=out.agreed[:, None],
        signed_terms=out.terms[:, None],
        signed_bad_faith=bad[:, None, :],
        events=ev,
    )


TALK = Step("talk", _talk, lambda m: (0, 0))


def _concession(now: FloatArray, before: FloatArray) -> FloatArray:
    """Rise of a side's utility of the other's position (0 where either is unknown)."""
    with np.errstate(invalid="ignore"):
        rise = now - before
    out: FloatArray = np.where(np.isfinite(rise), rise, 0.0)
    return out
