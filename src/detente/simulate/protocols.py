"""Talks protocols: how a round of talks turns the parties' moves into offers and agreements.

Every protocol sees the same :class:`Round` (both belligerents' moves for this round, who is
talking, their values of fighting and trust) and returns an :class:`Outcome`: which runs
agreed on which package, the standing offer or the mediator's text for the next round, and
what each side saw of the other's position (so that every strategy, under every protocol, sees
the other side's concessions), what it refused and what it offered (the screening evidence of
:mod:`detente.simulate.beliefs`).

``alternating``  Stacked alternating offers (Aydoğan et al. 2017; NegMAS's ``SAOMechanism``):
    in each round A, then B, either accepts the standing offer or rejects it and proposes
    the package it values least among those meeting its demand. Turns alternate strictly,
    whatever the cadence of the talks, so both sides propose in every round held.
``single_text``  A mediator's single negotiating text (Raiffa 1982; Fisher's one-text
    procedure): the mediator drafts a text (first, the package maximising the Nash product of
    the parties' gains over fighting); each round both review it and accept or object,
    stating what they need (their demand); the mediator then redrafts to the package that
    leaves the largest unmet objection smallest, ties to the Nash product. A side's view of
    the other's position is the most it can get among the packages meeting the other's
    stated objection.
``multilateral``  Alternating offers in which the bundle's other veto parties sit at the
    table: proposers offer only packages they accept (their positions are public).

Under every protocol an agreement on a bundle is signed only when the bundle's veto parties
beyond the belligerents accept it (``SimModel.veto_floors``: those whose veto covers an issue
it touches, the analysis' one rule ``Agreement.veto_parties``; each needs its value of no
agreement on the bundle, :func:`~detente.simulate.model.veto_floor`). Under ``single_text``
the mediator drafts only texts they accept; under ``alternating`` the belligerents' offers are
not filtered and the parties ratify what they agree (Putnam 1988).

Acceptance: a party accepts a package ``k`` when it is feasible, worth at least its acceptance
floor, and its distrust-adjusted value beats fighting, ``τ U + (1 − τ)(V − L) ≥ V``, with ``τ``
its belief that the other delivers and ``L = L_i · 2(1 − T_intention)`` the sucker's loss
(``L_i`` the bargaining engine's for that side, ``bargaining.distrust.cheated_loss``) scaled
by the hostility it expects of a cheater; a party signing in bad faith skips that test (it
does not mean to keep the agreement).

The rules are compiled (:mod:`detente.core.jit`): per run (``_*1``) and over a round's runs
(``_*_runs``): the talk step's round (:mod:`detente.simulate.steps.talk`) calls the
per-run rules; :func:`accepts`, :func:`needs` and :func:`mediator_text` apply them to
arrays of runs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from detente.core import TOL_UTILITY
from detente.core.jit import kernel
from detente.simulate.cells import _utility_at
from detente.simulate.model import SimModel
from detente.simulate.search import _cell, value_of
from detente.simulate.strategies import Move, _maximum, _minimum
from detente.simulate.tables import FEW_ROWS, TalkTable

__all__ = ["Round", "accepts", "draft_candidates", "mediator_text", "needs"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

_BIG = float(np.finfo(np.float64).max)
_NO_IDX = np.zeros((0, 0), dtype=np.int64)
_NO_REAL = np.zeros((0, 0), dtype=np.bool_)


@dataclass(frozen=True)
class Round:
    """A round of talks for N runs (what :func:`accepts` and :func:`needs` read)."""

    table: TalkTable
    held: BoolArray  # (N,) both sides attend a scheduled round
    moves: tuple[Move, Move]
    value: FloatArray  # (N, 2) values of fighting
    tau: FloatArray  # (N, 2) belief that the other delivers
    loss: FloatArray  # (N, 2) sucker's loss each side fears
    standing: IntArray  # (N,) standing offer, -1 none
    standing_by: IntArray  # (N,)
    text: IntArray  # (N,) mediator's text, -1 none yet
    pos_u: FloatArray  # (N, 2) utility to each side of the other's latest position
    prev_pos_u: FloatArray  # (N, 2)
    bundle: int = 0  # the bundle talked about (whose veto parties accept, SimModel.veto_floors)


# Every rule of a round, compiled: per-run rules take and return numbers only (a compiled call
# that passes arrays pays for reference counting); the kernels over runs (``_*_runs``) apply
# them to arrays of runs, and the talk step's round calls the per-run rules.


@kernel
def _fear1(sucker: float, trust_intent: float) -> float:
    """The sucker's loss a side fears in one run (the module's ``L``): ``sucker``, its
    ``L_i · 2`` (:attr:`detente.simulate.steps.talk_args.TalkPlan.sucker`), times its distrust
    of the other's intention ``1 − T_intention`` (Kydd 2005). The one implementation: the talk
    round calls it per run, :func:`detente.simulate.steps.expiry.sucker_fear` over runs."""
    return sucker * (1.0 - trust_intent)


@kernel
def _fears(sucker: FloatArray, trust: FloatArray, intent: int, out: FloatArray) -> None:
    """``out[j, side]``: :func:`_fear1` of run ``j``'s side (``trust`` (N, 2, D), ``intent``
    its intention dimension)."""
    for j in range(out.shape[0]):
        for side in range(2):
            out[j, side] = _fear1(sucker[side], trust[j, side, intent])


@kernel
def _needs1(demand: float, bad_faith: bool, value: float, tau: float, loss: float) -> float:
    """:func:`needs` of one run."""
    t = _maximum(tau, 1e-9)
    trust_floor = value + (1.0 - t) * loss / t
    return demand if bad_faith else _maximum(demand, trust_floor)


@kernel
def _accepts1(
    cand: int,
    u: float,
    accept: float,
    bad_faith: bool,
    value: float,
    tau: float,
    loss: float,
    others: bool,
) -> bool:
    """:func:`accepts` of one run (``u``: the side's utility of ``cand``; ``others``: every
    other veto party accepts it, :func:`_others_runs`)."""
    trusts = tau * u + (1.0 - tau) * (value - loss) >= value - TOL_UTILITY
    return cand >= 0 and u >= accept - TOL_UTILITY and (trusts or bad_faith) and others


@kernel
def _others1(
    utility: FloatArray,
    lin_dist: FloatArray,
    lin_w: FloatArray,
    row: int,
    k: int,
    at: int,
    n_actors: int,
    asked: bool,
    floors: FloatArray,
) -> bool:
    """The bundle's veto parties beyond the belligerents accept the candidate at entry ``at``
    of the flattened table (row ``row``; -1: none), each's utility (:func:`~detente.simulate.
    cells._utility_at`) at least its ``floors`` entry (the bundle's row of
    ``SimModel.veto_floors``, -inf for a party not asked); True when none is asked (``asked``
    False)."""
    ok = True
    if asked:
        for a in range(2, n_actors):
            floor = floors[a] - TOL_UTILITY
            ok = ok and at >= 0 and _utility_at(utility, lin_dist, lin_w, row, k, at, a) >= floor
    return ok


@kernel
def _others_runs(
    utility: FloatArray,
    lin_dist: FloatArray,
    lin_w: FloatArray,
    k: int,
    rows: IntArray,
    cand: IntArray,
    n_actors: int,
    asked: bool,
    floors: FloatArray,
    out: BoolArray,
) -> None:
    """``out[j]``: :func:`_others1` of ``cand[j]`` in row ``rows[j]``."""
    for j in range(rows.shape[0]):
        r = rows[j]
        at = _cell(r, k, cand[j])
        out[j] = _others1(utility, lin_dist, lin_w, r, k, at, n_actors, asked, floors)


@kernel
def _objection(x: float) -> float:
    """A stated demand as the mediator reads it (``np.nan_to_num(x, nan=-inf)``: NaN objects
    to nothing, ±inf become the largest finite numbers)."""
    if x != x:
        return -np.inf
    if x == np.inf:
        return _BIG
    if x == -np.inf:
        return -_BIG
    return x


@kernel
def _draft1(
    utility: FloatArray,
    lin_dist: FloatArray,
    lin_w: FloatArray,
    k: int,
    row: int,
    demand0: float,
    demand1: float,
    value0: float,
    value1: float,
    every: bool,
    idx: IntArray,
    real: BoolArray,
    feasible: BoolArray,
) -> int:
    """:func:`mediator_text` of one run in row ``row`` (the row's candidates: every one if
    ``every``, the feasible ones eligible, else the row's ``idx`` where ``real``:
    :func:`draft_candidates`; their utilities: :func:`~detente.simulate.cells._utility_at`
    of ``utility``, ``lin_dist``, ``lin_w``)."""
    n_c = k if every else idx.shape[1]
    if n_c == 0:
        return -1
    da, db = _objection(demand0), _objection(demand1)
    best = np.inf  # the smallest largest unmet objection (NaN propagates, as np.min)
    some = False
    for e in range(n_c):
        ok = feasible[row, e] if every else real[row, e]
        some = some or ok
        if ok:
            at = row * k + (e if every else idx[row, e])
            ua = _utility_at(utility, lin_dist, lin_w, row, k, at, 0)
            ub = _utility_at(utility, lin_dist, lin_w, row, k, at, 1)
            short = _maximum(_maximum(da - ua, db - ub), 0.0)
            if short != short or best != best:
                best = np.nan
            elif short < best:
                best = short
    if not some:
        return -1
    bound = best + TOL_UTILITY
    pick, top = 0, -np.inf
    for e in range(n_c):
        ok = feasible[row, e] if every else real[row, e]
        if ok or every:
            at = row * k + (e if every else idx[row, e])
            ua = _utility_at(utility, lin_dist, lin_w, row, k, at, 0)
            ub = _utility_at(utility, lin_dist, lin_w, row, k, at, 1)
        else:  # padding
            ua, ub = 0.0, 0.0
        short = _maximum(_maximum(da - ua, db - ub), 0.0) if ok else np.inf
        ga, gb = ua - value0, ub - value1
        score = _maximum(ga, 0.0) * _maximum(gb, 0.0) + 1e-6 * _minimum(ga, gb)
        if not short <= bound:
            score = -np.inf
        if e == 0 or score != score or score > top:  # np.argmax: first maximum, or NaN
            pick, top = e, score
            if score != score:
                break
    return pick if every else idx[row, pick]


@kernel
def _drafts_runs(
    utility: FloatArray,
    lin_dist: FloatArray,
    lin_w: FloatArray,
    k: int,
    rows: IntArray,
    which: BoolArray,
    demand: FloatArray,
    value: FloatArray,
    every: bool,
    idx: IntArray,
    real: BoolArray,
    feasible: BoolArray,
    out: IntArray,
) -> None:
    """``out[j]`` for the runs ``which``: :func:`_draft1` of ``demand[j]``, ``value[j]``."""
    for j in range(rows.shape[0]):
        if which[j]:
            out[j] = _draft1(
                utility,
                lin_dist,
                lin_w,
                k,
                rows[j],
                demand[j, 0],
                demand[j, 1],
                value[j, 0],
                value[j, 1],
                every,
                idx,
                real,
                feasible,
            )


@kernel
def _alternating1(
    held: bool,
    st: int,
    by: int,
    u_st0: float,
    u_st1: float,
    others_st: bool,
    k0: int,
    u00: float,
    u01: float,
    others0: bool,
    k1: int,
    u10: float,
    u11: float,
    accept0: float,
    bad0: bool,
    value0: float,
    tau0: float,
    loss0: float,
    accept1: float,
    bad1: bool,
    value1: float,
    tau1: float,
    loss1: float,
    pos0: float,
    pos1: float,
    prev0: float,
    prev1: float,
) -> tuple[bool, int, int, int, float, float, float, float, float, float, float, float]:
    """Stacked alternating offers in one run. In: the standing offer ``st`` made by ``by``
    (its utility to A and B, the other veto parties accept it), what A and B would propose,
    ``k0``, ``k1`` (:func:`~detente.simulate.search.propose` of what each :func:`needs`;
    their utilities ``u00`` (of A's proposal to A), ``u01`` …), each side's acceptance
    inputs, the utilities to each side of the other's position now and before. Out:
    ``(agreed, terms, standing, standing_by, pos_u A, B, prev_pos_u A, B, refused A, B,
    offered A, B)``, NaN where nothing was refused or offered."""
    agreed, terms = False, -1
    ref0, ref1, off0, off1 = np.nan, np.nan, np.nan, np.nan
    # A: accept the standing offer of B, or propose
    has = held and st >= 0 and by == 1
    acc = has and _accepts1(st, u_st0, accept0, bad0, value0, tau0, loss0, others_st)
    if acc:
        agreed, terms = True, st
    elif has:
        ref0 = u_st0
    if held and not acc and k0 >= 0:
        st, by, off0 = k0, 0, u00
        prev1, pos1 = pos1, u01
        u_st1, others_st = u01, others0
    # B: the same, if A did not accept
    live = held and not agreed
    has = live and st >= 0 and by == 0
    acc = has and _accepts1(st, u_st1, accept1, bad1, value1, tau1, loss1, others_st)
    if acc:
        agreed, terms = True, st
    elif has:
        ref1 = u_st1
    if live and not acc and k1 >= 0:
        st, by, off1 = k1, 1, u11
        prev0, pos0 = pos0, u10
    return agreed, terms, st, by, pos0, pos1, prev0, prev1, ref0, ref1, off0, off1


@kernel
def _single_text1(
    held: bool,
    t: int,
    u0: float,
    u1: float,
    others: bool,
    need0: float,
    need1: float,
    seen0: float,
    seen1: float,
    accept0: float,
    bad0: bool,
    value0: float,
    tau0: float,
    loss0: float,
    accept1: float,
    bad1: bool,
    value1: float,
    tau1: float,
    loss1: float,
    pos0: float,
    pos1: float,
    prev0: float,
    prev1: float,
) -> tuple[bool, int, bool, float, float, float, float, float, float, float, float]:
    """The mediator's single text ``t`` reviewed in one run (its utilities to A and B, the
    other veto parties accept it; what each side needs and what each sees of the other's
    stated need, :func:`~detente.simulate.search.frontier`). Out: ``(agreed, terms,
    redraft, pos_u A, B, prev_pos_u A, B, refused A, B, offered A, B)``."""
    acc0 = held and _accepts1(t, u0, accept0, bad0, value0, tau0, loss0, others)
    acc1 = held and _accepts1(t, u1, accept1, bad1, value1, tau1, loss1, others)
    ref0, ref1, off0, off1 = np.nan, np.nan, np.nan, np.nan
    if held and not acc0:  # it objects, stating what it needs
        ref0, off0 = u0, need0
    if held and not acc1:
        ref1, off1 = u1, need1
    if held:  # what the other says it needs, seen from each side
        prev0, pos0 = pos0, seen0
        prev1, pos1 = pos1, seen1
    agreed = acc0 and acc1
    return (
        agreed,
        t if agreed else -1,
        held and not agreed,
        pos0,
        pos1,
        prev0,
        prev1,
        ref0,
        ref1,
        off0,
        off1,
    )


@kernel
def _needs_all(
    demand: FloatArray, bad_faith: BoolArray, value: FloatArray, tau: FloatArray, loss: FloatArray
) -> FloatArray:
    out = np.empty(demand.shape[0])
    for j in range(demand.shape[0]):
        out[j] = _needs1(demand[j], bad_faith[j], value[j], tau[j], loss[j])
    return out


@kernel
def _accepts_all(
    utility: FloatArray,
    lin_dist: FloatArray,
    lin_w: FloatArray,
    k: int,
    rows: IntArray,
    cand: IntArray,
    u: FloatArray,
    accept: FloatArray,
    bad_faith: BoolArray,
    value: FloatArray,
    tau: FloatArray,
    loss: FloatArray,
    n_actors: int,
    asked: bool,
    floors: FloatArray,
) -> BoolArray:
    out = np.empty(cand.shape[0], dtype=np.bool_)
    _others_runs(utility, lin_dist, lin_w, k, rows, cand, n_actors, asked, floors, out)
    for j in range(cand.shape[0]):
        out[j] = _accepts1(
            cand[j], u[j], accept[j], bad_faith[j], value[j], tau[j], loss[j], out[j]
        )
    return out


def _col(a: FloatArray, side: int) -> FloatArray:
    return np.ascontiguousarray(a[:, side], dtype=np.float64)


def needs(r: Round, side: int) -> FloatArray:
    """The least utility ``side`` would sign for: its demand, and no less than its
    distrust-adjusted value of fighting requires, ``V + (1 − τ)·L / τ`` (unless it would sign
    in bad faith). Offers and stated objections use it: a party never proposes, nor asks a
    mediator for, terms it would not accept."""
    mv = r.moves[side]
    out: FloatArray = _needs_all(
        np.ascontiguousarray(mv.demand, dtype=np.float64),
        np.ascontiguousarray(mv.bad_faith, dtype=np.bool_),
        _col(r.value, side),
        _col(r.tau, side),
        _col(r.loss, side),
    )
    return out


def accepts(
    m: SimModel, r: Round, side: int, k: IntArray, u: FloatArray | None = None
) -> BoolArray:
    """Does ``side`` accept package ``k`` (per run)? (module docstring; ``u``: its utility of
    ``k`` when already looked up)"""
    mv = r.moves[side]
    cand = np.ascontiguousarray(k, dtype=np.int64)
    runs = r.table.lookup(cand.shape[0])
    if u is None:
        u = value_of(r.table, cand, side)
    out: BoolArray = _accepts_all(
        runs.utility,
        *r.table.linear_arrays,
        runs.size,
        runs.rows,
        cand,
        np.ascontiguousarray(u, dtype=np.float64),
        np.ascontiguousarray(mv.accept, dtype=np.float64),
        np.ascontiguousarray(mv.bad_faith, dtype=np.bool_),
        _col(r.value, side),
        _col(r.tau, side),
        _col(r.loss, side),
        len(m.actor_ids),
        bool(m.veto_asks[r.bundle]),
        np.ascontiguousarray(m.veto_floors[r.bundle], dtype=np.float64),
    )
    return out


def draft_candidates(t: TalkTable, sliced: bool = True) -> tuple[bool, IntArray, BoolArray]:
    """The candidates the mediator drafts from, as :func:`_drafts_runs` reads them: ``(every,
    idx, real)``. A dominated package is never the draft (one that beats it for both sides
    has no larger unmet objection and no smaller Nash product): a shared table's efficient
    candidates, and a few rows' (red-line regimes) each row's, padded to the longest;
    per-run rows: every feasible candidate. ``sliced``: the table as the talks slice it for
    some of its runs (a few per-run rows then count as a few rows)."""
    if t.rows == 1 and t.row_of is None:
        idx, real = t.efficient_rows
        return False, idx, real
    if t.rows > FEW_ROWS or (t.row_of is None and not sliced):
        return True, _NO_IDX, _NO_REAL
    idx, real = t.efficient_rows
    return False, idx, real


def mediator_text(table: TalkTable, demand: FloatArray, value: FloatArray) -> IntArray:
    """The mediator's draft: among feasible packages, the one whose largest unmet objection
    (a side's demand minus its utility) is smallest, ties to the largest Nash product of the
    gains over fighting (then to the larger smaller gain). ``demand``, ``value``: (N, 2);
    NaN demands object to nothing."""
    every, idx, real = draft_candidates(table, sliced=False)
    runs = table.lookup(demand.shape[0])
    out = np.empty(demand.shape[0], dtype=np.int64)
    _drafts_runs(
        runs.utility,
        *table.linear_arrays,
        runs.size,
        runs.rows,
        np.ones(demand.shape[0], dtype=np.bool_),
        np.ascontiguousarray(demand, dtype=np.float64),
        np.ascontiguousarray(value, dtype=np.float64),
        every,
        np.ascontiguousarray(idx),
        np.ascontiguousarray(real),
        np.ascontiguousarray(table.feasible),
        out,
    )
    return out
