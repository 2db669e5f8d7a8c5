"""No look-ahead in the Ukraine snapshots' starting fronts, and the backtest's front checks that
rest on a later figure counted apart (branch fix12, issue 13, review rev12).

``scenarios/ukraine_issues.py`` keeps, for each front status quo, the date of the latest figure
it rests on (``figure_date``) and of the front it describes (``figure_of``); both must be at or
before the snapshot's ``as_of``. ``validation/dynamics.py`` flags a front check whose start or
whose comparison rests on a figure dated after the date it describes."""

from __future__ import annotations

import pytest
from tests.repo_scripts import build_reference as _builder
from tests.repo_scripts import validation_dynamics as _dyn

FRONT = ("donetsk", "luhansk", "zaporizhzhia_kherson")


@pytest.mark.parametrize("snapshot", list(_builder().SNAPSHOTS))
def test_every_front_status_quo_rests_on_figures_known_at_as_of(snapshot: str) -> None:
    br = _builder()
    as_of = br.SNAPSHOTS[snapshot]["as_of"]
    sq = br.status_quo(snapshot, as_of)
    for issue in FRONT:
        trace = sq[issue]
        for key in (br.FIGURE_DATE, br.FIGURE_OF):
            date = trace.get(key)
            assert date is None or str(date) <= as_of, (snapshot, issue, key, date)
        assert br.later_figure(snapshot, issue) is None, (snapshot, issue)
        assert br.figure_of(snapshot, issue) <= as_of
        # the text never claims "no look-ahead" for a value (it is the rule, not a label)
        assert "carried back" not in str(trace.get("assumption", ""))


def test_every_front_issue_after_the_first_snapshot_states_a_drift_or_says_why_not() -> None:
    br = _builder()
    for snapshot in list(br.SNAPSHOTS)[1:]:
        issues = {i["id"]: i for i in br.build(snapshot)["issues"]}
        for issue in FRONT:
            row = issues[issue]
            if "front" in row:
                assert "drift" in row["front"], (snapshot, issue)
            else:
                assert "same date" in row["assumption"], (snapshot, issue)
            assert "after as_of" not in row.get("assumption", ""), (snapshot, issue)


def test_a_later_snapshot_describing_an_earlier_front_is_a_located_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    br = _builder()
    table = dict(br.status_quo.__globals__["STATUS_QUO"])
    bad = dict(table["ukraine-2025-11"])
    bad["donetsk"] = dict(bad["donetsk"], figure_of="2025-01-01")  # before 2025-05's 2025-01-31
    monkeypatch.setitem(br.status_quo.__globals__["STATUS_QUO"], "ukraine-2025-11", bad)
    with pytest.raises(ValueError, match=r"STATUS_QUO\['ukraine-2025-11'\]\['donetsk'\]"):
        br.front_trend("ukraine-2025-11", "donetsk")
    with pytest.raises(ValueError, match="earlier than ukraine-2025-05"):
        br._same_figure("ukraine-2025-11", "donetsk")


def test_the_backtest_flags_front_checks_resting_on_a_later_figure() -> None:
    """No simulation: the flags come from the figure dates alone. The truth file's values
    carried back from DeepState's 1 January 2026 reading make 10 of the 15 checks not evidence,
    and its 2022-11 Donetsk value, ISW's mid-December 2022 figure (branch dyn13), two more; no
    start is flagged (the snapshots rest on figures known at their as_of)."""
    dyn = _dyn()
    flagged, starts = [], 0
    for pair in dyn.load_expectations()["pairs"]:
        for issue, pv in dyn.front_provenance(pair).items():
            starts += any(r.startswith("the start") for r in pv["lookahead"])
            if pv["lookahead"]:
                flagged.append((pair["from"][8:], issue))
    assert starts == 0
    assert len(flagged) == 12
    assert ("2025-11", "donetsk") in flagged and ("2022-03", "donetsk") in flagged
    assert ("2022-11", "donetsk") in flagged
    assert ("2022-11", "luhansk") not in flagged and ("2023-12", "luhansk") not in flagged


def test_a_start_resting_on_a_later_figure_is_flagged(monkeypatch: pytest.MonkeyPatch) -> None:
    dyn = _dyn()
    dyn.front_provenance(dyn.load_expectations()["pairs"][0])  # puts scenarios/ on the path
    import ukraine_issues as ui

    pair = dyn.load_expectations()["pairs"][1]  # 2022-11 -> 2023-12
    bad = dict(ui.STATUS_QUO["ukraine-2022-11"])
    # Luhansk: its truth rests on no later figure (Donetsk's does since branch dyn13)
    bad["luhansk"] = dict(bad["luhansk"], figure_date="2026-01-01")
    monkeypatch.setitem(ui.STATUS_QUO, "ukraine-2022-11", bad)
    got = dyn.front_provenance(pair)["luhansk"]["lookahead"]
    assert got == ["the start rests on a figure of 2026-01-01, after 2022-11-16"]


def test_a_simulated_front_moves_from_the_simulations_start() -> None:
    """The simulated direction is read from where the simulation started, not from the real
    earlier value (they differ where the start rests only on what was known at as_of)."""
    dyn = _dyn()
    item = {"issue": "zaporizhzhia_kherson", "from": 73.0, "to": 73.0, "direction": "unchanged"}
    band = dyn.Band(70.0, 72.0, 76.0, 78.0, 80.0, simulated=True)
    assert dyn._row(item, band)["sim_direction"] == "up"  # 76 - 73 measured from the truth
    row = dyn._row(item, band, 75.0)
    assert row["sim_direction"] == "unchanged" and row["direction_agrees"]
    s = dyn.summarise(
        [
            {
                "red_lines": [],
                "redline_variables": [],
                "front": [row | {"evidence": False}, row | {"evidence": True}],
            }
        ]
    )
    assert s["front_flagged"] == 1
    assert s["front_direction"]["n"] == 2 and s["front_evidence_direction"]["n"] == 1
