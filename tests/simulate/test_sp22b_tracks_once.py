"""The tracks step of a model with one track, picked once (branch sp22b).

A model whose tracks are one track bound by no stalling rule and closed by no refusal (the
implicit track of every scenario without ``tracks:``, the NegMAS workload's) picks, in every
run, the track where it can settle a bundle and -1 elsewhere, or -1 everywhere in a period it
does not meet: the step gives every run the block's one array for the period's meeting
(``steps.tracks._fixed_pick``) and counts the agreements (``_totals``), and until the settlement
it is idle for the runs still going when the model has one bundle and the pick is already in
the state (``_idle_going``). Checked against the step's kernel (``_pick_tracks``, the path
every model took before): the states of every period, and every output byte of blocks in both
modes, on every shipped scenario and development case, the NegMAS workload, and one-track
models with a cadence and a stop.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from detente.scenario import load_scenario
from detente.simulate import RunInputs, engine, iter_periods, simulate_block
from detente.simulate.engine import BlockOutput
from detente.simulate.model import SimModel, build_model
from detente.simulate.state import Draws, PeriodBlanks, begin_period
from detente.simulate.steps import PERIOD_STEPS, going1
from detente.simulate.steps import tracks as tracks_step

from .test_s16a_idle_going import _assert_same  # every output byte for byte

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml")) + sorted(
    (ROOT / "validation" / "cases").glob("*/scenario.yaml")
)


def _kernel_only(m: SimModel) -> None:
    """No model has one track (the step's kernel path for every model)."""
    return None


def _both(
    monkeypatch: pytest.MonkeyPatch, m: SimModel, n: int, **kw: Any
) -> tuple[BlockOutput, BlockOutput]:
    """The block with the one track picked once (as shipped), and by the kernel."""
    periods = kw.pop("periods", 60)
    new = simulate_block(m, n, periods, np.random.SeedSequence(5), **kw)
    with monkeypatch.context() as mp:
        mp.setattr(tracks_step, "_one_track", _kernel_only)
        old = simulate_block(m, n, periods, np.random.SeedSequence(5), **kw)
    return new, old


def _one_track_models() -> list[tuple[str, SimModel]]:
    out = []
    for path in SCENARIOS:
        m = build_model(load_scenario(path))
        if tracks_step._one_track(m) is not None:
            out.append((path.parent.name + "/" + path.stem, m))
    return out


def _cadenced(m: SimModel, cadence: int, stop: int) -> SimModel:
    """``m`` with its one track meeting every ``cadence`` periods, before ``stop``."""
    assert m.tracks is not None
    tt = dataclasses.replace(
        m.tracks, cadence=np.array([cadence], dtype=np.int64), stop=np.array([stop])
    )
    return dataclasses.replace(m, tracks=tt)


def test_which_models_have_one_track() -> None:
    shapes = {}
    for path in SCENARIOS:
        m = build_model(load_scenario(path))
        one = tracks_step._one_track(m)
        tt = m.tracks
        assert tt is not None
        if one is None:  # several tracks, a stalling rule or a refusal
            assert len(tt.ids) > 1 or tt.stall_limit.size or tt.refusal_ids
        else:
            assert len(tt.ids) == 1 and not tt.stall_limit.size and not tt.refusal_ids
            assert one.tolist() == np.where(tt.settles[0], 0, -1).tolist()
        shapes[str(path)] = one
    assert sum(v is None for v in shapes.values()) >= 3  # Ukraine's tracks at least
    assert sum(v is not None for v in shapes.values()) >= 20
    rule = next(
        build_model(load_scenario(p))
        for p in SCENARIOS
        if tracks_step._one_track(build_model(load_scenario(p))) is not None
    )
    assert rule.tracks is not None
    stalled = dataclasses.replace(
        rule,
        tracks=dataclasses.replace(
            rule.tracks,
            rule_mediator=np.array([0]),
            stall_limit=np.array([2], dtype=np.int64),
        ),
    )
    assert tracks_step._one_track(stalled) is None


@pytest.mark.parametrize(("cadence", "stop"), [(1, 2**61), (3, 2**61), (2, 7), (1, 0)])
def test_states_equal_the_kernels(monkeypatch: pytest.MonkeyPatch, cadence: int, stop: int) -> None:
    """Every period's pick and count of agreements equal the kernel's, in every run, on
    every one-track scenario (the states iter_periods yields, one bundle and several)."""
    checked = 0
    for _, m0 in _one_track_models():
        m = m0 if (cadence, stop) == (1, 2**61) else _cadenced(m0, cadence, stop)
        new = list(iter_periods(m, 37, np.random.SeedSequence(2), 24))
        with monkeypatch.context() as mp:
            mp.setattr(tracks_step, "_one_track", _kernel_only)
            old = list(iter_periods(m, 37, np.random.SeedSequence(2), 24))
        for s_new, s_old in zip(new, old, strict=True):
            for name in ("talk_track", "agreements_seen", "stalls", "withdrawn", "first"):
                a, b = getattr(s_new, name), getattr(s_old, name)
                assert a.dtype == b.dtype and a.shape == b.shape, name
                assert np.array_equal(a, b), name
            checked += 1
    assert checked > 20 * 24


@pytest.mark.parametrize("until", ["settlement", "horizon"])
@pytest.mark.parametrize(("cadence", "stop"), [(1, 2**61), (4, 2**61), (2, 11)])
def test_blocks_byte_identical_to_the_kernels(
    monkeypatch: pytest.MonkeyPatch, until: str, cadence: int, stop: int
) -> None:
    for _, m0 in _one_track_models():
        m = m0 if (cadence, stop) == (1, 2**61) else _cadenced(m0, cadence, stop)
        new, old = _both(monkeypatch, m, 123, until=until)
        _assert_same(new, old)
        rows = [0, 5, 77, 122]
        new, old = _both(monkeypatch, m, 123, until=until, rows=rows)
        _assert_same(new, old)


def _negmas_workload(k: int, pairing: str, n: int) -> tuple[SimModel, RunInputs]:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import vs_negmas
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    a, b, rv = vs_negmas.PAIRINGS[pairing]
    m = build_model(vs_negmas.negotiation_scenario(k, a, b, rv))
    rng = np.random.default_rng(k + 1)
    wa, wb = rng.uniform(0.2, 0.8, n), rng.uniform(0.2, 0.8, n)
    w = np.stack([np.stack([wa, 1 - wa], 1), np.stack([wb, 1 - wb], 1)], axis=1)
    return m, RunInputs(weights=w)


@pytest.mark.parametrize("pairing", ["asp-asp", "boul-conc", "asp-nozopa", "tough-boul"])
@pytest.mark.parametrize("k", [10, 32])
def test_negmas_workload_byte_identical(
    monkeypatch: pytest.MonkeyPatch, pairing: str, k: int
) -> None:
    n = 211
    m, inputs = _negmas_workload(k, pairing, n)
    assert tracks_step._one_track(m) is not None and len(m.bundle_ids) == 1
    for until in ("settlement", "horizon"):
        new, old = _both(monkeypatch, m, n, periods=100, inputs=inputs, until=until)
        _assert_same(new, old)
        again = simulate_block(
            m, n, 100, np.random.SeedSequence(5), inputs=inputs, until=until, reuse=new
        )
        _assert_same(old, again)


def test_the_step_is_skipped_until_the_settlement() -> None:
    """With one track and one bundle the step runs once in a block until the settlement
    (the pick made; then idle for the runs still going), every period to the horizon."""
    m, inputs = _negmas_workload(10, "boul-conc", 64)
    counts = {"tracks": 0}

    def counted(step: Any) -> Any:
        def apply(mm: SimModel, s: Any, d: Any) -> Any:
            counts[step.name] += 1
            return step.apply(mm, s, d)

        return dataclasses.replace(step, apply=apply)

    steps = tuple(counted(s) if s.name == "tracks" else s for s in PERIOD_STEPS)
    saved = engine.PERIOD_STEPS
    engine.PERIOD_STEPS = steps
    try:
        out = simulate_block(m, 64, 100, np.random.SeedSequence(1), inputs=inputs)
        assert counts["tracks"] == 100
        counts["tracks"] = 0
        out = simulate_block(
            m, 64, 100, np.random.SeedSequence(1), inputs=inputs, until="settlement"
        )
        assert out.stopped_at is not None and int(out.stopped_at.max()) > 3
        assert counts["tracks"] == 1
    finally:
        engine.PERIOD_STEPS = saved


def test_idle_going_changes_nothing_for_the_runs_going() -> None:
    """Wherever the going test says idle, applying the step leaves the pick, and the count
    of agreements of every run still going, as they are; it says idle only with one bundle."""
    m, inputs = _negmas_workload(10, "asp-asp", 97)
    idle = 0
    for s in iter_periods(m, 97, np.random.SeedSequence(4), 100, inputs=inputs):
        nxt = begin_period(s, s.period + 1, s.blanks)
        if not tracks_step._idle_going(m, nxt):
            continue
        idle += 1
        after = tracks_step._tracks(m, nxt, Draws(np.empty((97, 0)), np.empty((97, 0))))
        assert np.array_equal(after.talk_track, s.talk_track)
        going = np.array([going1(int(f), nxt.period) for f in s.first[:, 0]])
        assert np.array_equal(after.agreements_seen[going], s.agreements_seen[going])
    assert idle > 50
    for _, multi in _one_track_models():
        if len(multi.bundle_ids) > 1:
            for s in iter_periods(multi, 9, np.random.SeedSequence(4), 6):
                assert not tracks_step._idle_going(multi, s)
            break
    else:
        raise AssertionError("no one-track scenario with several bundles")
    # no block's blanks: never idle
    s0 = next(iter(iter_periods(m, 5, np.random.SeedSequence(4), 3, inputs=None)))
    assert not tracks_step._idle_going(m, dataclasses.replace(s0, blanks=None))
    assert isinstance(s0.blanks, PeriodBlanks)


def test_a_pick_kept_for_another_model_is_not_taken(monkeypatch: pytest.MonkeyPatch) -> None:
    """A state whose block kept the pick of one model, stepped with another one-track model
    (another row): the other model's pick, as the kernel makes it, and never idle."""
    m, inputs = _negmas_workload(10, "asp-asp", 40)
    s = list(iter_periods(m, 40, np.random.SeedSequence(4), 3, inputs=inputs))[-1]
    assert m.tracks is not None and s.blanks is not None and s.blanks.picks
    other = dataclasses.replace(
        m, tracks=dataclasses.replace(m.tracks, settles=np.zeros_like(m.tracks.settles))
    )
    assert tracks_step._one_track(other) is not None
    assert not tracks_step._idle_going(other, s)
    d = Draws(np.empty((40, 0)), np.empty((40, 0)))
    got = tracks_step._tracks(other, s, d)
    with monkeypatch.context() as mp:
        mp.setattr(tracks_step, "_one_track", _kernel_only)
        want = tracks_step._tracks(other, s, d)
    assert np.array_equal(got.talk_track, want.talk_track)
    assert (got.talk_track == -1).all()
