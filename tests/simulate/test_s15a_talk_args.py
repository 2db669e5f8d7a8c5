"""The talk step's per-period arguments made once (branch s15a, ``steps.talk_args``) and its
period records written by the round (the period's blanks where no round is held) instead of
pre-filled: the same arguments and the same states as the step computed before.

- :class:`TalkPlan` gives each bundle's strategy factors as ``side_factors(pool, period,
  talk_horizons(spec, settings))`` did, and ``nothing_known`` is ``np.isnan(x).all()``
  whatever array it is asked about (its memory of the last array never answers for another);
- :func:`search_args` is ``table.lookup(n).args(...)``, made once;
- every entry of the period's records (signed, terms, bad faith, evidence, overtures,
  gestures) is written by the step: with ``np.empty`` poisoned (every new array full of
  garbage) the step gives the same state, bit for bit, on the NegMAS workload once some runs
  have agreed (no round for them), under a cadence (no round at all in some periods: the
  round returns before its passes), on a shipped scenario of eight bundles under the single
  text, and with per-run weights there (the partial bundles are not taken up: their columns
  are written by the step itself).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from tests.simulate.helpers import ROOT, make_scenario, negmas_workload

from detente.scenario import load_scenario
from detente.simulate import RunInputs
from detente.simulate.agenda import talk_horizons
from detente.simulate.engine import iter_periods
from detente.simulate.model import SimModel, build_model
from detente.simulate.state import Draws, RunState
from detente.simulate.steps import talk
from detente.simulate.steps.learn import model_cache
from detente.simulate.steps.meeting import talk_bundles
from detente.simulate.steps.talk import TALK
from detente.simulate.steps.talk_args import TalkPlan, search_args
from detente.simulate.strategies import side_factors


def _negmas(k: int, pairing: str, n: int) -> tuple[SimModel, RunInputs]:
    return negmas_workload(k, pairing, n, seed=4)


def _ukraine(weights: bool, n: int) -> tuple[SimModel, RunInputs | None]:
    m = build_model(load_scenario(ROOT / "scenarios" / "ukraine-2026-06.yaml"))
    if not weights:
        return m, None
    rng = np.random.default_rng(9)
    w = rng.uniform(0.2, 1.0, (n, *m.ideal.shape))
    return m, RunInputs(weights=w / w.sum(axis=2, keepdims=True))


class _Poisoned:
    """``numpy`` as the talk step's module sees it, but every ``np.empty`` array full of
    garbage (NaN payloads, 7, True): an entry the step leaves unwritten shows."""

    def __getattr__(self, name: str) -> Any:
        return getattr(np, name)

    @staticmethod
    def empty(shape: Any, dtype: Any = float, **kw: Any) -> Any:
        out = np.empty(shape, dtype=dtype, **kw)
        if out.dtype == np.bool_:
            out.fill(True)
        elif out.dtype.kind == "f":
            out.fill(-7.25e300)
        else:
            out.fill(7)
        return out


def _states(m: SimModel, n: int, periods: int, inputs: RunInputs | None) -> Iterator[RunState]:
    return iter_periods(m, n, np.random.SeedSequence(3), periods, inputs=inputs)


def _same_talk(m: SimModel, s: RunState, monkeypatch: pytest.MonkeyPatch) -> None:
    """The talk step on ``s`` (a copied state: the step copies what it updates) gives the
    same state with ``np.empty`` poisoned."""
    d = Draws(np.empty((s.n, 0)), np.empty((s.n, 0)))
    a = TALK.apply(m, s, d)
    with monkeypatch.context() as mp:
        mp.setattr(talk, "np", _Poisoned())
        b = TALK.apply(m, s, d)
    for name in (
        "signed",
        "signed_terms",
        "signed_bad_faith",
        "refused_u",
        "offered_u",
        "overture",
        "gesture",
        "events",
        "rounds",
        "standing",
        "standing_by",
        "text",
        "pos_u",
        "prev_pos_u",
        "prev_demand",
        "search_hint",
    ):
        x, y = getattr(a, name), getattr(b, name)
        assert x.dtype == y.dtype and x.shape == y.shape, name
        assert np.ascontiguousarray(x).tobytes() == np.ascontiguousarray(y).tobytes(), name


@pytest.mark.parametrize("pairing", ["boul-conc", "asp-asp"])
def test_records_written_on_the_negmas_workload(
    pairing: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    m, inputs = _negmas(6, pairing, 40)
    held = partly = 0
    for t, s in enumerate(_states(m, 40, 95, inputs)):
        if t % 4 == 0 or 45 <= t <= 70:
            _same_talk(m, s, monkeypatch)
            open_ = int((s.phase[:, 0] == 0).sum())
            held += open_ == 40
            partly += 0 < open_ < 40
    assert held and partly  # periods with every run talking and with some runs agreed


def test_records_written_under_a_cadence(monkeypatch: pytest.MonkeyPatch) -> None:
    m = build_model(make_scenario(simulation={"talks_every": 3}))
    for s in _states(m, 24, 12, None):
        _same_talk(m, s, monkeypatch)  # periods off the cadence: no round at all


@pytest.mark.parametrize("weights", [False, True])
def test_records_written_on_eight_bundles(weights: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    m, inputs = _ukraine(weights, 16)
    assert len(m.agenda.bundles) == 8
    for t, s in enumerate(_states(m, 16, 10, inputs)):
        if weights:  # only the settlement's talks are held: the others' columns by the step
            assert talk_bundles(m, s) == [0]
        if t % 3 == 0:
            _same_talk(m, s, monkeypatch)


@pytest.mark.parametrize("scenario", ["negmas", "ukraine-2026-06.yaml", "teaching.yaml"])
def test_plan_factors_as_side_factors(scenario: str) -> None:
    if scenario == "negmas":
        m, _ = _negmas(6, "boul-conc", 4)
    else:
        m = build_model(load_scenario(ROOT / "scenarios" / scenario))
    p = model_cache(m, TalkPlan)
    assert model_cache(m, TalkPlan) is p
    for b, spec in enumerate(m.agenda.bundles):
        for period in (0, 1, 7, 50, 99, 150):
            kinds, factors = side_factors(m.strategy_pool, period, talk_horizons(spec, m.settings))
            k2, f2 = talk._side_factors(p.pool, period, *p.horizons[b])
            assert np.array_equal(kinds, k2)
            assert factors.tobytes() == f2.tobytes()
        assert p.asks[b] == bool(m.veto_asks[b])
    assert p.by_track == (m.tracks is not None)
    assert np.array_equal(p.sucker, m.sucker_loss * 2.0)


def test_nothing_known_is_all_nan_for_every_array() -> None:
    m, _ = _negmas(6, "boul-conc", 4)
    p = TalkPlan(m)
    rng = np.random.default_rng(0)
    cases = [np.full((5, 2), np.nan), np.empty((0, 2)), np.array([[np.inf, np.nan]])]
    for _ in range(30):
        x = np.full((int(rng.integers(1, 50)), 2), np.nan)
        if rng.random() < 0.7:
            x.flat[int(rng.integers(0, x.size))] = rng.choice([0.0, -0.0, 1.5, np.inf])
        cases.append(x)
    for x in cases:
        want = bool(np.isnan(x).all())
        assert p.nothing_known(x) == want
        assert p.nothing_known(x) == want  # remembered for this array
        assert p.nothing_known(x.copy()) == want  # another array: asked afresh


def test_search_args_are_the_lookups() -> None:
    m, inputs = _negmas(6, "asp-asp", 12)
    s = next(iter(_states(m, 12, 1, inputs)))
    for known in (False, True):
        got = search_args(s.table, 12, known)
        want = s.table.lookup(12).args(s.table.best_for if known else None)
        assert search_args(s.table, 12, known) is got  # made once
        for x, y in zip(got, want, strict=True):
            if isinstance(x, np.ndarray):
                assert x.dtype == y.dtype and np.array_equal(x, y)
            else:
                assert x == y
