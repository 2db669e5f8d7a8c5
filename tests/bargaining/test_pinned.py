"""One predicate for "the red lines pin this issue to one value" (zone.py and packages.py used
to write it twice, ``(hi - lo) < TOL_FEASIBLE`` and ``abs(hi - lo) < 1e-9``)."""

from __future__ import annotations

import numpy as np
from tests.bargaining.helpers import make_problem

from detente.bargaining.bundles import agreement_from
from detente.bargaining.packages import _LP
from detente.bargaining.zone import ZoneLP, pinned_issues
from detente.core import TOL_FEASIBLE


def test_pinned_issues_within_the_tolerance_either_way() -> None:
    lo = np.array([40.0, 40.0, 40.0, 40.0 + TOL_FEASIBLE / 2, 60.0, 0.0])
    hi = np.array([40.0, 40.0 + TOL_FEASIBLE / 2, 50.0, 40.0, 40.0, 100.0])
    assert pinned_issues(lo, hi).tolist() == [True, True, False, True, False, False]


def test_the_zone_and_the_packages_pin_the_same_issues() -> None:
    """Two veto parties whose lines meet at one value on the first issue: both linear
    programmes hold it fixed, and only it."""
    p = make_problem(
        ideal=[[0.0, 0.0], [100.0, 100.0]],
        weights=[[0.5, 0.5], [0.5, 0.5]],
        lo=[[0.0, 0.0], [40.0, 0.0]],
        hi=[[40.0, 100.0], [100.0, 100.0]],
        reservation=[0.0, 0.0],
    )
    zone = ZoneLP(p)
    assert zone.fixed.tolist() == [True, False]
    whole = agreement_from(p, "all", p.issues, ceasefire=True)
    assert _LP(p, whole).pinned.tolist() == zone.fixed.tolist()
