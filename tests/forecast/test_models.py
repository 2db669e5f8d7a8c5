"""Hand-checked values for the compromise, median and Nash models, and the own models' fits."""

from __future__ import annotations

import numpy as np
import pytest

from detente.errors import InputError
from detente.forecast import get_model, make_issue
from detente.forecast.compromise import weighted_mean, weighted_median
from detente.forecast.nash import nash_solution
from detente.forecast.own import BlendModel, CapabilityExponentModel, StatusQuoGravityModel
from detente.forecast.synthetic import synthetic_issues


def test_weighted_mean_and_median_by_hand() -> None:
    x = np.array([0.0, 50.0, 100.0])
    w = np.array([1.0, 1.0, 3.0])
    assert weighted_mean(x, w) == pytest.approx(70.0)
    assert weighted_median(x, w) == 100.0
    assert weighted_median(x, np.array([3.0, 1.0, 1.0])) == 0.0
    assert weighted_median(x, np.array([1.0, 2.0, 1.0])) == 50.0


def test_weighted_median_exact_half_split_takes_midpoint() -> None:
    x = np.array([10.0, 30.0, 30.0, 70.0])
    assert weighted_median(x, np.array([1.0, 0.5, 0.5, 2.0])) == pytest.approx(50.0)
    # zero-weight actors in between do not count
    x = np.array([10.0, 20.0, 70.0])
    assert weighted_median(x, np.array([1.0, 0.0, 1.0])) == pytest.approx(40.0)


def test_compromise_uses_capability_times_salience() -> None:
    issue = make_issue("i", ["a", "b", "c"], [0.0, 50.0, 100.0], [1.0, 2.0, 1.0], [1, 1, 2])
    assert get_model("compromise").predict(issue) == pytest.approx((0 + 100 + 200) / 5)


def test_nash_status_quo_inside_range_is_the_solution() -> None:
    assert nash_solution(
        np.array([10.0, 60.0, 90.0]), np.ones(3), np.ones(3), status_quo=50.0
    ) == pytest.approx(50.0)


def test_nash_by_hand_with_status_quo_at_zero() -> None:
    # F = [20, 40]; gains there: 40 - x, x, x -> maximise log(40 - x) + 2 log x -> x = 80/3.
    p = np.array([20.0, 60.0, 100.0])
    assert nash_solution(p, np.ones(3), np.ones(3), 0.0) == pytest.approx(80 / 3, abs=1e-5)
    # Two actors at 40 and 80, weights 1 and 3: maximise log(80 - x) + 3 log x on [40, 80]
    # gives the interior optimum x = 60.
    p = np.array([40.0, 80.0])
    assert nash_solution(p, np.ones(2), np.array([1.0, 3.0]), 0.0) == pytest.approx(60.0, abs=1e-4)


def test_nash_without_status_quo_stays_in_range() -> None:
    value = nash_solution(np.array([0.0, 30.0, 100.0]), np.ones(3), np.ones(3), None)
    assert 0.0 <= value <= 100.0


def test_own_models_recover_the_generating_parameter() -> None:
    rng = np.random.default_rng(0)
    pulled = synthetic_issues(150, 8, truth="sq-pull", noise=1.0, seed=3)
    assert StatusQuoGravityModel().fit(pulled, rng).gravity == pytest.approx(0.3, abs=0.05)
    by_median = synthetic_issues(150, 8, truth="median", noise=1.0, seed=3)
    assert BlendModel().fit(by_median, rng).mean_share <= 0.1
    by_mean = synthetic_issues(150, 8, truth="mean", noise=1.0, seed=3)
    assert BlendModel().fit(by_mean, rng).mean_share >= 0.9
    assert CapabilityExponentModel().fit(by_mean, rng).exponent == pytest.approx(1.0, abs=0.15)


def test_untrained_own_models_equal_the_baselines() -> None:
    issue = synthetic_issues(1, 7, seed=9)[0]
    mean = get_model("compromise").predict(issue)
    for name in ("sq-gravity", "blend", "cap-exponent"):
        assert get_model(name).predict(issue) == pytest.approx(mean)


def test_fit_ignores_issues_without_outcome() -> None:
    issue = synthetic_issues(1, 5, seed=4)[0]
    blank = make_issue(
        "x", issue.actors, issue.positions, issue.saliences, issue.capabilities, status_quo=0.0
    )
    fitted = StatusQuoGravityModel().fit([blank], np.random.default_rng(0))
    assert fitted.gravity == 0.0


def test_nash_terminates_on_a_narrow_feasible_set() -> None:
    # F = [49.99, 50.01]: narrower than the bisection tolerance can resolve at this magnitude.
    p = np.array([49.99, 50.0, 50.01])
    value = nash_solution(p, np.ones(3), np.ones(3), 0.0)
    assert 49.99 <= value <= 50.01


def test_cap_exponent_without_capabilities_reports_no_tie_break() -> None:
    issues = synthetic_issues(40, 6, seed=5)
    bare = [
        make_issue(i.issue_id, i.actors, i.positions, i.saliences, outcome=i.outcome)
        for i in issues
    ]
    fitted = CapabilityExponentModel().fit(bare, np.random.default_rng(0))
    assert fitted.exponent is None
    assert fitted.parameters() == {"exponent": None}
    assert fitted.note is not None and fitted.note.startswith("no capabilities given")
    assert fitted.predict(bare[0]) == pytest.approx(get_model("compromise").predict(bare[0]))
    # with capabilities that differ, the exponent is identified again
    assert CapabilityExponentModel().fit(issues, np.random.default_rng(0)).exponent is not None


def test_sq_gravity_fits_both_directions() -> None:
    rng = np.random.default_rng(0)
    pulled = synthetic_issues(150, 8, truth="sq-pull", noise=1.0, seed=3)
    mean = get_model("compromise")
    pushed = [
        make_issue(
            i.issue_id, i.actors, i.positions, i.saliences, i.capabilities,
            status_quo=i.status_quo,
            outcome=1.3 * mean.predict(i) - 0.3 * float(i.status_quo),  # type: ignore[arg-type]
        )
        for i in pulled
    ]  # fmt: skip
    assert StatusQuoGravityModel().fit(pushed, rng).gravity == pytest.approx(-0.3, abs=0.03)


def test_anchored_recovers_its_coefficients_and_defaults_to_compromise() -> None:
    from detente.forecast.own import AnchoredModel, anchors

    base = synthetic_issues(200, 10, seed=4)
    truth = np.array([-0.2, 0.3, 0.0])
    made = []
    for i in base:
        m, off = anchors(i)
        made.append(
            make_issue(
                i.issue_id, i.actors, i.positions, i.saliences, i.capabilities,
                status_quo=i.status_quo, outcome=m + float(off @ truth),
            )
        )  # fmt: skip
    fitted = AnchoredModel().fit(made, np.random.default_rng(0))
    assert fitted.coefficients == pytest.approx(truth, abs=1e-6)
    assert set(fitted.parameters()) == {"status_quo", "centre", "median"}
    assert AnchoredModel().predict(base[0]) == pytest.approx(
        get_model("compromise").predict(base[0])
    )


def test_nash_disagreement_points() -> None:
    issue = make_issue("i", ["a", "b", "c"], [10.0, 60.0, 90.0], status_quo=50.0)
    assert get_model("nash").predict(issue) == pytest.approx(50.0)  # status quo inside
    worst = get_model("nash-worst").predict(issue)
    assert 10.0 < worst < 90.0 and worst != pytest.approx(50.0)
    with pytest.raises(InputError, match="needs a scenario with a war model"):
        get_model("nash-war").predict(issue)


def test_qualified_majority_by_hand() -> None:
    from detente.forecast.procedural import QualifiedMajorityModel, qmv_outcome

    # r = 0; actors at 20, 60, 100 prefer x to r on (0, 40), (0, 120), (0, 200).
    issue = make_issue("q", ["a", "b", "c"], [20.0, 60.0, 100.0], status_quo=0.0)
    assert qmv_outcome(issue, 0.5) == pytest.approx(60.0)  # the median beats r 2:1
    assert qmv_outcome(issue, 0.71) == pytest.approx(40.0)  # all three needed: W = (0, 40)
    # status quo between the actors: nobody can be made better off by all -> gridlock at r
    middle = make_issue("m", ["a", "b", "c"], [20.0, 60.0, 100.0], status_quo=50.0)
    assert qmv_outcome(middle, 1.0) == pytest.approx(50.0)
    assert QualifiedMajorityModel().parameters() == {"threshold": 0.71}
