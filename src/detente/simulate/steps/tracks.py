"""``tracks``: which channel carries the talks this period (docs/explanation/tracks.md).

First the mediators bound by a stalling rule count the last period: a round their tracks
carried that brought no agreement is a stalled round, an agreement resets the count, and after
``after_stalled_rounds`` consecutive stalled rounds the mediator walks away for the rest of the
run (its tracks no longer meet). Then, for every bundle the runs can reach, one of the tracks
that meet this period and can settle it is drawn (uniformly, from this step's own random
stream); if none meets, no talks on it are held this period and nothing can be agreed on it.
The implicit track of a scenario without tracks meets every ``talks_every`` periods, so this
step then changes nothing.

A **refusal** holding at the start (``TrackTable.refusal_ids``) is lifted in a run when meeting
has become worth its cost to the refusing actor (:func:`lifted`, docs/explanation/tracks.md
"Lifting a refusal"): a refusal is a public commitment priced by the red lines' crossing cost
(:func:`detente.bargaining.redlines.crossing_cost`: Fearon 1994; Tomz 2007), which falls as the
costs of fighting felt mount (Zartman's ripeness, W by the one formula of the red lines,
:func:`~detente.simulate.steps.positions.ripeness_w`) and with a new leader. It is one
commitment: meeting puts on the table everything the tracks it closes alone could settle, so
lifting it costs the whole scale on every issue of the bundles it keeps closed
(:func:`lifting_costs`), and is worth it when the actor's gain from the best of those bundles
(its Nash-point gain inside the stated lines, or its own cheapest package beyond them net of
that crossing, as the ``positions`` step weighs it) exceeds that cost. Known flaw: the cost
grows with the number of issues the closed bundles are cut into (docs/explanation/tracks.md;
the invariant form measured in validation/ref8_expectations.md lifts refusals far too early).

A lift is an **event kept in the run state** (``RunState.lifted_at``, the period of the lift):
once a leader has met the adversary it refused to recognise, the recognition is public and
cannot be taken back cheaply (audience costs, Fearon 1994; Tomz 2007), so a lifted refusal
stays lifted for the rest of the run even when its price rises again (the felt cost of
fighting discounts older costs, so it can fall as the run ages). The scenario format has no
way to re-impose a refusal during a run. The tracks it closed then meet, and the event
``refusal_lifted`` marks the period of the first round of talks on a bundle it had kept
closed.

A **refusal to sign** (branch v21a: every track it closes at the start is a summit that only
signs, ``TrackTable.signs``) is not lifted by that rule: a refusal to sign is not a refusal to
negotiate (Putnam 1988: the negotiators' text agreed ad referendum, then ratified; Zartman and
Berman 1982). The tracks that draft for the refused summit (``TrackTable.sign_needs``) carry
the talks as if it were open, and in the period one of them agrees a text the ``signature``
step (:data:`SIGNATURE`, between ``talk`` and ``implement``; no random draws) weighs THAT text:
the refuser signs when its gain from the text over its value of no agreement on the bundle now
(:func:`text_gain`) exceeds the price of one public commitment (:func:`signing_price`: one
whole-scale crossing at its salience-weighted crossing base over the bundle's issues, ripening
with its felt cost of fighting and halved for a new leader, as a red line's crossing; Fearon
1994; Tomz 2007). If it signs, the refusal is lifted and kept (``RunState.lifted_at``, the
event ``refusal_lifted``) and the agreement enters into force; if not, the text lapses (the
event ``signature_withheld``): nothing is signed, and the delegations go on drafting, the next
text weighed again (:func:`withheld_signatures`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from detente.bargaining.redlines import crossing_cost
from detente.core.jit import inline_kernel, kernel
from detente.simulate.events import flag
from detente.simulate.model import SimModel
from detente.simulate.state import Draws, RunState, evolve
from detente.simulate.steps import Step
from detente.simulate.steps.learn import model_cache
from detente.simulate.steps.positions import (
    crossing_costs,
    in_win_set,
    moving_gate,
    no_deal_value,
    ripeness_w,
)
from detente.simulate.steps.talk import bundle_table
from detente.simulate.tracks import TrackTable

__all__ = [
    "SIGNATURE",
    "TRACKS",
    "kept_lifts",
    "lifted",
    "lifting_costs",
    "meeting_gain",
    "signing_price",
    "text_gain",
    "withheld_signatures",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


@kernel
def _pick_tracks(
    period: int,
    cadence: IntArray,
    stop: IntArray,
    settles_by: BoolArray,
    mask: IntArray,
    rule_mediator: IntArray,
    stall_limit: IntArray,
    u: FloatArray,
    agreements: IntArray,
    agreements_seen: IntArray,
    talk_track: IntArray,
    stalls: IntArray,
    withdrawn: BoolArray,
    pick: IntArray,
    total: IntArray,
) -> None:
    """One pass over runs: ``total`` agreements reached; the stalling rules' counts
    (``stalls``, ``withdrawn``: the new state's copies, updated in place); the track that
    carries the talks on each bundle into ``pick`` (-1: none meets), the ``j``-th of the
    ``count`` tracks that meet and can settle it, ``j = min(⌊u·count⌋, count − 1)`` (the
    first when there is no choice: ``u`` is then not drawn). ``settles_by[mask[i]]``: what
    each track can settle in run ``i``, given the refusals lifted in it."""
    n_k, n_b = settles_by.shape[1], settles_by.shape[2]
    n_m = stall_limit.shape[0]
    meets_now = np.empty(n_k, dtype=np.bool_)
    for k in range(n_k):
        meets_now[k] = period < stop[k] and period % cadence[k] == 0
    meets = np.empty(n_k, dtype=np.bool_)
    n = agreements.shape[0]
    _count_agreements(agreements, total)
    if n_m == 0 and settles_by.shape[0] == 1:  # the same tracks meet in every run
        settles = settles_by[0]
        able = np.empty(n_k, dtype=np.int64)
        for b in range(n_b):
            count = 0
            for k in range(n_k):
                if meets_now[k] and settles[k, b]:
                    able[count] = k
                    count += 1
            if count == 0 or n_k <= 1:  # none meets; or the one track, nothing drawn
                first = -1 if count == 0 else 0
                for i in range(n):
                    pick[i, b] = first
                continue
            for i in range(n):
                nth = np.int64(u[i, b] * count)  # truncated, as astype(np.int64)
                if nth > count - 1:
                    nth = np.int64(count - 1)
                pick[i, b] = able[nth]
        return
    for i in range(n):
        settles = settles_by[mask[i]]
        agreed = total[i] > agreements_seen[i]
        for j in range(n_m):
            carried = False
            for b in range(talk_track.shape[1]):
                k = talk_track[i, b]
                if k >= 0 and rule_mediator[k] == j:
                    carried = True
            if agreed:
                stalls[i, j] = 0
            else:
                stalls[i, j] = stalls[i, j] + (1 if carried and not withdrawn[i, j] else 0)
            if stalls[i, j] >= stall_limit[j]:
                withdrawn[i, j] = True
        for k in range(n_k):
            r = rule_mediator[k]
            meets[k] = meets_now[k] and not (r >= 0 and withdrawn[i, r])
        for b in range(n_b):
            count = 0
            for k in range(n_k):
                if meets[k] and settles[k, b]:
                    count += 1
            if count == 0:
                pick[i, b] = -1
                continue
            if n_k <= 1:  # the one track carries the talks: nothing drawn
                pick[i, b] = 0
                continue
            nth = np.int64(u[i, b] * count)  # truncated, as astype(np.int64)
            if nth > count - 1:
                nth = np.int64(count - 1)
            for k in range(n_k):
                if meets[k] and settles[k, b]:
                    if nth == 0:
                        pick[i, b] = k
                        break
                    nth -= 1


def _start_value(m: SimModel, s: RunState, b: int, actor: int) -> FloatArray:
    """(N,) ``actor``'s value of no agreement on bundle ``b`` at the start of the run: the
    bargaining engine's static value where it has one, else its value of fighting at the start
    (a belligerent); another veto party's is its floor on the bundle, as the ``positions``
    step reads it (:func:`~detente.simulate.steps.positions.no_deal_value`: the analysis'
    value of no agreement, ``SimModel.veto_floors``), which does not move during a run."""
    if actor >= 2:
        return no_deal_value(m, s, b, actor)
    static = float(m.agenda.bundles[b].static_value[actor])
    if not np.isnan(static):
        return np.full(s.n, static)
    out: FloatArray = s.value0[:, actor]
    return out


@dataclass(frozen=True)
class _Refusal:
    """What weighing one liftable refusal needs that never changes for a model."""

    bit: int  # its bit in the mask of lifted refusals
    actor: int  # the refusing actor's index in the talks (SimModel.actor_ids)
    closed: tuple[int, ...]  # the bundles it keeps closed (TrackTable.opens)
    base: FloatArray  # the actor's crossing base on every issue of those bundles


@dataclass
class _LiftPlan:
    """A model's liftable refusals, and the Nash part of :func:`meeting_gain` per (bundle,
    actor) kept with the state's ``value0`` array it was computed from: it depends on nothing
    else, and ``value0`` is the same array in every period once each run's start value is
    set, so it is computed once per block instead of every period (the same floats)."""

    refusals: tuple[_Refusal, ...]
    nash: dict[tuple[int, int], tuple[FloatArray, FloatArray]] = field(default_factory=dict)


def _lift_plan(m: SimModel) -> _LiftPlan:
    tt = m.tracks
    if tt is None or not tt.refusal_ids or tt.opens is None or tt.crossing_base is None:
        return _LiftPlan(())
    out = []
    for r, chain in enumerate(tt.refuser):
        a = next((m.actor_ids.index(x) for x in chain if x in m.actor_ids), -1)
        closed = np.flatnonzero(tt.opens[r])
        if a < 0 or not closed.size:
            continue  # not a party to the talks, or nothing to open: the refusal holds
        issues = np.logical_or.reduce([m.agenda.bundles[b].settled for b in closed])
        # the crossing bases of the refusing actor itself (the actor of the talks that weighs
        # the lift); every actor of the talks holds positions, so it has a row
        base = tt.crossing_base[tt.crossing_actors.index(m.actor_ids[a])]
        out.append(_Refusal(r, a, tuple(int(b) for b in closed), base[issues]))
    return _LiftPlan(tuple(out))


def _nash_gain(m: SimModel, s: RunState, b: int, actor: int) -> FloatArray:
    """(N,) ``actor``'s gain at the Nash point of bundle ``b``'s candidates inside every veto
    party's stated lines, over its value of no agreement at the start (0 when no candidate
    gains both belligerents; never negative)."""
    cache = model_cache(m, _lift_plan).nash
    hit = cache.get((b, actor))
    if hit is not None and hit[0] is s.value0:
        return hit[1]
    spec = m.agenda.bundles[b]
    v = np.stack([_start_value(m, s, b, x) for x in range(2)], axis=1)  # (N, 2)
    own = v[:, actor] if actor < 2 else _start_value(m, s, b, actor)
    u = spec.utility  # (K, A)
    feas = spec.table.feasible[0]  # regime 0: inside the stated lines
    gain = np.zeros(s.n)
    if feas.any():
        uk = u[feas]
        g0 = np.maximum(uk[None, :, 0] - v[:, 0, None], 0.0)
        g1 = np.maximum(uk[None, :, 1] - v[:, 1, None], 0.0)
        prod = np.nan_to_num(g0 * g1)
        k = prod.argmax(axis=1)
        nash = np.where(prod.max(axis=1) > 0.0, uk[k, actor] - own, 0.0)
        gain = np.maximum(gain, np.nan_to_num(nash))
    gain.flags.writeable = False
    cache[(b, actor)] = (s.value0, gain)
    return gain


def meeting_gain(m: SimModel, s: RunState, b: int, actor: int) -> FloatArray:
    """(N,) what meeting on bundle ``b`` would gain ``actor``, over its value of no agreement
    at the start (never negative): its utility at the Nash point (Nash 1950) of the bundle's
    candidates inside every veto party's stated red lines (the product of the belligerents'
    gains over their values of no agreement, 0 when none gains both), or, if larger, the gain
    of its own cheapest package beyond its stated lines net of their crossing cost in this
    period (its move set, as the ``positions`` step weighs it: none in a run where the move set
    needs a ratification its ratifiers' share, moved by the run's costs, does not clear:
    :func:`~detente.simulate.steps.positions.in_win_set`)."""
    spec = m.agenda.bundles[b]
    u = spec.utility  # (K, A)
    own = _start_value(m, s, b, actor)
    gain = _nash_gain(m, s, b, actor)
    no_relief = np.zeros((s.n, 2))
    for j, ms in enumerate(m.agenda.move_sets):
        if ms.bundle != b or ms.actor != actor:
            continue
        gated = not ms.crossable and moving_gate(m, j)  # the run's share may clear it
        if not ms.crossable and not gated:
            continue  # a move set positions never crosses: no gain to count
        net = np.nan_to_num(float(u[ms.point_k, actor]) - own - crossing_costs(m, s, j, no_relief))
        if gated:
            net = np.where(in_win_set(m, s, j), net, 0.0)
        gain = np.maximum(gain, net)
    return gain


def lifting_costs(m: SimModel, s: RunState) -> FloatArray:
    """(N, R) what lifting each refusal (``TrackTable.refusal_ids``) costs its actor now: the
    whole-scale crossing cost (:func:`detente.bargaining.redlines.crossing_cost` of its own
    crossing bases) summed over every issue of the bundles it keeps closed, relieved by its
    cost of fighting felt now (ripeness's W of the red lines,
    :func:`~detente.simulate.steps.positions.ripeness_w`: the felt cost at the scenario's date
    aged and the costs paid in the run, each discounted) and by a new leader; ``inf`` for a
    refusal no run can lift (its actor is not a party to the talks, or it keeps nothing
    closed)."""
    tt = m.tracks
    n_r = len(tt.refusal_ids) if tt is not None else 0
    out = np.full((s.n, n_r), np.inf)
    if tt is None or not n_r:
        return out
    assert tt.refusal_lead is not None
    for ref in model_cache(m, _lift_plan).refusals:
        a = ref.actor
        w = ripeness_w(m, s, a)
        lead = np.full(s.n, float(tt.refusal_lead[ref.bit]))
        if a < 2:
            lead = np.maximum(lead, s.leader_changed[:, a].astype(np.float64))
        base = ref.base
        kappa = crossing_cost(
            np.zeros_like(base)[None, :], base[None, :], w[:, None], 0.0, lead[:, None]
        )
        out[:, ref.bit] = kappa.sum(axis=1)
    return out


def kept_lifts(s: RunState) -> IntArray:
    """(N,) bit mask of the refusals already lifted in each run (``RunState.lifted_at``)."""
    bits = np.int64(1) << np.arange(s.lifted_at.shape[1], dtype=np.int64)
    out: IntArray = np.where(s.lifted_at >= 0, bits[None, :], 0).sum(axis=1, dtype=np.int64)
    return out


def lifted(m: SimModel, s: RunState) -> IntArray:
    """(N,) bit mask of the refusals (``TrackTable.refusal_ids``) lifted in each run: those
    already lifted in it (``RunState.lifted_at``: a lift is kept), and those whose actor gains
    more from meeting on the best bundle it keeps closed (:func:`meeting_gain`) than lifting
    the refusal costs it now (:func:`lifting_costs`; module docstring)."""
    mask = np.zeros(s.n, dtype=np.int64)
    plan = model_cache(m, _lift_plan)
    if m.tracks is None or not plan.refusals:
        return mask
    mask = kept_lifts(s)
    cost = lifting_costs(m, s)
    for ref in plan.refusals:
        gain = np.max([meeting_gain(m, s, b, ref.actor) for b in ref.closed], axis=0)
        mask |= np.where(gain > cost[:, ref.bit], np.int64(1) << ref.bit, 0)
    return mask


def _one_track(m: SimModel) -> IntArray | None:
    """(B,) the pick on each bundle when the model's tracks are one track, bound by no
    stalling rule and closed by no refusal (the implicit track of a scenario without
    ``tracks:``, e.g.): the track (0) where it can settle the bundle, -1 where it cannot, in
    every run of every period it meets (and -1 everywhere in a period it does not); None
    for any other model. Facts of the model, each needed: one track (nothing to draw among);
    no stalling rule (no run's mediator walks away); no refusal holding at the start, to
    negotiate (the meeting rule can lift it in some runs) nor to sign (``TrackTable.
    sign_bits``: its drafting tracks carry the talks and the ``signature`` step lifts it in
    some runs): then :func:`_pick_tracks` draws nothing and counts no stalled round, and its
    pick is the same for every run and every period it meets."""
    tt = m.tracks
    if tt is None or len(tt.ids) != 1 or tt.stall_limit.size:
        return None
    if tt.refusal_ids or tt.sign_bits:  # a refusal to sign is a refusal: never the shortcut
        return None
    out: IntArray = np.where(tt.settles[0], 0, -1).astype(np.int64)
    return out


def _one_meets(tt: TrackTable, period: int) -> bool:
    """Whether the one track of a model :func:`_one_track` accepts meets in ``period`` (the
    kernel's rule for track 0: before its stop, on its cadence)."""
    return bool(period < tt.stop[0] and period % tt.cadence[0] == 0)


def _fixed_pick(s: RunState, row: IntArray, meets: bool) -> IntArray:
    """(N, B) ``row`` in every run (``meets``; else -1 everywhere): the block's array of the
    last period with the same meeting and the same ``row`` (the model's, :func:`_one_track`;
    kept on the block's :class:`PeriodBlanks`: no step writes a state's ``talk_track``, and
    the yielded states of :func:`iter_periods` may share it as they share every array a step
    leaves unchanged), else a new one, read-only (review rev22, item 4: a caller writing a
    yielded state's pick would change every later period sharing it)."""
    blanks = s.blanks
    kept = None if blanks is None else blanks.picks.get(meets)
    if kept is not None and kept[0] is row and kept[1].shape == (s.n, row.size):
        return kept[1]
    pick = np.empty((s.n, row.size), dtype=np.int64)
    pick[:] = row if meets else -1
    # shared by the periods that follow (and by the states iter_periods yields): read-only,
    # so a caller writing a yielded state's talk_track cannot change a later period's
    pick.flags.writeable = False
    if blanks is not None:
        blanks.picks[meets] = (row, pick)
    return pick


@inline_kernel
def _count_agreements(agreements: IntArray, total: IntArray) -> None:
    """``total`` (N,): the agreements reached in each run (``agreements`` (N, B), C-contiguous,
    summed over bundles). The one count of both paths of the step: :func:`_pick_tracks`
    compiles it into its own code, and :func:`_totals` calls it for a model with one track
    (review rev22, item 8; inlined: as a called kernel the pass over runs with per-run masks
    measured 4-7 % slower, inlined it is the former inline loop's time within noise)."""
    n, n_b = agreements.shape
    flat = agreements.ravel()
    if n_b == 1:  # one bundle: a copy (the compiler vectorises it)
        for i in range(n):
            total[i] = flat[i]
        return
    for i in range(n):
        tot = 0
        for b in range(n_b):
            tot += flat[i * n_b + b]
        total[i] = tot


def _totals(agreements: IntArray) -> IntArray:
    """(N,) the agreements reached in each run (:func:`_count_agreements`)."""
    total = np.empty(agreements.shape[0], dtype=np.int64)
    _count_agreements(agreements, total)
    return total


def _idle_going(m: SimModel, s: RunState) -> bool:
    """Until the settlement (:attr:`~detente.simulate.steps.Step.idle_going`): the step would
    change nothing for the runs still going when the model has one track bound by no rule
    (:func:`_one_track`) and one bundle, and the state's ``talk_track`` is already the
    block's pick for whether the track meets this period (:func:`_fixed_pick`, made by this
    step in an earlier period): the pick is the same, and a run still going has signed no
    agreement on the one bundle (it would have signed its settlement and stopped), so its
    count of agreements is the one ``agreements_seen`` holds since the start."""
    if s.blanks is None or len(m.bundle_ids) != 1:
        return False
    tt = m.tracks
    row = model_cache(m, _one_track)
    if tt is None or row is None:
        return False
    kept = s.blanks.picks.get(_one_meets(tt, s.period))
    return kept is not None and kept[0] is row and s.talk_track is kept[1]


def _tracks(m: SimModel, s: RunState, d: Draws) -> RunState:
    tt = m.tracks
    n_b = len(m.bundle_ids)
    if tt is None:
        return evolve(s, talk_track=np.full((s.n, n_b), -1, dtype=np.int64))
    one = model_cache(m, _one_track)
    if one is not None:  # the pick of every run made once (the same values as the kernel's)
        return evolve(
            s,
            talk_track=_fixed_pick(s, one, _one_meets(tt, s.period)),
            agreements_seen=_totals(s.agreements),
        )
    stalls, withdrawn = s.stalls, s.withdrawn
    if tt.stall_limit.size:
        stalls, withdrawn = stalls.copy(), withdrawn.copy()
    pick = np.empty((s.n, n_b), dtype=np.int64)
    total = np.empty(s.n, dtype=np.int64)
    if tt.settles_by is not None and tt.refusal_ids:
        settles_by, mask, liftable = tt.settles_by, lifted(m, s), True
        # the tracks that draft for a summit a refusal to sign keeps closed carry the talks
        # (the signature is weighed when they agree a text: the ``signature`` step)
        draft = mask | np.int64(tt.sign_bits) if tt.sign_bits else mask
    else:  # no refusal to lift: the mask of none lifted (no run reopens a bundle)
        settles_by, mask, liftable = tt.settles[None], _none_lifted(s.n), False
        draft = mask
    # the state's arrays are made contiguous, of these dtypes, by the steps that make them
    _pick_tracks(
        s.period,
        tt.cadence,
        tt.stop,
        settles_by,
        draft,
        tt.rule_mediator,
        tt.stall_limit,
        d.u,
        s.agreements,
        s.agreements_seen,
        s.talk_track,
        stalls,
        withdrawn,
        pick,
        total,
    )
    if not liftable or not mask.any():
        return evolve(s, talk_track=pick, agreements_seen=total, stalls=stalls, withdrawn=withdrawn)
    lifted_at = s.lifted_at
    bits = np.int64(1) << np.arange(lifted_at.shape[1], dtype=np.int64)
    new = ((mask[:, None] & bits[None, :]) != 0) & (lifted_at < 0)
    if new.any():  # recorded with its period, kept for the rest of the run
        lifted_at = np.where(new, np.int64(s.period), lifted_at)
    # the first round on a bundle a refusal kept closed, through a track closed at the start
    k = np.maximum(pick, 0)
    reopened = (pick >= 0) & (s.rounds == 0) & ~tt.drafts0[k, np.arange(n_b)[None, :]]
    ev = s.events | np.where(reopened.any(axis=1), flag("refusal_lifted"), 0).astype(np.int32)
    return evolve(
        s,
        talk_track=pick,
        agreements_seen=total,
        stalls=stalls,
        withdrawn=withdrawn,
        lifted_at=lifted_at,
        events=ev,
    )


# ------------------------------------------------------------------ refusals to sign (v21a)


def _refuser(m: SimModel, r: int) -> int:
    """The index in the talks of the actor that weighs refusal ``r`` (the refuser, or for a
    faction its first parent in the talks; -1: none)."""
    assert m.tracks is not None
    return next((m.actor_ids.index(x) for x in m.tracks.refuser[r] if x in m.actor_ids), -1)


def signing_price(m: SimModel, s: RunState, r: int, b: int) -> FloatArray:
    """(N,) what signing a text on bundle ``b`` costs the actor of refusal to sign ``r`` in
    this period: ONE whole-scale crossing of a public commitment
    (:func:`detente.bargaining.redlines.crossing_cost`) at the actor's crossing base averaged
    over the bundle's issues with its own salience weights (its stated ``crossing_cost`` per
    issue, default 0.2), relieved by its cost of fighting felt now (ripeness's W,
    :func:`~detente.simulate.steps.positions.ripeness_w`) and halved for a new leader (a
    refusal stated before the actor's ``leader_since``, or a change of leader in the run).
    A refusal to sign is one commitment, the signature on one text: an issue nobody weighs
    adds nothing, an issue split in two halves that share its salience counts as it did."""
    tt = m.tracks
    assert tt is not None
    assert tt.crossing_base is not None
    assert tt.crossing_weight is not None
    assert tt.refusal_lead is not None
    a = _refuser(m, r)
    row = tt.crossing_actors.index(m.actor_ids[a])
    issues = m.agenda.bundles[b].settled
    w, base = tt.crossing_weight[row][issues], tt.crossing_base[row][issues]
    mean = float((w * base).sum() / w.sum()) if w.sum() > 0.0 else float(base.mean())
    lead = np.full(s.n, float(tt.refusal_lead[r]))
    if a < 2:
        lead = np.maximum(lead, s.leader_changed[:, a].astype(np.float64))
    out: FloatArray = crossing_cost(0.0, mean, ripeness_w(m, s, a), 0.0, lead)
    return out


def text_gain(m: SimModel, s: RunState, b: int, actor: int) -> FloatArray:
    """(N,) ``actor``'s gain from the text agreed this period on bundle ``b``
    (``RunState.signed_terms``), read in the run's own table, over its value of no agreement
    on the bundle now (:func:`~detente.simulate.steps.positions.no_deal_value`: its value of
    fighting on for a deal that stops the fighting); NaN where no text was agreed."""
    table = bundle_table(m, s, b)
    terms = s.signed_terms[:, b]
    u = table.utility[table.run_rows(s.n), np.maximum(terms, 0), actor]
    out: FloatArray = np.where(terms >= 0, u - no_deal_value(m, s, b, actor), np.nan)
    return out


def withheld_signatures(m: SimModel, s: RunState) -> tuple[BoolArray, IntArray]:
    """Which texts agreed this period are not signed, and which refusals to sign are lifted
    (module docstring, "refusals to sign"): ``(withheld (N, B), lifts (N,) bit mask)``. A
    text drafted on a track whose agreements need the signature of a summit a refusal to
    sign keeps closed (``TrackTable.sign_needs``, not yet lifted in the run) is signed when
    every such refuser gains more from it (:func:`text_gain`) than signing costs it
    (:func:`signing_price`); a refusal lifted for one text lifts it for every text of the
    run that needs it (the summit signs what is finished)."""
    tt = m.tracks
    n, n_b = s.signed.shape
    none = np.zeros((n, n_b), dtype=bool), np.zeros(n, dtype=np.int64)
    if tt is None or not tt.sign_bits or tt.sign_needs is None:
        return none
    track = s.talk_track
    need = np.where(s.signed & (track >= 0), tt.sign_needs[np.maximum(track, 0)], 0)
    need &= ~kept_lifts(s)[:, None]
    if not need.any():
        return none
    ok = np.ones((n, n_b), dtype=bool)
    for r in range(len(tt.refusal_ids)):
        bit = np.int64(1) << r
        if not (tt.sign_bits >> r) & 1:
            continue
        a = _refuser(m, r)
        for b in range(n_b):
            wants = (need[:, b] & bit) != 0
            if not wants.any():
                continue
            signs = text_gain(m, s, b, a) > signing_price(m, s, r, b)
            ok[:, b] &= ~wants | signs
    accepted = (need != 0) & ok
    lifts = np.bitwise_or.reduce(np.where(accepted, need, 0), axis=1).astype(np.int64)
    withheld = (need & ~lifts[:, None]) != 0
    return withheld, lifts


_AGREED = flag("agreement")
_PARTIAL = flag("partial_agreement")
_BAD = flag("bad_faith_signature")


def _signature(m: SimModel, s: RunState, d: Draws) -> RunState:
    withheld, lifts = withheld_signatures(m, s)
    if not withheld.any() and not lifts.any():
        return s
    signed = s.signed & ~withheld
    terms = np.where(withheld, np.int64(-1), s.signed_terms)
    bad = s.signed_bad_faith & ~withheld[:, :, None]
    bits = np.int64(1) << np.arange(s.lifted_at.shape[1], dtype=np.int64)
    new = ((lifts[:, None] & bits[None, :]) != 0) & (s.lifted_at < 0)
    lifted_at = np.where(new, np.int64(s.period), s.lifted_at)
    ev = s.events.astype(np.int64)
    # the round's agreement bits are the signatures' (talk step): a text not signed has none
    ev = np.where(withheld[:, 0], ev & ~_AGREED, ev)
    ev = np.where(withheld[:, 1:].any(axis=1) & ~signed[:, 1:].any(axis=1), ev & ~_PARTIAL, ev)
    ev = np.where(withheld.any(axis=1) & ~bad.any(axis=(1, 2)), ev & ~_BAD, ev)
    ev |= np.where(withheld.any(axis=1), flag("signature_withheld"), 0)
    ev |= np.where(lifts != 0, flag("refusal_lifted"), 0)
    return evolve(
        s,
        signed=signed,
        signed_terms=terms,
        signed_bad_faith=bad,
        lifted_at=lifted_at,
        events=ev.astype(np.int32),
    )


def _no_text(m: SimModel, s: RunState) -> bool:
    """No text agreed this period in any run: nothing to sign or withhold."""
    return not bool(s.signed.any())


SIGNATURE = Step(
    "signature",
    _signature,
    lambda m: (0, 0),
    inert=lambda m: m.tracks is None or not m.tracks.sign_bits,
    idle=_no_text,
)


@functools.lru_cache(maxsize=8)
def _none_lifted(n: int) -> IntArray:
    """(n,) zeros: no refusal lifted in any run, one array per block size (never written: the
    kernel only reads it, and a read-only array would be compiled for once more). Cached per
    ``n``, so blocks of different sizes in concurrent threads never share one."""
    return np.zeros(n, dtype=np.int64)


def _widths(m: SimModel) -> tuple[int, int]:
    """One uniform per bundle to pick among the tracks that meet, when there is a choice (no
    other step reads this stream, so a model with a single track draws nothing)."""
    return (len(m.bundle_ids) if m.tracks is not None and len(m.tracks.ids) > 1 else 0, 0)


TRACKS = Step("tracks", _tracks, _widths, idle_going=_idle_going)
