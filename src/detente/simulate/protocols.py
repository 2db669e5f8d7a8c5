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
``multilateral``  Alternating offers in which every veto party with a position must accept:
    proposers offer only packages every other veto party accepts (their positions are public),
    and each checks it (utility at least its stated reservation, else that of the status quo).

Acceptance: a party accepts a package ``k`` when it is feasible, worth at least its acceptance
floor, and its distrust-adjusted value beats fighting, ``τ U + (1 − τ)(V − L) ≥ V``, with ``τ``
its belief that the other delivers and ``L = L₀ · 2(1 − T_intention)`` the sucker's loss scaled
by the hostility it expects of a cheater; a party signing in bad faith skips that test (it
does not mean to keep the agreement).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from detente.core import TOL_UTILITY
from detente.scenario.simulation import Protocol
from detente.simulate.model import SimModel
from detente.simulate.strategies import Move
from detente.simulate.tables import FEW_ROWS, TalkTable, frontier, propose, value_of, values_of

__all__ = ["Outcome", "Round", "accepts", "mediator_text", "needs", "run_round"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True)
class Round:
    """A round of talks for N runs."""

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


@dataclass(frozen=True)
class Outcome:
    """What a round produced."""

    agreed: BoolArray  # (N,)
    terms: IntArray  # (N,) agreed package, -1 none
    standing: IntArray
    standing_by: IntArray
    text: IntArray
    pos_u: FloatArray
    prev_pos_u: FloatArray
    refused_u: FloatArray  # (N, 2) utility to each side of what it refused (NaN none)
    offered_u: FloatArray  # (N, 2) utility to each side of what it offered or demanded


def needs(r: Round, side: int) -> FloatArray:
    """The least utility ``side`` would sign for: its demand, and no less than its
    distrust-adjusted value of fighting requires, ``V + (1 − τ)·L / τ`` (unless it would sign
    in bad faith). Offers and stated objections use it: a party never proposes, nor asks a
    mediator for, terms it would not accept."""
    mv = r.moves[side]
    tau = np.maximum(r.tau[:, side], 1e-9)
    trust_floor = r.value[:, side] + (1.0 - tau) * r.loss[:, side] / tau
    out: FloatArray = np.where(mv.bad_faith, mv.demand, np.maximum(mv.demand, trust_floor))
    return out


def accepts(
    m: SimModel, r: Round, side: int, k: IntArray, u: FloatArray | None = None
) -> BoolArray:
    """Does ``side`` accept package ``k`` (per run)? (module docstring; ``u``: its utility of
    ``k`` when already looked up)"""
    mv = r.moves[side]
    if u is None:
        u = value_of(r.table, k, side)
    v = r.value[:, side]
    tau = r.tau[:, side]
    trusts = tau * u + (1.0 - tau) * (v - r.loss[:, side]) >= v - TOL_UTILITY
    ok = (k >= 0) & (u >= mv.accept - TOL_UTILITY) & (trusts | mv.bad_faith)
    for a in range(2, len(m.actor_ids)):  # other veto parties (multilateral only)
        if m.protocol is Protocol.multilateral:
            ok &= value_of(r.table, k, a) >= m.floors[a] - TOL_UTILITY
    out: BoolArray = np.asarray(ok, dtype=bool)
    return out


def _alternating(m: SimModel, r: Round) -> Outcome:
    n = r.held.shape[0]
    agreed = np.zeros(n, dtype=bool)
    terms = np.full(n, -1, dtype=np.int64)
    standing, by = r.standing.copy(), r.standing_by.copy()
    pos_u, prev_pos_u = r.pos_u.copy(), r.prev_pos_u.copy()
    refused = np.full((n, 2), np.nan)
    offered = np.full((n, 2), np.nan)
    for mover in (0, 1):
        other = 1 - mover
        live = r.held & ~agreed
        has = live & (standing >= 0) & (by == other)
        u_standing = value_of(r.table, standing, mover)
        acc = has & accepts(m, r, mover, standing, u_standing)
        agreed |= acc
        terms = np.where(acc, standing, terms)
        refused[:, mover] = np.where(has & ~acc, u_standing, refused[:, mover])
        prop = live & ~acc
        k = propose(r.table, mover, needs(r, mover))
        prop &= k >= 0
        standing = np.where(prop, k, standing)
        by = np.where(prop, mover, by)
        u_k = values_of(r.table, k)  # (N, A): both sides' utilities of the proposal
        offered[:, mover] = np.where(prop, u_k[:, mover], np.nan)
        seen = u_k[:, other]
        prev_pos_u[:, other] = np.where(prop, pos_u[:, other], prev_pos_u[:, other])
        pos_u[:, other] = np.where(prop, seen, pos_u[:, other])
    return Outcome(agreed, terms, standing, by, r.text, pos_u, prev_pos_u, refused, offered)


def mediator_text(table: TalkTable, demand: FloatArray, value: FloatArray) -> IntArray:
    """The mediator's draft: among feasible packages, the one whose largest unmet objection
    (a side's demand minus its utility) is smallest, ties to the largest Nash product of the
    gains over fighting (then to the larger smaller gain). ``demand``, ``value``: (N, 2);
    NaN demands object to nothing."""
    n = demand.shape[0]
    if table.row_of is not None and table.rows > FEW_ROWS:  # per-run rows, as views
        keep = np.arange(table.size)
        ua = table.utility[table.row_of, :, 0]
        ub = table.utility[table.row_of, :, 1]
        ok: BoolArray | None = table.feasible[table.row_of]
    elif table.row_of is not None:  # a few regimes: each run searches its row's efficient
        # candidates (padded to the longest row; padding is neither the best nor drafted)
        idx, real = table.efficient_rows
        if not idx.shape[1]:
            return np.full(n, -1, dtype=np.int64)
        rows = table.row_of
        keep = idx[rows]  # (N, E)
        ok = real[rows]
        flat = keep + (rows * table.size)[:, None]
        ua = np.where(ok, table.utility_of[0][flat], 0.0)
        ub = np.where(ok, table.utility_of[1][flat], 0.0)
    elif table.rows == 1:
        # a dominated package is never the draft: one that beats it for both sides has no
        # larger unmet objection and no smaller Nash product
        keep = table.efficient
        if keep.size == 0:
            return np.full(n, -1, dtype=np.int64)
        ua = table.utility[0, keep, 0][None, :]
        ub = table.utility[0, keep, 1][None, :]
        ok = None
    else:
        keep = np.arange(table.size)
        ua, ub = table.utility[:, :, 0], table.utility[:, :, 1]
        ok = table.feasible
    da = np.nan_to_num(demand[:, :1], nan=-np.inf)
    db = np.nan_to_num(demand[:, 1:], nan=-np.inf)
    short = np.maximum(np.maximum(da - ua, db - ub), 0.0)
    if ok is not None:
        short = np.where(ok, short, np.inf)
    best = short.min(axis=1, keepdims=True)
    ga, gb = ua - value[:, :1], ub - value[:, 1:]
    score = np.maximum(ga, 0.0) * np.maximum(gb, 0.0) + 1e-6 * np.minimum(ga, gb)
    score = np.where(short <= best + TOL_UTILITY, score, -np.inf)
    pick = np.argmax(score, axis=1)
    k = keep[pick] if keep.ndim == 1 else np.take_along_axis(keep, pick[:, None], axis=1)[:, 0]
    if ok is not None:
        k = np.where(ok.any(axis=1), k, -1)
    out: IntArray = k.astype(np.int64)
    return out


def _single_text(m: SimModel, r: Round) -> Outcome:
    n = r.held.shape[0]
    demand = np.stack([needs(r, 0), needs(r, 1)], axis=1)
    text = r.text
    fresh = np.flatnonzero(r.held & (text < 0))
    if fresh.size:
        text = text.copy()
        text[fresh] = _rows_text(r.table, np.full((n, 2), np.nan), r.value, fresh)
    acc = [r.held & accepts(m, r, side, text) for side in (0, 1)]
    agreed = acc[0] & acc[1]
    refused = np.full((n, 2), np.nan)
    offered = np.full((n, 2), np.nan)
    pos_u, prev_pos_u = r.pos_u.copy(), r.prev_pos_u.copy()
    for side in (0, 1):
        other = 1 - side
        objects = r.held & ~acc[side]
        refused[:, side] = np.where(objects, value_of(r.table, text, side), np.nan)
        offered[:, side] = np.where(objects, demand[:, side], np.nan)
        # what the other says it needs, seen from this side
        seen = frontier(r.table, side, demand[:, other])
        prev_pos_u[:, side] = np.where(r.held, pos_u[:, side], prev_pos_u[:, side])
        pos_u[:, side] = np.where(r.held, seen, pos_u[:, side])
    revise = r.held & ~agreed
    terms = np.where(agreed, text, -1)
    idx = np.flatnonzero(revise)
    if idx.size:
        text = text.copy()
        text[idx] = _rows_text(r.table, demand, r.value, idx)
    return Outcome(
        agreed, terms, r.standing, r.standing_by, text, pos_u, prev_pos_u, refused, offered
    )


def _rows_text(t: TalkTable, demand: FloatArray, value: FloatArray, idx: IntArray) -> IntArray:
    """The mediator's draft for runs ``idx`` only."""
    return mediator_text(t.slice(idx), demand[idx], value[idx])


def run_round(m: SimModel, r: Round) -> Outcome:
    """Play one round under the model's protocol."""
    if m.protocol is Protocol.single_text:
        return _single_text(m, r)
    return _alternating(m, r)
