"""Tracks, refusals, mediators and Track II in the scenario format (issue 18)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from detente.scenario import ScenarioError, parse_scenario
from detente.scenario.schema import Scenario
from detente.scenario.tracks import (
    DEFAULT_TRACK,
    bundle_ids,
    bundle_tracks,
    effective_tracks,
    track_status,
)

FIXTURE = Path(__file__).parent / "fixtures" / "tracks.yaml"


def load_tracks_fixture() -> dict[str, Any]:
    """The fixture as plain data (a fresh copy: tests edit it)."""
    data: dict[str, Any] = YAML(typ="safe").load(FIXTURE.read_text(encoding="utf-8"))
    return data


def _base() -> dict[str, Any]:
    """The teaching case with tracks, a leaders' refusal and a withdrawing mediator."""
    return load_tracks_fixture()


def _parse(data: dict[str, Any], strict: bool = True) -> Scenario:
    import json

    return parse_scenario(json.dumps(data, default=str), name="case.json", strict=strict)


def _problems(data: dict[str, Any]) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        _parse(data)
    return [str(p) for p in info.value.problems]


def test_tracks_load_and_refusal_closes_the_leaders_track() -> None:
    s = _parse(_base())
    assert [t.id for t in s.tracks] == ["leaders", "military", "generals"]
    st = track_status(s, s.tracks[0])
    assert (st.open, st.reason, st.refusals) == (False, "refused", ("r1",))
    # a leaders' refusal does not close the military track
    assert track_status(s, s.tracks[2]).open
    by_bundle = bundle_tracks(s)
    # the military track needs the closed leaders' track's endorsement: it cannot settle
    assert by_bundle["strip"][0] == ("generals",)
    assert {c.track: c.reason for c in by_bundle["strip"][1]} == {
        "leaders": "refused",
        "military": "endorsement_closed",
    }
    assert by_bundle["settlement"][0] == ()


def test_lifting_the_refusal_reopens_the_tracks() -> None:
    data = _base()
    data["refusals"][0]["until"] = "2024-06-01"
    data["mediators"][0]["withdrawal"] = {"after_stalled_rounds": 3, "assumption": "test"}
    s = _parse(data)
    assert bundle_tracks(s)["settlement"][0] == ("leaders",)
    assert bundle_tracks(s)["strip"][0] == ("leaders", "military", "generals")
    # before it was lifted, it held
    assert bundle_tracks(s, dt.date(2024, 5, 15))["settlement"][0] == ()


def test_a_withdrawn_mediator_closes_its_tracks() -> None:
    data = _base()
    data["refusals"] = []
    s = _parse(data)
    assert track_status(s, s.tracks[0]).reason == "mediator_withdrew"
    assert track_status(s, s.tracks[0], dt.date(2024, 6, 1)).open


def test_no_tracks_means_one_implicit_leaders_track() -> None:
    data = _base()
    for key in ("tracks", "refusals", "mediators"):
        data.pop(key)
    s = _parse(data)
    (t,) = effective_tracks(s)
    assert t.id == DEFAULT_TRACK and set(t.bundles) == set(bundle_ids(s))
    assert bundle_ids(s) == ("strip", "settlement")
    assert all(v[0] == (DEFAULT_TRACK,) for v in bundle_tracks(s).values())


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (
            ("tracks", 0, "participants", 0, "actor"),
            "XX",
            "tracks[0].participants[0].actor: unknown actor id 'XX'",
        ),
        (("tracks", 1, "bundles", 0), "borders", "tracks[1].bundles[0]: unknown bundle id"),
        (("tracks", 1, "endorsement"), "nope", "tracks[1].endorsement: unknown track id"),
        (("tracks", 0, "mediator"), "ZZ", "tracks[0].mediator: unknown actor id 'ZZ'"),
        (("refusals", 0, "refuses"), "QQ", "refusals[0].refuses: unknown actor id 'QQ'"),
        (("refusals", 0, "since"), "2025-01-01", "refusals[0].since: date 2025-01-01 is after"),
        (("mediators", 0, "leverage", 0, "on"), "WW", "mediators[0].leverage[0].on: unknown"),
        (("refusals", 0, "reason"), "mood", "refusals[0].reason: Input should be"),
        (("tracks", 0, "cadence"), 0, "tracks[0].cadence: Input should be greater than"),
    ],
)
def test_located_errors(path: tuple[Any, ...], value: Any, expected: str) -> None:
    data = _base()
    node: Any = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    found = _problems(data)
    assert any(expected in p for p in found), found


def test_structural_rules() -> None:
    data = _base()
    data["tracks"][0]["endorsement"] = "military"  # leaders ↔ military: a cycle
    assert any("cycle" in p for p in _problems(data))
    data = _base()
    data["tracks"].append(
        {"id": "t2", "name": "Track II", "bundles": ["strip"],
         "participants": [{"actor": "NOR", "level": "unofficial"},
                          {"actor": "SUD", "level": "unofficial"}], "assumption": "test"}
    )  # fmt: skip
    assert any("unofficial track cannot settle" in p for p in _problems(data))
    data = _base()
    data["mediators"][0]["withdrawal"] = {"assumption": "test"}
    assert any("exactly one of" in p for p in _problems(data))
    data = _base()
    data["refusals"][0]["refuses"] = "NOR"
    assert any("cannot refuse to meet itself" in p for p in _problems(data))


def test_track_two_channel() -> None:
    data = _base()
    data["tracks"].append(
        {"id": "t2", "name": "Former officials", "cadence": 8,
         "participants": [{"actor": "NOR", "level": "unofficial"},
                          {"actor": "SUD", "level": "unofficial"}],
         "track_two": {"target": "SUD", "cohesion": -0.05, "support": {"LAK": -0.02},
                       "assumption": "test"},
         "assumption": "test"}
    )  # fmt: skip
    s = _parse(data)
    t2 = s.tracks[-1]
    assert t2.track_two is not None and t2.track_two.cohesion == -0.05
    assert all(t2.id not in v[0] for v in bundle_tracks(s).values())
    data["tracks"][-1]["track_two"]["support"] = {"NOPE": -0.1}
    assert any("track_two.support.NOPE" in p for p in _problems(data))


def test_shuttle_talks_sidestep_a_refusal_between_the_parties() -> None:
    data = _base()
    data["mediators"] = []
    data["tracks"][0]["shuttle"] = True  # LAK carries messages between the leaders
    s = _parse(data)
    assert track_status(s, s.tracks[0]).open
    assert bundle_tracks(s)["settlement"][0] == ("leaders",)
    # … but not a refusal to meet the mediator itself
    data["refusals"].append(
        {"id": "r2", "by": "SUD", "refuses": "LAK", "reason": "other", "since": "2024-06-01",
         "assumption": "test"}
    )  # fmt: skip
    s = _parse(data)
    assert track_status(s, s.tracks[0]).refusals == ("r2",)
    del data["tracks"][0]["mediator"]
    assert any("shuttle talks need a `mediator`" in p for p in _problems(data))
