"""Tracks in the simulation (issue 18): talks are held only when a track that can settle the
bundle meets; agreements say through which track they came (`by_track`); a mediator's
withdrawal at a date lowers P(agreement) and delays agreement (teaching scenario)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from detente.scenario import Scenario, parse_scenario
from detente.simulate import run_simulation, simulate_block
from detente.simulate.model import build_model

TEACHING = Path(__file__).resolve().parents[2] / "scenarios" / "teaching.yaml"
PERIODS = 40
RUNS = 128


def _teaching(**extra: Any) -> Scenario:
    data: dict[str, Any] = YAML(typ="safe").load(TEACHING.read_text(encoding="utf-8"))
    data.update(extra)
    return parse_scenario(json.dumps(data, default=str), name="teaching+tracks.json")


def _mediated(withdraw_week: int | None = None, cadence: int | None = None) -> Scenario:
    track: dict[str, Any] = {
        "id": "lakeland", "name": "Talks mediated by Lakeland", "mediator": "LAK",
        "participants": [{"actor": "NOR", "level": "ministers"},
                         {"actor": "SUD", "level": "ministers"}],
        "bundles": ["settlement"], "assumption": "test",
    }  # fmt: skip
    if cadence is not None:
        track["cadence"] = cadence
    extra: dict[str, Any] = {"tracks": [track]}
    if withdraw_week is not None:
        when = dt.date(2024, 6, 30) + dt.timedelta(weeks=withdraw_week)
        extra["mediators"] = [
            {"actor": "LAK", "withdrawal": {"date": when.isoformat(), "assumption": "test"},
             "assumption": "test"}
        ]  # fmt: skip
    return _teaching(**extra)


def _first(s: Scenario, seed: int) -> np.ndarray:
    out = simulate_block(build_model(s), RUNS, PERIODS, np.random.SeedSequence(seed))
    return np.asarray(out.first_agreement)


def test_a_declared_track_like_the_implicit_one_changes_nothing() -> None:
    plain = _first(_teaching(), 5)
    assert (plain >= 0).mean() > 0.5  # the teaching case reaches agreements
    assert np.array_equal(_first(_mediated(), 5), plain)


@settings(max_examples=6, deadline=None)
@given(week=st.integers(min_value=0, max_value=30), seed=st.integers(0, 2**16))
def test_withdrawal_cuts_agreements_from_its_date(week: int, seed: int) -> None:
    """Common random numbers: every run is the same until the mediator leaves; from then on
    its track does not meet, so a run agrees only if it had agreed before."""
    base = _first(_mediated(), seed)
    gone = _first(_mediated(withdraw_week=week), seed)
    expected = np.where((base >= 0) & (base < week), base, -1)
    assert np.array_equal(gone, expected)


def test_withdrawal_lowers_p_agreement_and_delays_agreement() -> None:
    base = run_simulation(_mediated(), runs=RUNS, seed=11, periods=PERIODS)
    early = run_simulation(_mediated(withdraw_week=10), runs=RUNS, seed=11, periods=PERIODS)
    later = run_simulation(_mediated(withdraw_week=25), runs=RUNS, seed=11, periods=PERIODS)
    p = [r.summary()["p_agreement"] for r in (early, later, base)]
    assert p[0] < p[1] <= p[2], p
    med = [r.summary()["median_periods_to_agreement"] for r in (early, later, base)]
    # time to agreement over all runs (no agreement = never): later, or never for most runs
    assert med[0] is None or (med[2] is not None and med[0] >= med[2])


def test_by_track_shares_sum_to_p_agreement() -> None:
    second = {
        "id": "envoys", "name": "Secret envoys", "cadence": 3,
        "participants": [{"actor": "NOR", "level": "ministers"},
                         {"actor": "SUD", "level": "ministers"}],
        "bundles": ["settlement"], "assumption": "test",
    }  # fmt: skip
    s = _mediated(cadence=2)
    s = s.model_copy(update={"tracks": (*s.tracks, type(s.tracks[0]).model_validate(second))})
    doc = run_simulation(s, runs=RUNS, seed=3, periods=PERIODS).summary()
    (rec,) = doc["agreements"]
    shares = rec["by_track"]
    assert set(shares) == {"lakeland", "envoys"}
    assert all(v > 0 for v in shares.values())
    assert sum(shares.values()) == rec["p_agreement"]


def test_a_refusal_closing_the_only_track_means_no_agreement() -> None:
    s = _teaching(
        refusals=[{"id": "r", "by": "NOR", "refuses": "SUD", "reason": "legitimacy",
                   "since": "2024-06-01", "assumption": "test"}]
    )  # fmt: skip
    doc = run_simulation(s, runs=64, seed=1, periods=PERIODS).summary()
    assert doc["p_agreement"] == 0.0
    assert doc["agreements"][0]["by_track"] == {"talks": 0.0}


def _impatient(rounds: int) -> Scenario:
    s = _mediated()
    data = json.loads(s.model_dump_json())
    data["mediators"] = [
        {"actor": "LAK", "withdrawal": {"after_stalled_rounds": rounds, "assumption": "test"},
         "assumption": "test"}
    ]  # fmt: skip
    return parse_scenario(json.dumps(data), name="impatient.json")


def test_a_mediator_who_leaves_after_stalled_rounds() -> None:
    """Each run is unchanged until the mediator's n-th consecutive round without agreement;
    a run that had not agreed by then never does (its only track stops meeting)."""
    base = _first(_mediated(), 9)
    talks_every = build_model(_mediated()).settings.talks_every  # rounds at 0, k, 2k, ...
    for n in (1, 4, 8, 12):
        gone = _first(_impatient(n), 9)
        last_round = (n - 1) * talks_every  # its n-th round
        expected = np.where((base >= 0) & (base <= last_round), base, -1)
        assert np.array_equal(gone, expected), n
    p = [(_first(_impatient(n), 9) >= 0).mean() for n in (1, 8, 12)]
    assert p[0] <= p[1] < p[2] < (base >= 0).mean()
