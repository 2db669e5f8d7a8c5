"""The Ukraine snapshots' front drift divides the move by the weeks between the dates of the
fronts its two ends describe, not between the snapshots' dates (branch dyn12, issue 13):
``scenarios/build_reference.py`` ``front_trend`` / ``figure_of``."""

from __future__ import annotations

import datetime as dt
import math
import sys
from pathlib import Path
from typing import Any

import pytest

from detente.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
FRONT = ("donetsk", "luhansk", "zaporizhzhia_kherson")


def _builder() -> Any:
    sys.path.insert(0, str(ROOT / "scenarios"))
    try:
        import build_reference as br
    finally:
        sys.path.remove(str(ROOT / "scenarios"))
    return br


def _weeks(a: str, b: str) -> float:
    return (dt.date.fromisoformat(b) - dt.date.fromisoformat(a)).days / 7.0


def test_the_2026_06_donetsk_drift_runs_over_the_figures_dates() -> None:
    br = _builder()
    got = br.front_trend("ukraine-2026-06", "donetsk")
    assert got is not None
    # 77 is the front of 2025-11-22 (the earlier snapshot's estimate at its date), 79 the
    # figure of 2026-02-28 carried forward to 2026-06-23: 2 points in 14.0 weeks
    assert br.figure_of("ukraine-2025-11", "donetsk") == "2025-11-22"
    assert br.figure_of("ukraine-2026-06", "donetsk") == "2026-02-28"
    weeks = _weeks("2025-11-22", "2026-02-28")
    assert got["drift"] == round(2.0 / weeks, 3) == 0.143
    assert got["drift_sd"] == round(0.4 / math.sqrt(weeks), 3)
    # the snapshots' dates (30.4 weeks) gave 0.066, half the move per week the figures show
    old = round(2.0 / _weeks("2025-11-22", "2026-06-23"), 3)
    assert old == 0.066 and got["drift"] != old
    front = load_scenario(ROOT / "scenarios" / "ukraine-2026-06.yaml").issue("donetsk").front
    assert front is not None and front.drift == 0.143


def test_every_stated_drift_is_the_move_over_the_weeks_between_its_figures() -> None:
    br = _builder()
    names = list(br.SNAPSHOTS)
    stated = 0
    for k, name in enumerate(names[1:], start=1):
        prev = names[k - 1]
        for issue in FRONT:
            got = br.front_trend(name, issue)
            if got is None:
                continue
            stated += 1
            x1 = br.status_quo(name, br.SNAPSHOTS[name]["as_of"])[issue]["status_quo"]
            x0 = br.status_quo(prev, br.SNAPSHOTS[prev]["as_of"])[issue]["status_quo"]
            weeks = _weeks(br.figure_of(prev, issue), br.figure_of(name, issue))
            assert weeks > 0.0, (name, issue)
            assert got["drift"] == round((x1 - x0) / weeks, 3), (name, issue)
            # no end describes a front later than the snapshot it is read at
            assert br.figure_of(name, issue) <= br.SNAPSHOTS[name]["as_of"]
    assert stated == 6  # 2022-11 and 2023-12: 2 each; 2025-05: 1; 2026-06: 1 (Donetsk)


def test_one_figure_shows_no_trend() -> None:
    """2026-06's Luhansk (99.6) and Zaporizhzhia–Kherson (73.4) and 2025-11's values (99.5, 73)
    are the same DeepState reading of 1 January 2026: no drift, and the issue says why."""
    br = _builder()
    issues = {i["id"]: i for i in br.build("ukraine-2026-06")["issues"]}
    for issue in ("luhansk", "zaporizhzhia_kherson"):
        assert br.figure_of("ukraine-2026-06", issue) == "2026-01-01"
        assert br.figure_of("ukraine-2025-11", issue) == "2026-01-01"
        assert br.front_trend("ukraine-2026-06", issue) is None
        assert "front" not in issues[issue]
        assert "one figure, no trend" in issues[issue]["assumption"]
        assert br.FIGURE_OF not in issues[issue]  # stripped from the scenario


def test_the_drift_follows_the_dates_the_figures_describe(monkeypatch: pytest.MonkeyPatch) -> None:
    """Move the date an end describes and the drift follows: the rule reads the figures' dates."""
    br = _builder()
    real = br.status_quo

    def earlier(snapshot: str, as_of: str) -> dict[str, Any]:
        out = dict(real(snapshot, as_of))
        if snapshot == "ukraine-2025-11":
            out["donetsk"] = dict(out["donetsk"]) | {br.FIGURE_OF: "2025-10-25"}
        return out

    monkeypatch.setattr(br, "status_quo", earlier)
    got = br.front_trend("ukraine-2026-06", "donetsk")
    assert got is not None
    assert got["drift"] == round(2.0 / _weeks("2025-10-25", "2026-02-28"), 3)
    assert "the front of 2025-10-25" in got["assumption"]
