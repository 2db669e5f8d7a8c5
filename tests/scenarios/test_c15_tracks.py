"""The review rev14b's corrections to the Ukraine tracks (branch c15,
``validation/c15_expectations.md``): the US envoys' shuttle has no end (US mediation went on
after the trilateral hold, E0508, E0511); a source a track cites is dated by the fact of
facts.yaml that cites it (no look-ahead); a party is at a track from the round the facts put
it at (Ukraine absent from Riyadh, E0401; Russia absent from Jeddah, E0403), and a track
without both belligerents settles nothing between them."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from tests.repo_scripts import build_reference

from detente.scenario import Scenario, load_scenario
from detente.scenario.tracks import Track, bundle_tracks, track_status

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"

# Every source the tracks and refusals cite → (the fact of facts.yaml that dates it for the
# row, that fact's date). Copied from /work/shared/data/ukraine/facts.yaml (2026-11-22).
FACT_OF: dict[str, tuple[str, str]] = {
    "S_ist5": ("E0101", "2022-02-28"),
    "S_ist1": ("E0103", "2022-03-29"),
    "S_ist2": ("E0103", "2022-03-29"),
    # Arakhamia's interview of Nov 2023 (E0103 contested; RU nato_neutrality position) and
    # Russia's 2026 summary of the draft (RU territory position): dated by their publication
    # (branch v21b), not by the 2022 facts citing them, which would be look-ahead
    "S_ist6": ("Arakhamia's interview, published", "2023-11"),
    "S_socb": ("Arakhamia's interview, published", "2023-11"),
    "S_ist4": ("Russia's summary of the Istanbul draft, published", "2026-06-23"),
    "S_grain1": ("E0105", "2022-07-22"),
    "S_grain2": ("E0105", "2022-07-22"),
    "S_pf1": ("E0108", "2022-11-15"),
    "S_jed1": ("E0204", "2023-08-05"),
    "S_riy1": ("E0401", "2025-02-18"),
    "S_riy2": ("E0401", "2025-02-18"),
    "S_jed25_1": ("E0403", "2025-03-11"),
    "S_call318_1": ("E0404", "2025-03-18"),
    "S_call318_3": ("E0404", "2025-03-18"),
    "S_bs1": ("E0405", "2025-03-25"),
    "S_ea7": ("E0407", "2025-04-19"),
    "S_ex0419": ("E0407", "2025-04-19"),
    "S_lon1": ("US territory position", "2025-04-22"),
    "S_lon2": ("UA crimea position", "2025-04-22"),
    "S_i1_1": ("E0411", "2025-05-16"),
    "S_i2_1": ("E0412", "2025-06-02"),
    "S_leg": ("RU elections position", "2025-06"),
    "S_i3_1": ("E0417", "2025-07-23"),
    "S_28_1": ("E0424", "2025-11-20"),
    "S_28_2": ("E0424", "2025-11-20"),
    "S_put1121": ("E0424", "2025-11-20"),
    "S_zez": ("RU elections position", "2025-11-28"),
    "S_dec2_1": ("E0427", "2025-12-02"),
    "S_20_1": ("E0431", "2025-12-23"),
    "S_20_5": ("E0431", "2025-12-23"),
    "S_mal1": ("E0432", "2025-12-28"),
    "S_ad1_2": ("E0502", "2026-01-22"),
    "S_ad1_1": ("E0503", "2026-01-23"),
    "S_ad2_1": ("E0505", "2026-02-04"),
    "S_gva1": ("E0506", "2026-02-17"),
    "S_iran1": ("E0508", "2026-02-28"),
    "S_ex12": ("exchange of 2026-03-11", "2026-03-11"),
    "S_may26_1": ("E0511", "2026-05-08"),
    "S_may26_5": ("E0511", "2026-05-08"),
    "S_may26_6": ("E0511", "2026-05-08"),
    "S_jun26_4": ("E0513", "2026-06-15"),
}


@pytest.fixture(scope="module")
def table() -> Any:
    build_reference()  # imports the tables beside it
    return sys.modules["ukraine_tracks"]


def _row(table: Any, as_of: str, track: str) -> dict[str, Any]:
    rec: dict[str, Any] = next(t for t in table.tracks(as_of) if t["id"] == track)
    return rec


def _actors(rec: dict[str, Any]) -> set[str]:
    return {p["actor"] for p in rec["participants"]}


def test_every_source_is_cited_from_the_date_of_the_fact_that_cites_it(table: Any) -> None:
    rows = [*table.TRACKS, *table.REFUSALS]
    seen = 0
    for row in rows:
        for src in row["sources"]:
            # cited from the row's first date: the fact citing it is dated by then
            assert FACT_OF[src][1] <= row["since"], (row["id"], src, FACT_OF[src])
            seen += 1
        for when, src in row.get("later_sources", ()):
            assert when == FACT_OF[src][1], (row["id"], src, when, FACT_OF[src])
            assert when > row["since"], (row["id"], src)
            seen += 1
    assert seen >= 40
    # the review's examples: a day after the fact before c15
    envoys = next(r for r in rows if r["id"] == "us_envoys")
    later = {s: d for d, s in envoys["later_sources"]}
    assert later["S_28_1"] == "2025-11-20" and later["S_dec2_1"] == "2025-12-02"


def test_us_envoys_have_no_end(table: Any) -> None:
    """E0508 holds the trilateral rounds; US mediation goes on (E0511, S_may26_5/6)."""
    row = next(r for r in table.TRACKS if r["id"] == "us_envoys")
    assert "until" not in row
    assert next(r for r in table.TRACKS if r["id"] == "trilateral_2026")["until"] == "2026-02-28"
    assert {"S_may26_5", "S_may26_6"} <= set(_row(table, "2026-06-23", "us_envoys")["sources"])
    assert "S_may26_5" not in _row(table, "2026-05-07", "us_envoys")["sources"]


def test_us_envoys_open_in_june_2026_but_the_settlement_still_needs_the_presidents() -> None:
    s: Scenario = load_scenario(SCENARIOS / "ukraine-2026-06.yaml", strict=True)
    envoys = next(t for t in s.tracks if t.id == "us_envoys")
    assert envoys.until is None and track_status(s, envoys).open
    able, closed = bundle_tracks(s)["settlement"]
    assert able == ()
    why = {c.track: c.reason for c in closed}
    assert why["us_envoys"] == "endorsement_closed" and why["leaders"] == "refused"


@pytest.mark.parametrize(
    ("track", "party", "joins", "first"),
    [
        ("us_envoys", "UA", "2025-04-23", "2025-02-18"),  # Riyadh E0401: Ukraine absent
        ("riyadh_jeddah_technical", "RU", "2025-03-25", "2025-03-11"),  # Jeddah E0403
    ],
)
def test_a_party_sits_at_a_track_from_the_round_the_facts_put_it_at(
    table: Any, track: str, party: str, joins: str, first: str
) -> None:
    before = _row(table, first, track)
    day_before = _row(table, f"{joins[:-2]}{int(joins[-2:]) - 1:02d}", track)
    after = _row(table, joins, track)
    for rec in (before, day_before):
        assert party not in _actors(rec)
        assert rec["bundles"] == []  # without both belligerents it settles nothing
        Track.model_validate(rec)  # still a valid track (two participants at least)
    assert party in _actors(after) and after["bundles"]
    assert "joins" not in after
    full = next(r for r in table.TRACKS if r["id"] == track)
    assert after["participants"] == full["participants"]


def test_every_snapshot_track_that_settles_has_both_belligerents() -> None:
    for path in sorted(SCENARIOS.glob("ukraine-*.yaml")):
        s = load_scenario(path, strict=True)
        for t in s.tracks:
            if t.bundles:
                assert {"RU", "UA"} <= {p.actor for p in t.participants}, (path.name, t.id)
