"""v15: agreements in force at the scenario's date start in force in every run; they are never
signed again in week 0, they can break down, and the bundle can then be signed anew."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from detente.scenario import Scenario, load_scenario
from detente.simulate import run_simulation
from detente.simulate.durability import increment_table
from detente.simulate.engine import iter_periods
from detente.simulate.model import build_model

ROOT = Path(__file__).resolve().parents[2]
UKRAINE_2022_11 = ROOT / "scenarios" / "ukraine-2022-11.yaml"


@pytest.fixture(scope="module")
def snapshot() -> Scenario:
    return load_scenario(UKRAINE_2022_11)


def _without(sc: Scenario) -> Scenario:
    return sc.model_copy(update={"agreements_in_force": ()})


def _since(sc: Scenario, since: dt.date) -> Scenario:
    (a,) = sc.agreements_in_force
    return sc.model_copy(update={"agreements_in_force": (a.model_copy(update={"since": since}),)})


def test_the_2022_11_snapshot_states_the_grain_corridor(snapshot: Scenario) -> None:
    (a,) = snapshot.agreements_in_force
    assert (a.bundle, a.since, a.terms) == ("black_sea", dt.date(2022, 7, 22), {"black_sea": 50})
    assert {"S_grain1", "S_grain2"} <= set(a.sources)


def test_the_start_state_has_it_in_force(snapshot: Scenario) -> None:
    m = build_model(snapshot)
    b = m.bundle_ids.index("black_sea")
    assert m.in_force is not None and m.in_force.bundle.tolist() == [b]
    # 2022-07-22 -> 2022-11-16: 117 days, 16 whole weeks
    assert m.in_force.age.tolist() == [16]
    first = next(iter(iter_periods(m, 16, np.random.SeedSequence(3), 1)))
    issue = m.issue_ids.index("black_sea")
    assert (first.phase[:, b] == 2).all()  # older than settlement_after (13): terms in effect
    assert (first.line[:, issue] == 50.0).all()
    assert (first.age[:, b] == 17).all()  # kept through week 0, one period older
    assert np.isfinite(first.deal_hr[:, b]).all() and (first.deal_hr[:, b] > 0).all()
    assert not first.signed[:, b].any() and (first.first[:, b] == -1).all()


def test_not_signed_again_in_week_0(snapshot: Scenario) -> None:
    """Without the statement the corridor is signed in week 0 of most runs; with it, never."""
    m_with, m_without = build_model(snapshot), build_model(_without(snapshot))
    b = m_with.bundle_ids.index("black_sea")
    week0 = next(iter(iter_periods(m_without, 64, np.random.SeedSequence(5), 1)))
    assert week0.signed[:, b].mean() > 0.5
    for s in iter_periods(m_with, 64, np.random.SeedSequence(5), 4):
        assert not s.signed[:, b].any()
    rec = next(
        a
        for a in run_simulation(snapshot, 64, 5, 8).summary()["agreements"]
        if a["bundle"] == "black_sea"
    )
    assert rec["in_force_at_start"]["since"] == "2022-07-22"
    assert rec["in_force_at_start"]["terms"] == {"black_sea": 50.0}
    assert rec["in_force_at_start"]["terms_stated"] == {"black_sea": 50.0}
    assert rec["p_agreement"] < 0.5  # P(signed anew), not a re-signing
    assert rec["in_force_at_start"]["p_ended_1y"] is None  # 8 weeks: a year not observed
    other = next(
        a
        for a in run_simulation(snapshot, 64, 5, 8).summary()["agreements"]
        if a["bundle"] == "energy"
    )
    assert "in_force_at_start" not in other


def test_it_can_break_down_and_be_signed_anew(snapshot: Scenario) -> None:
    """Started at as_of (age 0: the Weibull hazard at its highest), the corridor breaks down
    in some runs; talks on it then meet again and some runs sign it anew, which the record
    counts in ``p_agreement`` and no longer as the agreement in force."""
    sc = _since(snapshot, snapshot.meta.as_of)
    m = build_model(sc)
    b = m.bundle_ids.index("black_sea")
    ended = np.zeros(200, dtype=bool)
    talked_after = np.zeros(200, dtype=bool)
    for s in iter_periods(m, 200, np.random.SeedSequence(11), 52):
        talked_after |= ended & (s.rounds[:, b] > 0)
        ended |= s.phase[:, b] == 0
    assert ended.any()  # it broke down in some runs
    assert talked_after.any()  # ... and the talks on it met again
    assert (s.rounds[~ended, b] == 0).all()  # never while it was in force
    summary = run_simulation(sc, 200, 11, 52).summary()
    rec = next(a for a in summary["agreements"] if a["bundle"] == "black_sea")
    start = rec["in_force_at_start"]
    assert start["age_periods"] == 0
    assert 0.0 < start["p_in_force_at_horizon"] < 1.0
    # within the horizon of a year every end is counted once (broke down or superseded)
    assert start["p_ended_1y"] == pytest.approx(1.0 - start["p_in_force_at_horizon"])
    assert rec["p_agreement"] <= start["p_ended_1y"]  # signed anew only after it ended


def test_an_older_agreement_is_less_likely_to_break() -> None:
    """The Weibull clock runs from ``since``: the hazard falls with age (k < 1)."""
    dh = increment_table(7 / 365.25, 200)
    assert dh[16] < dh[0] and dh[100] < dh[16]


def test_stated_terms_are_used_exactly_even_off_the_bundles_grid(snapshot: Scenario) -> None:
    """Terms the talks' candidates would not hold (37) are added to the bundle's candidates:
    the runs start with exactly the stated terms."""
    (a,) = snapshot.agreements_in_force
    sc = snapshot.model_copy(
        update={"agreements_in_force": (a.model_copy(update={"terms": {"black_sea": 37}}),)}
    )
    base = build_model(snapshot)
    grid = base.agenda.bundles[base.bundle_ids.index("black_sea")].candidates
    assert 37.0 not in grid[:, base.issue_ids.index("black_sea")].tolist()
    m = build_model(sc)
    b, issue = m.bundle_ids.index("black_sea"), m.issue_ids.index("black_sea")
    assert m.in_force is not None
    assert m.agenda.bundles[b].candidates[int(m.in_force.terms[0]), issue] == 37.0
    first = next(iter(iter_periods(m, 4, np.random.SeedSequence(1), 1)))
    assert (first.line[:, issue] == 37.0).all()
