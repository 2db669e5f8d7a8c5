"""The size of a bundle's zone (``bundle_zone(...).radius``) with issues the red lines pin to one
value: the cube spans the free issues only, wherever the pinned value lies on the scale
(validation/zone_expectations.md, change C1)."""

from __future__ import annotations

import numpy as np
import pytest

from detente.bargaining.bundles import agreement_from
from detente.bargaining.distrust import base_state
from detente.bargaining.packages import bundle_zone
from detente.bargaining.problem import BargainingProblem
from detente.bargaining.zone import compute_zone

from .helpers import make_problem


def _problem(pin: float, reservation: tuple[float, float] = (0.3, 0.3)) -> BargainingProblem:
    # Issue i0 is free (ideals 0 and 100); actor a0's red line pins i1 at ``pin``.
    return make_problem(
        ideal=[[0.0, 0.0], [100.0, 100.0]],
        weights=[[0.8, 0.2], [0.8, 0.2]],
        reservation=list(reservation),
        lo=[[0.0, pin], [0.0, 0.0]],
        hi=[[100.0, pin], [100.0, 100.0]],
    )


def _settlement_radius(pin: float, reservation: tuple[float, float] = (0.3, 0.3)) -> float:
    p = _problem(pin, reservation)
    ag = agreement_from(p, "settlement", p.issues, ceasefire=True)
    return bundle_zone(p, ag, base_state(p, None), intervals=False).radius


@pytest.mark.parametrize("pin", [0.0, 37.0, 100.0])
def test_a_pinned_issue_does_not_limit_the_cube_whatever_its_value(pin: float) -> None:
    # a0's loss at the centre x0 = c: 0.8 c/100 + 0.2 pin/100; a1's: 0.8 (100 − c)/100 +
    # 0.2 (100 − pin)/100. Each must stay below 0.7 − ρ/100 (the cube charges ρ on every
    # issue's weight, as the full zone's LP does). Adding both: 0.8 + 0.2 = 1.0 ≤ 1.4 − 2ρ/100,
    # so ρ* = 20 whatever ``pin`` is; before C1 a pin at 0 or 100 forced ρ* = 0.
    assert _settlement_radius(pin) == pytest.approx(20.0, abs=1e-6)


def test_the_settlement_radius_is_the_full_zones() -> None:
    # The settlement with a cease-fire is the full zone: the bundle LP and the zone LP
    # (detente.bargaining.zone) give the same largest cube, pinned issue at the scale end.
    for pin, res in ((0.0, (0.3, 0.3)), (100.0, (0.5, 0.2)), (0.0, (0.6, 0.6))):
        p = _problem(pin, res)
        z = compute_zone(p, intervals=False, samples=10, rng=np.random.default_rng(0))
        assert _settlement_radius(pin, res) == pytest.approx(z.radius, abs=1e-6)


def test_a_closed_zone_with_a_pinned_issue_keeps_its_graded_radius() -> None:
    # Thresholds no point meets: the radius is the LP's negative value, not a sentinel,
    # and it does not depend on where the pinned issue sits.
    r0 = _settlement_radius(0.0, (0.6, 0.6))
    r50 = _settlement_radius(50.0, (0.6, 0.6))
    assert r0 < 0.0
    assert r0 == pytest.approx(r50, abs=1e-6)
