"""One rule for the sucker's loss: the simulation's acceptance reads the analysis' loss.

What a party loses against fighting on if it complies with a cease-fire and the other side
cheats is :func:`detente.bargaining.distrust.cheated_loss` (``V + K − Vc``: the rearmament a
pause allows, ``war.truce_power_shift``, as mechanisms scale it, plus their costs). The
simulation reads it per side once per model; with the run's belief in compliance equal to the
analysis' ``q`` and neutral trust in intentions, its acceptance threshold is the analysis'.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from detente.bargaining.distrust import (
    apply_all,
    base_state,
    deal_compliance,
    mechanism_effects,
    scenario_compliance,
    thresholds,
)
from detente.bargaining.problem import build_problem
from detente.scenario import Scenario, parse_scenario
from detente.simulate.model import build_model
from detente.simulate.protocols import _needs1

TEACHING = Path(__file__).resolve().parents[2] / "scenarios" / "teaching.yaml"
PEACEKEEPERS = {
    "id": "pk",
    "kind": "peacekeepers",
    "name": "Test force",
    "hazard_ratio": 0.54,
    "loss_if_cheated": 0.6,
    "assumption": "test",
}


def _teaching(shift: float, mechanisms: list[str], **sim: Any) -> Scenario:
    data = yaml.safe_load(TEACHING.read_text())
    data["war"]["truce_power_shift"] = shift
    data["mechanisms"] = [*data.get("mechanisms", []), PEACEKEEPERS]
    data.setdefault("simulation", {})
    data["simulation"]["mechanisms"] = mechanisms
    data["simulation"].update(sim)
    return parse_scenario(yaml.safe_dump(data))


@pytest.mark.parametrize(
    ("shift", "mechanisms"), [(0.02, []), (-0.05, []), (0.05, ["pk"]), (0.0, [])]
)
def test_simulation_threshold_is_the_analysis_threshold(
    shift: float, mechanisms: list[str]
) -> None:
    sc = _teaching(shift, mechanisms)
    model = build_model(sc)
    problem = build_problem(sc)
    comp, _ = scenario_compliance(sc)
    state = apply_all(base_state(problem, comp), mechanism_effects(problem, sc, mechanisms))
    t = thresholds(problem, state)
    q = deal_compliance(problem, state.q_pair)
    loss = np.broadcast_to(np.asarray(model.sucker_loss, dtype=np.float64), (2,))
    for side, actor in enumerate(sc.war.belligerents):  # type: ignore[union-attr]
        i = problem.actors.index(actor)
        # the talks' fear at neutral trust in intentions: L·2(1 − 0.5) = L
        fear = float(loss[side]) * 2.0 * (1.0 - 0.5)
        need = _needs1(-np.inf, False, float(state.v[i]), float(q[i]), fear)
        assert need == pytest.approx(float(t[i] - state.cost[i]), abs=1e-9)
    if shift == 0.0 and not mechanisms:
        assert loss.tolist() == [0.0, 0.0]  # no pause to exploit, no cost
    else:
        assert (loss > 0).all()


def test_mechanism_scales_the_loss_as_in_the_analysis() -> None:
    bare = build_model(_teaching(0.05, [])).sucker_loss
    kept = build_model(_teaching(0.05, ["pk"])).sucker_loss
    np.testing.assert_allclose(kept, 0.6 * bare, rtol=1e-12)


def test_stated_sucker_loss_overrides_for_both_sides() -> None:
    m = build_model(_teaching(0.05, ["pk"], sucker_loss=0.25))
    np.testing.assert_allclose(m.sucker_loss, [0.25 * 0.6, 0.25 * 0.6])
    assert build_model(_teaching(0.05, [], sucker_loss=0.0)).sucker_loss.tolist() == [0.0, 0.0]


def test_only_peacekeepers_and_dmzs_scale_a_stated_loss() -> None:
    """The format's rule (a mechanism's ``loss_if_cheated`` applies to peacekeepers and dmz),
    which the analysis follows: monitors stating one scale neither the derived loss nor a
    stated one."""
    data = yaml.safe_load(TEACHING.read_text())
    data["war"]["truce_power_shift"] = 0.05
    monitors = {"id": "mon", "kind": "monitors", "name": "Test monitors", "detection": 0.5,
                "loss_if_cheated": 0.5, "assumption": "test"}  # fmt: skip
    data["mechanisms"] = [*data.get("mechanisms", []), monitors]
    data.setdefault("simulation", {})["mechanisms"] = ["mon"]
    stated = build_model(parse_scenario(yaml.safe_dump({**data, "simulation": {
        **data["simulation"], "sucker_loss": 0.25}})))  # fmt: skip
    np.testing.assert_allclose(stated.sucker_loss, [0.25, 0.25])
    derived = build_model(parse_scenario(yaml.safe_dump(data))).sucker_loss
    data["simulation"]["mechanisms"] = []
    plain = build_model(parse_scenario(yaml.safe_dump(data))).sucker_loss
    np.testing.assert_allclose(derived, plain)
