"""The ratifiers' acceptance share moves with the war inside a run (branch v23b; issue 13 item
5): Mueller (1973)'s log of cumulative casualties, one published slope
(``bargaining.redlines.acceptance_shift``, ``ACCEPTANCE_PER_LOG_COST``); the ``positions`` step
reads the run's share every period (``positions.in_win_set``), so a package outside the
win-set at the scenario's date is crossed once the run's costs have raised the share past the
majority. ``validation/v23b_expectations.md``."""

from __future__ import annotations

import datetime as dt
import math
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from detente.bargaining.redlines import (
    ACCEPTANCE_PER_LOG_COST,
    acceptance_shift,
    ratification_margin,
    ratified,
)
from detente.manifest import to_json
from detente.scenario import Scenario, load_scenario
from detente.simulate import BLOCK, run_simulation
from detente.simulate.engine import iter_periods
from detente.simulate.model import build_model
from detente.simulate.state import evolve
from detente.simulate.steps.positions import POSITIONS, in_win_set, moving_gate

from .test_v22a_ratification import _commit, _crossings, _scenario, _share

ROOT = Path(__file__).resolve().parents[2]


def _started(sc: Scenario, day: dt.date = dt.date(2025, 1, 1)) -> Scenario:
    """The war started a year before ``as_of`` (2026-01-01): costs paid before the date."""
    assert sc.war is not None
    return sc.model_copy(update={"war": sc.war.model_copy(update={"started": day})})


def _doc(r) -> str:  # type: ignore[no-untyped-def]
    return to_json({"summary": r.summary(), "fan": r.fan(), "km": r.survival()})


def _near() -> Scenario:
    """A's land minimum (60 → 40) backed by a referendum its voters reject by 48 to 52."""
    return _started(_scenario(_commit(60.0, _share(0.48, 0.52))))


def test_the_slope_is_muellers_fifteen_points_per_tenfold() -> None:
    assert pytest.approx(0.15 / math.log(10.0)) == ACCEPTANCE_PER_LOG_COST
    assert acceptance_shift(1.0, 9.0) == pytest.approx(0.15)  # costs paid ×10
    assert acceptance_shift(2.0, 198.0) == pytest.approx(0.30)  # ×100
    assert acceptance_shift(1.0, 0.0) == 0.0  # nothing paid in the run
    assert acceptance_shift(0.0, 5.0) == 0.0  # nothing paid before: no base, no move
    assert acceptance_shift(1.0, np.nan) == 0.0
    d = acceptance_shift(1.0, np.array([0.0, 0.5, 1.0, 3.0]))
    assert np.all(np.diff(d) > 0)  # a run that pays less (good news) rises less
    assert acceptance_shift(1.0, -0.5) < 0.0  # a net relief lowers it
    assert np.isfinite(acceptance_shift(1.0, -5.0))


def test_the_margin_agrees_with_the_win_set() -> None:
    cases = [
        ([95.0], [False], [66.0], [0.16], 0.5),
        ([95.0], [False], [66.0], [0.6], 0.5),
        ([95.0], [False], [66.0], [0.6], 2.0 / 3.0),
        ([95.0], [False], [66.0], [np.nan], 0.5),
        ([60.0], [False], [66.0], [0.0], 0.5),
        ([30.0], [True], [40.0], [0.1], 0.5),
        ([95.0, 75.0], [False, False], [66.0, 50.0], [0.6, 0.3], 0.5),
        ([95.0, 75.0], [False, False], [66.0, np.nan], [0.6, 0.0], 0.5),
    ]
    for to, is_min, level, share, maj in cases:
        gap = ratification_margin(to, is_min, level, share, maj)
        assert (gap > 0) == ratified(to, is_min, level, share, maj), (to, level, share)
    assert ratification_margin([95.0, 75.0], [False] * 2, [66.0, 50.0], [0.6, 0.3]) == (
        pytest.approx(-0.2)
    )
    assert ratification_margin([95.0], [False], [66.0], [np.nan]) == math.inf
    assert ratification_margin(np.zeros(0), np.zeros(0, bool), np.zeros(0), np.zeros(0)) == (
        math.inf
    )


def test_a_run_whose_costs_mount_crosses_later_what_a_fixed_share_never_crosses() -> None:
    plain = _crossings(_scenario(), weeks=60)
    fixed = _crossings(_scenario(_commit(60.0, _share(0.48, 0.52))), weeks=60)  # paid0 = 0
    assert (fixed == -1).all()  # the fixed share (nothing paid before the date): never
    sc = _near()
    m = build_model(sc)
    ms = m.agenda.move_sets[0]
    assert not ms.ratified and not ms.crossable  # outside the win-set at as_of
    assert ms.margin == pytest.approx(-0.02)
    assert moving_gate(m, 0)
    moved = _crossings(sc, weeks=60)
    assert (moved >= 0).mean() > 0.5
    # the share needs costs paid × e^(0.02 / slope) ≈ 1.36: 0.075 at 0.004 a week, week ≥ 18
    crossed = moved[moved >= 0]
    assert crossed.min() >= 17 and crossed.min() > np.median(plain[plain >= 0])
    # far below the majority, 60 weeks of costs do not get there
    assert (
        _crossings(_started(_scenario(_commit(60.0, _share(0.40, 0.60)))), weeks=60) == -1
    ).all()


def test_the_gate_reads_each_runs_own_costs() -> None:
    m = build_model(_near())
    s = next(iter_periods(m, 8, np.random.SeedSequence(0), 1))
    cum = np.zeros((8, 2))
    cum[:4, 0] = 5.0  # half the runs paid heavily, half nothing
    st = evolve(
        s,
        cum_cost=cum,
        moved_at=np.full((8, len(m.agenda.move_sets)), -1, dtype=np.int64),
        regime=np.zeros(8, dtype=s.regime.dtype),
        phase=np.zeros_like(s.phase),
        rounds=np.ones_like(s.rounds),
    )
    assert in_win_set(m, st, 0).tolist() == [True] * 4 + [False] * 4
    out = POSITIONS.apply(m, st, None).moved_at[:, 0]  # type: ignore[arg-type]
    assert (out[:4] >= 0).all() and (out[4:] == -1).all()


def test_the_share_is_a_function_of_the_inputs_and_seed() -> None:
    """Chunk sizes and workers give the same bytes; a subset of a block's runs crosses as in
    the whole block (the gate reads only each run's own state)."""
    sc = _near()
    runs = BLOCK + 200
    ref = _doc(run_simulation(sc, runs, 5, 30, chunk_size=2 * BLOCK))
    assert _doc(run_simulation(sc, runs, 5, 30, chunk_size=BLOCK)) == ref
    with ProcessPoolExecutor(2) as pool:
        assert _doc(run_simulation(sc, runs, 5, 30, executor=pool, chunk_size=BLOCK)) == ref
    m = build_model(sc)
    rows = [3, 17, 40, 41]
    full = sub = None
    for full in iter_periods(m, 64, np.random.SeedSequence(9), 30):  # noqa: B007
        pass
    for sub in iter_periods(m, 64, np.random.SeedSequence(9), 30, rows=rows):  # noqa: B007
        pass
    assert full is not None and sub is not None
    assert np.array_equal(full.moved_at[rows], sub.moved_at)
    assert (full.moved_at[:, 0] >= 0).any()


def test_no_moving_gate_without_shares_or_for_the_ukraine_snapshots_reach() -> None:
    """Move sets inside the win-set, without a share or without a ratification take main's
    path; the Ukraine snapshots' gated settlement move sets move, but the largest shift a run
    reaches there (+0.04 in 104 weeks) is far below their margins (expectations, section 3)."""
    for sc in (_scenario(), _started(_scenario(_commit(60.0))), _started(_scenario())):
        m = build_model(sc)
        assert not any(moving_gate(m, j) for j in range(len(m.agenda.move_sets)))
    for snap, gap in (("2025-05", -0.0618), ("2025-11", -0.3387), ("2026-06", -0.3152)):
        m = build_model(load_scenario(ROOT / "scenarios" / f"ukraine-{snap}.yaml"))
        gated = [j for j in range(len(m.agenda.move_sets)) if moving_gate(m, j)]
        assert [m.agenda.bundles[m.agenda.move_sets[j].bundle].id for j in gated] == ["settlement"]
        assert m.agenda.move_sets[gated[0]].margin == pytest.approx(gap, abs=1e-4)


def test_the_tracks_meeting_gain_reads_the_runs_moved_share() -> None:
    """The tracks step counts a gated move set's gain in the runs whose costs lift the share
    past the majority, as the ``positions`` step would cross it there (one rule for both)."""
    from detente.simulate.steps.tracks import _nash_gain, meeting_gain

    m = build_model(_near())
    ms = m.agenda.move_sets[0]
    s = next(iter_periods(m, 8, np.random.SeedSequence(0), 1))
    cum = np.zeros((8, 2))
    cum[:4, ms.actor] = 5.0
    st = evolve(s, cum_cost=cum)
    inside = in_win_set(m, st, 0)
    assert inside.tolist() == [True] * 4 + [False] * 4
    gain = meeting_gain(m, st, ms.bundle, ms.actor)
    nash = _nash_gain(m, st, ms.bundle, ms.actor)
    assert np.array_equal(gain[4:], nash[4:])  # outside the win-set: the Nash gain alone
    assert (gain[:4] > nash[:4]).all()  # inside: its package beyond the lines counts


def test_the_report_says_a_gated_move_set_can_still_be_crossed() -> None:
    """Review rev23 finding 2: ``red_lines_moved`` said "never crossed" of a move set outside
    the win-set at the date that most runs cross once their costs lift the share."""
    from detente.cli.simulate import _moved_lines

    rec = run_simulation(_near(), 200, 3, 60).settlement_reasons()["red_lines_moved"][0]
    assert rec["ratified"] is False and rec["share_moves"] is True
    text = _moved_lines(rec)
    assert "crossed only where the run's war costs lift the share" in text
    assert "never crossed" not in text
    fixed = _scenario(_commit(60.0, _share(0.48, 0.52)))  # nothing paid before: fixed share
    rec = run_simulation(fixed, 50, 3, 20).settlement_reasons()["red_lines_moved"][0]
    assert rec["ratified"] is False and rec["share_moves"] is False
    assert _moved_lines(rec).endswith("outside the ratifiers' win-set: never crossed")
