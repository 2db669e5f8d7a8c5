"""Property tests: generated valid scenarios round-trip; mutated files never crash the loader."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.scenario import Scenario, ScenarioError, dump_scenario, parse_scenario
from detente.scenario.validate import check_references

TEXT = (Path(__file__).parent / "fixtures" / "valid.yaml").read_text(encoding="utf-8")

points = st.floats(min_value=0, max_value=100, allow_nan=False).map(lambda v: round(v, 3))
units = st.floats(min_value=0, max_value=1, allow_nan=False).map(lambda v: round(v, 4))
dates = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2026, 6, 1))


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    """Valid scenario documents of varied size and content."""
    n_actors = draw(st.integers(2, 5))
    n_issues = draw(st.integers(1, 4))
    actor_ids = [f"A{k}" for k in range(n_actors)]
    issue_ids = [f"i{k}" for k in range(n_issues)]
    as_of = dt.date(2026, 6, 1)
    actors = [
        {
            "id": a,
            "name": f"Actor {a}",
            "kind": draw(st.sampled_from(["state", "leader", "mediator", "coalition"])),
            "veto": draw(st.booleans()),
            "capability": draw(st.floats(0.1, 10).map(lambda v: round(v, 3))),
            "cost_of_fighting": draw(units),
            "discount": draw(st.floats(0.5, 1).map(lambda v: round(v, 3))),
            "sources": ["S"],
        }
        for a in actor_ids
    ]
    issues = [
        {
            "id": i,
            "name": f"Issue {i}",
            "anchors": [{"value": 0, "label": "low"}, {"value": 100, "label": "high"}],
            "status_quo": draw(points),
            "contested": draw(st.booleans()),
            "assumption": "generated",
        }
        for i in issue_ids
    ]
    positions = []
    for a in actor_ids:
        for i in issue_ids:
            if draw(st.booleans()):
                ideal = draw(points)
                pos: dict[str, Any] = {
                    "actor": a,
                    "issue": i,
                    "ideal": ideal,
                    "salience": draw(units),
                    "sources": ["S"],
                }
                if draw(st.booleans()):
                    pos["acceptable"] = [
                        round(max(0.0, ideal - 10), 3),
                        round(min(100.0, ideal + 10), 3),
                    ]
                positions.append(pos)
    # make every actor with positions have a positive salience sum
    for a in actor_ids:
        mine = [p for p in positions if p["actor"] == a]
        if mine and sum(p["salience"] for p in mine) == 0:
            mine[0]["salience"] = 0.5
    ledger = []
    for k in range(draw(st.integers(0, 4))):
        by = draw(st.sampled_from(actor_ids))
        ledger.append(
            {
                "kind": "commitment",
                "id": f"C{k}",
                "date": draw(dates).isoformat(),
                "by": by,
                "terms": [{"indicator": "attacks", "direction": "decrease", "size": 0.5}],
                "cost": draw(units),
                "sources": ["S"],
            }
        )
    doc: dict[str, Any] = {
        "schema_version": 1,
        "meta": {
            "name": "generated",
            "as_of": as_of.isoformat(),
            "sources": {"S": {"title": "generated source"}},
        },
        "actors": actors,
        "issues": issues,
        "positions": positions,
        "ledger": ledger,
        "trust": [
            {
                "truster": actor_ids[0],
                "trustee": actor_ids[1],
                "integrity": {"positive": draw(units), "negative": draw(units)},
                "assumption": "generated",
            }
        ],
    }
    if draw(st.booleans()):
        doc["war"] = {
            "belligerents": actor_ids[:2],
            "stalemate": draw(units) / 2,
            "assumption": "generated",
        }
    if draw(st.booleans()):
        doc["proposals"] = [
            {"id": "P", "name": "P", "terms": {issue_ids[0]: draw(points)}, "sources": ["S"]}
        ]
    return doc


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(), st.sampled_from(["yaml", "json"]))
def test_generated_scenarios_round_trip(doc: dict[str, Any], fmt: str) -> None:
    s = Scenario.model_validate(doc)
    assert check_references(s) == []
    again = parse_scenario(dump_scenario(s, fmt=fmt), strict=True)
    assert again == s
    assert parse_scenario(dump_scenario(again, fmt=fmt)) == again


FILE_LEVEL = ("file is empty", "not UTF-8", "expected a mapping", "schema_version")


def _check_failure_is_located(text: str | bytes) -> None:
    try:
        parse_scenario(text, name="mutant.yaml")
    except ScenarioError as exc:
        assert exc.problems
        for p in exc.problems:
            assert str(p).startswith("mutant.yaml")
            assert p.message
        assert any(p.line > 0 for p in exc.problems) or any(
            f in p.message for p in exc.problems for f in FILE_LEVEL
        ), [str(p) for p in exc.problems]


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_mutated_files_fail_cleanly(data: st.DataObject) -> None:
    lines = TEXT.splitlines(keepends=True)
    op = data.draw(st.sampled_from(["delete", "duplicate", "swap", "char", "truncate", "indent"]))
    k = data.draw(st.integers(0, len(lines) - 1))
    if op == "delete":
        del lines[k]
    elif op == "duplicate":
        lines.insert(k, lines[k])
    elif op == "swap":
        j = data.draw(st.integers(0, len(lines) - 1))
        lines[k], lines[j] = lines[j], lines[k]
    elif op == "indent":
        lines[k] = " " + lines[k]
    elif op == "truncate":
        lines = lines[:k]
    else:
        line = lines[k]
        pos = data.draw(st.integers(0, max(0, len(line) - 1)))
        ch = data.draw(st.sampled_from(list("{}[]:,-'\"!&*#x9 \t")))
        lines[k] = line[:pos] + ch + line[pos + 1 :]
    _check_failure_is_located("".join(lines))


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300) | st.text(max_size=300))
def test_random_input_fails_cleanly(blob: bytes | str) -> None:
    _check_failure_is_located(blob)
