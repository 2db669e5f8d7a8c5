"""Smallest red-line relaxations: a hand-solved case, one-sided variants, and minimality."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.bargaining.analysis import analyze, run_red_line_relaxation, what_it_takes_document
from detente.bargaining.problem import BargainingProblem
from detente.bargaining.relax import Relaxation, relax_red_lines, relaxed_problem
from detente.bargaining.whatittakes import what_it_takes
from detente.bargaining.zone import compute_zone, contains
from detente.errors import InputError
from detente.scenario import load_scenario

from .helpers import make_problem

FIXTURE = Path(__file__).parent / "fixtures" / "border.yaml"
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def two_issue() -> BargainingProblem:
    """a0 needs ≥ 70 and ≥ 60, a1 ≤ 30 and ≤ 40; a0 cares 3:1 about issue 0, a1 1:3.

    Utilities never bind (reservations −1). Closing the gaps (40 and 20 points) costs a1
    0.25/point on issue 0 and a0 0.25/point on issue 1: a1 moves 40 points, a0 20, total
    0.25·40 + 0.25·20 = 15; the only zone point is (70, 40).
    """
    return make_problem(
        [[100, 100], [0, 0]],
        [[0.75, 0.25], [0.25, 0.75]],
        [-1.0, -1.0],
        lo=[[70, 60], [0, 0]],
        hi=[[100, 100], [30, 40]],
    )


def _scaled(p: BargainingProblem, r: Relaxation, s: float) -> BargainingProblem:
    return relaxed_problem(p, p.lo + s * (r.lo - p.lo), p.hi + s * (r.hi - p.hi))


def test_two_issue_known_answer() -> None:
    p = two_issue()
    assert not compute_zone(p, samples=0).exists
    r = relax_red_lines(p, p.reservation)
    assert r is not None
    assert r.total == pytest.approx(15.0, abs=1e-6)
    assert r.points == pytest.approx(60.0, abs=1e-6)
    moves = {(mv.actor, mv.issue, mv.bound): (mv.start, mv.end) for mv in r.moves}
    assert moves == {
        ("a1", "i0", "max"): pytest.approx((30.0, 70.0)),
        ("a0", "i1", "min"): pytest.approx((60.0, 40.0)),
    }
    assert r.points_by_actor() == pytest.approx({"a0": 20.0, "a1": 40.0})
    assert r.zone.exists
    np.testing.assert_allclose(r.point, [70.0, 40.0], atol=1e-6)
    assert r.nash is not None
    np.testing.assert_allclose(r.nash.x, [70.0, 40.0], atol=1e-6)


def test_two_issue_one_sided() -> None:
    p = two_issue()
    only0 = relax_red_lines(p, p.reservation, conceders=("a0",))
    only1 = relax_red_lines(p, p.reservation, conceders=("a1",))
    assert only0 is not None and only1 is not None
    assert {mv.actor for mv in only0.moves} == {"a0"}
    assert only0.total == pytest.approx(0.75 * 40 + 0.25 * 20, abs=1e-6)
    assert only1.total == pytest.approx(0.25 * 40 + 0.75 * 20, abs=1e-6)
    assert only0.points == only1.points == pytest.approx(60.0, abs=1e-6)
    assert only0.zone.exists and only1.zone.exists


def test_utility_threshold_binds_and_blocks() -> None:
    """One issue: a0 ≥ 60, a1 ≤ 40, and a1 needs U ≥ 0.5, i.e. x ≤ 50."""
    p = make_problem([[100], [0]], [[1.0], [1.0]], [-1.0, 0.5], lo=[[60], [0]], hi=[[100], [40]])
    # a1 conceding alone cannot help: a0 still needs x ≥ 60 > 50.
    assert relax_red_lines(p, p.reservation, conceders=("a1",)) is None
    only0 = relax_red_lines(p, p.reservation, conceders=("a0",))
    assert only0 is not None
    assert [(mv.actor, mv.end) for mv in only0.moves] == [("a0", pytest.approx(40.0))]
    both = relax_red_lines(p, p.reservation)
    assert both is not None and both.points == pytest.approx(20.0, abs=1e-6)
    assert both.point[0] <= 50.0 + 1e-6
    # An unreachable threshold (t > 1) cannot be met by moving red lines.
    assert relax_red_lines(p, np.array([-1.0, 1.5])) is None


def test_open_zone_needs_no_concession() -> None:
    p = make_problem([[100], [0]], [[1.0], [1.0]], [0.2, 0.2], lo=[[30], [0]], hi=[[100], [70]])
    r = relax_red_lines(p, p.reservation)
    assert r is not None and r.moves == () and r.total == 0.0 and r.zone.exists


@st.composite
def conflicted(draw: st.DrawFn) -> tuple[BargainingProblem, np.ndarray]:
    m = draw(st.integers(2, 3))
    n = draw(st.integers(1, 3))
    pts = st.floats(0.0, 100.0, allow_nan=False)
    ideal = np.array(draw(st.lists(pts, min_size=m * n, max_size=m * n))).reshape(m, n)
    w = np.array(draw(st.lists(st.floats(0.05, 1.0), min_size=m * n, max_size=m * n)))
    a = np.array(draw(st.lists(pts, min_size=m * n, max_size=m * n))).reshape(m, n)
    b = np.array(draw(st.lists(pts, min_size=m * n, max_size=m * n))).reshape(m, n)
    t = np.array(draw(st.lists(st.floats(-0.5, 0.6), min_size=m, max_size=m)))
    p = make_problem(ideal, w.reshape(m, n), t, lo=np.minimum(a, b), hi=np.maximum(a, b))
    return p, t


@SETTINGS
@given(conflicted(), st.sampled_from([0.5, 0.9, 0.98]))
def test_relaxation_opens_and_is_minimal(
    case: tuple[BargainingProblem, np.ndarray], s: float
) -> None:
    p, t = case
    r = relax_red_lines(p, t)
    if r is None:
        # Red lines are not the obstacle: even without them no point meets every threshold.
        free = relaxed_problem(p, np.zeros_like(p.lo), np.full_like(p.hi, 100.0))
        assert not compute_zone(free, t, samples=0).exists
        return
    relaxed = relaxed_problem(p, r.lo, r.hi)
    assert compute_zone(relaxed, t, samples=0).exists
    assert contains(relaxed, t, r.point)
    assert np.all(r.lo <= p.lo + 1e-12) and np.all(r.hi >= p.hi - 1e-12)
    if r.total > 1e-3:
        assert not compute_zone(p, t, samples=0).exists
        assert not compute_zone(_scaled(p, r, s), t, samples=0).exists


@pytest.fixture(scope="module")
def border():  # type: ignore[no-untyped-def]
    return analyze(load_scenario(FIXTURE), compliance={("W", "E"): 0.2, ("E", "W"): 0.35})


def test_report_document_keys(border) -> None:  # type: ignore[no-untyped-def]
    rep = run_red_line_relaxation(border)
    w = what_it_takes(border.problem, border.state, [], lp=border.lp)
    doc = what_it_takes_document(border, w, rep)
    assert "red_line_relaxation" in doc and set(doc["one_sided"]) == {"W", "E"}
    # Without distrust the border zone is open: no concession needed there.
    assert rep.without_distrust is not None and rep.without_distrust.moves == ()
    with pytest.raises(InputError, match="unknown mechanism"):
        run_red_line_relaxation(border, mechanisms=("nope",))
    # With the monitors in force the distrust zone is open (what-it-takes' cheapest option).
    monitored = run_red_line_relaxation(border, mechanisms=("monitors",))
    assert monitored.relaxation is not None and monitored.relaxation.moves == ()


def test_red_lines_within_feasibility_tolerance_agree() -> None:
    """Regression (Hypothesis example): red lines 1e-9 apart on one issue.

    The zone and the relaxation used different tolerances (1e-12 and 1e-9) for the same
    question (do two red lines conflict?): the relaxation saw no move needed while the zone
    saw a conflict. Both now use ``detente.core.TOL_FEASIBLE``.
    """
    w = np.full((2, 3), 1 / 3)
    lo = np.array([[0.0, 0.0, 0.0], [0.0, 0.0, 1e-9]])
    hi = np.array([[0.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    t = np.zeros(2)
    p = make_problem(np.zeros((2, 3)), w, t, lo=lo, hi=hi)
    r = relax_red_lines(p, t)
    assert r is not None
    relaxed = relaxed_problem(p, r.lo, r.hi)
    assert compute_zone(relaxed, t, samples=0).exists
    assert contains(relaxed, t, r.point)
