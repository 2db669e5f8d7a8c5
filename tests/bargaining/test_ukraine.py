"""Model consequences on the shipped Russia–Ukraine snapshots (never a hoped political answer).

Whatever the snapshot says, the model's own guarantees must hold on it: solutions lie in the
zone, distrust only shrinks it, an empty zone names its cause (a red-line conflict or an
actor's shortfall), and a zone closed by conflicting red lines cannot be reopened by any
mechanism (mechanisms change compliance, losses and costs, never red lines), while the
smallest red-line relaxation does, and no one-sided concession is cheaper than the joint one.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from detente.bargaining.analysis import analyze, run_red_line_relaxation, run_what_it_takes
from detente.bargaining.zone import contains
from detente.scenario import load_scenario

SNAPSHOTS = sorted((Path(__file__).resolve().parents[2] / "scenarios").glob("ukraine-*.yaml"))


@pytest.mark.skipif(not SNAPSHOTS, reason="no Ukraine snapshots shipped")
@pytest.mark.parametrize("path", SNAPSHOTS, ids=[p.stem for p in SNAPSHOTS])
def test_snapshot_consequences(path: Path) -> None:
    a = analyze(load_scenario(path), samples=200)
    p = a.problem
    assert {"RU", "UA"} <= {x for x, v in zip(p.actors, p.veto, strict=True) if v}
    t = a.zone.thresholds
    assert np.all(t[p.veto] >= p.reservation[p.veto] - 1e-12)
    if a.zone.exists:
        assert a.zone_without_distrust.exists
        for name in ("nash", "kalai_smorodinsky", "utilitarian"):
            assert contains(p, t, a.solutions[name].x), name
    else:
        assert a.zone.red_line_conflicts or a.zone.shortfall.max() > 0
    if a.zone.red_line_conflicts:
        assert not a.zone_without_distrust.exists
        assert run_what_it_takes(a).options == ()
        # ... but moving red lines can: every conflicting issue needs a move, and the relaxed
        # zone (with distrust) exists.
        rep = run_red_line_relaxation(a)
        assert rep.relaxation is not None and rep.relaxation.zone.exists
        assert set(a.zone.red_line_conflicts) <= {mv.issue for mv in rep.relaxation.moves}
        for _, one in rep.one_sided.values():
            assert one is None or (one.zone.exists and one.total >= rep.relaxation.total - 1e-6)
    for card in a.cards:
        for r in card.rows:
            assert not (r.accept_distrust and not r.accept)
