"""No look-ahead in the Ukraine positions and proposals read from the line of contact (issue 13,
branch dyn13).

A position "on the current line" (``at_front``, a freeze, a zone half-way between the line and
full withdrawal) rests on a reading of the front. ``scenarios/ukraine_positions.py`` keeps each
such reading with the date of its figure (``LINE_FIGURES``), ``scenarios/build_reference.py``
the proposals' (``PROPOSAL_LINES``); every figure is dated at or before the date of the position
or proposal it describes, as the starting fronts' figures are at or before their snapshot's
``as_of`` (``tests/simulate/test_fix12_no_lookahead.py``)."""

from __future__ import annotations

import sys
from typing import Any

import pytest
from tests.repo_scripts import build_reference as _builder

FRONT = ("donetsk", "luhansk", "zaporizhzhia_kherson")


def _positions() -> Any:
    """``scenarios/ukraine_positions.py``, the table module the builder imports."""
    _builder()
    return sys.modules["ukraine_positions"]


def _rows() -> dict[tuple[str, str, str], dict[str, Any]]:
    up = _positions()
    return {(r["actor"], r["issue"], r["date"]): r for r in up.POSITIONS}


def test_every_line_reading_is_dated_at_or_before_its_position() -> None:
    up = _positions()
    figures = up.LINE_FIGURES
    assert figures, "no position records its reading of the line"
    rows = _rows()
    for (actor, issue, date), (value, figure_date) in figures.items():
        assert (actor, issue, date) in rows, (actor, issue, date)
        assert issue in FRONT
        assert str(figure_date) <= date, (actor, issue, date, figure_date)
        assert 0 <= value <= 100


def test_every_bound_at_the_front_is_its_reading_of_the_line() -> None:
    """A red line stated at the line of contact inside the scale names the line: its bound is
    the reading recorded for its date (a bound at the end of the scale states no line)."""
    up = _positions()
    figures = up.LINE_FIGURES
    checked = 0
    for key, row in _rows().items():
        if not row.get("at_front"):
            continue
        lo, hi = row["acceptable"]
        if hi >= 100 and lo <= 0:
            continue
        assert key in figures, f"{key}: a bound at the front without a dated reading of the line"
        assert hi == figures[key][0], (key, hi, figures[key])
        checked += 1
    assert checked >= 5


def test_the_2025_08_17_donetsk_line_is_what_was_known_that_day() -> None:
    """Ukraine's answer to Anchorage: about 70 % of Donetsk (Zelensky, 12 Aug; the FT, 16 Aug),
    not DeepState's 78.1 % of 1 January 2026 (the value before branch dyn13)."""
    up = _positions()
    row = _rows()[("UA", "donetsk", "2025-08-17")]
    assert row["acceptable"] == [0, 70]
    assert up.LINE_FIGURES[("UA", "donetsk", "2025-08-17")] == (70, "2025-08-16")
    assert "2026" not in str(row["assumption"])


def test_readings_shared_with_a_status_quo_agree_with_it() -> None:
    """A reading whose figure is the one a snapshot's status quo rests on (same front date)
    has the same value: one reading of one front."""
    br = _builder()
    up = _positions()
    by_date: dict[tuple[str, str], float] = {}
    for snapshot, spec in br.SNAPSHOTS.items():
        for issue in FRONT:
            by_date[(issue, br.figure_of(snapshot, issue))] = float(
                br.status_quo(snapshot, spec["as_of"])[issue]["status_quo"]
            )
    shared = 0
    for (_, issue, _), (value, figure_date) in up.LINE_FIGURES.items():
        if (issue, figure_date) in by_date:
            assert float(value) == by_date[(issue, figure_date)], (issue, figure_date, value)
            shared += 1
    assert shared >= 8


def test_every_proposal_read_from_the_line_is_dated_at_or_before_it() -> None:
    br = _builder()
    proposals = {pr["id"]: pr for pr in br.PROPOSALS}
    assert br.PROPOSAL_LINES
    for (pid, issue), (value, figure_date) in br.PROPOSAL_LINES.items():
        pr = proposals[pid]
        assert str(figure_date) <= pr["date"], (pid, issue, figure_date)
        term = pr["terms"][issue]
        # frozen on the line, or a zone half-way between the line and full withdrawal
        assert term in (value, round((value + 100) / 2)), (pid, issue, term, value)


@pytest.mark.parametrize("snapshot", ["ukraine-2025-05", "ukraine-2025-11", "ukraine-2026-06"])
def test_no_position_in_a_snapshot_rests_on_a_later_reading(snapshot: str) -> None:
    """The built snapshot's positions read from the line carry only readings dated at or
    before the snapshot's as_of (they are dated at or before it, and their figures before them)."""
    br = _builder()
    up = _positions()
    as_of = br.SNAPSHOTS[snapshot]["as_of"]
    for row in br.build(snapshot)["positions"]:
        key = (row["actor"], row["issue"], row["date"])
        if key in up.LINE_FIGURES:
            assert up.LINE_FIGURES[key][1] <= as_of
