"""validation/dynamics_why.py: which condition of the ``positions`` rules keeps a backtest red
line from moving the way the real one did (helper dyn14, validation/dyn14_expectations.md)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _why() -> ModuleType:
    name = "validation_dynamics_why"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "validation" / "dynamics_why.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _row(**kw: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "bound": "max",
        "from": 30.0,
        "direction": "up",
        "median": 30.0,
        "move_sets": [],
        "war_rise": -0.02,
        "commitment": None,
        "commit_pulls": False,
    }
    row.update(kw)
    return row


def _set(table: float, gain: float, crossed: float = 0.0) -> dict[str, Any]:
    return {"bundle": "settlement", "table": table, "gain_ever": gain, "crossed": crossed}


def test_a_line_whose_median_moved_the_real_way_is_right() -> None:
    assert _why().blocked_by(_row(median=40.0)) == "- (right)"
    assert _why().blocked_by(_row(direction="unchanged", median=31.0)) == "- (right)"


@pytest.mark.parametrize(
    ("sets", "expected"),
    [
        ([], "no move set holds the line"),
        ([_set(0.0, 0.9)], "no round of talks on the settlement bundle"),
        ([_set(0.9, 0.1)], "the crossing cost stays above the gain"),
        ([_set(0.9, 0.9, 0.2)], "crossed in too few runs"),
        # branch v22a: a package outside the ratifiers' win-set, talked about and worth it
        ([_set(0.9, 0.9) | {"ratified": False}], "outside the ratifiers' win-set"),
        ([_set(0.0, 0.9) | {"ratified": False}], "no round of talks on the settlement bundle"),
    ],
)
def test_a_loosening_is_blocked_by_the_first_crossing_condition_that_fails(
    sets: list[dict[str, Any]], expected: str
) -> None:
    # a maximum that rose (and a minimum that fell) is a loosening: the crossing rule's
    assert _why().blocked_by(_row(move_sets=sets)).startswith(expected)
    assert (
        _why().blocked_by(_row(bound="min", direction="down", move_sets=sets)).startswith(expected)
    )


def test_a_tightening_is_blocked_by_the_value_of_fighting_or_a_short_pull() -> None:
    why = _why()
    down = {"direction": "down"}  # a maximum that fell: a tightening
    assert why.blocked_by(_row(**down, war_rise=None)).startswith("a third party")
    assert why.blocked_by(_row(**down, war_rise=-0.01)).startswith(
        "the value of fighting does not rise"
    )
    assert why.blocked_by(_row(**down, war_rise=0.01)).startswith("the hardening")
    pulled = {"commitment": 0.0, "commit_pulls": True}
    assert why.blocked_by(_row(**down, war_rise=-0.01, **pulled)).startswith("the hardening")


def test_a_line_that_held_but_moved_in_the_runs_is_named() -> None:
    row = _row(direction="unchanged", median=75.0)
    row["from"] = 50.0
    assert _why().blocked_by(row) == "a rule moves a line that held"


def test_the_2023_12_pair_measures_every_line_stated_in_both() -> None:
    """A short run of the pair from ukraine-2023-12: a row per line stated in both snapshots,
    shares in [0, 1], and Ukraine's Donetsk maximum held by its settlement move set."""
    why = _why()
    pair = next(p for p in why.dyn.load_expectations()["pairs"] if p["from"] == "ukraine-2023-12")
    rows = why.diagnose_pair(pair, runs=24, seed=20261122)
    stated = [r for r in pair["red_lines"] if r["status"] == "stated in both"]
    assert [(r["actor"], r["issue"], r["bound"]) for r in rows] == [
        (r["actor"], r["issue"], r["bound"]) for r in stated
    ]
    for r in rows:
        assert 0.0 <= r["median"] <= 100.0
        for ms in r["move_sets"]:
            assert all(0.0 <= ms[k] <= 1.0 for k in ("table", "gain_first", "gain_ever", "crossed"))
    ua = next(r for r in rows if (r["actor"], r["issue"], r["bound"]) == ("UA", "donetsk", "max"))
    assert [ms["bundle"] for ms in ua["move_sets"]] == ["settlement"]
    assert ua["war_rise"] is not None and ua["blocked_by"]
    table = why.render({pair["from"]: rows}, moved_only=True)
    assert "| 2023-12 | UA donetsk max |" in table
    assert "| 2023-12 | RU crimea min |" not in table  # held: only with --all
