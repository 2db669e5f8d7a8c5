"""Red lines are hard constraints: no agreed package ever lies outside a veto actor's range."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.bargaining.problem import build_problem
from detente.bargaining.utility import feasible
from detente.bargaining.zone import ZoneLP
from detente.scenario import Scenario, load_scenario
from detente.simulate import run_simulation
from detente.simulate.engine import simulate_block
from detente.simulate.model import build_model

from .helpers import fixture_scenario, make_scenario

ROOT = Path(__file__).resolve().parents[2]
PAIRS = [
    ("good_faith", "good_faith"),
    ("conceder", "linear"),
    ("boulware", "conceder"),
    ("tit_for_tat", "grit"),
    ("rearm_during_truce", "conceder"),
]


def _check(sc: Scenario, seed: int, runs: int = 128, periods: int = 60) -> np.ndarray:
    """Simulate and assert every first agreement keeps every veto actor's red lines."""
    m = build_model(sc)
    o = simulate_block(m, runs, periods, np.random.default_rng(seed))
    prob = build_problem(sc)
    agreed = o.first_agreement >= 0
    terms = o.terms[agreed]
    assert feasible(prob, terms).all()
    for i in np.flatnonzero(prob.veto):
        assert (terms >= prob.lo[i] - 1e-9).all() and (terms <= prob.hi[i] + 1e-9).all()
    # every package the talks may settle on (later agreements included) is feasible too
    assert feasible(prob, m.candidates[m.cand_feasible]).all()
    return np.asarray(o.agreements)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**32 - 1),
    pair=st.sampled_from(PAIRS),
    protocol=st.sampled_from(["alternating", "single_text", "multilateral"]),
    a_land=st.integers(0, 100),
    b_land=st.integers(0, 100),
    a_bloc=st.integers(0, 100),
    third=st.one_of(st.none(), st.tuples(st.integers(0, 100), st.integers(0, 100))),
)
def test_agreements_respect_every_veto_red_line(
    seed: int,
    pair: tuple[str, str],
    protocol: str,
    a_land: int,
    b_land: int,
    a_bloc: int,
    third: tuple[int, int] | None,
) -> None:
    red = {
        ("A", "land"): (a_land, 100.0),
        ("B", "land"): (0.0, b_land),
        ("A", "bloc"): (a_bloc, 100.0),
    }
    tp = None if third is None else (float(min(third)), float(max(third)))
    sc = make_scenario(
        strategies=pair,
        red_lines={k: (float(lo), float(hi)) for k, (lo, hi) in red.items()},
        third_party=tp,
        simulation={"protocol": protocol},
    )
    agreements = _check(sc, seed)
    conflict = a_land > b_land or (tp is not None and (a_bloc > tp[1]))
    if conflict:  # the red lines leave no package: there is never an agreement
        assert agreements.sum() == 0


def test_conflicting_red_lines_mean_no_agreement_even_between_conceders() -> None:
    sc = make_scenario(
        strategies=("conceder", "conceder"),
        red_lines={("A", "land"): (60.0, 100.0), ("B", "land"): (0.0, 40.0)},
    )
    assert not build_model(sc).cand_feasible.any()
    assert run_simulation(sc, 500, 4, 104).summary()["p_agreement"] == 0.0
    # the same pair without red lines does agree
    free = run_simulation(make_scenario(strategies=("conceder", "conceder")), 500, 4, 104)
    assert free.summary()["p_agreement"] > 0.5


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("name", ["teaching", "ukraine-2022-03", "ukraine-2026-06"])
def test_shipped_scenarios_respect_red_lines(name: str, seed: int) -> None:
    path = ROOT / "scenarios" / f"{name}.yaml"
    if not path.is_file():
        pytest.skip(f"{path} not present")
    sc = load_scenario(path)
    agreements = _check(sc, seed, runs=256, periods=104)
    if ZoneLP(build_problem(sc)).conflicts:  # conflicting red lines: never an agreement
        assert agreements.sum() == 0


def test_fixture_respects_red_lines() -> None:
    _check(fixture_scenario(), 7)


def test_teaching_valley_terms_stay_above_norlands_red_line() -> None:
    """The reported regression: valley terms fell below Norland's 50."""
    r = run_simulation(load_scenario(ROOT / "scenarios" / "teaching.yaml"), 2000, 1, 104)
    terms = r.summary()["terms"]["valley"]
    assert terms["q05"] >= 50.0
    assert terms["q95"] <= 65.0
