"""q24 items 4 and 5: ``validation/score.py --cases`` and us_cuba_2014's recorded leaders.

On main ``f60b0d0`` ``score.py --cases us_cuba_2014 --json`` printed ``{"scores": [], "cases":
[]}`` and exit 0: ``--cases`` takes a folder, a case name was read as a folder that does not
exist, and a missing folder was scored as no case at all. ``--cases`` now also takes one case's
folder or case names of the development set (comma-separated); anything else, or ``--cases``
without ``--json``, or ``--check`` with ``--simulate``, is a usage error (exit 2) before any
work. A case scored alone gives the rows the whole set gives it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML
from tests.repo_scripts import validation_score as _score

REPO = Path(__file__).resolve().parents[2]
CASES = REPO / "validation" / "cases"


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    assert _score().main([*args, "--json"]) == 0
    out: dict[str, Any] = json.loads(capsys.readouterr().out)
    return out


def test_a_case_name_scores_that_case(capsys: pytest.CaptureFixture[str]) -> None:
    whole = _json(capsys)
    one = _json(capsys, "--cases", "us_cuba_2014")
    case = YAML(typ="safe").load((CASES / "us_cuba_2014" / "case.yaml").read_text())
    assert [s["expectation"] for s in one["scores"]] == [e["id"] for e in case["expectations"]]
    assert one["scores"] == [s for s in whole["scores"] if s["case"] == "us_cuba_2014"]
    assert [c["case"] for c in one["cases"]] == ["us_cuba_2014"]
    # the case's own folder, and several names, as well
    assert _json(capsys, "--cases", str(CASES / "us_cuba_2014"))["scores"] == one["scores"]
    two = _json(capsys, "--cases", "us_cuba_2014,aceh_2005")
    assert sorted({s["case"] for s in two["scores"]}) == ["aceh_2005", "us_cuba_2014"]
    assert "(orderings)" not in {s["case"] for s in two["scores"]}  # cross-case: left out


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--cases", "no_such_case", "--json"], ["--cases no_such_case", "no_such_case unknown"]),
        (["--cases", "us_cuba_2014,nope", "--json"], ["nope unknown"]),
        (["--cases", "", "--json"], ["--cases: empty"]),  # review rev23 finding 8
        (["--cases", "docs", "--json"], ["a folder holding no case"]),
        (["--cases", "us_cuba_2014"], ["use --json with --cases"]),
        (["--cases", "us_cuba_2014", "--check"], ["use --json with --cases"]),
        (["--check", "--simulate"], ["--check never simulates"]),
    ],
)
def test_usage_errors_exit_2(
    capsys: pytest.CaptureFixture[str], args: list[str], words: list[str]
) -> None:
    with pytest.raises(SystemExit) as err:
        _score().main(args)
    assert err.value.code == 2
    text = " ".join(capsys.readouterr().err.split())
    for word in words:
        assert word in text, text


def test_the_dev_set_spelled_relative_keeps_its_orderings(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    rel = _json(capsys, "--cases", "validation/cases")
    assert "(orderings)" in {s["case"] for s in rel["scores"]}
    assert rel["scores"] == _json(capsys)["scores"]


def test_us_cuba_records_its_leaders_as_the_scenario_states_them() -> None:
    """Item 5: case.yaml records the leader changes the scenario encodes (v22c), with sources
    listed in the case."""
    from detente.scenario import load_scenario

    case = YAML(typ="safe").load((CASES / "us_cuba_2014" / "case.yaml").read_text())
    pending = case["pending_format"]
    assert "leader_changes: US, CU" in pending["encoded"]
    scenario = load_scenario(CASES / "us_cuba_2014" / "scenario.yaml")
    since = {a.id: a.leader_since for a in scenario.actors if a.leader_since is not None}
    recorded = {x["actor"]: x["leader_since"] for x in pending["leader_changes"]}
    assert recorded == {k: v.isoformat() for k, v in since.items()}
    listed = {s["id"] for s in case["sources"]}
    for x in pending["leader_changes"]:
        assert x["sources"] and set(x["sources"]) <= listed
