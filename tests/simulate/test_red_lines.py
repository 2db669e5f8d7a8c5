"""Red lines bind as they stand in each run: no agreed package ever lies outside a veto actor's
range, except where that actor crossed its stated line by the crossing-cost rule (the
``positions`` step: :mod:`detente.simulate.agenda`), and then only up to the moved bound."""

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
    """Simulate and assert every first agreement keeps every veto actor's red lines as they
    stand in its run (stated, or moved by the crossing-cost rule)."""
    m = build_model(sc)
    o = simulate_block(m, runs, periods, np.random.default_rng(seed))
    prob = build_problem(sc)
    agreed = o.first_agreement >= 0
    terms = o.terms[agreed]
    assert o.moved_at is not None
    regime = np.zeros(runs, dtype=np.int64)
    for j in range(o.moved_at.shape[1]):
        regime |= np.where(o.moved_at[:, j] >= 0, 1 << j, 0)
    lo, hi = m.agenda.lo[regime][agreed], m.agenda.hi[regime][agreed]  # (n, A, I)
    assert ((terms[:, None, :] >= lo - 1e-9) & (terms[:, None, :] <= hi + 1e-9)).all()
    unmoved = regime[agreed] == 0
    assert feasible(prob, terms[unmoved]).all()
    for i in np.flatnonzero(prob.veto):
        t0 = terms[unmoved]
        assert (t0 >= prob.lo[i] - 1e-9).all() and (t0 <= prob.hi[i] + 1e-9).all()
    # every package the talks may settle on under the stated lines is feasible too
    assert feasible(prob, m.candidates[m.table.feasible[0]]).all()
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
    if conflict and not build_model(sc).agenda.move_sets:
        # the red lines leave no package and none can be crossed: never an agreement
        assert agreements.sum() == 0


RED = {("A", "land"): (60.0, 100.0), ("B", "land"): (0.0, 40.0)}


def test_conflicting_red_lines_that_cost_too_much_to_cross_mean_no_agreement() -> None:
    sc = make_scenario(strategies=("conceder", "conceder"), red_lines=RED, crossing_cost=10.0)
    m = build_model(sc)
    assert not m.cand_feasible.any()
    r = run_simulation(sc, 500, 4, 104).summary()
    assert r["p_agreement"] == 0.0
    assert r["settlement_reasons"]["shares"]["red_lines"] == 1.0
    assert r["settlement_reasons"]["blocking_issues"] == {"land": 1.0}
    # the same pair without red lines does agree
    free = run_simulation(make_scenario(strategies=("conceder", "conceder")), 500, 4, 104)
    assert free.summary()["p_agreement"] > 0.5


def test_red_lines_move_when_crossing_is_worth_it_and_talks_end_beyond_them() -> None:
    """The issue's acceptance: an agreement neither side's opening red lines allowed."""
    sc = make_scenario(strategies=("conceder", "conceder"), red_lines=RED)
    m = build_model(sc)
    assert not m.cand_feasible.any() and m.agenda.move_sets
    r = run_simulation(sc, 500, 4, 104)
    s = r.summary()
    assert s["p_agreement"] > 0.5
    moved = s["settlement_reasons"]["red_lines_moved"]
    assert moved and max(x["share"] for x in moved) > 0.5
    land = s["terms"]["land"]
    assert not (60.0 - 1e-9 <= land["q50"] <= 40.0 + 1e-9)  # outside the opening overlap
    fan = [row for row in r.fan() if row["variable"].startswith("redline.")]
    names = {row["variable"] for row in fan}
    assert {"redline.A.land.min", "redline.B.land.max"} <= names
    first = {row["variable"]: row["q50"] for row in fan if row["period"] == 0}
    last = {row["variable"]: row["q50"] for row in fan if row["period"] == 103}
    assert any(abs(first[v] - last[v]) > 1.0 for v in names) or any(
        abs(first[v] - (60.0 if v.endswith("A.land.min") else 40.0)) > 1.0
        for v in ("redline.A.land.min", "redline.B.land.max")
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("name", ["teaching", "ukraine-2022-03", "ukraine-2026-06"])
def test_shipped_scenarios_respect_red_lines(name: str, seed: int) -> None:
    path = ROOT / "scenarios" / f"{name}.yaml"
    if not path.is_file():
        pytest.skip(f"{path} not present")
    sc = load_scenario(path)
    agreements = _check(sc, seed, runs=256, periods=104)
    if ZoneLP(build_problem(sc)).conflicts and not build_model(sc).agenda.move_sets:
        assert agreements.sum() == 0  # conflicting red lines none can cross: never a settlement


def test_fixture_respects_red_lines() -> None:
    _check(fixture_scenario(), 7)


def test_teaching_valley_terms_stay_above_norlands_red_line() -> None:
    """The reported regression: valley terms fell below Norland's 50."""
    r = run_simulation(load_scenario(ROOT / "scenarios" / "teaching.yaml"), 2000, 1, 104)
    terms = r.summary()["terms"]["valley"]
    assert terms["q05"] >= 50.0
    assert terms["q95"] <= 65.0
