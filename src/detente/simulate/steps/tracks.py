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
from numpy.typing import NDArray

from detente.core.jit import kernel
from detente.simulate.model import SimModel
from detente.simulate.state import Draws, RunState, evolve
from detente.simulate.steps import Step

__all__ = ["TRACKS"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


@kernel
def _pick_tracks(
    period: int,
    cadence: IntArray,
    stop: IntArray,
    settles: BoolArray,
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
    first when there is no choice: ``u`` is then not drawn)."""
    n_k, n_b = settles.shape
    n_m = stall_limit.shape[0]
    meets_now = np.empty(n_k, dtype=np.bool_)
    for k in range(n_k):
        meets_now[k] = period < stop[k] and period % cadence[k] == 0
    meets = np.empty(n_k, dtype=np.bool_)
    n = agreements.shape[0]
    for i in range(n):
        tot = 0
        for b in range(agreements.shape[1]):
            tot += agreements[i, b]
        total[i] = tot
    if n_m == 0:  # no mediator can leave: the same tracks meet in every run
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


def _tracks(m: SimModel, s: RunState, d: Draws) -> RunState:
    tt = m.tracks
    n_b = len(m.bundle_ids)
    if tt is None:
        return evolve(s, talk_track=np.full((s.n, n_b), -1, dtype=np.int64))
    stalls, withdrawn = s.stalls, s.withdrawn
    if tt.stall_limit.size:
        stalls, withdrawn = stalls.copy(), withdrawn.copy()
    pick = np.empty((s.n, n_b), dtype=np.int64)
    total = np.empty(s.n, dtype=np.int64)
    # the state's arrays are made contiguous, of these dtypes, by the steps that make them
    _pick_tracks(
        s.period,
        tt.cadence,
        tt.stop,
        tt.settles,
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
    return evolve(s, talk_track=pick, agreements_seen=total, stalls=stalls, withdrawn=withdrawn)


def _widths(m: SimModel) -> tuple[int, int]:
    """One uniform per bundle to pick among the tracks that meet, when there is a choice (no
    other step reads this stream, so a model with a single track draws nothing)."""
    return (len(m.bundle_ids) if m.tracks is not None and len(m.tracks.ids) > 1 else 0, 0)


TRACKS = Step("tracks", _tracks, _widths)
