"""Regression on the shipped teaching scenario (issue "Talks that behave like talks").

For every pair of strategies whose definitions concede in response to concessions
(``reciprocates``: tit-for-tat, GRIT), P(agreement within 104 weeks) > 0.5 under every
protocol; the old engine gave 0 under ``single_text``, where the other side's offers were never
recorded. Time to agreement must not cluster at the 52-week concession horizon.
"""

from __future__ import annotations

from itertools import product
from pathlib import Path

import numpy as np
import pytest

from detente.scenario import Scenario, load_scenario
from detente.scenario.simulation import SimulationSettings
from detente.simulate import STRATEGIES, run_simulation

TEACHING = Path(__file__).resolve().parents[2] / "scenarios" / "teaching.yaml"
RECIPROCATING = sorted(n for n, s in STRATEGIES.items() if "reciprocates" in s.traits)
PROTOCOLS = ("alternating", "single_text", "multilateral")


def _with(sc: Scenario, a: str, b: str, protocol: str) -> Scenario:
    assert sc.war is not None
    x, y = sc.war.belligerents
    base = sc.simulation or SimulationSettings()
    sim = SimulationSettings.model_validate(
        base.model_dump() | {"strategies": {x: a, y: b}, "protocol": protocol}
    )
    return sc.model_copy(update={"simulation": sim})


@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize(("a", "b"), list(product(RECIPROCATING, repeat=2)))
def test_reciprocating_pairs_agree_under_every_protocol(a: str, b: str, protocol: str) -> None:
    assert set(RECIPROCATING) == {"grit", "tit_for_tat"}
    sc = _with(load_scenario(TEACHING), a, b, protocol)
    p = run_simulation(sc, 512, 1, 104).summary()["p_agreement"]
    assert p > 0.5, (a, b, protocol, p)


@pytest.mark.parametrize(
    ("a", "b", "protocol"),
    [
        ("linear", "linear", "alternating"),
        ("boulware", "linear", "single_text"),
        ("conceder", "boulware", "alternating"),
        ("tit_for_tat", "grit", "multilateral"),
    ],
)
def test_time_to_agreement_does_not_cluster_at_the_concession_horizon(
    a: str, b: str, protocol: str
) -> None:
    r = run_simulation(_with(load_scenario(TEACHING), a, b, protocol), 1024, 2, 104)
    hist = r.stats.first_hist
    assert hist.sum() > 512
    horizon = SimulationSettings().concession_periods  # 52
    near = hist[horizon - 2 : horizon + 3].sum() / hist.sum()
    assert near < 0.1  # under a tenth of agreements within two weeks of week 52
    assert abs(int(np.argmax(hist)) - horizon) > 2
