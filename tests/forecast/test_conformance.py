"""The shared conformance suite: every registered forecast model must pass it."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.forecast import available_models, get_model, make_issue
from detente.forecast.base import ForecastModel, trait
from detente.forecast.data import IssueData, WarContext
from detente.forecast.synthetic import synthetic_issues

MODELS = available_models()


def _ready(name: str, issue: IssueData) -> IssueData:
    """Scenario-only models get a war context derived from the issue itself (equivariant)."""
    if not trait(get_model(name), "scenario_only"):
        return issue
    n = issue.n_actors
    context = WarContext(
        contested=False,
        lo=np.full(n, -np.inf),
        hi=np.full(n, np.inf),
        veto=np.zeros(n, dtype=bool),
        belligerents=("A", "B"),
        p_a=0.3,
        p_b=0.2,
        stalemate=0.5,
        terms_a=float(issue.positions.max()),
        terms_b=float(issue.positions.min()),
    )
    sq = issue.status_quo if issue.status_quo is not None else float(issue.positions.mean())
    return make_issue(
        issue.issue_id,
        issue.actors,
        issue.positions,
        issue.saliences,
        issue.capabilities,
        status_quo=sq,
        context=context,
    )


def _issue(sq: float | None = 0.0) -> IssueData:
    return make_issue(
        "i1",
        ["a", "b", "c", "d", "e"],
        [10.0, 35.0, 50.0, 80.0, 95.0],
        [60.0, 90.0, 40.0, 70.0, 20.0],
        [2.0, 1.0, 3.0, 1.5, 0.5],
        status_quo=sq,
    )


def _fitted(name: str) -> ForecastModel:
    model = get_model(name)
    train = synthetic_issues(40, 6, seed=11)
    return model.fit(train, np.random.default_rng(0))


@st.composite
def issues(draw: st.DrawFn) -> IssueData:
    n = draw(st.integers(3, 8))
    pos = draw(st.lists(st.integers(0, 100), min_size=n, max_size=n))
    sal = draw(st.lists(st.integers(1, 100), min_size=n, max_size=n))
    cap = draw(st.lists(st.integers(1, 10), min_size=n, max_size=n))
    sq = draw(st.one_of(st.none(), st.integers(0, 100)))
    return make_issue(
        "h",
        [f"a{k}" for k in range(n)],
        [float(p) for p in pos],
        [float(s) for s in sal],
        [float(c) for c in cap],
        status_quo=None if sq is None else float(sq),
    )


@pytest.mark.parametrize("name", MODELS)
def test_declares_traits(name: str) -> None:
    model = get_model(name)
    assert isinstance(model, ForecastModel)
    assert model.name == name
    assert isinstance(model.tunable, bool)
    assert isinstance(model.uses_status_quo, bool)
    assert isinstance(model.within_hull, bool)
    assert isinstance(dict(model.parameters()), dict)


@pytest.mark.parametrize("name", MODELS)
def test_finite_and_deterministic(name: str) -> None:
    model = _fitted(name)
    issue = _ready(name, _issue())
    first = model.predict(issue)
    assert isinstance(first, float)
    assert math.isfinite(first)
    assert model.predict(issue) == first
    assert _fitted(name).predict(issue) == first


@pytest.mark.parametrize("name", MODELS)
def test_fit_returns_usable_model_and_leaves_original_alone(name: str) -> None:
    model = get_model(name)
    before = dict(model.parameters())
    fitted = model.fit(synthetic_issues(30, 5, seed=2), np.random.default_rng(1))
    assert dict(model.parameters()) == before
    assert math.isfinite(fitted.predict(_ready(name, _issue())))


@pytest.mark.parametrize("name", MODELS)
def test_equal_capabilities_and_saliences(name: str) -> None:
    issue = _ready(name, make_issue("eq", ["a", "b", "c"], [0.0, 40.0, 100.0], status_quo=0.0))
    value = _fitted(name).predict(issue)
    assert math.isfinite(value)
    if name in ("compromise", "median"):
        assert value == pytest.approx({"compromise": 140 / 3, "median": 40.0}[name])


@pytest.mark.parametrize("name", MODELS)
def test_unanimous_actors_get_their_position(name: str) -> None:
    issue = make_issue(
        "u", ["a", "b", "c"], [42.0] * 3, [10.0, 50.0, 90.0], [1.0, 2.0, 3.0], status_quo=42.0
    )
    assert _fitted(name).predict(_ready(name, issue)) == pytest.approx(42.0)


@pytest.mark.parametrize("name", MODELS)
def test_translation_equivariant(name: str) -> None:
    model = _fitted(name)
    base = _ready(name, _issue(sq=0.0))
    shifted = _ready(
        name,
        make_issue(
            "i1",
            base.actors,
            base.positions + 7.0,
            base.saliences,
            base.capabilities,
            status_quo=7.0,
        ),
    )
    assert model.predict(shifted) == pytest.approx(model.predict(base) + 7.0, abs=1e-6)


@pytest.mark.parametrize("name", MODELS)
@settings(max_examples=25, deadline=None)
@given(issue=issues(), seed=st.integers(0, 2**16))
def test_properties(name: str, issue: IssueData, seed: int) -> None:
    model = get_model(name)
    issue = _ready(name, issue)
    value = model.predict(issue)
    lo, hi = float(issue.positions.min()), float(issue.positions.max())
    if model.within_hull:
        assert lo - 1e-9 <= value <= hi + 1e-9
    elif issue.status_quo is not None:
        lo, hi = min(lo, issue.status_quo), max(hi, issue.status_quo)
        assert lo - 1e-9 <= value <= hi + 1e-9
    perm = np.random.default_rng(seed).permutation(issue.n_actors)
    shuffled = _ready(
        name,
        make_issue(
            "h",
            [issue.actors[k] for k in perm],
            issue.positions[perm],
            issue.saliences[perm],
            issue.capabilities[perm],
            status_quo=issue.status_quo,
        ),
    )
    assert model.predict(shuffled) == pytest.approx(value, abs=1e-6)
