"""The Ukraine snapshots' front drift divides the move by the weeks between the dates of the
fronts its two ends describe, not between the snapshots' dates (branch dyn12, issue 13):
``scenarios/build_reference.py`` ``front_trend`` / ``figure_of``."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import pytest
from tests.repo_scripts import build_reference as _builder

from detente.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
FRONT = ("donetsk", "luhansk", "zaporizhzhia_kherson")


def _weeks(a: str, b: str) -> float:
    return (dt.date.fromisoformat(b) - dt.date.fromisoformat(a)).days / 7.0


def test_the_2026_06_donetsk_drift_runs_over_the_figures_dates() -> None:
    br = _builder()
    got = br.front_trend("ukraine-2026-06", "donetsk")
    assert got is not None
    # 76 is the front of 2025-08-18 (the White House map, carried forward to 2025-11-22:
    # branch fix12), 79 the figure of 2026-02-28 carried forward to 2026-06-23: 3 points in
    # 27.9 weeks (dyn12: 77, DeepState's 2026 figure carried back, over 14.0 weeks: 0.143)
    assert br.figure_of("ukraine-2025-11", "donetsk") == "2025-08-18"
    assert br.figure_of("ukraine-2026-06", "donetsk") == "2026-02-28"
    weeks = _weeks("2025-08-18", "2026-02-28")
    assert got["drift"] == round(3.0 / weeks, 3) == 0.108
    assert got["drift_sd"] == round(0.4 / math.sqrt(weeks), 3)
    # the snapshots' dates (30.4 weeks) would give 0.099
    old = round(3.0 / _weeks("2025-11-22", "2026-06-23"), 3)
    assert old == 0.099 and got["drift"] != old
    front = load_scenario(ROOT / "scenarios" / "ukraine-2026-06.yaml").issue("donetsk").front
    assert front is not None and front.drift == 0.108


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
    # fix12: every front issue but 2023-12's and 2025-05's Zaporizhzhia–Kherson (the 2022-11
    # reading carried forward: one figure); dyn12 had 6 (the rest rested on a 2026 figure)
    assert stated == 13


def test_one_figure_shows_no_trend() -> None:
    """Zaporizhzhia–Kherson in 2023-12 and 2025-05 is the 2022-11 reading (75) carried forward
    (branch fix12): the same figure at both ends, no drift, and the issue says why."""
    br = _builder()
    for snapshot in ("ukraine-2023-12", "ukraine-2025-05"):
        issue = "zaporizhzhia_kherson"
        row = next(i for i in br.build(snapshot)["issues"] if i["id"] == issue)
        assert br.figure_of(snapshot, issue) == "2022-11-16"
        assert br.front_trend(snapshot, issue) is None
        assert "front" not in row
        assert "one figure, no trend" in row["assumption"]
        assert br.FIGURE_OF not in row  # stripped from the scenario


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
    assert got["drift"] == round(3.0 / _weeks("2025-10-25", "2026-02-28"), 3)
    assert "the front of 2025-10-25" in got["assumption"]
