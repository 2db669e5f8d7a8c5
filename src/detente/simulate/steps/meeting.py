"""Which runs' talks meet in a period, and the talk step's idle test (:mod:`.talk`).

A run's talks on bundle ``b`` meet when the bundle is open in the run (no agreement on it
in force, and for a partial bundle no settlement in force), no spoiler derailed the round
(``steps/spoilers.py``), and, without declared tracks, the period falls on the cadence
(``talks_every``), else a track that can settle the bundle meets (``steps/tracks.py``):
:func:`_meets1`, the one test, which the round's selection (:func:`.talk._round`) and the
idle test read.

The talk step is idle in a period (:attr:`~detente.simulate.steps.Step.idle`: the engine
skips it) when its round would leave every array of the state as it finds it: no run's
talks meet on any bundle it would take up, the search hints exist, and the evidence of the
last round (``refused_u``, ``offered_u``, which the step writes every period, NaN where no
round was held) is already none. What the round would have written is then what the state
holds: the period's blanks (nothing signed, no overture nor gesture:
:class:`~detente.simulate.state.PeriodBlanks`), the talks' records unchanged, the event bits
unchanged. Skipping finished runs' blocks this way changes no number (branch s14: typically
the last third of the periods of a block whose runs have all agreed).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from detente.core.jit import kernel
from detente.simulate.model import SimModel
from detente.simulate.state import RunState

__all__ = ["no_talks", "talk_bundles"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


@kernel
def _meets1(
    phase_b: int, phase_0: int, derailed: bool, track: int, by_track: bool, cadence: bool, b: int
) -> bool:
    """A run's talks on bundle ``b`` meet this period (module docstring), from its phase on
    the bundle and on the settlement, whether its round was derailed and its track on the
    bundle (numbers only: a compiled call that passes arrays pays for reference counting)."""
    on = phase_b == 0 and not derailed
    on = on and (track >= 0 if by_track else cadence)
    if b > 0:  # a settlement in force supersedes the partial bundles
        on = on and phase_0 == 0
    return on


@kernel
def _any_meets(
    phase: IntArray,
    derailed: BoolArray,
    talk_track: IntArray,
    by_track: bool,
    cadence: bool,
    bundles: IntArray,
) -> bool:
    """Some run's talks meet on one of ``bundles`` (:func:`_meets1`)."""
    for b in bundles:
        for j in range(phase.shape[0]):
            if _meets1(
                phase[j, b], phase[j, 0], derailed[j], talk_track[j, b], by_track, cadence, b
            ):
                return True
    return False


@kernel
def _all_nan(x: FloatArray) -> bool:
    """Every entry of ``x`` (C-contiguous) is NaN."""
    flat = x.ravel()
    i = 0
    while i < flat.shape[0] and flat[i] != flat[i]:
        i += 1
    return i == flat.shape[0]


def talk_bundles(m: SimModel, s: RunState) -> list[int]:
    """The bundles the talk step takes up: on the agenda (not closed by a linkage), and only
    the settlement with per-run preferences (the state's own table is the settlement's)."""
    return [
        b
        for b, spec in enumerate(m.agenda.bundles)
        if spec.on_agenda and not (b > 0 and s.weights is not None)
    ]


def no_talks(m: SimModel, s: RunState) -> bool:
    """The talk step would change nothing this period (module docstring), its search hints
    made (the talk step checks them: :func:`.talk._idle`)."""
    c = np.ascontiguousarray
    if not (_all_nan(c(s.refused_u, np.float64)) and _all_nan(c(s.offered_u, np.float64))):
        return False
    bundles = np.array(talk_bundles(m, s), dtype=np.int64)
    return not _any_meets(
        c(s.phase, np.int64),
        c(s.derailed, np.bool_),
        c(s.talk_track, np.int64),
        m.tracks is not None,
        s.period % m.settings.talks_every == 0,
        bundles,
    )
