"""The scenario's tracks as the simulation sees them: when each can meet and what it can settle.

Built once per model from :mod:`detente.scenario.tracks`: a track can meet in period ``t`` of a
run if it is open at ``as_of`` (not closed by a refusal holding then, not ended, its agreements'
endorsing track open: :func:`~detente.scenario.tracks.bundle_tracks`), its mediator has not
withdrawn by then (a scheduled ``withdrawal.date`` becomes a period; a mediator with
``after_stalled_rounds: n`` leaves a run after ``n`` consecutive rounds of its tracks without an
agreement), and ``t`` falls on its cadence (``cadence``, default ``simulation.talks_every``).
Which of the tracks that meet in a period carries the talks on a bundle is drawn by the
``tracks`` step
(:mod:`detente.simulate.steps.tracks`). A scenario without tracks has the one implicit track
that meets every ``talks_every`` periods and settles everything: the engine then behaves
exactly as before tracks existed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from detente.scenario.tracks import bundle_tracks, effective_tracks, withdrawal_date

if TYPE_CHECKING:
    from detente.scenario import Scenario

__all__ = ["NEVER", "TrackTable", "track_table"]

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

NEVER = np.iinfo(np.int64).max // 4
"""A period no run reaches (a track that never stops meeting)."""


@dataclass(frozen=True, eq=False)
class TrackTable:
    """Tracks (K) × bundles (B) of a model."""

    ids: tuple[str, ...]
    cadence: IntArray  # (K,) periods between meetings
    stop: IntArray  # (K,) first period it no longer meets (0: closed at as_of; NEVER: open)
    settles: BoolArray  # (K, B) the bundles it can settle (open and endorsed at as_of)
    rule_mediator: IntArray  # (K,) index into stall_limit of its mediator's rule, -1 = none
    stall_limit: IntArray  # (M,) stalled rounds after which each rule-bound mediator leaves

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
    able = bundle_tracks(scenario)
    k = len(tracks)
    settles = np.zeros((k, len(bundle_ids)), dtype=bool)
    for j, bid in enumerate(bundle_ids):
        ok = set(able.get(bid, ((), ()))[0])
        for i, t in enumerate(tracks):
            settles[i, j] = t.id in ok
    stop = np.full(k, NEVER, dtype=np.int64)
    for i, t in enumerate(tracks):
        if not settles[i].any():
            stop[i] = 0  # closed at as_of, or settles nothing the runs can reach
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
    return TrackTable(tuple(t.id for t in tracks), cadence, stop, settles, rule_mediator, limit)
