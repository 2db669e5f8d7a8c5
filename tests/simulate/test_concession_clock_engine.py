"""The talk step puts each side on its own concession clock on each bundle
(``agenda.talk_horizons``): a time-based strategy's demand in a round is its rule at
``t = (period + 1) / (H_i + 1)``, ``H_i`` the side's horizon on the bundle."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from detente.core import DEFAULT_SEED
from detente.scenario import load_scenario
from detente.scenario.simulation import SimulationSettings
from detente.simulate.agenda import talk_horizons
from detente.simulate.engine import iter_periods
from detente.simulate.model import build_model
from detente.simulate.runner import block_seed
from detente.simulate.steps.talk import bundle_table, bundle_values, talk_state
from detente.simulate.strategies import clock, get_strategy

ROOT = Path(__file__).resolve().parents[2]
TEACHING = ROOT / "scenarios" / "teaching.yaml"


@pytest.mark.parametrize("stated", [None, 30])
def test_each_side_concedes_on_its_own_clock(stated: int | None) -> None:
    sc = load_scenario(TEACHING)
    if stated is not None:
        base = sc.simulation or SimulationSettings()
        sim = SimulationSettings.model_validate(base.model_dump() | {"concession_periods": stated})
        sc = sc.model_copy(update={"simulation": sim})
    m = build_model(sc)
    assert m.strategies == ("linear", "linear")
    linear = get_strategy("linear")
    spec = m.agenda.bundles[0]
    hz = talk_horizons(spec, m.settings)
    if stated is None:
        assert abs(hz[0] - hz[1]) > 1.0  # the sides' clocks differ in this scenario
    else:
        assert np.array_equal(hz, [30.0, 30.0])
    before = None
    checked = 0
    for s in iter_periods(m, 256, block_seed(DEFAULT_SEED, 0), 6):
        if before is not None:
            held = (s.rounds[:, 0] > before.rounds[:, 0]) & (before.first[:, 0] < 0)
            table = bundle_table(m, s, 0)
            value, other = bundle_values(m, s, 0)
            for side in range(2):
                ts = talk_state(
                    table,
                    side,
                    value,
                    other,
                    period=s.period,
                    rounds=before.rounds[:, 0],
                    t=clock(s.period, float(hz[side])),
                    value0=s.value0[:, side],
                    prev_demand=before.prev_demand[:, 0, side],
                    opp_concession=np.zeros(s.n),
                    pressure=np.zeros(s.n, dtype=bool),
                )
                want = linear.move(ts).demand
                np.testing.assert_allclose(s.prev_demand[held, 0, side], want[held], rtol=1e-12)
                checked += int(held.sum())
        before = s
    assert checked > 1000
