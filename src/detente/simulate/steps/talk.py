"""``talk``: a round of talks, when one is scheduled and both sides attend.

Talks are held on every bundle on the table when a track that can settle it meets (the
``tracks`` step; without declared tracks: every ``talks_every`` periods) (:func:`on_table`:
not in force, not closed by a linkage, and for a partial bundle no settlement in force); several
bundles can be negotiated in the same period, each with its own standing offer or text, demands
and record of the other side's concessions, on its own candidates
(:mod:`detente.simulate.agenda`), each run in its red-line regime.
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
from detente.simulate.tables import TalkTable, frontier

__all__ = [
    "PRESSURE_TREND",
    "TALK",
    "bundle_table",
    "bundle_values",
    "concession",
    "on_table",
    "pressure",
    "select_moves",
    "talk_state",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
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


def select_moves(
    m: SimModel, s: RunState, side: int, state: TalkState, strategy: IntArray | None = None
) -> Move:
    """The move of ``side`` in every run, each run following its current strategy
    (``strategy``: the strategies of the runs ``state`` holds, default every run's)."""
    idx = s.strategy[:, side] if strategy is None else strategy
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


def bundle_table(m: SimModel, s: RunState, b: int) -> TalkTable:
    """The table the talks on bundle ``b`` search, each run in its red-line regime (per-run
    preference weights: the state's own settlement table)."""
    if s.weights is not None:
        return s.table
    return m.agenda.bundles[b].table.with_rows(s.regime)


def bundle_values(m: SimModel, s: RunState, b: int) -> tuple[FloatArray, FloatArray]:
    """(N, 2) each side's value of no agreement on bundle ``b`` and what it believes the
    other's is: its value of fighting on for a deal that stops the fighting, else the
    bargaining engine's value of no agreement moved by the side's belief about who prevails
    (:mod:`detente.simulate.agenda`; the other's under the side's own belief)."""
    spec = m.agenda.bundles[b]
    static = spec.static_value[:2]
    if np.isnan(static).all():
        return s.value, s.other_value
    slope = spec.value_slope[:2]
    if not slope.any():
        v = np.broadcast_to(static, (s.n, 2))
        return v, v[:, ::-1]
    dp = (1.0 - m.stalemate) * s.rhat - m.agenda.p_a  # (N, 2) each side's belief, less p_A
    own: FloatArray = static + slope * dp
    other: FloatArray = static[::-1] + slope[::-1] * dp
    return own, other


def on_table(m: SimModel, s: RunState) -> BoolArray:
    """(N, B) bundles the talks can take up this period: not in force, on the agenda (no
    veto party's linkage closes them), and, for a partial bundle, no settlement in force
    (the settlement supersedes the partial bundles it contains)."""
    open_ = np.array([b.on_agenda for b in m.agenda.bundles], dtype=bool)
    out: BoolArray = (s.phase == 0) & open_
    out[:, 1:] &= (s.phase[:, :1] == 0) & (s.weights is None)
    return out


def _talk(m: SimModel, s: RunState, d: Draws) -> RunState:
    st = m.settings
    if m.tracks is None:
        cadence = np.broadcast_to(s.period % st.talks_every == 0, s.phase.shape)
    else:  # a track that can settle the bundle meets this period (steps/tracks.py)
        cadence = s.talk_track >= 0
    t = min((s.period + 1) / (st.concession_periods + 1), 1.0)
    press = pressure(m, s)
    avail = on_table(m, s) & cadence & ~s.derailed[:, None]  # spoilers (steps/spoilers.py)
    n_b = s.phase.shape[1]
    rounds, standing, standing_by = s.rounds.copy(), s.standing.copy(), s.standing_by.copy()
    text, prev_demand = s.text.copy(), s.prev_demand.copy()
    pos_u, prev_pos_u = s.pos_u.copy(), s.prev_pos_u.copy()
    signed = np.zeros((s.n, n_b), dtype=bool)
    signed_terms = np.full((s.n, n_b), -1, dtype=np.int64)
    signed_bad = np.zeros((s.n, n_b, 2), dtype=bool)
    refused_u = np.full((s.n, 2), np.nan)  # this round's evidence only
    offered_u = np.full((s.n, 2), np.nan)
    overture = np.zeros((s.n, 2), dtype=bool)
    gesture = np.zeros((s.n, 2), dtype=bool)
    held_any = np.zeros(s.n, dtype=bool)
    loss_all = m.sucker_loss * 2.0 * (1.0 - s.trust[:, :, INTENT])
    for b in range(n_b):
        # only the runs with talks on this bundle scheduled are computed (the others keep
        # their talks' state as it was); when every run talks, views of the whole block
        col = avail[:, b]
        table = bundle_table(m, s, b)
        sel: slice | IntArray
        if col.all():
            sel = slice(None)
        else:
            sel = np.flatnonzero(col)
            if sel.size == 0:
                continue
            table = table.slice(sel)
        value, other_value = bundle_values(m, s, b)
        value, other_value = value[sel], other_value[sel]
        moves = []
        for side in (0, 1):
            state = talk_state(
                table,
                side,
                value,
                other_value,
                period=s.period,
                rounds=rounds[sel, b],
                t=t,
                value0=s.value0[sel, side],
                prev_demand=prev_demand[sel, b, side],
                opp_concession=concession(pos_u[sel, b, side], prev_pos_u[sel, b, side]),
                pressure=press[sel, side],
            )
            moves.append(select_moves(m, s, side, state, s.strategy[sel, side]))
        held = moves[0].attends & moves[1].attends
        loss = loss_all[sel]
        if not m.agenda.bundles[b].ceasefire:
            # no pause to exploit: being cheated returns a side to the war it is fighting
            # anyway (the bargaining engine's rule, bargaining.packages.agreement_state)
            loss = np.zeros_like(loss)
        out = run_round(
            m,
            Round(
                table=table,
                held=held,
                moves=(moves[0], moves[1]),
                value=value,
                tau=s.tau[sel],
                loss=loss,
                standing=standing[sel, b],
                standing_by=standing_by[sel, b],
                text=text[sel, b],
                pos_u=pos_u[sel, b],
                prev_pos_u=prev_pos_u[sel, b],
            ),
        )
        demand = np.stack([moves[0].demand, moves[1].demand], axis=1)
        bad = np.stack([moves[0].bad_faith, moves[1].bad_faith], axis=1) & out.agreed[:, None]
        rounds[sel, b] += held
        standing[sel, b] = np.where(out.agreed, -1, out.standing)
        standing_by[sel, b] = np.where(out.agreed, -1, out.standing_by)
        text[sel, b] = np.where(out.agreed, -1, out.text)
        prev_demand[sel, b] = np.where(held[:, None], demand, prev_demand[sel, b])
        pos_u[sel, b], prev_pos_u[sel, b] = out.pos_u, out.prev_pos_u
        signed[sel, b] = out.agreed
        signed_terms[sel, b] = out.terms
        signed_bad[sel, b] = bad
        held_any[sel] |= held
        if b == 0:
            # the settlement's round carries the screening evidence (its utilities are on the
            # scale of the values of fighting the types are judged by) and the overtures
            refused_u[sel], offered_u[sel] = out.refused_u, out.offered_u
            overture[sel] = np.stack([moves[0].overture, moves[1].overture], axis=1)
            gesture[sel] = np.stack([held & moves[0].gesture, held & moves[1].gesture], axis=1)
    ev = s.events | held_any * np.int32(flag("talks"))
    for name, mask in (
        ("overture_A", overture[:, 0]),
        ("overture_B", overture[:, 1]),
        ("gesture", gesture),
        ("agreement", signed[:, 0]),
        ("partial_agreement", signed[:, 1:]),
        ("bad_faith_signature", signed_bad),
    ):
        if mask.any():
            ev = ev | (mask.reshape(s.n, -1).any(axis=1) * np.int32(flag(name)))
    return evolve(
        s,
        rounds=rounds,
        standing=standing,
        standing_by=standing_by,
        text=text,
        prev_demand=prev_demand,
        pos_u=pos_u,
        prev_pos_u=prev_pos_u,
        refused_u=refused_u,
        offered_u=offered_u,
        overture=overture,
        gesture=gesture,
        signed=signed,
        signed_terms=signed_terms,
        signed_bad_faith=signed_bad,
        events=ev,
    )


TALK = Step("talk", _talk, lambda m: (0, 0))


def talk_state(
    table: TalkTable,
    side: int,
    value: FloatArray,
    other_value: FloatArray,
    *,
    period: int,
    rounds: IntArray,
    t: float,
    value0: FloatArray,
    prev_demand: FloatArray,
    opp_concession: FloatArray,
    pressure: BoolArray,
) -> TalkState:
    """What ``side`` knows when it moves (module docstring): its value of fighting
    (``value`` (N, 2)), its best feasible package and the most it believes it can get, the
    best package that leaves the other what ``side`` believes the other gets from fighting
    (``other_value`` (N, 2))."""
    n = value.shape[0]
    top = table.lookup(n).top
    v = value[:, side]
    tp = np.where(np.isnan(top[:, side]), v, top[:, side])
    ceiling = frontier(table, side, other_value[:, side])
    best = np.clip(ceiling, np.minimum(v, tp), tp)
    return TalkState(
        period=period,
        round=rounds,
        t=t,
        value=v,
        value0=value0,
        best=best,
        top=tp,
        prev_demand=prev_demand,
        opp_concession=opp_concession,
        pressure=pressure,
    )


def concession(now: FloatArray, before: FloatArray) -> FloatArray:
    """Rise of a side's utility of the other's position (0 where either is unknown)."""
    with np.errstate(invalid="ignore"):
        rise = now - before
    out: FloatArray = np.where(np.isfinite(rise), rise, 0.0)
    return out
