"""The scenario loader: valid files load; every kind of mistake gives a located message."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from detente.scenario import ScenarioError, dump_scenario, load_scenario, parse_scenario
from detente.scenario.load import MAX_BYTES

FIXTURE = Path(__file__).parent / "fixtures" / "valid.yaml"
TEXT = FIXTURE.read_text(encoding="utf-8")


def problems(text: str | bytes) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, name="case.yaml")
    return [str(p) for p in info.value.problems]


def test_valid_fixture_loads_strictly() -> None:
    s = load_scenario(FIXTURE, strict=True)
    assert s.meta.as_of == dt.date(2024, 6, 1)
    assert [a.id for a in s.veto_actors] == ["N", "S"]
    # the later of two dated positions applies
    assert s.current_positions()[("N", "valley")].ideal == 90
    # ... unless we look before it
    assert s.current_positions(dt.date(2024, 2, 1))[("N", "valley")].ideal == 100


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_dump_round_trip(fmt: str) -> None:
    s = load_scenario(FIXTURE)
    assert parse_scenario(dump_scenario(s, fmt=fmt)) == s


def test_json_file_accepted(tmp_path: Path) -> None:
    s = load_scenario(FIXTURE)
    path = tmp_path / "s.json"
    path.write_text(dump_scenario(s, fmt="json"), encoding="utf-8")
    assert load_scenario(path) == s


def _replace(old: str, new: str) -> str:
    assert old in TEXT, old
    return TEXT.replace(old, new, 1)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "kind: state, veto: true, belligerent: true, capability: 2.0",
            "kind: statee, veto: true, belligerent: true, capability: 2.0",
            "case.yaml:11:26: actors[0].kind: Input should be 'state'",
        ),
        (
            "{actor: S, issue: trade",
            "{actor: X, issue: trade",
            "positions[4].actor: unknown actor id 'X'; expected one of: M, N, N_MIL, S",
        ),
        (
            "{actor: S, issue: valley",
            "{actor: S, issue: vale",
            "positions[3].issue: unknown issue id 'vale'",
        ),
        (
            "capability: 1.0\n",
            "capabilty: 1.0\n",
            "unknown field 'capabilty'; did you mean 'capability'?",
        ),
        (
            "status_quo: 60",
            "status_quo: 160",
            "issues[0].status_quo: Input should be less than or equal to 100",
        ),
        (
            "acceptable: [0, 70]",
            "acceptable: [10, 70]",
            "ideal 0.0 lies outside acceptable [10.0, 70.0]",
        ),
        ("parent: N, control", "control", "actors[1].parent: a faction needs a parent"),
        ("sources: [S2]}", "sources: [S9]}", "ledger[2].sources[0]: unknown source id 'S9'"),
        (
            "date: 2024-04-01",
            "date: 2025-04-01",
            "ledger[3].date: date 2025-04-01 is after meta.as_of",
        ),
        ("refers_to: [C1]", "refers_to: [C2]", "ledger[1].refers_to[0]: unknown ledger id 'C2'"),
        ("id: K1", "id: C1", "ledger[2].id: duplicate id 'C1'"),
        (
            "verification: monitor_verified",
            "verification: certain",
            "ledger[1].verification: Input should be 'unverified'",
        ),
        (
            "deadline: 2024-03-01",
            "deadline: 2024-01-01",
            "deadline 2024-01-01 is before the entry date",
        ),
        (
            "terms: {valley: 50, trade: 70}",
            "terms: {valey: 50, trade: 70}",
            "proposals[0].terms.valey: unknown issue id 'valey'",
        ),
        ("mechanisms: [monitors]", "mechanisms: [monitor]", "unknown mechanism id 'monitor'"),
        ("belligerents: [N, S]", "belligerents: [N, N]", "the two belligerents must differ"),
        (
            "{expected: 0.3, confidence: 0.5}",
            "{expected: 0.9, confidence: 0.5}",
            "expected 0.9 impossible with confidence 0.5",
        ),
        ("  as_of: 2024-06-01\n", "", "meta.as_of: required field is missing"),
    ],
)
def test_mistakes_are_located(old: str, new: str, expected: str) -> None:
    found = problems(_replace(old, new))
    assert any(expected in p for p in found), found
    assert all(p.startswith("case.yaml:") for p in found)
    # every located problem names a line
    assert all(p.split(":")[1].isdigit() and int(p.split(":")[1]) > 0 for p in found), found


def test_union_errors_collapse_to_the_meant_branch() -> None:
    found = problems(
        _replace("{expected: 0.3, confidence: 0.5}", "{expected: 0.9, confidence: 0.5}")
    )
    assert len(found) == 1, found
    found = problems(_replace("{positive: 1, negative: 4}", "{positive: 1, negativ: 4}"))
    assert any("unknown field 'negativ'; did you mean 'negative'?" in p for p in found), found
    assert not any("ExpectedTrust" in p or "'expected'" in p for p in found), found


def test_many_errors_reported_at_once() -> None:
    text = _replace(
        "kind: state, veto: true, belligerent: true, capability: 2.0",
        "kind: statee, veto: true, belligerent: true, capability: -2.0",
    )
    text = text.replace("status_quo: 60", "status_quo: 160")
    found = problems(text)
    assert len(found) >= 3, found


def test_cross_reference_errors_reported_together() -> None:
    text = _replace("{actor: S, issue: trade", "{actor: X, issue: trade").replace(
        "sources: [S2]}", "sources: [S9]}"
    )
    assert len(problems(text)) == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "file is empty"),
        ("   \n# only a comment\n", "file is empty"),
        ("- a\n- b\n", "expected a mapping at the top level"),
        ("schema_version: 1\nmeta: [\n", "not valid YAML/JSON"),
        ("meta: {}\n", "schema_version: missing; add `schema_version: 1`"),
        (
            "schema_version: 2\nmeta: {}\n",
            "unsupported version 2; this detente reads schema_version 1",
        ),
        ("schema_version: 1\nmeta: !!python/object:os.system {}\n", "explicit YAML tag"),
        (
            "schema_version: 1\nmeta:\n  name: !custom x\n",
            "case.yaml:3:3: meta.name: explicit YAML tag",
        ),
        ("schema_version: 1\nschema_version: 1\n", "not valid YAML/JSON"),
        (b"schema_version: 1\nmeta: \xff\xfe\n", "not UTF-8 text"),
        ('{"schema_version": 1, "meta": {"name": "x"}, }', "case.yaml"),
    ],
)
def test_bad_files_get_clear_messages(text: str | bytes, expected: str) -> None:
    assert any(expected in p for p in problems(text))


def test_huge_file_rejected(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"#" * (MAX_BYTES + 1))
    with pytest.raises(ScenarioError, match="the limit is"):
        load_scenario(path)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="no such file"):
        load_scenario(tmp_path / "nope.yaml")
    with pytest.raises(ScenarioError, match="is a directory"):
        load_scenario(tmp_path)


def test_strict_requires_sources_or_assumption() -> None:
    text = _replace(
        "{id: M, name: Mediator, kind: mediator, sources: [S1]}",
        "{id: M, name: Mediator, kind: mediator}",
    )
    parse_scenario(text)  # fine without strict
    with pytest.raises(ScenarioError, match=r"actors\[3\]: no `sources` and no `assumption`"):
        parse_scenario(text, strict=True)


def test_error_message_is_plain_text() -> None:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(
            _replace("{actor: S, issue: trade", "{actor: X, issue: trade"), name="f.yaml"
        )
    msg = str(info.value)
    assert msg.splitlines()[0] == "1 problem in f.yaml"
    assert "Traceback" not in msg
    json.dumps([str(p) for p in info.value.problems])


def test_a_ceasefire_linkage_without_a_war_is_a_strict_mode_warning() -> None:
    """With no `war` there is no fighting to stop, yet a cease-fire linkage still closes every
    agreement counted as a cease-fire (review fix9): strict mode says so, located on the
    linkage's `ceasefire` field; with a war it is silent."""
    text = FIXTURE.read_text(encoding="utf-8")
    linkage = (
        "linkages:\n  - id: L1\n    actor: N\n    ceasefire: true\n    requires: [trade]\n"
        "    assumption: test\n"
    )
    no_war = text[: text.index("war:\n")] + linkage
    assert parse_scenario(no_war, name="case.yaml").linkages[0].ceasefire
    with pytest.raises(ScenarioError) as info:
        parse_scenario(no_war, name="case.yaml", strict=True)
    (problem,) = [p for p in info.value.problems if "cease-fire trigger" in p.message]
    assert problem.path == "linkages[0].ceasefire"
    assert problem.message.startswith("cease-fire trigger without a war")
    assert problem.line == no_war.splitlines().index("    ceasefire: true") + 1
    assert parse_scenario(text + linkage, name="case.yaml", strict=True).linkages[0].ceasefire
