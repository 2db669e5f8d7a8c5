"""The simulation's arrays agree with the bargaining engine's formulas."""

from __future__ import annotations

import numpy as np
import pytest

from detente.bargaining.problem import build_problem
from detente.bargaining.utility import utility as bargaining_utility
from detente.bargaining.war import reservation_values
from detente.errors import InputError
from detente.simulate.beliefs import fighting_values, stake_utilities
from detente.simulate.engine import iter_periods
from detente.simulate.model import build_model, candidate_utilities, utility
from detente.simulate.results import hist_quantiles, wilson

from .helpers import fixture_scenario, make_scenario


def test_utility_equals_bargaining_engine() -> None:
    sc = fixture_scenario()
    m = build_model(sc)
    prob = build_problem(sc)
    rows = [prob.actors.index(a) for a in m.actor_ids]
    x = np.random.default_rng(0).uniform(0, 100, (50, len(m.issue_ids)))
    ours = utility(m.ideal, m.weights, m.risk, x)
    theirs = bargaining_utility(prob, x)[:, rows]
    assert np.allclose(ours, theirs)


def test_initial_war_value_equals_reservation_values() -> None:
    sc = fixture_scenario()
    m = build_model(sc)
    prob = build_problem(sc)
    rows = [prob.actors.index(a) for a in m.actor_ids[:2]]
    cost = np.maximum(m.cost - np.array([0.001, 0.002]), 0.0)  # fixture's cost relief
    r = prob.p_a / (1.0 - prob.stalemate)  # P(A prevails) = (1 − s)·r
    s = next(iter_periods(m, 1, np.random.SeedSequence(0), 1))
    stakes = stake_utilities(m, m.status_quo[None, :], None, s.u_victory)
    v = fighting_values(m, np.array([[r, r]]), stakes, cost[None, :])
    # The bargaining value also counts the status quo holding while the war lasts
    # (λ = 1 − δ^(H−1), issue 12); the simulation's lottery is the same without that flow:
    # compare the lottery part.
    from detente.bargaining.utility import utility as u_b
    from detente.bargaining.war import flow_share

    lam = flow_share(prob)
    lottery = (reservation_values(prob) + prob.war_cost - lam * u_b(prob, prob.status_quo)) / (
        1.0 - lam
    ) - prob.war_cost
    assert np.allclose(v[0], lottery[rows])


def test_value_of_fighting_is_the_war_lottery() -> None:
    sc = make_scenario(stalemate=0.65)
    assert sc.war is not None
    m = build_model(sc.model_copy(update={"war": sc.war.model_copy(update={"p": 0.3})}))
    s = next(iter_periods(m, 1, np.random.SeedSequence(0), 1))
    r = 0.3 / 0.35
    v = fighting_values(
        m,
        np.array([[r, r]]),
        stake_utilities(m, m.status_quo[None, :], None, s.u_victory),
        np.zeros((1, 2)),
    )
    u = utility(m.ideal[:2], m.weights[:2], m.risk[:2], np.vstack([m.victory, m.status_quo]))
    assert np.allclose(v[0], 0.3 * u[0] + 0.05 * u[1] + 0.65 * u[2])


def test_per_run_candidate_utilities_match_the_formula() -> None:
    m = build_model(fixture_scenario())
    w = np.random.default_rng(1).dirichlet(np.ones(3), size=(5, len(m.actor_ids)))
    ours = candidate_utilities(m, w)
    for j in range(5):
        assert np.allclose(ours[j], utility(m.ideal, w[j], m.risk, m.candidates))


def test_candidates_trade_off_monotonically() -> None:
    m = build_model(fixture_scenario())
    assert (np.diff(m.cand_utility[:, 0]) >= -1e-12).all()
    assert (np.diff(m.cand_utility[:, 1]) <= 1e-12).all()


def test_missing_war_is_an_input_error() -> None:
    sc = make_scenario()
    with pytest.raises(InputError, match="no `war` section"):
        build_model(sc.model_copy(update={"war": None}))


def test_unknown_mechanism_is_an_input_error() -> None:
    with pytest.raises(InputError, match="unknown mechanism id 'zz'"):
        build_model(make_scenario(mechanisms=("zz",)))


def test_wilson_and_histogram_quantiles() -> None:
    lo, hi = wilson(0, 10)
    assert lo == 0.0
    assert 0.25 < hi < 0.35  # 0.2775 for 0/10 (Wilson 1927)
    counts = np.zeros(100, dtype=np.int64)
    counts[:] = 1
    q = hist_quantiles(counts, 0.0, 100.0, (0.5, 0.25))
    assert q == pytest.approx([50.0, 25.0])


@pytest.mark.parametrize("n_issues", [1, 2, 3, 5, 7])
def test_per_run_losses_sum_the_issues_in_order(n_issues: int) -> None:
    """Per-run weights: each actor's loss is its weighted distances summed issue by issue in
    order, bit for bit (one pass per actor and issue, no (N, K, A, I) intermediate), and the
    same bits as the product-then-sum over the issue axis it replaced (NumPy sums fewer than
    eight terms in order)."""
    from detente.bargaining.utility import loss_arrays, utility_arrays

    rng = np.random.default_rng(n_issues)
    n, k, a = 6, 9, 3
    ideal = rng.uniform(0.0, 100.0, (a, n_issues))
    x = rng.uniform(0.0, 100.0, (k, n_issues))
    w = rng.dirichlet(np.ones(n_issues), size=(n, a))
    got = loss_arrays(ideal, w[:, None], x[None])
    assert got.shape == (n, k, a)
    for j, c, i in np.ndindex(n, k, a):
        acc = abs(x[c, 0] - ideal[i, 0]) / 100.0 * w[j, i, 0]
        for q in range(1, n_issues):
            acc = acc + abs(x[c, q] - ideal[i, q]) / 100.0 * w[j, i, q]
        assert got[j, c, i] == acc
    old = (np.abs(x[None, :, None, :] - ideal) / 100.0 * w[:, None]).sum(axis=-1)
    assert np.array_equal(got, old)
    # risk-neutral actors skip the power: L ** 1 is L bit for bit
    ones = np.ones(a)
    lv = np.clip(old, 0.0, 1.0)
    assert np.array_equal(utility_arrays(ideal, w[:, None], ones, x[None]), 1.0 - lv**ones)
    risk = np.array([1.0, 1.5, 0.7])
    assert np.array_equal(utility_arrays(ideal, w[:, None], risk, x[None]), 1.0 - lv**risk)
