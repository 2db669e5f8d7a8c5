"""rev19 finding 8: a bundle listed only by signature-only tracks can never settle, and a
signature-only summit whose endorsers carry no talks has nothing to sign: ``detente check``
notes both (never an error, not even with ``--strict``)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from detente import api
from detente.cli.app import app
from detente.scenario import Scenario, load_scenario
from detente.scenario.validate import track_notes

REPO = Path(__file__).resolve().parents[2]
TEACHING = REPO / "scenarios" / "teaching.yaml"
MARCH_2022 = REPO / "scenarios" / "ukraine-2022-03.yaml"


def _with_tracks(tracks: list[dict[str, object]]) -> Scenario:
    s = load_scenario(TEACHING)
    data = s.model_dump(mode="python")
    data["tracks"] = tracks
    return type(s).model_validate(data)


def _track(tid: str, bundles: list[str], **extra: object) -> dict[str, object]:
    return {
        "id": tid,
        "name": tid,
        "participants": [{"actor": a, "level": "leaders"} for a in ("NOR", "SUD")],
        "bundles": bundles,
        "assumption": "a test track",
        **extra,
    }


def test_a_bundle_only_a_summit_lists_is_noted() -> None:
    s = _with_tracks(
        [
            _track("summit", ["settlement", "valley"], signature_only=True),
            _track("delegations", ["valley"], endorsement="summit"),
        ]
    )
    notes = track_notes(s)
    assert [(n.path, n.message.split(":")[0]) for n in notes] == [
        (("tracks", 0, "bundles", 0), "note")
    ]
    assert "bundle 'settlement' is listed only by signature-only tracks ('summit')" in (
        notes[0].message
    )


def test_a_summit_whose_endorsers_carry_no_talks_is_noted() -> None:
    s = _with_tracks(
        [
            _track("summit", ["settlement"], signature_only=True),
            _track("envoys", [], endorsement="summit"),
            _track("talks", ["settlement"]),
        ]
    )
    assert [n.path for n in track_notes(s)] == [("tracks", 0, "signature_only")]
    assert "signs only the texts of 'envoys'" in track_notes(s)[0].message


def test_a_summit_with_drafting_tracks_is_not_noted() -> None:
    s = _with_tracks(
        [
            _track("summit", ["settlement"], signature_only=True),
            _track("delegations", ["settlement"], endorsement="summit"),
        ]
    )
    assert track_notes(s) == []
    assert track_notes(load_scenario(TEACHING)) == []  # the implicit track


def test_check_lists_the_march_2022_notes_and_stays_valid() -> None:
    """The intended notes of v19b's presidents' track: the settlement, black_sea, energy and
    nuclear_safety are on no drafting track in March 2022."""
    for strict in (False, True):
        res = api.check(MARCH_2022, strict=strict)
        assert res.ok
        notes = [r for r in res.records() if r["message"].startswith("note:")]
        named = [r["message"].split("'")[1] for r in notes]
        assert named == ["settlement", "black_sea", "energy", "nuclear_safety"]
        assert all(r["valid"] and r["line"] and r["path"].startswith("tracks[0].bundles[")
                   for r in notes)  # fmt: skip
    r = CliRunner().invoke(app, ["check", "--strict", str(MARCH_2022)])
    assert r.exit_code == 0, r.output
    assert f"{MARCH_2022}:" in r.output and "tracks[0].bundles[0]: note: bundle 'settlement'" in (
        r.output
    )
