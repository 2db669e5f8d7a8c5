"""Red lines stated at the line of contact (``Position.at_front``: "a cease-fire on the current
line") move with the front in the ``positions`` step (``steps.positions.front_lines``;
Schelling 1960; Fortna 2004), and the reference Ukraine snapshots state the front's trend known
at their date (``scenarios/build_reference.py``: ``front_trend``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pydantic import ValidationError
from tests.repo_scripts import build_reference as _builder

from detente.scenario import Scenario, load_scenario
from detente.scenario.schema import Position
from detente.simulate.engine import iter_periods, simulate_block
from detente.simulate.model import build_model
from detente.simulate.state import evolve
from detente.simulate.steps.positions import red_lines

from .helpers import make_scenario

ROOT = Path(__file__).resolve().parents[2]
# compatible lines: no move set, so every change of a line is the positions step's
RED = {("A", "land"): (30.0, 100.0), ("B", "land"): (0.0, 70.0)}


def _at_front(sc: Scenario, actor: str, issue: str) -> Scenario:
    pos = [
        p.model_copy(update={"at_front": True}) if (p.actor, p.issue) == (actor, issue) else p
        for p in sc.positions
    ]
    return sc.model_copy(update={"positions": tuple(pos)})


def test_at_front_needs_a_stated_red_line() -> None:
    with pytest.raises(ValidationError, match="at_front needs a stated red line"):
        Position(actor="A", issue="land", ideal=0.0, salience=0.5, at_front=True)
    ok = Position(actor="A", issue="land", ideal=0.0, salience=0.5, acceptable=(0, 70))
    assert ok.at_front is False  # the default: a number on the scale


def test_the_model_marks_only_stated_bounds_of_positions_at_the_front() -> None:
    sc = make_scenario(strategies=("conceder", "conceder"), red_lines=RED)
    m = build_model(_at_front(sc, "B", "land"))
    b, land = m.actor_ids.index("B"), m.issue_ids.index("land")
    assert m.agenda.front_hi is not None and m.agenda.front_lo is not None
    assert m.agenda.front_hi[b, land]  # B's maximum 70 is stated
    assert not m.agenda.front_lo[b, land]  # its minimum is the scale's end: nothing to move
    assert m.agenda.front_hi.sum() == 1 and not m.agenda.front_lo.any()
    plain = build_model(sc)
    assert plain.agenda.front_hi is None and plain.agenda.front_lo is None


def test_a_line_at_the_front_moves_with_it_and_no_other_does() -> None:
    sc = make_scenario(strategies=("conceder", "conceder"), red_lines=RED)
    m = build_model(_at_front(sc, "B", "land"))
    a, b, land = m.actor_ids.index("A"), m.actor_ids.index("B"), m.issue_ids.index("land")
    assert m.front_moves[land]
    s = next(iter_periods(m, 5, np.random.SeedSequence(3), 1))
    line = s.line.copy()
    line[:, land] = m.status_quo[land] + np.array([-80.0, -10.0, 0.0, 12.0, 60.0])
    lo, hi = red_lines(m, evolve(s, line=line, value=s.value0, cum_cost=np.zeros((5, 2))))
    moved = line[:, land] - m.status_quo[land]
    want = np.clip(np.maximum(70.0 + moved, m.ideal[b, land]), 0.0, 100.0)
    assert np.allclose(hi[:, b, land], want)  # never past B's ideal, never off the scale
    assert hi[0, b, land] == max(float(m.ideal[b, land]), 0.0)
    assert hi[4, b, land] == 100.0
    assert np.allclose(lo[:, a, land], 30.0) and np.allclose(lo[:, b, land], 0.0)
    plain = build_model(sc)  # the same line, stated as a number: it does not move
    s0 = next(iter_periods(plain, 5, np.random.SeedSequence(3), 1))
    _, hi0 = red_lines(plain, evolve(s0, line=line, value=s0.value0, cum_cost=np.zeros((5, 2))))
    assert np.allclose(hi0[:, b, land], 70.0)


def test_a_drifting_front_carries_the_line_over_a_run_deterministically() -> None:
    drift = {"drift": 0.5, "drift_sd": 0.0}
    sc = make_scenario(strategies=("boulware", "boulware"), red_lines=RED, front=drift)
    m = build_model(_at_front(sc, "B", "land"))
    o = simulate_block(m, 200, 30, np.random.default_rng(5))
    b_max = o.paths["redline.B.land.max"]
    assert float(np.median(b_max[-1])) > 70.0 + 2.5  # the front drifted up: so did the line
    again = simulate_block(m, 200, 30, np.random.default_rng(5))
    assert np.array_equal(again.paths["redline.B.land.max"], b_max)


def test_ukraine_territorial_lines_are_at_the_front_from_jeddah_on() -> None:
    """Jeddah (11 March 2025, facts E0403): a cease-fire on the current line; the memorandum
    (1 June 2025): the line of contact as the starting point."""
    early = load_scenario(ROOT / "scenarios" / "ukraine-2023-12.yaml")
    assert not any(p.at_front for p in early.positions)
    m = build_model(load_scenario(ROOT / "scenarios" / "ukraine-2025-11.yaml"))
    ua = m.actor_ids.index("UA")
    assert m.agenda.front_hi is not None
    for issue in ("donetsk", "zaporizhzhia_kherson"):
        assert m.agenda.front_hi[ua, m.issue_ids.index(issue)]
    assert not m.agenda.front_hi[ua, m.issue_ids.index("crimea")]
    assert not m.agenda.front_hi[m.actor_ids.index("RU")].any()


def test_the_snapshots_state_the_fronts_trend_known_at_their_date() -> None:
    br = _builder()
    assert br.front_trend("ukraine-2022-03", "donetsk") is None  # no earlier figure
    assert br.front_trend("ukraine-2025-11", "crimea") is None  # the front does not move it
    assert br.front_trend("ukraine-2025-11", "nato_neutrality") is None  # not contested
    # 2023-12's Zaporizhzhia–Kherson is 2022-11's reading carried forward: one figure, no drift
    assert br.front_trend("ukraine-2023-12", "zaporizhzhia_kherson") is None
    # since fix12 2025-05 and 2025-11 rest on figures known at their as_of (January 2025's
    # estimate, the White House map of 18 Aug 2025), so they state drifts
    assert br.front_trend("ukraine-2025-05", "donetsk") is not None
    assert br.front_trend("ukraine-2025-11", "luhansk") is not None
    got = br.front_trend("ukraine-2026-06", "donetsk")
    assert got is not None
    # over the weeks between the fronts the two values describe (the figures of 2025-08-18 and
    # 2026-02-28), not between the snapshots' dates (branch dyn12)
    weeks = (np.datetime64("2026-02-28") - np.datetime64("2025-08-18")).astype(int) / 7.0
    assert got["drift"] == round((79 - 76) / weeks, 3)
    sigma = float(br.war("2026-06-23")["line_volatility"])
    assert got["drift_sd"] == round(sigma / np.sqrt(weeks), 3)
    sc = load_scenario(ROOT / "scenarios" / "ukraine-2026-06.yaml")
    front = sc.issue("donetsk").front
    assert front is not None and front.drift == got["drift"]
    front_2511 = load_scenario(ROOT / "scenarios" / "ukraine-2025-11.yaml").issue("donetsk").front
    assert front_2511 is not None and front_2511.drift == 0.352
    # every drift stated rests on figures dated no later than the snapshot's as_of, both ends
    names = list(br.SNAPSHOTS)
    for k, name in enumerate(names[1:], start=1):
        as_of = br.SNAPSHOTS[name]["as_of"]
        for issue in br.ISSUES:
            if br.front_trend(name, issue["id"]) is None:
                continue
            for end, date in ((name, as_of), (names[k - 1], br.SNAPSHOTS[names[k - 1]]["as_of"])):
                dated = br.status_quo(end, date)[issue["id"]].get(br.FIGURE_DATE)
                assert dated is None or dated <= as_of, (name, issue["id"], end, dated)


def test_a_drift_built_on_a_later_dated_figure_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A status quo resting on a figure dated after the snapshot's as_of (at either end of the
    drift) leaves the drift out: the parties could not know it (no look-ahead)."""
    br = _builder()
    # Donetsk: the one 2026-06 issue whose two ends describe different dates (branch dyn12)
    assert br.front_trend("ukraine-2026-06", "donetsk") is not None
    real = br.status_quo

    def later(end: str) -> Any:
        def status_quo(snapshot: str, as_of: str) -> dict[str, Any]:
            out = dict(real(snapshot, as_of))
            if snapshot == end:
                row = dict(out["donetsk"])
                row[br.FIGURE_DATE] = "2026-07-01"  # after 2026-06-23
                out["donetsk"] = row
            return out

        return status_quo

    for end in ("ukraine-2026-06", "ukraine-2025-11"):
        monkeypatch.setattr(br, "status_quo", later(end))
        assert br.later_figure("ukraine-2026-06", "donetsk") == "2026-07-01"
        assert br.front_trend("ukraine-2026-06", "donetsk") is None
        issue = next(i for i in br.build("ukraine-2026-06")["issues"] if i["id"] == "donetsk")
        assert "front" not in issue and "2026-07-01" in issue["assumption"]
