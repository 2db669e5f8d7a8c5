"""``tracks``: which channel carries the talks this period (docs/explanation/tracks.md).

Before the talks, for every bundle the runs can reach, one of the tracks that meet this period
and can settle it is drawn (uniformly, from this step's own random stream); if none meets, no
talks on it are held this period and nothing can be agreed on it. The implicit track of a
scenario without tracks meets every ``talks_every`` periods, so this step then changes nothing.
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
    meets = tt.meets(s.period)
    for b in range(n_b):
        able = np.flatnonzero(meets & tt.settles[:, b])
        if able.size == 1:
            pick[:, b] = able[0]
        elif able.size > 1:
            j = np.minimum((d.u[:, b] * able.size).astype(np.int64), able.size - 1)
            pick[:, b] = able[j]
    return evolve(s, talk_track=pick)


TRACKS = Step("tracks", _tracks, lambda m: (len(m.bundle_ids), 0))
