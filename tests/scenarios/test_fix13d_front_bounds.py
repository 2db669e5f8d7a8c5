"""A red line stated at the line of contact names the line as each snapshot knows it (issue 13,
branch fix13d, review rev13 D1).

A bound ``at_front`` moves with the front in a simulation, ``bound + (line − line₀)`` from the
snapshot's starting line (``simulate/steps/positions.py``, ``front_lines``). Written into a
snapshot at the reading of the line at its own date, it would start inside or outside the front
the snapshot knows (Ukraine's Donetsk line of 17 August 2025 read at 70, the November 2025
snapshot's front 76). The builder carries such a bound with the front to the snapshot's starting
line: ``bound + (start − line at the position's date)``, both figures dated at or before the
snapshot's ``as_of``."""

from __future__ import annotations

import sys
from typing import Any

import pytest
from tests.repo_scripts import build_reference as _builder

from detente import load_scenario


def _at_front_bounds(built: dict[str, Any]) -> list[tuple[tuple[str, str, str], str, float]]:
    """Every bound of a built snapshot stated at the front and short of the scale's end (the
    bounds the engine moves with the front): (position, "min" | "max", value)."""
    out = []
    for row in built["positions"]:
        if not row.get("at_front"):
            continue
        lo, hi = (float(v) for v in row["acceptable"])
        key = (row["actor"], row["issue"], row["date"])
        if lo > 0.0:
            out.append((key, "min", lo))
        if hi < 100.0:
            out.append((key, "max", hi))
    return out


@pytest.mark.parametrize("snapshot", list(_builder().SNAPSHOTS))
def test_every_bound_at_the_front_is_the_snapshots_status_quo(snapshot: str) -> None:
    """Every at-front bound in every built snapshot equals that snapshot's status quo on its
    issue, whatever the date of the reading it was stated at (the check
    ``test_readings_shared_with_a_status_quo_agree_with_it`` makes only for readings of the same
    figure date)."""
    br = _builder()
    built = br.build(snapshot)
    sq = {row["id"]: float(row["status_quo"]) for row in built["issues"]}
    for key, bound, value in _at_front_bounds(built):
        assert value == pytest.approx(sq[key[1]], abs=1e-9), (snapshot, key, bound, value)


def test_the_november_2025_donetsk_line_is_the_front_that_snapshot_knows() -> None:
    """The case rev13 found: Ukraine's answer to Anchorage (read at 70 on 16 August 2025) sits
    at 76 in the November 2025 snapshot (the White House map of 18 August), at 79 in June 2026
    (DeepState's 78.1 % of 1 January 2026 and the small changes to February), and keeps its own
    reading in the raw table."""
    br = _builder()
    up = sys.modules["ukraine_positions"]
    key = ("UA", "donetsk", "2025-08-17")
    raw = next(r for r in up.POSITIONS if (r["actor"], r["issue"], r["date"]) == key)
    assert raw["acceptable"] == [0, 70]
    for snapshot, want in (("ukraine-2025-11", 76), ("ukraine-2026-06", 79)):
        row = next(
            r for r in br.build(snapshot)["positions"] if (r["actor"], r["issue"], r["date"]) == key
        )
        assert row["acceptable"] == [0, want], (snapshot, row["acceptable"])
        assert "carried with the front" in row["assumption"]
    assert raw["acceptable"] == [0, 70]  # the table is not changed by building


def test_the_shipped_snapshots_agree(tmp_path: Any) -> None:
    """The scenario files as loaded: the latest Ukrainian position on each front issue with a
    bound at the front starts on the snapshot's status quo."""
    br = _builder()
    for snapshot in ("ukraine-2025-05", "ukraine-2025-11", "ukraine-2026-06"):
        sc = load_scenario(br.HERE / f"{snapshot}.yaml")
        sq = {i.id: i.status_quo for i in sc.issues}
        checked = 0
        for p in sc.positions:
            if p.at_front and p.acceptable is not None and p.acceptable[1] < 100.0:
                assert p.acceptable[1] == pytest.approx(sq[p.issue]), (snapshot, p)
                checked += 1
        assert checked >= 2, snapshot


def test_a_start_resting_on_a_later_figure_carries_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A status quo resting on a figure dated after as_of is not used to carry a bound (no
    look-ahead), as it is not used for a drift; the assumption says so."""
    br = _builder()
    ui = sys.modules["ukraine_issues"]
    bad = dict(ui.STATUS_QUO["ukraine-2025-11"])
    bad["donetsk"] = dict(bad["donetsk"], figure_date="2026-01-01")
    monkeypatch.setitem(ui.STATUS_QUO, "ukraine-2025-11", bad)
    row = next(
        r
        for r in sys.modules["ukraine_positions"].POSITIONS
        if (r["actor"], r["issue"], r["date"]) == ("UA", "donetsk", "2025-08-17")
    )
    out = br.carried_with_the_front(row, "ukraine-2025-11")
    assert out["acceptable"] == [0, 70]
    assert "not carried with the front" in out["assumption"] and "2026-01-01" in out["assumption"]


def test_a_reading_of_the_line_after_as_of_is_a_located_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    br = _builder()
    up = sys.modules["ukraine_positions"]
    key = ("UA", "donetsk", "2025-08-17")
    monkeypatch.setitem(up.LINE_FIGURES, key, (70, "2025-12-01"))
    row = next(r for r in up.POSITIONS if (r["actor"], r["issue"], r["date"]) == key)
    with pytest.raises(ValueError, match=r"2025-12-01, after as_of 2025-11-22"):
        br.carried_with_the_front(row, "ukraine-2025-11")
