"""Why a run did or did not reach the full settlement: the state of its talks at the horizon.

Each run gets one reason (:data:`REASONS`), read off its state after the last period:

``reached``    it signed the settlement within the horizon;
``red_lines``  no package lies inside every veto party's red lines as they stand in the run
               (stated, or moved by the ``positions`` step): the zone is closed by red lines;
``no_zone``    packages lie inside the red lines, but none is worth at least its value of
               fighting on to both sides, or none is accepted by every veto party beyond them
               whose consent the settlement needs (the zone is closed by the values: Fearon
               1995; a third party's value is its floor, ``SimModel.veto_floors``, the
               analysis' value of no agreement);
``distrust``   some package beats fighting for both, but none passes both sides' test of
               distrust, ``τ U + (1 − τ)(V − L) ≥ V`` (:mod:`detente.simulate.protocols`);
``talks``      an acceptable package existed, but the talks did not reach it (the strategies'
               demands, a side's refusal to attend, time).

With ``red_lines`` the issues whose red lines conflict, and the veto parties holding the
conflicting bounds, are counted; with ``no_zone`` the parties whose acceptance closes the
zone, by one rule for the belligerents and the asked third veto parties alike
(:func:`blocking_parties`): a party is named when no package inside the red lines that every
other party accepts reaches its need (a belligerent: its value of fighting on; a third
party: its floor), or, where no package is accepted by all the others, when no package
inside the red lines reaches its need at all (a party that would accept some package is not
what closes a zone the others have already closed among themselves).

A third party's floor closes the settlement before the belligerents' values are read: under
``single_text`` and ``multilateral`` the talks' table holds only packages the asked third
parties accept, and under ``alternating``, where the belligerents bargain over every package
and the third parties ratify, the belligerents' zone is read over the packages those parties
accept. An empty table is ``no_zone`` where packages lie inside the red lines but none that
the asked third parties accept (:func:`third_party_blocks`), else ``red_lines``: the
conflicting issues and their holders are named where two bounds on an issue conflict, no one
where none do (the candidates inside each issue's bounds combine into no package inside them
all, e.g. a linked or settled issue).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from detente.core import TOL_FEASIBLE, TOL_UTILITY
from detente.core.jit import kernel
from detente.scenario.simulation import Protocol
from detente.simulate.agenda import _feasible
from detente.simulate.cells import _sorted_at, _utility_at
from detente.simulate.model import SimModel
from detente.simulate.row_keys import _linear_utility
from detente.simulate.search import _find_at
from detente.simulate.state import RunState
from detente.simulate.steps.learn import INTENT, model_cache
from detente.simulate.steps.talk import bundle_table
from detente.simulate.steps.talk_args import TalkPlan
from detente.simulate.tables import TalkTable

__all__ = [
    "REASONS",
    "SettlementReasons",
    "blocking_parties",
    "settlement_reasons",
    "third_party_blocks",
]

REASONS = ("reached", "red_lines", "no_zone", "distrust", "talks")
"""Codes of :attr:`SettlementReasons.reason`, in this order."""

BoolArray = NDArray[np.bool_]
FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class SettlementReasons:
    """Per run: the reason code (index into :data:`REASONS`) and who or what blocked."""

    reason: NDArray[np.int8]  # (N,)
    blocking_issue: BoolArray  # (N, I) conflicting red lines on the issue (red_lines)
    blocking_actor: BoolArray  # (N, A) holds a conflicting red line, or no zone satisfies it


def settlement_reasons(m: SimModel, s: RunState) -> SettlementReasons:
    """The reasons of the runs of state ``s`` (after the last period)."""
    n, n_i, n_a = s.n, len(m.issue_ids), len(m.actor_ids)
    reason = np.full(n, REASONS.index("talks"), dtype=np.int8)
    issue = np.zeros((n, n_i), dtype=bool)
    actor = np.zeros((n, n_a), dtype=bool)
    reached = s.first[:, 0] >= 0
    if reached.all():  # every run signed: the passes below would name no reason nor party
        reason[:] = REASONS.index("reached")
        return SettlementReasons(reason, issue, actor)
    table = bundle_table(m, s, 0)
    rows = table.run_rows(n)
    closed = (table.n_feasible[rows] == 0) & ~reached
    # conflicting red lines in the run's regime (the actors in talks: belligerents and veto
    # parties with positions)
    lo, hi = m.agenda.lo[s.regime], m.agenda.hi[s.regime]  # (N, A, I)
    top_lo, low_hi = lo.max(axis=1), hi.min(axis=1)
    conflict = (top_lo > low_hi + TOL_FEASIBLE) & closed[:, None]
    issue |= conflict
    a_lo = np.take_along_axis(lo, lo.argmax(axis=1)[:, None, :], axis=1)[:, 0]
    for a in range(n_a):
        holds = (lo[:, a] >= a_lo - 1e-12) | (hi[:, a] <= low_hi + 1e-12)
        actor[:, a] |= (conflict & holds).any(axis=1)
    reason[closed] = REASONS.index("red_lines")

    # a third veto party's floor: no package inside the red lines that they all accept
    todo = ~reached & ~conflict.any(axis=1)
    blocked, accepted = third_party_blocks(m, s, table, rows, todo)
    filtered = m.protocol is not Protocol.alternating  # the table holds only accepted terms
    if filtered:
        blocked &= closed
    reason[blocked] = REASONS.index("no_zone")

    live = ~reached & ~closed & ~blocked
    idx = np.flatnonzero(live)
    if idx.size:
        tau_all = np.nan_to_num(s.tau, nan=0.0)
        # L·2 as the talks hold it (TalkPlan.sucker), times the distrust of the other's intention
        loss_all = model_cache(m, TalkPlan).sucker * (
            1.0 - np.nan_to_num(s.trust[:, :, INTENT], nan=0.5)
        )
        zone = np.zeros(n, dtype=bool)
        trusted = np.zeros(n, dtype=bool)
        best = np.full((n, 2), -np.inf)
        # the utilities as the talks read them (a table of the linear form stores none)
        utility = np.ascontiguousarray(table.flat_utility, dtype=np.float64)
        lin_dist, lin_w = table.linear_arrays
        feasible = np.ascontiguousarray(table.feasible, dtype=np.bool_)
        rows = np.ascontiguousarray(rows, dtype=np.int64)
        value = np.ascontiguousarray(s.value, dtype=np.float64)
        tau_all = np.ascontiguousarray(tau_all, dtype=np.float64)
        loss_all = np.ascontiguousarray(loss_all, dtype=np.float64)
        # each run's sorted rows narrow the pass to the packages a side's gain admits; runs
        # whose rows are not plainly sorted (a utility NaN, negative or ≥ 1.5) take the
        # whole pass, as do all runs when the table holds terms a third party refuses (the
        # pass then reads only the accepted ones)
        rest = np.empty(idx.size, dtype=np.int64)
        keys, order = table.search_keys, table.flat_order
        if accepted is not None and not filtered:
            feasible = np.ascontiguousarray(feasible & accepted, dtype=np.bool_)
            rest[:], count = idx, idx.size
        else:
            count = _zones_sorted(
                utility,
                lin_dist,
                lin_w,
                table.size,
                keys[0],
                keys[1],
                order[0],
                order[1],
                np.ascontiguousarray(table.n_feasible, dtype=np.int64),
                rows,
                idx.astype(np.int64),
                value,
                tau_all,
                loss_all,
                zone,
                trusted,
                best,
                rest,
            )
        _zones(
            utility,
            lin_dist,
            lin_w,
            feasible,
            rows,
            rest[:count],
            value,
            tau_all,
            loss_all,
            zone,
            trusted,
            best,
        )
        reason[live & ~zone] = REASONS.index("no_zone")
        reason[live & zone & ~trusted] = REASONS.index("distrust")
    reason[reached] = REASONS.index("reached")
    # a no_zone run with no third party asked: no package of the table's feasible ones is
    # accepted by both belligerents (the zone pass above)
    no_zone = reason == REASONS.index("no_zone")
    actor |= blocking_parties(m, s, table, rows, no_zone, zone_free=True)
    return SettlementReasons(reason, issue, actor)


def _third_parties(m: SimModel) -> tuple[IntArray, FloatArray]:
    """The settlement's asked third veto parties (indices into ``actor_ids``) and the floor
    of each actor (``SimModel.veto_floors[0]``, −∞ where not asked)."""
    floors = m.veto_floors[0]
    return np.flatnonzero(np.isfinite(floors)), floors


def _inside(m: SimModel, s: RunState, idx: IntArray) -> BoolArray:
    """(J, K) the settlement's candidates inside every veto party's red lines in the regime of
    each run of ``idx`` (the agenda's test, before any third party's floor filters them)."""
    by_regime, at = _inside_regimes(m, s, idx)
    out: BoolArray = by_regime[at]
    return out


def _inside_regimes(m: SimModel, s: RunState, idx: IntArray) -> tuple[BoolArray, IntArray]:
    """:func:`_inside` once per regime: (G, K) for the G regimes of the runs ``idx``, and
    (J,) the regime of each run (an index into the G)."""
    spec, ag = m.agenda.bundles[0], m.agenda
    regimes, at = np.unique(s.regime[idx], return_inverse=True)
    lo, hi = ag.lo[regimes][:, spec.veto], ag.hi[regimes][:, spec.veto]
    out: BoolArray = _feasible(spec.candidates, spec.settled, lo, hi) & spec.on_agenda
    return out, np.asarray(at, dtype=np.int64).reshape(-1)


def third_party_blocks(
    m: SimModel, s: RunState, table: TalkTable, rows: IntArray, todo: BoolArray
) -> tuple[BoolArray, BoolArray | None]:
    """Whether the settlement's third veto parties close it, for the runs ``todo``: (N,)
    ``blocked``, some package lies inside every veto party's red lines in the run's regime
    but none that every asked third party accepts (its utility, as the talks read it, at
    least its floor ``SimModel.veto_floors[0]`` less ``TOL_UTILITY``: the talks' rule,
    ``protocols._others1``); and (R, K) the packages of each row of ``table`` that every
    asked third party accepts (None when none is asked)."""
    blocked = np.zeros(s.n, dtype=bool)
    third, floors = _third_parties(m)
    if not third.size:
        return blocked, None
    ok = table.utility[:, :, third] >= floors[third] - TOL_UTILITY  # (R, K, T)
    accepted: BoolArray = np.asarray(ok.all(axis=2), dtype=bool)
    idx = np.flatnonzero(todo)
    if idx.size:
        inside = _inside(m, s, idx)
        blocked[idx] = inside.any(axis=1) & ~(inside & accepted[rows[idx]]).any(axis=1)
    return blocked, accepted


def blocking_parties(
    m: SimModel,
    s: RunState,
    table: TalkTable,
    rows: IntArray,
    runs: BoolArray,
    *,
    zone_free: bool = False,
) -> BoolArray:
    """(N, A) for the runs ``runs`` (those with no zone), the parties whose acceptance closes
    the zone: each belligerent and each asked third veto party. Over the packages inside the
    red lines of the run's regime (:func:`_inside`), a party accepts a package whose utility,
    as the talks read it, reaches its need (a belligerent: gain over its value of fighting
    on at least ``−TOL_UTILITY``; a third party: utility at least its floor less
    ``TOL_UTILITY``, ``protocols._others1``'s rule). It is named when none of the packages
    that every other party accepts is one it accepts, or, where there are no such packages,
    when it accepts none at all (the others closed the zone among themselves: a party that
    would take some package is not named for it). With no third party and no zone, a
    belligerent is named unless the other accepts nothing and it accepts something.
    A compiled pass over each run's candidates (:func:`_blocking`), reading utilities as the
    talks do: no (runs, K, A) copy and no table of utilities built for it. ``zone_free``
    (with no third party asked): the caller knows that no package of each run's feasible
    ones in ``table`` is accepted by both belligerents (:func:`settlement_reasons`' no_zone
    runs); a run whose packages inside the red lines are its feasible ones is then named
    by :func:`_blocking_pair` (the same names, reading a package or two a side where a
    side's best package accepts), the others by :func:`_blocking`."""
    who = np.zeros((s.n, len(m.actor_ids)), dtype=bool)
    idx = np.flatnonzero(runs)
    if not idx.size:
        return who
    third, floors = _third_parties(m)
    parties = np.concatenate([np.arange(2, dtype=np.int64), third])
    need = np.ascontiguousarray(floors[third] - TOL_UTILITY, dtype=np.float64)
    inside, at = _inside_regimes(m, s, idx)
    assert inside.shape[1] == table.size  # the settlement's candidates are the table's
    lin_dist, lin_w = table.linear_arrays
    utility = np.ascontiguousarray(table.flat_utility, dtype=np.float64)
    inside = np.ascontiguousarray(inside, dtype=np.bool_)
    at = np.ascontiguousarray(at, dtype=np.int64)
    rows = np.ascontiguousarray(rows, dtype=np.int64)
    idx = idx.astype(np.int64)
    value = np.ascontiguousarray(s.value, dtype=np.float64)
    if zone_free and not third.size:
        order0, order1 = table.flat_order
        left = np.empty(idx.size, dtype=np.int64)
        count = _blocking_pair(
            utility,
            lin_dist,
            lin_w,
            inside,
            np.ascontiguousarray(table.feasible, dtype=np.bool_),
            order0,
            order1,
            np.ascontiguousarray(table.n_feasible, dtype=np.int64),
            at,
            rows,
            idx,
            value,
            who,
            left,
        )
        if not count:
            return who
        keep = np.flatnonzero(np.isin(idx, left[:count]))
        idx, at = idx[keep], at[keep]
    _blocking(utility, lin_dist, lin_w, inside, at, rows, idx, value, parties, need, who)
    return who


@kernel
def _named(accepts: bool | np.bool_, other_accepts: bool | np.bool_, both: bool | np.bool_) -> bool:
    """Whether a belligerent is named as blocking: where the other accepts some package
    inside, unless one of those is also its own (``both``); where the other accepts none,
    when it accepts none either. The one rule of :func:`_blocking` and :func:`_blocking_pair`
    (which has no package both accept: ``both`` False)."""
    return bool(not both if other_accepts else not accepts)


@kernel
def _accepts_any(
    utility: FloatArray,
    lin_dist: FloatArray,
    lin_w: FloatArray,
    inside: BoolArray,
    g: int,
    r: int,
    k: int,
    side: int,
    v: float,
    hint: int,
) -> bool:
    """Some package inside (``inside[g]``) has a gain to ``side`` over ``v`` of at least
    ``−TOL_UTILITY`` (its utility :func:`~detente.simulate.cells._utility_at` of row ``r``):
    package ``hint`` (its best, by the table's order) first, then in index order to the first
    one found."""
    tol = -TOL_UTILITY
    here = 0 <= hint < k and inside[g, hint]
    if here and _utility_at(utility, lin_dist, lin_w, r, k, r * k + hint, side) - v >= tol:
        return True
    for q in range(k):
        if inside[g, q] and _utility_at(utility, lin_dist, lin_w, r, k, r * k + q, side) - v >= tol:
            return True
    return False


@kernel
def _blocking_pair(
    utility: FloatArray,
    lin_dist: FloatArray,
    lin_w: FloatArray,
    inside: BoolArray,
    feasible: BoolArray,
    order0: NDArray[np.int16],
    order1: NDArray[np.int16],
    n_feasible: IntArray,
    at: IntArray,
    rows: IntArray,
    idx: IntArray,
    value: FloatArray,
    who: BoolArray,
    left: IntArray,
) -> int:
    """:func:`_blocking`'s names for the belligerents alone, for runs ``idx`` none of whose
    feasible packages (``feasible`` of the run's row) both accept: for a run whose packages
    inside the red lines (``inside[at[j]]``) are exactly its feasible ones, no package inside
    is accepted by both, so each side is named unless the other accepts none and it accepts
    some (:func:`_blocking`'s flags with ``both`` False), and whether a side accepts some
    package is read off its best package by the table's order (``order0``/``order1`` at the
    row's last feasible position, :attr:`~detente.simulate.tables.TalkTable.flat_order`),
    else by a pass to the first one it accepts (:func:`_accepts_any`; the order is only a
    hint: any order reads the same). The other runs are listed in ``left`` (returns how
    many) for :func:`_blocking`."""
    k = inside.shape[1]
    count = 0
    for j in range(idx.shape[0]):
        run = idx[j]
        r = rows[run]
        g = at[j]
        n_in = np.int64(0)
        differ = np.int64(0)
        for q in range(k):  # one pass without a branch (it vectorises)
            i = np.int64(inside[g, q])
            n_in += i
            differ += i ^ np.int64(feasible[r, q])
        if differ:
            left[count] = run
            count += 1
            continue
        if n_in == 0:  # nothing inside: nobody named (as _blocking)
            continue
        last = r * k + max(n_feasible[r] - 1, 0)
        any0 = _accepts_any(
            utility, lin_dist, lin_w, inside, g, r, k, 0, value[run, 0], int(order0[last])
        )
        any1 = _accepts_any(
            utility, lin_dist, lin_w, inside, g, r, k, 1, value[run, 1], int(order1[last])
        )
        who[run, 0] = _named(any0, any1, False)  # a no-zone run: no package both accept
        who[run, 1] = _named(any1, any0, False)
    return count


@kernel
def _blocking(
    utility: FloatArray,
    lin_dist: FloatArray,
    lin_w: FloatArray,
    inside: BoolArray,
    at: IntArray,
    rows: IntArray,
    idx: IntArray,
    value: FloatArray,
    parties: IntArray,
    need: FloatArray,
    who: BoolArray,
) -> None:
    """:func:`blocking_parties`' rule for the runs ``idx`` (run ``idx[j]`` in regime
    ``at[j]``, its candidates inside the red lines ``inside[at[j]]``), one pass over each
    run's candidates: party ``p`` (``parties``: the two belligerents, then the asked third
    parties with needs ``need``) accepts a candidate whose utility
    (:func:`~detente.simulate.cells._utility_at`) reaches its need; ``who[run, p]`` is set
    when no candidate every other party accepts is one it accepts, or, if there is no such
    candidate, when it accepts none. Runs with no candidate inside are left unnamed.
    With the belligerents alone, four counts over every candidate decide (inside, accepted
    by each, by both), without a branch: the pass vectorises, and for a table of the linear
    form the utilities are computed from its contiguous distances
    (:func:`~detente.simulate.row_keys._linear_utility`, what ``_utility_at`` computes)
    instead of one call per utility (measured, branch s16b: asp-nozopa at 1,024 outcomes,
    every run without a zone, the whole reasons 4.2 → 1.8-2.4 µs a run)."""
    tol = -TOL_UTILITY
    k = inside.shape[1]
    n_p = parties.shape[0]
    linear = lin_dist.shape[0] > 0
    if linear:  # each belligerent's distances issue by issue, contiguous in the candidate
        d00, d01, d10, d11 = lin_dist[0, 0], lin_dist[0, 1], lin_dist[1, 0], lin_dist[1, 1]
    else:
        d00 = d01 = d10 = d11 = np.empty(0)
    ok = np.empty(n_p, dtype=np.bool_)
    any_ok = np.empty(n_p, dtype=np.bool_)
    others = np.empty(n_p, dtype=np.bool_)
    hit = np.empty(n_p, dtype=np.bool_)
    for j in range(idx.shape[0]):
        run = idx[j]
        r = rows[run]
        g = at[j]
        if n_p == 2:  # the belligerents alone: four flags decide (one pass, no arrays)
            v0, v1 = value[run, 0], value[run, 1]
            # counted over every candidate without a branch (the pass vectorises); stopping
            # at the first candidate both accept would name nobody either
            zero = np.int64(0)
            n_in, n0, n1, n01 = zero, zero, zero, zero
            if linear:
                w00, w01 = lin_w[r, 0, 0], lin_w[r, 0, 1]
                w10, w11 = lin_w[r, 1, 0], lin_w[r, 1, 1]
                ins = inside[g]
                for q in range(k):
                    i = np.int64(ins[q])
                    u0 = _linear_utility(d00[q], d01[q], w00, w01)
                    u1 = _linear_utility(d10[q], d11[q], w10, w11)
                    o0 = np.int64(u0 - v0 >= tol)
                    o1 = np.int64(u1 - v1 >= tol)
                    n_in += i
                    n0 += i & o0
                    n1 += i & o1
                    n01 += i & o0 & o1
            else:
                for q in range(k):
                    i = np.int64(inside[g, q])
                    o0 = np.int64(utility[r * k + q, 0] - v0 >= tol)
                    o1 = np.int64(utility[r * k + q, 1] - v1 >= tol)
                    n_in += i
                    n0 += i & o0
                    n1 += i & o1
                    n01 += i & o0 & o1
            seen2, any0, any1, both = n_in > 0, n0 > 0, n1 > 0, n01 > 0
            if seen2:
                # the other party accepts some candidate: named unless one of those is also
                # its own; the other accepts none: named when it accepts none either
                who[run, 0] = _named(any0, any1, both)
                who[run, 1] = _named(any1, any0, both)
            continue
        any_ok[:] = False
        others[:] = False
        hit[:] = False
        seen = False
        for q in range(k):
            if not inside[g, q]:
                continue
            seen = True
            refused = 0
            for p in range(n_p):
                u = _utility_at(utility, lin_dist, lin_w, r, k, r * k + q, parties[p])
                if p < 2:
                    ok[p] = u - value[run, p] >= tol
                else:
                    ok[p] = u >= need[p - 2]
                if ok[p]:
                    any_ok[p] = True
                else:
                    refused += 1
            for p in range(n_p):
                if refused - (0 if ok[p] else 1) == 0:
                    others[p] = True
                    if ok[p]:
                        hit[p] = True
        if not seen:
            continue
        for p in range(n_p):
            who[run, parties[p]] = not hit[p] if others[p] else not any_ok[p]


@kernel
def _zones(
    utility: FloatArray,
    lin_dist: FloatArray,
    lin_w: FloatArray,
    feasible: BoolArray,
    rows: IntArray,
    idx: IntArray,
    value: FloatArray,
    tau: FloatArray,
    loss: FloatArray,
    zone: BoolArray,
    trusted: BoolArray,
    best: FloatArray,
) -> None:
    """For each live run ``j`` in ``idx`` (its table row ``rows[j]``), over its feasible
    candidates (utilities: :func:`~detente.simulate.cells._utility_at` of ``utility``
    (R·K, A), ``lin_dist``, ``lin_w``), each side's gain over fighting ``g = U − value``:
    ``zone[j]``, some candidate has both gains ≥ −tol; ``trusted[j]``, one of those also
    passes both sides' test of distrust ``τ·g − (1 − τ)·L ≥ −tol``; ``best[j, side]``, the
    largest gain of ``side`` among candidates the other side's gain admits (``-inf`` if
    none; NaN propagating, as NumPy's ``max``), read only where there is no zone. One pass
    over the run's row of the table, which stops at the first candidate in the zone that passes the
    test of distrust (nothing more can change what is read: ``best`` is then partial)."""
    tol = -TOL_UTILITY
    k = feasible.shape[1]
    for a in range(idx.shape[0]):
        j = idx[a]
        r = rows[j]
        v0, v1 = value[j, 0], value[j, 1]
        t0, t1 = tau[j, 0], tau[j, 1]
        fear0, fear1 = (1.0 - t0) * loss[j, 0], (1.0 - t1) * loss[j, 1]
        z, tr = False, False
        b0, b1 = -np.inf, -np.inf
        for q in range(k):
            if not feasible[r, q]:
                continue
            g0 = _utility_at(utility, lin_dist, lin_w, r, k, r * k + q, 0) - v0
            g1 = _utility_at(utility, lin_dist, lin_w, r, k, r * k + q, 1) - v1
            m0, m1 = g0 >= tol, g1 >= tol
            if m1:
                b0 = _max_nan(b0, g0)
            if m0:
                b1 = _max_nan(b1, g1)
            if m0 and m1:
                z = True
                if t0 * g0 - fear0 >= tol and t1 * g1 - fear1 >= tol:
                    tr = True
                    break
        zone[j], trusted[j] = z, tr
        best[j, 0], best[j, 1] = b0, b1


_GATHERED = 4
"""A run's zone pass reads its admitted packages through its sorted rows when they are at
most a quarter of its feasible ones (asp-nozopa at 1,024 outcomes: a tenth a side), else
every package in index order (measured: issue 13, branch s9tab, CHANGELOG)."""

_SORTED_FROM = 256
"""Rows with fewer feasible packages take the whole pass (it costs little; the bisections
would cost about as much as they save: 100 outcomes, measured)."""


@kernel
def _zones_sorted(
    utility: FloatArray,
    lin_dist: FloatArray,
    lin_w: FloatArray,
    k: int,
    keys0: FloatArray | None,
    keys1: FloatArray | None,
    order0: NDArray[np.int16],
    order1: NDArray[np.int16],
    n_feasible: IntArray,
    rows: IntArray,
    idx: IntArray,
    value: FloatArray,
    tau: FloatArray,
    loss: FloatArray,
    zone: BoolArray,
    trusted: BoolArray,
    best: FloatArray,
    rest: IntArray,
) -> int:
    """:func:`_zones` of the live runs ``idx`` read off each side's sorted row of the table
    (``keys``, ``order``: :attr:`~detente.simulate.tables.TalkTable.search_keys` and
    ``flat_order``, read by :func:`~detente.simulate.cells._sorted_at`): the packages
    whose gain to side 1 is admitted (``g1 ≥ −tol``) lie at or above a bisected position of
    side 1's row, those admitted by side 0 in side 0's row, so
    the pass reads only those (the talks' sorted values are the utilities, or their 41
    leading bits: the bisection's bound is lowered by 10⁻⁹·(2 + |value|), far more than that
    or a rounding moves it, and every package read is tested as in :func:`_zones`). The
    zone and the trusted packages all have admitted gains to side 1: the same answers;
    ``best[j, 0]`` the maximum over side 1's admitted packages, ``best[j, 1]`` over side
    0's (read only where there is no zone, and only as ``best < −tol``: the order in which
    equal gains come does not matter). A run whose row is not plainly sorted (its last
    feasible position's value outside [+0, 1.5): a utility NaN, negative or ≥ 1.5, or
    infeasible packages before feasible ones; a table of the order alone is plainly sorted
    by its build, :func:`~detente.simulate.tables._plain_linear`, and is not read for it),
    with fewer than :data:`_SORTED_FROM`
    feasible packages, or whose admitted packages are more than
    1/:data:`_GATHERED` of its feasible ones (read through the order, a package costs
    several read in index order), is left for :func:`_zones`: returns how many such runs
    ``rest`` starts with. Where both values of fighting are finite (every gain of a
    plainly sorted row is then finite), only the side that admits fewer packages is read
    (:func:`_zone_in`: the zone and the trusted packages are admitted by both sides), if
    they are at most 1/:data:`_GATHERED` of the feasible ones, and both best gains are
    left at ``-inf``: where there is no zone each is below −tol anyway (a package admitted
    by one side with a gain ≥ −tol to the other would be in the zone), so it reads the
    same."""
    tol = -TOL_UTILITY
    count = 0
    for a in range(idx.shape[0]):
        j = idx[a]
        r = rows[j]
        nf = n_feasible[r]
        base = r * k
        v0, v1 = value[j, 0], value[j, 1]
        plain = nf >= _SORTED_FROM
        if plain and keys0 is not None:  # the order alone: plainly sorted (_plain_linear)
            plain = _plain(_sorted_at(keys0, order0, lin_dist, lin_w, 0, r, base, nf, nf - 1))
            plain = plain and _plain(
                _sorted_at(keys1, order1, lin_dist, lin_w, 1, r, base, nf, nf - 1)
            )
        # gathered through the order, a package read costs several read in index order: a
        # side's admitted packages are looked for among its top quarter only
        top = nf - 1 - nf // _GATHERED
        p0, p1 = 0, 0
        if plain:
            p0 = _first_at_least(
                keys0, order0, lin_dist, lin_w, 0, r, base, top, nf, _bound(v0, tol)
            )
            p1 = _first_at_least(
                keys1, order1, lin_dist, lin_w, 1, r, base, top, nf, _bound(v1, tol)
            )
        t0, t1 = tau[j, 0], tau[j, 1]
        fear0, fear1 = (1.0 - t0) * loss[j, 0], (1.0 - t1) * loss[j, 1]
        if plain and abs(v0) < np.inf and abs(v1) < np.inf:
            # every gain finite: the zone and the trusted packages read off the side that
            # admits fewer, and where there is no zone each best gain is below −tol
            # (a package admitted by one side whose gain to the other were ≥ −tol would be
            # in the zone): -inf reads the same
            few0 = nf - p0 <= nf - p1
            if (nf - p0 if few0 else nf - p1) > nf // _GATHERED:
                rest[count] = j
                count += 1
                continue
            z, tr = _zone_in(
                utility,
                lin_dist,
                lin_w,
                k,
                order0 if few0 else order1,
                base,
                r,
                p0 if few0 else p1,
                nf,
                v0,
                v1,
                t0,
                t1,
                fear0,
                fear1,
            )
            zone[j], trusted[j] = z, tr
            best[j, 0], best[j, 1] = -np.inf, -np.inf
            continue
        if not plain or (nf - p0) + (nf - p1) > nf // _GATHERED:
            rest[count] = j
            count += 1
            continue
        z, tr = False, False
        b0, b1 = -np.inf, -np.inf
        # side 1's admitted packages: the zone, the trusted ones and side 0's best gain
        for p in range(p1, nf):
            q = base + int(order1[base + p])
            g0 = _utility_at(utility, lin_dist, lin_w, r, k, q, 0) - v0
            g1 = _utility_at(utility, lin_dist, lin_w, r, k, q, 1) - v1
            if g1 >= tol:
                b0 = _max_nan(b0, g0)
                if g0 >= tol:
                    z = True
                    if t0 * g0 - fear0 >= tol and t1 * g1 - fear1 >= tol:
                        tr = True
                        break
        if not tr:  # side 0's admitted packages: side 1's best gain
            for p in range(p0, nf):
                q = base + int(order0[base + p])
                g0 = _utility_at(utility, lin_dist, lin_w, r, k, q, 0) - v0
                if g0 >= tol:
                    b1 = _max_nan(b1, _utility_at(utility, lin_dist, lin_w, r, k, q, 1) - v1)
        zone[j], trusted[j] = z, tr
        best[j, 0], best[j, 1] = b0, b1
    return count


@kernel
def _zone_in(
    utility: FloatArray,
    lin_dist: FloatArray,
    lin_w: FloatArray,
    k: int,
    order: NDArray[np.int16],
    base: int,
    r: int,
    p: int,
    nf: int,
    v0: float,
    v1: float,
    t0: float,
    t1: float,
    fear0: float,
    fear1: float,
) -> tuple[bool, bool]:
    """Whether some package at positions ``p…nf`` of a sorted row (``order`` from ``base``)
    has both gains ≥ −tol (the zone), and whether one of those also passes both sides'
    test of distrust (trusted: the scan stops there), as :func:`_zones` tests them."""
    tol = -TOL_UTILITY
    z = False
    for at in range(p, nf):
        q = base + int(order[base + at])
        g0 = _utility_at(utility, lin_dist, lin_w, r, k, q, 0) - v0
        g1 = _utility_at(utility, lin_dist, lin_w, r, k, q, 1) - v1
        if g0 >= tol and g1 >= tol:
            z = True
            if t0 * g0 - fear0 >= tol and t1 * g1 - fear1 >= tol:
                return True, True
    return z, False


@kernel
def _plain(last: float) -> bool:
    """A sorted row whose last feasible value is this is plainly sorted: a float in
    [+0, 1.5) (not NaN, not −0.0), so every feasible value before it is too, in order."""
    return last >= 0.0 and last < 1.5 and (last != 0.0 or math.copysign(1.0, last) > 0.0)


@kernel
def _bound(v: float, tol: float) -> float:
    """Below every sorted value of a package whose gain ``u − v`` is at least ``tol`` (NaN:
    no package's is)."""
    return (v + tol) - 1e-9 * (2.0 + abs(v))


@kernel
def _first_at_least(
    keys: FloatArray | None,
    order: NDArray[np.int16],
    lin_dist: FloatArray,
    lin_w: FloatArray,
    side: int,
    r: int,
    base: int,
    below: int,
    nf: int,
    x: float,
) -> int:
    """The first of the row's ``nf`` feasible positions whose value is at least ``x``
    (``nf`` if none, or if ``x`` is NaN), if it lies above position ``below`` (a bisection
    of the positions above it); else at most ``below`` (0, without searching). The row is
    side ``side``'s row ``r`` from entry ``base``, read as the talks read it
    (:func:`~detente.simulate.cells._sorted_at`: stored, or computed from the order)."""
    if x != x:
        return nf
    if below >= 0 and _sorted_at(keys, order, lin_dist, lin_w, side, r, base, nf, below) >= x:
        return 0
    # the talks' bisection (no hint)
    return _find_at(keys, order, lin_dist, lin_w, side, r, base, 0.0, nf, nf, x, -1)


@kernel
def _max_nan(a: float, b: float) -> float:
    """``np.maximum(a, b)``'s NaN rule in a running maximum: NaN once either is NaN."""
    if a != a:
        return a
    if b != b:
        return b
    return b if b > a else a
