"""What the earlier snapshot could know: the drivers file of the dynamics backtest.

``validation/data/ukraine_redline_drivers.yaml`` attributes each moved red line stated in both
snapshots to the events that moved it and to what the earlier snapshot could know on its date;
``validation/dynamics.py`` reports it beside the scores and counts it in none of them (helper
dyn9, issue 13; ``validation/dyn9_expectations.md``). No simulation is run here.
"""

from __future__ import annotations

import copy
from types import ModuleType
from typing import Any

import pytest
from tests.repo_scripts import validation_dynamics as _dyn


def test_the_drivers_cover_exactly_the_moved_lines_with_dates_on_the_right_side() -> None:
    dyn = _dyn()
    assert dyn.check_drivers(dyn.load_expectations(), dyn.load_drivers()) == []


def test_the_check_finds_a_hindsight_basis_a_missing_line_and_an_unknown_source() -> None:
    dyn = _dyn()
    exp = dyn.load_expectations()
    doc = copy.deepcopy(dyn.load_drivers())
    first = doc["moves"][0]  # 2022-03, Russia's Donbas minima (as of 2022-03-30)
    first["basis"].append({"date": "2022-09-30", "what": "the annexation", "sources": ["S_x"]})
    doc["moves"][1]["drivers"][0]["date"] = "2022-03-01"  # before the earlier snapshot
    doc["moves"][2]["basis"] = []  # "in part" without a basis
    dropped = doc["moves"].pop()
    errors = dyn.check_drivers(exp, doc)
    assert any("basis dated 2022-09-30, after 2022-03-30" in e for e in errors)
    assert any("unknown source S_x" in e for e in errors)
    assert any("driver dated 2022-03-01, not after 2022-03-30" in e for e in errors)
    assert any("known is 'in part' with 0 basis" in e for e in errors)
    line = str(dropped["lines"][0])
    assert any(e.startswith(f"{dropped['pair']}.{line}: no driver") for e in errors)


def _scored(dyn: ModuleType, moved_right: set[tuple[str, str, str, str]]) -> dict[str, Any]:
    """The backtest's result without a simulation: every line simulated as unchanged, except
    ``moved_right`` simulated at its later value."""
    index = dyn.driver_index(dyn.load_drivers())
    pairs = []
    for p in dyn.load_expectations()["pairs"]:
        red = []
        for it in p["red_lines"]:
            key = (p["from"], it["actor"], it["issue"], it["bound"])
            v = it["to"] if key in moved_right else it["from"]
            row = dyn._row(it, dyn.Band(v, v, v, v, v, simulated=True))
            row["known"] = index[key]["known"] if key in index else None
            red.append(row)
        front = [dyn._row(it, dyn.Band(*([it["from"]] * 5), simulated=True)) for it in p["front"]]
        pairs.append(
            p
            | {
                "runs": 1,
                "seed": 1,
                "p_agreement": 0.0,
                "agreements": [],
                "redline_variables": ["redline.x"],
                "red_lines": red,
                "front": front,
            }
        )
    return {
        "runs": 1,
        "seed": 1,
        "tolerance": dyn.TOLERANCE,
        "detente_version": "test",
        "pairs": pairs,
        "summary": dyn.summarise(pairs),
    }


def test_the_lines_with_a_basis_are_reported_beside_the_unchanged_goal() -> None:
    dyn = _dyn()
    ru = {
        ("ukraine-2023-12", "RU", issue, "min")
        for issue in ("donetsk", "luhansk", "zaporizhzhia_kherson")
    }
    ua = {("ukraine-2025-05", "UA", "donetsk", "max")}  # a line without a basis
    res = _scored(dyn, ru | ua)
    s = res["summary"]
    # 17 moved lines stated in both since branch trk14 (Ukraine's NATO line of 2025-05 -> 2025-11
    # is unchanged once both readings are at the scale's anchor 25; it had no basis)
    assert (s["moved_stated_in_both"]["k"], s["moved_stated_in_both"]["n"]) == (4, 17)
    assert (s["moved_with_basis"]["k"], s["moved_with_basis"]["n"]) == (11, 17)
    assert (s["moved_with_basis_right"]["k"], s["moved_with_basis_right"]["n"]) == (3, 11)
    assert (s["moved_without_basis_right"]["k"], s["moved_without_basis_right"]["n"]) == (1, 6)
    text = dyn.render(res)
    assert (
        "| direction right, red lines stated in both snapshots that moved (goal ≥ 2/3) | "
        "4 / 17 (24 %): goal **not met** |" in text
    )
    assert "## What the earlier snapshot could know" in text
    assert "11 / 17 (65 %)" in text
    for word in ("the ceiling", "most a model could get right", "out of reach"):
        assert word not in text
    # the misses table says which misses had a basis
    assert "| 2025-11 → 2026-06 | UA | security_guarantees | max |" in text
    miss = next(x for x in text.splitlines() if x.startswith("| 2023-12 → 2025-05 | UA | donetsk"))
    assert miss.endswith("| stated in both | no |")


def test_ukraine_constitution_is_a_basis_and_a_later_front_move_is_none() -> None:
    """By the file's own definition (a fact dated on or before the earlier snapshot that points
    the way the line moved, stated in the snapshot or not), Ukraine's Constitution is a basis
    for its 2022-03 Donetsk and NATO lines (dyn9's sensitivity S1 got both right from it);
    Ukraine's 2025-05 Donetsk line, tied to a front that moved only after, has none."""
    index = _dyn().driver_index(_dyn().load_drivers())
    for issue in ("donetsk", "nato_neutrality"):
        mv = index[("ukraine-2022-03", "UA", issue, "max")]
        assert mv["known"] == "in part"
        assert any("S_const" in b["sources"] for b in mv["basis"])
    assert index[("ukraine-2025-05", "UA", "donetsk", "max")]["known"] == "no"


def test_the_backtest_refuses_a_drivers_file_that_misses_a_moved_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``backtest`` checks the drivers file before running anything: a moved line without a
    row would otherwise count with neither a basis nor none."""
    dyn = _dyn()
    doc = copy.deepcopy(dyn.load_drivers())
    doc["moves"].pop()
    monkeypatch.setattr(dyn, "load_drivers", lambda: doc)
    monkeypatch.setattr(dyn, "run_pair", lambda *a, **k: pytest.fail("ran a pair"))
    with pytest.raises(ValueError, match=r"ukraine_redline_drivers\.yaml: .*: no driver"):
        dyn.backtest(runs=1, seed=1)
