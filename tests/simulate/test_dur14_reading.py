"""What the durability model reads of the development cases it misses (dur14 audit).

`validation/dur14_expectations.md` §2: Aceh's monitoring mission and arbiter and Good Friday's
decommissioning commission and British–Irish guarantee are read into the covariates; an
earlier agreement recorded only as a ledger commitment observed ``broken`` is not counted as
an earlier failed agreement (the candidate that counted them was run and not adopted: it
moved held and broken cases alike and reads the entries trust already reads), while an
``agreement_ended`` event is."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from detente.scenario import load_scenario
from detente.simulate.durability import COVARIATE_EFFECTS
from detente.simulate.durability_covariates import deal_durability, scenario_covariates

CASES = Path(__file__).parents[2] / "validation" / "cases"


def _factors(case: str) -> dict[str, float]:
    s = load_scenario(CASES / case / "scenario.yaml")
    assert s.simulation is not None
    dd = deal_durability(s, tuple(s.simulation.mechanisms))
    return {r["covariate"]: r["hazard_ratio"] for r in dd.explain()["covariates"]}


@pytest.mark.parametrize(
    ("case", "guarantor_hr"),
    [("aceh_2005", (0.85, 0.95)), ("good_friday_1998", (0.80, 0.88))],
)
def test_monitors_and_guarantees_of_the_held_cases_are_read(
    case: str, guarantor_hr: tuple[float, float]
) -> None:
    f = _factors(case)
    # the monitoring body (AMM, IICD) at the protocol's detection 0.5: Fortna's HR 0.88
    assert f["verification"] == pytest.approx(0.88)
    # the guarantee (Ahtisaari/CMI, leverage 0.3; Ireland, leverage 0.5) lowers the hazard
    lo, hi = guarantor_hr
    assert lo < f["guarantor"] < hi


def test_monitors_do_not_tell_held_from_broken() -> None:
    """The broken cases carry the same monitoring factor (Minsk I's OSCE SMM)."""
    assert _factors("minsk_i_2014")["verification"] == pytest.approx(
        _factors("aceh_2005")["verification"]
    )


def test_ledger_broken_commitment_is_not_an_earlier_failed_agreement() -> None:
    aceh = load_scenario(CASES / "aceh_2005" / "scenario.yaml")
    broken = [
        e for e in aceh.ledger if getattr(e, "assessment", None) is not None
        and str(e.assessment) == "broken"
    ]  # fmt: skip
    assert broken  # the 2002 CoHA, observed broken, is in the ledger (read by trust)
    assert float(scenario_covariates(aceh).prior_failures) == 0.0


def test_agreement_ended_event_is_an_earlier_failed_agreement() -> None:
    colombia = load_scenario(CASES / "colombia_havana_2012" / "scenario.yaml")
    cov = scenario_covariates(colombia)
    assert float(cov.prior_failures) == 1.0
    assert _factors("colombia_havana_2012")["prior_failures"] == pytest.approx(
        math.exp(COVARIATE_EFFECTS["prior_failures"].beta)
    )
