"""Red lines harden: a belligerent's stated lines follow its value of fighting (Fearon 1995;
Slantchev 2003), the rule of ``bargaining.redlines.hardened_bounds`` applied by the
``positions`` step (``steps.positions.red_lines``)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.bargaining.redlines import HARDENING_PASS_THROUGH, hardened_bounds
from detente.simulate.beliefs import stake_utilities
from detente.simulate.engine import iter_periods, simulate_block
from detente.simulate.model import build_model
from detente.simulate.state import evolve
from detente.simulate.steps.positions import red_lines, war_rise

from .helpers import make_scenario

# compatible lines: no move set, so every change of a line is hardening
RED = {("A", "land"): (30.0, 100.0), ("B", "land"): (0.0, 70.0)}


def test_a_rise_in_the_value_of_fighting_tightens_stated_bounds_toward_the_ideal() -> None:
    lo = np.array([30.0, 0.0, 90.0])
    hi = np.array([100.0, 60.0, 100.0])
    ideal = np.array([80.0, 20.0, 95.0])
    new_lo, new_hi = hardened_bounds(lo, hi, ideal, 0.1)
    step = HARDENING_PASS_THROUGH * 10.0
    # a stated minimum rises by 100·ΔV, stopping at the ideal; an unstated one (0) stays
    assert np.allclose(new_lo, [30.0 + step, 0.0, min(90.0 + step, 95.0)])
    # a stated maximum falls by 100·ΔV; an unstated one (100) stays
    assert np.allclose(new_hi, [100.0, max(60.0 - step, 20.0), 100.0])
    # no rise, a fall, or no value yet: the stated lines
    for rise in (0.0, -0.3, np.nan):
        same_lo, same_hi = hardened_bounds(lo, hi, ideal, rise)
        assert np.array_equal(same_lo, lo) and np.array_equal(same_hi, hi)
    # bounds a crossing already moved do not harden
    kept_lo, kept_hi = hardened_bounds(lo, hi, ideal, 0.1, lo_open=False, hi_open=False)
    assert np.array_equal(kept_lo, lo) and np.array_equal(kept_hi, hi)


@settings(max_examples=200, deadline=None)
@given(
    lo=st.floats(0, 100),
    width=st.floats(0, 100),
    ideal=st.floats(0, 100),
    rise=st.floats(-2, 5),
)
def test_hardened_bounds_stay_on_the_scale_and_only_tighten(
    lo: float, width: float, ideal: float, rise: float
) -> None:
    hi = min(lo + width, 100.0)
    new_lo, new_hi = hardened_bounds(np.array([lo]), np.array([hi]), np.array([ideal]), rise)
    assert 0.0 <= new_lo[0] <= 100.0 and 0.0 <= new_hi[0] <= 100.0
    assert new_lo[0] >= lo and new_hi[0] <= hi  # never looser than stated
    # never past the ideal (unless the stated line already was)
    assert new_lo[0] <= max(lo, ideal) and new_hi[0] >= min(hi, ideal)


def test_the_side_whose_value_of_fighting_rises_tightens_and_the_other_does_not() -> None:
    m = build_model(make_scenario(strategies=("conceder", "conceder"), red_lines=RED))
    assert not m.agenda.move_sets
    a, b, land = m.actor_ids.index("A"), m.actor_ids.index("B"), m.issue_ids.index("land")
    s = next(iter_periods(m, 6, np.random.SeedSequence(3), 1))
    lo, hi = red_lines(m, s)
    assert np.allclose(lo[:, a, land], 30.0) and np.allclose(hi[:, b, land], 70.0)
    rise = np.array([0.0, 0.05, 0.2, 0.9, -0.1, np.nan])
    value = s.value0 + np.stack([rise, np.zeros(6)], axis=1)
    lo, hi = red_lines(m, evolve(s, value=value))
    want = np.minimum(30.0 + 100.0 * np.nan_to_num(np.maximum(rise, 0.0)), 100.0)
    assert np.allclose(lo[:, a, land], want)  # A's minimum on land rises with its value
    assert np.allclose(hi[:, b, land], 70.0)  # B's value did not move: nor did its line
    assert np.allclose(lo[:, b, land], 0.0) and np.allclose(hi[:, a, land], 100.0)


def test_the_terms_of_an_agreement_in_force_do_not_harden_the_lines() -> None:
    """An agreement's terms on an issue the front does not move raise the value of fighting
    through the stalemate outcome: that rise is not news about the war (Reiter 2009) and
    hardens nothing (``positions.war_rise``), while the same rise from the war does."""
    m = build_model(make_scenario(strategies=("conceder", "conceder"), red_lines=RED))
    a, land, bloc = m.actor_ids.index("A"), m.issue_ids.index("land"), m.issue_ids.index("bloc")
    assert m.front_moves[land] and not m.front_moves[bloc]
    s = next(iter_periods(m, 6, np.random.SeedSequence(3), 1))
    assert np.array_equal(s.line[:, bloc], np.full(6, m.status_quo[bloc]))
    line = s.line.copy()
    line[:, bloc] = m.ideal[a, bloc]  # an agreement wrote A's best terms on bloc
    u_line = stake_utilities(m, line, None, s.u_victory)[2]
    gain = m.stalemate * (u_line - stake_utilities(m, s.line, None, s.u_victory)[2])
    assert (gain[:, a] > 0.01).all()
    banked = evolve(s, line=line, value=s.value0 + gain)
    assert np.allclose(war_rise(m, banked), 0.0, atol=1e-12)
    lo, _ = red_lines(m, banked)
    assert np.allclose(lo[:, a, land], 30.0)  # the banked gain hardens nothing
    lo, _ = red_lines(m, evolve(s, value=s.value0 + gain))  # the same rise from the war
    assert np.allclose(lo[:, a, land], 30.0 + HARDENING_PASS_THROUGH * 100.0 * gain[:, a])


def test_terms_that_cost_a_side_with_a_stated_reservation_do_not_harden_its_lines() -> None:
    """A stated reservation is the side's value of fighting, a constant no agreement's terms
    move (``beliefs.fighting_value``): terms in force that cost it on an issue the front does
    not move leave its war's rise at 0 and its lines as stated (they hardened before the fix)."""
    sc = make_scenario(strategies=("conceder", "conceder"), red_lines=RED, reservation=(0.4, None))
    m = build_model(sc)
    a, b = m.actor_ids.index("A"), m.actor_ids.index("B")
    land, bloc = m.issue_ids.index("land"), m.issue_ids.index("bloc")
    assert m.reservation[a] == 0.4 and np.isnan(m.reservation[b])
    assert m.front_moves[land] and not m.front_moves[bloc]
    s = next(iter_periods(m, 6, np.random.SeedSequence(3), 1))
    assert np.allclose(s.value[:, a], 0.4) and np.allclose(s.value0[:, a], 0.4)
    line = s.line.copy()
    line[:, bloc] = m.ideal[b, bloc]  # an agreement wrote B's best terms on bloc
    u_now = stake_utilities(m, line, None, s.u_victory)[2]
    cost = m.stalemate * (stake_utilities(m, s.line, None, s.u_victory)[2] - u_now)
    assert (cost[:, a] > 0.01).all()  # the terms cost A: netting them would read as a rise
    signed = evolve(s, line=line)
    assert np.allclose(war_rise(m, signed)[:, a], 0.0, atol=1e-12)
    lo, _ = red_lines(m, signed)
    assert np.allclose(lo[:, a, land], 30.0)  # A's minimum on land stays as stated


def test_a_front_moving_ones_way_hardens_ones_lines_in_a_run_deterministically() -> None:
    """A stated drift toward A: A's value of fighting rises as the front and its beliefs move,
    so its red line tightens in the median; B's falls and B's line stays as stated. Since the
    priors are centred on the stated drift (branch dyn10b) the rise comes from the front's move
    alone, not from learning the drift too: 32.47 in the median (46.06 before)."""
    sc = make_scenario(strategies=("boulware", "boulware"), red_lines=RED, front={"drift": 0.3})
    m = build_model(sc)
    o = simulate_block(m, 200, 52, np.random.default_rng(11))
    a_min = o.paths["redline.A.land.min"]
    b_max = o.paths["redline.B.land.max"]
    assert float(np.median(a_min[-1])) > 30.0 + 1.5
    assert float(np.median(b_max[-1])) == 70.0
    assert (a_min >= 30.0).all() and (a_min <= 100.0).all() and (b_max <= 70.0).all()
    again = simulate_block(m, 200, 52, np.random.default_rng(11))
    assert np.array_equal(again.paths["redline.A.land.min"], a_min)


def test_a_line_moved_by_a_crossing_no_longer_hardens() -> None:
    conflict = {("A", "land"): (60.0, 100.0), ("B", "land"): (0.0, 40.0)}
    m = build_model(make_scenario(strategies=("conceder", "conceder"), red_lines=conflict))
    assert m.agenda.move_sets
    land = m.issue_ids.index("land")
    checked = 0
    for j, ms in enumerate(m.agenda.move_sets):
        if ms.actor >= 2 or land not in ms.issues:
            continue
        k = list(ms.issues).index(land)
        harden = m.agenda.harden_lo if ms.is_min[k] else m.agenda.harden_hi
        assert harden[0, ms.actor, land]  # stated: can harden
        assert not harden[1 << j, ms.actor, land]  # crossed: the commitment is spent
        checked += 1
    assert checked
