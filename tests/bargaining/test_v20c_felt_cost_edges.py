"""rev19 finding 6 (v20c): the felt cost of fighting (:func:`detente.bargaining.problem.felt_cost`,
ripeness's W) never exceeds the cost paid nor its bound ``c / (1 − δ)``, grows with the periods
at a constant cost, and is accurate and continuous as δ → 1 (``discounted_periods``: a fraction
of the first period is weighted 1; ``−expm1(T · log1p(δ − 1)) / (1 − δ)``, no tolerance that
reads a δ near 1 as 1). validation/v20c_expectations.md §2."""

from __future__ import annotations

import math

from hypothesis import example, given, settings
from hypothesis import strategies as st

from detente.bargaining.problem import discounted_periods, felt_cost

COSTS = st.floats(1e-4, 1.0)
PERIODS = st.floats(0.0, 1e6)
DELTAS = st.floats(0.5, 1.0)


def _felt(c: float, t: float, d: float) -> float:
    """The felt cost after ``t`` periods at the constant cost ``c`` (the analysis' W)."""
    return float(felt_cost(0.0, c * t, t, d))


@settings(max_examples=300, deadline=None)
@given(c=COSTS, t=PERIODS, d=DELTAS)
@example(c=1.0, t=0.5, d=0.5)  # rev19: 0.586 felt vs 0.5 paid
@example(c=1.0, t=4.0 / 7.0, d=0.99)  # Georgia's four days of a weekly war: 0.5727 vs 0.5714
def test_the_felt_cost_never_exceeds_the_cost_paid(c: float, t: float, d: float) -> None:
    assert _felt(c, t, d) <= c * t * (1.0 + 1e-12)


@settings(max_examples=300, deadline=None)
@given(c=COSTS, t=PERIODS, d=st.floats(0.5, 1.0, exclude_max=True))
@example(c=1.0, t=3e5, d=0.99999)  # rev19: read as undiscounted, 3e5 > the bound 1e5
def test_the_felt_cost_never_exceeds_its_bound(c: float, t: float, d: float) -> None:
    assert _felt(c, t, d) <= c / (1.0 - d) * (1.0 + 1e-12)


@settings(max_examples=300, deadline=None)
@given(c=COSTS, t1=PERIODS, t2=PERIODS, d=DELTAS)
@example(c=1.0, t1=0.5, t2=1.0, d=0.5)
def test_the_felt_cost_grows_with_the_periods_at_a_constant_cost(
    c: float, t1: float, t2: float, d: float
) -> None:
    """A guard (it holds on the base too): a longer war at the same cost is felt at least as
    much."""
    lo, hi = min(t1, t2), max(t1, t2)
    assert _felt(c, lo, d) <= _felt(c, hi, d) * (1.0 + 1e-12) + 1e-300


@settings(max_examples=200, deadline=None)
@given(eps=st.floats(1e-12, 1e-2), t=st.integers(1, 5000))
@example(eps=1e-5, t=2491)  # rev19: δ = 0.99999 read as 1, 2491 instead of 2460.24
@example(eps=9.9e-6, t=2491)
def test_the_discounted_length_is_accurate_as_delta_nears_one(eps: float, t: int) -> None:
    d = 1.0 - eps
    want = math.fsum(d**k for k in range(t))  # Σ_{k<T} δ^k term by term
    got = float(discounted_periods(d, float(t)))
    assert abs(got - want) <= 1e-9 * want


@settings(max_examples=200, deadline=None)
@given(eps=st.floats(1e-12, 1e-3), t=st.floats(1.0, 1e4))
@example(eps=1.02e-5, t=2491.0)
def test_the_discounted_length_is_continuous_at_delta_one(eps: float, t: float) -> None:
    """Σ_{k<T} δ^k has slope at most T²/2 in δ: a step of ε in δ moves it by at most T²ε/2
    (the base jumped by 31 periods between δ = 1 − 1.02e-5 and 1 − 0.9996e-5)."""
    near = float(discounted_periods(1.0 - eps, t))
    nearer = float(discounted_periods(1.0 - 0.98 * eps, t))
    one = float(discounted_periods(1.0, t))
    assert one == t
    assert near <= nearer * (1.0 + 1e-12) and nearer <= one * (1.0 + 1e-12)
    assert abs(nearer - near) <= t * t * 0.02 * eps / 2.0 + 1e-9 * t


def test_a_fraction_of_the_first_period_is_felt_in_full() -> None:
    assert float(discounted_periods(0.5, 0.5)) == 0.5
    assert _felt(1.0, 0.5, 0.5) == 0.5
    assert float(discounted_periods(0.9, 0.0)) == 0.0
    assert float(discounted_periods(0.0, 3.0)) == 1.0  # δ = 0: only the latest period
