"""Tracks in the simulation (issue 18): talks are held only when a track that can settle the
bundle meets; agreements say through which track they came (`by_track`); a mediator's
withdrawal at a date lowers P(agreement) and delays agreement (teaching scenario); a refusal to
meet closes its tracks until meeting is worth the cost of lifting it."""

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
from detente.simulate.engine import iter_periods
from detente.simulate.events import flag
from detente.simulate.model import build_model
from detente.simulate.steps.tracks import lifted

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


REFUSAL = {"id": "r", "by": "NOR", "refuses": "SUD", "reason": "legitimacy",
           "since": "2024-06-01", "assumption": "test"}  # fmt: skip


def _refusing(crossing_cost: float | None = None) -> Scenario:
    """The teaching scenario with Norland refusing to meet Sudmark's leaders (the implicit
    track, the only one, is closed at the start); ``crossing_cost``: Norland's on every issue."""
    data: dict[str, Any] = YAML(typ="safe").load(TEACHING.read_text(encoding="utf-8"))
    if crossing_cost is not None:
        for pos in data["positions"]:
            if pos["actor"] == "NOR":
                pos["crossing_cost"] = crossing_cost
    data["refusals"] = [REFUSAL]
    return parse_scenario(json.dumps(data, default=str), name="teaching+refusal.json")


def test_a_refusal_too_costly_to_lift_means_no_agreement() -> None:
    """A refusal whose lifting costs more than meeting can gain holds for the whole run: the
    only track never meets (κ₀ = 10 per issue: even the ripest stalemate of 40 weeks cannot
    bring two issues' whole-scale crossing below the gain of the settlement)."""
    doc = run_simulation(_refusing(10.0), runs=64, seed=1, periods=PERIODS).summary()
    assert doc["p_agreement"] == 0.0
    assert doc["agreements"][0]["by_track"] == {"talks": 0.0}


def test_a_refusal_is_lifted_once_meeting_is_worth_its_cost() -> None:
    """A refusal is priced like a red line (docs/explanation/tracks.md, "Lifting a refusal"):
    runs lift it as the costs of fighting mount; the lift is an event kept in the run state
    with its period (``RunState.lifted_at``, set by the ``tracks`` step in the period it
    decides it, never undone nor re-dated: a leader who met cannot un-meet, branch v20a), and
    the mask :func:`lifted` returns always holds it; the talks it had closed then agree in some
    runs (never before the lift), and the first round on the track it closed is recorded as
    ``refusal_lifted`` (never before the lift). Before the rule nothing could lift a refusal
    without an end date: no run agreed. (Before v20a the mask was recomputed every period, so
    "never restored" held only while W rose: the felt W, which discounts older costs, broke it.)"""
    m = build_model(_refusing())
    assert m.tracks is not None and m.tracks.refusal_ids == ("r",)
    shares, prev = [], np.full(RUNS, -1)
    seen_at = np.full(RUNS, -1)
    for t, state in enumerate(iter_periods(m, RUNS, np.random.SeedSequence(1), PERIODS)):
        at = state.lifted_at[:, 0]
        assert np.array_equal(at[prev >= 0], prev[prev >= 0])  # never restored nor re-dated
        assert ((at == prev) | (at == t)).all()  # a new lift carries this period
        mask = lifted(m, state)
        assert not ((at >= 0) & (mask == 0)).any()  # the kept lift is in the mask
        first = state.first.max(axis=1)  # the period of the first agreement, -1 = none
        assert not ((first >= 0) & ((at < 0) | (first < at))).any()  # agreement after the lift
        now = (state.events & flag("refusal_lifted")) != 0
        assert not (now & ((at < 0) | (at > t))).any()  # the reopened round after the lift
        seen_at = np.where((seen_at < 0) & now, t, seen_at)
        shares.append(float((at >= 0).mean()))
        prev = at
    assert 0.0 < shares[0] < shares[-1] < 1.0, shares  # lifted as the costs mount, not by all
    assert (seen_at >= 0).any()
    doc = run_simulation(_refusing(), runs=RUNS, seed=1, periods=PERIODS).summary()
    assert doc["p_agreement"] > 0.0
    assert doc["agreements"][0]["by_track"] == {"talks": doc["p_agreement"]}


def test_refusals_closing_alternative_tracks_each_stand_in_the_way() -> None:
    """Two tracks (leaders, ministers) can each settle the settlement; Norland refuses the
    leaders' level and Sudmark the ministers'. Lifting either refusal opens the settlement, so
    each refusal stands in its way and can be lifted (before the fix neither could: "open with
    every refusal lifted but not with every other one lifted" was false for both)."""
    tracks = [
        {"id": "top", "name": "Leaders", "bundles": ["settlement"], "assumption": "test",
         "participants": [{"actor": a, "level": "leaders"} for a in ("NOR", "SUD")]},
        {"id": "min", "name": "Ministers", "bundles": ["settlement"], "assumption": "test",
         "participants": [{"actor": a, "level": "ministers"} for a in ("NOR", "SUD")]},
    ]  # fmt: skip
    refusals = [
        dict(REFUSAL, id="r1", levels=["leaders"]),
        dict(REFUSAL, id="r2", by="SUD", refuses="NOR", levels=["ministers"]),
    ]
    scenario = _teaching(tracks=tracks, refusals=refusals)
    m = build_model(scenario)
    assert m.tracks is not None and m.tracks.opens is not None
    assert m.tracks.refusal_ids == ("r1", "r2")
    assert m.tracks.opens[:, 0].tolist() == [True, True]
    lifted_any = False
    for state in iter_periods(m, RUNS, np.random.SeedSequence(1), PERIODS):
        lifted_any |= bool((lifted(m, state) > 0).any())
    assert lifted_any
    doc = run_simulation(scenario, runs=RUNS, seed=1, periods=PERIODS).summary()
    assert doc["p_agreement"] > 0.0


def test_a_lifted_refusal_costs_less_after_a_change_of_leader() -> None:
    """A refusal stated before the refusing actor's leader took over costs half as much to
    lift (the red lines' LEADER_RELIEF): more runs lift it at the start."""
    data = json.loads(_refusing().model_dump_json())
    for a in data["actors"]:
        if a["id"] == "NOR":
            a["leader_since"] = "2024-06-15"  # after the refusal was stated
    new = parse_scenario(json.dumps(data), name="new-leader.json")
    m0, m1 = build_model(_refusing()), build_model(new)
    assert m1.tracks is not None and m1.tracks.refusal_lead is not None
    assert m1.tracks.refusal_lead.tolist() == [1.0]
    s0 = next(iter_periods(m0, RUNS, np.random.SeedSequence(2), 1))
    s1 = next(iter_periods(m1, RUNS, np.random.SeedSequence(2), 1))
    assert (lifted(m1, s1) > 0).mean() > (lifted(m0, s0) > 0).mean()


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
