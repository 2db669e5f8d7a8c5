"""Properties the issue asks for, on random problems (Hypothesis)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.bargaining import build_problem
from detente.bargaining.distrust import (
    DistrustState,
    apply_all,
    base_state,
    mechanism_effects,
    thresholds,
)
from detente.bargaining.problem import BargainingProblem
from detente.bargaining.solutions import solve_all
from detente.bargaining.utility import utility
from detente.bargaining.zone import ZoneLP, compute_zone, contains
from detente.scenario import load_scenario
from detente.scenario.schema import Mechanism, SanctionsStep

from .helpers import make_problem

FIXTURE = Path(__file__).parent / "fixtures" / "border.yaml"
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def problems(draw: st.DrawFn) -> BargainingProblem:
    m = draw(st.integers(2, 4))
    n = draw(st.integers(1, 3))
    floats = st.floats(0.0, 100.0, allow_nan=False)
    ideal = np.array(draw(st.lists(floats, min_size=m * n, max_size=m * n))).reshape(m, n)
    weights = np.array(draw(st.lists(st.floats(0.1, 1.0), min_size=m * n, max_size=m * n))).reshape(
        m, n
    )
    risk = np.array(draw(st.lists(st.sampled_from([0.5, 1.0, 2.0]), min_size=m, max_size=m)))
    reservation = np.array(draw(st.lists(st.floats(-0.2, 0.95), min_size=m, max_size=m)))
    lo = np.zeros((m, n))
    hi = np.full((m, n), 100.0)
    if draw(st.booleans()):
        i, k = draw(st.integers(0, m - 1)), draw(st.integers(0, n - 1))
        width = draw(st.floats(5.0, 60.0))
        lo[i, k] = max(0.0, ideal[i, k] - width)
        hi[i, k] = min(100.0, ideal[i, k] + width)
    return make_problem(ideal, weights, reservation, risk=risk, lo=lo, hi=hi)


def _samples(prob: BargainingProblem, seed: int = 0, size: int = 3000) -> np.ndarray:
    return np.random.default_rng(seed).random((size, prob.n_issues)) * 100.0


@SETTINGS
@given(problems())
def test_solutions_lie_in_the_zone(prob: BargainingProblem) -> None:
    lp = ZoneLP(prob)
    zone = compute_zone(prob, lp=lp, samples=500)
    sols = solve_all(prob, zone, lp)
    if zone.exists:
        assert contains(prob, zone.thresholds, zone.centre)
        for name in ("nash", "kalai_smorodinsky", "utilitarian"):
            assert sols[name].in_zone, name
            assert contains(prob, zone.thresholds, sols[name].x), name
            x = sols[name].x
            assert np.all(x >= zone.intervals[:, 0] - 1e-6)
            assert np.all(x <= zone.intervals[:, 1] + 1e-6)
    else:
        assert set(sols) == {"compromise"}
        assert not sols["compromise"].in_zone


@SETTINGS
@given(problems())
def test_empty_zone_is_empty_and_has_shortfalls(prob: BargainingProblem) -> None:
    zone = compute_zone(prob, samples=0)
    x = _samples(prob)
    inside = np.array([contains(prob, zone.thresholds, xi) for xi in x[:400]])
    if not zone.exists:
        assert not inside.any()
        assert zone.shortfall.max() > 0 or zone.red_line_conflicts
    else:
        assert np.all(zone.shortfall == 0)
        assert np.all(zone.slack[prob.veto] >= -1e-6)


@SETTINGS
@given(problems(), st.data())
def test_distrust_zone_is_a_subset(prob: BargainingProblem, data: st.DataObject) -> None:
    m = prob.n_actors
    q = np.array(data.draw(st.lists(st.floats(0.0, 1.0), min_size=m * m, max_size=m * m)))
    gap = np.array(data.draw(st.lists(st.floats(0.0, 0.5), min_size=m, max_size=m)))
    state = DistrustState(
        q_pair=q.reshape(m, m),
        v=prob.reservation,
        v_cheated=prob.reservation - gap,
        cost=np.zeros(m),
    )
    t = thresholds(prob, state)
    assert np.all(t[prob.veto] >= prob.reservation[prob.veto] - 1e-12)
    lp = ZoneLP(prob)
    with_d = compute_zone(prob, t, lp=lp, samples=0)
    without = compute_zone(prob, lp=lp, samples=0)
    if with_d.exists:
        assert without.exists
        assert np.all(with_d.intervals[:, 0] >= without.intervals[:, 0] - 1e-6)
        assert np.all(with_d.intervals[:, 1] <= without.intervals[:, 1] + 1e-6)
    u = utility(prob, _samples(prob))
    in_d = np.all(u[:, prob.veto] >= t[prob.veto], axis=1)
    in_nd = np.all(u[:, prob.veto] >= prob.reservation[prob.veto], axis=1)
    assert not np.any(in_d & ~in_nd)


mechanism = st.one_of(
    st.builds(lambda d: Mechanism(id="m", kind="monitors", name="m", detection=d), st.floats(0, 1)),
    st.builds(
        lambda h, loss: Mechanism(
            id="m", kind="peacekeepers", name="m", hazard_ratio=h, loss_if_cheated=loss
        ),
        st.floats(0.05, 1.0),
        st.floats(0.0, 1.0),
    ),
    st.builds(
        lambda lev, who: Mechanism(
            id="m", kind="guarantee", name="m", guarantor="G", leverage=lev, beneficiary=who
        ),
        st.floats(0, 1),
        st.sampled_from([None, "W", "E"]),
    ),
    st.builds(
        lambda g, who: Mechanism(
            id="m", kind="security_guarantee", name="m", beneficiary=who, fallback_gain=g
        ),
        st.floats(0, 1),
        st.sampled_from(["W", "E"]),
    ),
    st.builds(
        lambda after, frac: Mechanism(
            id="m",
            kind="staged_sanctions",
            name="m",
            beneficiary="E",
            schedule=(SanctionsStep(after_periods=after, fraction=frac),),
        ),
        st.integers(0, 60),
        st.floats(0, 1),
    ),
)


@SETTINGS
@given(st.lists(mechanism, min_size=1, max_size=4))
def test_cost_free_mechanisms_never_shrink_the_zone(mechs: list[Mechanism]) -> None:
    scenario = load_scenario(FIXTURE)
    mechs = [mm.model_copy(update={"id": f"m{j}"}) for j, mm in enumerate(mechs)]
    scenario = scenario.model_copy(update={"mechanisms": tuple(mechs)})
    prob = build_problem(scenario)
    base = base_state(prob, {("W", "E"): 0.3, ("E", "W"): 0.5, ("W", "G"): 0.8})
    effects = mechanism_effects(prob, scenario)
    t0 = thresholds(prob, base)
    lp = ZoneLP(prob)
    z0 = compute_zone(prob, t0, lp=lp, samples=0)
    for j in range(len(effects)):
        t1 = thresholds(prob, apply_all(base, effects[: j + 1]))
        assert np.all(t1[prob.veto] <= t0[prob.veto] + 1e-12)
        z1 = compute_zone(prob, t1, lp=lp, samples=0)
        assert z1.radius >= z0.radius - 1e-7
        if z0.exists:
            assert np.all(z1.intervals[:, 0] <= z0.intervals[:, 0] + 1e-6)
            assert np.all(z1.intervals[:, 1] >= z0.intervals[:, 1] - 1e-6)
        t0, z0 = t1, z1


def test_a_costly_mechanism_can_shrink_the_zone() -> None:
    """The exception the issue allows: a cost borne by a veto party raises its threshold."""
    scenario = load_scenario(FIXTURE)
    mech = Mechanism(id="pricey", kind="monitors", name="m", detection=0.0, cost={"W": 0.01})
    scenario = scenario.model_copy(update={"mechanisms": (mech,)})
    prob = build_problem(scenario)
    base = base_state(prob, {})
    eff = mechanism_effects(prob, scenario)
    t0 = thresholds(prob, base)
    t1 = thresholds(prob, apply_all(base, eff))
    w = prob.index("W")
    assert t1[w] > t0[w]
    z0, z1 = compute_zone(prob, t0, samples=0), compute_zone(prob, t1, samples=0)
    assert z1.radius < z0.radius
