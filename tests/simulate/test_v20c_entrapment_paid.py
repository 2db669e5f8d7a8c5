"""rev19 finding 2 (v20c): entrapment reads the costs *paid*, undiscounted, before the date and
in the run (sunk costs: Brockner & Rubin 1985; Staw 1976; Boettcher & Cobb 2009), while every
relief reads the cost *felt* now (ripeness: Zartman 2000). The base mixed the two: a felt W0
with the run's undiscounted costs. validation/v20c_expectations.md §1."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from detente.bargaining.redlines import RIPENESS_HALF, entrapment_share
from detente.scenario import load_scenario
from detente.simulate.engine import iter_periods
from detente.simulate.model import build_model
from detente.simulate.state import evolve
from detente.simulate.steps.positions import red_lines

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def test_russia_s_committed_lines_are_pulled_by_the_sum_paid() -> None:
    sc = load_scenario(SCENARIOS / "ukraine-2025-11.yaml")
    assert sc.war is not None and sc.war.started is not None
    m = build_model(sc)
    ru = m.actor_ids.index("RU")
    actor = next(a for a in sc.actors if a.id == "RU")
    assert not actor.support  # its net cost per period is the stated one
    c = float(actor.cost_of_fighting)
    weeks = (sc.meta.as_of - sc.war.started).days / sc.war.period.days
    p0 = c * weeks  # paid since the start, undiscounted: 0.78
    assert p0 == pytest.approx(0.781, abs=0.001)

    paid = np.array([0.0, 0.104, 0.208, 0.416])  # 0, 26, 52, 104 weeks at the full rate
    s = next(iter_periods(m, paid.size, np.random.SeedSequence(1), 1))
    cost = np.zeros((paid.size, 2))
    cost[:, ru] = paid
    lo, _ = red_lines(m, evolve(s, cum_cost=cost, value=s.value0))  # no hardening
    want = paid / (paid + RIPENESS_HALF + p0)  # 1 − r(P0 + ΔP) / r(P0)
    assert np.allclose(want[1:], [0.0552, 0.1046, 0.1894], atol=5e-4)  # base: .061/.116/.207
    k = m.issue_ids.index("donetsk")
    stated = float(m.agenda.lo[0, ru, k])
    target = float(m.agenda.commit_lo[ru, k])
    assert stated < target
    assert np.allclose(lo[:, ru, k], stated + (target - stated) * want)
    assert float(m.agenda.paid0[ru]) == pytest.approx(p0)
    # the felt W at the date (ripeness) is lower: 0.59, bounded by c / (1 − δ)
    assert float(m.agenda.cumulative0[ru]) == pytest.approx(0.592, abs=0.001)


def test_a_longer_war_binds_each_new_cost_less_however_it_is_felt() -> None:
    """The felt W of a war at its bound stops rising; the sum paid does not: the pull of a
    year's costs is positive and falls with what was sunk before."""
    year = 52 * 0.004
    assert entrapment_share(0.15, year) > entrapment_share(0.9, year) > 0.0
