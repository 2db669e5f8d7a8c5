"""v18c: ``War.started`` in the development cases (validation/v18c_expectations.md §1).

Every case with fighting dates its start on or before the case's date (no look-ahead), and
cites the source the date is read from in ``war.started_sources`` (v20b: each id is one of
the case's ``meta.sources``; Good Friday's date from CAIN's page on the troops' deployment,
Minsk I's from the seizure of Sloviansk, validation/v20b_expectations.md); the five cases
whose no-deal alternative is not a war being fought leave it unset, and with it their
ripeness (W = 0)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from detente.bargaining.problem import build_problem
from detente.scenario import load_scenario

CASES = Path(__file__).resolve().parents[2] / "validation" / "cases"

STARTED = {  # case -> (start date, the source it is read from)
    "aceh_2005": (dt.date(1976, 12, 4), "S_insurgency"),
    "arusha_1993": (dt.date(1990, 10, 1), "S_civilwar"),
    "bishkek_1994": (dt.date(1988, 2, 20), "S_war"),
    "colombia_havana_2012": (dt.date(1964, 5, 27), "S_farc"),
    "dayton_1995": (dt.date(1992, 4, 6), "S_war"),
    "ecuador_peru_1995": (dt.date(1995, 1, 26), "S_cenepa"),
    "ethiopia_eritrea_2000": (dt.date(1998, 5, 6), "S_war"),
    "georgia_2008": (dt.date(2008, 8, 7), "S_war"),
    "good_friday_1998": (dt.date(1969, 8, 14), "S_troops"),
    "iran_iraq_1988": (dt.date(1980, 9, 22), "S_war"),
    "lusaka_1994": (dt.date(1975, 11, 11), "S_war"),
    "minsk_i_2014": (dt.date(2014, 4, 12), "S_sloviansk"),
    "mozambique_rome_1992": (dt.date(1977, 1, 1), "S_ucdp"),
    "oslo_1993": (dt.date(1987, 12, 8), "S_intifada"),
    "rambouillet_1999": (dt.date(1998, 2, 28), "S_war"),
    "sinai_i_1974": (dt.date(1973, 10, 6), "S_war"),
    "sri_lanka_2002": (dt.date(1983, 7, 23), "S_war"),
    "syria_geneva_2014": (dt.date(2011, 3, 15), "S_war"),
}
NO_FIGHTING = {"annan_plan_2004", "beagle_1984", "cuba_1962", "iran_jpoa_2013", "us_cuba_2014"}
ALL = sorted(p.parent.name for p in CASES.glob("*/scenario.yaml"))


def test_every_case_is_classified() -> None:
    assert set(ALL) == set(STARTED) | NO_FIGHTING
    assert not set(STARTED) & NO_FIGHTING


@pytest.mark.parametrize("case", ALL)
def test_started_as_recorded_sourced_and_no_lookahead(case: str) -> None:
    sc = load_scenario(CASES / case / "scenario.yaml")
    assert sc.war is not None
    started, source = STARTED.get(case, (None, None))
    assert sc.war.started == started
    p = build_problem(sc)
    if sc.war.started is None:
        assert not sc.war.started_sources
        assert not p.cumulative_cost.any()
        return
    assert sc.war.started <= sc.meta.as_of
    assert source is not None
    # the date's own source, a real entry of the case's source table
    assert sc.war.started_sources == (source,)
    entry = sc.meta.sources[source]
    assert entry.url or entry.title
    fighting = p.cost_per_period > 0
    assert (p.cumulative_cost[fighting] > 0).all()
    assert not p.cumulative_cost[~fighting].any()
