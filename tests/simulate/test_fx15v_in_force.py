"""fx15v: the agreement in force at the start (simulate.in_force) followed to its end.

- ``p_ended_1y`` does not depend on the horizon once it exceeds a year: the period the start
  agreement ended is kept in its own record (``RunState.start_end``), not lost when the
  bundle is signed anew after week 52; it matches the end periods counted from the runs.
- A deal signed anew after it ended has one earlier agreement on its bundle (the durability's
  earlier-agreements covariate), and the start agreement is not an agreement signed in the run.
- Its stage follows a signed agreement's convention (phase 2 once older than
  ``settlement_after``).
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from detente.scenario import load_scenario
from detente.scenario.schema import Scenario
from detente.simulate import run_simulation
from detente.simulate.engine import iter_periods
from detente.simulate.model import SimModel, build_model
from detente.simulate.runner import block_seed
from detente.simulate.state import Draws, RunState, initial_state

SNAPSHOT = Path(__file__).resolve().parents[2] / "scenarios" / "ukraine-2022-11.yaml"
RUNS = 400


@cache
def _scenario() -> Scenario:
    return load_scenario(SNAPSHOT)


@cache
def _model() -> SimModel:
    return build_model(_scenario())


def _init(m: SimModel, n: int) -> RunState:
    rng = np.random.default_rng(0)
    setup = Draws(rng.random((n, 2)), rng.standard_normal((n, m.status_quo.size)))
    return initial_state(m, np.arange(n, dtype=np.int64), setup)


def _start(periods: int) -> dict[str, object]:
    summary = run_simulation(_scenario(), RUNS, 0, periods).summary()
    rec = next(a for a in summary["agreements"] if a["bundle"] == "black_sea")
    out: dict[str, object] = rec["in_force_at_start"]
    return out


@cache
def _ended_at() -> tuple[np.ndarray, list[int]]:
    """Per run, the first period after which the start agreement is no longer in force
    (−1: never in 104 periods), counted from the runs' states; and the ``agreements`` count
    on the bundle of every run signing it anew, after its signature."""
    m = _model()
    b = m.bundle_ids.index("black_sea")
    ended = np.full(RUNS, -1)
    counts: list[int] = []
    for t, s in enumerate(iter_periods(m, RUNS, block_seed(0, 0), 104)):
        ended[(ended < 0) & (s.phase[:, b] == 0)] = t
        counts += s.agreements[s.signed[:, b], b].tolist()
    return ended, counts


def test_p_ended_1y_does_not_depend_on_a_horizon_past_a_year() -> None:
    got = {p: _start(p)["p_ended_1y"] for p in (52, 53, 104)}
    assert got[52] == got[53] == got[104], got


def test_p_ended_1y_is_the_share_of_runs_whose_start_agreement_ended_in_weeks_0_to_51() -> None:
    ended, _ = _ended_at()
    direct = int(((ended >= 0) & (ended < 52)).sum()) / RUNS
    assert _start(104)["p_ended_1y"] == pytest.approx(direct)
    assert _start(104)["p_in_force_at_horizon"] == pytest.approx(float((ended < 0).mean()))
    # some runs signed it anew after it ended within the year, the case once lost
    assert ((ended >= 0) & (ended < 52)).sum() > 0


def test_a_deal_signed_anew_counts_the_start_agreement_as_an_earlier_one() -> None:
    _, counts = _ended_at()
    assert counts, "no run signed the bundle anew: the test would not test"
    # after the signature: the start agreement and the new one (earlier = 1 at signature)
    assert min(counts) == 2, np.bincount(counts)


def test_the_start_agreement_counts_on_its_bundle_but_not_as_signed_in_the_run() -> None:
    m = _model()
    b = m.bundle_ids.index("black_sea")
    s = _init(m, 8)
    assert (s.agreements[:, b] == 1).all() and s.agreements.sum() == 8
    assert (s.agreements_seen == 1).all()  # the tracks see no new agreement at the start
    assert (s.start_end == -1).all() and s.start_end.shape == (8, 1)
    runs, periods = 64, 3
    mean = run_simulation(_scenario(), runs, 3, periods).summary()["mean_agreements_per_run"]
    *_, last = iter_periods(m, runs, block_seed(3, 0), periods)
    assert last.agreements[:, b].min() >= 1
    signed = int(last.agreements.sum()) - runs  # the start agreement is not signed in the run
    assert mean == pytest.approx(signed / runs)


@pytest.mark.parametrize("extra", [0, 1])
def test_its_stage_follows_a_signed_agreements_convention(extra: int) -> None:
    sc = _scenario()
    m0 = _model()
    after = m0.settlement_after
    (a,) = sc.agreements_in_force
    days = (after + extra) * 7 + 3  # age settlement_after + extra whole weeks
    since = sc.meta.as_of - dt.timedelta(days=days)
    v = sc.model_copy(update={"agreements_in_force": (a.model_copy(update={"since": since}),)})
    m = build_model(v)
    b = m.bundle_ids.index("black_sea")
    assert int(m.in_force.age[0]) == after + extra  # type: ignore[union-attr]
    s = _init(m, 4)
    # a signed agreement of age a is at the settlement stage in a state iff a > settlement_after
    assert (s.phase[:, b] == (2 if extra else 1)).all()
    first = next(iter(iter_periods(m, 64, block_seed(0, 0), 1)))
    kept = first.phase[:, b] > 0
    assert kept.any()
    assert (first.age[kept, b] == after + extra + 1).all()
    assert (first.phase[kept, b] == 2).all()
