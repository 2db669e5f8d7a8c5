"""v22b: the Arusha case attaches the demilitarised zone of its signed deal
(validation/v22b_expectations.md §3).

The Arusha Peace Agreement includes the N'sele cease-fire as amended, which calls for the
demarcation of a new demilitarised zone that UNAMIR was mandated to monitor (UN Security
Council resolution 872 (1993), para. 3(b)). The encoding audit's rule (dur9: a case's
simulation attaches the mechanisms of the deal actually signed) requires it; before v22b the
case attached UNAMIR and the joint commission only. The DMZ makes the case's agreement
sturdier (its durability moves away from the case's `breakdown_high` expectation): a fact is
encoded whichever way it moves a check."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.scenario import load_scenario
from detente.simulate.durability_covariates import scenario_covariates

CASE = Path(__file__).resolve().parents[2] / "validation" / "cases" / "arusha_1993"


def test_arusha_attaches_the_signed_deals_dmz_with_its_source() -> None:
    s = load_scenario(CASE / "scenario.yaml")
    dmz = [m for m in s.mechanisms if m.kind.value == "dmz"]
    assert len(dmz) == 1
    m = dmz[0]
    # the protocol constants every case's DMZ uses (Dayton, Ecuador-Peru, Sinai I, ...)
    assert m.hazard_ratio == pytest.approx(0.8)
    assert m.loss_if_cheated == pytest.approx(0.8)
    assert "S_res872" in m.sources
    assert "872" in s.meta.sources["S_res872"].title
    assert s.simulation is not None and m.id in s.simulation.mechanisms
    deal = next(p for p in s.proposals if p.id == "arusha_accords")
    assert m.id in deal.mechanisms


def test_arusha_durability_reads_the_dmz_next_to_the_joint_commission() -> None:
    s = load_scenario(CASE / "scenario.yaml")
    cov = scenario_covariates(s)
    # JPMC 0.9 x DMZ 0.8; UNAMIR enters through the peacekeepers covariate, not twice
    assert float(cov.mechanism_hr) == pytest.approx(0.72)
    assert float(cov.peacekeepers) == 1.0
