"""``tracks``: which channel carries the talks this period (docs/explanation/tracks.md).

First the mediators bound by a stalling rule count the last period: a round their tracks
carried that brought no agreement is a stalled round, an agreement resets the count, and after
``after_stalled_rounds`` consecutive stalled rounds the mediator walks away for the rest of the
run (its tracks no longer meet). Then, for every bundle the runs can reach, one of the tracks
that meet this period and can settle it is drawn (uniformly, from this step's own random
stream); if none meets, no talks on it are held this period and nothing can be agreed on it.
The implicit track of a scenario without tracks meets every ``talks_every`` periods, so this
step then changes nothing.
"""

from __future__ import annotations

import numpy as np

from detente.simulate.model import SimModel
from detente.simulate.state import Draws, RunState, evolve
from detente.simulate.steps import Step

__all__ = ["TRACKS"]


def _tracks(m: SimModel, s: RunState, d: Draws) -> RunState:
    tt = m.tracks
    n_b = len(m.bundle_ids)
    pick = np.full((s.n, n_b), -1, dtype=np.int64)
    if tt is None:
        return evolve(s, talk_track=pick)
    total = s.agreements.sum(axis=1)
    agreed = total > s.agreements_seen
    stalls, withdrawn = s.stalls, s.withdrawn
    if tt.stall_limit.size:
        stalls, withdrawn = stalls.copy(), withdrawn.copy()
        for j in range(tt.stall_limit.size):
            own = np.flatnonzero(tt.rule_mediator == j)
            carried = np.isin(s.talk_track, own).any(axis=1)
            stalls[:, j] = np.where(agreed, 0, stalls[:, j] + (carried & ~withdrawn[:, j]))
            withdrawn[:, j] |= stalls[:, j] >= tt.stall_limit[j]
    meets_now = tt.meets(s.period)  # (K,)
    meets = np.broadcast_to(meets_now, (s.n, len(tt.ids)))
    same = not withdrawn.any()  # every run sees the same tracks meet
    if not same:
        ruled = tt.rule_mediator >= 0
        gone = np.zeros((s.n, len(tt.ids)), dtype=bool)
        gone[:, ruled] = withdrawn[:, tt.rule_mediator[ruled]]
        meets = meets & ~gone
    for b in range(n_b):
        if len(tt.ids) <= 1 and same:  # the one track carries the talks when it meets
            pick[:, b] = 0 if (meets_now & tt.settles[:, b]).any() else -1
            continue
        able = meets & tt.settles[:, b]  # (N, K)
        if len(tt.ids) <= 1:  # nothing drawn
            pick[:, b] = np.where(able.any(axis=1), 0, -1)
            continue
        count = able.sum(axis=1)
        j = np.minimum((d.u[:, b] * count).astype(np.int64), np.maximum(count - 1, 0))
        # the j-th meeting track of each run
        rank = np.cumsum(able, axis=1) - 1
        hit = able & (rank == j[:, None])
        pick[:, b] = np.where(count > 0, hit.argmax(axis=1), -1)
    return evolve(s, talk_track=pick, agreements_seen=total, stalls=stalls, withdrawn=withdrawn)


def _widths(m: SimModel) -> tuple[int, int]:
    """One uniform per bundle to pick among the tracks that meet, when there is a choice (no
    other step reads this stream, so a model with a single track draws nothing)."""
    return (len(m.bundle_ids) if m.tracks is not None and len(m.tracks.ids) > 1 else 0, 0)


TRACKS = Step("tracks", _tracks, _widths)
