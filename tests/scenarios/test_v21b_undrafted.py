"""Branch v21b: which Ukraine tracks draft nuclear safety, energy and the settlement, and the
bundles no track drafts, with the facts that say so (``UNDRAFTED`` in
``scenarios/ukraine_tracks.py``; ``validation/v21b_expectations.md``).

The envoys' shuttle takes up the Zaporizhzhia plant with the 28-point draft (facts E0424,
20 Nov 2025), the trilateral rounds from their second round (E0505); before that no talks
between the belligerents on the plant, on energy strikes (before 18 Mar 2025, E0404) or on a
settlement (Istanbul 2022 drafted a framework: E0103, C15) are in the facts."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from tests.repo_scripts import build_reference

from detente.scenario import Scenario, load_scenario
from detente.scenario.tracks import bundle_tracks
from detente.scenario.validate import track_notes

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
SNAPSHOTS = ("2022-03", "2022-11", "2023-12", "2025-05", "2025-11", "2026-06")


@pytest.fixture(scope="module")
def table() -> Any:
    build_reference()  # imports the tables beside it
    return sys.modules["ukraine_tracks"]


@pytest.fixture(scope="module")
def ukraine() -> dict[str, Scenario]:
    return {d: load_scenario(SCENARIOS / f"ukraine-{d}.yaml", strict=True) for d in SNAPSHOTS}


def _drafted(s: Scenario) -> set[str]:
    """Bundles listed by a track that carries talks and has not ended at ``as_of``."""
    when = s.meta.as_of
    return {
        b
        for t in s.tracks
        if not t.signature_only and (t.until is None or t.until > when)
        for b in t.bundles
    }


def test_undrafted_matches_every_snapshot(table: Any, ukraine: dict[str, Scenario]) -> None:
    kinds = {r["bundle"] for r in table.UNDRAFTED}
    assert kinds == {"settlement", "black_sea", "energy", "nuclear_safety"}
    seen = set()
    for d, s in ukraine.items():
        as_of = s.meta.as_of.isoformat()
        missing = kinds - _drafted(s)
        assert missing == table.undrafted(as_of), d
        seen |= missing
        for row in table.UNDRAFTED:
            assert row["sources"] and row["why"]
            assert set(row["sources"]) <= set(ukraine["2026-06"].meta.sources), row
    assert seen == kinds


def test_the_envoys_take_up_the_plant_with_the_28_point_draft(table: Any) -> None:
    def carries(as_of: str, track: str) -> bool:
        rec = next(t for t in table.tracks(as_of) if t["id"] == track)
        return "nuclear_safety" in rec["bundles"]

    assert not carries("2025-11-19", "us_envoys") and carries("2025-11-20", "us_envoys")
    assert not carries("2026-02-03", "trilateral_2026")
    assert carries("2026-02-04", "trilateral_2026")
    rec = next(t for t in table.tracks("2025-11-20") if t["id"] == "us_envoys")
    assert "S_28_2" in rec["sources"] and "adds" not in rec
    # the Istanbul delegations drafted a framework, never the settlement
    for d in SNAPSHOTS:
        rec = next((t for t in table.tracks(f"{d}-28") if t["id"] == "istanbul_2022"), None)
        if rec is not None:
            assert "framework" in rec["bundles"] and "settlement" not in rec["bundles"]


def test_nuclear_safety_on_the_envoys_track_waits_for_the_presidents(
    ukraine: dict[str, Scenario],
) -> None:
    for d in ("2025-11", "2026-06"):
        able, closed = bundle_tracks(ukraine[d])["nuclear_safety"]
        why = {c.track: c.reason for c in closed}
        assert able == () and why["us_envoys"] == "endorsement_closed", d
        assert why["leaders"] == "refused", d
    assert bundle_tracks(ukraine["2026-06"])["nuclear_safety"][1][-1].reason == "ended"
    able, closed = bundle_tracks(ukraine["2025-05"])["nuclear_safety"]
    assert able == () and {c.track for c in closed} == {"leaders"}


def test_check_notes_follow_the_undrafted_table(table: Any, ukraine: dict[str, Scenario]) -> None:
    for d, s in ukraine.items():
        named = {n.split("'")[1] for n in (note.message for note in track_notes(s))}
        onlyleaders = table.undrafted(s.meta.as_of.isoformat()) - {
            b for t in s.tracks if not t.signature_only for b in t.bundles
        }
        assert named == onlyleaders, d
    assert not track_notes(ukraine["2025-11"]) and not track_notes(ukraine["2026-06"])
