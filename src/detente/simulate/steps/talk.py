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

A bundle's round is three compiled kernels over its runs (:mod:`detente.core.jit`): each side's
view of the table, its strategy's move and what it would sign for (:func:`_moves`); the
protocol's; and the talks' state, records and event bits written in place (:func:`_record`).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from detente.core.jit import kernel
from detente.scenario.simulation import Protocol
from detente.simulate.events import flag
from detente.simulate.model import SimModel
from detente.simulate.protocols import (
    _alternating_runs,
    _needs1,
    _single_text_runs,
    draft_candidates,
)
from detente.simulate.state import Draws, RunState, evolve
from detente.simulate.steps import Step
from detente.simulate.steps.learn import INTENT
from detente.simulate.strategies import TalkState, _minimum, _move1, move_args
from detente.simulate.tables import SearchArrays, TalkTable, _clip, _frontier_runs

__all__ = [
    "PRESSURE_TREND",
    "TALK",
    "bundle_table",
    "bundle_values",
    "concession",
    "on_table",
    "pressure",
    "talk_state",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

SEARCH_HINTS = 4
"""Searches of a round per run and bundle that start from the run's last position
(:func:`~detente.simulate.tables._search`; :attr:`RunState.search_hint`): each side's
frontier in its view of the table (0, 1), then each side's search in the protocol (2, 3:
its proposal, or its view of the other's stated need under the single text)."""

PRESSURE_TREND = 0.5
"""A side is under pressure when the smoothed movement of the front against it exceeds this
many standard deviations of a period's movement (about one period in ten without drift)."""


def pressure(m: SimModel, s: RunState) -> BoolArray:
    """(N, 2): each side's believed chance of winning a battle (with what it has gained by
    rearming) is below ``overture_pressure``, or the front has been moving against it."""
    out: BoolArray = np.empty((s.n, 2), dtype=np.bool_)
    _pressure(
        np.ascontiguousarray(s.rhat, dtype=np.float64),
        np.ascontiguousarray(s.shift, dtype=np.float64),
        np.ascontiguousarray(s.trend, dtype=np.float64),
        float(m.settings.overture_pressure),
        out,
    )
    return out


@kernel
def _pressure(
    rhat: FloatArray, shift: FloatArray, trend: FloatArray, threshold: float, out: BoolArray
) -> None:
    for j in range(rhat.shape[0]):
        own_a = (rhat[j, 0] + shift[j, 0]) - shift[j, 1]
        own_b = ((1.0 - rhat[j, 1]) + shift[j, 1]) - shift[j, 0]
        out[j, 0] = own_a < threshold or -trend[j] > PRESSURE_TREND
        out[j, 1] = own_b < threshold or trend[j] > PRESSURE_TREND


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
    kinds, factors = move_args(m.strategy_pool, t)
    press = np.ascontiguousarray(pressure(m, s))
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
    events = s.events.copy()
    trust = np.ascontiguousarray(s.trust, dtype=np.float64)
    sucker = m.sucker_loss * 2.0  # L = L₀·2(1 − T_intention), per run in _moves
    tau = np.ascontiguousarray(s.tau, dtype=np.float64)
    strategy = np.ascontiguousarray(s.strategy, dtype=np.int64)
    floors = np.ascontiguousarray(m.floors, dtype=np.float64)
    single_text = m.protocol is Protocol.single_text
    multilateral, n_actors = m.protocol is Protocol.multilateral, len(m.actor_ids)
    hints = s.search_hint
    if hints is None or hints.shape != (s.n, n_b, SEARCH_HINTS):
        hints = np.full((s.n, n_b, SEARCH_HINTS), -1, dtype=np.int64)
    else:  # a cache, but the state it came from keeps its own
        hints = hints.copy()
    for b in range(n_b):
        # only the runs with talks on this bundle scheduled are computed (the others keep
        # their talks' state as it was)
        col = avail[:, b]
        table = bundle_table(m, s, b)
        if col.all():
            sel = np.arange(s.n, dtype=np.int64)
        else:
            sel = np.flatnonzero(col)
            if sel.size == 0:
                continue
            table = table.slice(sel)
        value, other_value = bundle_values(m, s, b)
        # every side's search of the most it can get reads the table's best_for; with nothing
        # known of the other side's needs (NaN beliefs throughout), its best package
        value = np.ascontiguousarray(value, dtype=np.float64)
        other_value = np.ascontiguousarray(other_value, dtype=np.float64)
        known = single_text or not _all_nan(other_value, sel)
        runs = table.lookup(sel.shape[0])
        search = runs.args(table.best_for if known else None)
        n = sel.shape[0]
        # each side's move and what it would sign for
        demand, accept, need = np.empty((n, 2)), np.empty((n, 2)), np.empty((n, 2))
        val, tau_r, loss_r = np.empty((n, 2)), np.empty((n, 2)), np.empty((n, 2))
        overtures, gestures = np.empty((n, 2), dtype=bool), np.empty((n, 2), dtype=bool)
        bad, held = np.empty((n, 2), dtype=bool), np.empty(n, dtype=bool)
        _moves(
            search,
            sel,
            b,
            s.period,
            kinds,
            factors,
            strategy,
            value,
            other_value,
            tau,
            trust,
            sucker,
            INTENT,
            # no pause to exploit: being cheated returns a side to the war it is fighting
            # anyway (the bargaining engine's rule, bargaining.packages.agreement_state)
            m.agenda.bundles[b].ceasefire,
            press,
            rounds,
            prev_demand,
            pos_u,
            prev_pos_u,
            hints,
            demand,
            accept,
            need,
            val,
            tau_r,
            loss_r,
            overtures,
            gestures,
            bad,
            held,
        )
        # the protocol
        refused, offered = np.empty((n, 2)), np.empty((n, 2))
        agreed, terms = np.empty(n, dtype=bool), np.empty(n, dtype=np.int64)
        if single_text:
            every, idx, real = draft_candidates(table)
            _single_text_runs(
                search,
                every,
                np.ascontiguousarray(idx),
                np.ascontiguousarray(real),
                np.ascontiguousarray(table.feasible),
                sel,
                b,
                held,
                need,
                accept,
                bad,
                val,
                tau_r,
                loss_r,
                n_actors,
                multilateral,
                floors,
                text,
                pos_u,
                prev_pos_u,
                hints,
                refused,
                offered,
                agreed,
                terms,
            )
        else:
            _alternating_runs(
                search,
                sel,
                b,
                held,
                need,
                accept,
                bad,
                val,
                tau_r,
                loss_r,
                n_actors,
                multilateral,
                floors,
                standing,
                standing_by,
                pos_u,
                prev_pos_u,
                hints,
                refused,
                offered,
                agreed,
                terms,
            )
        _record(
            sel,
            b,
            # the settlement's round carries the screening evidence (its utilities are on the
            # scale of the values of fighting the types are judged by) and the overtures
            b == 0,
            held,
            agreed,
            terms,
            demand,
            bad,
            overtures,
            gestures,
            refused,
            offered,
            _EVENTS,
            rounds,
            standing,
            standing_by,
            text,
            prev_demand,
            signed,
            signed_terms,
            signed_bad,
            events,
            refused_u,
            offered_u,
            overture,
            gesture,
        )
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
        events=events,
        search_hint=hints,
    )


_EVENT_NAMES = (
    "talks",
    "overture_A",
    "overture_B",
    "gesture",
    "agreement",
    "partial_agreement",
    "bad_faith_signature",
)
_TALKS, _OVERTURE_A, _OVERTURE_B, _GESTURE, _AGREEMENT, _PARTIAL, _BAD_FAITH = range(7)
_EVENTS = np.array([flag(name) for name in _EVENT_NAMES], dtype=np.int64)
"""The event bits the round of talks sets (:data:`~detente.simulate.events.EVENT_FLAGS`)."""


@kernel
def _rise(now: float, before: float) -> float:
    """:func:`concession` of one run."""
    rise = float(now) - float(before)  # (floats: no NumPy warning when run interpreted)
    return rise if np.isfinite(rise) else 0.0


@kernel
def _view1(top: float, value: float, ceiling: float) -> tuple[float, float]:
    """What a side knows of the table in one run (:func:`talk_state`): its best feasible
    utility (``top``; its value of fighting if nothing is feasible) and the most it believes
    it can get (``ceiling``: :func:`~detente.simulate.tables.frontier` of what it believes the
    other gets from fighting, within its value of fighting and its best)."""
    tp = value if top != top else top
    return tp, _clip(ceiling, _minimum(value, tp), tp)


@kernel
def _moves(
    tab: SearchArrays,
    sel: IntArray,
    b: int,
    period: int,
    kinds: IntArray,
    factors: FloatArray,
    strategy: IntArray,
    value: FloatArray,
    other_value: FloatArray,
    tau: FloatArray,
    trust: FloatArray,
    sucker: float,
    intent: int,
    use_loss: bool,
    press: BoolArray,
    rounds: IntArray,
    prev_demand: FloatArray,
    pos_u: FloatArray,
    prev_pos_u: FloatArray,
    hints: IntArray,
    demand: FloatArray,
    accept: FloatArray,
    need: FloatArray,
    val: FloatArray,
    tau_r: FloatArray,
    loss_r: FloatArray,
    overtures: BoolArray,
    gestures: BoolArray,
    bad: BoolArray,
    held: BoolArray,
) -> None:
    """Both sides' moves in a round on bundle ``b`` for the runs ``sel`` of the block (their
    rows of the table: ``rows``): what each knows (:func:`talk_state`), its strategy's move
    and what it would sign for (:func:`~detente.simulate.protocols.needs`), written to row
    ``i`` of the round's (n, 2) arrays ``demand`` … ``bad`` (its value of fighting, belief
    and feared loss: ``val``, ``tau_r``, ``loss_r``), ``held[i]``: both attend. ``hints``:
    the searches' positions of the run's last round (:data:`SEARCH_HINTS`, read and
    updated)."""
    keys0, keys1, _, _, best0, best1, _, n_feasible, top, k, offset, rows = tab
    n = sel.shape[0]
    x, pos, work = np.empty(n), np.empty(n, dtype=np.int64), np.empty(n)
    # what each side believes it can get: leaves the other what it believes the other needs
    ceiling0, ceiling1 = np.empty(n), np.empty(n)
    for side in range(2):
        for i in range(n):
            work[i] = other_value[sel[i], side]
            pos[i] = hints[sel[i], b, side]
        _frontier_runs(
            keys1 if side == 0 else keys0,
            best0 if side == 0 else best1,
            n_feasible,
            top,
            k,
            offset,
            rows,
            side,
            work,
            x,
            pos,
            ceiling0 if side == 0 else ceiling1,
        )
        for i in range(n):
            hints[sel[i], b, side] = pos[i]
    for i in range(n):
        j, row = sel[i], rows[i]
        held[i] = True
        for side in range(2):
            v = value[j, side]
            tp, best = _view1(top[row, side], v, ceiling0[i] if side == 0 else ceiling1[i])
            p = strategy[j, side]
            d, a, o, g, at, bf = _move1(
                kinds[p],
                factors[p],
                period,
                rounds[j, b],
                v,
                best,
                tp,
                prev_demand[j, b, side],
                _rise(pos_u[j, b, side], prev_pos_u[j, b, side]),
                press[j, side],
            )
            # the sucker's loss it fears: L₀·2 (``sucker``) times its distrust of intentions
            lo = sucker * (1.0 - trust[j, side, intent]) if use_loss else 0.0
            demand[i, side], accept[i, side], overtures[i, side] = d, a, o
            gestures[i, side], bad[i, side] = g, bf
            held[i] = held[i] and at
            val[i, side], tau_r[i, side], loss_r[i, side] = v, tau[j, side], lo
            need[i, side] = _needs1(d, bf, v, tau[j, side], lo)


@kernel
def _all_nan(x: FloatArray, sel: IntArray) -> bool:
    """Every entry of the rows ``sel`` of ``x`` (N, 2) is NaN."""
    for i in range(sel.shape[0]):
        for side in range(2):
            if x[sel[i], side] == x[sel[i], side]:
                return False
    return True


@kernel
def _record(
    sel: IntArray,
    b: int,
    first: bool,
    held: BoolArray,
    agreed: BoolArray,
    terms: IntArray,
    demand: FloatArray,
    bad: BoolArray,
    overtures: BoolArray,
    gestures: BoolArray,
    refused: FloatArray,
    offered: FloatArray,
    flags: IntArray,
    rounds: IntArray,
    standing: IntArray,
    standing_by: IntArray,
    text: IntArray,
    prev_demand: FloatArray,
    signed: BoolArray,
    signed_terms: IntArray,
    signed_bad: BoolArray,
    events: NDArray[np.int32],
    refused_u: FloatArray,
    offered_u: FloatArray,
    overture: BoolArray,
    gesture: BoolArray,
) -> None:
    """What a round on bundle ``b`` leaves in the talks' state of runs ``sel`` (written in
    place): rounds held, demands, agreements (the standing offer and text cleared), and,
    for the settlement (``first``), the screening evidence, overtures and gestures; the
    round's event bits (``flags``: :data:`_EVENTS`)."""
    for i in range(sel.shape[0]):
        j = sel[i]
        ev = events[j]
        if held[i]:
            rounds[j, b] += 1
            prev_demand[j, b, 0], prev_demand[j, b, 1] = demand[i, 0], demand[i, 1]
            ev |= flags[_TALKS]
        if agreed[i]:
            standing[j, b], standing_by[j, b], text[j, b] = -1, -1, -1
            ev |= flags[_AGREEMENT] if b == 0 else flags[_PARTIAL]
            if bad[i, 0] or bad[i, 1]:
                ev |= flags[_BAD_FAITH]
        signed[j, b], signed_terms[j, b] = agreed[i], terms[i]
        signed_bad[j, b, 0] = bad[i, 0] and agreed[i]
        signed_bad[j, b, 1] = bad[i, 1] and agreed[i]
        if first:
            for side in range(2):
                refused_u[j, side], offered_u[j, side] = refused[i, side], offered[i, side]
                overture[j, side] = overtures[i, side]
                gesture[j, side] = held[i] and gestures[i, side]
            ev |= flags[_OVERTURE_A] if overtures[i, 0] else 0
            ev |= flags[_OVERTURE_B] if overtures[i, 1] else 0
            ev |= flags[_GESTURE] if gesture[j, 0] or gesture[j, 1] else 0
        events[j] = ev


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
    v = np.ascontiguousarray(value[:, side], dtype=np.float64)
    other = np.ascontiguousarray(other_value[:, side], dtype=np.float64)
    known = not np.isnan(other).all()
    tp, best = _views(
        table.lookup(v.shape[0]).args(table.best_for if known else None), side, v, other
    )
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


@kernel
def _views(
    tab: SearchArrays,
    side: int,
    value: FloatArray,
    other_value: FloatArray,
) -> tuple[FloatArray, FloatArray]:
    keys0, keys1, _, _, best0, best1, _, n_feasible, top, k, offset, rows = tab
    n = rows.shape[0]
    ceiling = np.empty(n)
    _frontier_runs(
        keys1 if side == 0 else keys0,
        best0 if side == 0 else best1,
        n_feasible,
        top,
        k,
        offset,
        rows,
        side,
        other_value,
        np.empty(n),
        np.full(n, -1),
        ceiling,
    )
    tp, best = np.empty(n), np.empty(n)
    for j in range(n):
        tp[j], best[j] = _view1(top[rows[j], side], value[j], ceiling[j])
    return tp, best


@kernel
def _rises(now: FloatArray, before: FloatArray) -> FloatArray:
    out = np.empty(now.shape[0])
    for j in range(now.shape[0]):
        out[j] = _rise(now[j], before[j])
    return out


def concession(now: FloatArray, before: FloatArray) -> FloatArray:
    """Rise of a side's utility of the other's position (0 where either is unknown)."""
    out: FloatArray = _rises(
        np.ascontiguousarray(now, dtype=np.float64), np.ascontiguousarray(before, dtype=np.float64)
    )
    return out
