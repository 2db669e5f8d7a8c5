"""The one-track pick (branch sp22b, ``steps.tracks._fixed_pick``) is one (N, B) array kept on
the block's ``PeriodBlanks`` and shared by every period that ``iter_periods`` yields (review
rev22, item 4): it is read-only, so a caller writing a yielded state's ``talk_track`` cannot
change the later periods; and a model with a refusal to sign never takes the shortcut
(branch v23a: the shortcut's conditions are facts of the model)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from detente import load_scenario
from detente.simulate.engine import iter_periods
from detente.simulate.model import build_model
from detente.simulate.steps.tracks import _one_track

ROOT = Path(__file__).resolve().parents[2]
CASE = ROOT / "validation" / "cases" / "oslo_1993" / "scenario.yaml"
"""A case without ``tracks:`` (its one implicit track): the shortcut's model."""


def test_the_shared_pick_cannot_be_written_through_a_yielded_state() -> None:
    m = build_model(load_scenario(CASE))
    assert _one_track(m) is not None
    states = []
    for s in iter_periods(m, 32, np.random.SeedSequence(5), 6):
        states.append(s)
    shared = [s.talk_track for s in states]
    # the periods' picks are shared arrays (the point of the shortcut) ...
    assert any(a is b for i, a in enumerate(shared) for b in shared[i + 1 :])
    before = [a.copy() for a in shared]
    # ... so none may be written: writing one raises instead of changing the later periods
    for a in shared:
        assert not a.flags.writeable
        with pytest.raises(ValueError, match="read-only"):
            a[0, 0] = 7
    assert all(np.array_equal(a, b) for a, b in zip(shared, before, strict=True))


def test_a_refusal_to_sign_never_takes_the_one_track_shortcut() -> None:
    m = build_model(load_scenario(ROOT / "validation" / "cases" / "us_cuba_2014" / "scenario.yaml"))
    assert m.tracks is not None and m.tracks.sign_bits  # the US refusal is a refusal to sign
    assert _one_track(m) is None
