"""The backtest harness on synthetic data where the truth is known."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pytest

from detente.errors import InputError
from detente.forecast import base, make_issue, run_backtest
from detente.forecast.backtest import metrics, screen
from detente.forecast.data import IssueData
from detente.forecast.synthetic import synthetic_issues


def test_mean_generated_outcomes_favour_the_compromise_model() -> None:
    issues = synthetic_issues(200, 9, truth="mean", noise=4.0, seed=21)
    result = run_backtest(issues, ["median", "nash", "bdm"], folds=5, seed=1, bootstrap=500)
    best = min(result.scores.values(), key=lambda s: s.mae)
    assert best.model == "compromise"
    assert result.scores["median"].mae_diff_vs_compromise["low"] > 0


def test_median_generated_outcomes_favour_the_median() -> None:
    issues = synthetic_issues(200, 9, truth="median", noise=4.0, seed=22)
    result = run_backtest(issues, ["median", "nash"], folds=5, seed=1, bootstrap=500)
    assert min(result.scores.values(), key=lambda s: s.mae).model == "median"
    assert result.scores["median"].mae_diff_vs_compromise["high"] < 0


def test_status_quo_pull_is_found_by_sq_gravity_out_of_fold() -> None:
    issues = synthetic_issues(200, 9, truth="sq-pull", noise=4.0, seed=23)
    result = run_backtest(issues, ["sq-gravity"], folds=5, seed=1, bootstrap=500)
    score = result.scores["sq-gravity"]
    assert score.mae_diff_vs_compromise["high"] < 0
    assert score.tuned_parameters is not None
    assert len(score.tuned_parameters) == 5
    assert all(abs(p["gravity"] - 0.3) < 0.1 for p in score.tuned_parameters)


class _Spy:
    """A tunable model that records what it was trained on."""

    name = "spy"
    tunable = True
    uses_status_quo = False
    within_hull = True

    def __init__(self, train_ids: frozenset[str] = frozenset()) -> None:
        self.train_ids = train_ids

    def fit(self, train: Sequence[IssueData], rng: np.random.Generator) -> _Spy:
        return _Spy(frozenset(i.issue_id for i in train))

    def predict(self, issue: IssueData) -> float:
        # 1000 marks a forecast of a training issue (the harness makes those only to
        # calibrate its bands); a scored forecast must never carry it.
        return 1000.0 if issue.issue_id in self.train_ids else float(issue.positions.mean())

    def parameters(self) -> Mapping[str, float | None]:
        return {"n_train": float(len(self.train_ids))}


def test_tunable_models_never_score_their_training_issues(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(base, "MODEL_FACTORIES", {**base.MODEL_FACTORIES, "spy": _Spy})
    issues = synthetic_issues(50, 5, seed=3)
    result = run_backtest(issues, ["spy"], folds=5, seed=4, bootstrap=10)
    params = result.scores["spy"].tuned_parameters
    assert params is not None
    assert [p["n_train"] for p in params] == [40.0] * 5
    rows = [r for r in result.residuals if r.model == "spy"]
    assert {r.fold for r in rows} == {0, 1, 2, 3, 4}
    assert all(r.forecast < 1000.0 for r in rows), "scored an issue it was trained on"


def test_skips_are_counted() -> None:
    good = synthetic_issues(10, 4, seed=5)
    two = make_issue("two", ["a", "b"], [0.0, 10.0], outcome=5.0)
    blank = make_issue("blank", ["a", "b", "c"], [0.0, 10.0, 20.0])
    kept, skipped = screen([*good, two, blank])
    assert len(kept) == 10
    assert skipped == {"fewer_than_3_actors": 1, "no_outcome": 1}
    result = run_backtest([*good, two, blank], ["median"], folds=2, seed=1, bootstrap=10)
    assert result.skipped == skipped
    assert result.n_issues_read == 12
    assert result.scores["median"].n_issues == 10


def test_too_few_issues_for_the_folds() -> None:
    with pytest.raises(InputError, match="need at least 5"):
        run_backtest(synthetic_issues(3, 4, seed=1), ["median"], folds=5)
    with pytest.raises(InputError, match="at least 2"):
        run_backtest(synthetic_issues(3, 4, seed=1), ["median"], folds=1)


def test_unknown_model_is_an_input_error() -> None:
    with pytest.raises(InputError, match="unknown forecast model 'oracle'"):
        run_backtest(synthetic_issues(10, 4, seed=1), ["oracle"], folds=2)


def test_metrics_by_hand() -> None:
    m = metrics(np.array([-3.0, 4.0, 12.0, -30.0]))
    assert m["mae"] == pytest.approx(12.25)
    assert m["rmse"] == pytest.approx(np.sqrt((9 + 16 + 144 + 900) / 4))
    assert m["median_ae"] == pytest.approx(8.0)
    assert (m["hit_5"], m["hit_10"], m["hit_20"]) == (0.5, 0.5, 0.75)


def test_same_seed_same_result() -> None:
    issues = synthetic_issues(40, 6, seed=8)
    a = run_backtest(issues, ["blend", "median"], folds=4, seed=9, bootstrap=200)
    b = run_backtest(issues, ["blend", "median"], folds=4, seed=9, bootstrap=200)
    c = run_backtest(issues, ["blend", "median"], folds=4, seed=10, bootstrap=200)
    key = [(s.mae, s.mae_diff_vs_compromise, s.tuned_parameters) for s in a.scores.values()]
    assert key == [(s.mae, s.mae_diff_vs_compromise, s.tuned_parameters) for s in b.scores.values()]
    assert [r.fold for r in a.residuals] == [r.fold for r in b.residuals]
    assert [r.fold for r in a.residuals] != [r.fold for r in c.residuals]
