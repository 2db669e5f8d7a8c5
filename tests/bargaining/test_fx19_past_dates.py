"""rev18's findings 2 and 4 on v18a/v18c.

2. ``war.started`` and ``leader_since`` after ``meta.as_of`` were accepted (look-ahead: a
   future start silently gave W = 0, a future leader relieved every red line), and an analysis
   at an earlier date relieved a red line of a leader not yet in office.
4. No test pinned the value of W (the cost of fighting accumulated since ``war.started``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from detente.bargaining.problem import build_problem
from detente.cli.app import app
from detente.scenario import load_scenario

ROOT = Path(__file__).parents[2]
CASES = ROOT / "validation" / "cases"


def _edited(tmp_path: Path, case: str, old: str, new: str) -> Path:
    text = (CASES / case / "scenario.yaml").read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    out = tmp_path / f"{case}.yaml"
    out.write_text(text.replace(old, new), encoding="utf-8")
    return out


def test_a_war_started_after_as_of_is_a_located_error(tmp_path: Path) -> None:
    f = _edited(tmp_path, "georgia_2008", "started: 2008-08-07", "started: 2099-01-01")
    r = CliRunner().invoke(app, ["check", str(f)])
    assert r.exit_code != 0, r.output
    assert "war.started" in r.output and "after meta.as_of 2008-08-11" in r.output, r.output


def test_a_leader_since_after_as_of_is_a_located_error(tmp_path: Path) -> None:
    f = _edited(tmp_path, "beagle_1984", "leader_since: 1983-12-10", "leader_since: 2099-01-01")
    r = CliRunner().invoke(app, ["check", str(f)])
    assert r.exit_code != 0, r.output
    assert "leader_since" in r.output and "after meta.as_of" in r.output, r.output


def test_the_relief_waits_for_the_leader_to_take_office() -> None:
    """Beagle: Alfonsín took office on 1983-12-10 (the case's as_of); Argentina's islands line
    was stated by the junta in 1978. At the case's date the line is a predecessor's; the day
    before, it is still the sitting government's."""
    sc = load_scenario(CASES / "beagle_1984" / "scenario.yaml")
    ar = [a.id for a in sc.actors].index("AR")
    at_date = build_problem(sc)
    day_before = build_problem(sc, as_of=dt.date(1983, 12, 9))
    assert at_date.leader_change[ar].max() == 1.0
    assert day_before.leader_change[ar].max() == 0.0


def test_w_is_the_cost_per_period_times_the_periods_since_the_start() -> None:
    """Georgia 2008: fighting from 7 August, as_of 11 August, weekly periods: T = 4/7 of a week
    at each side's cost per period c. A fraction of the first period is felt in full (v20c,
    rev19 finding 6: v19a's c·(1 − δ^T)/(1 − δ) read for T < 1 gave more than the c·T paid), so
    W = c·T; no allies' relief here."""
    sc = load_scenario(CASES / "georgia_2008" / "scenario.yaml")
    p = build_problem(sc)
    by_id = {a.id: a for a in sc.actors}
    for i, aid in enumerate(p.actors):
        a = by_id[aid]
        relief = sum(s.cost_relief * s.level for s in a.support)
        c, delta, t = max(0.0, a.cost_of_fighting - relief), a.discount, 4 / 7
        assert p.cumulative_cost[i] == pytest.approx(c * t, rel=1e-12), aid
        assert p.cumulative_cost[i] < c * (1.0 - delta**t) / (1.0 - delta) or c == 0.0
    assert np.any(p.cumulative_cost > 0)
