"""``talk``: a round of talks, when one is scheduled and both sides attend.

Talks are held on every bundle on the table when a track that can settle it meets (the
``tracks`` step; without declared tracks: every ``talks_every`` periods) (:func:`on_table`:
not in force, not closed by a linkage, and for a partial bundle no settlement in force); several
bundles can be negotiated in the same period, each with its own standing offer or text, demands
and record of the other side's concessions, on its own candidates
(:mod:`detente.simulate.agenda`), each run in its red-line regime.
Each side's strategy sees (:class:`~detente.simulate.strategies.TalkState`) its value of
fighting, the most it believes it can get (the best feasible package that leaves the other
side what it believes the other gets from fighting: :func:`~detente.simulate.search.frontier`
of its expected value of the other's fighting; demands follow beliefs), its best package, its
last demand, the other side's last concession (the rise of its own utility of the other's
position, under every protocol) and whether it is under pressure: its believed chance of
winning a battle, counting power gained by rearming, below ``overture_pressure``, or the
smoothed movement of the front against it beyond :data:`PRESSURE_TREND` standard deviations.
Time runs as ``t = (period + 1) / (H + 1)`` (capped at 1), the relative time of the
stacked-alternating-offers protocol, ``H`` the side's concession horizon on the bundle (its
stake over its cost of delay, :func:`~detente.simulate.agenda.talk_horizons`, unless the
scenario states ``simulation.concession_periods``). The protocol
(:mod:`detente.simulate.protocols`) then turns the moves into offers, texts and agreements; a
shock may have switched a side's strategy in some runs, so each run uses its own.

A bundle's round is one compiled kernel over the block's runs (:mod:`detente.core.jit`,
:func:`_round`): it picks the runs whose talks on the bundle meet, and takes them, a chunk at
a time, through short passes (the searches' first looks at their hints, the sides' views of
the table and moves, the proposals, the protocol's round), writing the new state's arrays of
the talks, records and event bits in place.
"""

from __future__ import annotations

from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray

from detente.core.jit import kernel
from detente.core.prefetch import prefetch
from detente.simulate.cells import _utility_at
from detente.simulate.events import flag
from detente.simulate.model import SimModel
from detente.simulate.protocols import _alternating1, _fear1, _needs1, draft_candidates
from detente.simulate.search import (
    _cell,
    _clip,
    _frontier_key,
    _frontier_runs,
    _hint_at,
    _propose_at,
    _propose_key,
)
from detente.simulate.state import Draws, RunState, evolve
from detente.simulate.steps import Step
from detente.simulate.steps.learn import INTENT, model_cache
from detente.simulate.steps.meeting import _meets1, no_talks, talk_bundles
from detente.simulate.steps.talk_args import TalkPlan, search_args
from detente.simulate.steps.talk_inline import _find_at, _find_from, _look_at, _move1, _others1
from detente.simulate.steps.text_round import _text_round
from detente.simulate.strategies import PEACE_OFFENSIVE, TalkState, _minimum, _side_factors
from detente.simulate.tables import FEW_ROWS, SearchArrays, TalkTable

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

SEARCH_HINTS = 6
"""Searches of a round per run and bundle that start from the run's last position
(:func:`~detente.simulate.search._search_at`; :attr:`RunState.search_hint`): each side's
frontier in its view of the table (0, 1), then each side's search in the protocol (2, 3:
its proposal, or its view of the other's stated need under the single text); then the last
move of each side's proposal (4, 5: from its position before to its position, 0 without
one), from which the next proposal's search starts when it was long (:func:`_predicted`)."""

PRESSURE_TREND = 0.5
"""A side is under pressure when the smoothed movement of the front against it exceeds this
many standard deviations of a period's movement (about one period in ten without drift)."""

_CHUNK = 256
"""Runs a round of talks takes through all its passes at a time (:func:`_round`)."""


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
    p = model_cache(m, TalkPlan)  # the model's constants (talk_args)
    n, n_b = s.phase.shape
    single_text = p.single_text
    # the single text leaves no standing offer, alternating offers no text: not copied; a
    # state of simulate_block's (RunState.in_place) is updated in place
    copy = _same if s.in_place else _copy
    rounds, prev_demand = copy(s.rounds), copy(s.prev_demand)
    standing, standing_by = s.standing, s.standing_by
    text = copy(s.text) if single_text else s.text
    if not single_text:
        standing, standing_by = copy(s.standing), copy(s.standing_by)
    pos_u, prev_pos_u = copy(s.pos_u), copy(s.prev_pos_u)
    bundles = talk_bundles(m, s)  # on the agenda (meeting.talk_bundles, on_table)
    # this period's records: each round writes every run's entries of its bundle (blanks
    # where it is not held; the settlement's the evidence, overtures, gestures), here no round
    signed = np.empty((n, n_b), dtype=bool)
    signed_terms = np.empty((n, n_b), dtype=np.int64)
    signed_bad = np.empty((n, n_b, 2), dtype=bool)
    refused_u, offered_u = np.empty((n, 2)), np.empty((n, 2))  # this round's evidence only
    overture, gesture = np.empty((n, 2), dtype=bool), np.empty((n, 2), dtype=bool)
    for b in range(n_b) if len(bundles) < n_b else ():
        if b not in bundles:
            signed[:, b], signed_terms[:, b], signed_bad[:, b] = False, -1, False
    if 0 not in bundles:
        refused_u[...], offered_u[...], overture[...], gesture[...] = np.nan, np.nan, 0, 0
    events = s.events.copy()
    hints = s.search_hint
    if hints is None or hints.shape != (n, n_b, SEARCH_HINTS):
        hints = np.full((n, n_b, SEARCH_HINTS), -1, dtype=np.int64)
        hints[:, :, 4:] = 0  # no move yet
    else:  # a cache, but the state it came from keeps its own
        hints = copy(hints)
    for b in bundles:
        spec = m.agenda.bundles[b]
        # each side on its own clock on this bundle (agenda.talk_horizons)
        kinds, factors = _side_factors(p.pool, int(s.period), *p.horizons[b])
        table = bundle_table(m, s, b)
        value, other_value = bundle_values(m, s, b)
        value = np.ascontiguousarray(value, dtype=np.float64)
        other_value = np.ascontiguousarray(other_value, dtype=np.float64)
        # every side's search of the most it can get reads the table's best_for (built on
        # first use); with nothing known of the other side's needs, its best package
        base = table.parent or table
        known = single_text or "_best_for" in vars(base) or not p.nothing_known(other_value)
        search = search_args(table, n, known)
        # the offset of the searches of some of the runs of a per-run table
        # (TalkTable.slice: a few runs' rows count as few rows, FEW_ROWS)
        per_run = table.row_of is None and table.rows > 1
        offset_some = table.rows > FEW_ROWS if per_run else search.offset
        every, idx, real = draft_candidates(table) if single_text else _NO_DRAFTS
        _round(
            search,
            offset_some,
            b,
            # the settlement's round carries the screening evidence (its utilities are on the
            # scale of the values of fighting the types are judged by) and the overtures
            b == 0,
            single_text,
            np.ascontiguousarray(s.phase, dtype=np.int64),
            p.by_track,
            # without tracks, every talks_every periods; else a track that can settle the
            # bundle meets this period (steps/tracks.py)
            s.period % p.talks_every == 0,
            np.ascontiguousarray(s.talk_track, dtype=np.int64),
            np.ascontiguousarray(s.derailed, dtype=np.bool_),  # spoilers (steps/spoilers.py)
            s.period,
            kinds,
            factors,
            np.ascontiguousarray(s.strategy, dtype=np.int64),
            value,
            other_value,
            np.ascontiguousarray(s.tau, dtype=np.float64),
            np.ascontiguousarray(s.trust, dtype=np.float64),
            p.sucker,  # (2,) L = L_side·2(1 − T_intention), per run
            INTENT,
            # no pause to exploit: being cheated returns a side to the war it is fighting
            # anyway (the bargaining engine's rule, bargaining.packages.agreement_state)
            spec.ceasefire,
            np.ascontiguousarray(s.rhat, dtype=np.float64),
            np.ascontiguousarray(s.shift, dtype=np.float64),
            np.ascontiguousarray(s.trend, dtype=np.float64),
            p.overture_pressure,
            p.n_actors,
            p.asks[b],  # the bundle's other veto parties accept (protocols._others1)
            m.veto_floors[b],
            every,
            np.ascontiguousarray(idx),
            np.ascontiguousarray(real),
            np.ascontiguousarray(table.feasible),
            _EVENTS,
            rounds,
            standing,
            standing_by,
            text,
            prev_demand,
            pos_u,
            prev_pos_u,
            hints,
            signed,
            signed_terms,
            signed_bad,
            events,
            refused_u,
            offered_u,
            overture,
            gesture,
            *base.linear_arrays,
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


_A = TypeVar("_A", bound=NDArray[Any])


def _copy(a: _A) -> _A:
    return a.copy()


def _same(a: _A) -> _A:
    return a


_NO_DRAFTS = (False, np.zeros((0, 0), dtype=np.int64), np.zeros((0, 0), dtype=np.bool_))


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
    it can get (``ceiling``: :func:`~detente.simulate.search.frontier` of what it believes the
    other gets from fighting, within its value of fighting and its best)."""
    tp = value if top != top else top
    return tp, _clip(ceiling, _minimum(value, tp), tp)


PREFETCH_FROM = 1024
"""Tables of at least this many candidates per row, or of at least :data:`PREFETCH_CELLS`
cells: the round asks for the lines its proposals' first looks read one pass ahead
(:func:`~detente.core.prefetch.prefetch`). Measured on the NegMAS workload (the round
replayed, blocks of 8,192 runs, 4,096 at 1,024): faster at 1,024 candidates (branch s13talk);
at 100, 256 and 484 it was then slower, but no longer on the round as it now stands (branch
sp22a: see :data:`PREFETCH_CELLS`)."""

PREFETCH_CELLS = 2**17
"""Tables of at least this many cells (rows × candidates; a block's per-run tables) also
have their first looks' lines asked for ahead, whatever their candidates per row: their rows
no longer stay in the caches from one round to the next. Measured (issue 13, branch sp22a,
the NegMAS workload at 100 outcomes, the round in the engine, alternated with the kernel
without the pass): 8,192 runs a block (819,200 cells) 9.4 → 7.7 µs a run, 4,096 runs 7.9 →
7.1, 2,048 runs 7.6 → 7.3, 1,024 runs (102,400 cells, in the caches) 6.75 → 6.70; a shared
table (a scenario's regimes, a few rows) stays below it."""

PREDICT_FROM = 8
"""A proposal's search starts where its last move would take it (:func:`_predicted`) when
that move was at least this many positions (a cache line of values); a nearer move is found
from the last position, within its line."""


@kernel
def _prefetch_keys(keys: FloatArray | None, at: int, below: bool) -> None:
    """The stored sorted utilities' line of entry ``at`` (and with ``below`` the line before
    it, where a moving proposal moves) asked for ahead (:func:`~detente.core.prefetch.
    prefetch`); nothing for a table of the order alone (``keys`` None: its values are
    computed from the order's line and the linear form, :func:`~detente.simulate.tables.
    _sorted_at`)."""
    if keys is not None:
        prefetch(keys, at)
        if below:
            prefetch(keys, at - 8)


@kernel
def _prefetches(k: int, n_rows: int) -> bool:
    """The round asks for its first looks' lines ahead on a table of ``n_rows`` rows of ``k``
    candidates (:data:`PREFETCH_FROM`, :data:`PREFETCH_CELLS`)."""
    return k >= PREFETCH_FROM or n_rows * k >= PREFETCH_CELLS


@kernel
def _predicted(h: int, move: int, k: int) -> int:
    """Where a proposal's search first looks: its last position ``h`` (-1: none) moved by its
    last move when that was :data:`PREDICT_FROM` or more (any start gives the same position:
    :func:`~detente.simulate.search._find_at`)."""
    if h >= 0 and (move >= PREDICT_FROM or move <= -PREDICT_FROM):
        return min(max(h + move, 0), k)
    return h


@kernel
def _first_look(h: int, move: int, k: int, n_feasible: int) -> int:
    """Where a proposal's search first looks: :func:`_predicted`, or without a last position
    (the first round) its best feasible package's, where a side that concedes over time
    starts (any start gives the same position)."""
    if h < 0:
        return n_feasible - 1 if n_feasible > 0 else -1
    return _predicted(h, move, k)


@kernel
def _moved(h: int, pos: int) -> int:
    """A proposal's move: from its last position ``h`` to ``pos`` (0 without one)."""
    return pos - h if h >= 0 else 0


@kernel
def _round(
    tab: SearchArrays,
    offset_some: bool,
    b: int,
    first: bool,
    single_text: bool,
    phase: IntArray,
    by_track: bool,
    cadence: bool,
    talk_track: IntArray,
    derailed: BoolArray,
    period: int,
    kinds: IntArray,
    factors: FloatArray,  # (2, P): each side's concession factor per strategy
    strategy: IntArray,
    value: FloatArray,
    other_value: FloatArray,
    tau: FloatArray,
    trust: FloatArray,
    sucker: FloatArray,
    intent: int,
    use_loss: bool,
    rhat: FloatArray,
    shift: FloatArray,
    trend: FloatArray,
    threshold: float,
    n_actors: int,
    asked: bool,
    floors: FloatArray,
    every: bool,
    idx: IntArray,
    real: BoolArray,
    feasible: BoolArray,
    flags: IntArray,
    rounds: IntArray,
    standing: IntArray,
    standing_by: IntArray,
    text: IntArray,
    prev_demand: FloatArray,
    pos_u: FloatArray,
    prev_pos_u: FloatArray,
    hints: IntArray,
    signed: BoolArray,
    signed_terms: IntArray,
    signed_bad: BoolArray,
    events: NDArray[np.int32],
    refused_u: FloatArray,
    offered_u: FloatArray,
    overture: BoolArray,
    gesture: BoolArray,
    lin_dist: FloatArray,
    lin_w: FloatArray,
) -> None:
    """A round of talks on bundle ``b`` in every run of the block where one is held
    (:func:`on_table`, the cadence or a track, no spoiler's attack): each side's view of the
    table and its strategy's move, the protocol's round (alternating offers or the mediator's
    ``single_text``, the bundle's other veto parties' check if ``asked``), and what it leaves
    in the talks' state (the arrays from ``rounds`` on, the new state's, written in place,
    the period's blanks in runs without a round; ``first``: the settlement's round, which
    carries the screening evidence, overtures and gestures; ``flags``: :data:`_EVENTS`).
    ``hints[j, b]``: where the run's searches ended (:data:`SEARCH_HINTS`), read and updated.

    Passes over the runs, each issuing independent loads of the runs' tables (in flight
    together): the searches' first looks at their hints, then the searches that moved, the
    moves, the proposals and the protocol."""
    keys0, keys1, order0, order1, best0, best1, utility, n_feasible, top, k, offset, rows = tab[:12]
    # each row's first entry in each side's order (TalkTable.search_order)
    at0, at1 = tab[14], tab[15]
    # each side's sorted utilities: stored (keys0, keys1), or for a table of the order alone
    # computed from it where read (cells._sorted_at)
    n_all = phase.shape[0]
    sel = np.empty(n_all, dtype=np.int64)
    n = 0
    known0, known1 = False, False  # some run has a threshold (else each gets its best package)
    for j in range(n_all):
        if _meets1(phase[j, b], phase[j, 0], derailed[j], talk_track[j, b], by_track, cadence, b):
            sel[n] = j
            n += 1
            known0 = known0 or other_value[j, 0] == other_value[j, 0]
            known1 = known1 or other_value[j, 1] == other_value[j, 1]
            continue
        # no round: the period's blanks (the protocol's pass writes a round's entries)
        signed[j, b], signed_terms[j, b] = False, -1
        signed_bad[j, b, 0], signed_bad[j, b, 1] = False, False
        if first:
            for side in range(2):
                refused_u[j, side], offered_u[j, side] = np.nan, np.nan
                overture[j, side], gesture[j, side] = False, False
    if n == 0:
        return
    if n < n_all:
        offset = offset_some
    kp1 = k + 1
    prefetching = _prefetches(k, n_feasible.shape[0])
    # pressure is read by the strategies that act on it only (strategies._move1)
    pressed = False
    for p in range(kinds.shape[0]):
        pressed = pressed or kinds[p] == PEACE_OFFENSIVE
    code = np.empty((n, 4), dtype=np.int64)
    x = np.empty((n, 4))
    found = np.empty((n, 2))
    demand, accept, need, loss = (
        np.empty((n, 2)),
        np.empty((n, 2)),
        np.empty((n, 2)),
        np.empty((n, 2)),
    )
    bad, overtures = np.empty((n, 2), dtype=np.bool_), np.empty((n, 2), dtype=np.bool_)
    gestures, held = np.empty((n, 2), dtype=np.bool_), np.empty(n, dtype=np.bool_)
    prop = np.empty((n, 2), dtype=np.int64)
    u = np.empty((n, 6))
    need0, need1 = False, False  # some run states a need (single text)
    # a chunk of runs at a time through every pass: its rows of the tables stay in cache
    # from one pass to the next; the single text's round needs every run's stated need
    n_chunks = (n + _CHUNK - 1) // _CHUNK
    for chunk in range(n_chunks + (1 if single_text else 0)):
        lo, hi = chunk * _CHUNK, min((chunk + 1) * _CHUNK, n)
        if chunk < n_chunks:
            if not single_text and prefetching:
                # the lines the proposals' first looks will read (the hints' values and
                # packages; the line below a moving proposal's, where it moves), asked for
                # ahead of the moves' pass (core.prefetch: no value changes, only when the
                # reads wait)
                for i in range(lo, hi):
                    j = sel[i]
                    row = rows[j]
                    nf = n_feasible[row]
                    h0 = _first_look(hints[j, b, 2], hints[j, b, 4], k, nf)
                    h1 = _first_look(hints[j, b, 3], hints[j, b, 5], k, nf)
                    if h0 >= 0 and k > 0:
                        at = at0[row] + min(h0, k - 1)
                        _prefetch_keys(keys0, at, hints[j, b, 4] != 0 and h0 >= 8)
                        prefetch(order0, at)
                    if h1 >= 0 and k > 0:
                        at = at1[row] + min(h1, k - 1)
                        _prefetch_keys(keys1, at, hints[j, b, 5] != 0 and h1 >= 8)
                        prefetch(order1, at)
            # what each side believes it can get: leaves the other what it believes the other needs
            # (search.frontier); first look at the hints
            for i in range(lo, hi):
                j = sel[i]
                row = rows[j]
                off = 2.0 * row if offset else 0.0
                nf = n_feasible[row]
                if known0:
                    x[i, 0] = _frontier_key(other_value[j, 0], row, offset)
                    h = hints[j, b, 0]
                    code[i, 0] = _hint_at(
                        keys1, order1, lin_dist, lin_w, 1, row, at1[row], off, k, nf, x[i, 0], h
                    )
                    if code[i, 0] >= 0:
                        found[i, 0] = best0[row * kp1 + min(code[i, 0], k)]
                if known1:
                    x[i, 1] = _frontier_key(other_value[j, 1], row, offset)
                    h = hints[j, b, 1]
                    code[i, 1] = _hint_at(
                        keys0, order0, lin_dist, lin_w, 0, row, at0[row], off, k, nf, x[i, 1], h
                    )
                    if code[i, 1] >= 0:
                        found[i, 1] = best1[row * kp1 + min(code[i, 1], k)]
            # each side's move and what it would sign for; the proposals' first looks
            for i in range(lo, hi):
                j = sel[i]
                row = rows[j]
                off = 2.0 * row if offset else 0.0
                nf = n_feasible[row]
                if known0:
                    c = _find_at(
                        keys1,
                        order1,
                        lin_dist,
                        lin_w,
                        1,
                        row,
                        at1[row],
                        off,
                        k,
                        nf,
                        x[i, 0],
                        code[i, 0],
                    )
                    hints[j, b, 0] = c
                    ceil0 = found[i, 0] if code[i, 0] >= 0 else best0[row * kp1 + min(c, k)]
                else:  # nothing known of the other's needs: its best package
                    ceil0 = top[row, 0] if n_feasible[row] > 0 else -np.inf
                if known1:
                    c = _find_at(
                        keys0,
                        order0,
                        lin_dist,
                        lin_w,
                        0,
                        row,
                        at0[row],
                        off,
                        k,
                        nf,
                        x[i, 1],
                        code[i, 1],
                    )
                    hints[j, b, 1] = c
                    ceil1 = found[i, 1] if code[i, 1] >= 0 else best1[row * kp1 + min(c, k)]
                else:
                    ceil1 = top[row, 1] if n_feasible[row] > 0 else -np.inf
                press0, press1 = False, False
                if pressed:
                    press0 = ((rhat[j, 0] + shift[j, 0]) - shift[j, 1]) < threshold
                    press0 = press0 or -trend[j] > PRESSURE_TREND
                    press1 = (((1.0 - rhat[j, 1]) + shift[j, 1]) - shift[j, 0]) < threshold
                    press1 = press1 or trend[j] > PRESSURE_TREND
                attend = True
                for side in range(2):
                    v = value[j, side]
                    tp, best = _view1(top[row, side], v, ceil0 if side == 0 else ceil1)
                    p = strategy[j, side]
                    dm, ac, o, g, at, bf = _move1(
                        kinds[p],
                        factors[side, p],
                        period,
                        rounds[j, b],
                        v,
                        best,
                        tp,
                        prev_demand[j, b, side],
                        _rise(pos_u[j, b, side], prev_pos_u[j, b, side]),
                        press0 if side == 0 else press1,
                    )
                    # the sucker's loss it fears: L·2 (``sucker``, the analysis' rule per side,
                    # model.py) times its distrust of intentions
                    fear = _fear1(sucker[side], trust[j, side, intent]) if use_loss else 0.0
                    demand[i, side], accept[i, side], overtures[i, side] = dm, ac, o
                    gestures[i, side], bad[i, side] = g, bf
                    attend = attend and at
                    loss[i, side] = fear
                    need[i, side] = _needs1(dm, bf, v, tau[j, side], fear)
                held[i] = attend
                need0 = need0 or need[i, 0] == need[i, 0]
                need1 = need1 or need[i, 1] == need[i, 1]
            if single_text:
                continue
            # each side's proposal (search.propose of what it needs): first looks at the
            # hints, with the packages there (the proposals when the hints hold) and the
            # utilities of the standing offer, all independent loads; then the searches that
            # moved and the utilities of both proposals
            for i in range(lo, hi):
                j = sel[i]
                row = rows[j]
                off = 2.0 * row if offset else 0.0
                nf = n_feasible[row]
                h0 = _first_look(hints[j, b, 2], hints[j, b, 4], k, nf)
                h1 = _first_look(hints[j, b, 3], hints[j, b, 5], k, nf)
                x[i, 2] = _propose_key(need[i, 0], row, offset)
                x[i, 3] = _propose_key(need[i, 1], row, offset)
                prop[i, 0] = _proposal(order0, at0[row], nf, h0) if h0 >= 0 else -1
                prop[i, 1] = _proposal(order1, at1[row], nf, h1) if h1 >= 0 else -1
                at_ = _cell(row, k, standing[j, b])
                u[i, 0] = _utility_at(utility, lin_dist, lin_w, row, k, at_, 0)
                u[i, 1] = _utility_at(utility, lin_dist, lin_w, row, k, at_, 1)
                code[i, 2] = _look_at(
                    keys0, order0, lin_dist, lin_w, 0, row, at0[row], off, k, nf, x[i, 2], h0
                )
                code[i, 3] = _look_at(
                    keys1, order1, lin_dist, lin_w, 1, row, at1[row], off, k, nf, x[i, 3], h1
                )
            for i in range(lo, hi):
                j = sel[i]
                row = rows[j]
                off = 2.0 * row if offset else 0.0
                nf = n_feasible[row]
                c = code[i, 2]
                if c < 0:
                    c = _find_from(
                        keys0, order0, lin_dist, lin_w, 0, row, at0[row], off, k, nf, x[i, 2], c
                    )
                    prop[i, 0] = _proposal(order0, at0[row], nf, c)
                hints[j, b, 4] = _moved(hints[j, b, 2], c)
                hints[j, b, 2] = c
                c = code[i, 3]
                if c < 0:
                    c = _find_from(
                        keys1, order1, lin_dist, lin_w, 1, row, at1[row], off, k, nf, x[i, 3], c
                    )
                    prop[i, 1] = _proposal(order1, at1[row], nf, c)
                hints[j, b, 5] = _moved(hints[j, b, 3], c)
                hints[j, b, 3] = c
                at_ = _cell(row, k, prop[i, 0])
                u[i, 2] = _utility_at(utility, lin_dist, lin_w, row, k, at_, 0)
                u[i, 3] = _utility_at(utility, lin_dist, lin_w, row, k, at_, 1)
                at_ = _cell(row, k, prop[i, 1])
                u[i, 4] = _utility_at(utility, lin_dist, lin_w, row, k, at_, 0)
                u[i, 5] = _utility_at(utility, lin_dist, lin_w, row, k, at_, 1)
        else:
            _text_round(
                utility,
                lin_dist,
                lin_w,
                keys0,
                keys1,
                order0,
                order1,
                at0,
                at1,
                best0,
                best1,
                n_feasible,
                top,
                k,
                offset,
                rows,
                sel,
                n,
                b,
                need0,
                need1,
                held,
                need,
                accept,
                bad,
                loss,
                value,
                tau,
                n_actors,
                asked,
                floors,
                every,
                idx,
                real,
                feasible,
                text,
                pos_u,
                prev_pos_u,
                hints,
                code,
                x,
                found,
                prop,
            )
            lo, hi = 0, n
        # the protocol's round (alternating offers; the single text's outcome, above) and what
        # it leaves in the talks' state
        for i in range(lo, hi):
            j = sel[i]
            row = rows[j]
            if single_text:
                agreed, terms = prop[i, 0] == 1, prop[i, 1]
                refused0, refused1 = found[i, 0], found[i, 1]
                offered0, offered1 = x[i, 0], x[i, 1]
            else:
                st = standing[j, b]
                a_st, a0 = _cell(row, k, st), _cell(row, k, prop[i, 0])
                out = _alternating1(
                    held[i],
                    st,
                    standing_by[j, b],
                    u[i, 0],
                    u[i, 1],
                    _others1(utility, lin_dist, lin_w, row, k, a_st, n_actors, asked, floors),
                    prop[i, 0],
                    u[i, 2],
                    u[i, 3],
                    _others1(utility, lin_dist, lin_w, row, k, a0, n_actors, asked, floors),
                    prop[i, 1],
                    u[i, 4],
                    u[i, 5],
                    accept[i, 0],
                    bad[i, 0],
                    value[j, 0],
                    tau[j, 0],
                    loss[i, 0],
                    accept[i, 1],
                    bad[i, 1],
                    value[j, 1],
                    tau[j, 1],
                    loss[i, 1],
                    pos_u[j, b, 0],
                    pos_u[j, b, 1],
                    prev_pos_u[j, b, 0],
                    prev_pos_u[j, b, 1],
                )
                agreed, terms, standing[j, b], standing_by[j, b] = out[0], out[1], out[2], out[3]
                pos_u[j, b, 0], pos_u[j, b, 1] = out[4], out[5]
                prev_pos_u[j, b, 0], prev_pos_u[j, b, 1] = out[6], out[7]
                refused0, refused1, offered0, offered1 = out[8], out[9], out[10], out[11]
            ev = events[j]
            if held[i]:
                rounds[j, b] += 1
                prev_demand[j, b, 0], prev_demand[j, b, 1] = demand[i, 0], demand[i, 1]
                ev |= flags[_TALKS]
            if agreed and single_text:
                text[j, b] = -1
            elif agreed:
                standing[j, b], standing_by[j, b] = -1, -1
            if agreed:
                ev |= flags[_AGREEMENT] if b == 0 else flags[_PARTIAL]
                if bad[i, 0] or bad[i, 1]:
                    ev |= flags[_BAD_FAITH]
            signed[j, b], signed_terms[j, b] = agreed, terms
            signed_bad[j, b, 0] = bad[i, 0] and agreed
            signed_bad[j, b, 1] = bad[i, 1] and agreed
            if first:
                refused_u[j, 0], offered_u[j, 0] = refused0, offered0
                refused_u[j, 1], offered_u[j, 1] = refused1, offered1
                for side in range(2):
                    overture[j, side] = overtures[i, side]
                    gesture[j, side] = held[i] and gestures[i, side]
                ev |= flags[_OVERTURE_A] if overtures[i, 0] else 0
                ev |= flags[_OVERTURE_B] if overtures[i, 1] else 0
                ev |= flags[_GESTURE] if gesture[j, 0] or gesture[j, 1] else 0
            events[j] = ev


@kernel
def _proposal(order: NDArray[np.int16], start: int, n_feasible: int, pos: int) -> int:
    """:func:`~detente.simulate.search.propose`'s package given its search's position (the
    row's first entry in ``order``: ``start``)."""
    at = _propose_at(start, n_feasible, pos)
    return int(order[at]) if at >= 0 else -1


def _idle(m: SimModel, s: RunState) -> bool:
    """The round would change nothing (:func:`~detente.simulate.steps.meeting.no_talks`)."""
    hints = s.search_hint
    return hints is not None and hints.shape == (*s.phase.shape, SEARCH_HINTS) and no_talks(m, s)


TALK = Step("talk", _talk, lambda m: (0, 0), idle=_idle)


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
    keys0, keys1, order0, order1, best0, best1, _, n_feasible, top, k, offset, rows = tab[:12]
    dist, w, at0, at1 = tab[12:]
    n = rows.shape[0]
    ceiling = np.empty(n)
    _frontier_runs(
        (keys1, order1, dist, w, 1, at1) if side == 0 else (keys0, order0, dist, w, 0, at0),
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
