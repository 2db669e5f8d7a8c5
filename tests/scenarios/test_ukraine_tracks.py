"""Who talks to whom in the Ukraine snapshots (issue 18): sourced tracks and refusals; in
2025-05 the prisoner bundle goes through the military/humanitarian channels while the leaders'
track is closed; the US envoys' shuttle carries the settlement's terms, but a treaty is signed
at the presidents' meeting (its endorsement), so lifting the refusal reopens what only the
leaders can sign."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.scenario import Scenario, load_scenario
from detente.scenario.tracks import Level, bundle_tracks, track_status

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
SNAPSHOTS = sorted(SCENARIOS.glob("ukraine-*.yaml"))


@pytest.fixture(scope="module")
def ukraine() -> dict[str, Scenario]:
    return {p.stem: load_scenario(p, strict=True) for p in SNAPSHOTS}


def test_every_snapshot_has_three_sourced_tracks(ukraine: dict[str, Scenario]) -> None:
    assert len(ukraine) == 6
    for name, s in ukraine.items():
        sourced = [t for t in s.tracks if t.sources]
        assert len(sourced) >= 3, (name, [t.id for t in s.tracks])
        for t in s.tracks:
            assert t.sources or t.assumption
            assert all(src in s.meta.sources for src in t.sources)
            # a track that began after the snapshot's date is not in it
            assert t.since is None or t.since <= s.meta.as_of


def test_refusals_are_sourced_and_dated(ukraine: dict[str, Scenario]) -> None:
    ru = ukraine["ukraine-2025-05"].refusals
    legit = next(r for r in ru if r.id == "ru_legitimacy")
    assert (legit.by, legit.refuses, legit.reason.value) == ("RU", "UA", "legitimacy")
    assert legit.sources and legit.levels == (Level.leaders,)
    # Zelensky's 2022 decree: holds in 2022-11 and 2023-12, lifted by May 2025
    for name in ("ukraine-2022-11", "ukraine-2023-12"):
        (decree,) = ukraine[name].refusals
        assert decree.id == "ua_no_talks_with_putin" and decree.until is None
    assert not ukraine["ukraine-2022-03"].refusals


def test_may_2025_prisoners_through_the_military_track_while_leaders_are_closed(
    ukraine: dict[str, Scenario],
) -> None:
    s = ukraine["ukraine-2025-05"]
    leaders = next(t for t in s.tracks if t.id == "leaders")
    status = track_status(s, leaders)
    assert not status.open and status.refusals == ("ru_legitimacy",)
    open_for = bundle_tracks(s)
    prisoners = open_for["prisoner_exchange"][0]
    assert "leaders" not in prisoners
    military = [t for t in s.tracks if t.id in prisoners and any(
        p.level is Level.military for p in t.participants)]  # fmt: skip
    assert {t.id for t in military} >= {"military_exchanges", "uae_exchanges"}
    only_leaders = {b for b, (able, _) in open_for.items() if not able}
    assert {"settlement", "framework", "nuclear_safety"} <= only_leaders
    # the settlement's terms go through the US envoys' shuttle (facts E0401, E0408: branch
    # trk14), but a treaty is signed at the presidents' meeting (E0413, E0417: branch fix14t)
    envoys = next(t for t in s.tracks if t.id == "us_envoys")
    assert envoys.shuttle and envoys.endorsement == "leaders"
    assert "settlement" in envoys.bundles


def test_removing_the_refusal_reopens_what_the_leaders_sign(
    ukraine: dict[str, Scenario],
) -> None:
    s = ukraine["ukraine-2025-05"]
    before = bundle_tracks(s)
    lifted = s.model_copy(update={"refusals": ()})
    after = bundle_tracks(lifted)
    # the presidents' meeting only signs (branch v19b: E0417, 'leaders meet only to sign a
    # finished treaty'): open, it carries no talks itself, and a bundle only it lists stays
    # without a track
    assert next(t for t in s.tracks if t.id == "leaders").signature_only
    assert after["nuclear_safety"][0] == ()
    assert {c.track: c.reason for c in after["nuclear_safety"][1]} == {"leaders": "signature_only"}
    # with the presidents' meeting open, the envoys' drafts can be signed
    assert after["settlement"][0] == ("us_envoys",)
    # the other channels are unchanged; the tracks the leaders endorse (the envoys') are added
    # to the bundles they carry
    envoys = next(t for t in s.tracks if t.id == "us_envoys")
    for b, (able, _) in before.items():
        endorsed = {"us_envoys"} if b in envoys.bundles else set()
        assert set(after[b][0]) == {*able, *endorsed}, b


def test_analyze_reports_the_tracks_per_bundle(ukraine: dict[str, Scenario]) -> None:
    from detente.bargaining.analysis import analysis_document, analyze

    doc = analysis_document(analyze(ukraine["ukraine-2025-05"], samples=200))
    rec = {b["id"]: b for b in doc["bundles"]}
    assert "military_exchanges" in rec["prisoner_exchange"]["tracks"]
    assert rec["settlement"]["tracks"] == []
    assert rec["settlement"]["closed_tracks"][0]["refusals"] == ["ru_legitimacy"]
    assert rec["nuclear_safety"]["tracks"] == []


def test_settlement_talks_enter_a_snapshot_only_once_the_facts_date_them(
    ukraine: dict[str, Scenario],
) -> None:
    """Branches trk14 and fix14t: the US envoys' shuttle carries the settlement's terms from
    Riyadh (18 Feb 2025), never before; a treaty is signed at the presidents' meeting (the
    envoys' endorsement), so while Russia refuses it no open track can sign the settlement;
    no track below the presidents carries the settlement (E0417: 'leaders meet only to sign a
    finished treaty'). The envoys' shuttle goes on after the trilateral hold of 28 Feb 2026."""

    def carrying(name: str) -> dict[str, tuple[str, ...]]:
        s = ukraine[name]
        return {t.id: t.bundles for t in s.tracks if {"settlement", "framework"} & set(t.bundles)}

    for name in ("ukraine-2022-03", "ukraine-2022-11", "ukraine-2023-12"):
        assert set(carrying(name)) <= {"leaders", "istanbul_2022"}, name
        assert "settlement" not in carrying(name).get("istanbul_2022", ())
    for name in ("ukraine-2025-05", "ukraine-2025-11", "ukraine-2026-06"):
        s = ukraine[name]
        signers = {t for t, b in carrying(name).items() if "settlement" in b}
        assert signers == {"leaders", "us_envoys"}, name
        envoys = next(t for t in s.tracks if t.id == "us_envoys")
        assert envoys.endorsement == "leaders"
        assert bundle_tracks(s)["settlement"][0] == (), name
    nov = ukraine["ukraine-2025-11"]
    assert not track_status(nov, next(t for t in nov.tracks if t.id == "istanbul_2025")).open
    jun = ukraine["ukraine-2026-06"]
    envoys = next(t for t in jun.tracks if t.id == "us_envoys")
    assert envoys.until is None  # US mediation went on after the trilateral hold (E0511)
    # the sources cited for these talks are dated at or before the snapshot citing them
    added = {"S_riy1", "S_riy2", "S_lon1", "S_lon2", "S_28_1", "S_put1121", "S_dec2_1",
             "S_20_1", "S_ad1_2", "S_mal1", "S_may26_1"}  # fmt: skip
    seen = 0
    for name, s in ukraine.items():
        for t in s.tracks:
            for src in added & set(t.sources):
                seen += 1
                when = s.meta.sources[src].date
                assert when is not None and str(when)[:10] <= str(s.meta.as_of), (name, t.id, src)
    assert seen >= 10
