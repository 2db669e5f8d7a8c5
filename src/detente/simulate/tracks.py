"""The scenario's tracks as the simulation sees them: when each can meet and what it can settle.

Built once per model from :mod:`detente.scenario.tracks`: a track can meet in period ``t`` of a
run if it is open at ``as_of`` (not closed by a refusal holding then, not ended, its agreements'
endorsing track open: :func:`~detente.scenario.tracks.bundle_tracks`), its mediator has not
withdrawn by then (a scheduled ``withdrawal.date`` becomes a period; a mediator with
``after_stalled_rounds: n`` leaves a run after ``n`` consecutive rounds of its tracks without an
agreement), and ``t`` falls on its cadence (``cadence``, default ``simulation.talks_every``).
A summit that only signs (``signature_only``) carries no talks: it settles no bundle by itself
and never meets here; the tracks it endorses carry the talks on their bundles while it is
open. Which of the tracks that meet in a period carries the talks on a bundle is drawn by the
``tracks`` step (:mod:`detente.simulate.steps.tracks`). A scenario without tracks has the one
implicit track that meets every ``talks_every`` periods and settles everything: the engine
then behaves exactly as before tracks existed.

A refusal holding at ``as_of`` can be **lifted during a run** (docs/explanation/tracks.md,
"Lifting a refusal"): the table keeps, for every subset of the (at most
:data:`MAX_LIFTABLE`) refusals that close a track at ``as_of``, the bundles each track can settle
once those refusals are lifted (``settles_by``, indexed by the subset's bit mask), the bundles
that each refusal keeps closed once the others are lifted (``opens``), and what the refusing
actor needs to price the lift (whether a new leader has taken over since it was stated; the
crossing bases per issue of every actor with positions, from which the ``tracks`` step takes
the row of the actor of the talks that weighs the lift). The ``tracks`` step decides, run by
run, which refusals are lifted. A refusal that closes only summits that sign is a **refusal to
sign** (``signs``, branch v21a): the tracks whose endorsement chain reaches such a summit
(``sign_needs``) still draft (``drafts0``), and the ``signature`` step weighs each text they
agree (:mod:`detente.simulate.steps.tracks`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from detente.bargaining.problem import build_problem
from detente.scenario.tracks import (
    active_refusals,
    bundle_tracks,
    effective_tracks,
    track_status,
    withdrawal_date,
)

if TYPE_CHECKING:
    from detente.scenario import Scenario

__all__ = ["MAX_LIFTABLE", "NEVER", "TrackTable", "track_table"]

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

NEVER = np.iinfo(np.int64).max // 4
"""A period no run reaches (a track that never stops meeting)."""

MAX_LIFTABLE = 6
"""Refusals closing tracks at ``as_of`` that a run can lift (the first, in scenario order; the
table holds 2^n settle matrices). Later ones hold for the whole run (no scenario has more than
two)."""


@dataclass(frozen=True, eq=False)
class TrackTable:
    """Tracks (K) × bundles (B) of a model."""

    ids: tuple[str, ...]
    cadence: IntArray  # (K,) periods between meetings
    stop: IntArray  # (K,) first period it no longer meets (0: closed at as_of; NEVER: open)
    settles: BoolArray  # (K, B) the bundles it can settle (open and endorsed at as_of)
    rule_mediator: IntArray  # (K,) index into stall_limit of its mediator's rule, -1 = none
    stall_limit: IntArray  # (M,) stalled rounds after which each rule-bound mediator leaves
    refusal_ids: tuple[str, ...] = ()  # (R,) refusals closing tracks at as_of that can lift
    refuser: tuple[tuple[str, ...], ...] = ()  # (R,) who refuses, then its parents (actor ids)
    settles_by: BoolArray | None = None  # (2^R, K, B) settles once the refusals in mask lift
    opens: BoolArray | None = None  # (R, B) bundles refusal r keeps closed (others lifted)
    refusal_lead: FloatArray | None = None  # (R,) 1: stated before the refuser's leader took over
    crossing_actors: tuple[str, ...] = ()  # (P,) the actors with positions (bargaining problem)
    crossing_base: FloatArray | None = None  # (P, I) their base crossing cost per issue
    crossing_weight: FloatArray | None = None  # (P, I) their salience weights (rows sum to 1)
    # refusals to sign (branch v21a): refusal r closes only summits that sign (signature_only)
    signs: BoolArray | None = None  # (R,) refusal r is a refusal to sign
    sign_bits: int = 0  # bit mask of the refusals to sign
    sign_needs: IntArray | None = None  # (K,) bits of the refusals to sign on k's endorsement
    needs_sign: BoolArray | None = None  # (R, B) bundles drafted at the start that need r lifted

    @property
    def drafts0(self) -> BoolArray:
        """(K, B) what each track can carry the talks on at the start: the bundles it can
        settle (``settles``), and those it drafts for a summit that only signs, closed by a
        refusal to sign (the drafting goes on; the signature is weighed when a text is agreed:
        :mod:`detente.simulate.steps.tracks`)."""
        if self.settles_by is None or not self.sign_bits:
            return self.settles
        out: BoolArray = self.settles_by[self.sign_bits]
        return out

    def meets(self, period: int) -> BoolArray:
        """(K,) which tracks meet in ``period``."""
        out: BoolArray = (period < self.stop) & (period % self.cadence == 0)
        return out


def track_table(
    scenario: Scenario, bundle_ids: tuple[str, ...], talks_every: int, period_days: float
) -> TrackTable:
    """The :class:`TrackTable` of ``scenario`` for the bundles the simulation can reach."""
    as_of: dt.date = scenario.meta.as_of
    tracks = effective_tracks(scenario)
    k = len(tracks)
    closing = [
        r
        for r in active_refusals(scenario)
        if any(r.id in track_status(scenario, t).refusals for t in tracks)
    ][:MAX_LIFTABLE]
    n_r = len(closing)
    settles_by = np.zeros((2**n_r, k, len(bundle_ids)), dtype=bool)
    for mask in range(2**n_r):
        lifted = {r.id for j, r in enumerate(closing) if mask >> j & 1}
        sc = scenario
        if lifted:
            kept = tuple(r for r in scenario.refusals if r.id not in lifted)
            sc = scenario.model_copy(update={"refusals": kept})
        able = bundle_tracks(sc)
        for j, bid in enumerate(bundle_ids):
            ok = set(able.get(bid, ((), ()))[0])
            for i, t in enumerate(tracks):
                settles_by[mask, i, j] = t.id in ok
    settles = settles_by[0]
    stop = np.full(k, NEVER, dtype=np.int64)
    for i, t in enumerate(tracks):
        if not settles_by[-1, i].any():
            stop[i] = 0  # closed at as_of (lifting no refusal opens it), or settles nothing
        elif t.mediator is not None:
            gone = withdrawal_date(scenario, t.mediator)
            if gone is not None:
                stop[i] = max(int((gone - as_of).days // period_days), 0)
    cadence = np.array([t.cadence or talks_every for t in tracks], dtype=np.int64)
    rules = [
        (m.actor, m.withdrawal.after_stalled_rounds)
        for m in scenario.mediators
        if m.withdrawal is not None and m.withdrawal.after_stalled_rounds is not None
    ]
    rule_of = {actor: j for j, (actor, _) in enumerate(rules)}
    rule_mediator = np.array(
        [rule_of.get(t.mediator, -1) if t.mediator else -1 for t in tracks], dtype=np.int64
    )
    limit = np.array([n for _, n in rules], dtype=np.int64)
    ids = tuple(t.id for t in tracks)
    if not n_r:
        return TrackTable(ids, cadence, stop, settles, rule_mediator, limit)
    # refusals to sign (branch v21a): every track a refusal closes at as_of is a summit that
    # only signs; the tracks whose agreements need such a summit's signature still draft
    by_id = {t.id: t for t in tracks}
    closes = [{t.id for t in tracks if r.id in track_status(scenario, t).refusals} for r in closing]
    signs = np.array(
        [bool(c) and all(by_id[x].signature_only for x in c) for c in closes], dtype=bool
    )
    sign_bits = int(sum(1 << j for j in range(n_r) if signs[j]))
    sign_needs = np.zeros(k, dtype=np.int64)
    for i, t in enumerate(tracks):
        seen: set[str] = {t.id}
        hop = by_id.get(t.endorsement) if t.endorsement else None
        while hop is not None and hop.id not in seen:  # up its chain of endorsements
            seen.add(hop.id)
            for j, c in enumerate(closes):
                if signs[j] and hop.id in c:
                    sign_needs[i] |= 1 << j
            hop = by_id.get(hop.endorsement) if hop.endorsement else None
    draft0 = settles_by[sign_bits]
    needs_sign = np.zeros((n_r, len(bundle_ids)), dtype=bool)
    for j in range(n_r):
        if signs[j]:
            drafting = (sign_needs & (1 << j)) != 0  # (K,)
            needs_sign[j] = (draft0 & drafting[:, None]).any(axis=0) & ~settles_by[0].any(axis=0)
    # what refusal j stands in the way of: the bundles closed at the start that some set of
    # lifted refusals including j opens and the same set without j does not (so each party to
    # a mutual refusal weighs the same table, and refusals closing alternative tracks to one
    # bundle each stand in its way), the tracks that draft for a refused signature counted
    # open (a refusal to sign is weighed at the signature, not lifted by this rule: its row
    # is empty)
    open_by = np.asarray(settles_by[np.arange(2**n_r) | sign_bits].any(axis=1), dtype=bool)
    opens = np.zeros((n_r, len(bundle_ids)), dtype=bool)
    for j in range(n_r):
        bit = 1 << j
        for lifted_set in range(2**n_r):
            if lifted_set & bit:
                opens[j] |= open_by[lifted_set] & ~open_by[lifted_set & ~bit]
    opens &= ~open_by[0]
    parents = {a.id: a.parent for a in scenario.actors}
    leader_since = {a.id: a.leader_since for a in scenario.actors}
    chains: list[tuple[str, ...]] = []
    for r in closing:
        chain, cur = [r.by], parents.get(r.by)
        while cur is not None and cur not in chain:
            chain.append(cur)
            cur = parents.get(cur)
        chains.append(tuple(chain))
    lead = np.zeros(n_r)
    for j, (r, links) in enumerate(zip(closing, chains, strict=True)):
        since = next((leader_since[a] for a in links if leader_since.get(a)), None)
        lead[j] = 1.0 if since is not None and r.since < since else 0.0
    problem = build_problem(scenario)
    return TrackTable(
        ids,
        cadence,
        stop,
        settles,
        rule_mediator,
        limit,
        refusal_ids=tuple(r.id for r in closing),
        refuser=tuple(chains),
        settles_by=settles_by,
        opens=opens,
        refusal_lead=lead,
        crossing_actors=problem.actors,
        crossing_base=np.array(problem.crossing_base, dtype=np.float64),
        crossing_weight=np.array(problem.weights, dtype=np.float64),
        signs=signs,
        sign_bits=sign_bits,
        sign_needs=sign_needs,
        needs_sign=needs_sign,
    )
